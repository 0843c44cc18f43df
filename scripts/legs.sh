# shellcheck shell=bash
# The test legs: which runtime loads which build of every example, in which HPy mode. Sourced
# by scripts/build-examples.sh (wheels + one venv per leg), scripts/test.sh (each example's
# pytest suite per leg) and scripts/examples.sh (each example's demo per leg), so that the
# three can never disagree. scripts/install-runtimes.sh installs the runtimes named here.
#
# A leg is named <runtime tag>-<mode>, e.g. cp311-cpython, pypy311-universal.
#
#   runtime     the interpreter that runs the tests:
#                 host        $PYTHON (CPython 3.11 on this project's machines; builds everything)
#                 pypy3.11    Debian trixie's PyPy 3.11 (7.3.19), built-in hpy.universal
#                 python3.13  Debian trixie's CPython 3.13
#               (the last two are unpacked by scripts/install-runtimes.sh, see runtime_python)
#   mode        cpython    the CPython-ABI wheel maturin builds for that runtime
#                          (HPY_ABI=cpython maturin build -i <runtime>; on PyPy: through cpyext)
#               universal  THE universal wheel: built once, by the host, and installed
#                          unchanged on every runtime (one .hpy0.so for all of them)
#               debug      the same universal wheel under HPy's debug mode (HPY=debug)
#   expect      HPY_TEST_EXPECT for examples/conftest.py, which checks that the leg really
#               imports that build, in that mode, on that runtime
#
# pypy3.11 debug: PyPy's built-in hpy.universal has a debug mode for universal modules, and
# hpy.debug.LeakDetector, so this leg is the cp311 debug leg's twin. PyPy 7.3.19's debug mode
# has a bug of its own (an HPy function called from another one through Python aborts with
# "Wrong HPy Context!"), so the tests that nest calls are marked in test_hello.py.
#
# Not a leg, on purpose: universal on CPython 3.13. hpy 0.9.0 has no cp313 wheel (it builds
# from its sdist, ~33 s, and needs libpython3.13-dev) and its own C runtime segfaults there on
# types with GC. (The hello example does pass there, in universal and debug mode.)
#
# shellcheck disable=SC2034 # file-wide (before the first command): the scripts that source
# this file read the LEG_* arrays.
LEG_TABLE='
# runtime     mode        expect
host          cpython     cpython
host          universal   universal
host          debug       debug
pypy3.11      universal   universal-pypy
pypy3.11      debug       debug-pypy
pypy3.11      cpython     cpython
python3.13    cpython     cpython
'

# Failures that are known and tracked (bugs in hpy-core, see the reasons), by leg and what
# fails: `build` (maturin cannot build the leg's wheel) or `demo:<example>` (the demo run by
# scripts/examples.sh). Like pytest's xfail(strict=True): a known failure is reported but does
# not fail the run, and one that no longer happens does fail it, so that its line here gets
# removed. Failing *tests* are marked in the test files instead (xfail/crash_xfail).
KNOWN_FAILURES='
'

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PYTHON=${PYTHON:-python3}

# Where scripts/install-runtimes.sh unpacks the extra runtimes: outside the repository, so that
# `rm -rf build` or a fresh clone does not cost a reinstall, and per user, so that no root is
# needed to write there. HPY_RS_RUNTIMES overrides it.
RUNTIMES_DIR=${HPY_RS_RUNTIMES:-${XDG_CACHE_HOME:-$HOME/.cache}/hpy-rs/runtimes}
# One launcher per runtime, named like the runtime key: `$RUNTIMES_BIN/pypy3.11`.
RUNTIMES_BIN=$RUNTIMES_DIR/bin

# The runtime keys the leg table uses, except `host` (in order of first use).
extra_runtimes() {
    local runtime mode expect seen=" "
    while read -r runtime mode expect; do
        [ "$runtime" != host ] || continue
        case $seen in *" $runtime "*) continue ;; esac
        seen="$seen$runtime "
        printf '%s\n' "$runtime"
    done < <(table_rows "$LEG_TABLE")
}

# The non-comment, non-blank lines of a table.
table_rows() {
    printf '%s\n' "$1" | sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d'
}

# The interpreter of runtime key $1.
runtime_python() {
    case $1 in
        host) printf '%s\n' "$PYTHON" ;;
        *) printf '%s\n' "$RUNTIMES_BIN/$1" ;;
    esac
}

# The tag of runtime key $1: cp311 (host), pypy311 (pypy3.11), cp313 (python3.13). Read off
# the key for the extra runtimes, so that naming a leg never needs its runtime installed;
# examples/conftest.py checks that the interpreter of a leg really is that runtime.
runtime_tag() {
    case $1 in
        host)
            [ -n "${_HOST_TAG:-}" ] || _HOST_TAG=$("$PYTHON" -c 'import sys
impl = "pypy" if sys.implementation.name == "pypy" else "cp"
print("%s%d%d" % ((impl,) + sys.version_info[:2]))') ||
                { echo "legs.sh: cannot run $PYTHON" >&2; return 1; }
            printf '%s\n' "$_HOST_TAG"
            ;;
        pypy[0-9]*.[0-9]*) printf 'pypy%s\n' "${1#pypy}" | tr -d . ;;
        python[0-9]*.[0-9]*) printf 'cp%s\n' "${1#python}" | tr -d . ;;
        *) echo "legs.sh: runtime key '$1' is not host, pypyX.Y or pythonX.Y" >&2; return 1 ;;
    esac
}

# Fills the arrays LEGS (names), and LEG_RUNTIME, LEG_MODE, LEG_EXPECT, LEG_WHEELS (the
# folder under build/wheels/ holding the wheels the leg installs), LEG_ENV (extra environment
# of its test runs, space-separated assignments) keyed by leg name. With HPY_LEGS=a,b (for
# local iteration) only those legs; an unknown name is an error.
load_legs() {
    LEGS=()
    declare -gA LEG_RUNTIME=() LEG_MODE=() LEG_EXPECT=() LEG_WHEELS=() LEG_ENV=()
    local runtime mode expect tag leg
    # Asked once here, not in the $(...) subshells below, which could not remember it.
    runtime_tag host >/dev/null
    while read -r runtime mode expect; do
        tag=$(runtime_tag "$runtime")
        leg=$tag-$mode
        LEGS+=("$leg")
        LEG_RUNTIME[$leg]=$runtime
        LEG_MODE[$leg]=$mode
        LEG_EXPECT[$leg]=$expect
        case $mode in
            cpython) LEG_WHEELS[$leg]=$tag-cpython LEG_ENV[$leg]="" ;;
            universal) LEG_WHEELS[$leg]=universal LEG_ENV[$leg]="" ;;
            debug) LEG_WHEELS[$leg]=universal LEG_ENV[$leg]="HPY=debug" ;;
            *) echo "legs.sh: unknown mode '$mode' in the leg table" >&2; return 1 ;;
        esac
    done < <(table_rows "$LEG_TABLE")

    if [ -n "${HPY_LEGS:-}" ]; then
        local wanted=() name
        for name in ${HPY_LEGS//,/ }; do
            if [ -z "${LEG_MODE[$name]:-}" ]; then
                echo "legs.sh: HPY_LEGS names an unknown leg '$name' (legs: ${LEGS[*]})" >&2
                return 1
            fi
            wanted+=("$name")
        done
        LEGS=("${wanted[@]}")
    fi
}

# The reason if "$1 $2" (leg, what) is a known failure, else nothing (and status 1).
known_failure() {
    local leg what reason
    while read -r leg what reason; do
        if [ "$leg" = "$1" ] && [ "$what" = "$2" ]; then
            printf '%s\n' "$reason"
            return 0
        fi
    done < <(table_rows "$KNOWN_FAILURES")
    return 1
}

# Every example: the folder names of examples/*/ that have a pyproject.toml.
# The examples to build and test: every examples/<name>/ with a pyproject.toml, or only those
# named in HPY_EXAMPLES=a,b (for local iteration; an unknown name is an error).
example_names() {
    local pyproject name
    if [ -n "${HPY_EXAMPLES:-}" ]; then
        for name in ${HPY_EXAMPLES//,/ }; do
            if [ ! -e "$ROOT/examples/$name/pyproject.toml" ]; then
                printf 'HPY_EXAMPLES: no example %s (examples/%s/pyproject.toml)\n' "$name" "$name" >&2
                return 1
            fi
            printf '%s\n' "$name"
        done
        return 0
    fi
    for pyproject in "$ROOT"/examples/*/pyproject.toml; do
        [ -e "$pyproject" ] || continue
        basename "$(dirname "$pyproject")"
    done
}

# The file build-examples.sh writes when the build of a leg's wheels failed as known.
build_failed_marker() {
    printf '%s\n' "$ROOT/build/wheels/$1/BUILD-FAILED"
}

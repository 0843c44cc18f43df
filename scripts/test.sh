#!/usr/bin/env bash
# Runs every test of the project; the README and CI (.ci/run) call it. Exits non-zero if
# anything fails. Starts with scripts/setup.sh (idempotent), so it works on a fresh machine.
#
# Steps (in order; a failing step stops the run, with a banner saying which one):
#   fmt         cargo fmt --all -- --check
#   clippy      cargo clippy --workspace --all-targets -D warnings, CPython-ABI and universal,
#               the hpy-build command (--features cli),
#               and CPython-ABI for PyPy (cpyext);
#               cargo doc with warnings denied
#   cargo-test  cargo test --workspace (unit, integration, ui and doc tests), both backends
#   build       scripts/build-examples.sh: every example's wheels for every leg, one venv per leg
#   pytest      each example's tests (examples/<name>/tests) in every leg of scripts/legs.sh:
#                 cp311-cpython      CPython 3.11, CPython-ABI wheel      HPY_TEST_EXPECT=cpython
#                 cp311-universal    CPython 3.11, universal wheel        HPY_TEST_EXPECT=universal
#                 cp311-debug        the same, HPY=debug                  HPY_TEST_EXPECT=debug
#                 pypy311-universal  PyPy 3.11, the same universal wheel  HPY_TEST_EXPECT=universal-pypy
#                 pypy311-debug      the same, HPY=debug                  HPY_TEST_EXPECT=debug-pypy
#                 pypy311-cpython    PyPy 3.11, CPython-ABI wheel (cpyext) HPY_TEST_EXPECT=cpython
#                 cp313-cpython      CPython 3.13, CPython-ABI wheel      HPY_TEST_EXPECT=cpython
#               All legs run even if one fails, then a summary line per example and leg is
#               printed. A leg whose build is a known failure (scripts/legs.sh) is reported as
#               such; one that builds although listed there fails the run (remove the line).
#   e2e         scripts/e2e-readme.sh: a new project from the README's quick start, built into
#               both kinds of wheel, installed into fresh venvs on CPython 3.11, 3.13 and
#               PyPy 3.11 and exercised; `maturin develop` and `hpy-build develop`
#   bench       bench/run.sh --smoke: the benchmark suite with tiny counts (it runs, no timing)
#
# Usage: scripts/test.sh [--only STEP[,STEP...]] [--legs LEG[,LEG...]]
#   --only  run only the given steps (for local iteration; the output says it was not a full
#           run). CI always runs everything.
#   --legs  build and test only the given legs (the same as HPY_LEGS=...; not a full run)
#   HPY_EXAMPLES=a,b in the environment limits build and pytest to those examples
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ALL_STEPS=(fmt clippy cargo-test build pytest e2e bench)
ONLY=""
while [ $# -gt 0 ]; do
    case $1 in
        --only) ONLY=${2:?--only needs a comma-separated list of: ${ALL_STEPS[*]}}; shift 2 ;;
        --only=*) ONLY=${1#--only=}; shift ;;
        --legs) export HPY_LEGS=${2:?--legs needs a comma-separated list of legs}; shift 2 ;;
        --legs=*) export HPY_LEGS=${1#--legs=}; shift ;;
        -h|--help) sed -n '2,/^set /{/^#/p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "test.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
if [ -n "$ONLY" ]; then
    for s in ${ONLY//,/ }; do
        case " ${ALL_STEPS[*]} " in
            *" $s "*) ;;
            *) echo "test.sh: unknown step '$s' (steps: ${ALL_STEPS[*]})" >&2; exit 2 ;;
        esac
    done
fi

PYTHON=${PYTHON:-python3}
RESULTS=$ROOT/build/test-results
START=$(date +%s)
SUMMARY=()
CURRENT=""

banner() {
    printf '\n\033[1m==== %s ====\033[0m\n' "$*"
}

elapsed() {
    echo "$(( $(date +%s) - $1 ))s"
}

# Prints what ran, and on failure which step failed. Runs on every exit.
finish() {
    local rc=$?
    set +e
    printf '\n\033[1m==== summary ====\033[0m\n'
    local line
    for line in "${SUMMARY[@]}"; do
        printf '  %s\n' "$line"
    done
    if [ "$rc" -ne 0 ] && [ -n "$CURRENT" ]; then
        printf '  FAIL  %s\n' "$CURRENT"
    fi
    [ -n "$ONLY" ] && printf '  (not a full run: --only %s)\n' "$ONLY"
    [ -n "${HPY_LEGS:-}" ] && printf '  (not a full run: legs %s only)\n' "$HPY_LEGS"
    if [ "$rc" -eq 0 ]; then
        printf 'test.sh: all passed in %s\n' "$(elapsed "$START")"
    else
        printf 'test.sh: FAILED (exit %s) after %s\n' "$rc" "$(elapsed "$START")" >&2
    fi
    [ -n "${PYTEST_CWD:-}" ] && rm -rf "$PYTEST_CWD"
    exit "$rc"
}
trap finish EXIT

bash "$ROOT/scripts/setup.sh"

wanted() {
    [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]
}

# run_step NAME COMMAND...: a banner, the command, a summary line. A failure exits (set -e),
# and `finish` reports NAME as the failed step.
run_step() {
    local name=$1
    shift
    CURRENT=$name
    banner "$name: $*"
    local t0
    t0=$(date +%s)
    "$@"
    SUMMARY+=("ok    $name ($(elapsed "$t0"))")
    CURRENT=""
}

# ---------------------------------------------------------------------------------------------
# a. Formatting.
if wanted fmt; then
    run_step "fmt" cargo fmt --all -- --check
fi

# ---------------------------------------------------------------------------------------------
# b. Lints, in both backends (each compiles different code behind cfg(hpy_abi)).
if wanted clippy; then
    run_step "clippy (cpython)" env HPY_ABI=cpython cargo clippy --workspace --all-targets -- -D warnings
    run_step "clippy (universal)" env HPY_ABI=universal cargo clippy --workspace --all-targets -- -D warnings
    run_step "clippy (hpy-build command)" cargo clippy -p hpy-build --all-targets --features cli -- -D warnings
    # The CPython-ABI build for PyPy (cfg hpy_cpyext) compiles other code paths: lint them
    # too, in a target directory of their own (another interpreter rebuilds pyo3's crates).
    source "$ROOT/scripts/legs.sh"
    run_step "clippy (cpython ABI for PyPy: cpyext)" env HPY_ABI=cpython \
        PYO3_PYTHON="$(runtime_python pypy3.11)" CARGO_TARGET_DIR="$ROOT/target/cpyext" \
        cargo clippy --workspace --all-targets -- -D warnings
    # Every public item documented, no broken intra-doc links.
    run_step "rustdoc" env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
fi

# ---------------------------------------------------------------------------------------------
# c. Rust tests, in both backends, doc tests included.
#
# Doc tests in CPython-ABI mode: an extension module does not link libpython, so a doc test
# binary that actually *calls* the CPython API would fail to link. Checked (cargo 1.95,
# pyo3-ffi 0.30): today every doc test only defines items and has an empty `main`, the linker
# drops the unused code, and `cargo test --workspace` passes in CPython mode too, so both
# backends run the full suite. Should CPython-mode doc tests ever fail to link, run
# `cargo test --workspace --lib --bins --tests` for CPython mode here and keep the full run
# (doc tests included) for universal mode, which links nothing of Python.
#
# --no-fail-fast: a failing test binary does not hide the results of the others (the step
# still fails).
if wanted cargo-test; then
    run_step "cargo test (cpython)" env HPY_ABI=cpython cargo test --workspace --no-fail-fast
    run_step "cargo test (universal)" env HPY_ABI=universal cargo test --workspace --no-fail-fast
fi

# ---------------------------------------------------------------------------------------------
# d. Wheels and venvs.
if wanted build; then
    run_step "build examples" bash scripts/build-examples.sh
fi

# ---------------------------------------------------------------------------------------------
# e. The examples' Python tests, one leg per runtime/mode (scripts/legs.sh).
#
# pytest runs from an empty temporary directory with --import-mode=importlib and the repo as
# rootdir, so neither the examples' source folders nor the test folders can shadow the
# installed modules (the default "prepend" mode would put examples/ on sys.path, and
# importlib mode with rootdir=examples/ would register a fake package `hello`). --confcutdir
# makes pytest load examples/conftest.py even though it finds examples/<name>/pyproject.toml
# as its config file. The conftest then checks that the imported module is the installed
# build the leg expects (HPY_TEST_EXPECT) on the runtime it names (HPY_TEST_RUNTIME).
#
# The wheels: HPY_TEST_WHEEL_DIR=build/wheels, HPY_TEST_LEG_WHEELS names the folder in it whose
# wheels the leg installed, HPY_TEST_REFERENCE_WHEELS the host's CPython-ABI folder (the build
# the universal wheels are compared with).
#
# RUST_BACKTRACE=0: the suites trigger panics on purpose; symbolising a backtrace for each one
# costs ~80 ms under hpy.universal. PYTHONDONTWRITEBYTECODE keeps __pycache__ out of examples/.
if wanted pytest; then
    CURRENT="pytest"
    # shellcheck source=scripts/legs.sh
    source "$ROOT/scripts/legs.sh"
    load_legs
    EXAMPLES=()
    mapfile -t EXAMPLES < <(example_names)
    [ "${#EXAMPLES[@]}" -gt 0 ] || { echo "test.sh: no example to test" >&2; exit 1; }
    PYTEST_CWD=$(mktemp -d "${TMPDIR:-/tmp}/hpy-pytest.XXXXXX")
    mkdir -p "$RESULTS"
    failed_legs=0
    reference_wheels=$(runtime_tag host)-cpython

    # run_leg LEG: runs every example's tests with the leg's venv.
    run_leg() {
        local leg=$1 venv=$ROOT/build/venv/$1 kind=${LEG_WHEELS[$1]}
        local -a env_vars
        read -r -a env_vars <<<"${LEG_ENV[$leg]} HPY_TEST_EXPECT=${LEG_EXPECT[$leg]}"
        local tests_dir name log rc t0 counts reason
        reason=$(known_failure "$leg" build || true)
        for name in "${EXAMPLES[@]}"; do
            tests_dir=examples/$name/tests
            [ -d "$tests_dir" ] || continue
            log=$RESULTS/$name-$leg.log
            if [ -e "$(build_failed_marker "$kind")" ]; then
                if [ -n "$reason" ]; then
                    SUMMARY+=("xfail pytest $name $leg: not built, a known failure: $reason")
                else
                    SUMMARY+=("FAIL  pytest $name $leg: not built (build/wheels/$kind/BUILD-FAILED)")
                    failed_legs=$((failed_legs + 1))
                fi
                continue
            fi
            banner "pytest: $name, $leg (${env_vars[*]})"
            t0=$(date +%s)
            set +e
            (
                cd "$PYTEST_CWD" &&
                    env -u HPY "${env_vars[@]}" \
                        HPY_TEST_RUNTIME="$(runtime_tag "${LEG_RUNTIME[$leg]}")" \
                        HPY_TEST_WHEEL_DIR="$ROOT/build/wheels" \
                        HPY_TEST_LEG_WHEELS="$kind" \
                        HPY_TEST_REFERENCE_WHEELS="$reference_wheels" \
                        RUST_BACKTRACE=0 PYTHONDONTWRITEBYTECODE=1 \
                        "$venv/bin/python" -m pytest "$ROOT/$tests_dir" \
                        -p no:cacheprovider --import-mode=importlib \
                        --rootdir "$ROOT" --confcutdir "$ROOT/examples" \
                        -q -rfEXx --junitxml "$RESULTS/$name-$leg.xml"
            ) 2>&1 | tee "$log"
            rc=${PIPESTATUS[0]}
            set -e
            # pytest's last line, e.g. "424 passed, 4 xfailed in 1.65s".
            counts=$(grep -E '^=*\s*[0-9]+ (passed|failed|error|errors|xfailed|skipped|deselected)|no tests ran' "$log" \
                | tail -n 1 | sed -E 's/^=+ //; s/ =+$//' || true)
            if [ "$rc" -ne 0 ]; then
                # A crash (signal) leaves no pytest summary line: say which signal.
                [ "$rc" -gt 128 ] && counts="${counts:+$counts, }killed by signal $((rc - 128))"
                SUMMARY+=("FAIL  pytest $name $leg: ${counts:-exit $rc} ($(elapsed "$t0")) log: ${log#"$ROOT"/}")
                failed_legs=$((failed_legs + 1))
            elif [ -n "$reason" ]; then
                SUMMARY+=("FAIL  pytest $name $leg: ${counts:-?}, but its build is listed as a known failure in scripts/legs.sh: remove that line")
                failed_legs=$((failed_legs + 1))
            else
                SUMMARY+=("ok    pytest $name $leg: ${counts:-?} ($(elapsed "$t0"))")
            fi
        done
    }

    for leg in "${LEGS[@]}"; do
        run_leg "$leg"
    done

    if [ "$failed_legs" -ne 0 ]; then
        CURRENT="pytest ($failed_legs leg(s) failed)"
        exit 1
    fi
    CURRENT=""
fi

# e2e: scripts/e2e-readme.sh builds a new project from the README's quick start into both
# kinds of wheel and exercises them in fresh venvs on CPython 3.11, 3.13 and PyPy 3.11.
if wanted e2e; then
    run_step "e2e (README quick start)" bash scripts/e2e-readme.sh
fi

# bench: bench/run.sh --smoke builds every benchmark implementation (C, HPy C in both modes,
# PyO3, hpy-core in both modes) and runs each measurement mode with tiny counts, so that the
# benchmark keeps working. Nothing is timed against a threshold.
if wanted bench; then
    run_step "bench (smoke)" bash bench/run.sh --smoke
fi

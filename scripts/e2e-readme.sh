#!/usr/bin/env bash
# End-to-end test of the README's quick start, as a user outside this repository would run it:
#
#   1. writes a new project, `greeter`, from the README's own Cargo.toml, pyproject.toml and
#      src/lib.rs blocks (scripts/e2e/readme_project.py; only the path of hpy-core is
#      substituted), and checks that the README's commands are the ones run below;
#   2. installs the hpy-build command as documented (`cargo install --path hpy-build
#      --features cli`, into a private root);
#   3. builds the CPython-ABI wheels with `maturin build -i` for CPython 3.11, CPython 3.13 and
#      (HPY_ABI=cpython) PyPy 3.11, and the universal wheel with `hpy-build build`;
#   4. installs each with pip into a fresh virtual environment and exercises the module
#      (scripts/e2e/exercise_greeter.py, including the context members PyPy 3.11 moves):
#        cp311 + CPython-ABI wheel    cp311 + universal wheel (pip pulls hpy==0.9.0)
#        cp313 + CPython-ABI wheel    pypy3.11 + universal wheel (pip installs no hpy)
#        pypy3.11 + CPython-ABI wheel (cpyext)
#   5. `maturin develop` (CPython ABI) and `hpy-build develop` (universal) into fresh venvs on
#      CPython 3.11, `hpy-build develop` into one on PyPy 3.11; and checks that the builds
#      that cannot work are refused with a message naming `hpy-build develop`:
#      `HPY_ABI=universal maturin develop` on CPython, plain `maturin develop` on PyPy
#      (universal by default there).
#
# Idempotent: the project and the venvs are recreated in /tmp/hpy-rs-e2e-readme-<uid>/ on every
# run (HPY_E2E_DIR moves it; it must not be inside a cargo workspace); cargo's output is kept in target/e2e-readme/<build>/ (one folder per
# interpreter and mode, so that no build invalidates another's), so that a rerun rebuilds
# only the small greeter crate. The first run compiles hpy-core seven times (a few minutes on
# two cores); a rerun takes about a minute, most of it pip and venvs.
#
# Needs what scripts/setup.sh installs (maturin, hpy==0.9.0's wheel reachable by pip, PyPy 3.11
# and CPython 3.13 from scripts/install-runtimes.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/legs.sh
source "$ROOT/scripts/legs.sh"

# Outside the repository: inside it, cargo would take the project for a member of this
# workspace. A fixed path, so that the venvs' interpreters keep their paths from run to run
# (a new PYO3_PYTHON would make cargo rebuild everything).
WORK=${HPY_E2E_DIR:-${TMPDIR:-/tmp}/hpy-rs-e2e-readme-$(id -u)}
TARGETS=$ROOT/target/e2e-readme
PROJECT=$WORK/greeter
TOOLS=$WORK/tools
CP311=$(command -v "$PYTHON")
CP313=$(runtime_python python3.13)
PYPY=$(runtime_python pypy3.11)
PIP_QUIET=(--quiet --disable-pip-version-check --no-input)
START=$(date +%s)

log() { printf '\n[e2e-readme] %s\n' "$*"; }
die() { printf '[e2e-readme] error: %s\n' "$*" >&2; exit 1; }

for python in "$CP311" "$CP313" "$PYPY"; do
    [ -x "$python" ] || die "$python not found: run scripts/setup.sh (scripts/install-runtimes.sh)"
done
MATURIN=$("$PYTHON" -c 'import os, sysconfig; print(os.path.join(sysconfig.get_path("scripts"), "maturin"))')
[ -x "$MATURIN" ] || MATURIN=$(command -v maturin) || die "maturin not found: run scripts/setup.sh"
export MATURIN

# A user's environment, not this repository's: no backend forced, no target folder shared.
unset HPY_ABI HPY CARGO_TARGET_DIR VIRTUAL_ENV CONDA_PREFIX PYO3_PYTHON HPY_BUILD_WILL_CONVERT

# ---------------------------------------------------------------------------------------------
log "1. the project, from README.md"
rm -rf "$WORK"
mkdir -p "$PROJECT"
"$PYTHON" "$ROOT/scripts/e2e/readme_project.py" "$ROOT/README.md" "$PROJECT" "$ROOT/hpy-core"
# The commands this script runs are the README's.
for command in \
    'maturin build --release -o dist/' \
    'maturin develop' \
    'cargo install --path path/to/hpy-build --features cli' \
    'hpy-build build --release -o dist/' \
    'pip install --no-index --find-links dist/ greeter' \
    'pip install dist/greeter-*-py3-none-*.whl' \
    'hpy-build develop'; do
    grep -qF -- "$command" "$PROJECT/README-commands.sh" ||
        die "README.md's quick start no longer shows \`$command\`: update it and this script together"
done
rm "$PROJECT/README-commands.sh"
(cd "$PROJECT" && find . -type f | sort | sed 's/^/    /')

# ---------------------------------------------------------------------------------------------
log "2. cargo install --path hpy-build --features cli"
cargo install --quiet --locked --path "$ROOT/hpy-build" --features cli \
    --root "$TOOLS" --target-dir "$TARGETS/tools"
export PATH=$TOOLS/bin:$PATH
[ "$(command -v hpy-build)" = "$TOOLS/bin/hpy-build" ] || die "hpy-build is not the one just installed"
hpy-build --version

# ---------------------------------------------------------------------------------------------
# in_project TARGET COMMAND...: runs COMMAND in the project with cargo's output in
# target/e2e-readme/TARGET.
in_project() {
    local target=$1
    shift
    (cd "$PROJECT" && CARGO_TARGET_DIR=$TARGETS/$target "$@")
}

log "3. wheels"
in_project cp311 "$MATURIN" build --release -o dist/ -i "$CP311"
in_project cp313 "$MATURIN" build --release -o dist/ -i "$CP313"
# PyPy's default is universal mode: its CPython-ABI wheel (for cpyext) is asked for.
in_project pypy env HPY_ABI=cpython "$MATURIN" build --release -o dist/ -i "$PYPY"
in_project universal hpy-build build --release -o dist/
ls -1 "$PROJECT/dist"
shopt -s nullglob
wheels=("$PROJECT"/dist/*.whl)
shopt -u nullglob
[ "${#wheels[@]}" -eq 4 ] || die "expected 4 wheels in dist/, got ${#wheels[@]}"
UNIVERSAL=$(ls "$PROJECT"/dist/greeter-0.1.0-py3-none-*.whl)
wheel_for() { ls "$PROJECT"/dist/greeter-0.1.0-"$1"-*.whl; }

# ---------------------------------------------------------------------------------------------
# venv NAME PYTHON: a fresh virtual environment $WORK/venv/NAME; prints its python.
venv() {
    local dir=$WORK/venv/$1
    "$2" -m venv --clear "$dir" >&2
    printf '%s\n' "$dir/bin/python"
}

# exercise PYTHON MODE: runs the checks of the installed module, from outside the project.
exercise() {
    (cd "$WORK" && "$1" "$ROOT/scripts/e2e/exercise_greeter.py" "$2")
}

log "4. pip install each wheel into a fresh venv, and use it"
# name, interpreter, wheel, mode
while read -r name python wheel mode; do
    log "4. $name: pip install $(basename "$wheel")"
    py=$(venv "$name" "$python")
    "$py" -m pip install "${PIP_QUIET[@]}" "$wheel"
    exercise "$py" "$mode"
done <<EOF
cp311-cpython      $CP311 $(wheel_for cp311-cp311) cpython
cp311-universal    $CP311 $UNIVERSAL universal
cp313-cpython      $CP313 $(wheel_for cp313-cp313) cpython
pypy311-universal  $PYPY  $UNIVERSAL universal
pypy311-cpython    $PYPY  $(wheel_for pp311-pypy311_pp73) cpython
EOF

log "4. pip install --no-index --find-links dist/ greeter: each CPython picks its CPython-ABI wheel"
# dist/ holds all four wheels: pip must prefer the interpreter's cp3X tag to py3-none.
for spec in "cp311-pick $CP311" "cp313-pick $CP313"; do
    read -r name python <<<"$spec"
    py=$(venv "$name" "$python")
    "$py" -m pip install "${PIP_QUIET[@]}" --no-index --find-links "$PROJECT/dist/" greeter
    exercise "$py" cpython
done

# ---------------------------------------------------------------------------------------------
# refused NAME TARGET COMMAND...: COMMAND must fail, saying to run `hpy-build develop`, and
# leave greeter uninstalled.
refused() {
    local name=$1 target=$2 out
    shift 2
    if out=$(in_project "$target" "$@" 2>&1); then
        printf '%s\n' "$out" >&2
        die "$name: \`$*\` succeeded; it must be refused"
    fi
    # shellcheck disable=SC2016 # backquotes: literal text of the message
    printf '%s\n' "$out" | grep -q 'Run `hpy-build develop` instead' || {
        printf '%s\n' "$out" >&2
        die "$name: \`$*\` failed without saying to run hpy-build develop"
    }
    # shellcheck disable=SC2016 # backquotes: literal text of the message
    printf '    refused, as it must be: %s\n' "$(printf '%s\n' "$out" | grep -o '`maturin develop` cannot install[^(]*([^)]*)')"
}

log "5. develop"
log "5. cp311: HPY_ABI=universal maturin develop is refused; maturin develop (CPython ABI)"
py=$(venv develop-cp311-cpython "$CP311")
refused cp311 refuse-cp311 env VIRTUAL_ENV="$WORK/venv/develop-cp311-cpython" HPY_ABI=universal "$MATURIN" develop
"$py" -c 'import greeter' 2>/dev/null && die "a refused build installed greeter"
in_project develop-cp311 env VIRTUAL_ENV="$WORK/venv/develop-cp311-cpython" "$MATURIN" develop
exercise "$py" cpython

log "5. cp311: hpy-build develop (universal)"
py=$(venv develop-cp311-universal "$CP311")
in_project develop-cp311-universal env VIRTUAL_ENV="$WORK/venv/develop-cp311-universal" hpy-build develop
exercise "$py" universal

log "5. pypy3.11: maturin develop (universal by default) is refused; hpy-build develop"
py=$(venv develop-pypy311-universal "$PYPY")
refused pypy refuse-pypy env VIRTUAL_ENV="$WORK/venv/develop-pypy311-universal" "$MATURIN" develop
"$py" -c 'import greeter' 2>/dev/null && die "a refused build installed greeter"
in_project develop-pypy env VIRTUAL_ENV="$WORK/venv/develop-pypy311-universal" hpy-build develop
exercise "$py" universal

log "all passed in $(($(date +%s) - START))s"

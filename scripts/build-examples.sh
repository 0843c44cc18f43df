#!/usr/bin/env bash
# Builds every example (examples/*/ with a pyproject.toml) in both backends and installs the
# wheels into one virtual environment per test leg:
#
#   build/wheels/cpython/    CPython-ABI wheels, as `maturin build` makes them (HPY_ABI=cpython)
#   build/wheels/universal/  HPy universal wheels: `HPY_ABI=universal maturin build`, then
#                            tools/universal_wheel.py (<mod>.hpy0.so + <mod>.py stub, py3-none)
#   build/venv/cpXY-cpython    pytest + the CPython-ABI wheels
#   build/venv/cpXY-universal  pytest + hpy==0.9.0 + the universal wheels (also used for the
#                              debug-mode leg: HPY=debug at import time, same binary)
#
# Re-runnable: the wheel folders are emptied and the venvs recreated (--clear) on every run, so
# nothing stale survives; pip's cache keeps that to a few seconds. Both backends build in the
# same cargo target dir (target/): switching HPY_ABI rebuilds hpy-core and the examples, which
# takes seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PYTHON=${PYTHON:-python3}
PYTAG=$("$PYTHON" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
WHEELS=$ROOT/build/wheels
VENVS=$ROOT/build/venv
PIP_QUIET=(--quiet --disable-pip-version-check --no-input)

log() { printf '[build-examples] %s\n' "$*"; }

# maturin's intermediate (not yet converted) universal wheels live here only.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hpy-build-examples.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

rm -rf "$WHEELS/cpython" "$WHEELS/universal"
mkdir -p "$WHEELS/cpython" "$WHEELS/universal"

# Builds one example with maturin (release) for backend $2 into the folder $3.
maturin_build() {
    local manifest=$1 abi=$2 out=$3
    HPY_ABI=$abi "$PYTHON" -m maturin build --quiet --release \
        --interpreter "$PYTHON" -m "$manifest" -o "$out"
}

examples=()
for pyproject in examples/*/pyproject.toml; do
    [ -e "$pyproject" ] || continue
    dir=$(dirname "$pyproject")
    name=$(basename "$dir")
    examples+=("$name")

    log "$name: CPython-ABI wheel"
    maturin_build "$dir/Cargo.toml" cpython "$WHEELS/cpython"

    log "$name: universal wheel"
    # maturin warns that the library has no PyInit_<mod>: expected for a universal binary, so
    # that line is filtered out of its output (after checking that the build succeeded).
    if ! maturin_build "$dir/Cargo.toml" universal "$TMP/$name" >"$TMP/$name.log" 2>&1; then
        cat "$TMP/$name.log" >&2
        log "$name: maturin failed in universal mode" >&2
        exit 1
    fi
    grep -v "Couldn't find the symbol \`PyInit_" "$TMP/$name.log" >&2 || true
    shopt -s nullglob
    raw=("$TMP/$name"/*.whl)
    shopt -u nullglob
    if [ "${#raw[@]}" -ne 1 ]; then
        log "$name: expected one wheel from maturin in universal mode, got ${#raw[@]}" >&2
        exit 1
    fi
    "$PYTHON" tools/universal_wheel.py "${raw[0]}" -o "$WHEELS/universal" >/dev/null
done

if [ "${#examples[@]}" -eq 0 ]; then
    log "no example with a pyproject.toml under examples/" >&2
    exit 1
fi

# Creates (or empties and recreates) venv $1 and installs pytest, extra requirements $3...,
# then the wheels found in $2 (only those, and forcibly: the version number does not change
# between builds).
make_venv() {
    local venv=$1 wheel_dir=$2
    shift 2
    log "venv ${venv#"$ROOT"/}"
    "$PYTHON" -m venv --clear "$venv"
    "$venv/bin/python" -m pip install "${PIP_QUIET[@]}" 'pytest>=8' "$@"
    "$venv/bin/python" -m pip install "${PIP_QUIET[@]}" --force-reinstall --no-deps \
        "$wheel_dir"/*.whl
    # Every Requires-Dist of the installed wheels (hpy for universal ones) is satisfied.
    "$venv/bin/python" -m pip check >/dev/null
}

make_venv "$VENVS/$PYTAG-cpython" "$WHEELS/cpython"
make_venv "$VENVS/$PYTAG-universal" "$WHEELS/universal" 'hpy==0.9.0'

log "built and installed: ${examples[*]}"
for whl in "$WHEELS"/cpython/*.whl "$WHEELS"/universal/*.whl; do
    log "wheel: ${whl#"$ROOT"/}"
done

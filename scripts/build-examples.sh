#!/usr/bin/env bash
# Builds every example (examples/*/ with a pyproject.toml) for every test leg of
# scripts/legs.sh and installs the wheels into one virtual environment per leg:
#
#   build/wheels/universal/       THE universal wheels: `hpy-build build` (HPY_ABI=universal
#                                 maturin build by the host CPython, then the conversion:
#                                 <mod>.hpy0.so + <mod>.py stub, py3-none-<platform>). Every
#                                 universal and debug leg, on every runtime, installs these
#                                 same files.
#   build/wheels/<tag>-cpython/   CPython-ABI wheels, `HPY_ABI=cpython maturin build -i <runtime>`
#                                 for each runtime with a cpython leg (cp311, cp313, pypy311).
#                                 The host's (cp311-cpython) are always built: the universal
#                                 wheels are checked against them (test_binary.py).
#   build/bin/hpy-build           the `hpy-build` command (hpy-build crate, feature `cli`),
#                                 built once per run with cargo from this workspace; the
#                                 examples' tests run it too (test_binary.py)
#   build/venv/<leg>/             the leg's runtime + pytest + the leg's wheels, installed by pip
#                                 with their dependencies (hpy==0.9.0 for universal wheels on
#                                 CPython; nothing on PyPy, which has hpy.universal built in),
#                                 + the packages the examples' tests name in
#                                 tests/requirements*.txt (see install_test_requirements)
#
# A build listed in KNOWN_FAILURES (scripts/legs.sh) may fail: its folder then holds only a
# BUILD-FAILED file with maturin's output, its legs get no venv, and scripts/test.sh reports
# them as known failures. Any other failed build stops the script.
#
# Re-runnable: the wheel folders are emptied and the venvs recreated (--clear) on every run, so
# nothing stale survives; pip's cache keeps that to seconds. All builds share the cargo target
# dir (target/); they are ordered by kind so that hpy-core is rebuilt once per kind, not once
# per example. HPY_LEGS=a,b limits the run to those legs (see scripts/legs.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/legs.sh
source "$ROOT/scripts/legs.sh"

WHEELS=$ROOT/build/wheels
VENVS=$ROOT/build/venv
PIP_QUIET=(--quiet --disable-pip-version-check --no-input)

log() { printf '[build-examples] %s\n' "$*"; }
die() { printf '[build-examples] error: %s\n' "$*" >&2; exit 1; }

load_legs
mapfile -t EXAMPLES < <(example_names)
[ "${#EXAMPLES[@]}" -gt 0 ] || die "no example with a pyproject.toml under examples/"
HOST_CPYTHON=$(runtime_tag host)-cpython

# maturin's wheels (before they are moved into place) and the build logs live here.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hpy-build-examples.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The hpy-build command, from this workspace (a few seconds when up to date), copied to
# build/bin so that the tests find it wherever cargo's target folder is.
log "hpy-build command (cargo build -p hpy-build --features cli)"
cargo build --quiet -p hpy-build --features cli --bin hpy-build
mkdir -p "$ROOT/build/bin"
cp "${CARGO_TARGET_DIR:-$ROOT/target}/debug/hpy-build" "$ROOT/build/bin/hpy-build"
HPY_BUILD=$ROOT/build/bin/hpy-build
# The maturin that `$PYTHON -m maturin` runs, for hpy-build (which runs $MATURIN).
MATURIN=$("$PYTHON" -c 'import os, sysconfig; print(os.path.join(sysconfig.get_path("scripts"), "maturin"))')
[ -x "$MATURIN" ] || MATURIN=$(command -v maturin) || die "maturin not found for $PYTHON"
export MATURIN

# The wheel folders to fill, each with the runtime that builds it: the universal wheels and
# the host's CPython-ABI wheels always, then each selected cpython leg's.
declare -A BUILDER=([universal]=host [$HOST_CPYTHON]=host)
KINDS=(universal "$HOST_CPYTHON")
for leg in "${LEGS[@]}"; do
    kind=${LEG_WHEELS[$leg]}
    if [ -z "${BUILDER[$kind]:-}" ]; then
        BUILDER[$kind]=${LEG_RUNTIME[$leg]}
        KINDS+=("$kind")
    fi
done

# build_example EXAMPLE KIND: one build into $TMP/KIND/EXAMPLE: maturin for a CPython-ABI
# wheel, `hpy-build build` (maturin, then the conversion) for the universal one. The output
# goes to $TMP/KIND/EXAMPLE.log. Returns the build's status.
build_example() {
    local name=$1 kind=$2 python
    python=$(runtime_python "${BUILDER[$kind]}")
    # maturin runs on the host's Python in every case; -i only names the target interpreter.
    if [ "$kind" = universal ]; then
        # stdout: the path of the wheel written, nothing else.
        "$HPY_BUILD" build --quiet --release --interpreter "$python" \
            -m "examples/$name/Cargo.toml" -o "$TMP/$kind/$name" >/dev/null 2>"$TMP/$kind/$name.log"
    else
        HPY_ABI=cpython "$PYTHON" -m maturin build --quiet --release --interpreter "$python" \
            -m "examples/$name/Cargo.toml" -o "$TMP/$kind/$name" >"$TMP/$kind/$name.log" 2>&1
    fi
}

# The single wheel the build left in folder $1.
only_wheel() {
    local found=()
    shopt -s nullglob
    found=("$1"/*.whl)
    shopt -u nullglob
    [ "${#found[@]}" -eq 1 ] || die "expected one wheel in $1, got ${#found[@]}"
    printf '%s\n' "${found[0]}"
}

for kind in "${KINDS[@]}"; do
    rm -rf "${WHEELS:?}/$kind"
    mkdir -p "$WHEELS/$kind" "$TMP/$kind"
    reason=$(known_failure "$kind" build || true)
    for name in "${EXAMPLES[@]}"; do
        log "$name: $kind wheel"
        if ! build_example "$name" "$kind"; then
            if [ -n "$reason" ]; then
                log "$name: $kind: build failed, a known failure: $reason"
                cp "$TMP/$kind/$name.log" "$(build_failed_marker "$kind")"
                rm -f "$WHEELS/$kind"/*.whl
                continue 2
            fi
            cat "$TMP/$kind/$name.log" >&2
            die "$name: maturin failed ($kind)"
        fi
        # Quiet on success: maturin's progress lines (🐍 found Python, 🔗 bindings, 📡 options,
        # 📦 built), its warning that a universal library has no PyInit_<mod> (expected) and
        # hpy-build's progress lines are dropped; anything else is shown.
        grep -v -E -e '^(🐍|🔗|📡|📦) ' -e "Couldn't find the symbol \`PyInit_" \
            -e '^hpy-build: (HPY_ABI=universal |universal wheel )' \
            "$TMP/$kind/$name.log" >&2 || true
        wheel=$(only_wheel "$TMP/$kind/$name")
        mv "$wheel" "$WHEELS/$kind/"
    done
    if [ -n "$reason" ]; then
        log "NOTE: $kind builds, but scripts/legs.sh lists its build as a known failure"
    fi
done

# The project names of the wheels in folder $1 (normalised: lower case, `_`), one a line.
dists_in() {
    local whl
    for whl in "$1"/*.whl; do
        basename "$whl" | cut -d- -f1 | tr 'A-Z.-' 'a-z__'
    done
}

# install_test_requirements LEG VENV: the extra packages the examples' test suites use.
#   examples/<name>/tests/requirements.txt           installed in every leg; a failure stops
#                                                     the script (e.g. hypothesis)
#   examples/<name>/tests/requirements-optional.txt  one package a line, each installed from
#                                                     a wheel only (--only-binary: no slow
#                                                     source builds) where one exists for the
#                                                     leg's runtime, else skipped (e.g. the
#                                                     reference libraries ujson and orjson,
#                                                     which have no PyPy wheels); the tests
#                                                     skip what needs a missing package
# pip's cache keeps reruns to seconds.
install_test_requirements() {
    local leg=$1 venv=$2 name req line
    for name in "${EXAMPLES[@]}"; do
        req=examples/$name/tests/requirements.txt
        if [ -f "$req" ]; then
            "$venv/bin/python" -m pip install "${PIP_QUIET[@]}" -r "$req"
        fi
        req=examples/$name/tests/requirements-optional.txt
        [ -f "$req" ] || continue
        while read -r line; do
            line=${line%%#*}
            line=${line//[[:space:]]/}
            [ -n "$line" ] || continue
            if ! "$venv/bin/python" -m pip install "${PIP_QUIET[@]}" --only-binary=:all: "$line" \
                >/dev/null 2>&1; then
                log "$leg: optional test package $line has no wheel for this runtime: skipped"
            fi
        done <"$req"
    done
}

# make_venv LEG: (re)creates build/venv/LEG with the leg's runtime and installs pytest and
# the leg's wheels, with their dependencies, and the test suites' extra packages.
make_venv() {
    local leg=$1 kind=${LEG_WHEELS[$1]} venv=$VENVS/$1 python
    python=$(runtime_python "${LEG_RUNTIME[$leg]}")
    if [ -e "$(build_failed_marker "$kind")" ]; then
        log "no venv for $leg: its wheels did not build (a known failure)"
        rm -rf "$venv" # no stale venv either
        return 0
    fi
    log "venv ${venv#"$ROOT"/} ($("$python" -c 'import sys; print(sys.version.split()[0], sys.implementation.name)'))"
    "$python" -m venv --clear "$venv"
    "$venv/bin/python" -m pip install "${PIP_QUIET[@]}" 'pytest>=8' "$WHEELS/$kind"/*.whl
    install_test_requirements "$leg" "$venv"
    # Every Requires-Dist of the examples' wheels is satisfied. Only theirs: PyPy's own
    # standard library ships a cffi whose pycparser requirement pip check would report.
    local problems dist
    problems=$("$venv/bin/python" -m pip check 2>&1 || true)
    for dist in $(dists_in "$WHEELS/$kind"); do
        if printf '%s\n' "$problems" | tr 'A-Z.-' 'a-z__' | grep -q "^$dist "; then
            printf '%s\n' "$problems" >&2
            die "${venv#"$ROOT"/}: unmet requirements of the $dist wheel"
        fi
    done
}

for leg in "${LEGS[@]}"; do
    make_venv "$leg"
done

log "built and installed: ${EXAMPLES[*]}"
for kind in "${KINDS[@]}"; do
    for whl in "$WHEELS/$kind"/*.whl; do
        [ -e "$whl" ] && log "wheel: ${whl#"$ROOT"/}"
    done
done

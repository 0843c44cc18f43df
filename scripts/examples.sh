#!/usr/bin/env bash
# Builds every example (scripts/build-examples.sh) and runs it on every runtime and mode the
# project supports today:
#
#   cpXY-cpython    CPython-ABI wheel
#   cpXY-universal  HPy universal wheel, loaded through hpy.universal
#   cpXY-debug      the same universal wheel under HPy debug mode (HPY=debug)
#
# For each example, `examples/<name>/demo.py` runs if it exists; otherwise a one-liner
# imports the module and prints its docstring and backend. The demo runs from a temporary
# directory so that the installed module, not the source tree, is imported.
#
# Usage: scripts/examples.sh [--no-build]   (--no-build: reuse build/ from a previous run)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PYTHON=${PYTHON:-python3}
PYTAG=$("$PYTHON" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')

if [ "${1:-}" != "--no-build" ]; then
    bash scripts/setup.sh
    bash scripts/build-examples.sh
fi

RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hpy-examples.XXXXXX")
trap 'rm -rf "$RUN_DIR"' EXIT

# Module name of an example: [tool.maturin] module-name, else the folder name.
module_of() {
    "$PYTHON" - "$1/pyproject.toml" <<'PY'
import sys, tomllib
data = tomllib.load(open(sys.argv[1], "rb"))
name = data.get("tool", {}).get("maturin", {}).get("module-name") or data["project"]["name"]
print(name.split(".")[-1].replace("-", "_"))
PY
}

# run_leg LEG VENV ENV-ASSIGNMENTS...
run_leg() {
    local leg=$1 python=$ROOT/build/venv/$2/bin/python
    shift 2
    local pyproject dir name module
    for pyproject in examples/*/pyproject.toml; do
        dir=$(dirname "$pyproject")
        name=$(basename "$dir")
        module=$(module_of "$dir")
        printf '\n==== %s on %s (%s) ====\n' "$name" "$leg" "${*:-no extra env}"
        if [ -f "$dir/demo.py" ]; then
            # stderr (the panic message Rust prints) merged in order with the output.
            (cd "$RUN_DIR" && env -u HPY "$@" RUST_BACKTRACE=0 "$python" -u "$ROOT/$dir/demo.py" 2>&1)
        else
            (cd "$RUN_DIR" && env -u HPY "$@" "$python" -c \
                "import $module as m; print(m.__name__, '-', (m.__doc__ or '').strip()); print('ABI', getattr(m, 'ABI', '?'), '/', getattr(m, 'CONTEXT_NAME', '?')); print('ok')")
        fi
    done
}

run_leg "$PYTAG-cpython" "$PYTAG-cpython"
run_leg "$PYTAG-universal" "$PYTAG-universal"
run_leg "$PYTAG-debug" "$PYTAG-universal" HPY=debug

printf '\nexamples.sh: every example ran in every leg\n'

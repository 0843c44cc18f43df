#!/usr/bin/env bash
# Builds every example (scripts/build-examples.sh) and runs it in every leg of scripts/legs.sh:
# on CPython 3.11 (CPython-ABI wheel, universal wheel, universal wheel under HPY=debug), on
# PyPy 3.11 (the same universal wheel, also under HPY=debug; the CPython-ABI wheel through
# cpyext) and on CPython 3.13 (CPython-ABI wheel).
#
# For each example, `examples/<name>/demo.py` runs if it exists; otherwise a one-liner
# imports the module and prints its docstring and backend. The demo runs from a temporary
# directory so that the installed module, not the source tree, is imported. Every leg runs even
# if one fails; a summary line per example and leg follows. Known failures (KNOWN_FAILURES in
# scripts/legs.sh: a build, or `demo:<example>` in a leg) are reported, not fatal; one that no
# longer fails is, so that it gets removed from that list.
#
# Usage: scripts/examples.sh [--no-build]   (--no-build: reuse build/ from a previous run)
#        HPY_LEGS=a,b scripts/examples.sh   (only those legs)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

if [ "${1:-}" != "--no-build" ]; then
    bash scripts/setup.sh
    bash scripts/build-examples.sh
fi

# shellcheck source=scripts/legs.sh
source "$ROOT/scripts/legs.sh"
load_legs

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

SUMMARY=()
failures=0

# run_leg LEG: every example's demo with the leg's venv and environment.
run_leg() {
    local leg=$1 python=$ROOT/build/venv/$1/bin/python
    local -a env_vars=()
    read -r -a env_vars <<<"${LEG_ENV[$leg]}"
    local name dir module rc reason
    for name in $(example_names); do
        dir=examples/$name
        if [ -e "$(build_failed_marker "${LEG_WHEELS[$leg]}")" ]; then
            SUMMARY+=("xfail $name on $leg: not built, a known failure: $(known_failure "$leg" build || echo '?')")
            continue
        fi
        module=$(module_of "$dir")
        printf '\n==== %s on %s (%s) ====\n' "$name" "$leg" "${env_vars[*]:-no extra env}"
        set +e
        if [ -f "$dir/demo.py" ]; then
            # stderr (the panic message Rust prints) merged in order with the output.
            (cd "$RUN_DIR" && env -u HPY "${env_vars[@]}" RUST_BACKTRACE=0 "$python" -u "$ROOT/$dir/demo.py" 2>&1)
        else
            (cd "$RUN_DIR" && env -u HPY "${env_vars[@]}" "$python" -c \
                "import $module as m; print(m.__name__, '-', (m.__doc__ or '').strip()); print('ABI', getattr(m, 'ABI', '?'), '/', getattr(m, 'CONTEXT_NAME', '?')); print('ok')")
        fi
        rc=$?
        set -e
        reason=$(known_failure "$leg" "demo:$name" || true)
        if [ "$rc" -eq 0 ] && [ -z "$reason" ]; then
            SUMMARY+=("ok    $name on $leg")
        elif [ "$rc" -eq 0 ]; then
            SUMMARY+=("FAIL  $name on $leg: runs, but is listed as a known failure in scripts/legs.sh: remove that line")
            failures=$((failures + 1))
        elif [ -n "$reason" ]; then
            SUMMARY+=("xfail $name on $leg: exit $rc, a known failure: $reason")
        else
            SUMMARY+=("FAIL  $name on $leg: exit $rc")
            failures=$((failures + 1))
        fi
    done
}

for leg in "${LEGS[@]}"; do
    run_leg "$leg"
done

printf '\n==== summary ====\n'
printf '  %s\n' "${SUMMARY[@]}"
if [ "$failures" -ne 0 ]; then
    printf 'examples.sh: %d example run(s) failed\n' "$failures" >&2
    exit 1
fi
printf 'examples.sh: every example ran in every leg\n'

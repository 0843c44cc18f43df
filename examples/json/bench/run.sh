#!/usr/bin/env bash
# Regenerates examples/json/BENCHMARKS.md (its measured part; the discussion is kept):
#
#   1. builds hpyjson for the legs it compares (scripts/build-examples.sh with
#      HPY_EXAMPLES=json and legs cp311-cpython, cp311-universal, pypy311-universal,
#      pypy311-cpython), unless --no-build;
#   2. makes one benchmark venv per runtime under build/bench/ (CPython 3.11: hpy==0.9.0,
#      ujson, orjson; PyPy 3.11: ujson and orjson where a wheel exists);
#   3. runs bench.py in each (both hpyjson builds loaded side by side in one process), and,
#      with --instructions, instructions.py (callgrind, CPython only; several minutes);
#   4. renders the tables into BENCHMARKS.md (render.py).
#
# Usage: bash examples/json/bench/run.sh [--no-build] [--instructions] [--rounds N]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
BENCH=$ROOT/examples/json/bench
OUT=$ROOT/build/bench
cd "$ROOT"
# shellcheck source=scripts/legs.sh
source "$ROOT/scripts/legs.sh"

BUILD=1
INSTRUCTIONS=0
ROUNDS=15
while [ $# -gt 0 ]; do
    case $1 in
        --no-build) BUILD=0; shift ;;
        --instructions) INSTRUCTIONS=1; shift ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

log() { printf '[bench] %s\n' "$*"; }
PIP=(--quiet --disable-pip-version-check --no-input)

if [ "$BUILD" = 1 ]; then
    bash scripts/setup.sh
    HPY_EXAMPLES=json HPY_LEGS=cp311-cpython,cp311-universal,pypy311-universal,pypy311-cpython \
        bash scripts/build-examples.sh
fi

# The installed builds, found in the legs' venvs.
site_of() {
    "$ROOT/build/venv/$1/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])'
}
one() {
    local found=("$@")
    [ "${#found[@]}" -eq 1 ] && [ -e "${found[0]}" ] || { echo "run.sh: expected one file, got: $*" >&2; exit 1; }
    printf '%s\n' "${found[0]}"
}
CPY_SO=$(one "$(site_of cp311-cpython)"/hpyjson/hpyjson.*.so)
UNI_SO=$(one "$(site_of cp311-universal)"/hpyjson.hpy0.so)
CPYEXT_SO=$(one "$(site_of pypy311-cpython)"/hpyjson/hpyjson.*.so)

mkdir -p "$OUT"
log "venv build/bench/cp311"
"$PYTHON" -m venv --clear "$OUT/cp311"
"$OUT/cp311/bin/python" -m pip install "${PIP[@]}" 'hpy==0.9.0' ujson orjson
PYPY=$(runtime_python pypy3.11)
log "venv build/bench/pypy311"
"$PYPY" -m venv --clear "$OUT/pypy311"
for pkg in ujson orjson; do
    "$OUT/pypy311/bin/python" -m pip install "${PIP[@]}" --only-binary=:all: "$pkg" >/dev/null 2>&1 ||
        log "pypy311: no $pkg wheel for this PyPy, left out"
done

"$PYTHON" - "$OUT/machine.json" <<'PY'
import json, os, platform, subprocess, sys, datetime
cpu = "unknown CPU"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.split()[1]
os_name = platform.platform()
try:
    for line in open("/etc/os-release"):
        if line.startswith("PRETTY_NAME="):
            os_name = line.split("=", 1)[1].strip().strip('"') + ", Linux " + platform.release()
except OSError:
    pass
json.dump({"cpu": cpu, "cores": os.cpu_count(), "os": os_name, "rustc": rustc,
           "date": datetime.date.today().isoformat(),
           "load_before": "%.1f" % os.getloadavg()[0]}, open(sys.argv[1], "w"))
PY

log "CPython 3.11: hpyjson (CPython ABI, universal), ujson, orjson, json"
"$OUT/cp311/bin/python" "$BENCH/bench.py" --out "$OUT/cp311.json" --rounds "$ROUNDS" \
    --hpyjson "cpython=$CPY_SO" --hpyjson "universal=$UNI_SO"
log "PyPy 3.11: hpyjson (universal, CPython ABI through cpyext), json, and what else loads"
"$OUT/pypy311/bin/python" "$BENCH/bench.py" --out "$OUT/pypy311.json" --rounds "$ROUNDS" --warmup 5 \
    --hpyjson "universal=$UNI_SO" --hpyjson "cpython=$CPYEXT_SO"

ICOUNT=()
if [ "$INSTRUCTIONS" = 1 ]; then
    log "instructions per call (callgrind)"
    "$OUT/cp311/bin/python" "$BENCH/instructions.py" --out "$OUT/icount.json" \
        --hpyjson "cpython=$CPY_SO" --hpyjson "universal=$UNI_SO" \
        --impl "hpyjson (cpython)" --impl "hpyjson (universal)" --impl ujson --impl orjson
    ICOUNT=(--instructions "$OUT/icount.json")
elif [ -e "$OUT/icount.json" ]; then
    ICOUNT=(--instructions "$OUT/icount.json")
fi

"$PYTHON" - "$OUT/machine.json" <<'PY'
import json, os, sys
m = json.load(open(sys.argv[1]))
m["load_after"] = "%.1f" % os.getloadavg()[0]
json.dump(m, open(sys.argv[1], "w"))
PY
"$PYTHON" "$BENCH/render.py" "$ROOT/examples/json/BENCHMARKS.md" --machine "$OUT/machine.json" \
    --times "$OUT/cp311.json" "$OUT/pypy311.json" "${ICOUNT[@]}"
log "wrote examples/json/BENCHMARKS.md"

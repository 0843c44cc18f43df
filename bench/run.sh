#!/usr/bin/env bash
# The benchmark (bench/README.md): builds every implementation, times them on CPython 3.11
# and PyPy 3.11, counts instructions with callgrind, measures sizes and build times, and
# rewrites bench/RESULTS.md. Takes 2-3 minutes on a 2-core machine once built, about 5 from
# scratch.
#
#   bash bench/run.sh            # everything
#   bash bench/run.sh --smoke    # CI: tiny iteration counts, no clean builds; writes
#                                # build/bench/RESULTS-smoke.md and leaves RESULTS.md alone
#   bash bench/run.sh time       # one step (build, time, callgrind, pypy, sizes, report)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
exec "${PYTHON:-python3}" "$ROOT/bench/run.py" "$@"

"""Instruction counts per operation (callgrind), for the CPython legs: where each mode spends.

    python3 callgrind.py --python build/venv/cp311-universal/bin/python [--op "a + b"] [--functions]

Each operation of ops.py runs twice under `valgrind --tool=callgrind`, COUNT and 2*COUNT
times; the difference divided by COUNT is the cost of one operation (startup and imports
cancel out), minus the cost of an empty loop iteration. With --functions, the same difference
per function (the top entries) shows where the instructions go. Deterministic: use it to
compare builds, not wall-clock time.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
OPS_SCRIPT = HERE / "ops.py"


def run(python: str, op: str, count: int, outdir: str) -> tuple[int, dict[str, int]]:
    """Total instructions and instructions per function of one run."""
    out = os.path.join(outdir, f"cg.{abs(hash((op, count)))}")
    cmd = [
        "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
        python, str(OPS_SCRIPT), op, str(count),
    ]
    env = dict(os.environ, PYTHONHASHSEED="0")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=outdir)
    if r.returncode != 0:
        raise SystemExit(f"callgrind run failed ({op!r}):\n{r.stderr[-3000:]}")
    total = int(re.search(r"Collected : (\d+)", r.stderr).group(1))
    ann = subprocess.run(
        ["callgrind_annotate", "--inclusive=no", "--threshold=100", out],
        capture_output=True, text=True, check=True,
    ).stdout
    funcs: dict[str, int] = collections.Counter()
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+) \([\s\d.]+%\)\s+(.*)$", line)
        if m and "PROGRAM TOTALS" not in line:
            name = m.group(2)
            name = re.sub(r" \[.*\]$", "", name)
            name = re.sub(r"^.*?/(Objects|Python|Modules|Include)/", r"\1/", name)
            funcs[name] += int(m.group(1).replace(",", ""))
    os.unlink(out)
    return total, funcs


def per_op(python: str, op: str, count: int, outdir: str, functions: bool = False):
    t1, f1 = run(python, op, count, outdir)
    t2, f2 = run(python, op, 2 * count, outdir)
    per = (t2 - t1) / count
    diff = {}
    if functions:
        for name in set(f1) | set(f2):
            d = (f2.get(name, 0) - f1.get(name, 0)) / count
            if abs(d) >= 1:
                diff[name] = d
    return per, diff


def main() -> None:
    sys.path.insert(0, str(HERE))
    from ops import OPS

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", required=True, help="the interpreter of a venv with piconumpy")
    ap.add_argument("--op", action="append", help="operations of ops.py (default: all)")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--functions", action="store_true", help="where the instructions go")
    ap.add_argument("--top", type=int, default=25, help="how many functions to show")
    ap.add_argument("--json", action="store_true", help="print {operation: instructions} as JSON")
    args = ap.parse_args()
    ops = args.op or list(OPS)
    results = {}
    with tempfile.TemporaryDirectory() as d:
        loop, _ = per_op(args.python, "loop", args.count, d)
        results["loop"] = round(loop)
        if not args.json:
            print(f"{'loop':<16} {loop:8.0f}  (one empty loop iteration, subtracted below)")
        for op in ops:
            if op == "loop":
                continue
            per, diff = per_op(args.python, op, args.count, d, args.functions)
            results[op] = round(per - loop)
            if args.json:
                continue
            print(f"{op:<16} {per - loop:8.0f}")
            for name, v in sorted(diff.items(), key=lambda kv: -kv[1])[: args.top]:
                print(f"    {v:8.1f}  {name}")
    if args.json:
        print(json.dumps(results))

if __name__ == "__main__":
    main()

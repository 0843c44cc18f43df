"""Instructions per call (valgrind's callgrind): deterministic, unlike times on a shared
machine, so they show what each build costs and where.

    python instructions.py --out icount.json --hpyjson cpython=... --hpyjson universal=...

For each document, operation and implementation, a child interpreter runs the call once, and
another runs it four times; the difference over three is the cost of one call (the setup, the
document's creation and the interpreter's start cancel out). Needs `valgrind` on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

CHILD = r"""
import gc, json, sys
sys.path.insert(0, {here!r})
from bench import implementations
from docs import DOCUMENTS
impls = implementations({builds!r})
dumps, loads, _ = impls[{impl!r}]
doc = DOCUMENTS[{doc!r}]()
text = json.dumps(doc, ensure_ascii=False)
f, arg = (dumps, doc) if {op!r} == "dumps" else (loads, text)
gc.collect()
for _ in range({count}):
    f(arg)
"""


def instructions(python: str, builds: list[str], impl: str, doc: str, op: str, count: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "child.py")
        with open(script, "w") as f:
            f.write(CHILD.format(here=HERE, builds=builds, impl=impl, doc=doc, op=op, count=count))
        out = os.path.join(tmp, "cg.out")
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", python, script],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with open(out) as f:
            m = re.search(r"^(?:summary|totals): (\d+)", f.read(), re.M)
        return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hpyjson", action="append", default=[], metavar="KIND=PATH")
    ap.add_argument("--impl", action="append", help="only these implementations")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    sys.path.insert(0, HERE)
    from bench import implementations
    from docs import DOCUMENTS

    names = args.impl or [n for n in implementations(args.hpyjson) if n != "json"]
    results = []
    for doc in DOCUMENTS:
        for op in ("dumps", "loads"):
            for impl in names:
                one = instructions(sys.executable, args.hpyjson, impl, doc, op, 1)
                four = instructions(sys.executable, args.hpyjson, impl, doc, op, 4)
                per_call = (four - one) // 3
                results.append({"doc": doc, "op": op, "impl": impl, "instructions": per_call})
                print(f"{doc:15} {op:5} {impl:25} {per_call / 1e6:8.1f} M", flush=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()

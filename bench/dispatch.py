"""How much the universal build's special methods cost on CPython, slot by slot.

HPy 0.9 has no iteration slots, so hpy-core defines `__iter__` and `__next__` as methods (in
both builds) and sets them again on the type, so that CPython installs its generic slot
functions, which look the method up and call it. `__hash__` and `__str__` are real slots in
universal binaries loaded by CPython (they are methods only on PyPy, whose HPy rejects those
slots). This script counts the instructions of `hash(v)`, `str(v)`, `repr(v)`, iterating,
`len(v)` and `abs(v)` on `examples/geometry`'s `Vec2` in the CPython-ABI build and in the
universal build.

    python3 bench/dispatch.py

It uses the venvs `scripts/test.sh` (build step) leaves in build/venv/ and the `_cgctl`
helper `bench/run.py` builds, and runs `valgrind --tool=callgrind` itself.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CALLS = 2000
STATEMENTS = [
    ("hash(v)", "hash(v)"),
    ("str(v)", "str(v)"),
    ("repr(v)", "repr(v)"),
    ("for _ in v (2 items)", "for _x in v: pass"),
    ("len(v)", "len(v)"),
    ("abs(v)", "abs(v)"),
]

CHILD = r'''
import itertools, sys, _cgctl, geometry
v = geometry.Vec2(1.0, 2.0)
def run(stmt, n):
    src = "def loop(n, v, _repeat=itertools.repeat):\n    for _ in _repeat(None, n):\n        %s\n" % stmt
    ns = {"itertools": itertools}
    exec(src, ns)
    loop = ns["loop"]
    loop(300, v)
    _cgctl.toggle_collect(); loop(n, v); _cgctl.toggle_collect()
    _cgctl.dump(stmt)
n = int(sys.argv[1])
run("pass", n)
for stmt in sys.argv[2:]:
    run(stmt, n)
'''


def counts(leg: str) -> list[float]:
    python = os.path.join(ROOT, "build", "venv", leg, "bin", "python")
    if not os.path.exists(python):
        raise SystemExit(f"no {python}: run `bash scripts/test.sh --only build` first")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        script = os.path.join(tmp, "child.py")
        with open(script, "w") as f:
            f.write(CHILD)
        env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=os.path.join(ROOT, "build", "bench", "cp311", "cgctl"))
        env.pop("HPY", None)
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no", f"--callgrind-out-file={out}", "--quiet",
               python, script, str(CALLS), *[s for _, s in STATEMENTS]]
        subprocess.run(cmd, check=True, env=env)
        totals = []
        for dump in sorted(glob.glob(out + ".*"), key=lambda p: int(p.rsplit(".", 1)[1])):
            with open(dump) as f:
                for line in f:
                    if line.startswith("summary:") or line.startswith("totals:"):
                        totals.append(int(line.split()[1]) / CALLS)
                        break
    empty = totals[0]
    return [t - empty for t in totals[1:]]


def main() -> int:
    cpy = counts("cp311-cpython")
    uni = counts("cp311-universal")
    print("| statement | CPython ABI | universal | difference |")
    print("|---|---:|---:|---:|")
    for (label, _), a, b in zip(STATEMENTS, cpy, uni):
        print(f"| `{label}` | {a:.0f} | {b:.0f} | +{b - a:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

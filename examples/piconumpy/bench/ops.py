"""The operations of piconumpy measured one by one: for instruction counts under callgrind
(`python ops.py OP COUNT` runs one of them COUNT times; see callgrind.py) and for the timings
of run.py (worker.py) and micro.py.

Every operation runs on small arrays (4 elements: the per-call cost is what is measured; `big`
has 100), in a loop whose own cost the `loop` operation measures; `list[i]` and
`list[i] = x` are the same on a Python list, for reference."""

import sys

OPS = {
    "loop": "pass",
    "list[i]": "lst[2]",
    "list[i] = x": "lst[2] = x",
    "a[i]": "a[2]",
    "a[-1]": "a[-1]",
    "a[i] = x": "a[2] = x",
    "len(a)": "len(a)",
    "a + b": "a + b",
    "a * 2.0": "a * 2.0",
    "2.0 * a": "2.0 * a",
    "a / 2": "a / 2",
    "a += b": "c += b",
    "a *= 2.0": "c *= 2.0",
    "-a": "-a",
    "a[1:3]": "a[1:3]",
    "array(list4)": "pn.array(lst)",
    "array(a)": "pn.array(a)",
    "array(list100)": "pn.array(lst100)",
    "zeros(4)": "pn.zeros(N)",
    "a == b": "a == b",
    "a.size": "a.size",
    "a.tolist()": "a.tolist()",
    "big.tolist()": "big.tolist()",
    "list(a)": "list(a)",
    "list(big)": "list(big)",
}


def namespace(pn=None):
    """The objects the operations use, made with `pn` (piconumpy by default)."""
    if pn is None:
        import piconumpy as pn

    return {
        "pn": pn,
        "N": 4,
        "a": pn.array([1.0, 2.0, 3.0, 4.0]),
        "b": pn.array([0.5, 0.25, 0.125, 0.0625]),
        "c": pn.array([1.0, 1.0, 1.0, 1.0]),
        "big": pn.zeros(100),
        "lst": [1.0, 2.0, 3.0, 4.0],
        "lst100": [float(i) for i in range(100)],
        "x": 1.5,
    }


if __name__ == "__main__":
    op, count = sys.argv[1], int(sys.argv[2])
    ns = namespace()
    # A function, so that every name is a fast local: the loop costs little and the same in
    # every run.
    params = ", ".join(ns)
    src = f"def run({params}):\n    for _ in range({count}):\n        {OPS[op]}\n"
    exec(compile(src, "<op>", "exec"), ns)
    ns["run"](**{k: v for k, v in ns.items() if k != "run" and not k.startswith("__")})

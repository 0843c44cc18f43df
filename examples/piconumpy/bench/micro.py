"""Nanoseconds per operation of ops.py, timed in this interpreter: `python micro.py [OP ...]`.

A quick look while optimising (the benchmark proper is run.py); each figure is the median of
several timed runs of a loop, minus the median of the empty loop."""

import statistics
import sys
import time

from ops import OPS, namespace


def timer(op, count):
    ns = namespace()
    params = ", ".join(ns)
    src = f"def run({params}):\n    for _ in range({count}):\n        {OPS[op]}\n"
    exec(compile(src, "<op>", "exec"), ns)
    run = ns["run"]
    args = {k: v for k, v in ns.items() if k != "run" and not k.startswith("__")}

    def once():
        t0 = time.perf_counter_ns()
        run(**args)
        return (time.perf_counter_ns() - t0) / count

    return once


def main():
    ops = sys.argv[1:] or list(OPS)
    count = 20000
    timers = {op: timer(op, count) for op in ["loop"] + [o for o in ops if o != "loop"]}
    for t in timers.values():  # warm up (PyPy's JIT)
        for _ in range(30):
            t()
    samples = {op: [] for op in timers}
    for _ in range(25):  # interleaved
        for op, t in timers.items():
            samples[op].append(t())
    loop = statistics.median(samples["loop"])
    print(f"{'loop':<16} {loop:8.1f} ns (subtracted below)")
    for op in timers:
        if op != "loop":
            print(f"{op:<16} {statistics.median(samples[op]) - loop:8.1f} ns")


if __name__ == "__main__":
    main()

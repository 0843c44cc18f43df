"""Nanoseconds per operation of ops.py in this interpreter, for a quick look while
optimising (run.py measures every configuration, interleaved):

    build/venv/cp311-universal/bin/python examples/piconumpy/bench/micro.py [--purepy] [OP ...]

Each figure is the median of 25 timed loops, minus the same loop with an empty body."""

import statistics
import sys

from ops import OPS
from worker import load, op_timer


def main():
    args = sys.argv[1:]
    impl = "piconumpy"
    if "--purepy" in args:
        args.remove("--purepy")
        impl = "purepy"
    module = load(impl)
    names = [o for o in (args or OPS) if o != "loop"]
    count = 20000
    timers = {op: (op_timer(module, op, count), op_timer(module, "loop", count)) for op in names}
    for t, e in timers.values():  # warm up (PyPy's JIT)
        for _ in range(20):
            t(), e()
    samples = {op: [] for op in timers}
    for _ in range(25):  # interleaved
        for op, (t, e) in timers.items():
            samples[op].append((t() - e()) / count * 1e9)
    for op in names:
        print(f"{op:<16} {statistics.median(samples[op]):8.1f} ns")


if __name__ == "__main__":
    main()

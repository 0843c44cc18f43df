"""Runs the benchmark workload in one interpreter: every implementation loaded into this one
process, timed interleaved (or counted under callgrind). Started by bench/run.py, once per
runtime, with the interpreter of that runtime's venv; writes its results as JSON.

    python measure.py time      --impls impls.json --out result.json [--rounds R] [--target-ms T]
    python measure.py callgrind --impls impls.json --out result.json [--calls N]
    python measure.py check     --impls impls.json

`impls.json` lists the implementations to load: `{"key", "label", "module", "kind", "path"}`,
`kind` being `cpython` (an extension module file: C API, HPy C CPython ABI, hpy-core CPython
ABI, PyO3; on PyPy loaded through cpyext) or `universal` (a `.hpy0.so`, loaded through
`hpy.universal`). The first implementation is the reference of the ratios.

Timing (thread CPU time by default, `--clock wall` for wall time): every (row,
implementation) pair has its own generated loop function (a separate
code object, so CPython's specialising interpreter and PyPy's JIT treat each call site on
its own), called with an iteration count calibrated so that one sample takes about
`--target-ms`. A round samples every pair once, the implementations of a row in an order that
rotates from round to round; the result of a pair is the median over the rounds, and its ratio
to the reference is the median of the per-round ratios (both samples of a ratio are taken
back to back, so that the drift of a shared machine cancels out).

Callgrind: under `valgrind --tool=callgrind --collect-atstart=no`, each pair runs a warm-up,
then `--calls` iterations with collection switched on through the `_cgctl` helper module
(callgrind client requests), and dumps the counters; the same is done for an empty loop. The
instructions per call are (Ir(pair) - Ir(empty loop)) / calls: the Python call itself
(argument loading, the CALL instruction, dropping the result) is included, the loop is not.
"""

from __future__ import annotations

import argparse
import gc
import importlib.machinery
import importlib.util
import itertools
import json
import os
import platform
import statistics
import sys
import time

#: The workload, in table order: (key, label, statement, applies-to). The statement runs in
#: a generated loop where `f` is the module function of the same name, `P` the Point class,
#: `p` a Point(1.0, 2.0), `a`/`b` two ints that are not cached small ints, `lst` a list of
#: 1000 floats and `s` a 25-character ASCII str.
ROWS = [
    ("noop", "noop()", "f()"),
    ("add_ints", "add_ints(a, b)", "f(a, b)"),
    ("sum_list", "sum_list(lst), 1000 floats", "f(lst)"),
    ("sum_list_vec", "sum_list as Vec<f64>", "f(lst)"),
    ("point_new", "Point(1.0, 2.0)", "P(1.0, 2.0)"),
    ("point_norm", "p.norm()", "p.norm()"),
    ("point_x", "p.x", "p.x"),
    ("kwargs", "kwargs(1, b=2, c=3)", "f(1, b=2, c=3)"),
    ("str_roundtrip", "str_roundtrip(s)", "f(s)"),
    ("small_dict", "small_dict()", "f()"),
    # Variants: the same calls to Rust functions declared positional-only (`signature =
    # (a, b, /)`), which gives them the calling convention the C and HPy C versions use
    # (METH_FASTCALL / HPyFunc_VARARGS, METH_O / HPyFunc_O). C and HPy C run their only version.
    ("add_ints_pos", "add_ints(a, b), Rust `(a, b, /)`", "f(a, b)"),
    ("str_roundtrip_pos", "str_roundtrip(s), Rust `(s, /)`", "f(s)"),
]
#: The function of each row (None: the row uses the class).
FUNCTION = {
    "empty": None,
    "noop": "noop",
    "add_ints": "add_ints",
    "sum_list": "sum_list",
    "sum_list_vec": "sum_list_vec",
    "point_new": None,
    "point_norm": None,
    "point_x": None,
    "kwargs": "kwargs",
    "str_roundtrip": "str_roundtrip",
    "small_dict": "small_dict",
    "add_ints_pos": "add_ints_pos",
    "str_roundtrip_pos": "str_roundtrip_pos",
}
#: The function to use where an implementation has no function of a row's own name.
FALLBACK = {"add_ints_pos": "add_ints", "str_roundtrip_pos": "str_roundtrip"}

A, B = 3000, 4000
LIST = [float(i) * 0.5 for i in range(1000)]
TEXT = "The quick brown fox jumps"
#: What each row must return, checked before anything is timed.
EXPECTED = {
    "noop": None,
    "add_ints": A + B,
    "sum_list": sum(LIST),
    "sum_list_vec": sum(LIST),
    "point_norm": (1.0**2 + 2.0**2) ** 0.5,
    "point_x": 1.0,
    "kwargs": 6,
    "str_roundtrip": TEXT,
    "small_dict": {"a": 1, "b": 2, "c": 3},
    "add_ints_pos": A + B,
    "str_roundtrip_pos": TEXT,
}


def load(impl: dict):
    """Loads one implementation from its file, whatever its module name."""
    name, path = impl["module"], impl["path"]
    if impl["kind"] == "universal":
        from hpy.universal import _load_bootstrap

        spec = importlib.machinery.ModuleSpec(name, None, origin=path)
        env = {k: v for k, v in os.environ.items() if k != "HPY"}
        return _load_bootstrap(name, "bench_" + impl["key"], None, path, None, spec, env)
    loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def make_loop(stmt: str):
    """A new function running `stmt` n times, with the workload's names as locals."""
    src = (
        "def loop(n, f, P, p, a, b, lst, s, _repeat=_repeat):\n"
        "    for _ in _repeat(None, n):\n"
        f"        {stmt}\n"
    )
    namespace = {"_repeat": itertools.repeat}
    exec(compile(src, f"<loop {stmt}>", "exec"), namespace)
    return namespace["loop"]


class Pair:
    """One row of the workload bound to one implementation."""

    def __init__(self, row: tuple, impl: dict, module):
        self.row_key, self.row_label, self.stmt = row
        self.impl = impl["key"]
        name = FUNCTION[self.row_key]
        if name and not hasattr(module, name):
            name = FALLBACK.get(self.row_key, name)
        self.f = getattr(module, name) if name else None
        self.P = module.Point
        self.p = module.Point(1.0, 2.0)
        self.loop = make_loop(self.stmt)

    def args(self, n: int) -> tuple:
        return (n, self.f, self.P, self.p, A, B, LIST, TEXT)

    def run(self, n: int) -> None:
        self.loop(*self.args(n))

    def check(self) -> None:
        """Fails unless one call gives the expected result."""
        if self.row_key == "point_new":
            q = self.P(1.0, 2.0)
            got, want = (q.x, q.y, type(q).__name__), (1.0, 2.0, "Point")
        else:
            got = eval(self.stmt, {"f": self.f, "p": self.p, "a": A, "b": B, "lst": LIST, "s": TEXT})
            want = EXPECTED[self.row_key]
        if self.row_key in ("sum_list", "sum_list_vec", "point_norm"):
            ok = abs(got - want) <= 1e-9 * abs(want)
        else:
            ok = got == want
        if not ok:
            raise SystemExit(f"{self.impl}: {self.row_label} returned {got!r}, expected {want!r}")


def load_all(impls: list[dict]) -> dict:
    modules = {}
    for impl in impls:
        try:
            modules[impl["key"]] = load(impl)
        except Exception as exc:  # the report says which one and why
            raise SystemExit(f"cannot load {impl['key']} from {impl['path']}: {exc!r}")
        abi = getattr(modules[impl["key"]], "ABI", None)
        want = impl.get("abi")
        if want is not None and abi != want:
            raise SystemExit(f"{impl['key']}: {impl['path']} reports ABI={abi!r}, expected {want!r}")
    return modules


def make_pairs(impls: list[dict], modules: dict, rows: list[str] | None) -> list[list[Pair]]:
    """For each row, its pairs in implementation order."""
    selected = [r for r in ROWS if rows is None or r[0] in rows]
    return [[Pair(row, impl, modules[impl["key"]]) for impl in impls] for row in selected]


#: The clock of the samples: the CPU time of this thread by default, so that the time the
#: process spends descheduled on a shared machine (other jobs, other agents) is not counted;
#: `--clock wall` uses `perf_counter` instead.
CLOCKS = {"cpu": time.thread_time_ns, "wall": time.perf_counter_ns}
clock = CLOCKS["cpu"]


def sample(pair: Pair, n: int) -> float:
    """ns per iteration of one run of n iterations."""
    args = pair.args(n)
    t0 = clock()
    pair.loop(*args)
    return (clock() - t0) / n


def calibrate(pair: Pair, target_ns: float) -> int:
    """An iteration count for which one sample of `pair` takes about `target_ns`."""
    n = 1
    while True:
        t = sample(pair, n) * n
        if t >= target_ns / 10 or n >= 1 << 24:
            return max(1, int(n * target_ns / max(t, 1.0)))
        n *= 4


def cmd_time(opts, impls: list[dict]) -> dict:
    modules = load_all(impls)
    table = make_pairs(impls, modules, opts.rows)
    for pairs in table:
        for pair in pairs:
            pair.check()
    empty = Pair(("empty", "empty loop", "pass"), impls[0], modules[impls[0]["key"]])
    target_ns = opts.target_ms * 1e6
    # Warm-up (PyPy's JIT compiles the loops here), then one iteration count per row, from
    # the reference implementation, so that every implementation of a row runs the same loop.
    for _ in range(opts.warmup):
        for pairs in table:
            for pair in pairs:
                pair.run(200)
    counts = [calibrate(pairs[0], target_ns) for pairs in table]
    n_empty = calibrate(empty, target_ns)
    ns = [[[] for _ in pairs] for pairs in table]
    ratios = [[[] for _ in pairs] for pairs in table]
    empty_ns = []
    for r in range(opts.rounds):
        empty_ns.append(sample(empty, n_empty))
        for i, pairs in enumerate(table):
            k = len(pairs)
            got = [0.0] * k
            for j in range(k):
                idx = (j + r) % k
                got[idx] = sample(pairs[idx], counts[i])
            for idx in range(k):
                ns[i][idx].append(got[idx])
                ratios[i][idx].append(got[idx] / got[0])
    rows = []
    for i, pairs in enumerate(table):
        rows.append(
            {
                "row": pairs[0].row_key,
                "label": pairs[0].row_label,
                "iterations": counts[i],
                "ns": {p.impl: statistics.median(ns[i][j]) for j, p in enumerate(pairs)},
                "ratio": {p.impl: statistics.median(ratios[i][j]) for j, p in enumerate(pairs)},
                "samples": {p.impl: ns[i][j] for j, p in enumerate(pairs)},
            }
        )
    return {
        "mode": "time",
        "clock": opts.clock,
        "rounds": opts.rounds,
        "target_ms": opts.target_ms,
        "empty_loop_ns": statistics.median(empty_ns),
        "rows": rows,
    }


def cmd_callgrind(opts, impls: list[dict]) -> dict:
    import _cgctl  # built by run.py; callgrind client requests

    if not _cgctl.running_on_valgrind():
        raise SystemExit("measure.py callgrind must run under valgrind --tool=callgrind")
    modules = load_all(impls)
    table = make_pairs(impls, modules, opts.rows)
    empty = Pair(("empty", "empty loop", "pass"), impls[0], modules[impls[0]["key"]])
    labels = []

    def measure(pair: Pair, calls: int) -> None:
        pair.run(300)  # warm-up: specialised instructions, caches, free lists
        gc.collect()
        args = pair.args(calls)
        _cgctl.toggle_collect()
        pair.loop(*args)
        _cgctl.toggle_collect()
        labels.append((pair.row_key, pair.impl, calls))
        _cgctl.dump(f"{pair.row_key}/{pair.impl}")

    # The list rows cost about 100 times more per call: 50 times fewer calls.
    list_calls = max(1, opts.calls // 50)
    measure(empty, opts.calls)
    for pairs in table:
        for pair in pairs:
            calls = list_calls if pair.row_key in ("sum_list", "sum_list_vec") else opts.calls
            measure(pair, calls)
    measure(empty, list_calls)
    return {"mode": "callgrind", "dumps": labels}


def cmd_check(opts, impls: list[dict]) -> dict:
    modules = load_all(impls)
    for pairs in make_pairs(impls, modules, opts.rows):
        for pair in pairs:
            pair.check()
            pair.run(3)
    return {"mode": "check", "ok": True}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["time", "callgrind", "check"])
    ap.add_argument("--impls", required=True, help="JSON list of implementations (see above)")
    ap.add_argument("--out", help="where to write the JSON result (default: stdout)")
    ap.add_argument("--rows", help="comma-separated row keys (default: all)")
    ap.add_argument("--rounds", type=int, default=61)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--target-ms", type=float, default=2.0)
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="cpu")
    opts = ap.parse_args(argv)
    global clock
    clock = CLOCKS[opts.clock]
    opts.rows = opts.rows.split(",") if opts.rows else None
    with open(opts.impls, encoding="utf-8") as f:
        impls = json.load(f)
    result = {"time": cmd_time, "callgrind": cmd_callgrind, "check": cmd_check}[opts.mode](opts, impls)
    result["python"] = sys.version.split()[0]
    result["implementation"] = sys.implementation.name
    result["platform"] = platform.platform()
    result["impls"] = impls
    text = json.dumps(result, indent=1)
    if opts.out:
        with open(opts.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

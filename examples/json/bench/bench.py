"""Times `dumps` and `loads` of the documents of `docs.py` with every implementation that loads
in this interpreter, interleaved, and writes the results as JSON.

    python bench.py --out results.json \\
        --hpyjson cpython=path/to/hpyjson.cpython-311-x86_64-linux-gnu.so \\
        --hpyjson universal=path/to/hpyjson.hpy0.so [--rounds 15] [--warmup 3]

Each build of hpyjson is loaded from its file under its own name, so that the CPython-ABI build
and the universal build run in the same process (the universal one through `hpy.universal` on
CPython, PyPy's built-in HPy on PyPy; a CPython-ABI build on PyPy goes through cpyext). The
reference libraries (ujson, orjson, the standard library's json) are used where they import.

Method: for each document and operation, every implementation is first checked against the
standard library (same value back, or the same text as ujson), then timed in rounds; each
round times one batch of calls of each implementation, in an order that rotates from round to
round, after a `gc.collect()`. A batch is as many calls as take about 20 ms with the standard
library. The first `--warmup` rounds are discarded (PyPy's JIT). The result is the median time
per call over the rounds, with the minimum and the spread (interquartile range) beside it.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from docs import DOCUMENTS  # noqa: E402


def load_hpyjson(kind: str, path: str):
    """The hpyjson build in `path` as a module named `hpyjson_<kind>.hpyjson` (the last part
    must stay `hpyjson`: it names the init function)."""
    name = f"hpyjson_{kind}.hpyjson"
    spec = importlib.util.spec_from_file_location(name, path)
    if path.endswith(".hpy0.so"):
        from hpy.universal import load

        return load(name, path, spec)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def implementations(hpy_builds: list[str]) -> dict:
    """name -> (dumps, loads, version) for everything that imports here."""
    impls = {}
    for item in hpy_builds:
        kind, path = item.split("=", 1)
        m = load_hpyjson(kind, path)
        label = f"hpyjson ({kind})"
        if kind == "cpython" and sys.implementation.name == "pypy":
            label = "hpyjson (cpython ABI, cpyext)"
        impls[label] = (m.dumps, m.loads, f"{m.__version__}, {m.CONTEXT_NAME}")
    try:
        import ujson

        impls["ujson"] = (ujson.dumps, ujson.loads, ujson.__version__)
    except ImportError:
        pass
    try:
        import orjson

        impls["orjson"] = (orjson.dumps, orjson.loads, orjson.__version__)
    except ImportError:
        pass
    impls["json"] = (json.dumps, json.loads, "stdlib " + platform.python_version())
    return impls


def check(impls: dict, doc, text: str) -> None:
    """Every implementation reads `text` back as `doc`, and its `dumps` output reads back as
    `doc` (hpyjson's output is also byte for byte ujson's, where ujson is here)."""
    for name, (dumps, loads, _) in impls.items():
        if loads(text) != doc:
            raise SystemExit(f"{name}: loads gives another value")
        if json.loads(dumps(doc)) != doc:
            raise SystemExit(f"{name}: dumps gives another document")
    if "ujson" in impls:
        want = impls["ujson"][0](doc)
        for name, (dumps, _, _) in impls.items():
            if name.startswith("hpyjson") and dumps(doc) != want:
                raise SystemExit(f"{name}: dumps differs from ujson's")


def run(impls: dict, rounds: int, warmup: int) -> list[dict]:
    results = []
    for doc_name, make in DOCUMENTS.items():
        doc = make()
        text = json.dumps(doc, ensure_ascii=False)
        check(impls, doc, text)
        for op in ("dumps", "loads"):
            arg = doc if op == "dumps" else text
            calls = {name: (fns[0] if op == "dumps" else fns[1]) for name, fns in impls.items()}
            # Batch size: about 20 ms of the standard library.
            t0 = time.perf_counter()
            calls["json"](arg)
            batch = max(1, int(0.02 / max(time.perf_counter() - t0, 1e-6)))
            times = {name: [] for name in calls}
            names = list(calls)
            for r in range(warmup + rounds):
                order = names[r % len(names):] + names[: r % len(names)]
                for name in order:
                    f = calls[name]
                    gc.collect()
                    start = time.perf_counter()
                    for _ in range(batch):
                        f(arg)
                    elapsed = (time.perf_counter() - start) / batch
                    if r >= warmup:
                        times[name].append(elapsed)
            for name, ts in times.items():
                q = statistics.quantiles(ts, n=4) if len(ts) >= 2 else [ts[0]] * 3
                results.append(
                    {
                        "doc": doc_name,
                        "op": op,
                        "impl": name,
                        "median": statistics.median(ts),
                        "min": min(ts),
                        "iqr": q[2] - q[0],
                        "rounds": len(ts),
                        "batch": batch,
                    }
                )
            line = "  ".join(f"{n}={statistics.median(t) * 1e3:.2f}ms" for n, t in times.items())
            print(f"{doc_name:15} {op:5} {line}", flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hpyjson", action="append", default=[], metavar="KIND=PATH")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    impls = implementations(args.hpyjson)
    results = run(impls, args.rounds, args.warmup)
    info = {
        "python": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "pypy": ".".join(map(str, sys.pypy_version_info[:3])) if hasattr(sys, "pypy_version_info") else None,
        "versions": {name: v for name, (_, _, v) in impls.items()},
        "rounds": args.rounds,
        "warmup": args.warmup,
    }
    with open(args.out, "w") as f:
        json.dump({"info": info, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()

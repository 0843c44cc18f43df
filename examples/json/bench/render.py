"""Writes the measured part of BENCHMARKS.md: the text between `<!-- results:begin -->` and
`<!-- results:end -->` is replaced, the rest of the file (the discussion) is kept.

    python render.py BENCHMARKS.md --machine machine.json --times cp311.json pypy311.json \\
        [--instructions icount.json]
"""

from __future__ import annotations

import argparse
import json
import re

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
DOCS = ["unicode_nested", "numbers", "small_objects"]


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def table(rows: list[list[str]], align: list[str]) -> str:
    head, *body = rows
    sep = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def times_section(data: dict, ratios: list[tuple[str, str, str]]) -> str:
    """A table of median ms per call, and ratio columns `a / b` named `label`."""
    info, results = data["info"], data["results"]
    impls = list(dict.fromkeys(r["impl"] for r in results))
    by = {(r["doc"], r["op"], r["impl"]): r for r in results}
    head = ["document", "op"] + impls + [label for label, _, _ in ratios]
    rows = [head]
    for doc in DOCS:
        for op in ("dumps", "loads"):
            row = [doc, op]
            for impl in impls:
                r = by.get((doc, op, impl))
                row.append(ms(r["median"]) if r else "–")
            for _, a, b in ratios:
                ra, rb = by.get((doc, op, a)), by.get((doc, op, b))
                row.append(f"{ra['median'] / rb['median']:.2f}" if ra and rb else "–")
            rows.append(row)
    runtime = f"PyPy {info['pypy']} (Python {info['python']})" if info["pypy"] else f"CPython {info['python']}"
    versions = "; ".join(f"{k}: {v}" for k, v in info["versions"].items())
    spread = max(r["iqr"] / r["median"] for r in results)
    return (
        f"#### {runtime}\n\n"
        f"Milliseconds per call, median of {info['rounds']} interleaved rounds "
        f"(after {info['warmup']} warm-up rounds); the largest interquartile range is "
        f"{spread:.0%} of its median. Versions: {versions}.\n\n"
        + table(rows, ["l", "l"] + ["r"] * (len(head) - 2))
    )


def instructions_section(results: list[dict]) -> str:
    impls = list(dict.fromkeys(r["impl"] for r in results))
    by = {(r["doc"], r["op"], r["impl"]): r["instructions"] for r in results}
    ratios = []
    if "hpyjson (universal)" in impls and "hpyjson (cpython)" in impls:
        ratios.append(("universal / cpython ABI", "hpyjson (universal)", "hpyjson (cpython)"))
    if "ujson" in impls and "hpyjson (cpython)" in impls:
        ratios.append(("cpython ABI / ujson", "hpyjson (cpython)", "ujson"))
    head = ["document", "op"] + impls + [label for label, _, _ in ratios]
    rows = [head]
    for doc in DOCS:
        for op in ("dumps", "loads"):
            row = [doc, op] + [f"{by[(doc, op, i)] / 1e6:.1f}" if (doc, op, i) in by else "–" for i in impls]
            row += [f"{by[(doc, op, a)] / by[(doc, op, b)]:.2f}" for _, a, b in ratios]
            rows.append(row)
    return (
        "#### Instructions per call (callgrind, CPython 3.11)\n\n"
        "Millions of instructions per call: deterministic, so they compare builds without the "
        "noise of a shared machine (they do not count cache misses).\n\n"
        + table(rows, ["l", "l"] + ["r"] * (len(head) - 2))
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("--machine", required=True)
    ap.add_argument("--times", nargs="+", required=True)
    ap.add_argument("--instructions")
    args = ap.parse_args()
    machine = json.load(open(args.machine))
    parts = [
        f"Measured on {machine['date']}: {machine['cpu']}, {machine['cores']} cores (shared with "
        f"other jobs: load average {machine['load_before']} before, {machine['load_after']} "
        f"after), {machine['os']}; Rust {machine['rustc']}, release build (fat LTO). Regenerate "
        "with `bash examples/json/bench/run.sh`."
    ]
    for path in args.times:
        data = json.load(open(path))
        impls = {r["impl"] for r in data["results"]}
        ratios = []
        if "hpyjson (cpython)" in impls and "ujson" in impls:
            ratios.append(("cpython ABI / ujson", "hpyjson (cpython)", "ujson"))
        if "hpyjson (universal)" in impls and "hpyjson (cpython)" in impls:
            ratios.append(("universal / cpython ABI", "hpyjson (universal)", "hpyjson (cpython)"))
        if "hpyjson (universal)" in impls and "hpyjson (cpython ABI, cpyext)" in impls:
            ratios.append(("cpyext / universal", "hpyjson (cpython ABI, cpyext)", "hpyjson (universal)"))
        parts.append(times_section(data, ratios))
    if args.instructions:
        parts.append(instructions_section(json.load(open(args.instructions))))
    generated = BEGIN + "\n\n" + "\n\n".join(parts) + "\n\n" + END
    page = open(args.page).read()
    page = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: generated, page, flags=re.S)
    open(args.page, "w").write(page)


if __name__ == "__main__":
    main()

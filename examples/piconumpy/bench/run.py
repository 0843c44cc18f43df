"""The piconumpy benchmark: builds the example for the four legs it needs, times the workloads
(workloads.py) and the single operations (ops.py) in six configurations, interleaved, counts
instructions with callgrind, and writes examples/piconumpy/BENCHMARKS.md.

    python3 examples/piconumpy/bench/run.py            # everything (about 10 minutes)
    python3 examples/piconumpy/bench/run.py --quick    # fewer rounds, no callgrind
    options: --no-build (reuse build/venv), --rounds N, --no-callgrind, --out FILE,
             --render (rewrite the report from BENCHMARKS.json, the last run's figures)

The configurations (one worker process each, see worker.py):

=============  ===============================  =========================================
runtime        implementation                   venv (scripts/build-examples.sh)
=============  ===============================  =========================================
CPython 3.11   pure Python (list)               cp311-cpython (purepy.py)
CPython 3.11   hpy-core, CPython ABI            cp311-cpython
CPython 3.11   hpy-core, universal              cp311-universal (hpy 0.9.0)
PyPy 3.11      pure Python (list)               pypy311-universal (purepy.py)
PyPy 3.11      hpy-core, universal              pypy311-universal (PyPy's HPy)
PyPy 3.11      hpy-core, CPython ABI (cpyext)   pypy311-cpython
=============  ===============================  =========================================

Interleaving: every round runs each workload once in every worker, in an order that rotates
from round to round, so that a slow spell of this shared machine hits every configuration
alike; each figure is the median over the rounds (after warm-up runs, which PyPy's JIT needs).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import pathlib
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
EXAMPLE = HERE.parent
ROOT = EXAMPLE.parent.parent
VENVS = ROOT / "build" / "venv"
LEGS = ["cp311-cpython", "cp311-universal", "pypy311-universal", "pypy311-cpython"]

sys.path.insert(0, str(HERE))
import ops  # noqa: E402
import workloads  # noqa: E402

# (key, runtime, implementation, leg whose venv runs it, impl, expected ABI)
CONFIGS = [
    ("cpy-pure", "CPython 3.11", "pure Python (list)", "cp311-cpython", "purepy", None),
    ("cpy-capi", "CPython 3.11", "hpy-core, CPython ABI", "cp311-cpython", "piconumpy", "cpython"),
    ("cpy-univ", "CPython 3.11", "hpy-core, universal", "cp311-universal", "piconumpy", "universal"),
    ("pypy-pure", "PyPy 3.11", "pure Python (list)", "pypy311-universal", "purepy", None),
    ("pypy-univ", "PyPy 3.11", "hpy-core, universal", "pypy311-universal", "piconumpy", "universal"),
    ("pypy-cpyext", "PyPy 3.11", "hpy-core, CPython ABI (cpyext)", "pypy311-cpython", "piconumpy", "cpython"),
]
SHORT = {
    "cpy-pure": "CPython: pure Python",
    "cpy-capi": "CPython: CPython ABI",
    "cpy-univ": "CPython: universal",
    "pypy-pure": "PyPy: pure Python",
    "pypy-univ": "PyPy: universal",
    "pypy-cpyext": "PyPy: CPython ABI (cpyext)",
}
# The operations timed one by one (ops.py), and how many iterations a timed loop runs.
OP_NAMES = [o for o in ops.OPS if o != "loop"]
OP_COUNT = 5000


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


class Worker:
    def __init__(self, key, python, impl):
        self.key = key
        self.proc = subprocess.Popen(
            [str(python), "-u", str(HERE / "worker.py"), "--impl", impl],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=HERE,
            text=True,
            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
        )

    def ask(self, **req):
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"worker {self.key} died (request {req})")
        reply = json.loads(line)
        if "error" in reply:
            raise SystemExit(f"worker {self.key}: {reply['error']}")
        return reply

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def build() -> None:
    log("building the example for " + ", ".join(LEGS))
    env = dict(os.environ, HPY_EXAMPLES="piconumpy", HPY_LEGS=",".join(LEGS))
    subprocess.run(["bash", str(ROOT / "scripts" / "setup.sh")], check=True, cwd=ROOT)
    subprocess.run(["bash", str(ROOT / "scripts" / "build-examples.sh")], check=True, cwd=ROOT, env=env)


def rotated(items, k):
    k %= len(items)
    return items[k:] + items[:k]


def measure_workloads(workers, rounds, warmup):
    times = {(w.key, n): [] for w in workers for n in workloads.WORKLOADS}
    checksums = {}
    for name in workloads.WORKLOADS:
        for w in workers:
            for _ in range(warmup[w.key]):
                checksums[(w.key, name)] = w.ask(cmd="workload", name=name)["checksum"]
    for r in range(rounds):
        log(f"workloads: round {r + 1}/{rounds}")
        for name in workloads.WORKLOADS:
            for w in rotated(workers, r):
                reply = w.ask(cmd="workload", name=name)
                times[(w.key, name)].append(reply["seconds"])
                if reply["checksum"] != checksums[(w.key, name)]:
                    raise SystemExit(f"{w.key} {name}: the checksum changed between runs")
    # Every configuration computes the same floats, in the same order.
    for name in workloads.WORKLOADS:
        values = {checksums[(w.key, name)] for w in workers}
        if len(values) != 1:
            raise SystemExit(f"{name}: the configurations disagree: {values}")
    return times, checksums


def measure_ops(workers, rounds, warmup):
    ns = {(w.key, o): [] for w in workers for o in OP_NAMES}
    for w in workers:
        for o in OP_NAMES:
            for _ in range(warmup[w.key]):
                w.ask(cmd="op", name=o, count=OP_COUNT)
    for r in range(rounds):
        log(f"operations: round {r + 1}/{rounds}")
        for o in OP_NAMES:
            for w in rotated(workers, r):
                ns[(w.key, o)].append(w.ask(cmd="op", name=o, count=OP_COUNT)["ns"])
    return ns


def callgrind_counts(leg):
    """Instructions per operation (callgrind.py) with the venv of `leg`."""
    python = VENVS / leg / "bin" / "python"
    out = subprocess.run(
        [sys.executable, str(HERE / "callgrind.py"), "--python", str(python), "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def cmd_out(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine_info():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    distro = "?"
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    commit = cmd_out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = cmd_out(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": f"{distro}, Linux {platform.release()}",
        "rustc": cmd_out(["rustc", "--version"]),
        "maturin": cmd_out([sys.executable, "-m", "maturin", "--version"]),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def fmt_ms(seconds):
    ms = seconds * 1e3
    return f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def fmt_ns(ns):
    if ns >= 1000:
        return f"{ns / 1000:.2f} µs"
    return f"{ns:.0f}" if ns >= 10 else f"{ns:.1f}"


def ns_text(ns):
    """Nanoseconds with their unit, for sentences."""
    return f"{ns / 1000:.2f} µs" if ns >= 1000 else f"{fmt_ns(ns)} ns"


def ratio(a, b):
    return a / b if b else float("nan")


def spread(values):
    """The interquartile range relative to the median, as a percentage."""
    if len(values) < 4:
        return 0.0
    q = statistics.quantiles(values, n=4)
    return (q[2] - q[0]) / statistics.median(values) * 100


def write_report(path, info, hello, wtimes, checksums, opns, counts, rounds, load):
    keys = [c[0] for c in CONFIGS]
    med = {k: statistics.median(v) for k, v in wtimes.items()}
    lines = []
    add = lines.append
    add("# piconumpy benchmark")
    add("")
    add("Generated by `python3 examples/piconumpy/bench/run.py` (see its docstring; `--quick` for a")
    add("short run). Do not edit by hand: rerun it. The analysis at the end is part of the")
    add("generator, computed from the figures of the run.")
    add("")
    add("## Machine and versions")
    add("")
    add(f"* {info['cpu']}, {info['cores']} cores (shared with other jobs: load average "
        f"{load[0]:.2f} at the start, {load[1]:.2f} at the end), {info['os']}")
    add(f"* hpy-rs commit {info['commit']}, {info['rustc']}, {info['maturin']}, release build "
        "(`lto = \"fat\"`, `codegen-units = 1`)")
    for key, runtime, impl, leg, _, _ in CONFIGS:
        h = hello[key]
        extra = ""
        if h.get("pypy"):
            extra += f" (PyPy {h['pypy']})"
        if h.get("context"):
            extra += f"; context: {h['context']}"
        if h.get("hpy") and h.get("abi") == "universal":
            extra += f"; hpy {h['hpy']}"
        add(f"* {SHORT[key]}: Python {h['python']}{extra}; venv `build/venv/{leg}`")
    add(f"* {rounds} interleaved rounds after warm-up; medians of the CPU time of each worker "
        "process (`time.process_time`: time spent waiting for a core of this shared machine is "
        "not counted). Times still drift from run to run: compare ratios within one run, and "
        "instruction counts (below) between runs.")
    add("")

    add("## Workloads: milliseconds of CPU time per run (median)")
    add("")
    add("| workload | " + " | ".join(SHORT[k] for k in keys) + " |")
    add("|---|" + "---:|" * len(keys))
    for name in workloads.WORKLOADS:
        cells = []
        for k in keys:
            v = wtimes[(k, name)]
            cells.append(f"{fmt_ms(med[(k, name)])} ±{spread(v):.0f}%")
        add(f"| `{name}` | " + " | ".join(cells) + " |")
    add("")
    add("± is the interquartile range of the rounds, relative to the median. Every configuration "
        "returned the same checksum for each workload (the same floating-point operations in the "
        "same order): " + ", ".join(f"`{n}` {checksums[(keys[0], n)]!r}" for n in workloads.WORKLOADS) + ".")
    add("")
    add("Speed-up over the pure-Python list version on the same runtime (higher is better; below "
        "1, slower), and the ratios of the two builds on each runtime (above 1: the first "
        "takes longer):")
    add("")
    add("| workload | CPython: CPython ABI | CPython: universal | time universal / CPython ABI | "
        "PyPy: universal | PyPy: cpyext | time cpyext / universal |")
    add("|---|---:|---:|---:|---:|---:|---:|")
    for name in workloads.WORKLOADS:
        m = lambda k: med[(k, name)]  # noqa: E731
        add(f"| `{name}` | {ratio(m('cpy-pure'), m('cpy-capi')):.2f}× | "
            f"{ratio(m('cpy-pure'), m('cpy-univ')):.2f}× | "
            f"{ratio(m('cpy-univ'), m('cpy-capi')):.2f} | "
            f"{ratio(m('pypy-pure'), m('pypy-univ')):.2f}× | "
            f"{ratio(m('pypy-pure'), m('pypy-cpyext')):.2f}× | "
            f"{ratio(m('pypy-cpyext'), m('pypy-univ')):.2f} |")
    add("")

    add("## Single operations: nanoseconds per operation (median)")
    add("")
    add("Each operation of `bench/ops.py` in a loop of "
        f"{OP_COUNT} iterations, minus the empty loop; `a`, `b`, `c` are 4-element arrays, `big` "
        "100 elements; `list[...]` is a plain Python list, for scale. On PyPy the JIT may remove "
        "a loop whose result is unused (pure Python: `list[i]` comes out at about 0).")
    add("")
    add("| operation | " + " | ".join(SHORT[k] for k in keys) + " |")
    add("|---|" + "---:|" * len(keys))
    opmed = {k: statistics.median(v) for k, v in opns.items()}
    for o in OP_NAMES:
        add(f"| `{ops.OPS[o]}` | " + " | ".join(fmt_ns(opmed[(k, o)]) for k in keys) + " |")
    add("")

    if counts:
        add("## Instructions per operation (callgrind, CPython 3.11)")
        add("")
        add("`bench/callgrind.py`: each operation runs N and 2N times under "
            "`valgrind --tool=callgrind`; the difference over N, minus an empty loop iteration "
            f"({counts['cpy-capi'].get('loop', '?')} instructions). Deterministic: the figures to "
            "compare between builds.")
        add("")
        add("| operation | CPython ABI | universal | universal − CPython ABI |")
        add("|---|---:|---:|---:|")
        for o in OP_NAMES:
            a, u = counts["cpy-capi"].get(o), counts["cpy-univ"].get(o)
            if a is None or u is None:
                continue
            add(f"| `{ops.OPS[o]}` | {a} | {u} | {u - a:+d} |")
        add("")

    add("## What the numbers say")
    add("")
    lines.extend(analysis(med, opmed, counts))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def analysis(med, opmed, counts):
    """The interpretation, with the figures of this run (the comparisons are computed, so that
    the text cannot contradict the tables)."""
    m = lambda k, n: med[(k, n)]  # noqa: E731
    o = lambda k, n: opmed[(k, n)]  # noqa: E731
    names = list(workloads.WORKLOADS)
    out = []
    add = out.append

    def times(a, b):
        r = ratio(a, b)
        return f"{r:.2f}×"

    add("**On CPython, the CPython-ABI build is the fast one; universal pays per call.** The "
        "universal build takes "
        + ", ".join(f"{times(m('cpy-univ', n), m('cpy-capi', n))} (`{n}`)" for n in names)
        + " the time of the CPython-ABI build.")
    if counts:
        c, u = counts["cpy-capi"], counts["cpy-univ"]
        add(f"The instruction counts, which do not depend on the machine's load, show the cost: "
            f"`a[i]` is {c['a[i]']} instructions in CPython-ABI mode and {u['a[i]']} universal, "
            f"`a + b` {c['a + b']} and {u['a + b']}, `zeros(4)` {c['zeros(4)']} and "
            f"{u['zeros(4)']}. Universal mode enters every call through "
            "`ctx_CallRealFunctionFromTrampoline`, and every API use (a type check, the payload "
            "of an object, a float conversion, `HPy_New`, loading the class from its "
            "`HPyGlobal`, closing a handle) is an indirect call into `hpy.universal`, where the "
            "CPython-ABI build inlines the C API. The widest gap is in conversions of whole "
            "lists, since HPy 0.9 has no access to a list's items: reading a 100-float list "
            f"costs {c['array(list100)']} instructions in CPython-ABI mode and "
            f"{u['array(list100)']} universal (hpy-core converts through `struct.pack`), "
            f"making one {c['big.tolist()']} and {u['big.tolist()']} (through "
            "`array('d', bytes).tolist()`).")
    by_gap = sorted(names, key=lambda n: -ratio(m("cpy-univ", n), m("cpy-capi", n)))
    add(f"The gap is largest on `{by_gap[0]}` and smallest on `{by_gap[-1]}`: it follows the "
        "share of a workload's time spent crossing into the extension, not the share spent in "
        "Rust loops over elements (the same machine code in both modes) or in Python code "
        "between the calls.")
    add("")
    add("**Against pure Python on CPython, the extension wins as soon as an operation touches "
        "more than one element**: "
        f"{times(m('cpy-pure', 'projectiles'), m('cpy-capi', 'projectiles'))} faster on "
        "`projectiles` (4-element arrays) and "
        f"{times(m('cpy-pure', 'diffusion'), m('cpy-capi', 'diffusion'))} on `diffusion`, but "
        f"{times(m('cpy-pure', 'nbody'), m('cpy-capi', 'nbody'))} on `nbody`, whose inner loop "
        f"reads single elements: `a[i]` costs {ns_text(o('cpy-capi', 'a[i]'))} against "
        f"{ns_text(o('cpy-capi', 'list[i]'))} for an item of a list, which the interpreter "
        "special-cases, while an extension type goes through `mp_subscript` and makes a new "
        "float. Iteration is another weak spot: HPy 0.9 has no `tp_iternext` slot, so hpy-core "
        "defines `__next__` as a method, which CPython calls through a generic slot: "
        f"`list(big)` takes {ns_text(o('cpy-capi', 'list(big)'))} against "
        f"{ns_text(o('cpy-capi', 'big.tolist()'))} for `big.tolist()`.")
    add("")
    fastest_pure = all(m("pypy-pure", n) < min(m("pypy-univ", n), m("pypy-cpyext", n)) for n in names)
    if fastest_pure:
        add("**On PyPy, the JIT makes the pure-Python version the fastest by far** "
            f"({', '.join(fmt_ms(m('pypy-pure', n)) for n in names)} ms): it compiles the "
            "list loops to machine code and removes most allocations, while every call into an "
            "extension is opaque to it.")
    else:
        add("**On PyPy, the JIT runs the pure-Python version at "
            f"{', '.join(fmt_ms(m('pypy-pure', n)) for n in names)} ms**: it compiles the list "
            "loops to machine code, while every call into an extension is opaque to it.")
    add("Between the two ways of running the extension there, universal (PyPy's own HPy) "
        "against the CPython-ABI build through cpyext:")
    for n in names:
        r = ratio(m("pypy-cpyext", n), m("pypy-univ", n))
        if abs(r - 1) < 0.05:
            add(f"* `{n}`: universal is about as fast ({r:.2f});")
        else:
            word = "faster" if r >= 1 else "slower"
            shown = r if r >= 1 else 1 / r
            add(f"* `{n}`: universal is {shown:.2f}× {word};")
    add(f"* element access: `a[i]` costs {ns_text(o('pypy-univ', 'a[i]'))} universal against "
        f"{ns_text(o('pypy-cpyext', 'a[i]'))} through cpyext, which must make a C-level "
        "`PyObject` for the float it returns and track it; that is HPy's design paying off "
        "(handles instead of object pointers);")
    add(f"* allocation: a new array (`zeros(4)`) costs {ns_text(o('pypy-univ', 'zeros(4)'))} "
        f"universal, {ns_text(o('pypy-cpyext', 'zeros(4)'))} through cpyext and "
        f"{ns_text(o('cpy-capi', 'zeros(4)'))} on CPython: PyPy 7.3.19's `HPy_New` allocates "
        "the payload as a second, non-movable GC object, and each object with a `tp_destroy` "
        "is finalized;")
    add(f"* operators: `a + b` costs {ns_text(o('pypy-univ', 'a + b'))} universal and "
        f"{ns_text(o('pypy-cpyext', 'a + b'))} through cpyext; `a += b`, which allocates "
        f"nothing, {ns_text(o('pypy-univ', 'a += b'))} and {ns_text(o('pypy-cpyext', 'a += b'))}. "
        "Besides allocating, an operator checks what its operands are, and in universal mode "
        "each check that an object is an array is three context calls (load the class from "
        "its `HPyGlobal`, `HPy_TypeCheck`, close the class), plus one for its payload: about a "
        "dozen context calls for `a + b`, at a few nanoseconds each on PyPy"
        + (", which is why `a + b` costs more universal than through cpyext although its "
           "allocation costs less." if o("pypy-univ", "a + b") > o("pypy-cpyext", "a + b")
           and o("pypy-univ", "zeros(4)") < o("pypy-cpyext", "zeros(4)") else ".")
        + " `projectiles` (a dozen operators and four new arrays per step) pays both.")
    add("")
    add("**Where each mode pays, in short.** CPython ABI on CPython: nothing beyond the C API "
        "(the object allocation and the float boxing that any C extension does). Universal on "
        "CPython: a trampoline per call into the extension and an indirect call per API use"
        + (f", {counts['cpy-univ']['a[i]'] - counts['cpy-capi']['a[i]']} instructions on an "
           "element access" if counts else "")
        + ": it matters most for code made of many small operations. Universal on PyPy: "
        "cheap calls and element access, but context calls a few times dearer than on CPython "
        "and object creation "
        f"{ratio(o('pypy-univ', 'zeros(4)'), o('cpy-capi', 'zeros(4)')):.0f}× CPython's. "
        "CPython ABI on PyPy "
        "(cpyext): every object that crosses the boundary needs a C-level proxy, which makes "
        "element access and conversions slow.")
    if fastest_pure:
        add("")
        add("On PyPy none of these workloads gains from an extension, in either mode: even "
            "`diffusion`'s 400-element operations do too little per call against the JIT's "
            "compiled list loops. An extension pays off there only where each call does much "
            "more work; between the two builds, the universal one is the one to ship for "
            "element access, and they are close on operations that allocate.")
    return out


def render(raw, out):
    """Writes the report from the raw measurements."""
    write_report(
        out,
        raw["info"],
        raw["hello"],
        {(k, n): v for k, n, v in raw["workloads"]},
        {(k, n): v for k, n, v in raw["checksums"]},
        {(k, n): v for k, n, v in raw["ops"]},
        raw["counts"],
        raw["rounds"],
        raw["load"],
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-build", action="store_true", help="reuse build/venv/<leg>")
    ap.add_argument("--quick", action="store_true", help="3 rounds and no callgrind")
    ap.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 11)")
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--out", type=pathlib.Path, default=EXAMPLE / "BENCHMARKS.md")
    ap.add_argument("--render", action="store_true",
                    help="only rewrite the report from the raw figures of the last run "
                    "(the .json file beside it)")
    args = ap.parse_args()
    if args.render:
        raw_path = args.out.with_suffix(".json")
        render(json.loads(raw_path.read_text(encoding="utf-8")), args.out)
        log(f"wrote {args.out} from {raw_path}")
        return
    rounds = args.rounds or (3 if args.quick else 11)
    use_callgrind = not (args.quick or args.no_callgrind) and shutil.which("valgrind")

    if not args.no_build:
        build()
    load0 = os.getloadavg()[0]
    workers = []
    for key, _, _, leg, impl, _ in CONFIGS:
        python = VENVS / leg / "bin" / "python"
        if not python.exists():
            raise SystemExit(f"{python} is missing: run without --no-build")
        workers.append(Worker(key, python, impl))
    try:
        hello = {}
        for w, (key, _, _, _, _, abi) in zip(workers, CONFIGS):
            hello[key] = w.ask(cmd="hello")
            if abi is not None and hello[key].get("abi") != abi:
                raise SystemExit(f"{key}: expected the {abi} build, got {hello[key]}")
        warm = {w.key: (6 if "pypy" in w.key else 2) for w in workers}
        t0 = time.time()
        wtimes, checksums = measure_workloads(workers, rounds, warm)
        opns = measure_ops(workers, rounds, {k: v + 1 for k, v in warm.items()})
        log(f"timings done in {time.time() - t0:.0f} s")
    finally:
        for w in workers:
            w.close()
    counts = {}
    if use_callgrind:
        for key, leg in (("cpy-capi", "cp311-cpython"), ("cpy-univ", "cp311-universal")):
            log(f"callgrind: {leg}")
            counts[key] = callgrind_counts(leg)
    load1 = os.getloadavg()[0]
    raw = {
        "info": machine_info(),
        "hello": hello,
        "workloads": [[k, n, v] for (k, n), v in wtimes.items()],
        "checksums": [[k, n, v] for (k, n), v in checksums.items()],
        "ops": [[k, n, v] for (k, n), v in opns.items()],
        "counts": counts,
        "rounds": rounds,
        "load": [load0, load1],
    }
    # The raw measurements beside the report (BENCHMARKS.json), to rewrite it with --render.
    args.out.with_suffix(".json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    render(raw, args.out)
    log(f"wrote {args.out} ({datetime.datetime.now():%Y-%m-%d %H:%M})")


if __name__ == "__main__":
    main()

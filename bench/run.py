"""The hpy-rs benchmark: builds every implementation of the workload, measures them, and writes
bench/RESULTS.md.

    python3 bench/run.py                 # everything (what `bash bench/run.sh` does)
    python3 bench/run.py --smoke         # CI: tiny iteration counts, report in build/bench
    python3 bench/run.py time            # only the CPython timing
    python3 bench/run.py callgrind       # only the instruction counts
    python3 bench/run.py pypy            # only the PyPy 3.11 timing
    python3 bench/run.py sizes           # only the .so sizes and clean build times
    python3 bench/run.py report          # rewrite RESULTS.md from the results on disk

Implementations (bench/README.md): the plain C API (bench/capi), HPy C in both modes
(bench/hpyc, hpy 0.9.0's setuptools integration), hpy-core in both modes (bench/hpyrs) and
PyO3 (bench/pyo3). Everything is built into build/bench/<runtime>/ with one venv per runtime
(build/bench/venv-<runtime>); results go to build/bench/results/*.json; `measure.py` does the
measuring inside the runtime under test.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "build", "bench")
RESULTS = os.path.join(OUT, "results")
RUNTIMES_BIN = os.environ.get(
    "HPY_RS_RUNTIMES",
    os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "hpy-rs", "runtimes"),
)
PYPY = os.path.join(RUNTIMES_BIN, "bin", "pypy3.11")
HOST = os.environ.get("PYTHON", "python3")

#: The columns of the tables, in order, with the label the report uses.
LABELS = {
    "capi": "C API",
    "hpyc_cpy": "HPy C, CPython ABI",
    "hpyc_uni": "HPy C, universal",
    "hpyrs_cpy": "hpy-core, CPython ABI",
    "hpyrs_uni": "hpy-core, universal",
    "pyo3": "PyO3",
}
PYPY_LABELS = {
    "capi": "C API (cpyext)",
    "hpyrs_cpy": "hpy-core, CPython ABI (cpyext)",
    "pyo3": "PyO3 (cpyext)",
    "hpyc_uni": "HPy C, universal",
    "hpyrs_uni": "hpy-core, universal",
}


def log(msg: str) -> None:
    print(f"[bench] {msg}", flush=True)


def run(cmd: list[str], cwd: str | None = None, env: dict | None = None, quiet: bool = True) -> float:
    """Runs a command (failing loudly with its output); returns the wall time in seconds."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=quiet, text=True)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        if quiet:
            sys.stderr.write(p.stdout[-8000:] + p.stderr[-8000:])
        raise SystemExit(f"[bench] failed ({p.returncode}): {' '.join(cmd)}")
    return dt


def output(cmd: list[str], **kw) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, **kw).stdout.strip()
    except OSError:
        return ""


# ---------------------------------------------------------------------------------------------
# Building


class Runtime:
    """One interpreter the benchmark runs on, with its venv and build folder."""

    def __init__(self, tag: str, python: str):
        self.tag = tag
        self.base_python = python
        self.venv = os.path.join(OUT, f"venv-{tag}")
        self.python = os.path.join(self.venv, "bin", "python")
        self.dir = os.path.join(OUT, tag)
        self.is_pypy = tag.startswith("pypy")

    def ext_suffix(self) -> str:
        return output([self.python, "-c", "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))"])

    def ensure_venv(self) -> None:
        marker = os.path.join(self.venv, ".bench-ready")
        if os.path.exists(marker):
            return
        log(f"venv {os.path.relpath(self.venv, ROOT)}")
        run([self.base_python, "-m", "venv", "--clear", self.venv])
        # setuptools < 81 keeps pkg_resources, which hpy 0.9.0's setuptools integration imports.
        pkgs = ["setuptools<81"] if self.is_pypy else ["setuptools<81", "hpy==0.9.0"]
        run([self.python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *pkgs])
        open(marker, "w").close()


def setuptools_build(rt: Runtime, src: str, dest: str, extra: list[str] | None = None) -> str:
    """`setup.py build_ext --inplace` of a C extension, in a copy of its source folder `dest`
    (so that nothing is written into bench/: hpy's universal build writes its loader stub next
    to the binary); returns the built file's path."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("build", "*.egg-info", "*.so", "__pycache__"))
    run([rt.python, "setup.py", *(extra or []), "build_ext", "--inplace"], cwd=dest)
    built = glob.glob(os.path.join(dest, "*.so"))
    if len(built) != 1:
        raise SystemExit(f"[bench] expected one .so in {dest}, got {built}")
    return built[0]


def cargo_build(
    rt: Runtime,
    manifest: str,
    package: str,
    lib: str,
    abi: str | None,
    target_key: str,
    clean: bool = False,
    line_tables: bool = True,
) -> tuple[str, float]:
    """`cargo build --release` of one cdylib; returns (path of the .so, seconds)."""
    target = os.path.join(OUT, "target", target_key)
    if clean:
        shutil.rmtree(target, ignore_errors=True)
    env = {"PYO3_PYTHON": rt.python, "CARGO_TARGET_DIR": target}
    if line_tables:
        # Line tables (no change to the code) so that callgrind_annotate can name source lines.
        env["CARGO_PROFILE_RELEASE_DEBUG"] = "line-tables-only"
    if abi:
        env["HPY_ABI"] = abi
    cmd = ["cargo", "build", "--release", "--quiet", "--manifest-path", manifest, "-p", package]
    dt = run(cmd, env=env)
    return os.path.join(target, "release", f"lib{lib}.so"), dt


def place(src: str, dest_dir: str, name: str) -> str:
    os.makedirs(dest_dir, exist_ok=True)
    for old in glob.glob(os.path.join(dest_dir, "*.so")):
        os.remove(old)
    dest = os.path.join(dest_dir, name)
    shutil.copy2(src, dest)
    return dest


def build_runtime(rt: Runtime, universal_from: Runtime | None = None) -> list[dict]:
    """Builds every implementation for `rt`; returns its implementation list for measure.py."""
    rt.ensure_venv()
    os.makedirs(rt.dir, exist_ok=True)
    suffix = rt.ext_suffix()
    impls = []

    log(f"{rt.tag}: C API (setuptools)")
    path = setuptools_build(rt, os.path.join(HERE, "capi"), os.path.join(rt.dir, "capi"))
    impls.append(dict(key="capi", module="bench_capi", kind="cpython", path=path, abi="capi"))

    if not rt.is_pypy:
        log(f"{rt.tag}: HPy C, CPython ABI and universal (hpy 0.9.0 setuptools integration)")
        path = setuptools_build(rt, os.path.join(HERE, "hpyc"), os.path.join(rt.dir, "hpyc-cpython"), ["--hpy-abi=cpython"])
        impls.append(dict(key="hpyc_cpy", module="bench_hpyc", kind="cpython", path=path, abi="cpython"))
        path = setuptools_build(
            rt, os.path.join(HERE, "hpyc"), os.path.join(rt.dir, "hpyc-universal"), ["--hpy-abi=universal"]
        )
        impls.append(dict(key="hpyc_uni", module="bench_hpyc", kind="universal", path=path, abi="universal"))
        log(f"{rt.tag}: _cgctl (callgrind client requests)")
        setuptools_build(rt, os.path.join(HERE, "cgctl"), os.path.join(rt.dir, "cgctl"))

    manifest = os.path.join(ROOT, "Cargo.toml")
    log(f"{rt.tag}: hpy-core, CPython ABI (cargo)")
    so, _ = cargo_build(rt, manifest, "bench-hpyrs", "bench_hpyrs", "cpython", f"hpyrs-cpython-{rt.tag}")
    path = place(so, os.path.join(rt.dir, "hpyrs-cpython"), "bench_hpyrs" + suffix)
    impls.append(dict(key="hpyrs_cpy", module="bench_hpyrs", kind="cpython", path=path, abi="cpython"))

    if universal_from is None:
        log(f"{rt.tag}: hpy-core, universal (cargo)")
        so, _ = cargo_build(rt, manifest, "bench-hpyrs", "bench_hpyrs", "universal", "hpyrs-universal")
        path = place(so, os.path.join(rt.dir, "hpyrs-universal"), "bench_hpyrs.hpy0.so")
    else:
        path = os.path.join(universal_from.dir, "hpyrs-universal", "bench_hpyrs.hpy0.so")
    impls.append(dict(key="hpyrs_uni", module="bench_hpyrs", kind="universal", path=path, abi="universal"))

    log(f"{rt.tag}: PyO3 (cargo)")
    so, _ = cargo_build(rt, os.path.join(HERE, "pyo3", "Cargo.toml"), "bench-pyo3", "bench_pyo3", None, f"pyo3-{rt.tag}")
    path = place(so, os.path.join(rt.dir, "pyo3"), "bench_pyo3" + suffix)
    impls.append(dict(key="pyo3", module="bench_pyo3", kind="cpython", path=path, abi="pyo3"))

    if rt.is_pypy and universal_from is not None:
        # The universal HPy C binary built on CPython loads unchanged on PyPy's HPy.
        path = os.path.join(universal_from.dir, "hpyc-universal", "bench_hpyc.hpy0.so")
        impls.append(dict(key="hpyc_uni", module="bench_hpyc", kind="universal", path=path, abi="universal"))

    order = list(PYPY_LABELS if rt.is_pypy else LABELS)
    impls.sort(key=lambda i: order.index(i["key"]))
    with open(os.path.join(rt.dir, "impls.json"), "w", encoding="utf-8") as f:
        json.dump(impls, f, indent=1)
    return impls


# ---------------------------------------------------------------------------------------------
# Measuring


def measure(rt: Runtime, mode: str, out: str, extra: list[str], wrapper: list[str] | None = None) -> dict:
    env = {"PYTHONHASHSEED": "0", "PYTHONPATH": os.path.join(rt.dir, "cgctl")}
    env.pop("HPY", None)
    cmd = [*(wrapper or []), rt.python, os.path.join(HERE, "measure.py"), mode]
    cmd += ["--impls", os.path.join(rt.dir, "impls.json"), "--out", out, *extra]
    run(cmd, env=env, quiet=False)
    with open(out, encoding="utf-8") as f:
        return json.load(f)


def cmd_time(rt: Runtime, smoke: bool, name: str) -> None:
    os.makedirs(RESULTS, exist_ok=True)
    extra = ["--rounds", "2", "--target-ms", "0.05", "--warmup", "1"] if smoke else []
    if rt.is_pypy and not smoke:
        extra += ["--warmup", "20", "--target-ms", "4"]
    log(f"{rt.tag}: timing ({'smoke' if smoke else 'full'})")
    measure(rt, "time", os.path.join(RESULTS, f"{name}.json"), extra)


def parse_callgrind_dump(path: str) -> int:
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise SystemExit(f"[bench] no totals in {path}")


def cmd_callgrind(rt: Runtime, smoke: bool) -> None:
    if shutil.which("valgrind") is None:
        log("valgrind not found: no instruction counts")
        return
    cgdir = os.path.join(OUT, "callgrind")
    shutil.rmtree(cgdir, ignore_errors=True)
    os.makedirs(cgdir)
    calls = "20" if smoke else "2000"
    base = os.path.join(cgdir, "cg.out")
    wrapper = [
        "valgrind",
        "--tool=callgrind",
        "--collect-atstart=no",
        f"--callgrind-out-file={base}",
        "--quiet",
    ]
    log(f"{rt.tag}: callgrind ({calls} calls per pair)")
    result = measure(rt, "callgrind", os.path.join(cgdir, "labels.json"), ["--calls", calls], wrapper)
    dumps = sorted(glob.glob(base + ".*"), key=lambda p: int(p.rsplit(".", 1)[1]))
    labels = result["dumps"]
    if len(dumps) != len(labels):
        raise SystemExit(f"[bench] {len(dumps)} callgrind dumps for {len(labels)} measurements")
    counts = [(row, impl, calls, parse_callgrind_dump(d), d) for (row, impl, calls), d in zip(labels, dumps)]
    empty_big, empty_small = counts[0], counts[-1]
    per_iter_empty = {empty_big[2]: empty_big[3] / empty_big[2], empty_small[2]: empty_small[3] / empty_small[2]}
    rows: dict[str, dict] = {}
    for row, impl, n, ir, dump in counts[1:-1]:
        per_call = (ir - per_iter_empty[n] * n) / n
        rows.setdefault(row, {})[impl] = per_call
        if not smoke:
            annotated = os.path.join(cgdir, f"{row}-{impl}.txt")
            with open(annotated, "w", encoding="utf-8") as f:
                subprocess.run(["callgrind_annotate", "--inclusive=yes", dump], stdout=f, stderr=subprocess.DEVNULL)
    os.makedirs(RESULTS, exist_ok=True)
    data = {"calls": int(calls), "empty_loop_ir": per_iter_empty[int(calls)], "rows": rows, "impls": result["impls"]}
    with open(os.path.join(RESULTS, "callgrind-smoke.json" if smoke else "callgrind.json"), "w") as f:
        json.dump(data, f, indent=1)


def so_size(path: str) -> tuple[int, int]:
    """(size as built, size stripped)."""
    stripped = path + ".stripped"
    shutil.copy2(path, stripped)
    subprocess.run(["strip", "--strip-unneeded", stripped], check=False)
    sizes = os.path.getsize(path), os.path.getsize(stripped)
    os.remove(stripped)
    return sizes


def cmd_sizes(rt: Runtime) -> None:
    """Clean release builds (own target folders, dependencies included) and rebuilds after a
    change to the crate's own source, with the resulting library sizes."""
    rt.ensure_venv()
    entries = []
    workspace = os.path.join(ROOT, "Cargo.toml")
    hello = os.path.join(ROOT, "examples", "hello")
    hpyrs = os.path.join(HERE, "hpyrs")
    crates = [
        # (table label, implementation, manifest, package, library, HPY_ABI, crate folder)
        ("examples/hello", "hpy-core, CPython ABI", workspace, "hello", "hello", "cpython", hello),
        ("examples/hello", "hpy-core, universal", workspace, "hello", "hello", "universal", hello),
        ("examples/hello", "PyO3", os.path.join(HERE, "pyo3-hello", "Cargo.toml"), "bench-pyo3-hello",
         "hello_pyo3", None, os.path.join(HERE, "pyo3-hello")),
        ("benchmark module", "hpy-core, CPython ABI", workspace, "bench-hpyrs", "bench_hpyrs", "cpython", hpyrs),
        ("benchmark module", "hpy-core, universal", workspace, "bench-hpyrs", "bench_hpyrs", "universal", hpyrs),
        ("benchmark module", "PyO3", os.path.join(HERE, "pyo3", "Cargo.toml"), "bench-pyo3", "bench_pyo3", None,
         os.path.join(HERE, "pyo3")),
    ]
    for what, impl, manifest, package, lib, abi, folder in crates:
        key = f"sizes-{package}-{abi or 'pyo3'}"
        log(f"sizes: clean build of {what} ({impl})")
        so, clean_s = cargo_build(rt, manifest, package, lib, abi, key, clean=True, line_tables=False)
        os.utime(os.path.join(folder, "src", "lib.rs"))
        _, rebuild_s = cargo_build(rt, manifest, package, lib, abi, key, line_tables=False)
        size, stripped = so_size(so)
        entries.append(dict(what=what, impl=impl, clean_s=clean_s, rebuild_s=rebuild_s, size=size, stripped=stripped))
        shutil.rmtree(os.path.join(OUT, "target", key), ignore_errors=True)
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "sizes.json"), "w") as f:
        json.dump({"entries": entries, "load": os.getloadavg()}, f, indent=1)


# ---------------------------------------------------------------------------------------------
# Reporting


def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    hpy_version = output([os.path.join(OUT, "venv-cp311", "bin", "python"), "-c",
                          "import importlib.metadata as m; print(m.version('hpy'))"])
    pypy_hpy = output([PYPY, "-c", "import hpy.universal as u; print(u.get_version()[0])"])
    pyo3 = "?"
    lock = os.path.join(HERE, "pyo3", "Cargo.lock")
    if os.path.exists(lock):
        m = re.search(r'name = "pyo3"\nversion = "([^"]+)"', open(lock).read())
        pyo3 = m.group(1) if m else "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": platform.platform(),
        "rustc": output(["rustc", "-V"]),
        "cpython": output([HOST, "-c", "import sys; print(sys.version.split()[0])"]),
        "pypy": output([PYPY, "-c", "import sys; print(sys.version.split('[')[0].strip().replace(chr(10), ' '))"]),
        "hpy": hpy_version,
        "pypy_hpy": pypy_hpy,
        "pyo3": pyo3,
        "gcc": output(["gcc", "-dumpfullversion"]),
        "valgrind": output(["valgrind", "--version"]),
        "date": datetime.date.today().isoformat(),
        "load": "%.2f %.2f %.2f" % os.getloadavg(),
    }


def load_json(name: str) -> dict | None:
    path = os.path.join(RESULTS, name)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def fmt_ns(v: float) -> str:
    return f"{v:.0f}" if v >= 1000 else f"{v:.1f}"


def pair_ratio(row: dict, num: str, den: str) -> float:
    """The median over rounds of num/den, both sampled in the same round."""
    a, b = row["samples"][num], row["samples"][den]
    return statistics.median(x / y for x, y in zip(a, b))


def time_table(data: dict, labels: dict, ref: str) -> list[str]:
    keys = [i["key"] for i in data["impls"]]
    head = "| workload | " + " | ".join(labels[k] for k in keys) + " |"
    lines = [head, "|---|" + "---:|" * len(keys)]
    for row in data["rows"]:
        cells = []
        for k in keys:
            ns = fmt_ns(row["ns"][k])
            cells.append(ns if k == ref else f"{ns} ({pair_ratio(row, k, ref):.2f}x)")
        lines.append(f"| {row['label']} | " + " | ".join(cells) + " |")
    return lines


def target_lines(cp: dict | None, pypy: dict | None, cg: dict | None) -> list[str]:
    """The targets of the issue, each checked on the median time ratio of this run; the
    instruction-count ratio (callgrind, deterministic) is shown next to it."""
    out = [
        "| target | row | time ratio | instructions ratio | met |",
        "|---|---|---:|---:|:---:|",
    ]

    def ir(row: str, num: str, den: str) -> str:
        r = (cg or {}).get("rows", {}).get(row, {})
        return f"{r[num] / r[den]:.3f}x" if num in r and den in r else "–"

    #: The variant rows (`*_pos`) are not part of the targets' workload.
    def workload(rows: list[dict]) -> list[dict]:
        return [r for r in rows if not r["row"].endswith("_pos")]

    if cp:
        for row in workload(cp["rows"]):
            if "hpyrs_cpy" in row["ns"]:
                r = pair_ratio(row, "hpyrs_cpy", "capi")
                limit = {"sum_list": 1.2, "sum_list_vec": 1.3}.get(row["row"], 1.05)
                ok = "yes" if r <= limit else "**no**"
                out.append(
                    f"| CPython ABI <= {limit:.2f}x C API | {row['label']} | {r:.3f}x | "
                    f"{ir(row['row'], 'hpyrs_cpy', 'capi')} | {ok} |"
                )
        for row in workload(cp["rows"]):
            if "hpyrs_uni" in row["ns"] and "hpyc_uni" in row["ns"]:
                r = pair_ratio(row, "hpyrs_uni", "hpyc_uni")
                ok = "yes" if r <= 1.0 else "**no**"
                out.append(
                    f"| universal <= 1.00x HPy C universal | {row['label']} | {r:.3f}x | "
                    f"{ir(row['row'], 'hpyrs_uni', 'hpyc_uni')} | {ok} |"
                )
    if pypy:
        for row in pypy["rows"]:
            if row["row"] in ("add_ints", "point_new", "point_norm", "point_x"):
                r = pair_ratio(row, "hpyrs_cpy", "hpyrs_uni")
                ok = "yes" if r >= 3.0 else "**no**"
                out.append(
                    f"| PyPy: universal >= 3x faster than CPython ABI via cpyext | {row['label']} | "
                    f"{r:.2f}x faster | – | {ok} |"
                )
    return out


def callgrind_table(cg: dict) -> list[str]:
    keys = [i["key"] for i in cg["impls"]]
    lines = ["| workload | " + " | ".join(LABELS[k] for k in keys) + " |", "|---|" + "---:|" * len(keys)]
    from measure import ROWS  # noqa: E402 (bench/ is on sys.path: this file's folder)

    for key, label, _ in ROWS:
        row = cg["rows"].get(key)
        if not row:
            continue
        cells = []
        for k in keys:
            v = row.get(k)
            if v is None:
                cells.append("–")
            elif k == "capi":
                cells.append(f"{v:.0f}")
            else:
                cells.append(f"{v:.0f} ({v / row['capi']:.2f}x)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def sizes_table(sz: dict) -> list[str]:
    lines = [
        "| crate | implementation | release .so | stripped | clean build | rebuild after editing lib.rs |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for e in sz["entries"]:
        lines.append(
            f"| {e['what']} | {e['impl']} | {e['size'] / 1024:.0f} KiB | {e['stripped'] / 1024:.0f} KiB | "
            f"{e['clean_s']:.1f} s | {e['rebuild_s']:.1f} s |"
        )
    return lines


def cmd_report(path: str, smoke: bool) -> None:
    sys.path.insert(0, HERE)
    m = machine()
    suffix = "-smoke" if smoke else ""
    cp = load_json(f"time-cp311{suffix}.json")
    pypy = load_json(f"time-pypy311{suffix}.json")
    cg = load_json(f"callgrind{suffix}.json")
    sz = load_json("sizes.json")
    notes_path = os.path.join(HERE, "NOTES.md")
    notes = open(notes_path, encoding="utf-8").read().strip() if os.path.exists(notes_path) else ""
    L = [
        "# Benchmark results",
        "",
        "Generated by `bash bench/run.sh` (bench/run.py); do not edit by hand: the analysis is in",
        "[NOTES.md](NOTES.md), which is appended below. The workload and the implementations are",
        "described in [README.md](README.md).",
        "",
        "## Machine and versions",
        "",
        f"* CPU: {m['cpu']}, {m['cores']} cores (shared; load average at report time {m['load']})",
        f"* OS: {m['os']}",
        f"* {m['rustc']}; gcc {m['gcc']}; {m['valgrind']}",
        f"* CPython {m['cpython']}; PyPy {m['pypy']} (built-in HPy {m['pypy_hpy']})",
        f"* hpy {m['hpy']} (PyPI, on CPython); PyO3 {m['pyo3']}",
        f"* date: {m['date']}",
        "",
    ]
    if smoke:
        L += ["**Smoke run**: tiny iteration counts, the numbers mean nothing.", ""]
    if cp:
        L += [
            "## CPython 3.11: time per call",
            "",
            f"Median ns per call over {cp['rounds']} interleaved rounds (about {cp['target_ms']} ms per "
            f"sample), including the timing loop ({cp['empty_loop_ns']:.1f} ns per iteration); in "
            "parentheses the median of the per-round ratios to the C API.",
            "",
            *time_table(cp, LABELS, "capi"),
            "",
        ]
    if cg:
        L += [
            "## CPython 3.11: instructions per call (callgrind)",
            "",
            f"`valgrind --tool=callgrind`: instructions of {cg['calls']} calls (20x fewer for the lists) "
            f"minus an empty loop of as many iterations ({cg['empty_loop_ir']:.0f} per iteration), divided "
            "by the number of calls. Deterministic: use these to track regressions. The Python side of "
            "the call (loading the arguments, the CALL instruction, dropping the result) is included.",
            "",
            *callgrind_table(cg),
            "",
        ]
    if pypy:
        L += [
            "## PyPy 3.11: time per call",
            "",
            f"Median ns per call over {pypy['rounds']} interleaved rounds, after a JIT warm-up; in "
            "parentheses the median of the per-round ratios to the C API through cpyext. The universal "
            "binaries are the very files measured on CPython above.",
            "",
            *time_table(pypy, PYPY_LABELS, "capi"),
            "",
        ]
    if cp or pypy:
        L += ["## Targets", "", *target_lines(cp, pypy, cg), ""]
    if sz:
        L += [
            "## Size and build time",
            "",
            "Release builds (`lto = \"fat\"`, `codegen-units = 1`, as the workspace's profile), each in a "
            "fresh target folder, so that the clean build compiles every dependency (proc-macro crates "
            "included); the rebuild is the same build after touching the crate's `src/lib.rs`. "
            "Wall times on a shared machine: compare within one run only. `examples/hello` on PyO3 "
            "is bench/pyo3-hello, the same functions written with PyO3.",
            "",
            *sizes_table(sz),
            "",
        ]
    if notes:
        L += [notes, ""]
    text = "\n".join(L)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    log(f"wrote {os.path.relpath(path, ROOT)}")


# ---------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", nargs="*", default=["all"],
                    help="all (default), build, time, callgrind, pypy, sizes, report")
    ap.add_argument("--smoke", action="store_true", help="tiny iteration counts (CI): checks that it runs")
    ap.add_argument("--no-pypy", action="store_true", help="skip the PyPy part of `all`")
    ap.add_argument("--no-sizes", action="store_true", help="skip the clean builds of `all`")
    opts = ap.parse_args(argv)
    what = set(opts.what)
    if "all" in what:
        what = {"build", "time", "callgrind", "pypy", "sizes", "report"}
        if opts.no_pypy:
            what.discard("pypy")
        if opts.no_sizes or opts.smoke:
            what.discard("sizes")
    unknown = what - {"build", "time", "callgrind", "pypy", "sizes", "report"}
    if unknown:
        ap.error(f"unknown step(s): {', '.join(sorted(unknown))}")

    cp = Runtime("cp311", HOST)
    pypy = Runtime("pypy311", PYPY)
    suffix = "-smoke" if opts.smoke else ""
    if what & {"build", "time", "callgrind"} or ("pypy" in what):
        build_runtime(cp)
    if "pypy" in what:
        if not os.path.exists(PYPY):
            raise SystemExit(f"[bench] no PyPy at {PYPY}: run scripts/install-runtimes.sh")
        build_runtime(pypy, universal_from=cp)
    if "time" in what:
        cmd_time(cp, opts.smoke, f"time-cp311{suffix}")
    if "callgrind" in what:
        cmd_callgrind(cp, opts.smoke)
    if "pypy" in what:
        cmd_time(pypy, opts.smoke, f"time-pypy311{suffix}")
    if "sizes" in what:
        cmd_sizes(cp)
    if "report" in what:
        cmd_report(os.path.join(OUT, "RESULTS-smoke.md") if opts.smoke else os.path.join(HERE, "RESULTS.md"), opts.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())

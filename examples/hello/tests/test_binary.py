"""Checks of the compiled `hello` extension and of the wheels it ships in.

* The loaded binary: a universal build must import nothing of CPython (no `Py*` symbol, no
  libpython), link only the C runtime, and export exactly the four HPy entry points; a
  CPython-ABI build exports `PyInit_hello` and none of them.
* The wheels in `$HPY_TEST_WHEEL_DIR` (set by scripts/test.sh to build/wheels, with
  `universal/` and one `<runtime>-cpython/` per runtime inside; see examples/conftest.py): the
  universal one is what `hpy-build build` promises (name and tag, contents, METADATA, WHEEL,
  RECORD, the loader stub), compared with the host's CPython-ABI wheel maturin built
  alongside it; the files loaded are those of the wheel this leg installed.
* The `hpy-build convert` command itself (`$HPY_BUILD`, else build/bin/hpy-build, where
  scripts/build-examples.sh puts it), on synthetic maturin-like wheels.

Needs `nm` and `readelf` (binutils; scripts/setup.sh installs them).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.metadata
import importlib.util
import io
import os
import pathlib
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

import hello

MODULE = "hello"
HPY_EXPORTS = {
    f"HPyInit_{MODULE}",
    f"HPyInitGlobalContext_{MODULE}",
    f"get_required_hpy_major_version_{MODULE}",
    f"get_required_hpy_minor_version_{MODULE}",
}
ALLOWED_NEEDED = {
    "libc.so.6",
    "libgcc_s.so.1",
    "ld-linux-x86-64.so.2",
    "libm.so.6",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
}
REQUIRES_DIST = 'Requires-Dist: hpy==0.9.0; implementation_name == "cpython"'
WHEEL_NAME = re.compile(
    r"^(?P<dist>[^-]+)-(?P<version>[^-]+)-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$"
)
UNIVERSAL = hello.ABI == "universal"  # conftest checked that this is the expected build


# ---------------------------------------------------------------------------------------------
# Tools.


def run_tool(*argv: str) -> str:
    exe = shutil.which(argv[0])
    if exe is None:
        pytest.fail(f"`{argv[0]}` not found: install binutils (scripts/setup.sh does)", pytrace=False)
    return subprocess.run([exe, *argv[1:]], check=True, capture_output=True, text=True).stdout


def dynamic_symbols(path: pathlib.Path, which: str) -> set[str]:
    """`nm -D --defined-only` or `--undefined-only` symbol names (version suffix dropped)."""
    out = run_tool("nm", "-D", f"--{which}-only", str(path))
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


def needed_libraries(path: pathlib.Path) -> set[str]:
    out = run_tool("readelf", "-d", str(path))
    return set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out))


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_members(path: pathlib.Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}


def headers(text: str) -> list[tuple[str, str]]:
    """The `Key: value` header lines of METADATA/WHEEL, up to the first blank line."""
    out = []
    for line in text.split("\n\n", 1)[0].splitlines():
        key, _, value = line.partition(":")
        out.append((key.strip(), value.strip()))
    return out


def verify_record(members: dict[str, bytes], dist_info: str) -> None:
    """RECORD lists every file exactly once with the right sha256 and size; itself unhashed."""
    rows = list(csv.reader(io.StringIO(members[f"{dist_info}/RECORD"].decode())))
    names = [row[0] for row in rows]
    assert len(names) == len(set(names)), "duplicate RECORD entries"
    assert set(names) == set(members)
    for name, digest, size in rows:
        if name == f"{dist_info}/RECORD":
            assert (digest, size) == ("", "")
        else:
            assert digest == record_hash(members[name]), name
            assert int(size) == len(members[name]), name
            assert "=" not in digest.split("=", 1)[1], "hash must be unpadded"


# ---------------------------------------------------------------------------------------------
# The loaded binary.


def test_extension_is_the_installed_file(extension_path):
    assert extension_path.is_file()
    (dist_name,) = importlib.metadata.packages_distributions()[MODULE]
    dist = importlib.metadata.distribution(dist_name)
    installed = {pathlib.Path(dist.locate_file(f)).resolve() for f in dist.files}
    assert extension_path in installed
    if UNIVERSAL:
        assert extension_path.name == f"{MODULE}.hpy0.so"
        # The stub replaced itself in sys.modules; the module's __file__ is the .so.
        assert pathlib.Path(hello.__file__).resolve() == extension_path
        assert hello.__spec__.origin == hello.__file__
        assert (extension_path.parent / f"{MODULE}.py").is_file()
    else:
        assert extension_path.name == MODULE + sysconfig.get_config_var("EXT_SUFFIX")
        assert extension_path.parent.name == MODULE  # maturin's package wrapper


def test_exported_symbols(extension_path):
    defined = dynamic_symbols(extension_path, "defined")
    mentioning = {s for s in defined if MODULE in s}
    if UNIVERSAL:
        assert mentioning == HPY_EXPORTS
        assert f"PyInit_{MODULE}" not in defined
        assert not any(s.startswith("PyInit_") for s in defined)
    else:
        assert f"PyInit_{MODULE}" in defined
        assert not (defined & HPY_EXPORTS)


def test_imported_symbols(extension_path):
    undefined = dynamic_symbols(extension_path, "undefined")
    python = sorted(s for s in undefined if re.match(r"^_?Py", s))
    if UNIVERSAL:
        assert python == [], f"a universal binary must not use the CPython C API: {python[:20]}"
    else:
        assert python, "a CPython-ABI extension calls the CPython C API"


def test_needed_libraries(extension_path):
    needed = needed_libraries(extension_path)
    assert "libc.so.6" in needed
    assert not any("libpython" in lib for lib in needed), needed
    if UNIVERSAL:
        assert needed <= ALLOWED_NEEDED, needed - ALLOWED_NEEDED


# ---------------------------------------------------------------------------------------------
# The wheels scripts/build-examples.sh produced.


@pytest.fixture(scope="module")
def wheel_dir(reference_wheel_dir) -> pathlib.Path:
    value = os.environ.get("HPY_TEST_WHEEL_DIR")
    if not value:
        pytest.fail(
            "HPY_TEST_WHEEL_DIR is not set: point it at build/wheels (scripts/test.sh does)",
            pytrace=False,
        )
    path = pathlib.Path(value)
    assert (path / "universal").is_dir() and reference_wheel_dir.is_dir(), path
    return path


def find_wheel(directory: pathlib.Path) -> pathlib.Path:
    found = sorted(directory.glob(f"{MODULE}-*.whl"))
    assert len(found) == 1, f"expected one {MODULE} wheel in {directory}, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def universal_wheel(wheel_dir) -> pathlib.Path:
    return find_wheel(wheel_dir / "universal")


@pytest.fixture(scope="module")
def cpython_wheel(wheel_dir, reference_wheel_dir) -> pathlib.Path:
    """The host's CPython-ABI wheel: same maturin run, same interpreter as the universal one."""
    return find_wheel(reference_wheel_dir)


@pytest.fixture(scope="module")
def installed_wheel(leg_wheel_dir) -> pathlib.Path:
    """The wheel this leg installed (the universal one, or its runtime's CPython-ABI one)."""
    return find_wheel(leg_wheel_dir)


def test_universal_wheel_name_and_tag(universal_wheel, cpython_wheel):
    u = WHEEL_NAME.match(universal_wheel.name)
    c = WHEEL_NAME.match(cpython_wheel.name)
    assert u and c
    assert (u["dist"], u["version"]) == (MODULE, hello.VERSION)
    assert (u["py"], u["abi"]) == ("py3", "none")
    assert u["plat"] == c["plat"]  # the platform tag maturin chose, kept
    assert c["py"].startswith("cp") and c["abi"].startswith("cp")


def test_only_proper_wheels_in_universal_dir(wheel_dir):
    for whl in (wheel_dir / "universal").glob("*.whl"):
        assert "-py3-none-" in whl.name, f"unconverted wheel left in {whl.parent}: {whl.name}"


def test_universal_wheel_contents(universal_wheel):
    members = wheel_members(universal_wheel)
    dist_info = f"{MODULE}-{hello.VERSION}.dist-info"
    payload = {n for n in members if not n.startswith(dist_info + "/")}
    assert payload == {f"{MODULE}.py", f"{MODULE}.hpy0.so"}
    assert {f"{dist_info}/METADATA", f"{dist_info}/WHEEL", f"{dist_info}/RECORD"} <= set(members)
    so = members[f"{MODULE}.hpy0.so"]
    assert so[:4] == b"\x7fELF"


def test_universal_wheel_metadata(universal_wheel, cpython_wheel):
    dist_info = f"{MODULE}-{hello.VERSION}.dist-info"
    u = members = wheel_members(universal_wheel)
    c = wheel_members(cpython_wheel)
    metadata = u[f"{dist_info}/METADATA"].decode()
    assert metadata.count("Requires-Dist: hpy") == 1
    assert REQUIRES_DIST in metadata.splitlines()
    # Otherwise the same metadata as maturin wrote.
    u_headers = [h for h in headers(metadata) if f"{h[0]}: {h[1]}" != REQUIRES_DIST]
    assert u_headers == headers(c[f"{dist_info}/METADATA"].decode())
    assert ("Name", MODULE) in u_headers and ("Version", hello.VERSION) in u_headers

    wheel = headers(members[f"{dist_info}/WHEEL"].decode())
    plat = WHEEL_NAME.match(universal_wheel.name)["plat"]
    assert ("Wheel-Version", "1.0") in wheel
    assert [v for k, v in wheel if k == "Root-Is-Purelib"] == ["false"]
    assert [v for k, v in wheel if k == "Tag"] == [f"py3-none-{p}" for p in plat.split(".")]


def test_universal_wheel_record(universal_wheel):
    verify_record(wheel_members(universal_wheel), f"{MODULE}-{hello.VERSION}.dist-info")


def test_cpython_wheel_record(cpython_wheel):
    verify_record(wheel_members(cpython_wheel), f"{MODULE}-{hello.VERSION}.dist-info")


def test_universal_wheel_stub(universal_wheel):
    stub = wheel_members(universal_wheel)[f"{MODULE}.py"].decode()
    compile(stub, f"{MODULE}.py", "exec")
    assert "pkg_resources" not in stub
    assert "_load_bootstrap" in stub
    assert "__spec__" in stub
    assert f"'{MODULE}.hpy0.so'" in stub
    assert "pip install hpy==0.9.0" in stub
    assert "sys.modules[__name__]" in stub


def test_installed_files_come_from_the_wheels(extension_path, universal_wheel, installed_wheel):
    if UNIVERSAL:
        assert installed_wheel == universal_wheel
        members = wheel_members(universal_wheel)
        assert extension_path.read_bytes() == members[f"{MODULE}.hpy0.so"]
        assert (extension_path.parent / f"{MODULE}.py").read_bytes() == members[f"{MODULE}.py"]
    else:
        members = wheel_members(installed_wheel)
        assert extension_path.read_bytes() == members[f"{MODULE}/{extension_path.name}"]


def test_universal_wheel_binary_is_universal(universal_wheel, tmp_path):
    # Checked in every leg, the CPython one included: the shipped universal binary itself.
    so = tmp_path / f"{MODULE}.hpy0.so"
    so.write_bytes(wheel_members(universal_wheel)[so.name])
    assert {s for s in dynamic_symbols(so, "defined") if MODULE in s} == HPY_EXPORTS
    assert not [s for s in dynamic_symbols(so, "undefined") if re.match(r"^_?Py", s)]
    assert needed_libraries(so) <= ALLOWED_NEEDED


def _run_stub(directory: pathlib.Path) -> subprocess.CompletedProcess:
    """Imports `hello` from `directory` (stub + .hpy0.so only) in a fresh interpreter."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import hello; "
        "print(hello.__file__); print(hello.ABI); print(hello.CONTEXT_NAME); "
        "print(hello.greet('stub')); print(sys.modules['hello'] is hello)"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(directory)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )


@pytest.mark.parametrize("dirname", ["plain", "with spaces é"])
def test_stub_loads_the_binary_next_to_it(universal_wheel, tmp_path, dirname):
    directory = tmp_path / dirname
    directory.mkdir()
    members = wheel_members(universal_wheel)
    for name in (f"{MODULE}.py", f"{MODULE}.hpy0.so"):
        (directory / name).write_bytes(members[name])
    proc = _run_stub(directory)
    if importlib.util.find_spec("hpy") is not None and importlib.util.find_spec("hpy.universal"):
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.splitlines()
        assert pathlib.Path(lines[0]).resolve() == (directory / f"{MODULE}.hpy0.so").resolve()
        assert lines[1] == "universal"
        debug = os.environ.get("HPY", "").lower() == "debug"
        backend = " (PyPy backend)" if sys.implementation.name == "pypy" else ""
        if debug:
            assert lines[2] == "HPy Debug Mode ABI" + backend
        else:
            assert lines[2] == "HPy Universal ABI" + (backend or " (CPython backend)")
        assert lines[3:] == ["Hello, stub!", "True"]
    else:
        # No hpy.universal (the CPython-ABI leg's venv): a clear ImportError.
        assert proc.returncode != 0
        assert "ImportError" in proc.stderr
        assert "pip install hpy==0.9.0" in proc.stderr


# ---------------------------------------------------------------------------------------------
# `hpy-build convert` on synthetic wheels shaped like maturin's. (The conversion's own unit
# tests are in hpy-build/src/wheel.rs; these run the command on the real binary.)


class ConversionFailed(Exception):
    """`hpy-build convert` exited with an error; the message is its stderr."""


@pytest.fixture(scope="module")
def hpy_build(repo_root) -> pathlib.Path:
    value = os.environ.get("HPY_BUILD")
    path = pathlib.Path(value) if value else repo_root / "build" / "bin" / "hpy-build"
    if not path.is_file():
        pytest.fail(
            f"the hpy-build command is not at {path}: scripts/build-examples.sh builds it there "
            "(or set HPY_BUILD to its path)",
            pytrace=False,
        )
    return path


def convert(hpy_build, wheel, out_dir) -> pathlib.Path:
    proc = subprocess.run(
        [str(hpy_build), "convert", str(wheel), "-o", str(out_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if proc.returncode != 0:
        raise ConversionFailed(proc.stderr)
    return pathlib.Path(proc.stdout.strip())


@pytest.fixture(scope="module")
def universal_so(universal_wheel) -> bytes:
    return wheel_members(universal_wheel)[f"{MODULE}.hpy0.so"]


@pytest.fixture(scope="module")
def maturin_init(cpython_wheel) -> bytes:
    """maturin's generated `hello/__init__.py`, from the real CPython-ABI wheel."""
    return wheel_members(cpython_wheel)[f"{MODULE}/__init__.py"]


def make_maturin_wheel(directory, so_bytes, init, *, platform="manylinux_2_34_x86_64", extra=None, metadata=None):
    """A wheel laid out like `maturin build` output for a pure-Rust project."""
    dist_info = f"{MODULE}-0.1.0.dist-info"
    files = {
        f"{MODULE}/__init__.py": init,
        f"{MODULE}/{MODULE}.cpython-311-x86_64-linux-gnu.so": so_bytes,
        f"{dist_info}/METADATA": (
            metadata or f"Metadata-Version: 2.4\nName: {MODULE}\nVersion: 0.1.0\nRequires-Python: >=3.9\n"
        ).encode(),
        f"{dist_info}/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: maturin (1.16.0)\nRoot-Is-Purelib: false\n"
            + "".join(f"Tag: cp311-cp311-{p}\n" for p in platform.split("."))
        ).encode(),
    }
    files.update(extra or {})
    record = "".join(f"{n},{record_hash(d)},{len(d)}\n" for n, d in files.items()) + f"{dist_info}/RECORD,,\n"
    files[f"{dist_info}/RECORD"] = record.encode()
    path = pathlib.Path(directory) / f"{MODULE}-0.1.0-cp311-cp311-{platform}.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def test_command_converts_a_maturin_wheel(hpy_build, tmp_path, universal_so, maturin_init, universal_wheel):
    src = make_maturin_wheel(tmp_path, universal_so, maturin_init)
    out = convert(hpy_build, src, tmp_path / "out")
    assert out == tmp_path / "out" / f"{MODULE}-0.1.0-py3-none-manylinux_2_34_x86_64.whl"
    members = wheel_members(out)
    dist_info = f"{MODULE}-0.1.0.dist-info"
    assert set(members) == {
        f"{MODULE}.py",
        f"{MODULE}.hpy0.so",
        f"{dist_info}/METADATA",
        f"{dist_info}/WHEEL",
        f"{dist_info}/RECORD",
    }
    assert members[f"{MODULE}.hpy0.so"] == universal_so
    # The same stub as in the real universal wheel.
    assert members[f"{MODULE}.py"] == wheel_members(universal_wheel)[f"{MODULE}.py"]
    assert REQUIRES_DIST in members[f"{dist_info}/METADATA"].decode().splitlines()
    verify_record(members, dist_info)
    with zipfile.ZipFile(out) as zf:
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
            mode = 0o755 if info.filename.endswith(".so") else 0o644
            assert info.external_attr >> 16 == 0o100000 | mode, info.filename
    # Reproducible: converting again gives the same bytes; no temporary file is left.
    again = convert(hpy_build, src, tmp_path / "again")
    assert again.read_bytes() == out.read_bytes()
    assert [p.name for p in (tmp_path / "out").iterdir()] == [out.name]


def test_command_keeps_every_platform_tag(hpy_build, tmp_path, universal_so, maturin_init):
    plat = "manylinux_2_17_x86_64.manylinux2014_x86_64"
    src = make_maturin_wheel(tmp_path, universal_so, maturin_init, platform=plat)
    out = convert(hpy_build, src, tmp_path / "out")
    assert out.name == f"{MODULE}-0.1.0-py3-none-{plat}.whl"
    wheel = headers(wheel_members(out)[f"{MODULE}-0.1.0.dist-info/WHEEL"].decode())
    assert [v for k, v in wheel if k == "Tag"] == [
        "py3-none-manylinux_2_17_x86_64",
        "py3-none-manylinux2014_x86_64",
    ]


def test_command_keeps_metadata_body_and_existing_requirement(hpy_build, tmp_path, universal_so, maturin_init):
    body = "Metadata-Version: 2.4\nName: hello\nVersion: 0.1.0\nRequires-Dist: hpy>=0.9\n\n# Hello\n\nText: not a header\n"
    src = make_maturin_wheel(tmp_path, universal_so, maturin_init, metadata=body)
    out = convert(hpy_build, src, tmp_path / "out")
    assert wheel_members(out)[f"{MODULE}-0.1.0.dist-info/METADATA"].decode() == body

    body = "Metadata-Version: 2.4\nName: hello\nVersion: 0.1.0\nRequires-Dist: hpyx\n\n# Hello\n"
    src = make_maturin_wheel(tmp_path, universal_so, maturin_init, metadata=body)
    out = convert(hpy_build, src, tmp_path / "out2")
    metadata = wheel_members(out)[f"{MODULE}-0.1.0.dist-info/METADATA"].decode()
    head, _, rest = metadata.partition("\n\n")
    assert head.splitlines()[-1] == REQUIRES_DIST
    assert "Requires-Dist: hpyx" in head
    assert rest == "# Hello\n"


def test_command_refuses_mixed_projects(hpy_build, tmp_path, universal_so, maturin_init):
    src = make_maturin_wheel(
        tmp_path, universal_so, maturin_init, extra={f"{MODULE}/helpers.py": b"X = 1\n"}
    )
    with pytest.raises(ConversionFailed, match="Mixed Rust/Python projects are not supported"):
        convert(hpy_build, src, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    # A hand-written __init__.py is Python code too.
    src = make_maturin_wheel(tmp_path, universal_so, b"import os\n")
    with pytest.raises(ConversionFailed, match="Mixed Rust/Python projects"):
        convert(hpy_build, src, tmp_path / "out")


def test_command_refuses_a_cpython_abi_wheel(hpy_build, tmp_path, cpython_wheel):
    with pytest.raises(ConversionFailed) as info:
        convert(hpy_build, cpython_wheel, tmp_path / "out")
    message = str(info.value)
    assert message.startswith("hpy-build: error: ")
    assert "not built with HPY_ABI=universal" in message
    assert f"PyInit_{MODULE}" in message
    assert not (tmp_path / "out").exists()


def test_command_has_help(hpy_build):
    proc = subprocess.run([str(hpy_build), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "maturin" in proc.stdout and ".hpy0.so" in proc.stdout
    for command in ("build", "develop", "convert"):
        assert f"hpy-build {command}" in proc.stdout
    proc = subprocess.run([str(hpy_build), "convert"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "hpy-build: error: convert: the output folder is missing" in proc.stderr

"""Shared pytest configuration of the examples' test suites (``examples/<name>/tests``).

The suites run against the *installed* wheels, once per leg (see scripts/test.sh):

=====================  ===================================  ===========================
leg                    environment                          what is imported
=====================  ===================================  ===========================
CPython-ABI wheel      ``HPY_TEST_EXPECT=cpython``          ``<mod>/<mod>.cpython-*.so``
universal wheel        ``HPY_TEST_EXPECT=universal``        ``<mod>.py`` stub + ``<mod>.hpy0.so``
universal, debug mode  ``HPY=debug HPY_TEST_EXPECT=debug``  the same, with HPy's debug context
=====================  ===================================  ===========================

This file provides:

* a session-wide check that every example module under test is the installed one (not the
  source tree) and was built for the backend ``HPY_TEST_EXPECT`` names, so that a leg can
  never silently test the wrong build (``HPY_TEST_EXPECT=any`` skips it for ad-hoc runs);
* under ``HPY=debug``, an autouse fixture that wraps every test in ``hpy.debug.LeakDetector``:
  a handle the extension leaked during the test fails the test;
* fixtures for the tests: ``example_module`` (the module of the example a test belongs to),
  ``extension_path`` (the ``.so`` it was loaded from), ``repo_root`` and ``expect``.

pytest must load this file: run it with ``--rootdir=<repo>/examples`` (scripts/test.sh does),
or from a directory at or above ``examples/``. ``test_conftest_is_active`` in each suite fails
otherwise.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import pathlib
import sys
import sysconfig

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    tomllib = None

import pytest

EXAMPLES_DIR = pathlib.Path(__file__).resolve().parent
REPO_ROOT = EXAMPLES_DIR.parent
EXPECT_ENV = "HPY_TEST_EXPECT"
EXPECT_VALUES = ("cpython", "universal", "debug", "any")

#: Set by the autouse fixtures; `test_conftest_is_active` checks it.
CONFTEST_ACTIVE = "examples/conftest.py"


def expected_backend() -> str:
    """The value of HPY_TEST_EXPECT; fails the run when it is missing or unknown."""
    value = os.environ.get(EXPECT_ENV, "").strip().lower()
    if value not in EXPECT_VALUES:
        pytest.fail(
            f"{EXPECT_ENV}={value!r}: set it to one of {', '.join(EXPECT_VALUES)} "
            "(scripts/test.sh does) so that the tests know which build they must be testing",
            pytrace=False,
        )
    return value


def example_dir_of(path: os.PathLike | str) -> pathlib.Path | None:
    """`examples/<name>` for a path inside it, else None."""
    path = pathlib.Path(path).resolve()
    for parent in path.parents:
        if parent.parent == EXAMPLES_DIR and (parent / "pyproject.toml").exists():
            return parent
    return None


def module_name_of(example_dir: pathlib.Path) -> str:
    """The Python module an example builds: `[tool.maturin] module-name`, else the project name."""
    text = (example_dir / "pyproject.toml").read_text(encoding="utf-8")
    if tomllib is not None:
        data = tomllib.loads(text)
        name = data.get("tool", {}).get("maturin", {}).get("module-name")
        name = name or data.get("project", {}).get("name") or example_dir.name
    else:  # pragma: no cover - crude fallback for old Pythons
        name = example_dir.name
        for line in text.splitlines():
            if line.strip().startswith("module-name"):
                name = line.split("=", 1)[1].strip().strip("\"'")
    return name.split(".")[-1].replace("-", "_")


def site_dirs() -> list[pathlib.Path]:
    """The site-packages folders of the running interpreter."""
    paths = sysconfig.get_paths()
    return [pathlib.Path(paths[k]).resolve() for k in ("platlib", "purelib")]


def loaded_extension_path(module) -> pathlib.Path:
    """The shared object the module's code was loaded from.

    Universal: the stub replaced itself with the module `hpy.universal` loaded, whose
    `__file__` is the `.hpy0.so`. CPython ABI: maturin's `<mod>/__init__.py` re-exports the
    extension submodule `<mod>.<mod>`, whose `__file__` is the `.so`.
    """
    candidates = [module] + [
        m
        for name, m in list(sys.modules.items())
        if name.startswith(module.__name__ + ".") and m is not None
    ]
    for m in candidates:
        f = getattr(m, "__file__", None)
        if f and f.endswith(".so"):
            return pathlib.Path(f).resolve()
    raise AssertionError(f"no loaded .so found for {module.__name__} (__file__={module.__file__})")


def backend_problems(module, expect: str) -> list[str]:
    """Why `module` is not the installed build `expect` names (empty list: it is)."""
    problems = []
    abi = getattr(module, "ABI", None)
    context_name = getattr(module, "CONTEXT_NAME", None)
    if expect == "cpython":
        if abi != "cpython" or context_name != "HPy CPython ABI":
            problems.append("expected the CPython-ABI build (ABI 'cpython', 'HPy CPython ABI')")
    elif expect == "universal":
        if abi != "universal" or not str(context_name).startswith("HPy Universal ABI"):
            problems.append("expected the universal build in universal mode")
        if os.environ.get("HPY"):
            problems.append(f"HPY={os.environ['HPY']!r} is set: the universal leg runs without it")
    elif expect == "debug":
        if abi != "universal" or context_name != "HPy Debug Mode ABI":
            problems.append("expected the universal build under HPy debug mode")
        if os.environ.get("HPY", "").lower() != "debug":
            problems.append("HPY=debug is not set: leak detection would be off")
    if problems:
        problems.append(f"got ABI={abi!r}, CONTEXT_NAME={context_name!r}")

    # The installed wheel, not a build lying around in the source tree.
    where = pathlib.Path(module.__file__).resolve()
    if not any(d == where.parent or d in where.parents for d in site_dirs()):
        problems.append(f"{module.__name__} was imported from {where}, not from site-packages")
    if not importlib.metadata.packages_distributions().get(module.__name__):
        problems.append(f"no installed distribution provides {module.__name__!r}")
    return problems


_checked: dict[pathlib.Path, object] = {}


def _check_example(example_dir: pathlib.Path, expect: str):
    if example_dir not in _checked:
        name = module_name_of(example_dir)
        module = importlib.import_module(name)
        problems = [] if expect == "any" else backend_problems(module, expect)
        if problems:
            _checked[example_dir] = problems
        else:
            _checked[example_dir] = module
    result = _checked[example_dir]
    if isinstance(result, list):
        pytest.fail(
            f"{EXPECT_ENV}={expect}: wrong build of {example_dir.name} under test:\n  "
            + "\n  ".join(result),
            pytrace=False,
        )
    return result


@pytest.fixture(scope="session")
def expect() -> str:
    """HPY_TEST_EXPECT: "cpython", "universal", "debug" (or "any")."""
    return expected_backend()


@pytest.fixture(scope="session")
def repo_root() -> pathlib.Path:
    return REPO_ROOT


@pytest.fixture(scope="session", autouse=True)
def _hpy_backend_check(request, expect):
    """Before any test runs: every example under test is the installed build HPY_TEST_EXPECT
    names. Fails (errors) every test otherwise."""
    dirs = {example_dir_of(item.path) for item in request.session.items}
    for d in sorted(x for x in dirs if x is not None):
        _check_example(d, expect)
    return CONFTEST_ACTIVE


@pytest.fixture
def example_module(request, expect):
    """The Python module of the example the requesting test belongs to."""
    d = example_dir_of(request.path)
    if d is None:
        pytest.fail(f"{request.path} is not inside examples/<name>/", pytrace=False)
    return _check_example(d, expect)


@pytest.fixture
def extension_path(example_module) -> pathlib.Path:
    """The shared object the example's module was loaded from (see `loaded_extension_path`)."""
    return loaded_extension_path(example_module)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "leaks_on_purpose: the test leaks handles deliberately and checks the leak detector "
        "itself; the autouse leak check stays out of its way",
    )


@pytest.fixture(autouse=True)
def _hpy_leak_check(request):
    """Under HPY=debug: any handle the extension leaks during the test fails it."""
    if (
        os.environ.get("HPY", "").strip().lower() != "debug"
        or request.node.get_closest_marker("leaks_on_purpose") is not None
    ):
        yield CONFTEST_ACTIVE
        return
    from hpy.debug import LeakDetector

    with LeakDetector():
        yield CONFTEST_ACTIVE


def pytest_report_header(config):
    expect = os.environ.get(EXPECT_ENV, "<unset>")
    mode = os.environ.get("HPY", "") or "-"
    return [f"hpy examples: {EXPECT_ENV}={expect}, HPY={mode}, python={sys.executable}"]

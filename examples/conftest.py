"""Shared pytest configuration of the examples' test suites (``examples/<name>/tests``).

The suites run against the *installed* wheels, once per leg (scripts/legs.sh, scripts/test.sh):

=================  ===================================  ===================================
leg                environment                          what is imported
=================  ===================================  ===================================
cp311-cpython      ``HPY_TEST_EXPECT=cpython``          ``<mod>/<mod>.cpython-311-*.so``
cp311-universal    ``HPY_TEST_EXPECT=universal``        ``<mod>.py`` stub + ``<mod>.hpy0.so``
cp311-debug        ``HPY=debug HPY_TEST_EXPECT=debug``  the same, with HPy's debug context
pypy311-universal  ``HPY_TEST_EXPECT=universal-pypy``   the same universal wheel, on PyPy
pypy311-debug      ``HPY=debug``, ``debug-pypy``        the same, PyPy's debug context
pypy311-cpython    ``HPY_TEST_EXPECT=cpython``          ``<mod>/<mod>.pypy311-*.so`` (cpyext)
cp313-cpython      ``HPY_TEST_EXPECT=cpython``          ``<mod>/<mod>.cpython-313-*.so``
=================  ===================================  ===================================

This file provides:

* a session-wide check that every example module under test is the installed one (not the
  source tree), was built for the backend ``HPY_TEST_EXPECT`` names and reports that mode's
  exact HPy context name, and runs on the runtime ``HPY_TEST_RUNTIME`` names (``cp311``,
  ``pypy311``, ``cp313``; unset: any), so that a leg can never silently test the wrong build
  (``HPY_TEST_EXPECT=any`` skips it for ad-hoc runs);
* under ``HPY=debug``, an autouse fixture that wraps every test in ``hpy.debug.LeakDetector``:
  a handle the extension leaked during the test fails the test;
* the marker ``crash_xfail(condition, *, reason, strict=True)``: where ``condition`` holds, the
  test runs in a forked child process and is an expected failure if, and only if, that child
  dies of a signal: a known crash, typically on one runtime, that must not take the whole
  session down and that is reported (XPASS, failing the run) once it is fixed. ``strict=False``
  only for a crash that depends on the machine (how much C stack is left, say): then a run that
  does not crash passes;
* fixtures for the tests: ``example_module`` (the module of the example a test belongs to),
  ``extension_path`` (the ``.so`` it was loaded from), ``repo_root``, ``expect``, and the wheel
  folders ``reference_wheel_dir`` and ``leg_wheel_dir`` (see below).

Wheels (scripts/build-examples.sh): ``HPY_TEST_WHEEL_DIR`` is ``build/wheels``;
``HPY_TEST_LEG_WHEELS`` names the folder in it whose wheels this leg installed (``universal``,
``cp313-cpython``, ...); ``HPY_TEST_REFERENCE_WHEELS`` the host's CPython-ABI folder
(``cp311-cpython``), made by the same interpreter and maturin run as the universal wheels.

pytest must load this file: run it with ``--rootdir=<repo>`` and ``--confcutdir=<repo>/examples``
(scripts/test.sh does), or from a directory at or above ``examples/``. ``test_conftest_is_active``
in each suite fails otherwise.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import inspect
import os
import pathlib
import signal
import sys
import sysconfig
import traceback

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    tomllib = None

import pytest

EXAMPLES_DIR = pathlib.Path(__file__).resolve().parent
REPO_ROOT = EXAMPLES_DIR.parent
EXPECT_ENV = "HPY_TEST_EXPECT"
RUNTIME_ENV = "HPY_TEST_RUNTIME"

#: What each HPY_TEST_EXPECT value means: the build (`module.ABI`), the exact HPy context name
#: it reports (`module.CONTEXT_NAME`), the implementation that loads it, and HPY at import.
#: A CPython-ABI build names its context itself, on CPython and through PyPy's cpyext alike;
#: a universal one reports the loader's context: hpy 0.9.0's on CPython, PyPy's built-in one
#: (HPy 0.9.1.dev) on PyPy, which adds "(PyPy backend)" to both of its names.
EXPECTATIONS = {
    "cpython": ("cpython", "HPy CPython ABI", None, ""),
    "universal": ("universal", "HPy Universal ABI (CPython backend)", "cpython", ""),
    "debug": ("universal", "HPy Debug Mode ABI", "cpython", "debug"),
    "universal-pypy": ("universal", "HPy Universal ABI (PyPy backend)", "pypy", ""),
    "debug-pypy": ("universal", "HPy Debug Mode ABI (PyPy backend)", "pypy", "debug"),
}
EXPECT_VALUES = (*EXPECTATIONS, "any")

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


def runtime_tag() -> str:
    """The running interpreter as scripts/legs.sh names runtimes: cp311, pypy311, cp313."""
    impl = "pypy" if sys.implementation.name == "pypy" else "cp"
    return f"{impl}{sys.version_info[0]}{sys.version_info[1]}"


def backend_problems(module, expect: str) -> list[str]:
    """Why `module` is not the installed build `expect` names (empty list: it is)."""
    problems = []
    abi = getattr(module, "ABI", None)
    context_name = getattr(module, "CONTEXT_NAME", None)
    want_abi, want_name, want_impl, want_hpy = EXPECTATIONS[expect]
    if (abi, context_name) != (want_abi, want_name):
        problems.append(
            f"expected the {want_abi} build with context {want_name!r}, "
            f"got ABI={abi!r}, CONTEXT_NAME={context_name!r}"
        )
    if want_impl is not None and sys.implementation.name != want_impl:
        problems.append(f"{expect} runs on {want_impl}, this is {sys.implementation.name}")
    hpy_mode = os.environ.get("HPY", "").strip().lower()
    if want_abi == "universal" and hpy_mode != want_hpy:
        problems.append(
            f"HPY={os.environ.get('HPY', '')!r}: the {expect} leg runs with "
            + (f"HPY={want_hpy}" if want_hpy else "HPY unset")
        )
    runtime = os.environ.get(RUNTIME_ENV, "").strip()
    if runtime and runtime != runtime_tag():
        problems.append(f"{RUNTIME_ENV}={runtime}, but this is {runtime_tag()} ({sys.executable})")

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
    """HPY_TEST_EXPECT: "cpython", "universal", "debug", "universal-pypy", "debug-pypy" (or
    "any")."""
    return expected_backend()


def _wheel_subdir(variable: str) -> pathlib.Path:
    root, sub = os.environ.get("HPY_TEST_WHEEL_DIR"), os.environ.get(variable)
    if not root or not sub:
        pytest.fail(
            f"HPY_TEST_WHEEL_DIR and {variable} must be set (scripts/test.sh sets them): "
            "the wheel folders under build/wheels",
            pytrace=False,
        )
    path = pathlib.Path(root) / sub
    if not path.is_dir():
        pytest.fail(f"{variable}: no folder {path}", pytrace=False)
    return path


@pytest.fixture(scope="session")
def reference_wheel_dir() -> pathlib.Path:
    """The host's CPython-ABI wheels, built alongside the universal ones."""
    return _wheel_subdir("HPY_TEST_REFERENCE_WHEELS")


@pytest.fixture(scope="session")
def leg_wheel_dir() -> pathlib.Path:
    """The wheels this leg installed."""
    return _wheel_subdir("HPY_TEST_LEG_WHEELS")


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
    config.addinivalue_line(
        "markers",
        "crash_xfail(condition, *, reason, strict=True): where condition is true, the test is "
        "known to crash the interpreter: it runs in a forked child and is xfail(strict) for "
        "that crash only (any other failure fails it; with strict, passing fails it too)",
    )


class InterpreterCrash(Exception):
    """A test run in a child process (``crash_xfail``) killed it: a signal, not a failure."""


_ISOLATE = pytest.StashKey[str]()


def pytest_collection_modifyitems(config, items):
    for item in items:
        for mark in item.iter_markers("crash_xfail"):
            unknown = set(mark.kwargs) - {"reason", "strict"}
            if "reason" not in mark.kwargs or len(mark.args) > 1 or unknown:
                raise pytest.UsageError(
                    f"{item.nodeid}: use crash_xfail(condition, reason=..., strict=True)"
                )
            if mark.args and not mark.args[0]:
                continue
            reason = mark.kwargs["reason"]
            item.stash[_ISOLATE] = reason
            item.add_marker(
                pytest.mark.xfail(
                    strict=mark.kwargs.get("strict", True),
                    raises=InterpreterCrash,
                    reason=f"crashes: {reason}",
                )
            )
            break


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Runs a ``crash_xfail`` test (where its condition holds) in a forked child process."""
    if _ISOLATE not in pyfuncitem.stash:
        return None
    names = inspect.signature(pyfuncitem.obj).parameters
    kwargs = {name: pyfuncitem.funcargs[name] for name in names}
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: run the test, report by exit status only
        status = 0
        try:
            # The leak check of _hpy_leak_check, done here: the parent cannot see the child's
            # handles.
            with _leak_detector(pyfuncitem):
                pyfuncitem.obj(**kwargs)
        except BaseException:
            traceback.print_exc()
            status = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)  # no atexit handlers, no pytest teardown in the child
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        raise InterpreterCrash(f"the test killed its (child) interpreter with {name}")
    if os.WEXITSTATUS(status) != 0:
        raise AssertionError(
            "the test failed in its child process (see the captured stderr); it is marked "
            "crash_xfail, but failed without crashing"
        )
    return True


def _leak_detector(item):
    """hpy.debug.LeakDetector under HPY=debug, unless the test leaks on purpose; else a no-op."""
    if (
        os.environ.get("HPY", "").strip().lower() != "debug"
        or item.get_closest_marker("leaks_on_purpose") is not None
    ):
        return contextlib.nullcontext()
    from hpy.debug import LeakDetector

    return LeakDetector()


@pytest.fixture(autouse=True)
def _hpy_leak_check(request):
    """Under HPY=debug: any handle the extension leaks during the test fails it."""
    with _leak_detector(request.node):
        yield CONFTEST_ACTIVE


def pytest_report_header(config):
    expect = os.environ.get(EXPECT_ENV, "<unset>")
    mode = os.environ.get("HPY", "") or "-"
    return [f"hpy examples: {EXPECT_ENV}={expect}, HPY={mode}, python={sys.executable}"]

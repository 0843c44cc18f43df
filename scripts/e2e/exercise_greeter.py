#!/usr/bin/env python3
"""Exercises the README's quick-start module `greeter`, installed in the running environment.

    python exercise_greeter.py MODE
    MODE: cpython (a CPython-ABI build) or universal (the universal wheel)

Checks every function of the quick start, the build (module file, context name) against
MODE and the runtime, and the installed distribution's dependency on hpy: a universal wheel
requires hpy==0.9.0 on CPython only, so pip installed it on CPython and nothing on PyPy; a
CPython-ABI wheel has no such dependency. The environment must be a fresh one: anything else
installed in it fails the check. On PyPy 3.11 `map_list` (HPy_Call), `greet_all`
(HPyDict_Keys) and the argument error messages (HPyType_GetName) go through context members
PyPy keeps one slot later than HPy 0.9.0. Prints one summary line; any failure raises.
"""

from __future__ import annotations

import importlib.metadata as md
import inspect
import os
import pathlib
import sys
import sysconfig

REQUIRES_DIST = 'hpy==0.9.0; implementation_name == "cpython"'


def raises(exc_type, fn, *args, **kwargs) -> str:
    try:
        fn(*args, **kwargs)
    except exc_type as exc:
        return str(exc)
    raise AssertionError(f"{fn.__name__}{args} did not raise {exc_type.__name__}")


def installed_here() -> dict[str, str]:
    """{name: version} of the distributions installed in this environment (under sys.prefix),
    except pip's own; PyPy's standard library ships distributions (cffi, greenlet, hpy) that
    live outside it."""
    prefix = pathlib.Path(sys.prefix).resolve()
    found = {}
    for dist in md.distributions():
        location = pathlib.Path(dist.locate_file("")).resolve()
        name = dist.metadata["Name"].lower().replace("_", "-")
        if (location == prefix or prefix in location.parents) and name not in ("pip", "setuptools", "wheel"):
            found[name] = dist.version
    return found


def main() -> None:
    mode = sys.argv[1]
    assert mode in ("cpython", "universal"), mode
    pypy = sys.implementation.name == "pypy"

    import greeter

    # Which build, on which runtime.
    if mode == "universal":
        backend = "PyPy" if pypy else "CPython"
        assert greeter.BACKEND == f"HPy Universal ABI ({backend} backend)", greeter.BACKEND
        assert greeter.__file__.endswith(os.sep + "greeter.hpy0.so"), greeter.__file__
    else:
        assert greeter.BACKEND == "HPy CPython ABI", greeter.BACKEND
        ext = sysconfig.get_config_var("EXT_SUFFIX")
        assert greeter.greeter.__file__.endswith("greeter" + ext), greeter.greeter.__file__
    assert "site-packages" in greeter.__file__, greeter.__file__

    # The quick start's functions.
    assert greeter.VERSION == "0.1.0"
    assert greeter.__doc__.strip() == "Greetings from Rust."
    assert greeter.greet("Ada", times=2) == "Hello, Ada! Hello, Ada! "
    assert greeter.greet("Bob", "Hi") == "Hi, Bob! "
    # (PyPy's inspect.signature ignores the __text_signature__ of built-in functions.)
    assert greeter.greet.__text_signature__ == "(name, greeting='Hello', *, times=1)"
    if not pypy:
        assert str(inspect.signature(greeter.greet)) == "(name, greeting='Hello', *, times=1)"
    assert greeter.divide(1, 4) == 0.25
    assert "divide by zero" in raises(ZeroDivisionError, greeter.divide, 1, 0)
    # HPy_Call, and an exception raised by the callback passes through.
    assert greeter.map_list(lambda x: x * 2, [1, 2, 3]) == [2, 4, 6]
    assert greeter.map_list(str.upper, ("a", "b")) == ["A", "B"]
    raises(ZeroDivisionError, greeter.map_list, lambda x: 1 / x, [0])
    # HPyDict_Keys.
    assert greeter.greet_all({"Bo": 1, "Al": 2}) == ["Hello, Al! Hello, Al! ", "Hello, Bo! "]
    assert greeter.greet_all({}) == []
    # HPyType_GetName, in the messages of bad arguments.
    message = raises(TypeError, greeter.greet, 42)
    assert "greet()" in message and "'name'" in message and "int" in message, message
    message = raises(TypeError, greeter.greet_all, {"Al": "x"})
    assert "str" in message, message
    message = raises(TypeError, greeter.greet_all, ["Al"])
    assert "list" in message, message
    raises(OverflowError, greeter.greet, "x", times=-1)

    # The dependency on hpy, and everything pip installed into this fresh environment: greeter,
    # plus hpy==0.9.0 for the universal wheel on CPython; nothing else.
    requires = md.requires("greeter") or []
    installed = installed_here()
    expected = {"greeter": "0.1.0"}
    if mode == "universal":
        assert REQUIRES_DIST in [r.replace("'", '"') for r in requires], requires
        if not pypy:
            expected["hpy"] = "0.9.0"
    else:
        assert not any(r.startswith("hpy") for r in requires), requires
    assert installed == expected, f"installed in {sys.prefix}: {installed}, expected {expected}"
    hpy_version = installed.get("hpy")

    print(
        f"ok: greeter ({mode}) on {sys.implementation.name} {sys.version.split()[0]}: "
        f"{greeter.BACKEND}; pip installed {', '.join(f'{k}=={v}' for k, v in sorted(installed.items()))}"
    )


if __name__ == "__main__":
    main()

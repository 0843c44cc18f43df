"""Behaviour of the `hello` example: every function, argument kind, conversion and error path.

The suite runs against the CPython-ABI wheel, the universal wheel and the universal
wheel under HPy debug mode (see examples/conftest.py and scripts/test.sh), on CPython 3.11, PyPy
3.11 and CPython 3.13. Under debug mode every test also fails if the extension leaks a handle.
Where PyPy legitimately differs (its own error wording, type names, inspect), the expectation is
taken from the runtime; known bugs are strict xfails on the legs that show them (`BUG_*`).

Error paths are exercised several times in a row (`REPEAT`): reference-counting mistakes on
error paths tend to show up only on the second or the hundredth call.
"""

from __future__ import annotations

import gc
import inspect
import math
import pathlib
import os
import re
import struct
import sys
import threading
import traceback

import pytest

import hello

REPEAT = 5
LIB_RS = pathlib.Path(__file__).resolve().parent.parent / "src" / "lib.rs"

# The runtime and the build under test (examples/conftest.py checked both against the leg).
PYPY = sys.implementation.name == "pypy"
#: PyPy's built-in HPy runtime loading the universal build: legs pypy311-universal and -debug.
PYPY_UNIVERSAL = PYPY and hello.ABI == "universal"
PYPY_DEBUG = PYPY_UNIVERSAL and os.environ.get("HPY", "").strip().lower() == "debug"

# Bugs that only PyPy shows; the tests that hit them are marked with these reasons.
BUG_RECURSION = (
    "unbounded recursion through hello.call: when PyPy's C-stack check, not its recursion limit, "
    "stops it, HPy_CallTupleDict returns NULL while HPyErr_Occurred() says 0, Error::restore then "
    "raises SystemError with HPyErr_SetObject and PyPy aborts (Fatal RPython error: "
    "AssertionError). Which limit comes first depends on the stack left (environment size, JIT "
    "state), hence not strict"
)
# Not hpy-core's bug: PyPy 7.3.19's debug mode aborts ("Error: Wrong HPy Context!") when an HPy
# function calls, through Python, another HPy function: a C extension built with PyPy's own
# hpy headers does the same (HPy_CallTupleDict on a callable that calls the module again).
NESTED_CALL_CRASHES_ON_PYPY_DEBUG = pytest.mark.crash_xfail(
    PYPY_DEBUG,
    reason="PyPy 7.3.19 debug-mode bug: an HPy function called (through Python) from another HPy "
    "function invalidates the outer one's context: 'Error: Wrong HPy Context!', abort",
)

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
U64_MAX = 2**64 - 1
I128_MIN, I128_MAX = -(2**127), 2**127 - 1
U128_MAX = 2**128 - 1


# ---------------------------------------------------------------------------------------------
# Helpers.


class Idx:
    """Not an int, but usable as one through `__index__`."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value


class BadIndex:
    def __index__(self):
        raise RuntimeError("bad __index__")


class HasFloat:
    def __float__(self):
        return 2.5


class IntSub(int):
    pass


class FloatSub(float):
    pass


class StrSub(str):
    pass


class DictSub(dict):
    pass


class Reiterable:
    """An iterable that is neither a list nor a tuple; each iteration is a fresh generator."""

    def __init__(self, items):
        self.items = items

    def __iter__(self):
        return (x for x in self.items)


def raises_repeatedly(exc_type, fn, *args, message=None, match=None, times=REPEAT, **kwargs):
    """Calls `fn(*args, **kwargs)` `times` times; each call must raise exactly `exc_type`
    (not a subclass) with the given exact `message` or a message matching regex `match`.
    Returns the last exception."""
    for _ in range(times):
        with pytest.raises(exc_type) as info:
            fn(*args, **kwargs)
        assert type(info.value) is exc_type, f"got {type(info.value).__name__}: {info.value}"
        if message is not None:
            assert str(info.value) == message
        if match is not None:
            assert re.search(match, str(info.value)), f"{str(info.value)!r} !~ {match!r}"
    return info.value


def builtin_msg(func, rest):
    """CPython formats errors of METH_NOARGS/METH_O functions as `<module>.<name>() ...`; the
    module is `hello.hello` for maturin's CPython-ABI package and `hello` for the universal
    module. PyPy's HPy runtime checks these calling conventions itself, without the module,
    and says `takes no arguments` without CPython's `(N given)`."""
    if PYPY_UNIVERSAL:
        rest = re.sub(r"^(takes no arguments) \(\d+ given\)$", r"\1", rest)
    return rf"^(?:hello\.)*{re.escape(func)}\(\) {re.escape(rest)}$"


def signature_of(func) -> inspect.Signature:
    """`inspect.signature(func)`, which parses a builtin's `__text_signature__` on CPython.
    PyPy's inspect does not know the type of HPy functions there (`extension_function`) and
    describes every one as `(*args, **keywords)`; the function does carry its text signature,
    so that is parsed instead, as the parameter list of an equivalent lambda."""
    if PYPY_UNIVERSAL and type(func).__name__ == "extension_function":
        text = func.__text_signature__
        assert text and text.startswith("(") and text.endswith(")"), text
        return inspect.signature(eval(f"lambda {text[1:-1]}: None"))  # noqa: S307 - our own text
    return inspect.signature(func)


def function_type_name() -> str:
    """The type of the module's functions: `builtin_function_or_method` (CPython's, for both
    builds), `extension_function` when PyPy's own HPy runtime loads the universal build."""
    return "extension_function" if PYPY_UNIVERSAL else "builtin_function_or_method"


def rust_functions() -> dict[str, str]:
    """{Python name: doc comment} of every `#[hpy::function]` in src/lib.rs."""
    functions = {}
    doc: list[str] = []
    attrs = ""
    for line in LIB_RS.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith("///") and not attrs:
            text = s[3:]
            doc.append(text[1:] if text.startswith(" ") else text)
            continue
        m = re.match(r"(?:pub(?:\([^)]*\))?\s+)?fn\s+(\w+)", s)
        if m:
            # A function under `#[cfg(hpy_abi = "...")]` exists only in that backend's build.
            cfg = re.search(r'#\[cfg\(hpy_abi\s*=\s*"(\w+)"\)\]', attrs)
            if "hpy::function" in attrs and (cfg is None or cfg.group(1) == hello.ABI):
                renamed = re.search(r'\bname\s*=\s*"([^"]+)"', attrs)
                functions[renamed.group(1) if renamed else m.group(1)] = "\n".join(doc)
            doc, attrs = [], ""
        elif s.startswith("#[") or attrs:
            attrs += s + "\n"
            if s == "" or s.startswith(("pub const", "const", "}", "use ", "pub mod", "mod ")):
                doc, attrs = [], ""
        else:
            doc, attrs = [], ""
    return functions


RUST_FUNCTIONS = rust_functions()


# ---------------------------------------------------------------------------------------------
# The module itself.


def test_conftest_is_active(request):
    # examples/conftest.py must have been loaded: it checks the build under test and, under
    # HPY=debug, detects leaks.
    for fixture in ("_hpy_backend_check", "_hpy_leak_check"):
        if fixture not in request.fixturenames:
            pytest.fail(
                "examples/conftest.py was not loaded: run pytest with --rootdir=<repo root> "
                "--import-mode=importlib, as scripts/test.sh does",
                pytrace=False,
            )
        assert request.getfixturevalue(fixture) == "examples/conftest.py"


def test_backend_matches_expectation(expect):
    if expect == "cpython":
        assert hello.ABI == "cpython"
        assert hello.CONTEXT_NAME == "HPy CPython ABI"
    elif expect == "universal":
        assert hello.ABI == "universal"
        assert hello.CONTEXT_NAME == "HPy Universal ABI (CPython backend)"
    elif expect == "debug":
        assert hello.ABI == "universal"
        assert hello.CONTEXT_NAME == "HPy Debug Mode ABI"
    elif expect == "universal-pypy":
        assert hello.ABI == "universal" and PYPY
        assert hello.CONTEXT_NAME == "HPy Universal ABI (PyPy backend)"
    elif expect == "debug-pypy":
        assert hello.ABI == "universal" and PYPY
        assert hello.CONTEXT_NAME == "HPy Debug Mode ABI (PyPy backend)"
    else:
        assert hello.ABI in ("cpython", "universal")


def test_loaded_file_matches_backend():
    if hello.ABI == "universal":
        # The stub replaced itself in sys.modules with the module hpy.universal loaded.
        assert hello.__file__.endswith("hello.hpy0.so")
        assert sys.modules["hello"] is hello
    else:
        assert hello.__file__.endswith("__init__.py")
        assert sys.modules["hello.hello"].__file__.endswith(".so")


def test_module_name_and_doc():
    assert hello.__name__ == "hello"
    assert hello.__doc__ == "Greetings and arithmetic, written in Rust on HPy."


def test_constants():
    assert hello.VERSION == "0.1.0"
    assert type(hello.VERSION) is str
    assert hello.ANSWER == 42
    assert type(hello.ANSWER) is int
    assert not hasattr(hello, "THE_ANSWER")  # exported under its `name = "ANSWER"`
    assert hello.ABI in ("cpython", "universal")
    assert hello.CONTEXT_NAME in (
        "HPy CPython ABI",
        "HPy Universal ABI (CPython backend)",
        "HPy Debug Mode ABI",
        "HPy Universal ABI (PyPy backend)",
        "HPy Debug Mode ABI (PyPy backend)",
    )


def test_lib_rs_was_parsed():
    assert len(RUST_FUNCTIONS) >= 29
    assert "type_name" in RUST_FUNCTIONS and "type_name_of" not in RUST_FUNCTIONS


def test_exported_functions_are_exactly_those_of_lib_rs():
    exported = {
        name
        for name, value in vars(hello).items()
        if not name.startswith("_") and callable(value) and not inspect.ismodule(value)
    }
    assert exported == set(RUST_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(RUST_FUNCTIONS))
def test_function_metadata(name):
    func = getattr(hello, name)
    assert type(func).__name__ == function_type_name()
    assert func.__name__ == name
    assert func.__doc__ == RUST_FUNCTIONS[name]
    signature_of(func)  # every function has a text signature


@pytest.mark.parametrize(
    "name, doc",
    [
        ("greet", "Greets someone."),
        ("noop", "Does nothing."),
        ("mixed", "Adds `a`, `b` and `c`, where `b` defaults to 1 and `c` is keyword-only."),
        ("type_name", "The type name of its argument, as seen from Rust."),
        ("call", "Calls `callable(*args)` and returns its result: exceptions pass through."),
    ],
)
def test_docstrings(name, doc):
    assert getattr(hello, name).__doc__ == doc


@pytest.mark.parametrize(
    "name, signature",
    [
        ("noop", "()"),
        ("identity", "(obj, /)"),
        ("add_ints", "(a, b, /)"),
        ("greet", "(name, greeting='Hello', *, punctuation='!')"),
        ("mixed", "(a, b=1, /, *, c=None)"),
        ("count_args", "(first, *args, **kwargs)"),
        ("sum_floats", "(values, /)"),
        ("ints", "(a, b, c, d, e, f, g, h)"),
        ("wide", "(a, b)"),
        ("double_or_none", "(x)"),
        ("unit", "(_x)"),
        ("call", "(callable, *args)"),
        ("get_attribute", "(obj, name)"),
        ("type_name", "(obj)"),
        ("constants", "()"),  # the Ctx parameter is not a Python parameter
    ],
)
def test_signatures(name, signature):
    assert str(signature_of(getattr(hello, name))) == signature


def test_signature_parameter_kinds():
    params = signature_of(hello.mixed).parameters
    assert params["a"].kind is inspect.Parameter.POSITIONAL_ONLY
    assert params["b"].kind is inspect.Parameter.POSITIONAL_ONLY
    assert params["b"].default == 1
    assert params["c"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["c"].default is None
    params = signature_of(hello.count_args).parameters
    assert params["args"].kind is inspect.Parameter.VAR_POSITIONAL
    assert params["kwargs"].kind is inspect.Parameter.VAR_KEYWORD


# ---------------------------------------------------------------------------------------------
# noop, identity, unit, constants.


def test_noop():
    assert hello.noop() is None


def test_noop_rejects_arguments():
    raises_repeatedly(TypeError, hello.noop, 1, match=builtin_msg("noop", "takes no arguments (1 given)"))
    raises_repeatedly(TypeError, hello.noop, a=1, match=builtin_msg("noop", "takes no keyword arguments"))


@pytest.mark.parametrize("obj", [None, 0, -1, 2**100, 1.5, "s", b"b", [], {}, (1,), object(), hello, Idx(1)])
def test_identity_returns_the_same_object(obj):
    for _ in range(REPEAT):
        assert hello.identity(obj) is obj


def test_identity_argument_errors():
    raises_repeatedly(TypeError, hello.identity, match=builtin_msg("identity", "takes exactly one argument (0 given)"))
    raises_repeatedly(TypeError, hello.identity, 1, 2, match=builtin_msg("identity", "takes exactly one argument (2 given)"))
    # positional-only: by keyword is an error
    raises_repeatedly(TypeError, hello.identity, obj=1, match=builtin_msg("identity", "takes no keyword arguments"))


def test_unit_returns_none():
    assert hello.unit(1) is None
    assert hello.unit(_x=5) is None
    raises_repeatedly(TypeError, hello.unit, "x", message="unit() argument '_x': expected int, got str")
    raises_repeatedly(TypeError, hello.unit, message="unit() missing 1 required positional argument: '_x'")


def test_constants_are_the_singletons():
    none, true, false = hello.constants()
    assert none is None and true is True and false is False
    raises_repeatedly(TypeError, hello.constants, 1, match=builtin_msg("constants", "takes no arguments (1 given)"))


# ---------------------------------------------------------------------------------------------
# Positional, keyword, defaults, positional-only, keyword-only, *args, **kwargs.


def test_add_ints():
    assert hello.add_ints(1, 2) == 3
    assert hello.add_ints(-5, 3) == -2
    assert hello.add_ints(I64_MAX, 0) == I64_MAX
    assert hello.add_ints(I64_MIN, 0) == I64_MIN
    assert hello.add_ints(True, True) == 2


def test_add_ints_errors():
    raises_repeatedly(OverflowError, hello.add_ints, I64_MAX, 1, message="add_ints: the sum does not fit in i64")
    raises_repeatedly(TypeError, hello.add_ints, 1, message="add_ints() missing 1 required positional argument: 'b'")
    raises_repeatedly(TypeError, hello.add_ints, message="add_ints() missing 2 required positional arguments: 'a' and 'b'")
    raises_repeatedly(TypeError, hello.add_ints, 1, 2, 3, message="add_ints() takes 2 positional arguments but 3 were given")
    raises_repeatedly(TypeError, hello.add_ints, 1.5, 2, message="add_ints() argument 'a': expected int, got float")
    raises_repeatedly(TypeError, hello.add_ints, 1, "2", message="add_ints() argument 'b': expected int, got str")
    # positional-only parameters passed by keyword
    raises_repeatedly(TypeError, hello.add_ints, a=1, b=2, match=builtin_msg("add_ints", "takes no keyword arguments"))
    raises_repeatedly(TypeError, hello.add_ints, 1, b=2, match=builtin_msg("add_ints", "takes no keyword arguments"))


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        (("Bob",), {}, "Hello, Bob!"),
        ((), {"name": "Bob"}, "Hello, Bob!"),
        (("Bob", "Hi"), {}, "Hi, Bob!"),
        (("Bob",), {"greeting": "Hi"}, "Hi, Bob!"),
        ((), {"greeting": "Yo", "name": "Al"}, "Yo, Al!"),
        (("Bob",), {"punctuation": "?"}, "Hello, Bob?"),
        (("Bob", "Hi"), {"punctuation": "."}, "Hi, Bob."),
        ((), {"punctuation": ".", "greeting": "Hi", "name": "Bob"}, "Hi, Bob."),
        (("",), {}, "Hello, !"),
    ],
)
def test_greet_argument_passing(args, kwargs, expected):
    assert hello.greet(*args, **kwargs) == expected


class _StrSubclass(str):
    pass


def test_keyword_names_by_identity_and_by_text():
    """Keyword names are matched by identity with the interned names hpy-core remembers
    (CPython ABI), and by text for any other name object: a new, not interned str, a str
    subclass, or the interned one again after those."""
    for _ in range(REPEAT):
        assert hello.greet("Bob", punctuation="?") == "Hello, Bob?"
        fresh = "".join(["punct", "uation"])
        assert hello.greet("Bob", **{fresh: "."}) == "Hello, Bob."
        assert hello.greet("Bob", **{_StrSubclass("greeting"): "Hi"}) == "Hi, Bob!"
        assert hello.greet(**{"".join(["na", "me"]): "Al"}, greeting="Yo") == "Yo, Al!"
        assert hello.greet(name="Al", punctuation="?", greeting="Yo") == "Yo, Al?"
        with pytest.raises(TypeError, match=r"multiple values for argument 'name'"):
            hello.greet("Bob", **{"".join(["na", "me"]): "x"})


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((), {}, "greet() missing 1 required positional argument: 'name'"),
        ((), {"greeting": "Hi"}, "greet() missing 1 required positional argument: 'name'"),
        ((), {"punctuation": "?"}, "greet() missing 1 required positional argument: 'name'"),
        (("a", "b", "c"), {}, "greet() takes from 1 to 2 positional arguments but 3 were given"),
        (("a", "b", "c", "d"), {}, "greet() takes from 1 to 2 positional arguments but 4 were given"),
        (("Bob",), {"foo": 1}, "greet() got an unexpected keyword argument 'foo'"),
        (("Bob",), {"name": "x"}, "greet() got multiple values for argument 'name'"),
        (("Bob", "Hi"), {"greeting": "x"}, "greet() got multiple values for argument 'greeting'"),
        ((1,), {}, "greet() argument 'name': expected str, got int"),
        ((None,), {}, "greet() argument 'name': expected str, got NoneType"),
        (("Bob",), {"greeting": None}, "greet() argument 'greeting': expected str, got NoneType"),
        (("Bob",), {"punctuation": 1}, "greet() argument 'punctuation': expected str of length 1, got int"),
    ],
)
def test_greet_type_errors(args, kwargs, message):
    raises_repeatedly(TypeError, hello.greet, *args, message=message, **kwargs)


@pytest.mark.parametrize(
    "punctuation, length",
    [("", 0), ("??", 2), ("ab", 2), ("e\u0301", 2), ("😀😀", 2)],
)
def test_char_must_be_one_character(punctuation, length):
    raises_repeatedly(
        ValueError,
        hello.greet,
        "Bob",
        punctuation=punctuation,
        message=f"greet() argument 'punctuation': expected a str of length 1, got a str of length {length}",
    )


@pytest.mark.parametrize("ch", ["!", "é", "😀", "\0", "\u0301", "\U0010ffff"])
def test_char_accepts_any_single_code_point(ch):
    assert hello.greet("x", punctuation=ch) == "Hello, x" + ch


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((1,), {}, 2),
        ((1, 2), {}, 3),
        ((1,), {"c": 3}, 5),
        ((1, 2), {"c": 3}, 6),
        ((1, 2), {"c": None}, 3),
        ((1,), {"c": None}, 2),
    ],
)
def test_mixed(args, kwargs, expected):
    assert hello.mixed(*args, **kwargs) == expected


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((), {}, "mixed() missing 1 required positional argument: 'a'"),
        ((), {"c": 1}, "mixed() missing 1 required positional argument: 'a'"),
        ((1, 2, 3), {}, "mixed() takes from 1 to 2 positional arguments but 3 were given"),
        ((1, 2, 3, 4), {}, "mixed() takes from 1 to 2 positional arguments but 4 were given"),
        ((), {"a": 1}, "mixed() got some positional-only arguments passed as keyword arguments: 'a'"),
        ((1,), {"b": 2}, "mixed() got some positional-only arguments passed as keyword arguments: 'b'"),
        ((1,), {"b": 2, "c": 3}, "mixed() got some positional-only arguments passed as keyword arguments: 'b'"),
        ((1,), {"d": 2}, "mixed() got an unexpected keyword argument 'd'"),
        ((1, 2), {"c": "x"}, "mixed() argument 'c': expected int, got str"),
        ((1,), {"c": 1.5}, "mixed() argument 'c': expected int, got float"),
        (("x",), {}, "mixed() argument 'a': expected int, got str"),
    ],
)
def test_mixed_errors(args, kwargs, message):
    raises_repeatedly(TypeError, hello.mixed, *args, message=message, **kwargs)


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((1,), {}, (0, 0, 0)),
        ((), {"first": 1}, (0, 0, 0)),
        ((1, 2, 3), {}, (2, 0, 0)),
        # Leftover keywords make the **kwargs HashMap.
        pytest.param((1, 2, 3), {"x": 4, "y": 5}, (2, 2, 9)),
        pytest.param((1,), {"x": True}, (0, 1, 1)),
        pytest.param((1,), {"": 7}, (0, 1, 7)),
        pytest.param((1, *range(100)), {f"k{i}": i for i in range(50)}, (100, 50, 1225)),
        pytest.param((None, None), {"first_": 0}, (1, 1, 0)),
    ],
)
def test_count_args(args, kwargs, expected):
    assert hello.count_args(*args, **kwargs) == expected


def test_keyword_only_option_overflow():
    raises_repeatedly(OverflowError, hello.mixed, 1, c=2**63, match=r"^mixed\(\) argument 'c': 9223372036854775808 does not fit in i64\b")


def test_count_args_errors():
    raises_repeatedly(TypeError, hello.count_args, message="count_args() missing 1 required positional argument: 'first'")
    raises_repeatedly(TypeError, hello.count_args, x=1, message="count_args() missing 1 required positional argument: 'first'")
    raises_repeatedly(TypeError, hello.count_args, 1, first=2, message="count_args() got multiple values for argument 'first'")
    raises_repeatedly(TypeError, hello.count_args, 1, 2, first=2, message="count_args() got multiple values for argument 'first'")
    raises_repeatedly(TypeError, hello.count_args, 1, x="a", message="count_args() argument 'kwargs': value: expected int, got str")
    raises_repeatedly(
        OverflowError,
        hello.count_args,
        1,
        x=2**63,
        match=r"^count_args\(\) argument 'kwargs': value: 9223372036854775808 does not fit in i64",
    )


# Pure-Python twins of some functions: the argument errors must read exactly like Python's.
def _py_greet(name, greeting="Hello", *, punctuation="!"):
    pass


def _py_mixed(a, b=1, /, *, c=None):
    pass


def _py_count_args(first, *args, **kwargs):
    pass


def _py_ints(a, b, c, d, e, f, g, h):
    pass


def _py_wide(a, b):
    pass


def _py_call(callable, *args):
    pass


PY_TWINS = {
    "greet": _py_greet,
    "mixed": _py_mixed,
    "count_args": _py_count_args,
    "ints": _py_ints,
    "wide": _py_wide,
    "call": _py_call,
}



def _call_id(case):
    name, args, kwargs = case
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs]
    return f"{name}({', '.join(parts)})"


PARITY_CASES = [
    ("greet", (), ()),
    ("greet", ("a", "b", "c"), ()),
    ("greet", ("a", "b", "c"), (("punctuation", "x"),)),
    ("greet", ("a",), (("foo", 1), ("bar", 2))),
    ("greet", ("a",), (("name", "b"),)),
    ("greet", ("a", "b"), (("greeting", "c"),)),
    ("greet", (), (("greeting", "x"),)),
    ("greet", ("a",), (("punctuation", "?"), ("greeting", "x"), ("name", "y"))),
    ("mixed", (), ()),
    ("mixed", (1, 2, 3), ()),
    ("mixed", (1, 2, 3), (("c", 4),)),
    ("mixed", (), (("a", 1),)),
    ("mixed", (), (("a", 1), ("b", 2))),
    ("mixed", (1,), (("b", 2),)),
    ("mixed", (1,), (("d", 2),)),
    ("count_args", (), ()),
    ("count_args", (), (("x", 1),)),
    ("count_args", (1,), (("first", 2),)),
    ("ints", (), ()),
    ("ints", (1,), ()),
    ("ints", (1, 2, 3, 4, 5, 6), ()),
    ("ints", (1, 2, 3, 4, 5, 6, 7, 8, 9), ()),
    ("ints", (1, 2, 3, 4, 5, 6, 7, 8), (("a", 1),)),
    ("ints", (1, 2, 3, 4, 5, 6, 7), (("i", 1),)),
    ("wide", (), ()),
    ("wide", (1,), ()),
    ("wide", (), (("b", 1),)),
    ("wide", (1, 2, 3), ()),
    ("wide", (1, 2), (("c", 3),)),
    ("call", (), ()),
    ("call", (1,), (("callable", 1),)),
    ("call", (1,), (("x", 2),)),
]


# Two argument errors PyPy 3.11 words differently from CPython (3.11 and 3.13 alike), as
# (PyPy's wording, CPython's). hpy-core writes CPython's on every runtime, so in these two
# cases the PyPy legs check the message against CPython's wording, not against PyPy's twin.
PYPY_WORDINGS = [
    (
        r"got a positional-only argument passed as keyword argument: '\w+'$",
        r"got some positional-only arguments passed as keyword arguments: '\w+(?:, \w+)*'",
    ),
    (r"got \d+ unexpected keyword arguments$", r"got an unexpected keyword argument '\w+'"),
]


@pytest.mark.parametrize(
    "name, args, kwargs",
    [
        pytest.param(*case, id=_call_id(case))
        for case in PARITY_CASES
    ],
)
def test_argument_errors_read_like_python(name, args, kwargs):
    kwargs = dict(kwargs)
    with pytest.raises(TypeError) as expected:
        PY_TWINS[name](*args, **kwargs)
    python_message = str(expected.value).replace("_py_", "")
    for _ in range(REPEAT):
        with pytest.raises(TypeError) as got:
            getattr(hello, name)(*args, **kwargs)
        cpython = [cp for pypy, cp in PYPY_WORDINGS if PYPY and re.search(pypy, python_message)]
        if cpython:  # an error PyPy words its own way: check CPython's wording instead
            assert re.fullmatch(rf"{re.escape(name)}\(\) {cpython[0]}", str(got.value)), str(got.value)
        else:
            assert str(got.value) == python_message


# ---------------------------------------------------------------------------------------------
# Integers.

INT_PARAMS = [  # (parameter of ints(), Rust type, min, max)
    ("a", "i8", -(2**7), 2**7 - 1),
    ("b", "u8", 0, 2**8 - 1),
    ("c", "i16", -(2**15), 2**15 - 1),
    ("d", "u16", 0, 2**16 - 1),
    ("e", "i32", -(2**31), 2**31 - 1),
    ("f", "u32", 0, 2**32 - 1),
    ("g", "i64", I64_MIN, I64_MAX),
    ("h", "u64", 0, U64_MAX),
]
INT_NAMES = [p[0] for p in INT_PARAMS]


def call_ints(**overrides):
    values = dict.fromkeys(INT_NAMES, 0)
    values.update(overrides)
    return hello.ints(*values.values())


def test_ints_all_limits():
    lows = [p[2] for p in INT_PARAMS]
    highs = [p[3] for p in INT_PARAMS]
    assert hello.ints(*lows) == tuple(lows)
    assert hello.ints(*highs) == tuple(highs)
    assert hello.ints(**dict(zip(INT_NAMES, highs))) == tuple(highs)


@pytest.mark.parametrize("param, rust_type, lo, hi", INT_PARAMS, ids=[p[1] for p in INT_PARAMS])
def test_int_limits(param, rust_type, lo, hi):
    index = INT_NAMES.index(param)
    assert call_ints(**{param: lo})[index] == lo
    assert call_ints(**{param: hi})[index] == hi
    assert call_ints(**{param: Idx(hi)})[index] == hi
    for bad in (lo - 1, hi + 1):
        raises_repeatedly(
            OverflowError,
            call_ints,
            **{param: bad},
            match=rf"^ints\(\) argument '{param}': {bad} does not fit in {rust_type}\b",
        )


def test_int_overflow_message_in_full():
    raises_repeatedly(
        OverflowError,
        call_ints,
        a=128,
        message="ints() argument 'a': 128 does not fit in i8 (expected an int in -128..=127)",
    )


@pytest.mark.parametrize("param", INT_NAMES)
@pytest.mark.parametrize(
    "value, type_name",
    [(1.0, "float"), ("1", "str"), (None, "NoneType"), (b"1", "bytes"), ([1], "list"), (1j, "complex")],
)
def test_ints_reject_non_ints(param, value, type_name):
    raises_repeatedly(
        TypeError, call_ints, **{param: value}, message=f"ints() argument '{param}': expected int, got {type_name}"
    )


def test_ints_accept_bool_and_int_subclasses_and_index():
    assert hello.ints(True, False, True, False, True, False, True, False) == (1, 0, 1, 0, 1, 0, 1, 0)
    assert call_ints(a=IntSub(5), h=IntSub(7)) == (5, 0, 0, 0, 0, 0, 0, 7)
    assert hello.ints(*[Idx(i) for i in range(8)]) == tuple(range(8))
    assert type(hello.add_ints(IntSub(5), 1)) is int


def test_index_overflow_and_errors():
    raises_repeatedly(OverflowError, call_ints, a=Idx(500), match=r"^ints\(\) argument 'a': .* does not fit in i8\b")
    raises_repeatedly(OverflowError, call_ints, h=Idx(-1), match=r"^ints\(\) argument 'h': .* does not fit in u64\b")
    # An exception raised by __index__ passes through unchanged.
    raises_repeatedly(RuntimeError, call_ints, a=BadIndex(), message="bad __index__")
    raises_repeatedly(RuntimeError, call_ints, h=BadIndex(), message="bad __index__")
    raises_repeatedly(TypeError, call_ints, a=Idx("x"), message="ints() argument 'a': expected int, got Idx")


@pytest.mark.parametrize(
    "a, b",
    [(I128_MIN, U128_MAX), (I128_MAX, 0), (0, 0), (-1, 1), (I64_MIN - 1, U64_MAX + 1), (2**100, 2**127)],
)
def test_wide_round_trip(a, b):
    assert hello.wide(a, b) == (a, b)
    assert hello.wide(Idx(a), Idx(b)) == (a, b)


@pytest.mark.parametrize(
    "a, b, param, rust_type",
    [
        (I128_MAX + 1, 0, "a", "i128"),
        (I128_MIN - 1, 0, "a", "i128"),
        (2**200, 0, "a", "i128"),
        (-(2**200), 0, "a", "i128"),
        (0, U128_MAX + 1, "b", "u128"),
        (0, -1, "b", "u128"),
        (0, -(2**127), "b", "u128"),
        (0, 2**200, "b", "u128"),
    ],
)
def test_wide_overflow(a, b, param, rust_type):
    raises_repeatedly(OverflowError, hello.wide, a, b, match=rf"^wide\(\) argument '{param}': .* does not fit in {rust_type}\b")


def test_wide_overflow_message_names_the_value():
    raises_repeatedly(OverflowError, hello.wide, 2**127, 0, match=rf"^wide\(\) argument 'a': {2**127} does not fit in i128")
    raises_repeatedly(OverflowError, hello.wide, 0, -1, match=r"^wide\(\) argument 'b': -1 does not fit in u128")


def test_wide_rejects_non_ints():
    raises_repeatedly(TypeError, hello.wide, 1.0, 0, message="wide() argument 'a': expected int, got float")
    raises_repeatedly(TypeError, hello.wide, 0, "1", message="wide() argument 'b': expected int, got str")
    raises_repeatedly(RuntimeError, hello.wide, BadIndex(), 0, message="bad __index__")


def test_sizes():
    assert hello.sizes(I64_MIN, U64_MAX) == (I64_MIN, U64_MAX)
    assert hello.sizes(I64_MAX, 0) == (I64_MAX, 0)
    raises_repeatedly(OverflowError, hello.sizes, I64_MAX + 1, 0, match=r"^sizes\(\) argument 'a': 9223372036854775808 does not fit in isize\b")
    raises_repeatedly(OverflowError, hello.sizes, I64_MIN - 1, 0, match=r"^sizes\(\) argument 'a': -9223372036854775809 does not fit in isize\b")
    raises_repeatedly(OverflowError, hello.sizes, 0, -1, match=r"^sizes\(\) argument 'b': -1 does not fit in usize\b")
    raises_repeatedly(OverflowError, hello.sizes, 0, U64_MAX + 1, match=r"^sizes\(\) argument 'b': 18446744073709551616 does not fit in usize\b")


def test_u32_argument():
    assert hello.build_dict(0) == {}
    assert hello.build_dict(3) == {"0": 0, "1": 1, "2": 2}
    raises_repeatedly(OverflowError, hello.build_dict, -1, match=r"^build_dict\(\) argument 'n': -1 does not fit in u32\b")
    raises_repeatedly(OverflowError, hello.build_dict, 2**32, match=r"^build_dict\(\) argument 'n': 4294967296 does not fit in u32\b")


# ---------------------------------------------------------------------------------------------
# Floats and bools.


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


@pytest.mark.parametrize("x", [0.0, 1.5, -2.25, 0.1, 1e-30, 3.4028234663852886e38, 2**24 + 1])
def test_to_f32_rounds_through_f32(x):
    assert hello.to_f32(x) == f32(x)
    assert type(hello.to_f32(x)) is float


def test_to_f32_special_values():
    assert hello.to_f32(float("inf")) == math.inf
    assert hello.to_f32(float("-inf")) == -math.inf
    assert math.isnan(hello.to_f32(float("nan")))
    assert math.copysign(1.0, hello.to_f32(-0.0)) == -1.0


def test_floats_accept_ints_bools_and_float_likes():
    assert hello.to_f32(1) == 1.0
    assert hello.to_f32(True) == 1.0
    assert hello.to_f32(FloatSub(1.5)) == 1.5
    assert hello.to_f32(HasFloat()) == 2.5
    # `__index__` objects convert like CPython's PyFloat_AsDouble (3.8+) does, on every runtime:
    # hpy-core calls `__index__` itself where PyPy's HPyFloat_AsDouble does not.
    assert hello.to_f32(Idx(3)) == 3.0
    assert hello.sum_floats([1, 2, True]) == 4.0
    assert hello.sum_floats([2**53]) == float(2**53)


def test_f64_keeps_double_precision():
    assert hello.sum_floats([0.1, 0.2]) == 0.1 + 0.2
    assert hello.sum_floats([1e308, 1e308]) == math.inf
    assert math.isnan(hello.sum_floats([math.inf, -math.inf]))
    assert math.isnan(hello.sum_floats([math.nan]))


def test_floats_reject_non_numbers():
    raises_repeatedly(TypeError, hello.to_f32, "1", message="to_f32() argument 'x': expected float, got str")
    raises_repeatedly(TypeError, hello.to_f32, None, message="to_f32() argument 'x': expected float, got NoneType")
    raises_repeatedly(TypeError, hello.to_f32, 1j, message="to_f32() argument 'x': expected float, got complex")
    # An int too large for a double is Python's own OverflowError.
    raises_repeatedly(OverflowError, hello.to_f32, 2**1100, message="int too large to convert to float")
    raises_repeatedly(OverflowError, hello.sum_floats, [2**1100], match="int too large to convert to float")


def test_bool():
    assert hello.not_(True) is False
    assert hello.not_(False) is True
    assert hello.not_(flag=True) is False


@pytest.mark.parametrize("value, type_name", [(1, "int"), (0, "int"), (None, "NoneType"), ("", "str"), (1.0, "float"), (bool, "type")])
def test_bool_is_strict(value, type_name):
    raises_repeatedly(TypeError, hello.not_, value, message=f"not_() argument 'flag': expected bool, got {type_name}")


# ---------------------------------------------------------------------------------------------
# Strings.

STRINGS = [
    "",
    "abc",
    "straße",
    "Grüße, κόσμε, こんにちは",
    "😀🎉 emoji",
    "a\0b\0",
    "\U0010ffff",
    "x" * (1 << 20),
    "é" * (1 << 20),
    "😀" * (1 << 18),
]
STRING_IDS = ["empty", "ascii", "latin1", "bmp", "emoji", "nul", "max-code-point", "1MB-ascii", "1MB-2byte", "1MB-emoji"]


@pytest.mark.parametrize("s", STRINGS, ids=STRING_IDS)
def test_string_conversions(s):
    assert hello.upper(s) == s.upper()  # String in, String out
    assert hello.char_count(s) == len(s)  # &str (borrowed UTF-8 buffer)
    assert hello.greet(s) == f"Hello, {s}!"  # &str in, String out
    assert hello.swap((1, s)) == (s, 1)
    assert hello.invert({s: 1}) == {1: s}


def test_str_subclass_accepted():
    assert hello.upper(StrSub("ab")) == "AB"
    assert type(hello.upper(StrSub("ab"))) is str


@pytest.mark.parametrize("s", ["\ud800", "a\udfffb", "\ud83d\ude00", "ok\udc80"])
def test_lone_surrogates_raise_unicode_encode_error(s):
    for fn in (hello.upper, hello.char_count, hello.greet, hello.fail):
        exc = raises_repeatedly(UnicodeEncodeError, fn, s)
        assert exc.encoding == "utf-8"
        assert "surrogates not allowed" in str(exc)
    raises_repeatedly(UnicodeEncodeError, hello.greet, "x", punctuation="\ud800")
    raises_repeatedly(UnicodeEncodeError, hello.swap, (1, s))
    raises_repeatedly(UnicodeEncodeError, hello.invert, {s: 1})


@pytest.mark.parametrize("value, type_name", [(b"abc", "bytes"), (1, "int"), (None, "NoneType"), (["a"], "list")])
def test_strings_reject_non_str(value, type_name):
    raises_repeatedly(TypeError, hello.upper, value, message=f"upper() argument 's': expected str, got {type_name}")
    raises_repeatedly(TypeError, hello.char_count, value, message=f"char_count() argument 's': expected str, got {type_name}")


# ---------------------------------------------------------------------------------------------
# Option, tuples, dicts, Vec.


def test_option():
    assert hello.double_or_none(None) is None
    assert hello.double_or_none(4) == 8
    assert hello.double_or_none(-3) == -6
    assert hello.double_or_none(x=None) is None
    raises_repeatedly(TypeError, hello.double_or_none, "x", message="double_or_none() argument 'x': expected int, got str")
    raises_repeatedly(OverflowError, hello.double_or_none, 2**62, message="double_or_none: the result does not fit in i64")
    # Option<T> does not make the parameter optional (no default in the signature).
    raises_repeatedly(TypeError, hello.double_or_none, message="double_or_none() missing 1 required positional argument: 'x'")


def test_tuples():
    assert hello.swap((1, "a")) == ("a", 1)
    assert type(hello.swap((1, "a"))) is tuple
    assert hello.swap((True, "")) == ("", 1)
    assert hello.swap(pair=(2, "b")) == ("b", 2)


@pytest.mark.parametrize(
    "value, exc_type, message",
    [
        ((1,), ValueError, "swap() argument 'pair': expected a tuple of length 2, got one of length 1"),
        ((), ValueError, "swap() argument 'pair': expected a tuple of length 2, got one of length 0"),
        ((1, "a", 2), ValueError, "swap() argument 'pair': expected a tuple of length 2, got one of length 3"),
        (("a", 1), TypeError, "swap() argument 'pair': item 0: expected int, got str"),
        ((1, 2), TypeError, "swap() argument 'pair': item 1: expected str, got int"),
        ([1, "a"], TypeError, "swap() argument 'pair': expected tuple of length 2, got list"),
        (None, TypeError, "swap() argument 'pair': expected tuple of length 2, got NoneType"),
        # list_iterator on CPython, sequenceiterator on PyPy
        (iter([1, "a"]), TypeError, f"swap() argument 'pair': expected tuple of length 2, got {type(iter([])).__name__}"),
    ],
)
def test_tuple_errors(value, exc_type, message):
    raises_repeatedly(exc_type, hello.swap, value, message=message)


def test_tuple_item_overflow():
    raises_repeatedly(OverflowError, hello.swap, (2**64, "a"), match=r"^swap\(\) argument 'pair': item 0: 18446744073709551616 does not fit in i64\b")


def test_dicts():
    assert hello.invert({"a": 1, "b": 2}) == {1: "a", 2: "b"}
    assert hello.invert({}) == {}
    assert hello.invert(DictSub(a=1)) == {1: "a"}
    assert hello.invert({"x": 1, "y": 1}) in ({1: "x"}, {1: "y"})
    assert type(hello.invert({"a": 1})) is dict
    big = {f"k{i}": i for i in range(10_000)}
    assert hello.invert(big) == {v: k for k, v in big.items()}


@pytest.mark.parametrize(
    "value, exc_type, message",
    [
        *(
            case
            for case in [
                ({1: 1}, TypeError, "invert() argument 'd': key: expected str, got int"),
                ({"a": 1, 2: 3}, TypeError, "invert() argument 'd': key: expected str, got int"),
                ({"a": "b"}, TypeError, "invert() argument 'd': value: expected int, got str"),
                ({"a": None}, TypeError, "invert() argument 'd': value: expected int, got NoneType"),
                ({"a": 2**64}, OverflowError, None),
            ]
        ),
        ([("a", 1)], TypeError, "invert() argument 'd': expected dict, got list"),
        (None, TypeError, "invert() argument 'd': expected dict, got NoneType"),
    ],
)
def test_dict_errors(value, exc_type, message):
    exc = raises_repeatedly(exc_type, hello.invert, value, message=message)
    assert "key: " in str(exc) or "value: " in str(exc) or "expected dict" in str(exc)


def test_build_dict():
    d = hello.build_dict(1000)
    assert type(d) is dict
    assert d == {str(i): i for i in range(1000)}


@pytest.mark.parametrize(
    "make",
    [
        lambda: [1.0, 2.5],
        lambda: (1.0, 2.5),
        lambda: iter([1.0, 2.5]),
        lambda: (x for x in [1.0, 2.5]),
        lambda: {1.0: "a", 2.5: "b"},  # any iterable: a dict gives its keys
        lambda: {1.0, 2.5},
        lambda: map(float, ["1", "2.5"]),
    ],
    ids=["list", "tuple", "iterator", "generator", "dict", "set", "map"],
)
def test_vec_from_any_iterable(make):
    assert hello.sum_floats(make()) == 3.5


def test_vec_edge_cases():
    assert hello.sum_floats([]) == 0.0
    assert hello.sum_floats(range(5)) == 10.0
    assert hello.sum_floats([1.0] * 100_000) == 100_000.0
    assert hello.flatten([[1, 2], [3], []]) == [1, 2, 3]
    assert hello.flatten([]) == []
    assert hello.flatten(((1, 2), (3,))) == [1, 2, 3]
    assert hello.flatten([iter([1]), (x for x in [2])]) == [1, 2]
    assert type(hello.flatten([[1]])) is list


@pytest.mark.parametrize(
    "fn, value, message",
    [
        (hello.sum_floats, "ab", "sum_floats() argument 'values': expected a sequence (list or tuple), got str"),
        (hello.sum_floats, 5, "sum_floats() argument 'values': expected a sequence (list or tuple), got int"),
        (hello.sum_floats, None, "sum_floats() argument 'values': expected a sequence (list or tuple), got NoneType"),
        (hello.sum_floats, [1.0, "x"], "sum_floats() argument 'values': item 1: expected float, got str"),
        (hello.sum_floats, Reiterable([1.0, None]), "sum_floats() argument 'values': item 1: expected float, got NoneType"),
        (hello.flatten, "ab", "flatten() argument 'rows': expected a sequence (list or tuple), got str"),
        (hello.flatten, [[1], 2], "flatten() argument 'rows': item 1: expected a sequence (list or tuple), got int"),
        (hello.flatten, [[1], "ab"], "flatten() argument 'rows': item 1: expected a sequence (list or tuple), got str"),
        (hello.flatten, [[1], [2, "x"]], "flatten() argument 'rows': item 1: item 1: expected int, got str"),
        (hello.flatten, [[1.0]], "flatten() argument 'rows': item 0: item 0: expected int, got float"),
    ],
)
def test_vec_errors(fn, value, message):
    raises_repeatedly(TypeError, fn, value, message=message)


def test_vec_item_overflow():
    raises_repeatedly(
        OverflowError,
        hello.flatten,
        [[2**63]],
        match=r"^flatten\(\) argument 'rows': item 0: item 0: 9223372036854775808 does not fit in i64\b",
    )


def test_exception_raised_while_iterating_passes_through():
    def gen():
        yield 1.0
        raise RuntimeError("gen failed")

    class BadIter:
        def __iter__(self):
            raise RuntimeError("bad __iter__")

    for _ in range(REPEAT):
        with pytest.raises(RuntimeError, match="gen failed"):
            hello.sum_floats(gen())
        with pytest.raises(RuntimeError, match="bad __iter__"):
            hello.sum_floats(BadIter())


def test_type_error_raised_while_iterating_passes_through():
    def gen():
        yield 1.0
        raise TypeError("raised by the generator")

    with pytest.raises(TypeError, match="raised by the generator"):
        hello.sum_floats(gen())


def test_container_mutated_during_conversion_does_not_crash():
    lst = []

    class Shrink:
        def __float__(self):
            lst.clear()
            return 1.0

    rows = []

    class ShrinkRows:
        def __index__(self):
            rows.clear()
            return 1

    d = {}

    class ShrinkDict:
        def __index__(self):
            d.clear()
            return 1

    for _ in range(REPEAT):
        lst[:] = [Shrink(), 2.0, 3.0]
        with pytest.raises((IndexError, RuntimeError)):
            hello.sum_floats(lst)
        rows[:] = [[ShrinkRows(), 2], [3]]
        with pytest.raises((IndexError, RuntimeError)):
            hello.flatten(rows)
        d.clear()
        d.update(a=ShrinkDict(), b=2, c=3)
        with pytest.raises((KeyError, RuntimeError)):
            hello.invert(d)
    grow = []

    class Grow:
        def __float__(self):
            grow.extend([1.0] * 10)
            return 1.0

    grow[:] = [Grow(), 2.0]
    assert hello.sum_floats(grow) >= 3.0


# ---------------------------------------------------------------------------------------------
# Errors.


def test_result_with_a_foreign_error_type():
    # `Result<i64, ParseIntError>`: the value and the error are converted apart (the error
    # through `From<ParseIntError> for Error`, which raises ValueError).
    assert hello.parse_decimal(" 42 ") == 42
    assert hello.parse_decimal("-7") == -7
    raises_repeatedly(ValueError, hello.parse_decimal, "4x2", message="invalid digit found in string")
    raises_repeatedly(ValueError, hello.parse_decimal, "", message="cannot parse integer from empty string")
    raises_repeatedly(TypeError, hello.parse_decimal, 4, message="parse_decimal() argument 'text': expected str, got int")


def test_fail():
    exc = raises_repeatedly(ValueError, hello.fail, "boom", message="boom")
    assert exc.args == ("boom",)
    raises_repeatedly(ValueError, hello.fail, "", message="")
    raises_repeatedly(ValueError, hello.fail, "ünïcødé 😀", message="ünïcødé 😀")
    raises_repeatedly(TypeError, hello.fail, 1, message="fail() argument 'msg': expected str, got int")


@pytest.mark.parametrize(
    "kind, exc_type, message, args",
    [
        ("KeyError", KeyError, "'missing'", ("missing",)),
        ("ZeroDivisionError", ZeroDivisionError, "division by zero", ("division by zero",)),
        ("OSError", FileNotFoundError, "no such file", None),
        ("UserWarning", UserWarning, "careful", ("careful",)),
        ("other", TypeError, 'unknown kind "other"', ('unknown kind "other"',)),
        ("", TypeError, 'unknown kind ""', None),
    ],
)
def test_raise_kind(kind, exc_type, message, args):
    exc = raises_repeatedly(exc_type, hello.raise_kind, kind, message=message)
    if args is not None:
        assert exc.args == args
    assert exc.__cause__ is None


def test_io_error_maps_to_the_oserror_subclass():
    exc = raises_repeatedly(FileNotFoundError, hello.raise_kind, "OSError")
    assert isinstance(exc, OSError)


def test_warning_is_raised_not_warned():
    with pytest.raises(UserWarning):
        hello.raise_kind("UserWarning")


@pytest.mark.parametrize(
    "s, expected",
    [("42", 42), (" -7 ", -7), ("+5", 5), (str(I64_MIN), I64_MIN), (str(I64_MAX), I64_MAX)],
)
def test_parse_int(s, expected):
    assert hello.parse_int(s) == expected


@pytest.mark.parametrize(
    "s, message",
    [
        ("x", "invalid digit found in string"),
        ("1_000", "invalid digit found in string"),
        ("٣", "invalid digit found in string"),
        ("", "cannot parse integer from empty string"),
        ("99999999999999999999", "number too large to fit in target type"),
        ("-99999999999999999999", "number too small to fit in target type"),
    ],
)
def test_parse_int_errors_from_rust_error(s, message):
    # std::num::ParseIntError converted with `?` becomes ValueError.
    exc = raises_repeatedly(ValueError, hello.parse_int, s, message=message)
    assert exc.__cause__ is None and exc.__context__ is None


def test_errors_have_a_traceback_pointing_at_the_caller():
    def caller():
        hello.fail("x")

    with pytest.raises(ValueError) as info:
        caller()
    names = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert names[-1] == "caller"


# ---------------------------------------------------------------------------------------------
# Panics.


def panic_type():
    try:
        hello.panic_with("probe")
    except BaseException as exc:  # noqa: BLE001 - that is the point
        return type(exc)
    raise AssertionError("panic_with did not raise")


def test_panic_becomes_panic_exception():
    for _ in range(REPEAT):
        with pytest.raises(BaseException) as info:
            hello.panic_with("oops")
        exc = info.value
        assert type(exc).__name__ == "PanicException"
        assert str(exc) == "oops"
        assert exc.args == ("oops",)
        assert isinstance(exc, BaseException)
        assert not isinstance(exc, Exception)
        assert issubclass(type(exc), BaseException)
        assert not issubclass(type(exc), Exception)


def test_panic_is_not_caught_by_except_exception():
    caught_by = None
    try:
        try:
            hello.panic_with("not an Exception")
        except Exception:  # noqa: BLE001
            caught_by = "Exception"
    except BaseException as exc:  # noqa: BLE001
        caught_by = type(exc).__name__
    assert caught_by == "PanicException"


def test_panic_exception_class_is_stable():
    assert panic_type() is panic_type()


@pytest.mark.parametrize("msg", ["", "ünïcødé 😀", "x" * 10_000, "multi\nline"])
def test_panic_messages(msg):
    with pytest.raises(BaseException) as info:
        hello.panic_with(msg)
    assert type(info.value).__name__ == "PanicException"
    assert str(info.value) == msg


def test_interpreter_keeps_working_after_panics():
    for i in range(50):
        with pytest.raises(panic_type()):
            hello.panic_with(f"panic {i}")
        assert hello.add_ints(i, 1) == i + 1
        assert hello.greet("again") == "Hello, again!"
        raises_repeatedly(ValueError, hello.fail, "still fine", message="still fine", times=1)
    assert hello.build_dict(3) == {"0": 0, "1": 1, "2": 2}


@NESTED_CALL_CRASHES_ON_PYPY_DEBUG
def test_panic_inside_a_nested_call_passes_through():
    for _ in range(REPEAT):
        with pytest.raises(panic_type()) as info:
            hello.call(hello.panic_with, "inner")
        assert str(info.value) == "inner"


def test_panic_with_argument_errors_are_ordinary():
    raises_repeatedly(TypeError, hello.panic_with, 1, message="panic_with() argument 'msg': expected str, got int")


# ---------------------------------------------------------------------------------------------
# Calling back into Python.


@NESTED_CALL_CRASHES_ON_PYPY_DEBUG  # call(hello.add_ints, ...)
def test_call_returns_the_result():
    assert hello.call(len, [1, 2]) == 2
    assert hello.call(lambda *a: a, 1, 2, 3) == (1, 2, 3)
    assert hello.call(lambda: "no args") == "no args"
    assert hello.call(int, "12") == 12
    assert hello.call(hello.add_ints, 1, 2) == 3
    assert hello.call(hello.call, hello.call, hello.add_ints, 1, 2) == 3
    marker = object()
    assert hello.call(lambda x: x, marker) is marker
    assert hello.call(callable=lambda: 5) == 5


@NESTED_CALL_CRASHES_ON_PYPY_DEBUG  # call(hello.count_args, ...)
def test_call_with_many_arguments():
    assert hello.call(lambda *a: a, *range(1000)) == tuple(range(1000))
    assert hello.call(hello.count_args, 1, 2) == (1, 0, 0)


def test_call_errors():
    raises_repeatedly(TypeError, hello.call, 5, message="'int' object is not callable")
    raises_repeatedly(TypeError, hello.call, message="call() missing 1 required positional argument: 'callable'")
    raises_repeatedly(TypeError, hello.call, len, x=1, message="call() got an unexpected keyword argument 'x'")


def test_exceptions_pass_through_call_unchanged():
    original = LookupError("deep")

    def inner():
        raise original

    def outer():
        inner()

    for _ in range(REPEAT):
        with pytest.raises(LookupError) as info:
            hello.call(outer)
        assert info.value is original  # the very same object
        assert type(info.value) is LookupError
        names = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
        assert names[-2:] == ["outer", "inner"]  # the Python frames are kept
        assert info.value.__cause__ is None
        original.__traceback__ = None


@pytest.mark.parametrize(
    "exc",
    [ZeroDivisionError("z"), KeyError("k"), SystemExit(3), KeyboardInterrupt(), StopIteration(5), GeneratorExit()],
    ids=lambda e: type(e).__name__,
)
def test_any_exception_passes_through_call(exc):
    def raiser(*args):
        raise exc

    for _ in range(REPEAT):
        with pytest.raises(type(exc)) as info:
            hello.call(raiser, 1, "two")
        assert info.value is exc


def test_custom_base_exception_passes_through_call():
    class Custom(BaseException):
        pass

    def raiser():
        raise Custom("custom")

    with pytest.raises(Custom, match="custom"):
        hello.call(raiser)


@pytest.mark.crash_xfail(PYPY_UNIVERSAL, reason=BUG_RECURSION, strict=False)
@pytest.mark.xfail(
    PYPY and hello.ABI == "cpython",
    raises=SystemError,
    strict=False,
    reason="PyPy's cpyext: when its C-stack check stops the recursion, the interpreter-level "
    "StackOverflow reaches the caller as SystemError('<StackOverflow object>'), not RecursionError "
    "(which limit comes first depends on the stack left, hence not strict)",
)
def test_recursion_through_call():
    def down(n):
        return hello.call(down, n - 1) if n else "bottom"

    assert down(100) == "bottom"

    def forever():
        return hello.call(forever)

    with pytest.raises(RecursionError):
        forever()
    assert hello.greet("after recursion") == "Hello, after recursion!"


def test_get_attribute():
    assert hello.get_attribute(hello, "VERSION") == "0.1.0"
    assert hello.get_attribute(1, "real") == 1
    assert hello.get_attribute("ab", "upper")() == "AB"
    raises_repeatedly(AttributeError, hello.get_attribute, 1, "nope", message="'int' object has no attribute 'nope'")
    raises_repeatedly(TypeError, hello.get_attribute, 1, 2, message="get_attribute() argument 'name': expected str, got int")
    raises_repeatedly(UnicodeEncodeError, hello.get_attribute, 1, "\ud800")

    class Raising:
        def __getattr__(self, name):
            raise KeyError(name)

    raises_repeatedly(KeyError, hello.get_attribute, Raising(), "x", message="'x'")


class Outer:
    class Inner:
        pass


@pytest.mark.parametrize(
    "obj, name",
    [(1, "int"), (None, "NoneType"), (hello, "module"), ([], "list"), (1.5, "float"), (Outer.Inner(), "Inner"), (Idx(1), "Idx")],
)
def test_type_name(obj, name):
    assert hello.type_name(obj) == name


def test_type_name_non_ascii():
    cls = type("Ünïcødé😀", (), {})
    assert hello.type_name(cls()) == "Ünïcødé😀"
    assert hello.type_name(cls) == "type"


def test_repr_of():
    assert hello.repr_of("a") == "'a'"
    assert hello.repr_of([1, "x"]) == "[1, 'x']"
    assert hello.repr_of("é😀") == "'é😀'"
    assert hello.repr_of(Idx(1)).startswith("<")

    class BadRepr:
        def __repr__(self):
            raise RuntimeError("bad repr")

    class SurrogateRepr:
        def __repr__(self):
            return "\ud800"

    raises_repeatedly(RuntimeError, hello.repr_of, BadRepr(), message="bad repr")
    raises_repeatedly(UnicodeEncodeError, hello.repr_of, SurrogateRepr())


# ---------------------------------------------------------------------------------------------
# Reference counting and threads.


def _refcount_cases():
    o = object()
    s = "unique-" + str(id(o))
    floats = [1.0, 2.0]
    pair = (1, s)
    d = {s: 1}
    ix = Idx(5)
    f = lambda *a: a  # noqa: E731

    def fails(msg):
        raise ValueError(msg)

    return [
        ("identity", lambda: hello.identity(o), o),
        ("call-arg", lambda: hello.call(f, o, o), o),
        ("call-callable", lambda: hello.call(f, o), f),
        ("greet", lambda: hello.greet(s, greeting=s), s),
        ("upper", lambda: hello.upper(s), s),
        ("char_count", lambda: hello.char_count(s), s),
        ("sum_floats", lambda: hello.sum_floats(floats), floats),
        ("sum_floats-gen", lambda: hello.sum_floats(x for x in floats), floats),
        ("swap", lambda: hello.swap(pair), pair),
        ("invert", lambda: hello.invert(d), d),
        ("count_args", lambda: hello.count_args(o, o, o, x=1), o),
        ("index", lambda: hello.add_ints(ix, 1), ix),
        ("wide-index", lambda: hello.wide(ix, ix), ix),
        ("type_name", lambda: hello.type_name(o), o),
        ("repr_of", lambda: hello.repr_of(o), o),
        ("get_attribute", lambda: hello.get_attribute(o, "__class__"), object),
        ("err-type", lambda: hello.greet(o), o),
        ("err-type-class", lambda: hello.greet(o), TypeError),
        ("err-unexpected-kw", lambda: hello.greet(s, foo=o), o),
        ("err-fail", lambda: hello.fail(s), ValueError),
        ("err-fail-msg", lambda: hello.fail(s), s),
        ("err-overflow", lambda: hello.ints(2**70, 0, 0, 0, 0, 0, 0, 0), OverflowError),
        ("err-parse", lambda: hello.parse_int("x"), ValueError),
        ("err-raise-kind", lambda: hello.raise_kind("KeyError"), KeyError),
        ("err-call", lambda: hello.call(fails, s), s),
        ("err-flatten", lambda: hello.flatten([[1], [o]]), o),
        ("err-swap-len", lambda: hello.swap((o,)), o),
        ("err-invert", lambda: hello.invert({s: o}), o),
        ("err-kwargs", lambda: hello.count_args(o, x=o), o),
        ("err-iter", lambda: hello.sum_floats(iter([1.0, o])), o),
        ("panic", lambda: hello.panic_with(s), s),
    ]


@pytest.mark.parametrize(
    "name, fn, obj",
    [
        pytest.param(*case, id=case[0])
        for case in _refcount_cases()
    ],
)
def test_no_reference_leaks(name, fn, obj):
    """Neither the arguments nor (on error paths) the exception objects are leaked."""
    rounds = 50 if name == "panic" else 500

    def run(n):
        for _ in range(n):
            try:
                fn()
            except BaseException:  # noqa: BLE001
                pass

    run(10)
    gc.collect()
    if not hasattr(sys, "getrefcount"):  # not CPython: the calls must at least not fail
        run(rounds)
        return
    before = sys.getrefcount(obj)
    run(rounds)
    gc.collect()
    assert sys.getrefcount(obj) - before == 0


def test_calls_from_several_threads():
    results, errors = [], []

    def worker():
        try:
            total = 0
            for i in range(500):
                total += hello.add_ints(i, 1)
                assert hello.greet("t") == "Hello, t!"
                try:
                    hello.fail("x")
                except ValueError:
                    pass
            results.append(total)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == [sum(range(1, 501))] * 4


def test_overflow_message_shows_the_value_of_an_index_object():
    class Big:
        def __index__(self):
            return 1000

    raises_repeatedly(
        OverflowError,
        hello.ints,
        Big(), 2, 3, 4, 5, 6, 7, 8,
        message="ints() argument 'a': 1000 does not fit in i8 (expected an int in -128..=127)",
    )


@pytest.mark.leaks_on_purpose
def test_debug_mode_leak_detector_is_active():
    """The debug leg is only worth something if leaks are caught: leak one handle on purpose
    and check that hpy.debug.LeakDetector reports it (in the other legs, just call it)."""
    if os.environ.get("HPY", "").lower() != "debug":
        hello.leak_one_handle()
        return
    from hpy.debug import LeakDetector
    from hpy.debug.leakdetector import HPyLeakError

    with pytest.raises(HPyLeakError, match="1 unclosed handle"):
        with LeakDetector():
            hello.leak_one_handle()


def test_user_build_script_sees_the_same_backend():
    """examples/hello/build.rs calls hpy_build::configure(); its cfg must agree with hpy-core."""
    assert hello.BUILD_ABI == hello.ABI


def test_cfg_on_exported_items():
    """`#[cfg]` on a function or a constant inside the module removes its export too."""
    assert hasattr(hello, "only_in_universal_builds") == (hello.ABI == "universal")
    if hello.ABI == "universal":
        assert hello.only_in_universal_builds() is True

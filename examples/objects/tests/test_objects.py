"""The rest of the object API: numbers, comparisons, strings, bytes, builders, slices,
capsules, context variables (guide/objects.md)."""

from __future__ import annotations

import contextvars
import gc
import math
import operator
import os
import sys

import pytest

import objects
from helpers import UNIVERSAL, raises_repeatedly


def test_arithmetic_ints_and_floats():
    for a, b in [(7, 3), (-7, 3), (2**70, 5), (7, -3)]:
        r = objects.arithmetic(a, b)
        assert r == [
            a + b, a - b, a * b, a / b, a // b, a % b, divmod(a, b), a**b if b >= 0 else a**b,
            a << 2, a >> 1, a & b, a | b, a ^ b, -a, +a, abs(a), ~a,
        ]
    raises_repeatedly(pytest, ZeroDivisionError, objects.arithmetic, 1, 0)
    raises_repeatedly(pytest, TypeError, objects.arithmetic, 1.5, 2.0)  # no << for floats


def test_arithmetic_uses_python_operators():
    class N:
        def __add__(self, o):
            return "add"

        def __getattr__(self, name):
            raise AttributeError(name)

    with pytest.raises(TypeError):  # N has only __add__
        objects.arithmetic(N(), 1)


def test_pow_mod_matmul():
    assert objects.pow_mod(3, 4, 5) == pow(3, 4, 5)
    raises_repeatedly(pytest, ValueError, objects.pow_mod, 3, 4, 0)

    class M:
        def __matmul__(self, o):
            return ("@", o)

    m = M()
    assert objects.matmul(m, 1) == (("@", 1), ("@", 1))
    raises_repeatedly(pytest, TypeError, objects.matmul, 1, 2)


@pytest.mark.parametrize(
    "op,a,b",
    [("+", 7, 2), ("-", 7, 2), ("*", 7, 2), ("/", 7, 2), ("//", 7, 2), ("%", 7, 2),
     ("**", 7, 2), ("<<", 7, 2), (">>", 7, 2), ("&", 7, 2), ("|", 7, 2), ("^", 7, 2)],
)
def test_inplace_on_immutables(op, a, b):
    expected = eval(f"a {op} b")
    assert objects.inplace(op, a, b) == expected


def test_inplace_mutates_lists():
    l = [1]
    r = objects.inplace("+", l, [2, 3])
    assert r is l and l == [1, 2, 3]
    r = objects.inplace("*", l, 2)
    assert r is l and l == [1, 2, 3, 1, 2, 3]
    raises_repeatedly(pytest, ValueError, objects.inplace, "?", 1, 2)


def test_number_conversions():
    assert objects.number_conversions("12") == (12, 12.0)
    assert objects.number_conversions(3.9) == (3, 3.9)
    assert objects.index_of(True) == 1
    raises_repeatedly(pytest, TypeError, objects.index_of, 1.5)
    raises_repeatedly(pytest, ValueError, objects.number_conversions, "x")


def test_int_readers():
    assert objects.int_readers(-1) == (2**32 - 1, 2**64 - 1, 2**64 - 1, -1.0)
    assert objects.int_readers(2**62 + 5) == (5, 2**62 + 5, 2**62 + 5, float(2**62 + 5))
    raises_repeatedly(pytest, OverflowError, objects.int_readers, 2**64 + 5)  # the pointer
    assert objects.int_readers(12345)[2] == 12345
    raises_repeatedly(pytest, OverflowError, objects.int_readers, 10**400)
    raises_repeatedly(pytest, TypeError, objects.int_readers, "1")


def test_compare():
    assert objects.compare(1, 2) == ([True, True, False, True, False, False], False, -1)
    assert objects.compare(2, 2) == ([False, True, True, False, False, True], True, 0)
    assert objects.compare("b", "a") == ([False, False, False, True, True, True], False, 1)
    raises_repeatedly(pytest, TypeError, objects.compare, 1, "a")
    e = raises_repeatedly(pytest, TypeError, objects.compare, {1}, {2})
    assert "not ordered" in str(e)
    with pytest.raises(TypeError):
        objects.compare(math.nan, 1.0)

    class Weird:
        def __eq__(self, other):
            return "eq-object"

        __hash__ = None

    assert objects.compare_bool(Weird(), 1, "==") is True
    for op, f in [("<", operator.lt), ("<=", operator.le), ("!=", operator.ne), (">", operator.gt), (">=", operator.ge)]:
        assert objects.compare_bool(3, 4, op) == f(3, 4)


def test_strings():
    n, last, head, utf8, latin1 = objects.string_ops("héllo wörld")
    assert (n, last, head, utf8, latin1) == (11, "d", "hél", "héllo wörld".encode(), "héllo wörld".encode("latin-1"))
    assert objects.string_ops("ab")[2] == "ab"  # substring clamps
    raises_repeatedly(pytest, UnicodeEncodeError, objects.string_ops, "€uro")
    raises_repeatedly(pytest, TypeError, objects.string_ops, b"bytes")
    raises_repeatedly(pytest, UnicodeEncodeError, objects.string_ops, "🎉🎉")  # latin-1
    assert objects.encode_ascii("abc") == b"abc"
    raises_repeatedly(pytest, UnicodeEncodeError, objects.encode_ascii, "é")


def test_str_bytes():
    for s in ["", "abc", "héllo wörld", "€uro 🎉", "x" * 10000]:
        assert objects.str_bytes(s) == s.encode()
    raises_repeatedly(pytest, TypeError, objects.str_bytes, b"bytes")
    # A lone surrogate: CPython raises, PyPy's HPy gives its three-byte (surrogatepass) form.
    try:
        got = objects.str_bytes("a\ud800")
    except UnicodeEncodeError:
        pass
    else:
        assert sys.implementation.name == "pypy"
        assert got == "a\ud800".encode("utf-8", "surrogatepass")


def test_str_data():
    """CPython-ABI mode on CPython: the string's own representation (PEP 393); otherwise
    UTF-8 (surrogatepass form of lone surrogates with PyPy's HPy, UnicodeEncodeError on CPython
    and through PyPy's cpyext)."""
    native = objects.ABI == "cpython" and sys.implementation.name == "cpython"
    samples = {"": "ascii", "abc": "ascii", "héllo": "latin1", "€uro": "ucs2", "a🎉": "ucs4",
               "\ud800x": "ucs2", "é" * 5000: "latin1"}
    for s, kind in samples.items():
        if native:
            assert objects.str_data_of(s) == (kind, [ord(c) for c in s]), s
            continue
        try:
            got = objects.str_data_of(s)
        except UnicodeEncodeError:  # CPython, and PyPy's cpyext
            assert "\ud800" in s
            continue
        assert got == ("utf8", list(s.encode("utf-8", "surrogatepass"))), s
    raises_repeatedly(pytest, TypeError, objects.str_data_of, b"bytes")


def test_decodings():
    data = "h\xe9llo".encode("latin-1")
    ascii_, latin1, utf8, fs = objects.decodings(data)
    assert ascii_ == "h\ufffdllo" and latin1 == "héllo" and utf8 == "h\ufffdllo"
    assert fs == os.fsdecode(data)
    assert objects.decodings("é".encode())[2] == "é"
    assert objects.decode_with(b"caf\xc3\xa9", None, None) == "café"
    assert objects.decode_with(b"caf\xe9", "latin-1", None) == "café"
    assert objects.decode_with(b"caf\xe9", "utf-8", "replace") == "caf\ufffd"
    raises_repeatedly(pytest, UnicodeDecodeError, objects.decode_with, b"\xff", None, None)
    raises_repeatedly(pytest, LookupError, objects.decode_with, b"x", "no-such-codec", None)
    raises_repeatedly(pytest, TypeError, objects.decode_with, "already str", None, None)
    # Any bytes-like object, on every runtime (PyPy's own HPyUnicode_FromEncodedObject
    # takes bytes only; hpy-core copies the buffer there).
    assert objects.decode_with(bytearray(b"caf\xc3\xa9"), None, None) == "café"
    assert objects.decode_with(memoryview(b"caf\xe9"), "latin-1", None) == "café"
    import array

    assert objects.decode_with(array.array("B", b"ok"), "ascii", None) == "ok"
    raises_repeatedly(pytest, TypeError, objects.decode_with, 42, None, None)
    raises_repeatedly(pytest, UnicodeDecodeError, objects.decode_with, bytearray(b"\xff"), None, None)


def test_fs_wide_and_c_strings():
    assert objects.fs_roundtrip("/tmp/é") == (os.fsencode("/tmp/é"), "/tmp/é")
    assert objects.wide("héllo €🎉") == "héllo €🎉"
    assert objects.wide("") == ""
    assert objects.c_strings() == ("héllo", b"raw")
    assert objects.bytes_info(b"abc") == (3, "abc")
    raises_repeatedly(pytest, ValueError, objects.bytes_info, b"a\0b")
    raises_repeatedly(pytest, TypeError, objects.bytes_info, "str")


def test_builders():
    assert objects.squares(0) == ()
    assert objects.squares(5) == (0, 1, 4, 9, 16)
    assert type(objects.squares(3)) is tuple
    lst, errors = objects.builder_checks()
    assert lst == ["zero", "one", "two", None]
    assert errors == [
        "ValueError: list builder item 2 is already set",
        "IndexError: list builder index 9 out of range (length 4)",
        "IndexError: tuple builder is full (1 items)",
    ]


def test_slices():
    assert objects.slice_info(slice(1, None, 2), 10) == ((1, sys.maxsize, 2), (1, 10, 2, 5))
    assert objects.slice_info(slice(None, None, -1), 4)[1] == (3, -1, -1, 4)
    assert objects.slice_info(slice(-3, None), 10)[1] == (7, 10, 1, 3)
    for s in [slice(2, 8, 3), slice(None, -2), slice(-100, 100), slice(5, 1, -2)]:
        start, stop, step, n = objects.slice_info(s, 10)[1]
        assert (start, stop, step) == s.indices(10)
        assert n == len(range(*s.indices(10)))
    raises_repeatedly(pytest, ValueError, objects.slice_info, slice(None, None, 0), 3)
    raises_repeatedly(pytest, TypeError, objects.slice_info, (1, 2), 3)
    assert objects.make_slice(1, 5, None) == slice(1, 5)
    assert objects.make_slice(None, None, -1) == slice(None, None, -1)


def test_typed_capsules():
    gc.collect()  # capsules of earlier tests, kept alive by tracebacks, die first
    before = objects.dropped()
    cap = objects.make_capsule(5, "five")
    assert type(cap).__name__ == "PyCapsule"
    assert objects.capsule_value(cap) == (5, "five")
    assert objects.capsule_meta(cap) == ("objects.Tracked", True, False, False)
    e = raises_repeatedly(pytest, TypeError, objects.capsule_as_wrong_type, cap)
    assert "does not hold" in str(e)
    e = raises_repeatedly(pytest, ValueError, objects.capsule_with_name, cap, "other")
    assert "name mismatch" in str(e)
    assert objects.capsule_with_name(cap, "objects.Tracked") == 5
    assert objects.dropped() == before
    del cap, e  # (the exception's traceback holds a frame that holds the capsule)
    gc.collect()
    assert objects.dropped() == before + 1  # the destructor dropped the Rust value
    raises_repeatedly(pytest, TypeError, objects.capsule_value, "not a capsule")


def test_foreign_capsules_are_not_trusted():
    raw = objects.raw_capsule(1)
    e = raises_repeatedly(pytest, ValueError, objects.capsule_value, raw)  # other name
    import datetime

    c_api = getattr(datetime, "datetime_CAPI", None)  # a C extension's capsule (not on PyPy)
    if c_api is not None:
        e = raises_repeatedly(pytest, ValueError, objects.capsule_value, c_api)
        assert "datetime.datetime_CAPI" in str(e)


def test_raw_capsules():
    gc.collect()
    before = objects.dropped()
    raw = objects.raw_capsule(7)
    assert objects.raw_capsule_value(raw) == 7
    assert objects.rename_raw_capsule(raw, 9) == "objects.u64"
    assert objects.raw_capsule_value(raw) == 9
    assert objects.capsule_meta(raw)[3] is False  # a context was set
    del raw
    gc.collect()
    assert objects.dropped() == before + 1  # our own destructor ran
    raises_repeatedly(pytest, TypeError, objects.raw_capsule_value, 3)


def test_context_variables():
    var = objects.new_var("hpy_var", None)
    assert type(var) is contextvars.ContextVar and var.name == "hpy_var"
    assert objects.var_get(var, None) is None
    assert objects.var_get(var, "fallback") == "fallback"
    token = objects.var_set(var, 42)
    assert type(token) is contextvars.Token
    assert objects.var_get(var, None) == 42 and var.get() == 42
    var.reset(token)
    assert objects.var_get(var, None) is None

    with_default = objects.new_var("with_default", "dflt")
    assert objects.var_get(with_default, None) == "dflt"
    ctx = contextvars.copy_context()
    ctx.run(objects.var_set, with_default, "inner")
    assert ctx[with_default] == "inner" and objects.var_get(with_default, None) == "dflt"
    raises_repeatedly(pytest, TypeError, objects.var_get, "not a var", None)
    raises_repeatedly(pytest, ValueError, objects.new_var, "nul\0", None)


def test_call_function_per_instance():
    # `HPy_SetCallFunction`: one instance switches what calling it does; the others keep
    # `__call__`.
    a, b = objects.Scaler(2.0), objects.Scaler(2.0)
    assert callable(a) and a(3) == 6.0 and a(x=4) == 8.0
    a.invert()
    assert a(3) == 1.5 and a(3, offset=1) == 2.5 and a(x=3, offset=-1.5) == 0.0
    assert b(3) == 6.0, "the other instance keeps __call__"
    with pytest.raises(TypeError, match="offset"):
        b(3, offset=1)  # __call__ has no `offset`
    with pytest.raises(TypeError, match="float"):
        a("three")
    with pytest.raises(TypeError):
        a()
    assert a.calls == 5 and b.calls == 1  # failed calls count nothing
    a.invert()  # again: still dividing
    assert a(1) == 0.5
    a.describe()
    assert a([1, "x"]) == "Scaler(2.0) called with [1, 'x']"
    assert a.calls == 6  # describe_call keeps no state
    zero = objects.Scaler(0.0)
    zero.invert()
    with pytest.raises(ZeroDivisionError, match="zero factor"):
        zero(1)
    # Through every way of calling.
    import functools

    b.invert()
    assert functools.partial(b, offset=10)(4) == 12.0
    assert list(map(b, [2, 4])) == [1.0, 2.0]
    # From Rust (HPy_Call with keywords from a dict).
    assert objects.call_with_dict(b, {"x": 8, "offset": 1}) == 5.0

"""Errors: raising, recovering, type tests, fetching, chaining, tracebacks, warnings
(guide/errors.md). Where universal mode cannot do what CPython-ABI mode does (HPy 0.9 has no
HPyErr_Fetch), the tests say so."""

from __future__ import annotations

import traceback
import warnings

import pytest

import objects
from helpers import UNIVERSAL, raises_repeatedly


def boom():
    raise KeyError("boom")


def test_raise_builtin_and_custom():
    e = raises_repeatedly(pytest, ValueError, objects.check_positive, -1.0)
    assert str(e) == "-1 is not positive"
    assert objects.check_positive(2.0) == 2.0
    e = raises_repeatedly(pytest, objects.ObjectsError, objects.raise_objects_error, "custom")
    assert str(e) == "custom"
    assert issubclass(objects.ObjectsError, ValueError)
    assert objects.ObjectsError.__doc__ == "Raised by the objects example."
    assert objects.ObjectsError.__module__ == "objects"


def test_raise_with_a_type_handle():
    import decimal

    raises_repeatedly(pytest, decimal.InvalidOperation, objects.raise_with, decimal.InvalidOperation, "m")
    e = raises_repeatedly(pytest, KeyError, objects.raise_with, KeyError, "nul\0inside")
    assert e.args == ("nul\0inside",)
    e = raises_repeatedly(pytest, TypeError, objects.raise_with, int, "x")
    assert "must derive from BaseException" in str(e)


def test_raise_value():
    exc = ValueError("an instance")
    with pytest.raises(ValueError) as info:
        objects.raise_value(exc)
    assert info.value is exc
    raises_repeatedly(pytest, KeyError, objects.raise_value, KeyError)
    raises_repeatedly(pytest, TypeError, objects.raise_value, 42)


def test_lookup_or_none():
    d = {"a": 1}
    assert objects.lookup_or_none(d, "a") == 1
    assert objects.lookup_or_none(d, "zz") is None

    class Weird(dict):
        def __getitem__(self, key):
            raise ZeroDivisionError("not a KeyError")

    raises_repeatedly(pytest, ZeroDivisionError, objects.lookup_or_none, Weird(), "a")
    raises_repeatedly(pytest, TypeError, objects.lookup_or_none, d, [])  # unhashable


def test_pass_through_keeps_the_traceback():
    with pytest.raises(KeyError) as info:
        objects.pass_through(boom)
    names = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert "boom" in names


def test_error_matches_pending_exceptions():
    assert objects.error_matches(boom) == ["BaseException", "Exception", "LookupError", "KeyError"]
    assert objects.error_matches(lambda: None) == []
    assert "ZeroDivisionError" in objects.error_matches(lambda: 1 / 0)


def test_error_is_instance_of():
    assert objects.error_is_instance(boom, LookupError) is True
    assert objects.error_is_instance(boom, (ValueError, KeyError)) is True
    assert objects.error_is_instance(boom, ValueError) is False
    assert objects.error_is_instance(lambda: 0, ValueError) is None
    assert objects.rust_error_is_instance(LookupError) == (True, False, False)
    assert objects.rust_error_is_instance(ValueError) == (False, True, False)
    assert objects.rust_error_is_instance((ArithmeticError, KeyError)) == (True, False, True)


def test_catch_returns_the_exception_object():
    ok, value = objects.catch(int, "42")
    assert ok and value == 42
    ok, exc = objects.catch(int, "x")
    assert not ok and type(exc) is ValueError and "invalid literal" in str(exc)
    ok, exc = objects.catch(boom)
    assert not ok and exc.args == ("boom",)
    assert "boom" in [f.name for f in traceback.extract_tb(exc.__traceback__)]
    ok, exc = objects.catch(lambda: (_ for _ in ()).throw(KeyboardInterrupt))
    assert not ok and type(exc) is KeyboardInterrupt  # BaseException too


def test_catch_and_reraise_keeps_the_traceback():
    with pytest.raises(KeyError) as info:
        objects.catch_and_reraise(boom)
    assert "boom" in [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert objects.catch_and_reraise(lambda: 5) == 5


def test_fetch_pending():
    exc = objects.fetch_error(boom)
    if UNIVERSAL:
        assert exc is None  # HPy 0.9: a pending exception cannot be fetched
    else:
        assert type(exc) is KeyError and exc.args == ("boom",)
        assert "boom" in [f.name for f in traceback.extract_tb(exc.__traceback__)]
    assert objects.fetch_error(lambda: 1) is None


def test_fetch_rust_error():
    exc = objects.fetch_rust_error()
    assert type(exc) is IndexError and str(exc) == "out of range"
    assert type(exc.__cause__) is ValueError and str(exc.__cause__) == "inner"


def test_chain_with_a_pending_cause():
    with pytest.raises(RuntimeError) as info:
        objects.wrap(boom)
    e = info.value
    assert str(e) == "calling f failed"
    assert isinstance(e.__cause__, KeyError) and e.__suppress_context__
    if UNIVERSAL:
        # A stand-in of the same built-in type: the original cannot be read.
        assert "not available" in str(e.__cause__)
    else:
        assert e.__cause__.args == ("boom",)
    assert objects.wrap(lambda: 3) == 3


def test_chain_of_rust_errors():
    with pytest.raises(RuntimeError) as info:
        objects.chained()
    assert str(info.value) == "cannot parse the configuration"
    assert type(info.value.__cause__) is ValueError and str(info.value.__cause__) == "bad digit"
    formatted = "".join(traceback.format_exception(info.value))
    assert "direct cause" in formatted


def test_cause_on_a_pending_error():
    with pytest.raises(KeyError) as info:
        objects.pending_with_cause(boom)
    if UNIVERSAL:
        assert info.value.__cause__ is None  # cannot be attached in universal mode
    else:
        assert type(info.value.__cause__) is ValueError


def test_describe_display_debug():
    pending, display, debug = objects.describe_error(lambda: [][1])
    if UNIVERSAL:
        assert pending.startswith("IndexError: <message not available")
    else:
        assert pending == "IndexError: list index out of range"
    assert display == "KeyError: 'missing'"
    assert debug == "Error(KeyError: 'missing', cause: Error(ValueError: inner))"
    assert objects.describe_error(lambda: 0)[0] == "no error"

    class Custom(Exception):
        pass

    def raise_custom():
        raise Custom("text")

    pending = objects.describe_error(raise_custom)[0]
    assert pending == ("Exception: <message not available: HPy 0.9 universal mode cannot fetch a pending exception>" if UNIVERSAL else "Custom: text")


def test_warnings():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert objects.deprecated(5) == 5
    assert len(w) == 1 and w[0].category is DeprecationWarning
    assert str(w[0].message) == "deprecated() is deprecated"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        raises_repeatedly(pytest, DeprecationWarning, objects.deprecated, 5)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        objects.warn_with(UserWarning, "custom category")
    assert w[0].category is UserWarning


def test_unraisable():
    import sys

    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        marker = object()
        objects.unraisable(marker)
    finally:
        sys.unraisablehook = old
    assert len(seen) == 1
    assert type(seen[0].exc_value) is RuntimeError and str(seen[0].exc_value) == "lost in a destructor"
    # CPython passes the object to the hook; PyPy names it in err_msg instead.
    assert seen[0].object is marker or repr(marker) in seen[0].err_msg


def test_errno():
    import errno

    e = raises_repeatedly(pytest, FileNotFoundError, objects.errno_error, errno.ENOENT, "/no/such/é")
    assert e.errno == errno.ENOENT and e.filename == "/no/such/é"
    e = raises_repeatedly(pytest, PermissionError, objects.errno_error2, errno.EACCES, "a", "b")
    assert (e.filename, e.filename2) == ("a", "b")


def test_no_memory():
    raises_repeatedly(pytest, MemoryError, objects.no_memory)


def test_error_state():
    assert objects.error_state(boom) == (False, True, False)

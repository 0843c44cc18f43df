"""Handles and the context: borrowed arguments, owned results, identity, constants, types
(guide/handles.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import objects
from helpers import UNIVERSAL


def test_conftest_is_active(request):
    # examples/conftest.py must have been loaded: it checks the build under test and, under
    # HPY=debug, detects leaks.
    for fixture in ("_hpy_backend_check", "_hpy_leak_check"):
        if fixture not in request.fixturenames:
            pytest.fail("examples/conftest.py was not loaded", pytrace=False)
        assert request.getfixturevalue(fixture) == "examples/conftest.py"


def test_describe():
    assert objects.describe([1, 2, 3]) == "list [1, 2, 3] (len 3)"
    assert objects.describe(3) == "int 3 (no len)"
    assert objects.describe("é") == "str 'é' (len 1)"


def test_first_and_last():
    assert objects.first_and_last([1, 2, 3, 4]) == (1, 4)
    assert objects.first_and_last("abc") == ("a", "c")
    assert objects.first_and_last((None,)) == (None, None)
    with pytest.raises(IndexError):
        objects.first_and_last([])


def test_owned_results_keep_objects_alive():
    class Obj:
        pass

    a, b = Obj(), Obj()
    first, last = objects.first_and_last([a, b])
    assert first is a and last is b
    if hasattr(sys, "getrefcount"):  # not on PyPy
        assert sys.getrefcount(a) < 10


def test_same_object():
    x = object()
    assert objects.same_object(x, x) == (True, True)
    assert objects.same_object(x, object()) == (False, True)
    assert objects.same_object([], []) == (False, True)


def test_constants():
    assert objects.constants() == [None, True, False, Ellipsis, NotImplemented]
    c = objects.constants()
    assert c[0] is None and c[1] is True and c[3] is Ellipsis and c[4] is NotImplemented


def test_builtin_types():
    capsule_type = type(objects.make_capsule(1, "x"))
    assert objects.builtin_types() == [
        object, type, bool, int, float, str, tuple, list, complex, bytes, memoryview,
        capsule_type, slice,
    ]


def test_builtin_exceptions():
    import builtins

    pairs = objects.builtin_exceptions()
    assert len(pairs) == 64
    for name, ty in pairs:
        assert getattr(builtins, name) is ty, name


def test_type_checks():
    assert objects.type_checks(len)["callable"]
    assert objects.type_checks(1.5) == {
        "callable": False, "number": True, "str": False, "bytes": False, "list": False,
        "tuple": False, "dict": False, "type": False, "none": False, "float": True,
        "exact_int": False,
    }
    assert objects.type_checks(True)["exact_int"] is False  # a bool is not exactly an int
    assert objects.type_checks(7)["exact_int"] is True
    assert objects.type_checks(b"")["bytes"] and objects.type_checks("")["str"]
    assert objects.type_checks({})["dict"] and objects.type_checks(())["tuple"]
    assert objects.type_checks([])["list"] and objects.type_checks(int)["type"]
    assert objects.type_checks(None)["none"]


def test_builtin_instance_checks():
    """`is_instance_of_builtin` agrees with `isinstance`, subclasses included (CPython-ABI mode
    tests type flags, universal mode the context's types)."""
    import enum

    class MyInt(int):
        pass

    class MyStr(str):
        pass

    class MyList(list):
        pass

    class MyFloat(float):
        pass

    Color = enum.IntEnum("Color", "RED")
    types = {
        "object": object, "type": type, "bool": bool, "int": int, "float": float, "str": str,
        "tuple": tuple, "list": list, "complex": complex, "bytes": bytes,
        "memoryview": memoryview, "PyCapsule": type(objects.make_capsule(1, "")), "slice": slice,
    }
    samples = [
        None, True, False, 0, 2**100, MyInt(3), Color.RED, 1.5, MyFloat(2.5), 1j, "s",
        MyStr("t"), b"b", bytearray(b"x"), (), (1,), [], MyList(), {}, int, MyInt,
        memoryview(b"m"), slice(1), objects.make_capsule(2, ""), object(),
    ]
    for obj in samples:
        want = {name: isinstance(obj, ty) for name, ty in types.items()}
        assert objects.builtin_instance_checks(obj) == want, obj


def test_is_instance():
    assert objects.is_instance(True, int)
    assert not objects.is_instance(1, bool)
    assert objects.is_instance(KeyError(), LookupError)


def test_type_name_of_type():
    class Local:
        pass

    assert objects.type_name_of_type(int) == "int"
    assert objects.type_name_of_type(Local) == "Local"
    assert objects.type_name_of_type(type(objects.make_capsule(1, ""))) == "PyCapsule"
    import collections

    assert objects.type_name_of_type(collections.OrderedDict) == "OrderedDict"
    # Built-in types that PyPy's cpyext flags as heap types (reading their ht_name crashed).
    assert objects.type_name_of_type(type(...)) == "ellipsis"
    assert objects.type_name_of_type(type(None)) == "NoneType"
    assert objects.type_name_of_type(type(NotImplemented)) == "NotImplementedType"
    assert objects.type_name_of_type(type(len)) == type(len).__name__
    assert objects.type_name_of_type(type(objects)) == "module"
    with pytest.raises(TypeError, match="needs a type"):
        objects.type_name_of_type(3)


def test_is_subtype():
    assert objects.is_subtype(bool, int)
    assert objects.is_subtype(KeyError, Exception)
    assert not objects.is_subtype(int, bool)
    with pytest.raises(TypeError):
        objects.is_subtype(1, int)
    with pytest.raises(TypeError):
        objects.is_subtype(int, 1)


def test_protocol():
    truth, h, n, r, s, a = objects.protocol("é")
    assert (truth, h, n, r, s, a) == (True, hash("é"), 1, "'é'", "é", "'\\xe9'")
    assert objects.protocol(0)[:3] == (False, 0, None)
    with pytest.raises(TypeError, match="unhashable"):
        objects.protocol([])


def test_as_handles_and_bytes():
    assert objects.as_handles("é") == ("'é'", "é", "'\\xe9'")
    if sys.implementation.name != "pypy":  # PyPy's HPy_Bytes takes no iterable of ints
        assert objects.to_bytes([1, 2]) == b"\x01\x02"
    assert objects.to_bytes(bytearray(b"ab")) == b"ab"
    with pytest.raises(TypeError):
        objects.to_bytes(1.5)


def test_dump(capfd):
    objects.dump("dumped!")
    err = capfd.readouterr().err
    assert "dumped!" in err


@pytest.mark.leaks_on_purpose
def test_debug_mode_leak_detector_is_active():
    """Leak one handle on purpose: HPy's debug mode must notice (other legs: just call it)."""
    import os

    if os.environ.get("HPY", "").lower() != "debug":
        objects.leak_one_handle()
        return
    from hpy.debug import LeakDetector
    from hpy.debug.leakdetector import HPyLeakError

    with pytest.raises(HPyLeakError, match="1 unclosed handle"):
        with LeakDetector():
            objects.leak_one_handle()


def test_fatal_error_aborts():
    """`ctx.fatal_error` (HPy_FatalError) aborts the process: run it in a child."""
    code = "import objects; objects.fatal('hpy-rs fatal test')"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    assert "hpy-rs fatal test" in p.stderr

"""Tests of examples/geometry: classes written in Rust with #[hpy_core::class] and
#[hpy_core::methods]. They run in every leg (CPython-ABI, universal, universal under HPy's debug
mode with a leak detector around each test, PyPy); see examples/conftest.py."""

import gc
import inspect
import math
import os
import sys
import weakref

import pytest

import geometry as g
from geometry import Node, Point, Polygon, Vec2

IS_PYPY = sys.implementation.name == "pypy"

IS_PYPY_DEBUG = IS_PYPY and os.environ.get("HPY", "").lower() == "debug"
#: PyPy's own HPy runtime (legs pypy311-universal and -debug), as opposed to the CPython-ABI
#: build that PyPy loads through cpyext (leg pypy311-cpython).
IS_PYPY_HPY = IS_PYPY and g.ABI == "universal"
IS_PYPY_CPYEXT = IS_PYPY and g.ABI == "cpython"

# PyPy's cpyext does not run a cycle collector over C-level objects (tp_traverse is not
# used), so a reference cycle through instances of a CPython-ABI class is never freed there.
CPYEXT_CYCLES_LEAK = pytest.mark.xfail(
    IS_PYPY_CPYEXT,
    strict=True,
    reason="PyPy's cpyext does not collect reference cycles through C extension objects",
)

# PyPy 7.3.19's debug mode aborts ("Wrong HPy Context!") when an HPy function calls Python
# code that calls another HPy function: the inner call invalidates the outer call's context.
# A C extension built with PyPy's own headers does the same.
NESTED_CALL_CRASH = pytest.mark.crash_xfail(
    IS_PYPY_DEBUG,
    reason="PyPy 7.3.19 bug: nested HPy calls abort its debug mode (Wrong HPy Context!)",
)

# PyPy 7.3.19's HPy backend asserts (a fatal RPython AssertionError in
# W_HPyObject._finalize_) when an instance of a *Python* subclass of an HPy type with
# tp_destroy is finalized: `_finalize_` assumes the instance's type is an HPy type.
SUBCLASS_FINALIZER_CRASH = pytest.mark.crash_xfail(
    IS_PYPY_HPY,
    reason="PyPy 7.3.19 bug: finalizing an instance of a Python subclass of an HPy type "
    "asserts in W_HPyObject._finalize_",
)


def collect():
    for _ in range(3):
        gc.collect()


# ---------------------------------------------------------------------------------------------
# Construction, fields, properties.


def test_construction_defaults_and_keywords():
    assert (Vec2().x, Vec2().y) == (0.0, 0.0)
    assert (Vec2(1).x, Vec2(1).y) == (1.0, 0.0)
    v = Vec2(y=2, x=1)
    assert (v.x, v.y) == (1.0, 2.0)
    p = Point(1, 2)
    assert (p.x, p.y, p.label) == (1.0, 2.0, "P")
    assert Point(1, 2, "A").label == "A"
    assert Point(1, 2, label="B").label == "B"


def test_constructor_argument_errors():
    with pytest.raises(TypeError, match=r"^Point\(\) missing 2 required positional arguments: 'x' and 'y'$"):
        Point()
    with pytest.raises(TypeError, match=r"^Point\(\) argument 'x': expected float, got str$"):
        Point("a", 2)
    with pytest.raises(TypeError, match=r"^Vec2\(\) takes from 0 to 2 positional arguments but 3 were given$"):
        Vec2(1, 2, 3)
    with pytest.raises(TypeError, match=r"^Point\(\) got an unexpected keyword argument 'z'$"):
        Point(1, 2, z=3)


def test_frozen_fields_are_read_only():
    v = Vec2(3, 4)
    with pytest.raises(AttributeError):
        v.x = 1.0
    with pytest.raises(AttributeError):
        del v.y
    assert v.x == 3.0


def test_fields_with_setters():
    p = Point(1, 2)
    p.x = 10
    p.y = -2.5
    assert (p.x, p.y) == (10.0, -2.5)
    with pytest.raises(TypeError, match=r"^Point\.x\(\) argument 'value': expected float, got str$"):
        p.x = "nope"
    with pytest.raises(TypeError, match="cannot delete attribute 'x'"):
        del p.x
    assert p.x == 10.0


def test_property_with_validating_setter():
    p = Point(0, 0)
    assert p.label == "P"
    p.label = "home"
    assert p.label == "home"
    with pytest.raises(ValueError, match="^a Point label cannot be empty$"):
        p.label = ""
    assert p.label == "home"
    with pytest.raises(TypeError, match="cannot delete attribute 'label'"):
        del p.label


def test_read_only_property():
    v = Vec2(3, 4)
    assert v.length == 5.0
    with pytest.raises(AttributeError, match="length"):
        v.length = 1.0
    poly = Polygon([(0, 0), (3, 0), (3, 4)])
    assert poly.perimeter == pytest.approx(12.0)


def test_unknown_attributes():
    p = Point(1, 2)
    with pytest.raises(AttributeError):
        p.nope
    if not IS_PYPY:  # PyPy gives every HPy object a __dict__
        with pytest.raises(AttributeError):
            p.nope = 1


# ---------------------------------------------------------------------------------------------
# Methods: instance, static, class, class attributes.


def test_methods():
    p = Point(3, 4)
    assert p.norm() == 5.0
    p.translate(1, -1)
    assert (p.x, p.y) == (4.0, 3.0)
    p.translate(dx=1, dy=1)
    assert (p.x, p.y) == (5.0, 4.0)
    assert Vec2(1, 2).dot(Vec2(3, 4)) == 11.0
    assert Vec2(1, 2).scaled(2) == Vec2(2, 4)
    with pytest.raises(TypeError):
        Vec2(1, 2).scaled(factor=2)  # positional-only


def test_static_method():
    assert Vec2.zero() == Vec2(0, 0)
    assert Vec2(5, 5).zero() == Vec2(0, 0)
    assert isinstance(inspect.getattr_static(Vec2, "zero"), staticmethod)
    assert Node.dropped() >= 0


@NESTED_CALL_CRASH
def test_class_method_receives_the_class():
    v = Vec2.polar(0.0)
    assert type(v) is Vec2
    assert (v.x, v.y) == (1.0, 0.0)
    assert isinstance(inspect.getattr_static(Vec2, "polar"), classmethod)
    if not IS_PYPY:  # PyPy's built-in functions have no __text_signature__
        assert str(inspect.signature(Vec2.polar)) == "(angle)"
    with pytest.raises(TypeError, match=r"Vec2\.polar\(\) argument 'angle': expected float, got str"):
        Vec2.polar("x")


def test_class_attribute():
    assert Vec2.DIMENSIONS == 2
    assert Vec2(1, 2).DIMENSIONS == 2


def test_method_receiving_the_object_itself():
    p = Point(1, 2)
    assert p.me() is p


def doc(obj):
    """`__doc__` without the text signature (PyPy keeps it in `__doc__`)."""
    d = obj.__doc__
    return d.split("\n--\n\n", 1)[-1] if d else d


@pytest.mark.xfail(
    IS_PYPY_CPYEXT,
    strict=True,
    reason="PyPy's cpyext: its method_descriptor type (W_PyCMethodObject) defines no __doc__, "
    "so the methods of a C extension type show None although their ml_doc is set",
)
def test_docs_and_signatures():
    assert doc(Point.norm) == "Distance from the origin."
    if not IS_PYPY:  # PyPy has no __text_signature__ for built-in functions and types
        assert str(inspect.signature(Point.translate)) == "(self, /, dx, dy)"
        assert str(inspect.signature(Point(1, 2).translate)) == "(dx, dy)"
        assert str(inspect.signature(Vec2)) == "(x=0.0, y=0.0)"
    assert doc(Vec2) == "A 2-D vector (immutable: `frozen`), with arithmetic."
    assert Vec2.x.__doc__ == "The x component."
    assert Point.label.__doc__.startswith("The label")
    assert Vec2.__module__ == "geometry"
    assert Vec2.__name__ == "Vec2"
    assert Vec2.__qualname__ == "Vec2"


# ---------------------------------------------------------------------------------------------
# Special methods.


def test_repr_str_hash_eq():
    v = Vec2(3, 4)
    assert repr(v) == "Vec2(3.0, 4.0)"
    assert str(v) == "(3, 4)"
    assert v == Vec2(3, 4) and not (v != Vec2(3, 4))
    assert v != Vec2(4, 3) and not (v == Vec2(4, 3))
    assert hash(v) == hash(Vec2(3, 4))
    assert len({Vec2(1, 1), Vec2(1, 1), Vec2(2, 2)}) == 2
    # `==` with a non-Vec2: NotImplemented on both sides, then identity.
    assert (v == 3) is False
    assert (v != "x") is True


def test_str_and_hash_are_real_slots_where_the_runtime_has_them():
    # On CPython both builds install `tp_str` and `tp_hash` (the type's dict then holds
    # CPython's slot wrappers, and `hash()` calls the Rust function directly); PyPy's HPy has
    # neither slot, so the universal build defines them as methods there.
    for name in ("__str__", "__hash__"):
        kind = type(Vec2.__dict__[name]).__name__
        if IS_PYPY_HPY:
            assert kind != "wrapper_descriptor", name
        elif not IS_PYPY:
            assert kind == "wrapper_descriptor", (name, kind)
    assert str(Vec2(1, 2)) == "(1, 2)" and hash(Vec2(1, 2)) == hash(Vec2(1.0, 2.0))


def test_richcmp():
    a, b = Point(1, 2), Point(1, 2)
    assert a == b and not (a != b)
    assert a != Point(0, 0)
    with pytest.raises(TypeError, match="^Points are not ordered$"):
        a < b
    assert (a == 5) is False  # other does not convert: NotImplemented


def test_bool_len_abs():
    assert bool(Vec2(0, 1)) and not bool(Vec2())
    assert len(Vec2(1, 2)) == 2
    assert abs(Vec2(3, 4)) == 5.0
    assert len(Polygon()) == 0 and not Polygon()


@pytest.mark.parametrize(
    "expr, expected",
    [
        (lambda: Vec2(1, 2) + Vec2(3, 4), Vec2(4, 6)),
        (lambda: Vec2(1, 2) - Vec2(3, 4), Vec2(-2, -2)),
        (lambda: Vec2(1, 2) * 3, Vec2(3, 6)),
        (lambda: 3 * Vec2(1, 2), Vec2(3, 6)),  # reflected
        (lambda: Vec2(2, 4) / 2, Vec2(1, 2)),
        (lambda: Vec2(1, 2) @ Vec2(3, 4), 11.0),
        (lambda: -Vec2(1, -2), Vec2(-1, 2)),
        (lambda: +Vec2(1, -2), Vec2(1, -2)),
    ],
)
def test_number_protocol(expr, expected):
    for _ in range(3):
        assert expr() == expected


def test_binary_operator_with_unconvertible_operand_returns_notimplemented():
    v = Vec2(1, 2)
    assert v.__add__(1) is NotImplemented
    assert v.__mul__("x") is NotImplemented
    with pytest.raises(TypeError, match=r"unsupported operand type\(s\) for \+"):
        v + 1
    with pytest.raises(TypeError, match="unsupported operand"):
        None * v
    with pytest.raises(TypeError):
        v - 1


def test_operator_errors_propagate():
    with pytest.raises(ZeroDivisionError, match="^Vec2 division by zero$"):
        Vec2(1, 1) / 0


def test_reflected_operand_is_a_python_object():
    class Scalar:
        def __float__(self):
            return 2.0

    assert Scalar() * Vec2(1, 2) == Vec2(2, 4)


def test_inplace_operator_mutates_and_returns_self():
    p = Point(1, 1)
    q = p
    p += Vec2(2, 3)
    assert p is q
    assert (p.x, p.y) == (3.0, 4.0)
    with pytest.raises(TypeError):
        p += 5  # no __add__ to fall back on


def test_frozen_inplace_falls_back_to_binary():
    v = Vec2(1, 1)
    w = v
    v += Vec2(1, 1)  # no __iadd__: `v = v + ...`
    assert v == Vec2(2, 2) and w == Vec2(1, 1) and v is not w


def test_sequence_and_mapping_protocol():
    poly = Polygon([(0, 0), (1, 0), (1, 1)])
    assert len(poly) == 3
    assert poly[0] == Vec2(0, 0) and poly[-1] == Vec2(1, 1)
    with pytest.raises(IndexError, match="^polygon index out of range$"):
        poly[3]
    with pytest.raises(TypeError, match=r"Polygon\.__getitem__\(\) argument 'i': expected int, got str"):
        poly["a"]
    poly[1] = Vec2(5, 5)
    assert poly[1] == Vec2(5, 5)
    with pytest.raises(TypeError, match=r"expected Vec2, got tuple"):
        poly[1] = (1, 2)
    del poly[0]
    assert len(poly) == 2 and poly[0] == Vec2(5, 5)
    with pytest.raises(IndexError):
        del poly[7]
    assert Vec2(5, 5) in poly and Vec2(9, 9) not in poly
    assert "not a vector" not in poly  # an operand that does not convert is not contained
    v = Vec2(7, 8)
    assert v[0] == 7.0 and v[1] == 8.0 and v[-2] == 7.0
    with pytest.raises(IndexError):
        v[2]
    with pytest.raises(TypeError, match="does not support item assignment"):
        v[0] = 1


@NESTED_CALL_CRASH
def test_iteration():
    assert list(Vec2(1, 2)) == [1.0, 2.0]
    x, y = Vec2(3, 4)
    assert (x, y) == (3.0, 4.0)
    poly = Polygon([(0, 0), (1, 0)])
    assert list(poly) == [Vec2(0, 0), Vec2(1, 0)]
    it = poly.vertices()
    assert iter(it) is it
    assert next(it) == Vec2(0, 0)
    assert next(it) == Vec2(1, 0)
    with pytest.raises(StopIteration):
        next(it)
    with pytest.raises(StopIteration):
        next(it)
    assert list(poly.vertices()) == [Vec2(0, 0), Vec2(1, 0)]
    assert [v.x for v in poly.vertices()] == [0.0, 1.0]
    # The iterator keeps the polygon alive through a Field.
    it = Polygon([(5, 5)]).vertices()
    collect()
    assert list(it) == [Vec2(5, 5)]


# ---------------------------------------------------------------------------------------------
# Borrowing: receivers, arguments, aliasing.


def test_mutable_self_and_shared_argument():
    a, b = Point(1, 1), Point(7, 8)
    a.snap_to(b)
    assert (a.x, a.y) == (7.0, 8.0)
    a.swap_with(Point(0, 0))
    assert (a.x, a.y) == (0.0, 0.0)


def test_optional_borrowed_arguments():
    a, b = Point(3, 4), Point(0, 1)
    assert a.distance() == 5.0
    assert a.distance(None) == 5.0
    assert a.distance(b) == math.hypot(3, 3)
    assert a.distance(other=b) == math.hypot(3, 3)
    assert a.copy_into(b) is True
    assert (b.x, b.y) == (3.0, 4.0)
    assert a.copy_into(None) is False
    with pytest.raises(TypeError, match=r"^Point\.distance\(\) argument 'other': expected Point, got Vec2$"):
        a.distance(Vec2())
    with pytest.raises(TypeError, match=r"^Point\.copy_into\(\) argument 'target': expected Point, got int$"):
        a.copy_into(3)
    # Aliasing is still checked when the optional borrow is present.
    with pytest.raises(RuntimeError, match="already borrowed"):
        a.copy_into(a)
    assert a.distance(a) == 0.0


def test_frozen_class_is_never_borrowed_mutably():
    poly = Polygon([(1, 2)])
    g.scale_in_place(poly, 2.0)
    assert len(poly) == 1 and poly[0] == Vec2(2, 4)
    v = Vec2(1, 2)
    with pytest.raises(TypeError, match="^cannot borrow this Vec2 object mutably: its class is frozen"):
        g.scale_in_place(v, 2.0)
    assert v == Vec2(1, 2)
    with pytest.raises(TypeError):
        g.scale_in_place(3, 2.0)


def test_conflicting_borrows_raise():
    a = Point(1, 2)
    for _ in range(3):
        with pytest.raises(RuntimeError, match="already borrowed mutably"):
            a.snap_to(a)
        with pytest.raises(RuntimeError, match="already borrowed mutably"):
            a.swap_with(a)
    # The object is still usable: the failed calls released their borrows.
    a.translate(1, 1)
    assert (a.x, a.y) == (2.0, 3.0)


@NESTED_CALL_CRASH
def test_reentrant_call_during_mutable_borrow_raises():
    p = Point(0, 0)
    with pytest.raises(RuntimeError, match="already borrowed mutably"):
        p.with_callback(lambda me: me.translate(1, 1), p)
    # Reading during the mutable borrow is refused too.
    with pytest.raises(RuntimeError, match="already borrowed"):
        p.with_callback(lambda me: me.norm(), p)
    assert (p.x, p.y) == (2.0, 0.0)  # with_callback ran x += 1 twice before calling back


def test_argument_of_the_wrong_class():
    with pytest.raises(TypeError, match=r"^Point\.snap_to\(\) argument 'other': expected Point, got Vec2$"):
        Point(0, 0).snap_to(Vec2())
    with pytest.raises(TypeError, match=r"^Vec2\.dot\(\) argument 'other': expected Vec2, got int$"):
        Vec2().dot(3)
    with pytest.raises(TypeError, match=r"Polygon\.append\(\) argument 'v': expected Vec2, got NoneType"):
        Polygon().append(None)


def test_bad_receiver():
    with pytest.raises(TypeError):
        Point.norm(Vec2())
    with pytest.raises(TypeError):
        Point.norm(5)
    with pytest.raises(TypeError):
        Vec2.dot(Point(1, 1), Vec2())


# ---------------------------------------------------------------------------------------------
# Object life: constructor, Drop, GC, subclasses.


def test_class_without_constructor():
    t = g.make_token(7)
    assert t.id == 7 and type(t) is g.Token
    with pytest.raises(TypeError, match=r"^cannot create 'Token' instances: the class has no constructor"):
        g.Token()
    with pytest.raises(TypeError):
        g.Token.__new__(g.Token)


def test_objects_made_without_the_constructor_are_refused():
    if IS_PYPY:
        # PyPy lets object.__new__ make an instance; it holds no value and says so.
        p = object.__new__(Point)
        with pytest.raises(TypeError, match="was not initialised by its constructor"):
            p.norm()
        with pytest.raises(TypeError, match="was not initialised"):
            p.x
    else:
        with pytest.raises(TypeError):
            object.__new__(Point)

        class Sneaky(Point):
            def __new__(cls, *args):
                return object.__new__(cls)

        with pytest.raises(TypeError):
            Sneaky(1, 2)


def test_drop_runs_when_the_object_dies():
    before = Node.dropped()
    n = Node()
    del n
    collect()
    assert Node.dropped() == before + 1


def test_fields_hold_python_objects():
    n = Node([1, 2])
    assert n.value == [1, 2]
    n.value = "other"
    assert n.value == "other"
    n.value = None
    assert n.value is None
    other = Node()
    n.link(other)
    n.link(5)
    assert n.targets() == [other, 5]
    assert n.targets()[0] is other


def test_field_keeps_its_object_alive():
    class Payload:
        pass

    p = Payload()
    r = weakref.ref(p)
    n = Node(p)
    del p
    collect()
    assert r() is not None and n.value is r()
    del n
    collect()
    assert r() is None


@CPYEXT_CYCLES_LEAK
def test_reference_cycles_through_rust_objects_are_collected():
    collect()
    before = Node.dropped()
    for i in range(50):
        a = Node(i)
        b = Node(a)
        a.link(b)
        b.link(a)
        a.link(a)
    del a, b
    collect()
    assert Node.dropped() - before == 100


@CPYEXT_CYCLES_LEAK
def test_cycle_with_a_finalizer_is_collected():
    finalized = []

    class Holder:
        def __del__(self):
            finalized.append(True)

    h = Holder()
    n = Node(h)
    h.node = n
    del h, n
    collect()
    assert finalized == [True]


class FancyPoint(Point):
    """A Python subclass of a Rust class."""

    def __init__(self, x, y, color="red"):
        super().__init__()
        self.color = color

    def __new__(cls, x, y, color="red"):
        return super().__new__(cls, x, y, "F")

    def norm(self):
        return super().norm() * 10

    def describe(self):
        return f"{self.color} {self.label} at {self.x}, {self.y}"


@SUBCLASS_FINALIZER_CRASH
def test_python_subclass():
    p = FancyPoint(3, 4, color="blue")
    assert isinstance(p, Point) and isinstance(p, FancyPoint)
    assert type(p) is FancyPoint
    assert p.norm() == 50.0
    assert Point.norm(p) == 5.0
    assert p.describe() == "blue F at 3.0, 4.0"
    p.translate(1, 1)
    assert (p.x, p.y) == (4.0, 5.0)
    assert repr(p) == 'FancyPoint(4.0, 5.0, label="F")'
    p.extra = [1, 2]  # subclasses get a __dict__
    assert p.extra == [1, 2]
    assert Point(0, 0).snap_to(p) is None  # a subclass instance is a Point argument
    q = FancyPoint(1, 1)
    q += Vec2(1, 1)
    assert (q.x, q.y) == (2.0, 2.0) and type(q) is FancyPoint
    del p, q
    collect()  # the instances die here (on PyPy: see SUBCLASS_FINALIZER_CRASH)


@SUBCLASS_FINALIZER_CRASH
@CPYEXT_CYCLES_LEAK
def test_python_subclass_instances_are_dropped_and_collected():
    class MyNode(Node):
        pass

    collect()
    before = Node.dropped()
    for _ in range(20):
        a = MyNode("x")
        b = MyNode(a)
        a.link(b)
        b.link(a)
    del a, b
    collect()
    assert Node.dropped() - before == 40


@pytest.mark.skipif(IS_PYPY, reason="PyPy's HPy backend lets Python subclass any HPy type")
def test_non_subclassable_class():
    with pytest.raises(TypeError):

        class Bad(Vec2):
            pass


def test_many_objects():
    pts = [Point(i, i) for i in range(2000)]
    assert sum(p.norm() for p in pts) == pytest.approx(sum(math.hypot(i, i) for i in range(2000)))
    del pts
    collect()


def test_classes_and_instances_types():
    assert type(Vec2) is type
    assert isinstance(Vec2(), Vec2)
    assert not isinstance(Point(1, 2), Vec2)
    assert issubclass(FancyPoint, Point)


# ---------------------------------------------------------------------------------------------
# The buffer protocol.


def test_buffer_protocol():
    s = g.Samples([1.0, 2.5, -3.0])
    m = memoryview(s)
    assert m.format == "d" and m.itemsize == 8 and m.ndim == 1
    assert m.shape == (3,) and m.strides == (8,) and m.nbytes == 24
    assert not m.readonly and m.c_contiguous
    assert m.tolist() == [1.0, 2.5, -3.0]
    m[1] = 10.0  # writes go to the Rust Vec
    assert s.values() == [1.0, 10.0, -3.0]
    m2 = memoryview(s)  # several exports at once
    s.double()  # `&self` methods run while exported
    assert m2.tolist() == m.tolist() == [2.0, 20.0, -6.0]
    # While exported, `&mut self` methods refuse to run (the memory could move).
    with pytest.raises(RuntimeError, match="already borrowed"):
        s.push(1.0)
    m.release()
    with pytest.raises(RuntimeError, match="already borrowed"):
        s.push(1.0)
    m2.release()
    s.push(4.0)
    assert s.values() == [2.0, 20.0, -6.0, 4.0]
    assert bytes(memoryview(s))[:8] == struct_pack_d(2.0)


def test_read_only_buffer():
    b = g.Blob(b"hello")
    with memoryview(b) as m:
        assert m.readonly and m.format == "B" and m.tobytes() == b"hello"
        with pytest.raises(TypeError):
            m[0] = 1
    assert bytes(b) == b"hello"
    # Asking for a writable buffer (here: readinto) is refused.
    import io

    with pytest.raises((BufferError, TypeError)):  # CPython turns our BufferError into TypeError
        io.BytesIO(b"xx").readinto(b)
    assert bytearray(b) == bytearray(b"hello")


def test_exclusive_writable_buffer():
    c = g.Counter()
    with memoryview(c) as m:
        assert m.format == "Q"
        m[0] = 41
        with pytest.raises(RuntimeError, match="already borrowed"):
            c.value
        with pytest.raises(RuntimeError, match="already borrowed"):
            memoryview(c)  # one export at a time
    assert c.value == 41


def struct_pack_d(x):
    import struct

    return struct.pack("d", x)


def test_buffer_of_empty_and_released_objects():
    s = g.Samples([])
    with memoryview(s) as m:
        assert m.tolist() == [] and m.shape == (0,)
    s.double()
    with memoryview(g.Samples([1.0])) as m:
        assert m[0] == 1.0
    collect()


# ---------------------------------------------------------------------------------------------
# Exception types declared in Rust.


def test_exception_types():
    assert issubclass(g.DegenerateError, ValueError)
    assert issubclass(g.EmptyPolygonError, g.DegenerateError)
    assert g.DegenerateError.__module__ == "geometry"
    assert g.DegenerateError.__name__ == "DegenerateError"
    assert g.DegenerateError.__doc__ == "Raised when a shape cannot be measured."
    with pytest.raises(g.EmptyPolygonError, match="^an empty polygon has no centroid$"):
        Polygon().centroid()
    with pytest.raises(g.DegenerateError, match="^a polygon of 2 vertices is degenerate$") as info:
        Polygon([(0, 0), (1, 1)]).centroid()
    assert type(info.value) is g.DegenerateError
    try:
        Polygon().centroid()
    except ValueError as e:  # catchable as the built-in base
        assert isinstance(e, g.EmptyPolygonError)
    assert Polygon([(0, 0), (3, 0), (0, 3)]).centroid() == Vec2(1, 1)


def test_exception_raised_without_arguments():
    p = Polygon([(1, 2)])
    assert p.pop() == Vec2(1, 2)
    with pytest.raises(g.EmptyPolygonError) as info:
        p.pop()
    assert type(info.value) is g.EmptyPolygonError
    assert info.value.args == ()
    assert str(info.value) == ""


def test_exception_types_can_be_raised_and_subclassed_from_python():
    with pytest.raises(g.DegenerateError):
        raise g.EmptyPolygonError("from Python")

    class Mine(g.DegenerateError):
        pass

    assert issubclass(Mine, ValueError)


def test_a_field_of_another_object_is_refused():
    a, b = Node("a"), Node("b")
    assert a.value_through(a) == "a"
    for _ in range(3):
        with pytest.raises(BaseException, match="a Field may only be loaded or stored through the object that contains it") as info:
            a.value_through(b)
        assert type(info.value).__name__ == "PanicException"
    assert a.value_through(a) == "a" and b.value_through(b) == "b"


# Special methods Python looks up by name (no slot): plain methods of the class.


def test_round_looks_up_dunder_round():
    v = Vec2(1.26, -2.5)
    assert round(v) == Vec2(1.0, -2.0)
    assert round(v, 1) == Vec2(1.3, -2.5)
    assert type(round(v)) is Vec2
    with pytest.raises(TypeError):
        round(v, "1")


def test_format_applies_the_spec_to_each_component():
    v = Vec2(1.0, 2.25)
    assert f"{v:.1f}" == "(1.0, 2.2)"
    assert format(v, "") == "(1.0, 2.25)"
    with pytest.raises(ValueError):
        format(v, "q")


def test_copy_and_pickle():
    import copy
    import pickle

    v = Vec2(3.0, 4.0)
    assert copy.copy(v) is v
    w = pickle.loads(pickle.dumps(v))
    assert w == v and type(w) is Vec2
    assert v.__reduce__() == (Vec2, (3.0, 4.0))


def test_reversed_looks_up_dunder_reversed():
    assert list(reversed(Vec2(1.0, 2.0))) == [2.0, 1.0]


def test_polygon_as_a_context_manager():
    with Polygon([(0, 0), (1, 0), (0, 1)]) as p:
        assert isinstance(p, Polygon)
        p.append(Vec2(1.0, 1.0))
    assert len(p) == 4
    with pytest.raises(g.DegenerateError, match="^a polygon of 1 vertices is degenerate$"):
        with Polygon([(0, 0)]):
            pass
    # An exception from the block goes through (`__exit__` returns False).
    with pytest.raises(KeyError):
        with Polygon([(0, 0)]):
            raise KeyError("inner")
    with pytest.raises(TypeError):
        Polygon().__exit__(None, None)


def test_class_getitem_as_a_classmethod():
    alias = Vec2[float]
    assert alias.__origin__ is Vec2 and alias.__args__ == (float,)

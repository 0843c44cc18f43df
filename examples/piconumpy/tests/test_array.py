"""Tests of examples/piconumpy as a user of the module sees it: `piconumpy.array`, a
one-dimensional array of floats, and the functions that make arrays. They run in every leg
(CPython-ABI, universal, universal under HPy's debug mode with a leak detector around each
test, PyPy through its HPy backend and through cpyext, CPython 3.13); see examples/conftest.py.
"""

import array as stdarray
import gc
import math
import os
import struct
import sys
from fractions import Fraction

import pytest

import piconumpy
from piconumpy import array, empty, full, ones, zeros

IS_PYPY = sys.implementation.name == "pypy"
IS_PYPY_DEBUG = IS_PYPY and os.environ.get("HPY", "").lower() == "debug"
#: PyPy's own HPy backend (legs pypy311-universal and -debug), not cpyext.
IS_PYPY_HPY = IS_PYPY and piconumpy.ABI == "universal"

# PyPy 7.3.19's debug mode aborts ("Wrong HPy Context!") when an HPy function calls Python
# code that calls another HPy function (here: array() iterating over a generator that reads
# another array).
NESTED_CALL_CRASH = pytest.mark.crash_xfail(
    IS_PYPY_DEBUG,
    reason="PyPy 7.3.19 bug: nested HPy calls abort its debug mode (Wrong HPy Context!)",
)


def floats(a):
    """The elements of an array as a list, checking that each is a float."""
    out = a.tolist()
    assert type(out) is list and all(type(x) is float for x in out)
    return out


def same(x, y):
    """Float equality that also holds for two NaNs and tells 0.0 from -0.0."""
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return x == y and math.copysign(1.0, x) == math.copysign(1.0, y)


def same_list(xs, ys):
    return len(xs) == len(ys) and all(same(x, y) for x, y in zip(xs, ys))


class Floaty:
    """Not a number type, but converts to one."""

    def __init__(self, v):
        self.v = v

    def __float__(self):
        return self.v


class Big:
    """An int too large for a float, with a short repr."""

    def __float__(self):
        raise OverflowError("int too large to convert to float")

    def __repr__(self):
        return "2 ** 2000"


class Countdown:
    """A plain sequence (`__len__` and `__getitem__`, no `__iter__`) that also has `__float__`,
    like a numpy array of one element: a slice assignment must read it as a sequence."""

    def __init__(self, n, special=None):
        self.n = n
        self.special = special or {}

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return self.special.get(i, float(self.n - i))

    def __float__(self):
        return -1.0


class Indexy:
    """An integer-like object (like numpy's integer scalars)."""

    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


# ---------------------------------------------------------------------------------------------
# The module.


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


def test_module_contents():
    assert piconumpy.array.__name__ == "array"
    assert piconumpy.array.__module__ == "piconumpy"
    for f in (zeros, empty, ones, full):
        assert callable(f) and f.__doc__
    assert "float" in piconumpy.array.__doc__


# ---------------------------------------------------------------------------------------------
# Construction.


@pytest.mark.parametrize(
    "data",
    [
        [],
        [1.5],
        [1.0, -2.0, 3.25],
        (4.0, 5.0),
        range(5),
        [True, False, 7, 2**53],
        [Floaty(2.5), Indexy(3), Fraction(1, 4)],
        list(range(1000)),
        {1.0: "a", 2.0: "b"},
    ],
)
def test_construction_copies_any_iterable_of_numbers(data):
    a = array(data)
    assert floats(a) == [float(x) for x in data]
    assert len(a) == a.size == len(list(data))
    assert a.shape == (a.size,)


def test_construction_from_a_generator_and_an_iterator():
    assert floats(array(x / 2 for x in range(4))) == [0.0, 0.5, 1.0, 1.5]
    assert floats(array(iter([3, 4]))) == [3.0, 4.0]
    assert floats(array(stdarray.array("d", [1.0, 2.0]))) == [1.0, 2.0]


def test_construction_from_an_array_copies_it():
    a = array([1.0, 2.0])
    b = array(a)
    assert b == a and b is not a
    b[0] = 10.0
    assert floats(a) == [1.0, 2.0]
    assert floats(b) == [10.0, 2.0]


@NESTED_CALL_CRASH
def test_construction_from_a_generator_over_an_array():
    a = array([1.0, 2.0, 3.0])
    assert floats(array(2 * x for x in a)) == [2.0, 4.0, 6.0]
    assert floats(array(iter(a))) == [1.0, 2.0, 3.0]


def test_construction_keeps_every_bit():
    values = [0.1, -0.0, 5e-324, 1.7976931348623157e308, math.inf, -math.inf]
    assert same_list(floats(array(values)), values)
    assert math.isnan(array([math.nan])[0])


@pytest.mark.parametrize(
    "data, message",
    [
        (5, r"^array\(\) argument 'data': expected an iterable of numbers, got int$"),
        (None, r"^array\(\) argument 'data': expected an iterable of numbers, got NoneType$"),
        ("1.0", r"^array\(\) argument 'data': expected an iterable of numbers, got str$"),
        ([1.0, "2"], r"^array\(\) argument 'data': item 1: expected float, got str$"),
        ((1.0, 2.0, None), r"^array\(\) argument 'data': item 2: expected float, got NoneType$"),
        ([[1.0, 2.0]], r"^array\(\) argument 'data': item 0: expected float, got list$"),
        (iter([1.0, 2.0, b"x"]), r"^array\(\) argument 'data': item 2: expected float, got bytes$"),
        ([1.0] * 40 + [{}], r"^array\(\) argument 'data': item 40: expected float, got dict$"),
    ],
)
def test_construction_errors(data, message):
    with pytest.raises(TypeError, match=message):
        array(data)


def test_construction_argument_errors():
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'data'"):
        array()
    with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
        array([1.0], [2.0])
    with pytest.raises(TypeError, match="positional-only"):
        array(data=[1.0])


def test_construction_propagates_errors_of_the_items():
    class Bad:
        def __float__(self):
            raise ZeroDivisionError("no float for you")

    with pytest.raises(ZeroDivisionError, match="no float for you"):
        array([1.0, Bad()])
    with pytest.raises(OverflowError, match=r"^array\(\) argument 'data': item 1: 1000.*\(401 characters\) is too large to convert to a float$"):
        array([1.0, 10**400])
    with pytest.raises(OverflowError, match=r"^array\(\) argument 'data': item 2: 2 \*\* 2000 is too large"):
        array(Countdown(3, {2: Big()}))

    def failing():
        yield 1.0
        raise KeyError("generator failed")

    with pytest.raises(KeyError, match="generator failed"):
        array(failing())


def test_the_class_is_not_subclassable():
    # On every runtime, PyPy's HPy backend included (it ignores the missing base-type flag, and
    # aborts when it collects an instance of a subclass): array.__init_subclass__ refuses.
    # (CPython's and cpyext's own message on the type; PyPy's HPy backend: ours.)
    with pytest.raises(TypeError, match="'(piconumpy.)?array' is not an acceptable base type"):

        class Sub(array):
            pass

    with pytest.raises(TypeError, match="not an acceptable base type"):
        type("Sub2", (array,), {})


# ---------------------------------------------------------------------------------------------
# Functions that make arrays.


@pytest.mark.parametrize("n", [0, 1, 7, 10000])
def test_zeros_empty_ones_full(n):
    assert floats(zeros(n)) == [0.0] * n
    assert floats(empty(n)) == [0.0] * n  # never uninitialised memory
    assert floats(ones(n)) == [1.0] * n
    assert floats(full(n, 2.5)) == [2.5] * n
    assert floats(full(n, 3)) == [3.0] * n
    assert zeros(n).size == n


def test_size_arguments_accept_integer_like_objects():
    assert zeros(Indexy(3)).size == 3
    assert ones(size=2).size == 2
    assert floats(full(2, fill_value=Floaty(0.5))) == [0.5, 0.5]


@pytest.mark.parametrize("f", [zeros, empty, ones, lambda n: full(n, 1.0)])
def test_size_errors(f):
    with pytest.raises(ValueError, match=r"\(\): size must be between 0 and 1152921504606846975, got -1$"):
        f(-1)
    with pytest.raises(TypeError, match=r"argument 'size': expected int, got float$"):
        f(2.0)
    with pytest.raises(TypeError, match=r"argument 'size': expected int, got str$"):
        f("3")
    with pytest.raises(MemoryError, match="cannot allocate an array of 576460752303423488 floats"):
        f(2**59)
    for n in [2**60, 2**62, 2**63, 2**64, -(2**70)]:
        with pytest.raises(ValueError, match=rf"\(\): size must be between 0 and 1152921504606846975, got {n}$"):
            f(n)
    with pytest.raises(ValueError, match=r"size must be between 0 and \d+, got 1000.*\(401 characters\)$"):
        f(10**400)


def test_size_error_names_the_function():
    with pytest.raises(ValueError, match=r"^zeros\(\): size must be between 0 and 1152921504606846975, got 9223372036854775808$"):
        zeros(2**63)
    with pytest.raises(ValueError, match=r"^full\(\): size must be between"):
        full(-1, 0.0)


def test_full_errors():
    with pytest.raises(TypeError, match=r"^full\(\) argument 'fill_value': expected float, got str$"):
        full(3, "x")
    with pytest.raises(TypeError, match=r"^full\(\) missing 1 required positional argument: 'fill_value'$"):
        full(3)


# ---------------------------------------------------------------------------------------------
# Indexing.


def test_indexing():
    a = array([10.0, 11.0, 12.0, 13.0])
    assert [a[i] for i in range(4)] == [10.0, 11.0, 12.0, 13.0]
    assert [a[-i] for i in range(1, 5)] == [13.0, 12.0, 11.0, 10.0]
    assert type(a[0]) is float
    assert a[True] == 11.0 and a[False] == 10.0  # bools are ints, as for lists
    assert a[Indexy(2)] == 12.0 and a[Indexy(-1)] == 13.0


@pytest.mark.parametrize("i", [4, 5, -5, -6, 2**40, -(2**40)])
def test_index_out_of_range(i):
    a = array([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(IndexError, match=f"^index {i} is out of bounds for a piconumpy.array of size 4$"):
        a[i]
    with pytest.raises(IndexError, match=f"^index {i} is out of bounds for a piconumpy.array of size 4$"):
        a[i] = 0.0
    assert floats(a) == [1.0, 2.0, 3.0, 4.0]


def test_index_too_large_for_any_array():
    a = array([1.0])
    with pytest.raises(IndexError, match=r"^index 100000000000000000000 is out of bounds for a piconumpy.array of size 1$"):
        a[10**20]
    with pytest.raises(IndexError, match=r"^index 1180591620717411303424 is out of bounds for a piconumpy.array of size 1$"):
        a[2**70]
    with pytest.raises(IndexError, match=r"^index -100000000000000000000 is out of bounds for a piconumpy.array of size 1$"):
        a[-(10**20)] = 1.0


def test_empty_array_has_no_element():
    with pytest.raises(IndexError, match="of size 0"):
        zeros(0)[0]
    with pytest.raises(IndexError, match="of size 0"):
        array([])[-1]


@pytest.mark.parametrize("key", [1.0, "0", None, (0,), [0], Floaty(0.0)])
def test_bad_index_types(key):
    a = array([1.0, 2.0])
    name = type(key).__name__
    with pytest.raises(TypeError, match=f"^piconumpy.array indices must be integers or slices, not {name}$"):
        a[key]
    with pytest.raises(TypeError, match=f"^piconumpy.array indices must be integers or slices, not {name}$"):
        a[key] = 1.0


def test_an_index_whose_conversion_fails_raises_its_error():
    class Bad:
        def __index__(self):
            raise KeyError("bad index")

    with pytest.raises(KeyError, match="bad index"):
        array([1.0])[Bad()]


def test_item_assignment():
    a = zeros(4)
    a[0] = 1.5
    a[-1] = 7  # an int
    a[1] = True
    a[2] = Floaty(-2.5)
    assert floats(a) == [1.5, 1.0, -2.5, 7.0]
    a[Indexy(0)] = Fraction(1, 2)
    assert a[0] == 0.5


def test_item_assignment_errors():
    a = array([1.0, 2.0])
    with pytest.raises(TypeError, match=r"^piconumpy.array item assignment: expected float, got str$"):
        a[0] = "3"
    with pytest.raises(TypeError, match=r"^piconumpy.array item assignment: expected float, got NoneType$"):
        a[1] = None
    with pytest.raises(OverflowError, match=r"^piconumpy.array item assignment: 1000.*\(401 characters\) is too large to convert to a float$"):
        a[0] = 10**400
    with pytest.raises(OverflowError, match=r"^piconumpy.array item assignment: 2 \*\* 2000 is too large to convert to a float$"):
        a[0] = Big()
    with pytest.raises(OverflowError, match=r"^piconumpy.array slice assignment: 2 \*\* 2000 is too large"):
        a[:] = Big()
    with pytest.raises(OverflowError, match=r"^piconumpy.array slice assignment: item 1: 1000.* is too large"):
        a[:] = [1.0, 10**400]
    with pytest.raises(OverflowError, match=r"^piconumpy.array slice assignment: item 0: 2 \*\* 2000 is too large"):
        a[:] = Countdown(2, {0: Big()})
    with pytest.raises(TypeError, match="does not support item deletion"):
        del a[0]
    with pytest.raises(TypeError, match="does not support item deletion"):
        del a[0:1]
    assert floats(a) == [1.0, 2.0]


# ---------------------------------------------------------------------------------------------
# Slices: compared with list slicing, exhaustively on a short array.

BOUNDS = [None, -7, -5, -3, -1, 0, 1, 2, 4, 5, 7]
STEPS = [None, 1, 2, 3, -1, -2, -4]


@pytest.mark.parametrize("step", STEPS)
def test_slicing_matches_lists(step):
    values = [0.5, 1.5, 2.5, 3.5, 4.5]
    a = array(values)
    for start in BOUNDS:
        for stop in BOUNDS:
            s = a[start:stop:step]
            assert type(s) is array
            assert floats(s) == values[start:stop:step], (start, stop, step)


def test_a_slice_is_a_copy():
    a = array([1.0, 2.0, 3.0])
    s = a[:]
    assert s == a and s is not a
    s[0] = 100.0
    assert a[0] == 1.0
    assert a[5:].size == 0 and floats(a[::-1]) == [3.0, 2.0, 1.0]


def test_slice_errors():
    a = array([1.0, 2.0])
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        a[::0]
    with pytest.raises(TypeError):
        a["a":]
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        a[::0] = 1.0


@pytest.mark.parametrize("step", STEPS)
def test_slice_assignment_matches_lists(step):
    values = [0.5, 1.5, 2.5, 3.5, 4.5]
    for start in BOUNDS:
        for stop in BOUNDS:
            expected = list(values)
            n = len(expected[start:stop:step])
            new = [100.0 + k for k in range(n)]
            expected[start:stop:step] = new
            for value in (new, tuple(new), array(new)):
                a = array(values)
                a[start:stop:step] = value
                assert floats(a) == expected, (start, stop, step, type(value))


def test_slice_assignment_of_one_number_fills_the_slice():
    a = zeros(6)
    a[::2] = 1.5
    a[1:4:2] = 7
    a[5:] = Fraction(1, 8)
    assert floats(a) == [1.5, 7.0, 1.5, 7.0, 1.5, 0.125]
    a[10:] = 3.0  # nothing selected
    assert a.size == 6


def test_slice_assignment_from_any_sequence_or_iterable():
    # A sequence with __float__ (as a numpy array has) is still a sequence of values.
    a = zeros(5)
    a[1:3] = Countdown(2)
    assert floats(a) == [0.0, 2.0, 1.0, 0.0, 0.0]
    a[::2] = Countdown(3, {1: Fraction(1, 2)})
    assert floats(a) == [3.0, 2.0, 0.5, 0.0, 1.0]
    a[3:] = (x / 4 for x in range(2))
    a[:2] = range(7, 9)
    assert floats(a) == [7.0, 8.0, 0.5, 0.0, 0.25]
    a[:2] = stdarray.array("d", [5.0, 6.0])
    a[2:4] = memoryview(struct.pack("<2d", 1.5, 2.5)).cast("d")
    a[4:] = {9.0: None}
    assert floats(a) == [5.0, 6.0, 1.5, 2.5, 9.0]
    with pytest.raises(ValueError, match=r"^cannot assign 2 values to a slice of 5 elements"):
        a[:] = Countdown(2)
    # Not iterable: one number for the whole slice.
    a[:] = Floaty(0.25)
    assert floats(a) == [0.25] * 5


def test_slice_assignment_from_a_numpy_array():
    np = pytest.importorskip("numpy")
    a = zeros(4)
    a[1:3] = np.array([1.5, 2.5])
    a[3:] = np.array([7.0])
    a[:1] = np.float64(0.5)
    assert floats(a) == [0.5, 1.5, 2.5, 7.0]


def test_slice_assignment_from_the_array_itself():
    a = array([1.0, 2.0, 3.0, 4.0])
    a[1:] = a[:-1]
    assert floats(a) == [1.0, 1.0, 2.0, 3.0]
    b = array([1.0, 2.0, 3.0, 4.0])
    b[:] = b[::-1]
    assert floats(b) == [4.0, 3.0, 2.0, 1.0]
    c = array([1.0, 2.0, 3.0])
    c[::-1] = c
    assert floats(c) == [3.0, 2.0, 1.0]


def test_slice_assignment_errors():
    a = array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^cannot assign 3 values to a slice of 2 elements of a piconumpy.array$"):
        a[:2] = [7.0, 8.0, 9.0]
    with pytest.raises(ValueError, match=r"^cannot assign 1 values to a slice of 3 elements"):
        a[:] = array([1.0])
    with pytest.raises(ValueError, match=r"^cannot assign 0 values to a slice of 1 elements"):
        a[::3] = ()
    with pytest.raises(TypeError, match="slice assignment: .*item 1: expected float, got str"):
        a[:2] = [1.0, "x"]
    with pytest.raises(TypeError, match=r"^piconumpy.array slice assignment: expected a number or an iterable of numbers, got NoneType$"):
        a[:2] = None
    with pytest.raises(TypeError, match=r"^piconumpy.array slice assignment: expected an iterable of numbers, got str$"):
        a[:2] = "ab"
    assert floats(a) == [1.0, 2.0, 3.0]


# ---------------------------------------------------------------------------------------------
# Iteration and containment.


def test_iteration_yields_floats():
    a = array([1, 2, 3])
    out = list(a)
    assert out == [1.0, 2.0, 3.0] and all(type(x) is float for x in out)
    assert list(zeros(0)) == []
    assert sum(a) == 6.0
    assert sorted(array([3, 1, 2])) == [1.0, 2.0, 3.0]
    assert [x for x in a if x > 1] == [2.0, 3.0]


def test_iterators():
    a = array([1.0, 2.0])
    it = iter(a)
    assert iter(it) is it
    assert type(it).__name__ == "array_iterator"
    assert next(it) == 1.0
    a[1] = 5.0  # read when reached, as a list iterator does
    assert next(it) == 5.0
    with pytest.raises(StopIteration):
        next(it)
    with pytest.raises(StopIteration):
        next(it)
    # Independent iterators.
    i1, i2 = iter(a), iter(a)
    assert next(i1) == 1.0 and next(i1) == 5.0 and next(i2) == 1.0
    with pytest.raises(TypeError):
        type(it)()


def test_reversed_matches_iteration_backwards():
    for values in ([], [1.0], [1.0, 2.5, -3.0], [float(i) for i in range(10)]):
        a = array(values)
        out = list(reversed(a))
        assert out == list(a)[::-1] == values[::-1] and all(type(x) is float for x in out)
    a = array([1.0, 2.0, 3.0])
    it = reversed(a)
    assert iter(it) is it
    assert next(it) == 3.0
    a[0] = 9.0  # read when reached, like reversed() on a list
    assert list(it) == [2.0, 9.0]
    with pytest.raises(StopIteration):
        next(it)
    gc.collect()
    assert list(reversed(array([4.0, 5.0]))) == [5.0, 4.0]


def test_an_iterator_keeps_its_array_alive():
    it = iter(array([4.0, 5.0]))
    gc.collect()
    assert list(it) == [4.0, 5.0]


def test_contains():
    a = array([1.0, 2.5, -0.0])
    assert 2.5 in a and 1 in a and 0.0 in a and True in a
    assert 3.0 not in a
    assert "x" not in a and None not in a
    assert math.nan not in array([math.nan])  # NaN equals nothing


# ---------------------------------------------------------------------------------------------
# Arithmetic.

OPS = {
    "+": (lambda x, y: x + y),
    "-": (lambda x, y: x - y),
    "*": (lambda x, y: x * y),
    "/": (lambda x, y: x / y),
}


def ieee_div(x, y):
    """x / y with IEEE 754 semantics (Python raises instead)."""
    if y == 0:
        if x == 0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def elementwise(op, xs, ys):
    f = ieee_div if op == "/" else OPS[op]
    return [f(x, y) for x, y in zip(xs, ys)]


@pytest.mark.parametrize("op", OPS)
def test_array_op_array(op):
    xs = [1.0, -2.5, 3.0, 0.0, 1e300]
    ys = [4.0, 0.5, -3.0, 2.0, 1e10]
    a, b = array(xs), array(ys)
    c = OPS[op](a, b)
    assert type(c) is array and c is not a and c is not b
    assert same_list(floats(c), elementwise(op, xs, ys))
    assert floats(a) == xs and floats(b) == ys  # operands unchanged


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("scalar", [2.0, 3, -0.5, True, Floaty(4.0), Fraction(3, 2)])
def test_array_op_scalar_both_ways(op, scalar):
    xs = [1.0, -2.5, 3.0, 7.0]
    a = array(xs)
    s = float(scalar)
    assert same_list(floats(OPS[op](a, scalar)), elementwise(op, xs, [s] * len(xs)))
    assert same_list(floats(OPS[op](scalar, a)), elementwise(op, [s] * len(xs), xs))
    assert floats(a) == xs


def test_division_by_zero_follows_ieee_754():
    r = floats(array([1.0, -1.0, 0.0]) / 0)
    assert r[:2] == [math.inf, -math.inf] and math.isnan(r[2])
    assert floats(array([1.0, -1.0]) / -0.0) == [-math.inf, math.inf]
    assert floats(array([1.0]) / array([-0.0])) == [-math.inf]
    assert same_list(floats(0.0 / array([0.0, 2.0])), [math.nan, 0.0])


@pytest.mark.parametrize("op", OPS)
def test_size_mismatch_names_both_sizes(op):
    with pytest.raises(ValueError, match=rf"^operands of \{op} have different sizes: 3 and 2 "):
        OPS[op](array([1.0, 2.0, 3.0]), array([1.0, 2.0]))
    with pytest.raises(ValueError, match=rf"^operands of \{op} have different sizes: 0 and 1 "):
        OPS[op](zeros(0), ones(1))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("other", ["2", None, [1.0, 2.0], (1.0,), {}, object(), 1j])
def test_unsupported_operands(op, other):
    a = array([1.0, 2.0])
    # "unsupported operand type(s)", or what a sequence says when it gets to try (list + x:
    # "can only concatenate list ...").
    with pytest.raises(TypeError):
        OPS[op](a, other)
    with pytest.raises(TypeError):
        OPS[op](other, a)
    if not isinstance(other, (str, list, tuple)):
        with pytest.raises(TypeError, match="unsupported operand type"):
            OPS[op](a, other)


def test_scalar_conversion_errors_are_raised():
    a = array([1.0])
    with pytest.raises(OverflowError):
        a + 10**400
    with pytest.raises(OverflowError):
        10**400 * a

    class Bad:
        def __float__(self):
            raise ArithmeticError("broken __float__")

    with pytest.raises(ArithmeticError, match="broken __float__"):
        a - Bad()


def test_operators_of_the_other_operand_come_first():
    class Other:
        def __add__(self, other):
            return "Other.__add__"

        def __radd__(self, other):
            return "Other.__radd__"

    a = array([1.0])
    assert Other() + a == "Other.__add__"
    assert a + Other() == "Other.__radd__"


def test_unary_operators():
    xs = [1.5, -2.0, 0.0, -0.0]
    a = array(xs)
    assert same_list(floats(-a), [-x for x in xs])
    assert same_list(floats(+a), xs) and +a is not a
    assert same_list(floats(abs(a)), [abs(x) for x in xs])
    assert floats(a) == xs


@pytest.mark.parametrize("op", OPS)
def test_in_place_operators(op):
    xs = [1.0, 2.0, -4.0]
    ys = [0.5, -1.0, 8.0]
    for other, expected in [
        (array(ys), elementwise(op, xs, ys)),
        (2.0, elementwise(op, xs, [2.0] * 3)),
        (3, elementwise(op, xs, [3.0] * 3)),
    ]:
        a = array(xs)
        b = a
        if op == "+":
            b += other
        elif op == "-":
            b -= other
        elif op == "*":
            b *= other
        else:
            b /= other
        assert b is a  # modified in place
        assert floats(a) == expected


def test_in_place_with_itself():
    a = array([1.0, 2.0, 3.0])
    a += a
    assert floats(a) == [2.0, 4.0, 6.0]
    a *= a
    assert floats(a) == [4.0, 16.0, 36.0]
    a -= a
    assert floats(a) == [0.0, 0.0, 0.0]


def test_in_place_errors():
    a = array([1.0, 2.0])
    with pytest.raises(ValueError, match=r"^operands of \+= have different sizes: 2 and 3 "):
        a += array([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="unsupported operand type"):
        a /= None
    with pytest.raises(TypeError):
        a *= "x"
    with pytest.raises(TypeError, match="unsupported operand type"):
        a -= [1.0, 2.0]
    assert floats(a) == [1.0, 2.0]


def test_in_place_on_a_number_makes_an_array():
    x = 1.0
    x += array([1.0, 2.0])
    assert type(x) is array and floats(x) == [2.0, 3.0]


# ---------------------------------------------------------------------------------------------
# Comparison, hashing, truth.


def test_equality_compares_whole_arrays():
    a = array([1.0, 2.0])
    assert a == array([1, 2]) and not (a != array([1, 2]))
    assert a != array([1.0, 2.5]) and not (a == array([1.0, 2.5]))
    assert a != array([1.0]) and a != array([1.0, 2.0, 3.0])
    assert zeros(0) == array([])
    assert array([0.0]) == array([-0.0])
    n = array([math.nan])
    assert n != n  # NaN equals nothing, as in lists of floats compared element by element
    # Other types are never equal (the comparison falls back to identity).
    assert a != [1.0, 2.0] and not (a == [1.0, 2.0])
    assert a != (1.0, 2.0) and a != 1.0
    assert (a == a) is True and (a != a) is False


def test_arrays_are_not_ordered():
    a = array([1.0])
    for cmp in (lambda x, y: x < y, lambda x, y: x <= y, lambda x, y: x > y, lambda x, y: x >= y):
        with pytest.raises(TypeError):
            cmp(a, array([2.0]))


def test_arrays_are_not_hashable():
    with pytest.raises(TypeError, match="unhashable type: 'piconumpy.array'"):
        hash(array([1.0]))
    with pytest.raises(TypeError):
        {array([1.0]): 1}


def test_truth_is_non_emptiness():
    assert array([0.0]) and not array([]) and bool(zeros(3))


# ---------------------------------------------------------------------------------------------
# repr and tolist.


def test_repr():
    assert repr(array([])) == "array([])"
    assert repr(array([1, 2.5])) == "array([1.0, 2.5])"
    assert str(array([1.0])) == "array([1.0])"
    values = [0.1, -0.0, 1e-05, 0.0001, 1e16, 1.5e-300, 12345678901234567.0, math.inf, -math.inf, math.nan]
    assert repr(array(values)) == "array([" + ", ".join(repr(x) for x in values) + "])"


def test_repr_of_every_kind_of_float():
    # Doubles from bit patterns across the whole exponent range, and decimal round numbers.
    import random

    rng = random.Random(1234)
    values = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(3000)]
    values += [10.0**e for e in range(-330, 309)] + [2.0**e for e in range(-1080, 1024, 7)]
    values += [rng.uniform(-1e6, 1e6) for _ in range(1000)] + [float(i) for i in range(-50, 50)]
    expected = "array([" + ", ".join(repr(x) for x in values) + "])"
    assert repr(array(values)) == expected


@pytest.mark.parametrize(
    "x",
    [1e16, 1e-5, 0.1 + 0.2, 5e-324, 1.7976931348623157e308, -0.0, math.inf, -math.inf, math.nan,
     9007199254740993.0, 2.0**-1074 * 3, 1e15 + 0.5, 123456789012345680.0, 0.3, 2.0**63, 1e22, 1e23,
     9.5e-5, 0.0001, 999999999999999.9, 9999999999999998.0, 1e-4 * 3, 5e-5],
)
def test_repr_of_each_float_matches_python(x):
    # Shortest round-trip digits, Python's notation; ties and the boundaries of notations.
    assert repr(array([x])) == f"array([{x!r}])"
    assert repr(array([-x])) == f"array([{-x!r}])"


def test_repr_of_exact_ties_between_two_shortest_strings():
    # 1e15 + 0.25 is as close to 1000000000000000.2 as to ...0.3: Python takes the even digit
    # (Rust's shortest formatting alone takes the upper one).
    assert repr(array([1e15 + 0.25])) == "array([1000000000000000.2])"
    values = [2.0**e + k * 2.0 ** (e - 52) for e in range(40, 60) for k in range(64)]
    assert repr(array(values)) == "array([" + ", ".join(repr(x) for x in values) + "])"


def test_repr_of_floats_near_powers_of_ten_and_halfway_values():
    values = []
    for e in range(-325, 309):
        for s in ("1", "5", "9.999999999999999", "1.0000000000000002", "2.5", "7.5"):
            x = float(f"{s}e{e}")
            values += [x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf)]
    expected = "array([" + ", ".join(repr(x) for x in values) + "])"
    assert repr(array(values)) == expected


def test_tolist():
    a = array([3.0, 4.5])
    out = a.tolist()
    assert out == [3.0, 4.5]
    out.append(1.0)  # a new list
    assert a.size == 2
    assert zeros(0).tolist() == []


@pytest.mark.parametrize("n", [3, 16, 1000])
def test_tolist_keeps_every_bit(n):
    values = [-0.0, math.inf, -math.inf, math.nan, 5e-324, 0.1, -1e300]
    data = (values * n)[:n]
    out = array(data).tolist()
    assert type(out) is list and all(type(x) is float for x in out)
    assert struct.pack(f"{n}d", *out) == struct.pack(f"{n}d", *data)


def test_copy():
    a = array([1.0, 2.0])
    a.writeable = False
    b = a.copy()
    assert b == a and b is not a and b.writeable
    b[0] = 9.0
    assert a[0] == 1.0


# ---------------------------------------------------------------------------------------------
# Attributes.


def test_read_only_attributes():
    a = array([1.0])
    with pytest.raises(AttributeError):
        a.size = 3
    with pytest.raises(AttributeError):
        a.shape = (2,)
    if not IS_PYPY:  # PyPy gives instances of C and HPy types a __dict__
        with pytest.raises(AttributeError):
            a.anything = 1
    with pytest.raises(AttributeError):
        a.nonexistent
    assert a.size == 1


# ---------------------------------------------------------------------------------------------
# The buffer protocol.


def test_memoryview():
    a = array([1.0, 2.5, -3.0])
    with memoryview(a) as m:
        assert m.format == "d" and m.itemsize == 8 and m.ndim == 1
        assert m.shape == (3,) and m.strides == (8,) and m.nbytes == 24
        assert not m.readonly and m.c_contiguous and m.contiguous
        assert m.tolist() == [1.0, 2.5, -3.0]
        if not IS_PYPY_HPY:  # PyPy's HPy backend leaves memoryview.obj None
            assert m.obj is a
        m[1] = 10.0  # writes reach the array
        assert a[1] == 10.0
        a[2] = 7.0  # and the other way round
        assert m[2] == 7.0
        a *= 2.0
        assert m.tolist() == [2.0, 20.0, 14.0]
    assert bytes(memoryview(a)) == struct.pack("<3d", 2.0, 20.0, 14.0)


def test_several_memoryviews_at_once():
    a = zeros(4)
    m1, m2 = memoryview(a), memoryview(a)
    m1[0] = 1.0
    assert m2[0] == 1.0
    m3 = m1[1:3]
    m3[0] = 5.0
    assert a[1] == 5.0
    m3.release()
    m1.release()
    m2[3] = 2.0
    m2.release()
    assert floats(a) == [1.0, 5.0, 0.0, 2.0]


def test_buffer_consumers():
    a = array([1.0, 2.0, 3.0])
    assert stdarray.array("d", bytes(a)).tolist() == [1.0, 2.0, 3.0]
    assert struct.unpack("<3d", a) == (1.0, 2.0, 3.0)
    # A writable consumer: read bytes into the array's memory.
    import io

    io.BytesIO(struct.pack("<2d", 8.0, 9.0)).readinto(a)
    assert floats(a) == [8.0, 9.0, 3.0]
    b = bytearray(8)
    memoryview(b).cast("d")[0] = 0.5
    a[0:1] = memoryview(b).cast("d").tolist()
    assert a[0] == 0.5


def test_memoryview_of_an_empty_array():
    with memoryview(zeros(0)) as m:
        assert m.tolist() == [] and m.shape == (0,) and m.nbytes == 0


def test_memoryview_keeps_the_array_alive():
    m = memoryview(array([1.0, 2.0]))
    gc.collect()
    assert m.tolist() == [1.0, 2.0]
    m.release()


def test_read_only_arrays():
    a = array([1.0, 2.0])
    assert a.writeable is True
    a.writeable = False
    assert a.writeable is False
    with pytest.raises(ValueError, match="^assignment: the array is read-only"):
        a[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        a[:] = 5.0
    with pytest.raises(ValueError, match=r"^\+=: the array is read-only"):
        a += 1.0
    with pytest.raises(ValueError, match=r"^/=: the array is read-only"):
        a /= array([1.0, 2.0])
    assert floats(a) == [1.0, 2.0]
    # Reading, and making new arrays, still work.
    assert floats(a + 1.0) == [2.0, 3.0] and a[1] == 2.0 and a == a.copy()
    with memoryview(a) as m:
        assert m.readonly
        with pytest.raises(TypeError):
            m[0] = 3.0
    import io

    with pytest.raises((BufferError, TypeError)):  # CPython reports our BufferError as TypeError
        io.BytesIO(b"12345678").readinto(a)
    assert floats(a) == [1.0, 2.0]
    a.writeable = True
    a[0] = 3.0
    with memoryview(a) as m:
        assert not m.readonly
    assert floats(a) == [3.0, 2.0]


def test_writeable_takes_any_truth_value():
    a = array([1.0])
    a.writeable = 0  # like numpy's flag
    assert a.writeable is False
    with memoryview(a) as m:
        assert m.readonly
    a.writeable = 1
    assert a.writeable is True
    with memoryview(a) as m:
        assert not m.readonly
        m[0] = 2.0  # a writable buffer writes the array
    assert a[0] == 2.0
    a.writeable = []
    assert a.writeable is False
    a.writeable = "yes"
    assert a.writeable is True

    class Bad:
        def __bool__(self):
            raise KeyError("no truth")

    with pytest.raises(KeyError, match="no truth"):
        a.writeable = Bad()
    assert a.writeable
    with pytest.raises((TypeError, AttributeError)):
        del a.writeable
    assert a.writeable


# ---------------------------------------------------------------------------------------------
# Memory and references.


def test_many_arrays():
    arrays = [full(100, float(i)) for i in range(2000)]
    assert sum(a[99] for a in arrays) == sum(range(2000))
    del arrays
    gc.collect()


def test_large_arrays():
    n = 1_000_000
    a = ones(n)
    b = a * 2.0 + a
    assert b.size == n and b[0] == 3.0 and b[-1] == 3.0
    del a, b


@pytest.mark.skipif(IS_PYPY, reason="reference counts are a CPython notion")
def test_no_reference_leaks():
    x = 12345.678
    a = array([1.0, 2.0])
    before = sys.getrefcount(x), sys.getrefcount(a)
    for _ in range(100):
        a * x
        x - a
        a[0] = x
        a[1]
        a[0:1]
        a[0:1] = x
        list(a)
        a == a
        a += x
        memoryview(a).release()
    assert (sys.getrefcount(x), sys.getrefcount(a)) == before

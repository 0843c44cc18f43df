"""Every conversion round-tripped, edge values included (guide/conversions.md)."""

from __future__ import annotations

import array
import math
from collections import OrderedDict

import pytest

import objects
from helpers import (
    I64_MAX, I64_MIN, I128_MAX, I128_MIN, U64_MAX, U128_MAX, UNIVERSAL, raises_repeatedly,
)


class Idx:
    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


class FloatLike:
    def __float__(self):
        return 2.5


INT_TYPES = {
    "i8": (-(2**7), 2**7 - 1),
    "u8": (0, 2**8 - 1),
    "i16": (-(2**15), 2**15 - 1),
    "u16": (0, 2**16 - 1),
    "i32": (-(2**31), 2**31 - 1),
    "u32": (0, 2**32 - 1),
    "i64": (I64_MIN, I64_MAX),
    "u64": (0, U64_MAX),
    "isize": (I64_MIN, I64_MAX),
    "usize": (0, U64_MAX),
    "i128": (I128_MIN, I128_MAX),
    "u128": (0, U128_MAX),
}


@pytest.mark.parametrize("name", sorted(INT_TYPES))
def test_int_limits(name):
    f = getattr(objects, f"rt_{name}")
    lo, hi = INT_TYPES[name]
    for v in (lo, hi, 0, 1, lo + 1, hi - 1):
        assert f(v) == v
        assert type(f(v)) is int
    assert f(Idx(hi)) == hi  # __index__ is honoured
    assert f(True) == 1
    for bad in (lo - 1, hi + 1, 2**200, -(2**200)):
        e = raises_repeatedly(pytest, OverflowError, f, bad)
        assert f"does not fit in {name}" in str(e)
        assert f"rt_{name}() argument 'x'" in str(e)
    e = raises_repeatedly(pytest, TypeError, f, "1")
    assert str(e) == f"rt_{name}() argument 'x': expected int, got str"
    raises_repeatedly(pytest, TypeError, f, 1.0)


def test_huge_ints_that_fit():
    assert objects.rt_u128(2**127 + 12345) == 2**127 + 12345
    assert objects.rt_i128(-(2**100) - 7) == -(2**100) - 7
    assert objects.rt_u64(2**63) == 2**63


@pytest.mark.parametrize(
    "v", [0.0, -0.0, 1.5, -1e308, 1e-320, math.inf, -math.inf, 2.0**1023, 5e-324]
)
def test_f64(v):
    r = objects.rt_f64(v)
    assert r == v and math.copysign(1, r) == math.copysign(1, v)


def test_f64_nan_and_coercions():
    assert math.isnan(objects.rt_f64(math.nan))
    assert objects.rt_f64(3) == 3.0 and type(objects.rt_f64(3)) is float
    assert objects.rt_f64(FloatLike()) == 2.5
    assert objects.rt_f64(Idx(4)) == 4.0
    with pytest.raises(OverflowError):
        objects.rt_f64(10**400)
    e = raises_repeatedly(pytest, TypeError, objects.rt_f64, "1.0")
    assert str(e) == "rt_f64() argument 'x': expected float, got str"


def test_f32():
    assert objects.rt_f32(1.5) == 1.5
    assert objects.rt_f32(0.1) == pytest.approx(0.1, rel=1e-7) and objects.rt_f32(0.1) != 0.1
    assert objects.rt_f32(1e39) == math.inf
    assert math.isnan(objects.rt_f32(math.nan))


def test_bool():
    assert objects.rt_bool(True) is True and objects.rt_bool(False) is False
    raises_repeatedly(pytest, TypeError, objects.rt_bool, 1)
    raises_repeatedly(pytest, TypeError, objects.rt_bool, None)


STRINGS = ["", "a", "héllo", "日本語", "emoji 🎉👩‍👩‍👧", "nul\0inside", "\0", "x" * 100_000, "\U0010ffff"]


@pytest.mark.parametrize("s", STRINGS, ids=range(len(STRINGS)))
def test_strings(s):
    assert objects.rt_str(s) == s
    assert objects.rt_string(s) == s
    assert objects.rt_cow(s) == s


def test_strings_errors():
    with pytest.raises(UnicodeEncodeError):
        objects.rt_str("\ud800")  # a lone surrogate has no UTF-8
    e = raises_repeatedly(pytest, TypeError, objects.rt_str, b"bytes")
    assert str(e) == "rt_str() argument 'x': expected str, got bytes"


def test_str_subclass():
    class S(str):
        pass

    assert objects.rt_str(S("sub")) == "sub" and type(objects.rt_str(S("sub"))) is str


@pytest.mark.parametrize("c", ["a", "é", "🎉", "\0"])
def test_char(c):
    assert objects.rt_char(c) == c


def test_char_errors():
    raises_repeatedly(pytest, ValueError, objects.rt_char, "ab")
    raises_repeatedly(pytest, ValueError, objects.rt_char, "")
    raises_repeatedly(pytest, TypeError, objects.rt_char, 1)


def test_option_and_tuple():
    assert objects.rt_option(None) is None and objects.rt_option(5) == 5
    assert objects.rt_tuple((1, "x", 2.5)) == (1, "x", 2.5)
    raises_repeatedly(pytest, ValueError, objects.rt_tuple, (1, "x"))
    raises_repeatedly(pytest, TypeError, objects.rt_tuple, [1, "x", 2.5])
    e = raises_repeatedly(pytest, TypeError, objects.rt_tuple, (1, 2, 2.5))
    assert "item 1" in str(e)


def test_vectors():
    assert objects.rt_vec_f64([]) == []
    assert objects.rt_vec_f64([1.0, 2, 3.5]) == [1.0, 2.0, 3.5]
    assert objects.rt_vec_f64((1.0, 2.0)) == [1.0, 2.0]
    assert objects.rt_vec_f64(x / 2 for x in range(4)) == [0.0, 0.5, 1.0, 1.5]
    assert objects.rt_vec_str(["a", "é"]) == ["a", "é"]
    assert objects.rt_vec_str(OrderedDict(a=1, b=2)) == ["a", "b"]
    raises_repeatedly(pytest, TypeError, objects.rt_vec_str, "abc")
    raises_repeatedly(pytest, TypeError, objects.rt_vec_f64, 1.0)


@pytest.mark.parametrize("n", [0, 1, 15, 16, 17, 1000, 100_000])
def test_vec_f64_sizes(n):
    """Short and long lists take different paths in universal mode (bulk from 16 items)."""
    data = [i * 0.25 for i in range(n)]
    assert objects.rt_vec_f64(data) == data
    assert objects.rt_vec_f64(tuple(data)) == data
    assert objects.sum_floats(data) == sum(data)


@pytest.mark.parametrize("n", [15, 16, 40])
def test_vec_f64_into_list_keeps_every_bit(n):
    """A list of 16 floats or more is made in bulk in universal mode (through bytes): every
    bit pattern survives, NaN payloads and the sign of zero included."""
    import math
    import struct

    special = [-0.0, 0.0, math.inf, -math.inf, math.nan, 5e-324, 1.7976931348623157e308, 0.1]
    data = (special * (n // len(special) + 1))[:n]
    out = objects.rt_vec_f64(data)
    assert type(out) is list and len(out) == n and all(type(x) is float for x in out)
    assert struct.pack(f"{n}d", *out) == struct.pack(f"{n}d", *data)


def test_vec_f64_mixed_items():
    """Ints, float subclasses and objects with __float__ convert like single floats do."""

    class F(float):
        def __float__(self):
            return 99.0  # ignored: a float subclass is read directly, as PyFloat_AsDouble does

    data = [1.0] * 20 + [2, F(3.5), FloatLike(), Idx(7), True, 2**53]
    assert objects.rt_vec_f64(data) == [1.0] * 20 + [2.0, 3.5, 2.5, 7.0, 1.0, 2.0**53]


@pytest.mark.parametrize("n", [3, 40])
def test_vec_f64_errors_name_the_item(n):
    data = [1.0] * n + ["x"] + [2.0] * 5
    e = raises_repeatedly(pytest, TypeError, objects.rt_vec_f64, data)
    assert str(e) == f"rt_vec_f64() argument 'x': item {n}: expected float, got str"
    big = [1.0] * n + [10**400]
    raises_repeatedly(pytest, OverflowError, objects.rt_vec_f64, big)


def test_vec_f64_error_from_float_method_propagates():
    class Bad:
        def __float__(self):
            raise KeyError("from __float__")

    data = [1.0] * 30 + [Bad()]
    with pytest.raises(KeyError, match="from __float__"):
        objects.rt_vec_f64(data)


def test_list_mutated_while_converting():
    """An item's __float__ may shrink the list; the conversion must notice, not crash."""
    data = []

    class Shrinker:
        def __float__(self):
            data.clear()
            return 1.0

    data.extend([Shrinker()] + [1.0] * 5)
    with pytest.raises(IndexError):
        objects.rt_vec_f64(data)


def test_nested_and_maps():
    v = [("a", [1.0, 2.0]), ("b", None), ("", [])]
    assert objects.rt_nested(v) == v
    m = {"x": [1, 2], "é": [], "🎉": [I64_MAX]}
    assert objects.rt_map(m) == m
    assert objects.rt_btreemap({3: "c", 1: "a"}) == {1: "a", 3: "c"}
    e = raises_repeatedly(pytest, TypeError, objects.rt_map, {1: [1]})
    assert "key" in str(e)
    raises_repeatedly(pytest, TypeError, objects.rt_map, [("x", [1])])


def test_arrays():
    assert objects.rt_array3([1, 2, 3]) == [1, 2, 3]
    assert objects.rt_array3((4, 5, 6)) == [4, 5, 6]
    assert objects.rt_array3(iter([7, 8, 9])) == [7, 8, 9]
    for bad in ([1, 2], [1, 2, 3, 4], [], iter([1])):
        e = raises_repeatedly(pytest, ValueError, objects.rt_array3, bad)
        assert "expected a sequence of length 3" in str(e)
    raises_repeatedly(pytest, TypeError, objects.rt_array3, [1, 2, "x"])


def test_sets():
    assert objects.rt_hashset({1, 2, 3}) == {1, 2, 3}
    assert objects.rt_hashset(frozenset({5})) == {5}
    assert objects.rt_hashset([1, 1, 2]) == {1, 2}
    assert objects.rt_hashset(set()) == set()
    assert type(objects.rt_hashset({1})) is set
    assert objects.rt_btreeset({"b", "a", "é"}) == ["a", "b", "é"]
    raises_repeatedly(pytest, TypeError, objects.rt_hashset, "abc")
    raises_repeatedly(pytest, TypeError, objects.rt_hashset, 5)
    e = raises_repeatedly(pytest, TypeError, objects.rt_hashset, {"x"})
    assert "set item" in str(e)
    assert objects.unique_sorted([3, 1, 3, 2]) == ([1, 2, 3], {1, 2, 3})
    assert objects.make_sets() == ({1, 2, 3}, frozenset({"a", "b"}))


BYTES = [b"", b"abc", b"\0", b"nul\0inside\0", bytes(range(256)), b"x" * 100_000]


@pytest.mark.parametrize("b", BYTES, ids=range(len(BYTES)))
def test_bytes(b):
    assert objects.bytes_stats(b) == (len(b), b.count(0))
    assert objects.reverse_bytes(b) == b[::-1]
    assert type(objects.reverse_bytes(b)) is bytes
    assert objects.reverse_bytes(bytearray(b)) == b[::-1]
    assert objects.reverse_bytes(memoryview(b)) == b[::-1]
    assert objects.bytes_kind(b) == "borrowed"
    assert objects.bytes_kind(bytearray(b)) == "copied"


def test_bytes_from_other_objects():
    assert objects.reverse_bytes([1, 2, 255]) == b"\xff\x02\x01"
    assert objects.reverse_bytes(array.array("B", [1, 2])) == b"\x02\x01"
    raises_repeatedly(pytest, OverflowError, objects.reverse_bytes, [256])
    e = raises_repeatedly(pytest, TypeError, objects.bytes_stats, bytearray(b"x"))
    assert str(e) == "bytes_stats() argument 'data': expected bytes, got bytearray"
    raises_repeatedly(pytest, TypeError, objects.bytes_stats, "str")
    raises_repeatedly(pytest, TypeError, objects.bytes_kind, "str")


def test_user_types():
    assert objects.warmer(20.0, 5) == {"x": 20.0, "y": 25.0}
    assert objects.warmer(-273, 0) == {"x": -273.0, "y": -273.0}
    e = raises_repeatedly(pytest, ValueError, objects.warmer, -300, 1)
    assert str(e) == "warmer() argument 't': -300 is below absolute zero"
    e = raises_repeatedly(pytest, TypeError, objects.warmer, "hot", 1)
    assert str(e) == "warmer() argument 't': expected float, got str"

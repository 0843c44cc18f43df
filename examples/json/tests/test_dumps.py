"""`dumps`/`encode`/`dump`: every type, every option, every error, with the exact output of
ujson 6.1 written out (so these run where ujson is not installed too)."""

from __future__ import annotations

import collections
import decimal
import enum
import io
import math
import sys

import pytest

import hpyjson
from json_helpers import IS_PYPY

dumps = hpyjson.dumps


# ---------------------------------------------------------------------------------------------
# Scalars.


@pytest.mark.parametrize(
    "value, text",
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-1, "-1"),
        (1234567890, "1234567890"),
        (2**63 - 1, "9223372036854775807"),
        (-(2**63), "-9223372036854775808"),
        (2**63, "9223372036854775808"),
        (2**64 - 1, "18446744073709551615"),
        (2**64, "18446744073709551616"),
        (-(2**63) - 1, "-9223372036854775809"),
        (2**200, str(2**200)),
        (-(2**200), str(-(2**200))),
        ("", '""'),
        ("abc", '"abc"'),
    ],
)
def test_scalars(value, text):
    assert dumps(value) == text
    assert hpyjson.encode(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (1.0, "1.0"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (0.1, "0.1"),
        (-2.5, "-2.5"),
        (100.0, "100.0"),
        (3.14, "3.14"),
        (1e15, "1000000000000000.0"),
        (1e16, "1e+16"),
        (1e22, "1e+22"),
        (1.5e300, "1.5e+300"),
        (0.0001, "0.0001"),
        (0.00001, "1e-5"),
        (1e-7, "1e-7"),
        (1.2345e-10, "1.2345e-10"),
        (5e-324, "5e-324"),
        (2.2250738585072014e-308, "2.2250738585072014e-308"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (123456789.123456789, "123456789.12345679"),
        (2.0**53, "9007199254740992.0"),
        (2.0**70, "1.1805916207174113e+21"),
        (0.1 + 0.2, "0.30000000000000004"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
    ],
)
def test_floats(value, text):
    assert dumps(value) == text


def test_floats_round_trip_exactly():
    values = [0.1 * i for i in range(-50, 50)] + [1 / 3, 2 / 3, math.pi, math.e, 1e-300, 1e300]
    values += [sys.float_info.max, sys.float_info.min, sys.float_info.epsilon, 5e-324]
    for v in values:
        assert float(dumps(v)) == v
        assert hpyjson.loads(dumps(v)) == v


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_allow_nan_false(value):
    with pytest.raises(OverflowError, match="Invalid value when encoding double"):
        dumps(value, allow_nan=False)
    with pytest.raises(OverflowError):
        dumps([1, {"x": value}], allow_nan=False)


def test_int_too_long_for_str():
    if not hasattr(sys, "set_int_max_str_digits"):
        pytest.skip("no int/str conversion limit on this runtime")
    with pytest.raises(ValueError):
        dumps(10**5000)


# ---------------------------------------------------------------------------------------------
# Strings.


@pytest.mark.parametrize(
    "value, text",
    [
        ("\"\\\b\f\n\r\t", r'"\"\\\b\f\n\r\t"'),
        ("\x00\x01\x1f", r'"\u0000\u0001\u001f"'),
        ("\x7f", '"\x7f"'),  # DEL is not escaped
        ("/", r'"\/"'),
        ("<>&'", '"<>&\'"'),
        ("é", r'"\u00e9"'),
        ("\u2028\u2029", r'"\u2028\u2029"'),
        ("\uffff", r'"\uffff"'),
        ("\U0001f600", r'"\ud83d\ude00"'),
        ("\U0010ffff", r'"\udbff\udfff"'),
        ("\ud800", r'"\ud800"'),  # a lone surrogate: escaped as itself
        ("\udc00\ud800", r'"\udc00\ud800"'),
        ("\ud83d\ude00", r'"\ud83d\ude00"'),  # two lone surrogates in the str
        ("a" * 1000 + "é", '"' + "a" * 1000 + r'\u00e9"'),
    ],
)
def test_strings_ensure_ascii(value, text):
    assert dumps(value) == text


@pytest.mark.parametrize(
    "value, text",
    [
        ("é\u2028\U0001f600", '"é\u2028\U0001f600"'),
        ("/\x00\n", r'"\/\u0000\n"'),
        ("\ud800", '"\ud800"'),  # the lone surrogate stays in the result
        ("x\udfffy", '"x\udfffy"'),
    ],
)
def test_strings_ensure_ascii_false(value, text):
    assert dumps(value, ensure_ascii=False) == text


def test_escape_options():
    s = "</script>&é"
    assert dumps(s) == r'"<\/script>&\u00e9"'
    assert dumps(s, escape_forward_slashes=False) == r'"</script>&\u00e9"'
    assert dumps(s, encode_html_chars=True) == r'"\u003c\/script\u003e\u0026\u00e9"'
    assert dumps(s, encode_html_chars=True, ensure_ascii=False) == '"\\u003c\\/script\\u003e\\u0026é"'
    assert dumps("https://example.com", escape_forward_slashes=False) == '"https://example.com"'


def test_flags_use_truth_values():
    # ujson reads its flags as truth values: any object will do.
    assert dumps("é", ensure_ascii=0) == '"é"'
    assert dumps("é", ensure_ascii=[]) == '"é"'
    assert dumps("é", ensure_ascii=None) == '"é"'
    assert dumps("é", ensure_ascii="yes") == r'"\u00e9"'
    assert dumps("/", escape_forward_slashes=0) == '"/"'
    assert dumps(float("nan"), allow_nan=1) == "NaN"


def test_str_subclass_uses_its_value():
    class S(str):
        def __str__(self):
            return "other"

    assert dumps(S("x")) == '"x"'


# ---------------------------------------------------------------------------------------------
# Containers.


def test_containers():
    assert dumps([]) == "[]"
    assert dumps({}) == "{}"
    assert dumps(()) == "[]"
    assert dumps([1, "a", None]) == '[1,"a",null]'
    assert dumps((1, (2, 3))) == "[1,[2,3]]"
    assert dumps({"b": 1, "a": [1, 2, {}], "c": {}}) == '{"b":1,"a":[1,2,{}],"c":{}}'
    assert dumps([[[[]]]]) == "[[[[]]]]"
    big = list(range(10000))
    assert dumps(big) == "[" + ",".join(map(str, big)) + "]"


def test_subclasses_and_lookalikes():
    class F(float):
        pass

    class I(int):
        def __str__(self):
            return "nope"

    class D(dict):
        def items(self):
            return [("overridden", 1)]

    class L(list):
        pass

    E = enum.IntEnum("E", "A B")
    NT = collections.namedtuple("NT", "a b")
    assert dumps(F(1.5)) == "1.5"
    assert dumps(I(5)) == "5"
    assert dumps(I(2**70)) == str(2**70)
    assert dumps(E.B) == "2"
    assert dumps(D(a=1)) == '{"a":1}'  # the dict's contents, not items()
    assert dumps(L([1, 2])) == "[1,2]"
    assert dumps(NT(1, 2)) == "[1,2]"
    assert dumps(collections.OrderedDict(b=1, a=2)) == '{"b":1,"a":2}'


def test_dict_keys():
    assert dumps({1: 2, 1.5: 3, None: 4, True: 5, False: 6}) == '{"1":5,"1.5":3,"null":4,"false":6}'
    assert dumps({(1, 2): 3}) == '{"(1, 2)":3}'
    assert dumps({b"x": 3}) == '{"x":3}'  # bytes keys are UTF-8, whatever reject_bytes says
    assert dumps({1e16: 1}) == '{"1e+16":1}'  # str(key), not the float formatting
    assert dumps({2**70: 1}) == '{"%d":1}' % 2**70
    assert dumps({decimal.Decimal("1.50"): 1}) == '{"1.50":1}'
    assert dumps({"é": 1}) == r'{"\u00e9":1}'
    assert dumps({"é": 1}, ensure_ascii=False) == '{"é":1}'
    assert dumps({"\ud800": 1}) == r'{"\ud800":1}'
    assert dumps({1: 2, "1": 3}) == '{"1":2,"1":3}'  # no duplicate check, as in ujson


def test_sort_keys():
    assert dumps({"b": 1, "a": 2, "c": {"z": 1, "y": 2}}, sort_keys=True) == '{"a":2,"b":1,"c":{"y":2,"z":1}}'
    assert dumps({2: "x", 1: "y"}, sort_keys=True) == '{"1":"y","2":"x"}'
    with pytest.raises(TypeError, match="'<' not supported"):
        dumps({1: 2, "a": 3}, sort_keys=True)


def test_indent():
    doc = {"b": 1, "a": [1, 2, {}], "c": {}, "d": []}
    assert dumps(doc, indent=2) == (
        '{\n  "b": 1,\n  "a": [\n    1,\n    2,\n    {}\n  ],\n  "c": {},\n  "d": []\n}'
    )
    assert dumps([[]], indent=3) == "[\n   []\n]"
    assert dumps([1, 1, 1], indent=1) == "[\n 1,\n 1,\n 1\n]"
    assert dumps({"b": 1, "a": [1, 2]}, indent=0) == '{"b":1,"a":[1,2]}'
    # A negative indent: no newlines, but the key separator of pretty printing.
    assert dumps({"b": 1, "a": [1, 2]}, indent=-1) == '{"b": 1,"a": [1,2]}'
    assert dumps({"b": 1, "a": [1, 2]}, indent=-100) == '{"b": 1,"a": [1,2]}'
    assert dumps({"a": 1}, indent=True) == '{\n "a": 1\n}'
    assert dumps([1], indent=1000) == "[\n" + " " * 1000 + "1\n]"
    with pytest.raises(ValueError, match="Maximum allowed indentation is 1000"):
        dumps([1], indent=1001)


@pytest.mark.parametrize("bad", ["  ", None, 1.5, [1]])
def test_indent_must_be_an_int(bad):
    with pytest.raises(TypeError, match="indent"):
        dumps(1, indent=bad)


def test_indent_out_of_c_int_range():
    with pytest.raises(OverflowError):
        dumps(1, indent=2**40)


def test_separators():
    doc = {"b": 1, "a": [1, 2]}
    assert dumps(doc, separators=(",", ":")) == '{"b":1,"a":[1,2]}'
    assert dumps(doc, separators=(", ", ": ")) == '{"b": 1, "a": [1, 2]}'
    assert dumps(doc, separators=(", ", ": "), indent=2) == '{\n  "b": 1, \n  "a": [\n    1, \n    2\n  ]\n}'
    assert dumps({"b": 1}, separators=("xx", "yy")) == '{"b"yy1}'
    assert dumps([1, 2], separators=("é", "")) == "[1é2]"
    assert dumps(doc, separators=None) == '{"b":1,"a":[1,2]}'


@pytest.mark.parametrize(
    "bad, exc, msg",
    [
        ([",", ":"], TypeError, "expected tuple or None as separator"),
        ((",",), ValueError, "expected tuple of size 2 as separator"),
        ((",", ":", "x"), ValueError, "expected tuple of size 2 as separator"),
        ((1, ":"), TypeError, "expected str as item separator"),
        ((",", 2), TypeError, "expected str as key separator"),
        ("ab", TypeError, "expected tuple or None as separator"),
    ],
)
def test_bad_separators(bad, exc, msg):
    with pytest.raises(exc, match=msg):
        dumps({"a": 1}, separators=bad)


# ---------------------------------------------------------------------------------------------
# bytes, Decimal, toDict, __json__, default.


def test_bytes():
    with pytest.raises(TypeError, match=r"b'abc' is not JSON serializable"):
        dumps(b"abc")
    assert dumps(b"abc", reject_bytes=False) == '"abc"'
    assert dumps(b"\xc3\xa9", reject_bytes=False) == r'"\u00e9"'
    assert dumps(b"\xc3\xa9", reject_bytes=False, ensure_ascii=False) == '"é"'
    assert dumps(b"\xed\xa0\x80", reject_bytes=False) == r'"\ud800"'
    assert dumps([b"a/"], reject_bytes=False) == r'["a\/"]'
    with pytest.raises(TypeError, match="is not JSON serializable"):
        dumps(bytearray(b"a"), reject_bytes=False)


@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("data", [b"\xff", b"\xc3", b"\x80", b"a\xf8b"])
def test_bytes_that_are_not_utf8(data, ensure_ascii):
    # ujson raises OverflowError or UnicodeDecodeError depending on the byte; hpyjson always
    # raises the UnicodeDecodeError of data.decode() (a ValueError).
    with pytest.raises(UnicodeDecodeError):
        dumps(data, reject_bytes=False, ensure_ascii=ensure_ascii)


def test_bytes_go_to_default_when_rejected():
    assert dumps(b"ab", default=lambda b: b.decode() * 2) == '"abab"'


def test_decimal():
    D = decimal.Decimal
    assert dumps(D("1.5")) == "1.5"
    assert dumps(D("1.10")) == "1.1"  # through float(), as ujson does
    assert dumps([D("-0")]) == "[-0.0]"
    assert dumps(D("1e400")) == "Infinity"
    assert dumps(D("NaN")) == "NaN"
    with pytest.raises(OverflowError):
        dumps(D("NaN"), allow_nan=False)


def test_to_dict_and_json_hooks():
    class WithToDict:
        def toDict(self):
            return {"t": [1, 2]}

    class WithJson:
        def __json__(self):
            return '{"raw": [1, 2]}'

    class WithJsonBytes:
        def __json__(self):
            return b"[true]"

    class BadToDict:
        def toDict(self):
            return [1]

    class BadJson:
        def __json__(self):
            return 5

    class Both(WithToDict, WithJson):
        pass

    assert dumps(WithToDict()) == '{"t":[1,2]}'
    assert dumps([WithJson()]) == '[{"raw": [1, 2]}]'  # inserted as it is
    assert dumps(WithJsonBytes()) == "[true]"
    assert dumps(Both()) == '{"t":[1,2]}'  # toDict wins
    with pytest.raises(TypeError, match=r"toDict\(\) should return a dict, got list"):
        dumps(BadToDict())
    with pytest.raises(TypeError, match=r"__json__\(\) should return str or bytes, got int"):
        dumps(BadJson())


def test_default():
    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y

    assert dumps(Point(1, 2), default=lambda p: [p.x, p.y]) == "[1,2]"
    assert dumps({"p": Point(1, 2)}, default=vars) == '{"p":{"x":1,"y":2}}'
    assert dumps(object(), default=lambda o: "x") == '"x"'
    assert dumps({1j}, default=lambda s: sorted(map(str, s))) == '["1j"]'
    assert dumps(1, default=None) == "1"
    # default is only called for objects without a JSON form.
    assert dumps([1, "a"], default=lambda o: pytest.fail("called")) == '[1,"a"]'


def test_default_gives_up_after_three_calls():
    calls = []

    def wrap(o):
        calls.append(o)
        return [o] if isinstance(o, int) else Box(len(calls))

    class Box:
        def __init__(self, n):
            self.n = n

    with pytest.raises(TypeError, match="maximum recursion depth exceeded"):
        dumps(Box(0), default=wrap)
    assert len(calls) == 3
    # An object whose default() returns itself.
    with pytest.raises(TypeError, match="maximum recursion depth exceeded"):
        dumps(object(), default=lambda o: o)


def test_default_errors_propagate():
    class Boom(Exception):
        pass

    def fail(o):
        raise Boom("no")

    with pytest.raises(Boom):
        dumps([object()], default=fail)
    with pytest.raises(TypeError, match="not callable"):
        dumps(object(), default=1)


@pytest.mark.parametrize("value", [object(), {1}, frozenset(), 1j, bytearray(b"x"), memoryview(b"x"), (x for x in [])])
def test_not_serializable(value):
    with pytest.raises(TypeError, match="is not JSON serializable") as info:
        dumps(value)
    assert repr(value) in str(info.value)
    with pytest.raises(TypeError, match="is not JSON serializable"):
        dumps({"nested": [value]})


# ---------------------------------------------------------------------------------------------
# Depth.


def nested_lists(n):
    x = []
    for _ in range(n - 1):
        x = [x]
    return x


def test_depth_limit():
    # ujson: a value may sit 1024 containers deep (1025 nested lists), not deeper.
    assert dumps(nested_lists(1025)) == "[" * 1025 + "]" * 1025
    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        dumps(nested_lists(1026))
    d = {}
    for _ in range(1024):
        d = {"a": d}
    assert dumps(d).count("{") == 1025
    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        dumps({"a": d})


def test_cycles_raise_instead_of_overflowing_the_stack():
    a = []
    a.append(a)
    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        dumps(a)
    d = {}
    d["d"] = d
    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        dumps(d)

    class Loop:
        def toDict(self):
            return {"again": self}

    with pytest.raises(OverflowError, match="Maximum recursion level reached"):
        dumps(Loop())


# ---------------------------------------------------------------------------------------------
# Arguments.


def test_positional_options():
    # dumps(obj, ensure_ascii, encode_html_chars, escape_forward_slashes, sort_keys, indent,
    #       allow_nan, reject_bytes, default, separators), as in ujson.
    assert dumps({"b": "é/", "a": 1}, False, False, False, True, 1) == '{\n "a": 1,\n "b": "é/"\n}'
    assert dumps(b"x", True, False, True, False, 0, True, False) == '"x"'
    assert dumps(object(), True, False, True, False, 0, True, True, lambda o: 7) == "7"
    assert dumps([1, 2], True, False, True, False, 0, True, True, None, ("|", "")) == "[1|2]"


def test_argument_errors():
    with pytest.raises(TypeError):
        dumps()
    with pytest.raises(TypeError):
        dumps(1, foo=1)
    with pytest.raises(TypeError):
        dumps(1, obj=2)
    with pytest.raises(TypeError):
        dumps(1, True, False, True, False, 0, True, True, None, None, "extra")
    assert dumps(obj=[1]) == "[1]"


def test_dump_writes_to_a_file():
    f = io.StringIO()
    assert hpyjson.dump({"a": [1, "é"]}, f) is None
    assert f.getvalue() == r'{"a":[1,"\u00e9"]}'
    f = io.StringIO()
    hpyjson.dump({"a": 1}, f, indent=2, sort_keys=True, ensure_ascii=False)
    assert f.getvalue() == '{\n  "a": 1\n}'

    class Writer:
        def __init__(self):
            self.parts = []

        def write(self, s):
            self.parts.append(s)

    w = Writer()
    hpyjson.dump([1], w)
    assert w.parts == ["[1]"]


def test_dump_errors():
    with pytest.raises(TypeError, match="expected file"):
        hpyjson.dump([1], object())

    class NotCallable:
        write = 3

    with pytest.raises(TypeError, match="expected file"):
        hpyjson.dump([1], NotCallable())
    with pytest.raises(TypeError, match="is not JSON serializable"):
        hpyjson.dump(object(), io.StringIO())

    class Failing:
        def write(self, s):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        hpyjson.dump([1], Failing())


def test_mutation_during_encoding_is_safe():
    # default() shrinks the list being encoded: no crash, the remaining items are skipped or
    # an error is raised, but nothing reads freed memory.
    data = [object(), 1, 2, 3]

    def shrink(o):
        data.clear()
        return None

    try:
        out = dumps(data, default=shrink)
    except (IndexError, RuntimeError):
        pass
    else:
        assert out.startswith("[null")
    d = {"a": object(), "b": 1}

    def grow(o):
        d.clear()
        return 0

    try:
        dumps(d, default=grow)
    except (KeyError, RuntimeError):
        pass


@pytest.mark.skipif(IS_PYPY, reason="sys.getrefcount is CPython's")
def test_no_reference_leaks():
    doc = {"k": ["v", 1, 2.5, None, True, {"n": [1, 2]}], "big": 2**100}
    before = sys.getrefcount(doc["k"][0]), sys.getrefcount(doc), sys.getrefcount(doc["big"])
    for _ in range(100):
        dumps(doc, sort_keys=True, indent=1)
    assert (sys.getrefcount(doc["k"][0]), sys.getrefcount(doc), sys.getrefcount(doc["big"])) == before

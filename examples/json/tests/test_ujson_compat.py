"""hpyjson against ujson 6 itself (where ujson is installed): the same output for a corpus of
awkward values under every combination of the encoder's flags, and the same values back."""

from __future__ import annotations

import collections
import decimal
import enum
import itertools
import math

import pytest

import hpyjson
from json_helpers import needs_ujson, same, ujson

pytestmark = needs_ujson


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


class WithToDict:
    def toDict(self):
        return {"from": "toDict", "n": [1, 2.5]}


class WithJson:
    def __json__(self):
        return '{"raw":true}'


Color = enum.IntEnum("Color", "RED GREEN")

CORPUS = [
    None, True, False, 0, -1, 2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63) - 1, 2**100, -(10**40),
    0.0, -0.0, 1.0, 0.1, 1 / 3, 1e15, 1e16, 1e-4, 1e-5, 5e-324, 1.7976931348623157e308,
    math.nan, math.inf, -math.inf,
    "", "plain", "é", "€uro", "😀", "\ud800", "\udfff\ud800", "</script>&", "a/b", "\x00\x01\x1f\x7f",
    "\"\\\b\f\n\r\t", "\u2028\u2029", "x" * 300,
    b"bytes", b"\xc3\xa9", bytearray(b"ba"),
    [], {}, (), [[]], [{}], {"a": {}}, (1, (2, (3,))), list(range(50)),
    {"b": 1, "a": 2, "c": [3, {"e": 4, "d": 5}]}, {1: "int", 2.5: "float", None: "none", True: "bool"},
    {"é": "ü", "\ud800": 1}, {b"bk": 1}, {(1, 2): "tuple key"},
    collections.OrderedDict(z=1, y=2), collections.namedtuple("P", "x y")(1, 2),
    decimal.Decimal("2.50"), decimal.Decimal("-1e-7"), Color.GREEN, {Color.RED: 1},
    WithToDict(), WithJson(), Point(1, 2), {1, 2}, 1j, object(),
    [1.5, "two", None, [True, {"k": -0.0}], {"deep": [[["x"]]]}],
]

FLAGS = ["ensure_ascii", "encode_html_chars", "escape_forward_slashes", "sort_keys", "allow_nan", "reject_bytes"]


def outcome(f, value, **opts):
    try:
        return "ok", f(value, **opts)
    except Exception as e:  # noqa: BLE001 - compared by type (messages hold addresses)
        return "error", type(e).__name__


@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=len(FLAGS))), ids=str)
def test_every_flag_combination(flags):
    opts = dict(zip(FLAGS, flags))
    for value in CORPUS:
        for extra in ({}, {"indent": 2}, {"default": repr}, {"separators": (", ", ": "), "indent": 1}):
            got = outcome(hpyjson.dumps, value, **opts, **extra)
            want = outcome(ujson.dumps, value, **opts, **extra)
            assert got == want, (value, opts, extra)


def test_same_error_messages():
    cases = [
        (math.nan, {"allow_nan": False}),
        ([[[]]], {"indent": 1001}),
        ({"a": 1}, {"separators": [",", ":"]}),
        ({"a": 1}, {"separators": (",",)}),
        ({"a": 1}, {"separators": (1, ":")}),
        ({"a": 1}, {"separators": (",", 1)}),
        (b"x", {}),
        ({1: 1, "a": 2}, {"sort_keys": True}),
        (object(), {"default": lambda o: o}),
    ]
    for value, opts in cases:
        with pytest.raises(Exception) as mine:
            hpyjson.dumps(value, **opts)
        with pytest.raises(Exception) as theirs:
            ujson.dumps(value, **opts)
        assert type(mine.value) is type(theirs.value)
        assert str(mine.value) == str(theirs.value)


def test_same_values_back():
    for value in CORPUS:
        try:
            text = ujson.dumps(value, reject_bytes=False)
        except (TypeError, OverflowError):
            continue
        assert same(hpyjson.loads(text), ujson.loads(text)), text


@pytest.mark.parametrize(
    "text",
    ["[" * 1024 + "]" * 1024, '"\\ud800\\udc00\\ud800"', "-0", "1e400", "[NaN,-Infinity]", "12345678901234567890123",
     '{"a":1,"a":[2]}', b'"\xed\xa0\x80"', '"\ud800"', " \n\t\r[1] \n"],
)
def test_same_decoding(text):
    mine, theirs = hpyjson.loads(text), ujson.loads(text)
    while isinstance(mine, list) and len(mine) == 1 and isinstance(mine[0], list):
        assert isinstance(theirs, list) and len(theirs) == 1
        mine, theirs = mine[0], theirs[0]
    assert repr(mine) == repr(theirs)


@pytest.mark.parametrize(
    "text",
    ["", "[1,]", '{"a":1,}', "[1 2]", '{"a" 1}', "{1:2}", "tru", '"abc', '"\\x"', '"\\u12"', "1 2", "[", b'"\xff"', b'"\xc0\x80"'],
)
def test_same_rejections(text):
    with pytest.raises(hpyjson.JSONDecodeError) as mine:
        hpyjson.loads(text)
    with pytest.raises(ujson.JSONDecodeError) as theirs:
        ujson.loads(text)
    # Our message is ujson's, followed by the position.
    assert str(mine.value).startswith(str(theirs.value) + ": line ")

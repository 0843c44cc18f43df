"""`loads`/`decode`/`load`: values, numbers, strings, inputs, and malformed documents, each
rejected with `JSONDecodeError` saying what and where."""

from __future__ import annotations

import io
import json
import math

import pytest

import hpyjson
from json_helpers import same

loads = hpyjson.loads


@pytest.mark.parametrize(
    "text, value",
    [
        ("null", None),
        ("true", True),
        ("false", False),
        ("0", 0),
        ("-0", 0),
        ("123", 123),
        ("-123", -123),
        ("1.5", 1.5),
        ("-0.0", -0.0),
        ("0.1", 0.1),
        ("1e5", 100000.0),
        ("1E5", 100000.0),
        ("1e+5", 100000.0),
        ("1.5e-3", 0.0015),
        ("123.456e+7", 1234560000.0),
        ("1e400", math.inf),
        ("-1e400", -math.inf),
        ("1e-400", 0.0),
        ("NaN", math.nan),
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ('""', ""),
        ('"abc"', "abc"),
        ("[]", []),
        ("{}", {}),
        ("[1, [2, [3]]]", [1, [2, [3]]]),
        ('{"a": {"b": [true, false, null]}}', {"a": {"b": [True, False, None]}}),
        (' \t\r\n[ 1 ,\n 2 ] \n', [1, 2]),
        ('{"a":1,"a":2}', {"a": 2}),  # the last duplicate wins
    ],
)
def test_values(text, value):
    assert same(loads(text), value)
    assert same(hpyjson.decode(text), value)


@pytest.mark.parametrize(
    "text",
    [
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999",
        "-99999999999999999999",
        "9999999999999999999",
        "1" * 300,
        "-" + "9" * 300,
    ],
)
def test_integers_of_any_size(text):
    v = loads(text)
    assert type(v) is int
    assert v == int(text)


@pytest.mark.parametrize(
    "text",
    [
        "2.2250738585072014e-308",
        "1.7976931348623157e308",
        "5e-324",
        "9007199254740993.0",
        "1.00000000000000011102230246251565404236316680908203125",
        "123456789012345678901234567890.5",
        "0." + "0" * 400 + "1",
        "7.2057594037927933e16",
    ],
)
def test_floats_are_correctly_rounded(text):
    assert loads(text) == float(text)


@pytest.mark.parametrize(
    "text, value",
    [
        (r'"\"\\\/\b\f\n\r\t"', '"\\/\b\f\n\r\t'),
        (r'"\u0041\u00e9\u20ac"', "Aé€"),
        (r'"\u0000"', "\x00"),
        (r'"\uD83D\uDE00"', "\U0001f600"),  # a surrogate pair combines
        (r'"\ud800"', "\ud800"),  # a lone surrogate stays
        (r'"\udc00\ud800"', "\udc00\ud800"),
        (r'"\ud800x"', "\ud800x"),
        (r'"\ud800\u0041"', "\ud800A"),
        (r'"\ud800\ud800\udc00"', "\ud800\U00010000"),
        ('"é€😀"', "é€😀"),
        ('"\ud800"', "\ud800"),  # a lone surrogate in the input str itself
        ('"\ud83d\ude00"', "\ud83d\ude00"),  # two lone surrogates in the input: not combined
        ('"' + "a" * 5000 + r'\n"', "a" * 5000 + "\n"),
        ('"\x7f"', "\x7f"),
    ],
)
def test_strings(text, value):
    assert loads(text) == value


def test_inputs():
    assert loads(b'{"a": "\xc3\xa9"}') == {"a": "é"}
    assert loads(bytearray(b"[1]")) == [1]
    assert loads(b'"\xed\xa0\x80"') == "\ud800"  # the surrogatepass form of a surrogate
    assert loads(obj="[1]") == [1]

    class S(str):
        pass

    assert loads(S("[2]")) == [2]
    with pytest.raises(TypeError, match="Arbitrary bytes-like objects are no longer supported"):
        loads(memoryview(b"[1]"))
    for bad in [1, None, [1], 1.5]:
        with pytest.raises(TypeError, match="Expected string, bytes, or bytearray"):
            loads(bad)
    with pytest.raises(TypeError):
        loads()
    with pytest.raises(TypeError):
        loads("1", "2")


def test_load_reads_a_file():
    assert hpyjson.load(io.StringIO('{"a": [1, 2]}')) == {"a": [1, 2]}
    assert hpyjson.load(io.BytesIO(b"[true]")) == [True]
    with pytest.raises(TypeError, match="expected file"):
        hpyjson.load("[1]")
    with pytest.raises(hpyjson.JSONDecodeError):
        hpyjson.load(io.StringIO("[1,"))


def test_exception_type():
    assert issubclass(hpyjson.JSONDecodeError, ValueError)
    assert hpyjson.JSONDecodeError.__module__ == "hpyjson"
    with pytest.raises(ValueError):
        loads("[")


def nest(n, open_, close, inner=""):
    return open_ * n + inner + close * n


def depth(v):
    """How many lists or dicts deep `v` is (without recursion: these are deep)."""
    n = 0
    while isinstance(v, (list, dict)) and v:
        v = v[0] if isinstance(v, list) else next(iter(v.values()))
        n += 1
    return n + isinstance(v, (list, dict))


def test_depth_limit():
    assert depth(loads(nest(1024, "[", "]"))) == 1024
    for doc in [nest(1025, "[", "]"), nest(1025, '{"a":', "}", "1"), nest(100000, "[", "]")]:
        with pytest.raises(hpyjson.JSONDecodeError, match="Reached object decoding depth limit"):
            loads(doc)
    v = loads(nest(1024, '{"a":', "}", "1"))
    for _ in range(1024):
        v = v["a"]
    assert v == 1


# Malformed documents: (text, message start, char position). The messages are ujson's where
# ujson rejects the document too; the position is where the problem is.
MALFORMED = [
    ("", "Expected object or value", 0),
    ("   ", "Expected object or value", 3),
    ("[", "Expected object or value", 1),
    ("{", "Expected object or value", 1),
    ('{"a":', "Expected object or value", 5),
    (".5", "Expected object or value", 0),
    ("+1", "Expected object or value", 0),
    ("\ufeff1", "Expected object or value", 0),
    ("\x0b1", "Expected object or value", 0),
    ("[,1]", "Expected object or value", 1),
    ("{,}", "Expected object or value", 1),
    ("1 2", "Trailing data", 2),
    ("[1]]", "Trailing data", 3),
    ("{}}", "Trailing data", 2),
    ("12abc", "Trailing data", 2),
    ("0x10", "Trailing data", 1),
    ("NaNx", "Trailing data", 3),
    ("[1,]", "Unexpected character found when decoding array value (1)", 3),
    ("[1 2]", "Unexpected character found when decoding array value (2)", 3),
    ("[1,2", "Unexpected character found when decoding array value (2)", 4),
    ('{"a":1,}', "Unexpected character in found when decoding object value", 7),
    ('{"a":1 "b":2}', "Unexpected character in found when decoding object value", 7),
    ('{"a" 1}', "No ':' found when decoding object value", 5),
    ('{"a"', "No ':' found when decoding object value", 4),
    ("{1:2}", "Key name of object must be 'string' when decoding 'object'", 1),
    ("{[]:2}", "Key name of object must be 'string' when decoding 'object'", 1),
    ("tru", "Unexpected character found when decoding 'true'", 3),
    ("trUe", "Unexpected character found when decoding 'true'", 2),
    ("fals", "Unexpected character found when decoding 'false'", 4),
    ("nul", "Unexpected character found when decoding 'null'", 3),
    ("nan", "Unexpected character found when decoding 'null'", 1),
    ("NaM", "Unexpected character found when decoding 'NaN'", 2),
    ("Infinit", "Unexpected character found when decoding 'Infinity'", 7),
    ("-Inf", "Unexpected character found when decoding '-Infinity'", 4),
    ('"abc', "Unmatched '\"' when decoding 'string'", 0),
    ('["abc]', "Unmatched '\"' when decoding 'string'", 1),
    ('"a\\x"', "Unrecognized escape sequence when decoding 'string'", 2),
    ('"\\', "Unterminated escape sequence when decoding 'string'", 1),
    ('"\\u', "Unterminated unicode escape sequence when decoding 'string'", 3),
    ('"\\u12"', "Unexpected character in unicode escape sequence when decoding 'string'", 5),
    ('"\\u12g4"', "Unexpected character in unicode escape sequence when decoding 'string'", 5),
    # ujson accepts these (its documented leniency is not JSON); hpyjson does not.
    ("01", "Invalid number: leading zeros are not allowed", 0),
    ("-01", "Invalid number: leading zeros are not allowed", 0),
    ("-", "Invalid number: expected a digit", 1),
    ("-a", "Invalid number: expected a digit", 1),
    ("-NaN", "Invalid number: expected a digit", 1),
    ("1.", "Invalid number: expected a digit after the decimal point", 2),
    ("1.e5", "Invalid number: expected a digit after the decimal point", 2),
    ("1e", "Invalid number: expected a digit in the exponent", 2),
    ("1e+", "Invalid number: expected a digit in the exponent", 3),
    ('"\x01"', "Invalid control character in string", 1),
    ('"a\tb"', "Invalid control character in string", 2),
    ('"a\x00b"', "Invalid control character in string", 2),
    ('["x\\n", "y\nz"]', "Invalid control character in string", 10),
    # Positions count characters, not bytes, and report lines and columns.
    ('["é", x]', "Expected object or value", 6),
    ('{\n  "a": 1,\n  "b": ?\n}', "Expected object or value", 19),
]


@pytest.mark.parametrize("text, msg, pos", MALFORMED)
def test_malformed(text, msg, pos):
    with pytest.raises(hpyjson.JSONDecodeError) as info:
        loads(text)
    e = info.value
    assert isinstance(e, ValueError)
    lineno = text.count("\n", 0, pos) + 1
    colno = pos - text.rfind("\n", 0, pos)
    assert str(e) == f"{msg}: line {lineno} column {colno} (char {pos})"
    assert (e.msg, e.pos, e.lineno, e.colno) == (msg, pos, lineno, colno)
    assert e.doc is text
    # The same document as bytes fails the same way.
    with pytest.raises(hpyjson.JSONDecodeError) as info:
        loads(text.encode("utf-8", "surrogatepass"))
    assert info.value.msg == msg
    # And the standard library rejects it too (it accepts NaN and Infinity as well).
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


@pytest.mark.parametrize(
    "data, msg",
    [
        (b'"\xff"', "Invalid UTF-8 sequence length when decoding 'string'"),
        (b'"\xf8"', "Invalid UTF-8 sequence length when decoding 'string'"),
        (b'"\xc3"', "Invalid UTF-8 continuation byte when decoding 'string'"),
        (b'"\xc3("', "Invalid UTF-8 continuation byte when decoding 'string'"),
        (b'"\x80"', "Found UTF-8 continuation byte without corresponding start byte when decoding 'string'"),
        (b'"\xc0\x80"', "Overlong 2-byte UTF-8 sequence detected when decoding 'string'"),
        (b'"\xe0\x80\x80"', "Overlong 3-byte UTF-8 sequence detected when decoding 'string'"),
        (b'"\xf0\x80\x80\x80"', "Overlong 4-byte UTF-8 sequence detected when decoding 'string'"),
        (b'"\xf4\x90\x80\x80"', "Code point > U+10FFFF encountered whilst decoding 'string'"),
        (b'"\xf5\x80\x80\x80"', "Code point > U+10FFFF encountered whilst decoding 'string'"),
    ],
)
def test_invalid_utf8_in_bytes(data, msg):
    with pytest.raises(hpyjson.JSONDecodeError) as info:
        loads(data)
    assert info.value.msg == msg
    assert info.value.pos == 1


def test_invalid_utf8_outside_strings():
    with pytest.raises(hpyjson.JSONDecodeError, match="Expected object or value"):
        loads(b"\xff")
    with pytest.raises(hpyjson.JSONDecodeError, match="Trailing data"):
        loads(b"1\xff")


def test_errors_do_not_leak_partial_results():
    # Errors deep inside large documents: every object built so far is released (the debug
    # legs' leak detector checks the handles).
    doc = "[" + ",".join(['{"a": [1, 2.5, "x", null]}'] * 200) + ", {]"
    for _ in range(20):
        with pytest.raises(hpyjson.JSONDecodeError):
            loads(doc)

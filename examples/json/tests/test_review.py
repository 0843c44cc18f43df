"""An independent review of hpyjson as a ujson 6 user would meet it: each option and its
default, argument errors, file objects, numbers, depth, malformed documents, keys, subclasses,
`toDict`/`__json__`, bytes, and generated round trips. Where ujson is installed the answers
are compared with its own; elsewhere with what ujson 6.1 was seen to answer."""

from __future__ import annotations

import collections
import io
import json
import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hpyjson
from json_helpers import NESTED_CALL_CRASH, needs_ujson, same, ujson


def outcome(func, *args, **kwargs):
    """("ok", value) or ("error", exception type) of one call."""
    try:
        return ("ok", func(*args, **kwargs))
    except Exception as e:  # noqa: BLE001 - compared, not swallowed
        return ("error", type(e))


# ---------------------------------------------------------------------------------------
# options and their defaults

SAMPLE = {"b": [1, 2.5, None, True], "a": "Zoë/<&>\u2028\U0001f600", "c": {"z": {}, "y": []}}

OPTION_VALUES = {
    "ensure_ascii": [True, False],
    "encode_html_chars": [False, True],
    "escape_forward_slashes": [True, False],
    "sort_keys": [False, True],
    "indent": [0, 1, 4, -1],
    "allow_nan": [True, False],
    "reject_bytes": [True, False],
}


def test_defaults_are_the_first_listed_values():
    plain = hpyjson.dumps(SAMPLE)
    explicit = hpyjson.dumps(SAMPLE, **{k: v[0] for k, v in OPTION_VALUES.items()})
    assert plain == explicit
    assert plain == (
        '{"b":[1,2.5,null,true],"a":"Zo\\u00eb\\/<&>\\u2028\\ud83d\\ude00","c":{"z":{},"y":[]}}'
    )


@pytest.mark.parametrize("name", sorted(OPTION_VALUES))
def test_each_option_alone_matches_ujson_or_known_output(name):
    for value in OPTION_VALUES[name]:
        got = hpyjson.dumps(SAMPLE, **{name: value})
        assert json.loads(got) == SAMPLE
        if ujson is not None:
            assert got == ujson.dumps(SAMPLE, **{name: value}), (name, value)


def test_option_outputs_written_out():
    d = {"b": 1, "a": [2]}
    assert hpyjson.dumps(d, sort_keys=True) == '{"a":[2],"b":1}'
    assert hpyjson.dumps(d, indent=2) == '{\n  "b": 1,\n  "a": [\n    2\n  ]\n}'
    assert hpyjson.dumps(d, indent=-1) == '{"b": 1,"a": [2]}'
    assert hpyjson.dumps("a/b", escape_forward_slashes=False) == '"a/b"'
    assert hpyjson.dumps("<&>", encode_html_chars=True) == '"\\u003c\\u0026\\u003e"'
    assert hpyjson.dumps("é", ensure_ascii=False) == '"é"'
    assert hpyjson.dumps(d, separators=(", ", " = ")) == '{"b" = 1, "a" = [2]}'
    assert hpyjson.dumps([1, {"a": 2}], indent=2, separators=(",", ":")) == (
        '[\n  1,\n  {\n    "a":2\n  }\n]'
    )
    assert hpyjson.dumps(d, separators=None) == hpyjson.dumps(d)


def test_encode_is_dumps_and_decode_is_loads():
    assert hpyjson.encode(SAMPLE, sort_keys=True, indent=3) == hpyjson.dumps(
        SAMPLE, sort_keys=True, indent=3
    )
    assert hpyjson.decode('{"a": [1]}') == hpyjson.loads('{"a": [1]}') == {"a": [1]}


def test_truthiness_of_flags_like_ujson():
    # ujson reads the flags with PyObject_IsTrue
    assert hpyjson.dumps("é", ensure_ascii=0) == '"é"'
    assert hpyjson.dumps({"b": 1, "a": 2}, sort_keys=1) == '{"a":2,"b":1}'
    assert hpyjson.dumps("/", escape_forward_slashes="") == '"/"'


@needs_ujson
@pytest.mark.parametrize(
    "kwargs",
    [
        {"sort_keys": True, "indent": 2, "ensure_ascii": False},
        {"encode_html_chars": True, "escape_forward_slashes": False},
        {"separators": (",", ": "), "indent": 1},
        {"indent": 0, "separators": (" , ", " : ")},
        {"indent": -5, "sort_keys": True},
    ],
)
def test_option_combinations_against_ujson(kwargs):
    assert hpyjson.dumps(SAMPLE, **kwargs) == ujson.dumps(SAMPLE, **kwargs)


def test_default_hook():
    class Point:
        def __init__(self, x, y):
            self.x, self.y = x, y

    assert hpyjson.dumps([Point(1, 2)], default=lambda p: [p.x, p.y]) == "[[1,2]]"
    assert hpyjson.dumps({1, 2} - {1}, default=list) == "[2]"
    with pytest.raises(TypeError, match="is not JSON serializable"):
        hpyjson.dumps(Point(1, 2))
    with pytest.raises(ZeroDivisionError):
        hpyjson.dumps(Point(1, 2), default=lambda o: 1 / 0)
    with pytest.raises(TypeError):
        hpyjson.dumps(object(), default=5)  # not callable, used only when needed
    assert hpyjson.dumps(1, default=5) == "1"


@needs_ujson
def test_default_returning_unserializable_again_like_ujson():
    class A:
        pass

    for hook in (lambda o: o, lambda o: A()):
        assert outcome(hpyjson.dumps, A(), default=hook) == outcome(ujson.dumps, A(), default=hook)


# ---------------------------------------------------------------------------------------
# argument errors


@pytest.mark.parametrize("func", ["dumps", "encode"])
def test_unknown_keyword_names_function_and_parameter(func):
    with pytest.raises(TypeError) as info:
        getattr(hpyjson, func)([1], bogus=1)
    assert "bogus" in str(info.value)
    assert func in str(info.value)


def test_unknown_keyword_to_loads_and_dump():
    with pytest.raises(TypeError, match="loads.*s|s.*loads"):
        hpyjson.loads(s="1")
    with pytest.raises(TypeError, match="bogus"):
        hpyjson.dump([1], io.StringIO(), bogus=1)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [({"indent": "x"}, "indent"), ({"indent": 2.5}, "indent"), ({"indent": None}, "indent")],
)
def test_wrong_type_names_parameter(kwargs, param):
    with pytest.raises(TypeError) as info:
        hpyjson.dumps([1], **kwargs)
    assert param in str(info.value)
    assert "dumps" in str(info.value)


def test_missing_and_extra_arguments():
    with pytest.raises(TypeError, match="dumps"):
        hpyjson.dumps()
    with pytest.raises(TypeError, match="loads"):
        hpyjson.loads()
    with pytest.raises(TypeError):
        hpyjson.loads("1", "2")
    with pytest.raises(TypeError):
        hpyjson.dump([1])


def test_bad_separators():
    for bad in (["," , ":"], (",",), (",", ":", ";"), (1, 2), ","):
        with pytest.raises((TypeError, ValueError)):
            hpyjson.dumps({"a": 1}, separators=bad)
        if ujson is not None:
            assert outcome(ujson.dumps, {"a": 1}, separators=bad)[0] == "error"


def test_huge_indent_refused():
    with pytest.raises(ValueError):
        hpyjson.dumps([1], indent=10**6)
    with pytest.raises((OverflowError, ValueError)):
        hpyjson.dumps([1], indent=10**30)


def test_loads_wrong_input_types():
    for bad in (1, None, 1.5, [b"1"], memoryview(b"1")):
        with pytest.raises(TypeError):
            hpyjson.loads(bad)


# ---------------------------------------------------------------------------------------
# dump and load with file objects


def test_dump_to_text_file_and_load_back(tmp_path):
    path = tmp_path / "doc.json"
    with open(path, "w", encoding="utf-8") as f:
        assert hpyjson.dump(SAMPLE, f, indent=2, ensure_ascii=False) is None
    with open(path, encoding="utf-8") as f:
        assert hpyjson.load(f) == SAMPLE
    with open(path, "rb") as f:  # load accepts whatever read() returns that loads accepts
        assert hpyjson.load(f) == SAMPLE


def test_dump_load_with_stringio_and_duck_types():
    buf = io.StringIO()
    hpyjson.dump({"x": [1, 2]}, buf, sort_keys=True)
    assert buf.getvalue() == '{"x":[1,2]}'
    buf.seek(0)
    assert hpyjson.load(buf) == {"x": [1, 2]}

    class Writer:
        def __init__(self):
            self.parts = []

        def write(self, s):
            self.parts.append(s)

    w = Writer()
    hpyjson.dump([1], w)
    assert "".join(w.parts) == "[1]"

    class Reader:
        def read(self):
            return b'{"k": "v"}'

    assert hpyjson.load(Reader()) == {"k": "v"}


def test_dump_load_errors():
    with pytest.raises(TypeError):
        hpyjson.dump([1], 5)
    with pytest.raises(TypeError):
        hpyjson.load(5)
    with pytest.raises(hpyjson.JSONDecodeError):
        hpyjson.load(io.StringIO("[1,"))

    class Failing:
        def write(self, s):
            raise OSError("disk full")

        def read(self):
            raise OSError("gone")

    with pytest.raises(OSError, match="disk full"):
        hpyjson.dump([1], Failing())
    with pytest.raises(OSError, match="gone"):
        hpyjson.load(Failing())


# ---------------------------------------------------------------------------------------
# numbers


@pytest.mark.parametrize("n", [0, -1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**400, -(10**400)])
def test_ints_of_any_size(n):
    text = hpyjson.dumps(n)
    assert text == str(n)
    assert hpyjson.loads(text) == n
    assert type(hpyjson.loads(text)) is int


@pytest.mark.parametrize(
    "x",
    [0.0, -0.0, 0.1, 1 / 3, 1e16, 1e-7, 5e-324, 2.2250738585072014e-308, sys.float_info.max, 1e22, 123456.789],
)
def test_float_repr_round_trip(x):
    back = hpyjson.loads(hpyjson.dumps(x))
    assert same(back, x)
    assert float(repr(x)) == back
    if ujson is not None:
        assert hpyjson.dumps(x) == ujson.dumps(x)


def test_negative_zero():
    assert hpyjson.dumps(-0.0) == "-0.0"
    assert math.copysign(1, hpyjson.loads("-0.0")) == -1
    assert hpyjson.loads("-0") == 0 and type(hpyjson.loads("-0")) is int


def test_nan_and_infinity_both_ways():
    assert hpyjson.dumps([math.nan, math.inf, -math.inf]) == "[NaN,Infinity,-Infinity]"
    for x in (math.nan, math.inf, -math.inf):
        with pytest.raises(OverflowError):
            hpyjson.dumps([x], allow_nan=False)
        assert hpyjson.dumps(1.5, allow_nan=False) == "1.5"
    got = hpyjson.loads("[NaN, Infinity, -Infinity]")
    assert math.isnan(got[0]) and got[1] == math.inf and got[2] == -math.inf
    assert hpyjson.loads("1e400") == math.inf
    assert hpyjson.loads("-1e400") == -math.inf


def test_number_types_in_loads():
    assert type(hpyjson.loads("1")) is int
    assert type(hpyjson.loads("1.0")) is float
    assert type(hpyjson.loads("1e2")) is float
    assert hpyjson.loads("1.5E+3") == 1500.0


# ---------------------------------------------------------------------------------------
# depth


def test_deep_arrays_raise_not_crash():
    for doc in ("[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"a":' * 100_000):
        with pytest.raises((RecursionError, ValueError)):
            hpyjson.loads(doc)


def test_deep_python_structure_raises_not_crash():
    deep = []
    cur = deep
    for _ in range(100_000):
        nxt = []
        cur.append(nxt)
        cur = nxt
    with pytest.raises((RecursionError, OverflowError)):
        hpyjson.dumps(deep)
    loop = []
    loop.append(loop)
    with pytest.raises((RecursionError, OverflowError)):
        hpyjson.dumps(loop)
    d = {}
    d["self"] = d
    with pytest.raises((RecursionError, OverflowError)):
        hpyjson.dumps(d)


def test_moderate_depth_works():
    doc = "[" * 500 + "]" * 500
    assert hpyjson.dumps(hpyjson.loads(doc)) == doc


# ---------------------------------------------------------------------------------------
# malformed documents, with where


def position_of(doc):
    with pytest.raises(hpyjson.JSONDecodeError) as info:
        hpyjson.loads(doc)
    e = info.value
    assert isinstance(e, ValueError)
    assert e.doc == doc
    assert f"char {e.pos}" in str(e)
    return e.pos


@pytest.mark.parametrize(
    ("doc", "pos"),
    [
        ("[1, 2", 5),  # truncated
        ('{"a": ', 6),
        ('"abc', 0),
        ("tru", 3),  # where the input ends
        ("[1] x", 4),  # trailing garbage
        ("{} {}", 3),
        ('"\\x"', 1),  # bad escape
        ('"\\u12"', 5),  # the first non-hex digit
        ("01", 0),  # leading zero
        ("[1,]", 3),
        ('{"a":1,}', 7),
        ("", 0),
        ("   ", 3),
        ("\ufeff[1]", 0),  # a BOM is not JSON
    ],
)
def test_malformed_documents_say_where(doc, pos):
    got = position_of(doc)
    # every position is somewhere in the document, at or near the fault
    assert 0 <= got <= len(doc)
    assert abs(got - pos) <= 1, (doc, got)
    with pytest.raises(json.JSONDecodeError):
        json.loads(doc)


def test_error_position_on_later_lines():
    doc = '{\n  "a": 1,\n  "b": ?\n}'
    with pytest.raises(hpyjson.JSONDecodeError) as info:
        hpyjson.loads(doc)
    assert info.value.lineno == 3
    assert info.value.colno == 8
    assert info.value.pos == doc.index("?")


def test_control_chars_rejected_like_stdlib():
    for c in ["\x00", "\x01", "\t", "\n", "\x1f"]:
        with pytest.raises(hpyjson.JSONDecodeError):
            hpyjson.loads(f'"a{c}b"')
    assert hpyjson.loads('"a\\tb\\u0000"') == "a\tb\x00"
    assert hpyjson.loads('"\x7f"') == "\x7f"


def test_lone_surrogates_in_escapes_kept_like_ujson():
    assert hpyjson.loads('"\\ud800"') == "\ud800"
    assert hpyjson.loads('"\\udfff x"') == "\udfff x"
    assert hpyjson.loads('"\\ude00\\ud83d"') == "\ude00\ud83d"  # wrong order: two lone halves
    assert hpyjson.loads('"\\ud83d\\ude00"') == "\U0001f600"
    assert hpyjson.loads('"\\ud83dx"') == "\ud83dx"
    if ujson is not None:
        for doc in ['"\\ud800"', '"\\ude00\\ud83d"', '"\\ud83d\\u0041"']:
            assert hpyjson.loads(doc) == ujson.loads(doc)


def test_bom_in_bytes_rejected():
    with pytest.raises(hpyjson.JSONDecodeError):
        hpyjson.loads(b"\xef\xbb\xbf[1]")


def test_invalid_utf8_bytes_rejected():
    with pytest.raises(ValueError):
        hpyjson.loads(b'"\xff"')


# ---------------------------------------------------------------------------------------
# dict keys


def test_non_str_keys():
    assert hpyjson.dumps({1: "a"}) == '{"1":"a"}'
    assert hpyjson.dumps({1.5: "a"}) == '{"1.5":"a"}'
    assert hpyjson.dumps({True: 1, False: 0, None: 2}) == '{"true":1,"false":0,"null":2}'
    assert hpyjson.dumps({b"k": 1}) == '{"k":1}'
    assert hpyjson.dumps({(1, 2): 1}) == '{"(1, 2)":1}'
    if ujson is not None:
        for d in ({1: 2, 2.5: 3}, {None: 1}, {(1, "a"): 1}, {10**30: 1}, {-0.0: 1}, {math.inf: 1}):
            assert hpyjson.dumps(d) == ujson.dumps(d), d


def test_key_with_failing_str():
    class Bad:
        def __str__(self):
            raise RuntimeError("no str")

        def __hash__(self):
            return 1

    with pytest.raises(RuntimeError):
        hpyjson.dumps({Bad(): 1})


# ---------------------------------------------------------------------------------------
# subclasses


class MyDict(dict):
    pass


class MyList(list):
    pass


class MyStr(str):
    pass


class MyInt(int):
    pass


class MyFloat(float):
    pass


def test_subclasses_encode_as_their_base():
    value = MyDict(a=MyList([MyStr("s"), MyInt(5), MyFloat(1.5), True]))
    assert hpyjson.dumps(value) == '{"a":["s",5,1.5,true]}'
    od = collections.OrderedDict([("z", 1), ("a", 2)])
    assert hpyjson.dumps(od) == '{"z":1,"a":2}'
    assert hpyjson.dumps(od, sort_keys=True) == '{"a":2,"z":1}'
    Pt = collections.namedtuple("Pt", "x y")
    assert hpyjson.dumps(Pt(1, 2)) == "[1,2]"
    assert hpyjson.dumps({MyStr("k"): 1, MyInt(3): 2}) == '{"k":1,"3":2}'


def test_subclass_with_overridden_str_repr_uses_value():
    class Loud(str):
        def __str__(self):
            return "LOUD"

    class Big(int):
        def __repr__(self):
            return "nope"

        __str__ = __repr__

    got = hpyjson.dumps([Loud("quiet"), Big(7)])
    assert got == '["quiet",7]'
    if ujson is not None:
        assert got == ujson.dumps([Loud("quiet"), Big(7)])


def test_bool_is_not_int():
    assert hpyjson.dumps([True, False, 1, 0]) == "[true,false,1,0]"


# ---------------------------------------------------------------------------------------
# toDict and __json__


def test_todict_and_json_methods():
    class WithToDict:
        def toDict(self):
            return {"k": [1, 2]}

    class WithJson:
        def __json__(self):
            return '{"raw": true}'

    assert hpyjson.dumps([WithToDict()]) == '[{"k":[1,2]}]'
    assert hpyjson.dumps({"x": WithJson()}) == '{"x":{"raw": true}}'
    if ujson is not None:
        assert hpyjson.dumps([WithToDict(), WithJson()]) == ujson.dumps([WithToDict(), WithJson()])


@needs_ujson
def test_todict_and_json_edge_cases_like_ujson():
    class ToDictList:
        def toDict(self):
            return [1]

    class JsonNotStr:
        def __json__(self):
            return 5

    class JsonRaises:
        def __json__(self):
            raise KeyError("x")

    for obj in (ToDictList(), JsonNotStr(), JsonRaises()):
        assert outcome(hpyjson.dumps, obj) == outcome(ujson.dumps, obj), obj


# ---------------------------------------------------------------------------------------
# bytes


def test_bytes_input_to_loads():
    assert hpyjson.loads(b'{"a": "\xc3\xa9"}') == {"a": "é"}
    assert hpyjson.loads(bytearray(b"[1, 2]")) == [1, 2]


def test_bytes_values_in_dumps():
    with pytest.raises(TypeError):
        hpyjson.dumps(b"abc")
    assert hpyjson.dumps(b"abc", reject_bytes=False) == '"abc"'
    assert hpyjson.dumps([b"\xc3\xa9"], reject_bytes=False) == '["\\u00e9"]'
    with pytest.raises(TypeError):
        hpyjson.dumps(bytearray(b"abc"), reject_bytes=False)  # not bytes: ujson refuses too
    if ujson is not None:
        assert outcome(ujson.dumps, bytearray(b"abc"), reject_bytes=False)[0] == "error"


# ---------------------------------------------------------------------------------------
# strings


@pytest.mark.parametrize(
    "s",
    ["", "\x00\x1f\x7f", '"\\', "\u2028\u2029", "\ud800", "\udfff\ud800", "\U0010ffff", "é" * 100, "/" * 9],
)
def test_strings_like_ujson(s):
    for ensure_ascii in (True, False):
        got = hpyjson.dumps(s, ensure_ascii=ensure_ascii)
        assert hpyjson.loads(got) == s
        if ujson is not None:
            assert got == ujson.dumps(s, ensure_ascii=ensure_ascii)


# ---------------------------------------------------------------------------------------
# generated values, against the standard library

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children, max_size=5),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(json_values, st.booleans(), st.booleans(), st.sampled_from([0, 2, -1]))
def test_round_trip_against_stdlib(value, ensure_ascii, sort_keys, indent):
    text = hpyjson.dumps(value, ensure_ascii=ensure_ascii, sort_keys=sort_keys, indent=indent)
    assert same(json.loads(text), value)
    assert same(hpyjson.loads(text), value)
    std = json.dumps(value, ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    assert same(hpyjson.loads(std), value)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_dumps_matches_ujson_on_generated(value):
    if ujson is None:
        return
    assert hpyjson.dumps(value) == ujson.dumps(value)
    assert hpyjson.dumps(value, ensure_ascii=False, sort_keys=True) == ujson.dumps(
        value, ensure_ascii=False, sort_keys=True
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='[]{}",:0123456789.eE+-tfnrul\\ ab', max_size=20))
def test_accepts_what_stdlib_accepts(doc):
    std = outcome(json.loads, doc)
    ours = outcome(hpyjson.loads, doc)
    if std[0] == "ok":
        assert ours[0] == "ok", doc
        assert same(ours[1], std[1]), doc
    else:
        assert ours == ("error", hpyjson.JSONDecodeError), doc


@NESTED_CALL_CRASH
def test_default_that_calls_hpyjson():
    class Nested:
        pass

    assert hpyjson.dumps(Nested(), default=lambda o: hpyjson.loads("[1]")) == "[1]"

"""Property-based tests (hypothesis) against the standard library's `json`, and against ujson
where it is installed: round trips, output that both parse, documents both accept or both
reject, and byte-for-byte the output of ujson for every option."""

from __future__ import annotations

import json
import math
import os
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import hpyjson
from json_helpers import DEBUG, needs_ujson, same, ujson

# Fewer examples where each call is slow (HPy's debug mode checks every handle); a fixed seed
# per test (derandomize) so that a failure reproduces. HPYJSON_EXAMPLES overrides the count.
EXAMPLES = int(os.environ.get("HPYJSON_EXAMPLES", 60 if DEBUG else 400))
settings.register_profile(
    "hpyjson",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("hpyjson")

# Any character, lone surrogates included (hypothesis leaves them out by default).
chars = st.one_of(st.characters(), st.characters(categories=["Cs"]), st.sampled_from('"\\/<>&\x00\x1f\x7f\u2028é'))
# (st.text() drops the surrogates of such an alphabet: join lists of characters instead.)
any_texts = st.lists(chars, max_size=30).map("".join)


def no_surrogate_pair(t: str) -> bool:
    """A high surrogate followed by a low one writes `\\ud8xx\\udcxx`, which every JSON
    decoder reads back as one character: such strings cannot round-trip (in any library)."""
    return not any(
        0xD800 <= ord(a) <= 0xDBFF and 0xDC00 <= ord(b) <= 0xDFFF for a, b in zip(t, t[1:])
    )


texts = any_texts.filter(no_surrogate_pair)
floats = st.floats(allow_nan=True, allow_infinity=True)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
ints = st.one_of(st.integers(), st.integers(min_value=-(2**200), max_value=2**200))
scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)


def containers(children):
    return st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(texts, children, max_size=6),
    )


json_values = st.recursive(scalars, containers, max_leaves=30)
# What the standard library round-trips exactly: no NaN (NaN != NaN), JSON types only.
plain_values = st.recursive(
    st.one_of(st.none(), st.booleans(), ints, finite_floats, texts), containers, max_leaves=30
)


def options():
    return st.fixed_dictionaries(
        {},
        optional={
            "ensure_ascii": st.booleans(),
            "encode_html_chars": st.booleans(),
            "escape_forward_slashes": st.booleans(),
            "sort_keys": st.booleans(),
            "indent": st.integers(min_value=-3, max_value=8),
            "separators": st.sampled_from([None, (",", ":"), (", ", ": "), (" ,", " : "), (",\n", "\t:\r")]),
        },
    )


@given(json_values, options())
def test_round_trip(value, opts):
    text = hpyjson.dumps(value, **opts)
    assert same(hpyjson.loads(text), value)


@given(json_values, options())
def test_standard_library_reads_our_output(value, opts):
    text = hpyjson.dumps(value, **opts)
    assert same(json.loads(text), value)


@given(
    plain_values,
    st.booleans(),
    st.sampled_from([None, 0, 2, "\t"]),
    st.sampled_from([None, (",", ":"), (" , ", " : ")]),
)
def test_we_read_standard_library_output(value, ensure_ascii, indent, separators):
    text = json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators)
    assert same(hpyjson.loads(text), value)
    assert same(hpyjson.loads(text.encode("utf-8", "surrogatepass")), value)


@given(floats)
def test_floats_round_trip_exactly(x):
    text = hpyjson.dumps(x)
    back = hpyjson.loads(text)
    assert same(back, x)
    if math.isfinite(x):
        assert float(text) == x
        # repr's digits; only the exponent is written differently (1e-05 vs 1e-5).
        r = repr(x)
        if "e" in r:
            mantissa, exp = r.split("e")
            r = f"{mantissa}e{'-' if exp[0] == '-' else '+'}{int(exp[1:])}"
        assert text == r


@given(ints)
def test_ints_of_any_size(n):
    assert hpyjson.dumps(n) == str(n)
    assert hpyjson.loads(str(n)) == n


def mutations(text_strategy):
    """JSON documents with random edits: deletions, insertions, replacements."""
    alphabet = st.sampled_from(list('{}[]",:.-+eE0123456789 \t\n\\/abcdefntrulsINa\x01\x00é') + ["\ud800"])

    @st.composite
    def edited(draw):
        text = draw(text_strategy)
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            i = draw(st.integers(min_value=0, max_value=len(text)))
            op = draw(st.sampled_from(["insert", "delete", "replace"]))
            c = draw(alphabet)
            if op == "insert":
                text = text[:i] + c + text[i:]
            elif op == "delete":
                text = text[:i] + text[i + 1 :]
            else:
                text = text[:i] + c + text[i + 1 :]
        return text

    return edited()


documents = st.builds(json.dumps, json_values)


@given(st.one_of(documents, mutations(documents), st.text(alphabet=string.printable, max_size=20)))
def test_accepts_exactly_what_the_standard_library_accepts(text):
    """Every document the standard library rejects is rejected too (and vice versa); those
    both accept decode to the same value."""
    try:
        expected = json.loads(text)
    except json.JSONDecodeError:
        with pytest.raises(hpyjson.JSONDecodeError) as info:
            hpyjson.loads(text)
        e = info.value
        assert 0 <= e.pos <= len(text)
        assert str(e).endswith(f"(char {e.pos})")
        return
    except RecursionError:
        assume(False)
    assert same(hpyjson.loads(text), expected)


# ---------------------------------------------------------------------------------------------
# Against ujson itself.

ujson_keys = st.one_of(any_texts, st.integers(), st.booleans(), st.none(), finite_floats)
ujson_values = st.recursive(
    st.one_of(scalars, any_texts, st.binary(max_size=10).map(lambda b: b.decode("latin-1").encode())),
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(ujson_keys, children, max_size=6),
    ),
    max_leaves=30,
)


def ujson_options():
    return st.fixed_dictionaries(
        {},
        optional={
            "ensure_ascii": st.booleans(),
            "encode_html_chars": st.booleans(),
            "escape_forward_slashes": st.booleans(),
            "sort_keys": st.booleans(),
            "indent": st.integers(min_value=-3, max_value=8),
            "allow_nan": st.booleans(),
            "reject_bytes": st.booleans(),
            "separators": st.sampled_from([None, (",", ":"), (", ", ": "), ("x", "é")]),
            "default": st.sampled_from([None, repr]),
        },
    )


def outcome(f, *args, **kwargs):
    try:
        return "ok", f(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the type is what is compared
        return "error", type(e)


def has_unsortable_keys(value) -> bool:
    """Whether some dict in `value` has keys that `sorted()` cannot order (str and int...)."""
    if isinstance(value, dict):
        try:
            sorted(value)
        except TypeError:
            return True
        return any(has_unsortable_keys(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_unsortable_keys(v) for v in value)
    return False


@needs_ujson
@given(ujson_values, ujson_options())
def test_dumps_matches_ujson(value, opts):
    if opts.get("sort_keys") and has_unsortable_keys(value):
        # ujson 6.1 bug: when sorting the keys fails inside a container, it goes on and may
        # return invalid JSON (`[{,"x"]`) instead of raising; hpyjson raises the TypeError.
        with pytest.raises(TypeError):
            hpyjson.dumps(value, **opts)
        return
    assert outcome(hpyjson.dumps, value, **opts) == outcome(ujson.dumps, value, **opts)


@needs_ujson
@given(json_values, options())
def test_loads_matches_ujson(value, opts):
    text = ujson.dumps(value, **opts)
    assert same(hpyjson.loads(text), ujson.loads(text))


def test_profile_is_loaded():
    assert settings().max_examples == EXAMPLES


def test_strategies_reach_the_edge_cases():
    """The generated strings include lone surrogates and the escaped characters, so the
    properties above do test them."""
    seen = {"surrogate": False, "quote": False, "control": False, "astral": False}

    @settings(max_examples=300)
    @given(texts)
    def look(t):
        seen["surrogate"] |= any(0xD800 <= ord(c) <= 0xDFFF for c in t)
        seen["quote"] |= '"' in t
        seen["control"] |= any(ord(c) < 0x20 for c in t)
        seen["astral"] |= any(ord(c) > 0xFFFF for c in t)

    look()
    assert all(seen.values()), seen

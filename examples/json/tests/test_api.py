"""The module as a whole: names, documentation, signatures, the exception class, and use from
several threads."""

from __future__ import annotations

import inspect
import threading

import pytest

import hpyjson


def test_conftest_is_active(_hpy_backend_check):
    assert _hpy_backend_check == "examples/conftest.py"


def test_names():
    for name in ["dumps", "encode", "dump", "loads", "decode", "load", "JSONDecodeError", "__version__"]:
        assert hasattr(hpyjson, name), name
    assert isinstance(hpyjson.__version__, str)
    assert hpyjson.ABI in ("cpython", "universal")


def signature_of(func) -> inspect.Signature:
    """`inspect.signature(func)`; on PyPy's HPy runtime (whose `inspect` describes its
    `extension_function`s as `(*args, **keywords)`), the function's `__text_signature__`
    parsed as the parameters of an equivalent lambda."""
    if type(func).__name__ == "extension_function":
        text = func.__text_signature__
        assert text and text.startswith("(") and text.endswith(")"), text
        return inspect.signature(eval(f"lambda {text[1:-1]}: None"))  # noqa: S307 - our own text
    return inspect.signature(func)


def test_docstrings_and_signatures():
    assert "ensure_ascii" in hpyjson.dumps.__doc__
    assert "dict object structure" in hpyjson.loads.__doc__
    assert hpyjson.JSONDecodeError.__doc__
    params = list(signature_of(hpyjson.dumps).parameters)
    assert params == [
        "obj", "ensure_ascii", "encode_html_chars", "escape_forward_slashes", "sort_keys",
        "indent", "allow_nan", "reject_bytes", "default", "separators",
    ]
    sig = signature_of(hpyjson.dumps)
    assert sig.parameters["ensure_ascii"].default is True
    assert sig.parameters["escape_forward_slashes"].default is True
    assert sig.parameters["reject_bytes"].default is True
    assert sig.parameters["indent"].default == 0
    assert list(signature_of(hpyjson.loads).parameters) == ["obj"]
    assert list(signature_of(hpyjson.dump).parameters)[:2] == ["obj", "fp"]
    assert str(signature_of(hpyjson.load)) == "(fp, /)"


def test_exception_class():
    E = hpyjson.JSONDecodeError
    assert issubclass(E, ValueError)
    e = E("custom message")  # can be raised by user code like any ValueError
    assert str(e) == "custom message"
    with pytest.raises(E) as info:
        hpyjson.loads('{"a": tru}')
    assert info.value.msg == "Unexpected character found when decoding 'true'"
    assert (info.value.lineno, info.value.colno, info.value.pos) == (1, 10, 9)


def test_threads():
    doc = {"items": [{"id": i, "name": f"n{i}", "score": i / 7} for i in range(200)]}
    text = hpyjson.dumps(doc)
    errors = []

    def work():
        try:
            for _ in range(30):
                assert hpyjson.loads(hpyjson.dumps(doc)) == doc
                assert hpyjson.dumps(hpyjson.loads(text)) == text
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_large_documents():
    doc = [{"k%d" % i: ["é" * (i % 7), i * 1.5, -i, None, i % 2 == 0]} for i in range(20000)]
    text = hpyjson.dumps(doc, ensure_ascii=False)
    assert hpyjson.loads(text) == doc
    assert hpyjson.loads(text.encode()) == doc

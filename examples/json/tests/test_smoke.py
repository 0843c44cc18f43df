import hpyjson


def test_conftest_is_active(_hpy_backend_check):
    assert _hpy_backend_check == "examples/conftest.py"


def test_round_trip():
    doc = {"a": [1, 2.5, "x\u00e9", None, True, False], "b": {"c": -3}}
    text = hpyjson.dumps(doc)
    assert text == '{"a":[1,2.5,"x\\u00e9",null,true,false],"b":{"c":-3}}'
    assert hpyjson.loads(text) == doc

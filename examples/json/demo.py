"""A short tour of `hpyjson`; scripts/examples.sh runs it in every leg.

Under HPy debug mode (HPY=debug, universal build) it also checks that no handle leaked.
"""

import contextlib
import decimal
import io
import os

import hpyjson


def main():
    print(f"hpyjson {hpyjson.__version__}: ABI={hpyjson.ABI!r}, context={hpyjson.CONTEXT_NAME!r}")
    doc = {"name": "Zoë 😀", "tags": ["a/b", "<html>"], "ratio": 0.1, "big": 2**70, "ok": True, "none": None}
    print("dumps:                 ", hpyjson.dumps(doc))
    print("ensure_ascii=False:    ", hpyjson.dumps(doc, ensure_ascii=False))
    print("encode_html_chars=True:", hpyjson.dumps(doc["tags"], encode_html_chars=True))
    print("sort_keys + indent=2:  ", hpyjson.dumps({"b": 1, "a": [1, 2]}, sort_keys=True, indent=2))
    print("separators:            ", hpyjson.dumps({"a": [1, 2]}, separators=(", ", ": ")))
    print("Decimal, NaN:          ", hpyjson.dumps([decimal.Decimal("1.50"), float("nan")]))
    print("default=repr:          ", hpyjson.dumps({1j}, default=repr))
    print("loads:                 ", hpyjson.loads('{"x": [1, 2.5e3, "\\u00e9\\ud83d\\ude00", null]}'))
    buf = io.StringIO()
    hpyjson.dump([1, 2, 3], buf)
    print("dump/load round trip:  ", hpyjson.load(io.StringIO(buf.getvalue())))
    try:
        hpyjson.loads('{"a": [1, 2,]}')
    except hpyjson.JSONDecodeError as e:
        print(f"JSONDecodeError:        {e} (pos={e.pos})")
    try:
        hpyjson.dumps(float("inf"), allow_nan=False)
    except OverflowError as e:
        print(f"OverflowError:          {e}")
    try:
        hpyjson.dumps(object())
    except TypeError as e:
        print(f"TypeError:              {str(e).split(' at ')[0]} ...")


if os.environ.get("HPY", "").lower() == "debug":
    from hpy.debug import LeakDetector

    detector = LeakDetector()
else:
    detector = contextlib.nullcontext()

with detector:
    main()
if os.environ.get("HPY", "").lower() == "debug":
    print("debug mode: no leaked handles")
print("ok")

"""A short tour of the `piconumpy` example; scripts/examples.sh runs it in every leg.

Under HPy debug mode (HPY=debug, universal build) it also checks that no handle leaked.
"""

import contextlib
import os

import piconumpy
from piconumpy import array, zeros


def main():
    print(f"piconumpy: ABI={piconumpy.ABI!r}, context={piconumpy.CONTEXT_NAME!r}")
    a = array([1, 2, 3.5])
    b = zeros(3) + 0.5
    print("a =", a, " b =", b, " len(a) =", len(a), " a.size =", a.size)
    print("a + b =", a + b, " 2 * a =", 2 * a, " 1 - a =", 1 - a, " a / 0 =", a / 0)
    print("a[-1] =", a[-1], " a[::-1] =", a[::-1], " list(a) =", list(a))
    a[0] = 10
    a[1:] = [20, 30]
    a += 1
    print("after a[0] = 10, a[1:] = [20, 30], a += 1:", a)
    with memoryview(a) as m:
        m[0] = -1.0
        print(f"memoryview: format {m.format!r}, shape {m.shape}, strides {m.strides}", m.tolist())
    print("a == a.copy():", a == a.copy(), " a.tolist():", a.tolist())
    a.writeable = False
    try:
        a[0] = 0.0
    except ValueError as exc:
        print("ValueError:", exc)
    try:
        array([1.0, 2.0]) + array([1.0, 2.0, 3.0])
    except ValueError as exc:
        print("ValueError:", exc)
    try:
        a[3]
    except IndexError as exc:
        print("IndexError:", exc)


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

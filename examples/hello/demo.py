"""A short tour of the `hello` example; scripts/examples.sh runs it in every leg.

Under HPy debug mode (HPY=debug, universal build) it also checks that no handle leaked.
"""

import contextlib
import os

import hello


def main():
    print(f"hello {hello.VERSION}: ABI={hello.ABI!r}, context={hello.CONTEXT_NAME!r}")
    print(hello.greet("World"))
    print(hello.greet("Rust", "Hi", punctuation="?"))
    print("add_ints(40, 2) =", hello.add_ints(40, 2))
    print("mixed(1, 2, c=3) =", hello.mixed(1, 2, c=3))
    print("count_args(1, 2, 3, x=4) =", hello.count_args(1, 2, 3, x=4))
    print("sum_floats(x / 10 for x in range(5)) =", hello.sum_floats(x / 10 for x in range(5)))
    print("wide(-2**127, 2**128 - 1) =", hello.wide(-(2**127), 2**128 - 1))
    print("invert({'a': 1}) =", hello.invert({"a": 1}))
    print("call(sorted, [3, 1, 2]) =", hello.call(sorted, [3, 1, 2]))

    try:
        hello.ints(128, 0, 0, 0, 0, 0, 0, 0)
    except OverflowError as exc:
        print("OverflowError:", exc)
    try:
        hello.parse_int("forty-two")
    except ValueError as exc:
        print("ValueError:", exc)
    try:
        hello.panic_with("a Rust panic")
    except BaseException as exc:  # PanicException is not an Exception, on purpose
        print(f"{type(exc).__name__}: {exc}")


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

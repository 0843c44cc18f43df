"""Shared by the hpyjson test modules: the reference libraries, the runtime, and a comparison
that treats NaN as equal to itself."""

from __future__ import annotations

import math
import os
import sys

import pytest

try:  # the C library hpyjson replaces; no wheels for PyPy, so it may be missing
    import ujson
except ImportError:  # pragma: no cover - depends on the leg
    ujson = None

IS_PYPY = sys.implementation.name == "pypy"
DEBUG = os.environ.get("HPY", "").strip().lower() == "debug"
IS_PYPY_DEBUG = IS_PYPY and DEBUG

needs_ujson = pytest.mark.skipif(ujson is None, reason="ujson is not installed for this runtime")

# PyPy 7.3.19's debug mode aborts ("Wrong HPy Context!") when an HPy function calls Python
# code that calls an HPy function again (see examples/geometry/tests).
NESTED_CALL_CRASH = pytest.mark.crash_xfail(
    IS_PYPY_DEBUG,
    reason="PyPy 7.3.19 bug: nested HPy calls abort its debug mode (Wrong HPy Context!)",
)


def same(a, b) -> bool:
    """Deep equality where NaN equals NaN, -0.0 differs from 0.0, and types must match
    (1 is not 1.0, True is not 1). Dict key order is not compared (`sort_keys` changes it)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a):
            return math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b

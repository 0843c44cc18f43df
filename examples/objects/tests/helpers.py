"""Shared helpers of the `objects` suite (imported by the test modules)."""

from __future__ import annotations

import os

import objects

UNIVERSAL = objects.ABI == "universal"
DEBUG = os.environ.get("HPY", "").strip().lower() == "debug"
REPEAT = 5

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
U64_MAX = 2**64 - 1
I128_MIN, I128_MAX = -(2**127), 2**127 - 1
U128_MAX = 2**128 - 1


def raises_repeatedly(pytest, exc_type, fn, *args, match=None, times=REPEAT, **kwargs):
    """Each of `times` calls raises exactly `exc_type` (error paths leak on the 2nd call)."""
    info = None
    for _ in range(times):
        with pytest.raises(exc_type, match=match) as info:
            fn(*args, **kwargs)
        assert type(info.value) is exc_type, f"{type(info.value).__name__}: {info.value}"
    return info.value

"""Releasing the interpreter around pure-Rust work (guide/threads.md)."""

from __future__ import annotations

import sys
import threading
import time

import pytest

import objects
from helpers import DEBUG


def test_count_primes():
    assert objects.count_primes(100) == 25
    assert objects.count_primes(0) == 0


def test_checksum_uses_borrowed_bytes():
    assert objects.checksum(b"") == 0
    assert objects.checksum(b"abc") == objects.checksum(b"abc")
    assert objects.checksum(b"abc") != objects.checksum(b"abd")


PYPY_DEBUG = sys.implementation.name == "pypy" and DEBUG


@pytest.mark.skipif(
    PYPY_DEBUG,
    reason="under PyPy's debug mode allow_threads keeps the interpreter: that mode's "
    "Leave/ReenterPythonExecution are not thread-safe",
)
def test_other_threads_run_while_rust_works():
    """A Python thread keeps counting while `count_primes` holds no interpreter lock."""
    ticks = 0
    stop = threading.Event()

    def counter():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0)

    t = threading.Thread(target=counter)
    t.start()
    try:
        time.sleep(0.01)
        before = ticks
        n = 1
        while True:  # long enough to see the other thread progress
            start = time.perf_counter()
            objects.count_primes(20_000 * n)
            if time.perf_counter() - start > 0.05 or n > 64:
                break
            n *= 2
        during = ticks - before
    finally:
        stop.set()
        t.join()
    assert during > 0


def test_many_threads_at_once():
    results = []

    def work():
        results.append(objects.count_primes(5000))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [669] * 8


def test_panic_without_the_interpreter():
    for _ in range(3):
        with pytest.raises(BaseException) as info:
            objects.panic_without_gil()
        assert type(info.value).__name__ == "PanicException"
        assert "panicked without the interpreter" in str(info.value)
    assert objects.count_primes(10) == 4  # the interpreter is fine afterwards

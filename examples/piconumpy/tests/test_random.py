"""Randomised differential tests: long random sequences of operations on piconumpy arrays,
checked step by step against the same operations on plain lists of floats (a model written
here in a few lines of Python). Seeded, so that a failure reproduces; the failing step is in
the assertion message."""

import math
import random
import struct

import pytest

from piconumpy import array, full, zeros

SEEDS = range(12)


def same(x, y):
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return x == y and math.copysign(1.0, x) == math.copysign(1.0, y)


def check(a, model, what):
    got = a.tolist()
    assert len(got) == len(model), what
    assert all(same(x, y) for x, y in zip(got, model)), f"{what}: {got} != {model}"


def ieee(op, x, y):
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if y == 0:
        if x == 0 or math.isnan(x):
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def number(self):
        r = self.rng.random()
        if r < 0.6:
            return self.rng.uniform(-100, 100)
        if r < 0.75:
            return self.rng.randint(-5, 5)
        if r < 0.85:
            return self.rng.choice([0.0, -0.0, 1.0, 0.5, 1e300, -1e-300])
        # any double, NaN and infinities included
        return struct.unpack("<d", self.rng.getrandbits(64).to_bytes(8, "little"))[0]

    def values(self, n):
        return [float(self.number()) for _ in range(n)]

    def bound(self, n):
        return self.rng.choice([None, self.rng.randint(-n - 2, n + 2)])

    def slice(self, n):
        step = self.rng.choice([None, 1, 1, 2, 3, -1, -2])
        return slice(self.bound(n), self.bound(n), step)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_operations_match_lists(seed):
    g = Gen(seed)
    rng = g.rng
    n = rng.choice([0, 1, 2, 5, 17, 40])
    model = g.values(n)
    a = array(model)
    check(a, model, "construction")
    for step in range(300):
        kind = rng.randrange(9)
        what = f"seed {seed}, step {step}, kind {kind}"
        if kind == 0 and n:  # read an element
            i = rng.randint(-n, n - 1)
            assert same(a[i], model[i]), what
        elif kind == 1 and n:  # write an element
            i = rng.randint(-n, n - 1)
            v = g.number()
            a[i] = v
            model[i] = float(v)
        elif kind == 2:  # read a slice
            s = g.slice(n)
            check(a[s], model[s], f"{what}: a[{s}]")
        elif kind == 3:  # assign a slice: a sequence, an array or a number
            s = g.slice(n)
            k = len(model[s])
            new = g.values(k)
            choice = rng.randrange(3)
            if choice == 0:
                a[s] = new
            elif choice == 1:
                a[s] = array(new)
            else:
                v = float(g.number())
                a[s] = v
                new = [v] * k
            model[s] = new
        elif kind in (4, 5):  # binary operator with an array or a number, either side
            op = rng.choice("+-*/")
            if kind == 4:
                other = g.values(n)
                b = array(other)
                res = {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[op]
                expected = [ieee(op, x, y) for x, y in zip(model, other)]
            else:
                y = float(g.number())
                if rng.random() < 0.5:
                    res = {"+": a + y, "-": a - y, "*": a * y, "/": a / y}[op]
                    expected = [ieee(op, x, y) for x in model]
                else:
                    res = {"+": y + a, "-": y - a, "*": y * a, "/": y / a}[op]
                    expected = [ieee(op, y, x) for x in model]
            check(res, expected, f"{what}: op {op}")
            check(a, model, f"{what}: operand unchanged")
            if rng.random() < 0.3:  # continue with the result
                a, model = res, expected
        elif kind == 6:  # in-place operator
            op = rng.choice("+-*/")
            if rng.random() < 0.5:
                other = g.values(n)
                b = array(other)
            else:
                y = float(g.number())
                b, other = y, [y] * n
            before = a
            if op == "+":
                a += b
            elif op == "-":
                a -= b
            elif op == "*":
                a *= b
            else:
                a /= b
            assert a is before, what
            model = [ieee(op, x, y) for x, y in zip(model, other)]
        elif kind == 7:  # iteration, equality, repr
            assert all(same(x, y) for x, y in zip(list(a), model)), what
            assert (a == array(model)) == (not any(math.isnan(x) for x in model)), what
            assert repr(a) == "array([" + ", ".join(repr(x) for x in model) + "])", what
        elif kind == 8:  # through a memoryview
            with memoryview(a) as m:
                assert len(m) == n and m.format == "d", what
                if n:
                    i = rng.randrange(n)
                    v = float(g.number())
                    m[i] = v
                    model[i] = v
                check_list = m.tolist()
            assert all(same(x, y) for x, y in zip(check_list, model)), what
        check(a, model, what)


@pytest.mark.parametrize("seed", SEEDS)
def test_sizes_and_size_errors(seed):
    rng = random.Random(seed)
    for _ in range(50):
        n, m = rng.randrange(6), rng.randrange(6)
        a, b = full(n, 1.0), zeros(m)
        if n == m:
            assert (a + b).size == n
        else:
            with pytest.raises(ValueError, match=f"different sizes: {n} and {m}"):
                a * b
            with pytest.raises(ValueError, match=f"different sizes: {n} and {m}"):
                a -= b

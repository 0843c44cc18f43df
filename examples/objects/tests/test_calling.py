"""Calling Python from Rust: args and kwargs, methods, imports, iteration, attributes, items,
source code (guide/calling.md)."""

from __future__ import annotations

import collections
import gc

import pytest

import objects
from helpers import raises_repeatedly


def record(*args, **kwargs):
    return args, kwargs


def test_math_sqrt():
    assert objects.math_sqrt(16) == 4.0
    raises_repeatedly(pytest, ValueError, objects.math_sqrt, -1)


def test_join_with():
    assert objects.join_with(record) == ((1, "two", 3.0), {"sep": "-", "end": "!"})
    assert objects.join_with(lambda *a, sep, end: sep.join(map(str, a)) + end) == "1-two-3.0!"
    raises_repeatedly(pytest, TypeError, objects.join_with, lambda: None)


def test_apply_forwards_tuple_and_dict():
    assert objects.apply(record, 1, 2, x=3) == ((1, 2), {"x": 3})
    assert objects.apply(record) == ((), {})
    assert objects.apply(max, [3, 1, 2], key=lambda v: -v) == 1


def test_kwargs_from_dict_and_map():
    assert objects.call_with_dict(record, {"a": 1, "é": 2}) == ((), {"a": 1, "é": 2})
    assert objects.call_with_dict(record, {}) == ((), {})
    raises_repeatedly(pytest, TypeError, objects.call_with_dict, record, {1: 2})
    raises_repeatedly(pytest, TypeError, objects.call_with_dict, record, [("a", 1)])
    assert objects.call_with_map(record) == ((0,), {"a": 1, "b": 2})


def test_positional_slices_and_many_arguments():
    a, b = object(), object()
    args, kwargs = objects.call_slice(record, a, b)
    assert args[0] is a and args[1] is b and kwargs == {}
    assert objects.call_many(record) == (tuple(range(1, 13)), {})


def test_bound_methods_and_callables():
    class C:
        def m(self, *args, **kwargs):
            return self, args, kwargs

        def __call__(self, *args, **kwargs):
            return "called", args, kwargs

    c = C()
    assert objects.join_with(c.m) == (c, (1, "two", 3.0), {"sep": "-", "end": "!"})
    assert objects.join_with(c)[0] == "called"
    assert objects.call_many(c.m)[1] == tuple(range(1, 13))


def test_ordered_dict():
    od = objects.ordered_dict([("a", 1), ("first", 2), ("b", 3)])
    assert type(od) is collections.OrderedDict
    assert list(od.items()) == [("first", 2), ("a", 1), ("b", 3)]
    assert objects.ordered_dict([]) == collections.OrderedDict()


def test_sort_words():
    assert objects.sort_words("pear Apple banana") == ["Apple", "banana", "pear"]
    assert objects.sort_words("pear Apple banana", reverse=True) == ["pear", "banana", "Apple"]
    assert objects.sort_words("") == []
    raises_repeatedly(pytest, AttributeError, objects.sort_words, 42)


def test_sum_iterable_over_any_iterable():
    assert objects.sum_iterable([1, 2.5]) == 3.5
    assert objects.sum_iterable((x for x in range(5))) == 10
    assert objects.sum_iterable({1: "a", 2: "b"}) == 3
    assert objects.sum_iterable({0.5, 1.5}) == 2.0
    assert objects.sum_iterable(frozenset()) == 0
    assert objects.sum_iterable(range(100)) == 4950
    assert objects.sum_iterable(iter([1, 2])) == 3
    assert objects.sum_iterable(map(float, "123")) == 6.0

    class Custom:
        def __iter__(self):
            yield 1
            yield 2

    assert objects.sum_iterable(Custom()) == 3

    class L(list):
        def __iter__(self):
            return iter([100])

    assert objects.sum_iterable(L([1, 2])) == 100  # a list subclass's __iter__ is honoured


def test_iteration_errors():
    raises_repeatedly(pytest, TypeError, objects.sum_iterable, 5)
    raises_repeatedly(pytest, TypeError, objects.sum_iterable, ["x"])

    def gen():
        yield 1
        raise ValueError("from the generator")

    with pytest.raises(ValueError, match="from the generator"):
        objects.sum_iterable(gen())


def test_iteration_yields_sentinel_like_objects():
    # An iterator may yield anything, even None or objects equal to everything.
    class Eq:
        def __eq__(self, other):
            return True

        def __float__(self):
            return 1.0

    assert objects.sum_iterable([Eq(), Eq()]) == 2.0


def test_list_growing_while_iterating():
    data = [1.0]

    class Grow:
        def __float__(self):
            if len(data) < 5:
                data.append(Grow())
            return 1.0

    data[0] = Grow()
    assert objects.sum_iterable(data) == 5.0


def test_take_and_first_of():
    it = iter(range(10))
    assert objects.take(it, 3) == [0, 1, 2]
    assert objects.take(it, 100) == list(range(3, 10))
    assert objects.take(it, 5) == []
    raises_repeatedly(pytest, TypeError, objects.take, [1, 2], 1)  # a list is not an iterator
    assert objects.first_of("abc") == "a"
    assert objects.first_of([]) is None
    g = (x for x in range(3))
    assert objects.first_of(g) == 0 and next(g) == 1  # stopped early, not exhausted


def test_dicts():
    d = {"b": 2, "a": 1}
    assert objects.dict_items(d) == [("b", 2), ("a", 1)]
    keys, values, copy = objects.dict_ops(d)
    assert keys == ["b", "a"] and type(keys) is list
    assert values == [2, 1]
    assert copy == d and copy is not d
    raises_repeatedly(pytest, TypeError, objects.dict_items, [("a", 1)])
    raises_repeatedly(pytest, TypeError, objects.dict_ops, "not a dict")


def test_dict_iter():
    pair = lambda k, v: (k, v)  # noqa: E731
    assert objects.dict_walk({"b": 2, "a": [1]}, pair) == [("b", 2), ("a", [1])]
    assert objects.dict_walk({}, pair) == []
    big = {i: str(i) for i in range(1000)}
    assert objects.dict_walk(big, pair) == list(big.items())

    class Sub(dict):
        def items(self):
            raise AssertionError("not called")

    assert objects.dict_walk(Sub(x=1), pair) == [("x", 1)]
    od = collections.OrderedDict(a=1, b=2)
    assert objects.dict_walk(od, pair) == [("a", 1), ("b", 2)]
    e = raises_repeatedly(pytest, TypeError, objects.dict_walk, [("a", 1)], pair)
    assert "needs a dict, got list" in str(e)

    class Boom(Exception):
        pass

    def fail(k, v):
        raise Boom(k)

    raises_repeatedly(pytest, Boom, objects.dict_walk, {"k": 1}, fail)


def test_dict_iter_while_the_dict_changes():
    d = {"a": 1, "b": 2, "c": 3}

    def remove_next(k, v):
        d.pop(chr(ord(k) + 1), None)
        return k

    if objects.ABI == "cpython":
        # PyDict_Next, with the size check of dict iterators.
        with pytest.raises(RuntimeError, match="changed size during iteration"):
            objects.dict_walk(d, remove_next)
    else:
        # The keys of the start, one lookup each: the removed key is missing.
        with pytest.raises(KeyError):
            objects.dict_walk(d, remove_next)
    d = {"a": 1}
    seen = objects.dict_walk(d, lambda k, v: d.__setitem__(k, v + 1) or k)  # same size: fine
    assert seen == ["a"] and d == {"a": 2}


def test_attributes():
    class Obj:
        pass

    assert objects.attributes(Obj()) == (True, 42, False, None)
    raises_repeatedly(pytest, AttributeError, objects.attributes, object())
    assert objects.getattr_by_handle(1 + 2j, "imag") == 2.0
    raises_repeatedly(pytest, AttributeError, objects.getattr_by_handle, 1, "nope")
    raises_repeatedly(pytest, TypeError, objects.getattr_by_handle, 1, 2)

    class Obj:
        pass

    v = object()
    has, got, still = objects.attr_by_handle(Obj(), "dyn", v)
    assert has and got is v and not still
    raises_repeatedly(pytest, AttributeError, objects.attr_by_handle, object(), "x", v)


def test_items():
    seq, d = [1, 2, 3], {}
    last, value, has_key = objects.items(seq, d)
    assert (last, value, has_key) == (3, 3, False)
    assert seq == ["first", 3] and d == {3: 1}
    raises_repeatedly(pytest, IndexError, objects.items, [], {})
    raises_repeatedly(pytest, TypeError, objects.items, (1, 2), {})  # tuples are immutable


def test_items_by_handle():
    v = object()
    d = {}
    has, got, still = objects.item_by_handle(d, (1, "tuple key"), v)
    assert has and got is v and not still and d == {}
    l = [0, 1, 2]
    has, got, still = objects.item_by_handle(l, 1, v)  # an int handle as key
    assert got is v and l == [0, 2]
    raises_repeatedly(pytest, TypeError, objects.item_by_handle, {}, [], v)


def test_list_ops():
    assert objects.list_ops() == [1, "two", None]


def test_eval_and_run():
    assert objects.evaluate("x * 2", 21) == 42
    assert objects.evaluate("len(x)", "abc") == 3  # builtins are available
    ns = objects.define("y = 3\ndef f(z):\n    return y + z\n")
    assert ns["f"](4) == 7 and ns["y"] == 3
    assert objects.eval_simple("sum(range(5))") == 10
    assert objects.eval_with_locals("a + b", {"a": 1}, {"b": 2}) == 3
    assert objects.run_single("q = 5")["q"] == 5
    e = raises_repeatedly(pytest, SyntaxError, objects.evaluate, "x +", 1)
    assert e.filename == "<evaluate>"
    raises_repeatedly(pytest, NameError, objects.evaluate, "nope", 1)
    raises_repeatedly(pytest, ValueError, objects.evaluate, "1\0", 1)  # NUL in the source
    raises_repeatedly(pytest, ZeroDivisionError, objects.define, "1/0")


def test_objects_survive_gc():
    # Results built from borrowed arguments stay valid after a collection.
    r = objects.first_and_last([object(), object()])
    gc.collect()
    assert len(r) == 2

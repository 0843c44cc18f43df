"""The pure-Python reference of the benchmark: the part of piconumpy's API the workloads use,
implemented on a Python list of floats. Same results, bit for bit (the same operations in
the same order), so that the workloads can check each other."""


class array:
    """A one-dimensional array of floats kept in a list."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = [float(x) for x in data]

    @classmethod
    def _of(cls, values):
        """An array that takes ownership of a list of floats (no copy, no conversion)."""
        a = cls.__new__(cls)
        a.data = values
        return a

    @property
    def size(self):
        return len(self.data)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return array._of(self.data[key])
        return self.data[key]

    def __setitem__(self, key, value):
        if isinstance(key, slice):
            n = len(range(*key.indices(len(self.data))))
            if isinstance(value, array):
                self.data[key] = list(value.data)
            elif isinstance(value, (int, float)):
                self.data[key] = [float(value)] * n
            else:
                self.data[key] = [float(x) for x in value]
        else:
            self.data[key] = float(value)

    def __iter__(self):
        return iter(self.data)

    def tolist(self):
        return list(self.data)

    def copy(self):
        return array._of(list(self.data))

    def __add__(self, other):
        if isinstance(other, array):
            return array._of([x + y for x, y in zip(self.data, other.data)])
        return array._of([x + other for x in self.data])

    def __radd__(self, other):
        return array._of([other + x for x in self.data])

    def __sub__(self, other):
        if isinstance(other, array):
            return array._of([x - y for x, y in zip(self.data, other.data)])
        return array._of([x - other for x in self.data])

    def __rsub__(self, other):
        return array._of([other - x for x in self.data])

    def __mul__(self, other):
        if isinstance(other, array):
            return array._of([x * y for x, y in zip(self.data, other.data)])
        return array._of([x * other for x in self.data])

    def __rmul__(self, other):
        return array._of([other * x for x in self.data])

    def __truediv__(self, other):
        if isinstance(other, array):
            return array._of([x / y for x, y in zip(self.data, other.data)])
        return array._of([x / other for x in self.data])

    def __rtruediv__(self, other):
        return array._of([other / x for x in self.data])

    def __iadd__(self, other):
        d = self.data
        if isinstance(other, array):
            o = other.data
            for i in range(len(d)):
                d[i] += o[i]
        else:
            for i in range(len(d)):
                d[i] += other
        return self

    def __imul__(self, other):
        d = self.data
        if isinstance(other, array):
            o = other.data
            for i in range(len(d)):
                d[i] *= o[i]
        else:
            for i in range(len(d)):
                d[i] *= other
        return self

    def __neg__(self):
        return array._of([-x for x in self.data])

    def __repr__(self):
        return "array(" + repr(self.data) + ")"


def zeros(size):
    return array._of([0.0] * size)


def empty(size):
    return array._of([0.0] * size)


def full(size, fill_value):
    return array._of([float(fill_value)] * size)

//! `piconumpy`: a small numpy-like one-dimensional array of floats, written in Rust on HPy.
//!
//! One class, `piconumpy.array`, holding a fixed number of `f64`s, and a few functions that
//! make arrays (`zeros`, `empty`, `ones`, `full`). What it does, as a Python user sees it:
//!
//! * `array(iterable)` copies any iterable of numbers (floats, ints, objects with
//!   `__float__` or `__index__`), or another array;
//! * `len(a)`, `a.size`, `a.shape`; `a[i]` and `a[i] = x` with negative indices, `a[i:j:k]`
//!   (a new array, not a view) and `a[i:j:k] = array, sequence or number`; iteration yields
//!   floats; `x in a`;
//! * `+ - * /` element-wise between arrays of one size, or an array and a number, in both
//!   orders, and in place (`+=` ...); unary `-`, `+`, `abs()`. Division follows IEEE 754:
//!   `1 / 0` is `inf`, `0 / 0` is `nan`, as in numpy (which also warns);
//! * `==` / `!=` compare whole arrays (same size, equal elements) and give a `bool`, like
//!   `list` and `array.array`, not numpy's element-wise array; arrays are not ordered and not
//!   hashable; `bool(a)` is `len(a) > 0`, as for a list;
//! * `repr(a)` is `array([1.0, 2.5])`, each element as Python prints a float; `a.tolist()`;
//!   `a.copy()`;
//! * the buffer protocol: `memoryview(a)` is format `'d'`, one dimension, writable, sharing the
//!   array's memory; `a.writeable = False` makes the array read-only (assignments raise
//!   `ValueError`, new memoryviews are read-only), like numpy's `writeable` flag.
//!
//! The elements are `Cell<f64>`s: a buffer export lets Python write the memory while the
//! array is in use, and `a += a` reads and writes the same elements, so the class is `frozen`
//! (no `&mut self`, no run-time borrow flag) and mutates through cells. Up to four elements
//! live inside the object, more on the heap; an array never changes size, so its memory never
//! moves while a `memoryview` of it exists. README.md says more, and BENCHMARKS.md what each
//! operation costs in each mode.

use std::cell::Cell;

mod repr;
pub use repr::float_repr;

/// How many elements an array keeps inside the object itself. A small array (a point, a
/// state vector of an ODE) then costs one allocation, the object's, not two: for a 4-element
/// `a + b` the second allocation was a fifth of the instructions in CPython-ABI mode.
const INLINE: usize = 4;

/// The elements of an array: up to [`INLINE`] inside the object, more on the heap. Either
/// way they never move while the array lives (an array never changes size), which the
/// buffer protocol relies on.
enum Data {
    /// `len <= INLINE` elements, the rest of `items` unused (zero).
    Inline {
        len: usize,
        items: [Cell<f64>; INLINE],
    },
    /// More than `INLINE` elements.
    Heap(Box<[Cell<f64>]>),
}

impl std::ops::Deref for Data {
    type Target = [Cell<f64>];
    #[inline(always)]
    fn deref(&self) -> &[Cell<f64>] {
        match self {
            Data::Inline { len, items } => &items[..*len],
            Data::Heap(b) => b,
        }
    }
}

impl Data {
    /// The elements of `values`.
    fn from_vec(values: Vec<f64>) -> Data {
        if values.len() <= INLINE {
            Data::inline(values.len(), |i| values[i])
        } else {
            Data::Heap(values.into_iter().map(Cell::new).collect())
        }
    }

    #[inline(always)]
    fn inline(n: usize, mut f: impl FnMut(usize) -> f64) -> Data {
        debug_assert!(n <= INLINE);
        let items: [Cell<f64>; INLINE] =
            std::array::from_fn(|i| Cell::new(if i < n { f(i) } else { 0.0 }));
        Data::Inline { len: n, items }
    }
}

/// `n` elements computed by `f(i)`; a `MemoryError` (not an abort) when they do not fit in
/// memory. `what` names the operation for the message.
#[inline(always)]
fn make_data(n: usize, what: &str, f: impl FnMut(usize) -> f64) -> hpy_core::Result<Data> {
    if n <= INLINE {
        return Ok(Data::inline(n, f));
    }
    let mut v: Vec<Cell<f64>> = Vec::new();
    if v.try_reserve_exact(n).is_err() {
        return Err(hpy_core::Error::memory_error(format!(
            "{what}: cannot allocate an array of {n} floats"
        )));
    }
    v.extend((0..n).map(f).map(Cell::new));
    Ok(Data::Heap(v.into_boxed_slice()))
}

/// An element-wise operator.
#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    #[inline(always)]
    fn apply(self, x: f64, y: f64) -> f64 {
        match self {
            Op::Add => x + y,
            Op::Sub => x - y,
            Op::Mul => x * y,
            Op::Div => x / y,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Sub => "-",
            Op::Mul => "*",
            Op::Div => "/",
        }
    }
}

/// A one-dimensional array of floats.
#[hpy_core::module]
pub mod piconumpy {
    use super::*;
    use hpy_core::class::{Buffer, try_borrow};
    use hpy_core::{Builtin, BuiltinType, Ctx, Error, Field, FromHandle, Handle, Ref, Result};

    /// Which backend this build uses (the test harness checks it is the one it meant to test).
    #[hpy_core::module_init]
    fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
        module.setattr("ABI", hpy_core::ABI)?;
        module.setattr("CONTEXT_NAME", ctx.name())
    }

    /// `array(iterable)`: a one-dimensional array of floats, copied from an iterable of numbers
    /// (or from another array).
    #[hpy_core::class(name = "array", frozen)]
    pub struct Array {
        data: Data,
        writeable: Cell<bool>,
    }

    /// The other operand of an arithmetic operator: an array, or a number.
    pub enum Operand<'a, 'c> {
        /// Another array (element-wise).
        Array(Ref<'a, 'c, Array>),
        /// A number, applied to every element.
        Scalar(f64),
    }

    impl<'a, 'c> Operand<'a, 'c> {
        /// `Some` for an array or anything that converts to a float; `None` for any other
        /// object (the operator then returns `NotImplemented`). Other errors (an int too large
        /// for a float, an exception raised by `__float__`) are errors.
        fn from_object(h: &'a Handle<'c>) -> Result<Option<Operand<'a, 'c>>> {
            // The common cases first, cheapest test first: a float, an array.
            if h.is_instance_of_builtin(BuiltinType::Float) {
                return h.extract().map(|x| Some(Operand::Scalar(x)));
            }
            if let Some(a) = try_borrow::<Array>(h)? {
                return Ok(Some(Operand::Array(a)));
            }
            match h.extract::<f64>() {
                Ok(x) => Ok(Some(Operand::Scalar(x))),
                Err(e) if e.matches(h.ctx(), Builtin::TypeError) => {
                    e.discard(h.ctx());
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        }
    }

    /// For the in-place operators, whose other operand the macros convert (a failure makes
    /// the operator return `NotImplemented`).
    impl<'a, 'c> FromHandle<'a, 'c> for Operand<'a, 'c> {
        const EXPECTED: &'static str = "piconumpy.array or number";
        fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
            Operand::from_object(h)?.ok_or_else(|| {
                Error::type_error(format!(
                    "expected piconumpy.array or number, got {}",
                    h.type_name()
                ))
            })
        }
    }

    impl Array {
        fn from_data(data: Data) -> Array {
            Array {
                data,
                writeable: Cell::new(true),
            }
        }

        fn len(&self) -> usize {
            self.data.len()
        }

        /// `ValueError` unless the array may be written.
        #[inline(always)]
        fn check_writeable(&self, what: impl std::fmt::Display) -> Result<()> {
            if self.writeable.get() {
                Ok(())
            } else {
                Err(read_only_error(what))
            }
        }

        /// The position of index `i` (negative counts from the end), or `IndexError`.
        fn position(&self, i: i64) -> Result<usize> {
            let n = self.len() as i64;
            let j = if i < 0 { i + n } else { i };
            if (0..n).contains(&j) {
                Ok(j as usize)
            } else {
                Err(Error::index_error(format!(
                    "index {i} is out of bounds for a piconumpy.array of size {n}"
                )))
            }
        }

        /// `self <op> other` (or `other <op> self` when `reflected`). Inlined into each
        /// operator, where `op` is a constant: each gets its own loops.
        #[inline(always)]
        fn binary<'c>(
            &self,
            ctx: Ctx<'c>,
            other: &Handle<'c>,
            op: Op,
            reflected: bool,
        ) -> Result<Handle<'c>> {
            let data = match Operand::from_object(other)? {
                None => return Ok(ctx.not_implemented()),
                Some(Operand::Scalar(y)) => {
                    let x = &self.data;
                    if reflected {
                        make_data(x.len(), op.symbol(), |i| op.apply(y, x[i].get()))?
                    } else {
                        make_data(x.len(), op.symbol(), |i| op.apply(x[i].get(), y))?
                    }
                }
                Some(Operand::Array(b)) => {
                    // Only the forward method sees two arrays: `self` is the left operand.
                    let (x, y) = (&self.data, &b.data);
                    if x.len() != y.len() {
                        return Err(size_mismatch(op.symbol(), x.len(), y.len()));
                    }
                    make_data(x.len(), op.symbol(), |i| op.apply(x[i].get(), y[i].get()))?
                }
            };
            ctx.to_py(Array::from_data(data))
        }

        /// `self <op>= other` (inlined like [`Array::binary`]).
        #[inline(always)]
        fn inplace(&self, other: Operand<'_, '_>, op: Op) -> Result<()> {
            self.check_writeable(format_args!("{}=", op.symbol()))?;
            let x = &self.data;
            match other {
                Operand::Scalar(y) => x.iter().for_each(|c| c.set(op.apply(c.get(), y))),
                Operand::Array(b) => {
                    let y = &b.data;
                    if x.len() != y.len() {
                        return Err(size_mismatch(
                            format_args!("{}=", op.symbol()),
                            x.len(),
                            y.len(),
                        ));
                    }
                    // Cells: `a += a` reads and writes the same elements, one at a time.
                    x.iter()
                        .zip(y.iter())
                        .for_each(|(c, d)| c.set(op.apply(c.get(), d.get())));
                }
            }
            Ok(())
        }

        /// A new array of the elements `slice` selects.
        fn get_slice<'c>(&self, ctx: Ctx<'c>, slice: &Handle<'c>) -> Result<Handle<'c>> {
            let (start, _, step, count) = slice.slice_indices(self.len())?;
            let x = &self.data;
            let data = make_data(count, "slicing", |k| {
                x[(start + k as isize * step) as usize].get()
            })?;
            ctx.to_py(Array::from_data(data))
        }

        /// `self[slice] = value`: an array or a sequence of as many numbers as the slice
        /// selects, or one number for all of them.
        fn set_slice(&self, slice: &Handle<'_>, value: &Handle<'_>) -> Result<()> {
            let (start, _, step, count) = slice.slice_indices(self.len())?;
            let at = |k: usize| (start + k as isize * step) as usize;
            if let Some(b) = try_borrow::<Array>(value)? {
                if std::ptr::eq(b.data.as_ptr(), self.data.as_ptr()) {
                    // The array itself (`a[1:] = a`): copied first, since the assignment
                    // overwrites elements it has still to read.
                    let values: Vec<f64> = b.data.iter().map(Cell::get).collect();
                    return self.assign(&values, count, at);
                }
                let values = &b.data;
                if values.len() != count {
                    return Err(slice_size_mismatch(values.len(), count));
                }
                for (k, v) in values.iter().enumerate() {
                    self.data[at(k)].set(v.get());
                }
                return Ok(());
            }
            const WHAT: &str = "piconumpy.array slice assignment";
            // A float is the one common scalar; anything else that is iterable (a list, a
            // numpy array, a user's sequence, even one with `__float__`) is a sequence of
            // values, and only what is not iterable is one number for the whole slice.
            if !value.is_instance_of_builtin(BuiltinType::Float) {
                if value.is_str() || value.is_list() || value.is_tuple() {
                    let values = collect_floats(value, WHAT)?;
                    return self.assign(&values, count, at);
                }
                match value.iter() {
                    Ok(items) => {
                        let values = collect_items(items, WHAT)?;
                        return self.assign(&values, count, at);
                    }
                    Err(e) if e.matches(value.ctx(), Builtin::TypeError) => {
                        e.discard(value.ctx());
                    }
                    Err(e) => return Err(e),
                }
            }
            let y = match to_float(value, WHAT) {
                Err(e) if e.matches(value.ctx(), Builtin::TypeError) => {
                    e.discard(value.ctx());
                    return Err(Error::type_error(format!(
                        "{WHAT}: expected a number or an iterable of numbers, got {}",
                        value.type_name()
                    )));
                }
                y => y?,
            };
            (0..count).for_each(|k| self.data[at(k)].set(y));
            Ok(())
        }

        fn assign(&self, values: &[f64], count: usize, at: impl Fn(usize) -> usize) -> Result<()> {
            if values.len() != count {
                return Err(slice_size_mismatch(values.len(), count));
            }
            for (k, v) in values.iter().enumerate() {
                self.data[at(k)].set(*v);
            }
            Ok(())
        }
    }

    /// The numbers of an iterable (not a `str`), as floats; errors start with `what`.
    fn collect_floats(data: &Handle<'_>, what: &str) -> Result<Vec<f64>> {
        if data.is_str() {
            return Err(Error::type_error(format!(
                "{what}: expected an iterable of numbers, got str"
            )));
        }
        if data.is_list() || data.is_tuple() {
            // hpy-core's fast path for a list or tuple of floats; on an OverflowError (an int
            // too large for a float) the slow path below says which item it was.
            match data.extract() {
                Ok(values) => return Ok(values),
                Err(e) if e.matches(data.ctx(), Builtin::OverflowError) => e.discard(data.ctx()),
                Err(e) => return Err(e.with_prefix(format_args!("{what}: "))),
            }
        }
        let items = match data.iter() {
            Ok(items) => items,
            Err(e) if e.matches(data.ctx(), Builtin::TypeError) => {
                e.discard(data.ctx());
                return Err(Error::type_error(format!(
                    "{what}: expected an iterable of numbers, got {}",
                    data.type_name()
                )));
            }
            Err(e) => return Err(e),
        };
        collect_items(items, what)
    }

    /// The items of an iterator, as floats; errors start with `what` and the item's position.
    fn collect_items(items: hpy_core::Iter<'_>, what: &str) -> Result<Vec<f64>> {
        let mut values = Vec::new();
        for (i, item) in items.enumerate() {
            values.push(to_float(&item?, format_args!("{what}: item {i}"))?);
        }
        Ok(values)
    }

    /// `float(value)`, with an error that starts with `what`, an `OverflowError` included (an
    /// int too large for a float, whose message from Python would not say where it was).
    fn to_float(value: &Handle<'_>, what: impl std::fmt::Display) -> Result<f64> {
        match value.extract::<f64>() {
            Ok(x) => Ok(x),
            Err(e) if e.matches(value.ctx(), Builtin::OverflowError) => {
                e.discard(value.ctx());
                Err(Error::overflow_error(format!(
                    "{what}: {} is too large to convert to a float",
                    short_repr(value)
                )))
            }
            Err(e) => Err(e.with_prefix(format_args!("{what}: "))),
        }
    }

    /// `repr(value)`, cut short when it is long (a 400-digit int).
    fn short_repr(value: &Handle<'_>) -> String {
        let r = value.repr().unwrap_or_else(|e| {
            e.discard(value.ctx());
            String::from("the value")
        });
        if r.chars().count() > 40 {
            let head: String = r.chars().take(20).collect();
            format!("{head}... ({} characters)", r.chars().count())
        } else {
            r
        }
    }

    /// The `ValueError` of a slice assignment of the wrong number of values.
    #[cold]
    fn slice_size_mismatch(values: usize, count: usize) -> Error {
        Error::value_error(format!(
            "cannot assign {values} values to a slice of {count} elements of a piconumpy.array"
        ))
    }

    /// The `ValueError` of a write to a read-only array.
    #[cold]
    fn read_only_error(what: impl std::fmt::Display) -> Error {
        Error::value_error(format!(
            "{what}: the array is read-only (its writeable flag is False)"
        ))
    }

    /// The `ValueError` of an element-wise operation between arrays of different sizes.
    #[cold]
    fn size_mismatch(op: impl std::fmt::Display, left: usize, right: usize) -> Error {
        Error::value_error(format!(
            "operands of {op} have different sizes: {left} and {right} (piconumpy arrays do \
             not broadcast)"
        ))
    }

    /// `array[index]` for an int index (or an object with `__index__`); `None` for a slice.
    fn int_key(key: &Handle<'_>, size: usize) -> Result<Option<i64>> {
        // The slice test first: it is one type check, where a failed int conversion would
        // build an error message only to discard it.
        if key.is_instance_of_builtin(BuiltinType::Slice) {
            return Ok(None);
        }
        match key.extract::<i64>() {
            Ok(i) => Ok(Some(i)),
            Err(e) => {
                let ctx = key.ctx();
                if e.matches(ctx, Builtin::OverflowError) {
                    e.discard(ctx);
                    return Err(Error::index_error(format!(
                        "index {} is out of bounds for a piconumpy.array of size {size}",
                        key.repr()?
                    )));
                }
                if e.matches(ctx, Builtin::TypeError) {
                    e.discard(ctx);
                    return Err(Error::type_error(format!(
                        "piconumpy.array indices must be integers or slices, not {}",
                        key.type_name()
                    )));
                }
                Err(e)
            }
        }
    }

    #[hpy_core::methods]
    impl Array {
        #[new]
        #[hpy(signature = (data, /))]
        fn new(data: &Handle<'_>) -> Result<Array> {
            if let Some(a) = try_borrow::<Array>(data)? {
                let x = &a.data;
                return make_data(x.len(), "array()", |i| x[i].get()).map(Array::from_data);
            }
            let values = collect_floats(data, "array() argument 'data'")?;
            Ok(Array::from_data(Data::from_vec(values)))
        }

        /// The number of elements.
        #[getter]
        fn size(&self) -> usize {
            self.len()
        }

        /// `(size,)`, as in numpy.
        #[getter]
        fn shape(&self) -> (usize,) {
            (self.len(),)
        }

        /// Whether the array may be written (assignments, in-place operators, writable
        /// memoryviews); set it to False to make the array read-only.
        #[getter]
        fn writeable(&self) -> bool {
            self.writeable.get()
        }

        /// Takes any truth value (`a.writeable = 1`), like numpy's flag.
        #[setter]
        fn set_writeable(&self, value: &Handle<'_>) -> Result<()> {
            self.writeable.set(value.is_true()?);
            Ok(())
        }

        /// The elements as a list of floats.
        fn tolist(&self) -> Vec<f64> {
            self.data.iter().map(Cell::get).collect()
        }

        /// A copy of the array (writeable, whatever this one is).
        fn copy(&self) -> Result<Array> {
            let x = &self.data;
            make_data(x.len(), "copy()", |i| x[i].get()).map(Array::from_data)
        }

        fn __len__(&self) -> usize {
            self.len()
        }

        fn __getitem__<'c>(&self, ctx: Ctx<'c>, key: &Handle<'c>) -> Result<Handle<'c>> {
            match int_key(key, self.len())? {
                Some(i) => ctx.to_py(self.data[self.position(i)?].get()),
                None => self.get_slice(ctx, key),
            }
        }

        fn __setitem__(&self, key: &Handle<'_>, value: &Handle<'_>) -> Result<()> {
            self.check_writeable("assignment")?;
            match int_key(key, self.len())? {
                Some(i) => {
                    let j = self.position(i)?;
                    let x = to_float(value, format_args!("piconumpy.array item assignment"))?;
                    self.data[j].set(x);
                    Ok(())
                }
                None => self.set_slice(key, value),
            }
        }

        fn __contains__(&self, x: f64) -> bool {
            self.data.iter().any(|c| c.get() == x)
        }

        fn __iter__<'c>(slf: Ref<'_, 'c, Self>) -> Result<Handle<'c>> {
            let it = slf.ctx().to_py(ArrayIterator {
                array: Field::new(),
                index: Cell::new(0),
                reverse: false,
            })?;
            let cell = Ref::<ArrayIterator>::borrow(&it)?;
            cell.store(&cell.array, Some(slf.handle()));
            drop(cell);
            Ok(it)
        }

        /// `reversed(a)`: the elements from the last, read as they are reached (like
        /// iteration, and like `reversed()` on a list).
        fn __reversed__<'c>(slf: Ref<'_, 'c, Self>) -> Result<Handle<'c>> {
            let it = slf.ctx().to_py(ArrayIterator {
                array: Field::new(),
                index: Cell::new(slf.len()),
                reverse: true,
            })?;
            let cell = Ref::<ArrayIterator>::borrow(&it)?;
            cell.store(&cell.array, Some(slf.handle()));
            drop(cell);
            Ok(it)
        }

        /// The class cannot be subclassed, on every runtime: PyPy's HPy backend ignores the
        /// missing base-type flag, and then aborts when it collects an instance of the
        /// subclass, so the class refuses subclasses itself.
        #[classmethod]
        fn __init_subclass__(cls: &Handle<'_>) -> Result<()> {
            Err(Error::type_error(format!(
                "type 'piconumpy.array' is not an acceptable base type (cannot subclass it as {})",
                cls.getattr("__name__")?.repr()?
            )))
        }

        fn __repr__(&self) -> String {
            let mut s = String::with_capacity(8 + 6 * self.len());
            s.push_str("array([");
            for (i, c) in self.data.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                repr::push_float_repr(&mut s, c.get());
            }
            s.push_str("])");
            s
        }

        fn __eq__(&self, other: &Array) -> bool {
            self.len() == other.len()
                && self
                    .data
                    .iter()
                    .zip(other.data.iter())
                    .all(|(a, b)| a.get() == b.get())
        }

        fn __hash__(&self) -> Result<isize> {
            Err(Error::type_error("unhashable type: 'piconumpy.array'"))
        }

        fn __add__<'c>(&self, ctx: Ctx<'c>, other: &Handle<'c>) -> Result<Handle<'c>> {
            self.binary(ctx, other, Op::Add, false)
        }

        fn __radd__<'c>(&self, ctx: Ctx<'c>, other: &Handle<'c>) -> Result<Handle<'c>> {
            self.binary(ctx, other, Op::Add, true)
        }

        fn __sub__<'c>(&self, ctx: Ctx<'c>, other: &Handle<'c>) -> Result<Handle<'c>> {
            self.binary(ctx, other, Op::Sub, false)
        }

        fn __rsub__<'c>(&self, ctx: Ctx<'c>, other: &Handle<'c>) -> Result<Handle<'c>> {
            self.binary(ctx, other, Op::Sub, true)
        }

        fn __mul__<'c>(&self, ctx: Ctx<'c>, other: &Handle<'c>) -> Result<Handle<'c>> {
            self.binary(ctx, other, Op::Mul, false)
        }

        fn __rmul__<'c>(&self, ctx: Ctx<'c>, other: &Handle<'c>) -> Result<Handle<'c>> {
            self.binary(ctx, other, Op::Mul, true)
        }

        fn __truediv__<'c>(&self, ctx: Ctx<'c>, other: &Handle<'c>) -> Result<Handle<'c>> {
            self.binary(ctx, other, Op::Div, false)
        }

        fn __rtruediv__<'c>(&self, ctx: Ctx<'c>, other: &Handle<'c>) -> Result<Handle<'c>> {
            self.binary(ctx, other, Op::Div, true)
        }

        fn __iadd__(&self, other: Operand<'_, '_>) -> Result<()> {
            self.inplace(other, Op::Add)
        }

        fn __isub__(&self, other: Operand<'_, '_>) -> Result<()> {
            self.inplace(other, Op::Sub)
        }

        fn __imul__(&self, other: Operand<'_, '_>) -> Result<()> {
            self.inplace(other, Op::Mul)
        }

        fn __itruediv__(&self, other: Operand<'_, '_>) -> Result<()> {
            self.inplace(other, Op::Div)
        }

        fn __neg__(&self) -> Result<Array> {
            let x = &self.data;
            make_data(x.len(), "-", |i| -x[i].get()).map(Array::from_data)
        }

        fn __pos__(&self) -> Result<Array> {
            self.copy()
        }

        fn __abs__(&self) -> Result<Array> {
            let x = &self.data;
            make_data(x.len(), "abs()", |i| x[i].get().abs()).map(Array::from_data)
        }

        fn __getbuffer__(&self) -> Buffer<'_> {
            let b = Buffer::cells(&self.data);
            if self.writeable.get() {
                b
            } else {
                b.read_only()
            }
        }
    }

    /// Iterates over the elements of an array (made by `iter(array)`), reading each one when
    /// it is reached, as a list iterator does.
    #[hpy_core::class(name = "array_iterator", frozen)]
    pub struct ArrayIterator {
        /// The array; emptied once the iteration is over.
        array: Field,
        /// The next element's position (forward), or one past it (reversed).
        index: Cell<usize>,
        /// Whether the iterator goes from the last element to the first.
        reverse: bool,
    }

    #[hpy_core::methods]
    impl ArrayIterator {
        fn __iter__<'c>(slf: Ref<'_, 'c, Self>) -> Handle<'c> {
            slf.handle().clone()
        }

        fn __next__(slf: Ref<'_, '_, Self>) -> Result<Option<f64>> {
            let Some(array) = slf.load(&slf.array) else {
                return Ok(None);
            };
            let a = Ref::<Array>::borrow(&array)?;
            let i = slf.index.get();
            if slf.reverse {
                // Clamped: the array never changes size, but stays correct if it did.
                let i = i.min(a.len());
                if i > 0 {
                    slf.index.set(i - 1);
                    return Ok(Some(a.data[i - 1].get()));
                }
            } else if i < a.len() {
                slf.index.set(i + 1);
                return Ok(Some(a.data[i].get()));
            }
            drop(a);
            slf.store(&slf.array, None);
            Ok(None)
        }
    }

    /// Checks the `size` argument of the functions that make arrays.
    /// Any int-like object, between 0 and the most elements an allocation can have;
    /// `ValueError` outside that range, as in numpy.
    fn checked_size(function: &str, size: &Handle<'_>) -> Result<usize> {
        const MAX: usize = isize::MAX as usize / std::mem::size_of::<f64>();
        let ctx = size.ctx();
        let n = match size.extract::<i64>() {
            Ok(n) => usize::try_from(n).ok().filter(|n| *n <= MAX),
            Err(e) if e.matches(ctx, Builtin::OverflowError) => {
                e.discard(ctx);
                None
            }
            Err(e) => return Err(e.with_prefix(format_args!("{function}() argument 'size': "))),
        };
        n.ok_or_else(|| {
            Error::value_error(format!(
                "{function}(): size must be between 0 and {MAX}, got {}",
                short_repr(size)
            ))
        })
    }

    /// `zeros(size)`: an array of `size` zeros.
    #[hpy_core::function]
    fn zeros(size: &Handle<'_>) -> Result<Array> {
        let n = checked_size("zeros", size)?;
        make_data(n, "zeros()", |_| 0.0).map(Array::from_data)
    }

    /// `empty(size)`: an array of `size` elements. Unlike numpy's, they are zeros, never
    /// uninitialised memory.
    #[hpy_core::function]
    fn empty(size: &Handle<'_>) -> Result<Array> {
        let n = checked_size("empty", size)?;
        make_data(n, "empty()", |_| 0.0).map(Array::from_data)
    }

    /// `ones(size)`: an array of `size` ones.
    #[hpy_core::function]
    fn ones(size: &Handle<'_>) -> Result<Array> {
        let n = checked_size("ones", size)?;
        make_data(n, "ones()", |_| 1.0).map(Array::from_data)
    }

    /// `full(size, fill_value)`: an array of `size` copies of `fill_value`.
    #[hpy_core::function]
    fn full(size: &Handle<'_>, fill_value: f64) -> Result<Array> {
        let n = checked_size("full", size)?;
        make_data(n, "full()", |_| fill_value).map(Array::from_data)
    }
}

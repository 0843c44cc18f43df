//! The functions of `examples/hello` written on PyO3, with the same signatures and behaviour,
//! so that bench/run.py can compare the size and build time of the two libraries.

/// Greetings and arithmetic, written in Rust on PyO3.
#[pyo3::pymodule]
mod hello_pyo3 {
    use std::collections::HashMap;

    use pyo3::exceptions::{
        PyKeyError, PyOSError, PyOverflowError, PyTypeError, PyUserWarning, PyValueError,
        PyZeroDivisionError,
    };
    use pyo3::prelude::*;
    use pyo3::types::{PyString, PyTuple};

    /// The version of this example.
    #[pymodule_export]
    const VERSION: &str = "0.1.0";

    /// The answer.
    #[pymodule_export]
    const ANSWER: i64 = 42;

    /// Does nothing.
    #[pyfunction]
    fn noop() {}

    /// Returns its argument unchanged.
    #[pyfunction(signature = (obj, /))]
    fn identity(obj: Bound<'_, PyAny>) -> Bound<'_, PyAny> {
        obj
    }

    /// Adds two integers.
    #[pyfunction(signature = (a, b, /))]
    fn add_ints(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyOverflowError::new_err("add_ints: the sum does not fit in i64"))
    }

    /// Greets someone.
    #[pyfunction(signature = (name, greeting = "Hello", *, punctuation = '!'))]
    fn greet(name: &str, greeting: &str, punctuation: char) -> String {
        format!("{greeting}, {name}{punctuation}")
    }

    /// Adds `a`, `b` and `c`, where `b` defaults to 1 and `c` is keyword-only.
    #[pyfunction(signature = (a, b = 1, /, *, c = None))]
    fn mixed(a: i64, b: i64, c: Option<i64>) -> i64 {
        a + b + c.unwrap_or(0)
    }

    /// Counts positional and keyword arguments.
    #[pyfunction(signature = (first, *args, **kwargs))]
    fn count_args(
        first: &Bound<'_, PyAny>,
        args: &Bound<'_, PyTuple>,
        kwargs: Option<HashMap<String, i64>>,
    ) -> (usize, usize, i64) {
        let _ = first;
        let kw_sum = kwargs.as_ref().map_or(0, |m| m.values().sum());
        (args.len(), kwargs.map_or(0, |m| m.len()), kw_sum)
    }

    /// Sums a list of floats.
    #[pyfunction(signature = (values, /))]
    fn sum_floats(values: Vec<f64>) -> f64 {
        values.iter().sum()
    }

    /// Returns the integer conversions of its arguments, as a tuple.
    #[pyfunction]
    #[allow(clippy::too_many_arguments)]
    fn ints(
        a: i8,
        b: u8,
        c: i16,
        d: u16,
        e: i32,
        f: u32,
        g: i64,
        h: u64,
    ) -> (i8, u8, i16, u16, i32, u32, i64, u64) {
        (a, b, c, d, e, f, g, h)
    }

    /// Round-trips a 128-bit integer.
    #[pyfunction]
    fn wide(a: i128, b: u128) -> (i128, u128) {
        (a, b)
    }

    /// Round-trips sizes.
    #[pyfunction]
    fn sizes(a: isize, b: usize) -> (isize, usize) {
        (a, b)
    }

    /// Converts a float through f32.
    #[pyfunction]
    fn to_f32(x: f32) -> f32 {
        x
    }

    /// Negates a bool.
    #[pyfunction(name = "not_")]
    fn not_(flag: bool) -> bool {
        !flag
    }

    /// Upper-cases a string (owned in, owned out).
    #[pyfunction]
    fn upper(s: String) -> String {
        s.to_uppercase()
    }

    /// The length of a string in characters, borrowing its UTF-8 buffer.
    #[pyfunction]
    fn char_count(s: &str) -> usize {
        s.chars().count()
    }

    /// Returns None when given None, else the doubled value.
    #[pyfunction]
    fn double_or_none(x: Option<i64>) -> PyResult<Option<i64>> {
        x.map(|v| {
            v.checked_mul(2).ok_or_else(|| {
                PyOverflowError::new_err("double_or_none: the result does not fit in i64")
            })
        })
        .transpose()
    }

    /// Swaps a pair.
    #[pyfunction]
    fn swap(pair: (i64, String)) -> (String, i64) {
        (pair.1, pair.0)
    }

    /// Inverts a dict of str to int.
    #[pyfunction]
    fn invert(d: HashMap<String, i64>) -> HashMap<i64, String> {
        d.into_iter().map(|(k, v)| (v, k)).collect()
    }

    /// Nested containers: a list of lists of ints, flattened.
    #[pyfunction]
    fn flatten(rows: Vec<Vec<i64>>) -> Vec<i64> {
        rows.into_iter().flatten().collect()
    }

    /// Returns `()`: None in Python.
    #[pyfunction]
    fn unit(_x: i64) {}

    /// Raises ValueError with the given message.
    #[pyfunction]
    fn fail(msg: String) -> PyResult<()> {
        Err(PyValueError::new_err(msg))
    }

    /// Raises the built-in exception named by `kind`.
    #[pyfunction]
    fn raise_kind(kind: &str) -> PyResult<()> {
        Err(match kind {
            "KeyError" => PyKeyError::new_err("missing"),
            "ZeroDivisionError" => PyZeroDivisionError::new_err("division by zero"),
            "OSError" => PyOSError::new_err("no such file"),
            "UserWarning" => PyUserWarning::new_err("careful"),
            _ => PyTypeError::new_err(format!("unknown kind {kind:?}")),
        })
    }

    /// Parses an integer with `str::parse`.
    #[pyfunction]
    fn parse_int(s: &str) -> PyResult<i64> {
        s.trim()
            .parse::<i64>()
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Panics with the given message.
    #[pyfunction]
    fn panic_with(msg: &str) -> i64 {
        panic!("{msg}")
    }

    /// Calls `callable(*args)` and returns its result: exceptions pass through.
    #[pyfunction(signature = (callable, *args))]
    fn call<'py>(
        callable: &Bound<'py, PyAny>,
        args: &Bound<'py, PyTuple>,
    ) -> PyResult<Bound<'py, PyAny>> {
        callable.call1(args)
    }

    /// Returns `getattr(obj, name)`.
    #[pyfunction]
    fn get_attribute<'py>(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        obj.getattr(name)
    }

    /// Builds a dict with `n` entries `str(i) -> i`.
    #[pyfunction]
    fn build_dict(n: u32) -> HashMap<String, u32> {
        (0..n).map(|i| (i.to_string(), i)).collect()
    }

    /// The type name of its argument, as seen from Rust.
    #[pyfunction(name = "type_name")]
    fn type_name_of(obj: &Bound<'_, PyAny>) -> PyResult<String> {
        Ok(obj.get_type().name()?.to_string())
    }

    /// The repr of its argument, computed through Python.
    #[pyfunction]
    fn repr_of(obj: &Bound<'_, PyAny>) -> PyResult<String> {
        Ok(obj.repr()?.to_string())
    }

    /// Leaks one new reference on purpose.
    #[pyfunction]
    fn leak_one_handle(py: Python<'_>) {
        std::mem::forget(PyString::new(py, "leaked on purpose"));
    }

    /// Returns None, True and False.
    #[pyfunction]
    fn constants(py: Python<'_>) -> (Py<PyAny>, bool, bool) {
        (py.None(), true, false)
    }
}

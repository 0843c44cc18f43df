//! The benchmark workload of `bench/README.md` on PyO3, written the way a PyO3 user would:
//! plain `#[pyfunction]`s, a mutable `#[pyclass]` with `#[pyo3(get, set)]` fields.

/// The benchmark workload on PyO3.
#[pyo3::pymodule]
mod bench_pyo3 {
    use pyo3::exceptions::PyOverflowError;
    use pyo3::prelude::*;
    use pyo3::types::{PyDict, PyList};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("ABI", "pyo3")
    }

    /// `noop()`: no arguments, returns None.
    #[pyfunction]
    fn noop() {}

    /// `add_ints(a, b)`: the sum of two ints.
    #[pyfunction]
    fn add_ints(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyOverflowError::new_err("add_ints: the sum does not fit in 64 bits"))
    }

    /// `add_ints_pos(a, b, /)`: `add_ints` with positional-only parameters.
    #[pyfunction(signature = (a, b, /))]
    fn add_ints_pos(a: i64, b: i64) -> PyResult<i64> {
        add_ints(a, b)
    }

    /// `sum_list(lst)`: the sum of a list of floats, item by item.
    #[pyfunction]
    fn sum_list(lst: &Bound<'_, PyList>) -> PyResult<f64> {
        let mut total = 0.0;
        for item in lst.iter() {
            total += item.extract::<f64>()?;
        }
        Ok(total)
    }

    /// `sum_list_vec(lst)`: the sum of a list of floats, converted to `Vec<f64>` first.
    #[pyfunction]
    fn sum_list_vec(lst: Vec<f64>) -> f64 {
        lst.iter().sum()
    }

    /// `kwargs(a, b=0, c=0)`: `a + b + c`.
    #[pyfunction]
    #[pyo3(signature = (a, b = 0, c = 0))]
    fn kwargs(a: i64, b: i64, c: i64) -> PyResult<i64> {
        a.checked_add(b)
            .and_then(|s| s.checked_add(c))
            .ok_or_else(|| PyOverflowError::new_err("kwargs: the sum does not fit in 64 bits"))
    }

    /// `str_roundtrip(s)`: the same text back, through a Rust `&str`.
    #[pyfunction]
    fn str_roundtrip(s: &str) -> &str {
        s
    }

    /// `str_roundtrip_pos(s, /)`: `str_roundtrip` with a positional-only parameter.
    #[pyfunction(signature = (s, /))]
    fn str_roundtrip_pos(s: &str) -> &str {
        s
    }

    /// `small_dict()`: `{"a": 1, "b": 2, "c": 3}`, built item by item.
    #[pyfunction]
    fn small_dict(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("a", 1)?;
        d.set_item("b", 2)?;
        d.set_item("c", 3)?;
        Ok(d)
    }

    /// A point in the plane.
    #[pyclass]
    struct Point {
        #[pyo3(get, set)]
        x: f64,
        #[pyo3(get, set)]
        y: f64,
    }

    #[pymethods]
    impl Point {
        #[new]
        fn new(x: f64, y: f64) -> Self {
            Point { x, y }
        }

        /// The distance from the origin.
        fn norm(&self) -> f64 {
            self.x.hypot(self.y)
        }
    }
}

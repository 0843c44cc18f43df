//! The benchmark workload of `bench/README.md`, written on hpy-core the way a user would write
//! it: no `signature = (.., /)` tricks, plain parameter types, a mutable class with
//! `#[hpy(get, set)]` fields. `bench/run.py` loads the CPython-ABI build and the universal build
//! of this crate side by side with the C, HPy C and PyO3 versions of the same functions.

/// The benchmark workload on hpy-core.
#[hpy_core::module]
pub mod bench_hpyrs {
    use hpy_core::{Ctx, Error, Handle, Result};

    /// Which build this is, for the driver's check.
    #[hpy_core::module_init]
    fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
        module.setattr("ABI", hpy_core::ABI)?;
        module.setattr("CONTEXT_NAME", ctx.name())
    }

    /// `noop()`: no arguments, returns None.
    #[hpy_core::function]
    fn noop() {}

    /// `add_ints(a, b)`: the sum of two ints (OverflowError beyond 64 bits).
    #[hpy_core::function]
    fn add_ints(a: i64, b: i64) -> Result<i64> {
        a.checked_add(b)
            .ok_or_else(|| Error::overflow_error("add_ints: the sum does not fit in 64 bits"))
    }

    /// `add_ints_pos(a, b, /)`: `add_ints` with positional-only parameters (the calling
    /// convention C and HPy C use), for the variant row of the benchmark.
    #[hpy_core::function(signature = (a, b, /))]
    fn add_ints_pos(a: i64, b: i64) -> Result<i64> {
        add_ints(a, b)
    }

    /// `sum_list(lst)`: the sum of a list of floats, item by item.
    #[hpy_core::function]
    fn sum_list(lst: &Handle<'_>) -> Result<f64> {
        let mut total = 0.0;
        for item in lst.iter()? {
            total += item?.extract::<f64>()?;
        }
        Ok(total)
    }

    /// `sum_list_vec(lst)`: the sum of a list of floats, converted to `Vec<f64>` first.
    #[hpy_core::function]
    fn sum_list_vec(lst: Vec<f64>) -> f64 {
        lst.iter().sum()
    }

    /// `kwargs(a, b=0, c=0)`: `a + b + c`, benchmarked as `kwargs(1, b=2, c=3)`.
    #[hpy_core::function(signature = (a, b = 0, c = 0))]
    fn kwargs(a: i64, b: i64, c: i64) -> Result<i64> {
        a.checked_add(b)
            .and_then(|s| s.checked_add(c))
            .ok_or_else(|| Error::overflow_error("kwargs: the sum does not fit in 64 bits"))
    }

    /// `str_roundtrip(s)`: the same text back, through a Rust `&str` (a new `str` object).
    #[hpy_core::function]
    fn str_roundtrip(s: &str) -> &str {
        s
    }

    /// `str_roundtrip_pos(s, /)`: `str_roundtrip` with a positional-only parameter (METH_O,
    /// as in C and HPy C), for the variant row of the benchmark.
    #[hpy_core::function(signature = (s, /))]
    fn str_roundtrip_pos(s: &str) -> &str {
        s
    }

    /// `small_dict()`: `{"a": 1, "b": 2, "c": 3}`, built item by item.
    #[hpy_core::function]
    fn small_dict<'c>(ctx: Ctx<'c>) -> Result<Handle<'c>> {
        let d = ctx.dict()?;
        d.set_item("a", 1)?;
        d.set_item("b", 2)?;
        d.set_item("c", 3)?;
        Ok(d)
    }

    /// A point in the plane.
    #[hpy_core::class]
    pub struct Point {
        /// The x coordinate.
        #[hpy(get, set)]
        x: f64,
        /// The y coordinate.
        #[hpy(get, set)]
        y: f64,
    }

    #[hpy_core::methods]
    impl Point {
        /// `Point(x, y)`
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

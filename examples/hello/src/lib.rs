//! `hello`: a small extension module built on hpy-core, used by the examples' tests.
//!
//! It exercises every calling convention, argument kind and conversion of
//! `#[hpy::function]`, errors and panics.

use std::collections::HashMap;

use hpy::{Ctx, Error, Handle, Result};

/// Greetings and arithmetic, written in Rust on HPy.
#[hpy::module]
pub mod hello {
    use super::*;

    /// The version of this example.
    #[hpy::constant]
    pub const VERSION: &str = "0.1.0";

    /// The backend as this crate's own build script saw it (`hpy_build::configure()`).
    #[hpy::constant]
    #[cfg(hpy_abi = "universal")]
    pub const BUILD_ABI: &str = "universal";

    /// The backend as this crate's own build script saw it (`hpy_build::configure()`).
    #[hpy::constant]
    #[cfg(hpy_abi = "cpython")]
    pub const BUILD_ABI: &str = "cpython";

    /// The answer.
    #[hpy::constant(name = "ANSWER")]
    pub const THE_ANSWER: i64 = 42;

    /// Adds the backend name at import.
    #[hpy::module_init]
    fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
        module.setattr("ABI", hpy::ABI)?;
        module.setattr("CONTEXT_NAME", ctx.name())
    }

    /// Exists in universal builds only (`#[cfg]` works on exported items).
    #[cfg(hpy_abi = "universal")]
    #[hpy::function]
    fn only_in_universal_builds() -> bool {
        true
    }

    /// Does nothing.
    #[hpy::function]
    fn noop() {}

    /// Returns its argument unchanged.
    #[hpy::function(signature = (obj, /))]
    fn identity<'c>(obj: &Handle<'c>) -> Handle<'c> {
        obj.clone()
    }

    /// Adds two integers.
    #[hpy::function(signature = (a, b, /))]
    fn add_ints(a: i64, b: i64) -> Result<i64> {
        a.checked_add(b)
            .ok_or_else(|| Error::overflow_error("add_ints: the sum does not fit in i64"))
    }

    /// Greets someone.
    #[hpy::function(signature = (name, greeting = "Hello", *, punctuation = '!'))]
    fn greet(name: &str, greeting: &str, punctuation: char) -> String {
        format!("{greeting}, {name}{punctuation}")
    }

    /// Adds `a`, `b` and `c`, where `b` defaults to 1 and `c` is keyword-only.
    #[hpy::function(signature = (a, b=1, /, *, c=None))]
    fn mixed(a: i64, b: i64, c: Option<i64>) -> i64 {
        a + b + c.unwrap_or(0)
    }

    /// Counts positional and keyword arguments.
    #[hpy::function(signature = (first, *args, **kwargs))]
    fn count_args<'c>(
        first: &Handle<'c>,
        args: &Handle<'c>,
        kwargs: Option<HashMap<String, i64>>,
    ) -> Result<(usize, usize, i64)> {
        let _ = first;
        let kw_sum = kwargs.as_ref().map_or(0, |m| m.values().sum());
        Ok((args.len()?, kwargs.map_or(0, |m| m.len()), kw_sum))
    }

    /// Sums a list of floats.
    #[hpy::function(signature = (values, /))]
    fn sum_floats(values: Vec<f64>) -> f64 {
        values.iter().sum()
    }

    /// Returns the integer conversions of its arguments, as a tuple.
    #[hpy::function]
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
    #[hpy::function]
    fn wide(a: i128, b: u128) -> (i128, u128) {
        (a, b)
    }

    /// Round-trips sizes.
    #[hpy::function]
    fn sizes(a: isize, b: usize) -> (isize, usize) {
        (a, b)
    }

    /// Converts a float through f32.
    #[hpy::function]
    fn to_f32(x: f32) -> f32 {
        x
    }

    /// Negates a bool.
    #[hpy::function]
    fn not_(flag: bool) -> bool {
        !flag
    }

    /// Upper-cases a string (owned in, owned out).
    #[hpy::function]
    fn upper(s: String) -> String {
        s.to_uppercase()
    }

    /// The length of a string in characters, borrowing its UTF-8 buffer.
    #[hpy::function]
    fn char_count(s: &str) -> usize {
        s.chars().count()
    }

    /// Returns None when given None, else the doubled value.
    #[hpy::function]
    fn double_or_none(x: Option<i64>) -> Result<Option<i64>> {
        x.map(|v| {
            v.checked_mul(2).ok_or_else(|| {
                Error::overflow_error("double_or_none: the result does not fit in i64")
            })
        })
        .transpose()
    }

    /// Swaps a pair.
    #[hpy::function]
    fn swap(pair: (i64, String)) -> (String, i64) {
        (pair.1, pair.0)
    }

    /// Inverts a dict of str to int.
    #[hpy::function]
    fn invert(d: HashMap<String, i64>) -> HashMap<i64, String> {
        d.into_iter().map(|(k, v)| (v, k)).collect()
    }

    /// Nested containers: a list of lists of ints, flattened.
    #[hpy::function]
    fn flatten(rows: Vec<Vec<i64>>) -> Vec<i64> {
        rows.into_iter().flatten().collect()
    }

    /// Returns `()`: None in Python.
    #[hpy::function]
    fn unit(_x: i64) {}

    /// Raises ValueError with the given message.
    #[hpy::function]
    fn fail(msg: String) -> Result<()> {
        Err(Error::value_error(msg))
    }

    /// Parses a decimal integer (the standard library's error, as ValueError).
    #[hpy::function]
    fn parse_decimal(text: &str) -> std::result::Result<i64, std::num::ParseIntError> {
        text.trim().parse()
    }

    /// Raises the built-in exception named by `kind`.
    #[hpy::function]
    fn raise_kind(kind: &str) -> Result<()> {
        Err(match kind {
            "KeyError" => Error::key_error("missing"),
            "ZeroDivisionError" => Error::zero_division_error("division by zero"),
            "OSError" => Error::from(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no such file",
            )),
            "UserWarning" => Error::user_warning("careful"),
            _ => Error::type_error(format!("unknown kind {kind:?}")),
        })
    }

    /// Parses an integer with `str::parse`, so a Rust error converts with `?`.
    #[hpy::function]
    fn parse_int(s: &str) -> Result<i64> {
        Ok(s.trim().parse::<i64>()?)
    }

    /// Panics with the given message.
    #[hpy::function]
    fn panic_with(msg: &str) -> i64 {
        panic!("{msg}")
    }

    /// Calls `callable(*args)` and returns its result: exceptions pass through.
    #[hpy::function(signature = (callable, *args))]
    fn call<'c>(callable: &Handle<'c>, args: Vec<Handle<'c>>) -> Result<Handle<'c>> {
        let refs: Vec<&Handle<'c>> = args.iter().collect();
        callable.call(&refs)
    }

    /// Returns `getattr(obj, name)`.
    #[hpy::function]
    fn get_attribute<'c>(obj: &Handle<'c>, name: &str) -> Result<Handle<'c>> {
        obj.getattr(name)
    }

    /// Builds a dict with `n` entries `str(i) -> i`.
    #[hpy::function]
    fn build_dict(n: u32) -> HashMap<String, u32> {
        (0..n).map(|i| (i.to_string(), i)).collect()
    }

    /// The type name of its argument, as seen from Rust.
    #[hpy::function(name = "type_name")]
    fn type_name_of(obj: &Handle<'_>) -> String {
        obj.type_name()
    }

    /// The repr of its argument, computed through Python.
    #[hpy::function]
    fn repr_of(obj: &Handle<'_>) -> Result<String> {
        obj.repr()
    }

    /// Leaks one new handle on purpose (`Handle::into_raw` without closing it), so that the
    /// tests can prove HPy's debug-mode leak detector is really watching.
    #[hpy::function]
    fn leak_one_handle(ctx: Ctx<'_>) {
        let _leaked = ctx.str("leaked on purpose").map(Handle::into_raw);
    }

    /// Returns the context's idea of None, True and False.
    #[hpy::function]
    fn constants<'c>(ctx: Ctx<'c>) -> (Handle<'c>, Handle<'c>, Handle<'c>) {
        (ctx.none(), ctx.bool(true), ctx.bool(false))
    }
}

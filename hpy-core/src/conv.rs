//! Conversions between Python objects and Rust values: [`FromHandle`] and [`IntoHandle`].
//!
//! Both traits are open: implement them for your own types to take them as arguments of, or
//! return them from, exported functions.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use crate::backend::{self as b, BinaryOp};
use crate::err::{Builtin, Error, Result};
use crate::ffi::HPy;
use crate::handle::{Ctx, Handle};
use crate::types::BuiltinType;

mod bytes;
mod collections;

/// Converts a Python object into a Rust value.
///
/// `'a` is how long the handle is borrowed, so a value may borrow from the object (`&'a str`
/// borrows the string's UTF-8 buffer, no copy); `'c` is the call.
///
/// A conversion that fails because the object has the wrong type raises `TypeError` (and one
/// whose value is out of range `OverflowError`) with a message such as
/// `expected int, got str`; an exported function puts the function and the parameter name in
/// front of it.
///
/// ```
/// use hpy_core::{FromHandle, Handle, Result};
///
/// struct Celsius(f64);
///
/// impl<'a, 'c> FromHandle<'a, 'c> for Celsius {
///     const EXPECTED: &'static str = "float (degrees Celsius)";
///     fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
///         let v: f64 = h.extract()?;
///         if v < -273.15 {
///             return Err(hpy_core::Error::value_error("below absolute zero"));
///         }
///         Ok(Celsius(v))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be converted from a Python object",
    label = "this parameter's type does not implement `FromHandle`",
    note = "take `&Handle<'c>` to receive any Python object; a `#[class]` is borrowed (`&T` or `&mut T`), not taken by value; or implement `FromHandle` for the type"
)]
pub trait FromHandle<'a, 'c>: Sized {
    /// What the conversion expects, as a Python programmer would say it (`"int"`, `"str"`,
    /// `"list of float"`...): used in error messages and in `__text_signature__`-free docs.
    const EXPECTED: &'static str;

    /// Converts the object.
    fn from_handle(h: &'a Handle<'c>) -> Result<Self>;

    /// A faster way to convert a whole sequence into a `Vec<Self>` than item by item, if this
    /// type has one (`Vec<u8>` from `bytes`, `Vec<f64>` from a list of floats); `None` to
    /// use the generic conversion. Rust has no specialization: `Vec<T>`'s conversion asks `T`.
    #[doc(hidden)]
    #[inline(always)]
    fn __extract_vec(h: &'a Handle<'c>) -> Option<Result<Vec<Self>>> {
        let _ = h;
        None
    }

    /// Converts one argument of an exported function, naming the function and the parameter
    /// in any error made in Rust. The macros call it through the trait (not through a generic
    /// function), so that a type that does not convert is reported with this trait's message
    /// alone.
    #[doc(hidden)]
    #[inline(always)]
    fn __extract_argument(
        h: &'a Handle<'c>,
        function: &'static str,
        param: &'static str,
    ) -> Result<Self> {
        crate::impl_::extract_argument(h, function, param)
    }
}

/// Converts a Rust value into a (new) Python object.
///
/// ```
/// use hpy_core::{Ctx, Handle, IntoHandle, Result};
///
/// struct Point { x: f64, y: f64 }
///
/// impl<'c> IntoHandle<'c> for Point {
///     fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
///         ctx.to_py((self.x, self.y))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be converted into a Python object",
    label = "this type does not implement `IntoHandle`",
    note = "return a `Handle<'c>`, or implement `IntoHandle` for `{Self}`"
)]
pub trait IntoHandle<'c> {
    /// Converts the value.
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>>;

    /// The value as an argument of an API call: a borrowed handle passes as it is (no
    /// `HPy_Dup`/`HPy_Close` pair), anything else is converted.
    #[doc(hidden)]
    #[inline(always)]
    fn __into_arg<'a>(self, ctx: Ctx<'c>) -> Result<Arg<'a, 'c>>
    where
        Self: Sized + 'a,
    {
        self.into_handle(ctx).map(Arg::Owned)
    }

    /// Integer keys: `obj[i]` goes to `HPy_GetItem_i` and friends.
    #[doc(hidden)]
    #[inline(always)]
    fn __index_key(&self) -> Option<isize> {
        None
    }

    /// String keys: `obj["k"]` goes to `HPy_GetItem_s` and friends.
    #[doc(hidden)]
    #[inline(always)]
    fn __str_key(&self) -> Option<&str> {
        None
    }

    /// How a `Vec` of this type converts: a list, except `Vec<u8>`, which becomes `bytes`.
    #[doc(hidden)]
    #[inline]
    fn __vec_into_handle(items: Vec<Self>, ctx: Ctx<'c>) -> Result<Handle<'c>>
    where
        Self: Sized,
    {
        build_seq(ctx, items.into_iter(), false)
    }

    /// How a slice of this type converts: a list of clones, except `&[u8]`, which becomes
    /// `bytes`.
    #[doc(hidden)]
    #[inline]
    fn __slice_into_handle(items: &[Self], ctx: Ctx<'c>) -> Result<Handle<'c>>
    where
        Self: Sized + Clone,
    {
        build_seq(ctx, items.iter().cloned(), false)
    }
}

/// A value passed to an API call: a handle borrowed from the caller, or one made for the call
/// (closed when the `Arg` is dropped).
#[doc(hidden)]
pub enum Arg<'a, 'c> {
    /// Converted for the call.
    Owned(Handle<'c>),
    /// The caller's handle.
    Borrowed(&'a Handle<'c>),
}

impl<'c> Arg<'_, 'c> {
    /// The handle.
    #[inline(always)]
    pub fn handle(&self) -> &Handle<'c> {
        match self {
            Arg::Owned(h) => h,
            Arg::Borrowed(h) => h,
        }
    }

    /// The raw handle, live as long as `self`.
    #[inline(always)]
    pub fn raw(&self) -> HPy {
        self.handle().as_raw()
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/// `expected {what}, got {type}` as a `TypeError`.
pub(crate) fn type_mismatch(h: &Handle<'_>, what: &str) -> Error {
    Error::type_error(format!("expected {what}, got {}", h.type_name()))
}

/// Replaces a pending `TypeError` by our own message; keeps any other pending exception.
fn replace_type_error(h: &Handle<'_>, what: &str) -> Error {
    let c = h.ctx().raw();
    // SAFETY: the context is live and an exception is pending.
    unsafe {
        if b::err_matches(c, b::builtin_exception(c, Builtin::TypeError as usize)) {
            b::err_clear(c);
            return type_mismatch(h, what);
        }
    }
    Error::pending()
}

/// Whether the pending exception says that an int is out of the reader's range: an
/// `OverflowError`, or the `ValueError` that PyPy's cpyext raises where CPython raises
/// `OverflowError` (`PyLong_AsUnsignedLongLong(-1)`, "cannot convert negative integer to
/// unsigned"). Only called after a reader failed on an object that is an int.
fn pending_is_overflow(ctx: Ctx<'_>) -> bool {
    let c = ctx.raw();
    // SAFETY: the context is live.
    unsafe {
        b::err_matches(c, b::builtin_exception(c, Builtin::OverflowError as usize))
            || (cfg!(hpy_cpyext)
                && b::err_matches(c, b::builtin_exception(c, Builtin::ValueError as usize)))
    }
}

/// `repr(h)`, shortened for messages.
fn short_repr(h: &Handle<'_>) -> String {
    match h.repr() {
        Ok(mut s) => {
            if s.len() > 40 {
                let mut cut = 30;
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                let tail = s.len() - 6;
                let mut tcut = tail;
                while !s.is_char_boundary(tcut) {
                    tcut += 1;
                }
                s = format!("{}...{}", &s[..cut], &s[tcut..]);
            }
            s
        }
        Err(e) => {
            e.discard(h.ctx());
            "the value".to_owned()
        }
    }
}

/// The value of an integer-like object for messages: `repr(operator.index(h))`.
fn int_repr(h: &Handle<'_>) -> String {
    let ctx = h.ctx();
    // SAFETY: the handle is live; the result is NULL or a new reference.
    match unsafe { ctx.check(b::index(ctx.raw(), h.as_raw())) } {
        Ok(i) => short_repr(&i),
        Err(e) => {
            e.discard(ctx);
            short_repr(h)
        }
    }
}

fn out_of_range(
    h: &Handle<'_>,
    rust_type: &str,
    min: impl std::fmt::Display,
    max: impl std::fmt::Display,
) -> Error {
    Error::overflow_error(format!(
        "{} does not fit in {rust_type} (expected an int in {min}..={max})",
        int_repr(h)
    ))
}

// ---------------------------------------------------------------------------------------------
// Handles themselves.

impl<'a, 'c> FromHandle<'a, 'c> for &'a Handle<'c> {
    const EXPECTED: &'static str = "object";
    #[inline(always)]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        Ok(h)
    }
}

impl<'a, 'c> FromHandle<'a, 'c> for Handle<'c> {
    const EXPECTED: &'static str = "object";
    #[inline(always)]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        Ok(h.clone())
    }
}

impl<'c> IntoHandle<'c> for Handle<'c> {
    #[inline(always)]
    fn into_handle(self, _ctx: Ctx<'c>) -> Result<Handle<'c>> {
        Ok(self)
    }
}

impl<'c> IntoHandle<'c> for &Handle<'c> {
    #[inline(always)]
    fn into_handle(self, _ctx: Ctx<'c>) -> Result<Handle<'c>> {
        Ok(self.clone())
    }

    #[inline(always)]
    fn __into_arg<'a>(self, _ctx: Ctx<'c>) -> Result<Arg<'a, 'c>>
    where
        Self: 'a,
    {
        Ok(Arg::Borrowed(self))
    }
}

impl<'c> IntoHandle<'c> for () {
    #[inline(always)]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        Ok(ctx.none())
    }
}

// ---------------------------------------------------------------------------------------------
// Integers.

/// Reads any Python int (or object with `__index__`) that fits in an `i64`.
#[inline(always)]
fn extract_i64(h: &Handle<'_>, rust_type: &str, min: i128, max: i128) -> Result<i64> {
    let c = h.ctx().raw();
    // SAFETY: the handle is live.
    let v = unsafe { b::long_as_i64(c, h.as_raw()) };
    // SAFETY: the context is live.
    if v == -1 && unsafe { b::err_occurred(c) } {
        if pending_is_overflow(h.ctx()) {
            // SAFETY: the context is live.
            unsafe { b::err_clear(c) };
            return Err(out_of_range(h, rust_type, min, max));
        }
        return Err(replace_type_error(h, "int"));
    }
    Ok(v)
}

/// Reads any Python int (or object with `__index__`) that fits in a `u64`
/// (`PyLong_AsUnsignedLongLong` does not call `__index__`: [`extract_exact_int`] does).
fn extract_u64(h: &Handle<'_>, rust_type: &str, max: u128) -> Result<u64> {
    extract_exact_int(h, rust_type, 0, max, u64::MAX, b::long_as_u64)
}

/// Reads an int with one of the `HPyLong_As*` functions that (unlike `AsInt32_t` and
/// `AsInt64_t`) do not call `__index__`: other objects go through `operator.index` first.
#[inline(always)]
fn extract_exact_int<T: Copy + PartialEq>(
    h: &Handle<'_>,
    rust_type: &str,
    min: i128,
    max: u128,
    error_value: T,
    read: unsafe fn(b::RawCtx, HPy) -> T,
) -> Result<T> {
    let ctx = h.ctx();
    let c = ctx.raw();
    let int_type = ctx.builtin_type(BuiltinType::Int);
    let owned;
    let target = if h.is_instance(&int_type) {
        h
    } else {
        // SAFETY: the handle is live; the result is NULL or a new reference.
        owned = unsafe { ctx.check(b::index(c, h.as_raw())) }
            .map_err(|_| replace_type_error(h, "int"))?;
        &owned
    };
    // SAFETY: `target` is a live int and `read` one of the backend's readers.
    let v = unsafe { read(c, target.as_raw()) };
    // SAFETY: the context is live.
    if v == error_value && unsafe { b::err_occurred(c) } {
        if pending_is_overflow(ctx) {
            // SAFETY: the context is live.
            unsafe { b::err_clear(c) };
            return Err(out_of_range(h, rust_type, min, max));
        }
        return Err(replace_type_error(h, "int"));
    }
    Ok(v)
}

macro_rules! int_conversions {
    ($($t:ty: $read:ident($($via:tt)*) -> $from:ident as $wide:ty, $key:expr
        $(, from { $($from_extra:tt)* } into { $($extra:tt)* })?;)*) => {$(
        impl<'a, 'c> FromHandle<'a, 'c> for $t {
            const EXPECTED: &'static str = "int";
            #[inline(always)]
            fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
                let v = int_conversions!(@read h, $t, $read($($via)*));
                <$t>::try_from(v).map_err(|_| out_of_range(h, stringify!($t), <$t>::MIN, <$t>::MAX))
            }

            $($($from_extra)*)?
        }

        impl<'c> IntoHandle<'c> for $t {
            #[inline(always)]
            fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
                // SAFETY: the result is NULL or a new reference.
                unsafe { ctx.check(b::$from(ctx.raw(), self as $wide)) }
            }

            #[inline(always)]
            #[allow(clippy::redundant_closure_call)]
            fn __index_key(&self) -> Option<isize> {
                ($key)(*self)
            }

            $($($extra)*)?
        }
    )*};
    (@read $h:ident, $t:ty, signed64()) => {
        extract_i64($h, stringify!($t), <$t>::MIN as i128, <$t>::MAX as i128)?
    };
    (@read $h:ident, $t:ty, exact($reader:ident, $err:expr)) => {
        extract_exact_int($h, stringify!($t), <$t>::MIN as i128, <$t>::MAX as u128, $err, b::$reader)?
    };
}

// Reading: 8-, 16- and 32-bit ints go through the 64-bit functions plus a range check, not
// `HPyLong_AsInt32_t`/`AsUInt32_t`: PyPy 3.11's (7.3.19) truncate out-of-range values and
// accept floats (observed: `AsInt32_t(2**32)` is 0, `AsInt32_t(1.0)` is 1).
int_conversions! {
    i8: signed64() -> long_from_i32 as i32, |v: i8| Some(v as isize);
    i16: signed64() -> long_from_i32 as i32, |v: i16| Some(v as isize);
    i32: signed64() -> long_from_i32 as i32, |v: i32| Some(v as isize);
    i64: signed64() -> long_from_i64 as i64, |v: i64| isize::try_from(v).ok();
    isize: exact(long_as_isize, -1) -> long_from_isize as isize, |v: isize| Some(v);
    u8: exact(long_as_u64, u64::MAX) -> long_from_u32 as u32, |v: u8| Some(v as isize),
    from {
        /// `Vec<u8>` from `bytes`, `bytearray` or `memoryview`: one copy.
        #[inline]
        fn __extract_vec(h: &'a Handle<'c>) -> Option<Result<Vec<u8>>> {
            bytes::extract_byte_vec(h)
        }
    } into {
        /// `Vec<u8>` becomes `bytes`.
        #[inline]
        fn __vec_into_handle(items: Vec<u8>, ctx: Ctx<'c>) -> Result<Handle<'c>> {
            ctx.bytes(&items)
        }

        /// `&[u8]` becomes `bytes`.
        #[inline]
        fn __slice_into_handle(items: &[u8], ctx: Ctx<'c>) -> Result<Handle<'c>> {
            ctx.bytes(items)
        }
    };
    u16: exact(long_as_u64, u64::MAX) -> long_from_u32 as u32, |v: u16| Some(v as isize);
    u32: exact(long_as_u64, u64::MAX) -> long_from_u32 as u32, |v: u32| isize::try_from(v).ok();
    u64: exact(long_as_u64, u64::MAX) -> long_from_u64 as u64, |v: u64| isize::try_from(v).ok();
    usize: exact(long_as_usize, usize::MAX) -> long_from_usize as usize,
        |v: usize| isize::try_from(v).ok();
}

/// Splits a Python int into its low 64 bits and the rest (`x >> 64`), both as handles.
fn split_int<'c>(h: &Handle<'c>) -> Result<(Handle<'c>, Handle<'c>)> {
    let ctx = h.ctx();
    let c = ctx.raw();
    let mask = u64::MAX.into_handle(ctx)?;
    let sixty_four = 64_i64.into_handle(ctx)?;
    // SAFETY: all handles are live; results are NULL or new references.
    unsafe {
        let lo = ctx.check(b::binary_op(c, BinaryOp::And, h.as_raw(), mask.as_raw()))?;
        let hi = ctx.check(b::binary_op(
            c,
            BinaryOp::Rshift,
            h.as_raw(),
            sixty_four.as_raw(),
        ))?;
        Ok((lo, hi))
    }
}

/// `(hi << 64) | lo` as a Python int.
fn join_int<'c>(ctx: Ctx<'c>, hi: Handle<'c>, lo: u64) -> Result<Handle<'c>> {
    let c = ctx.raw();
    let lo = lo.into_handle(ctx)?;
    let sixty_four = 64_i64.into_handle(ctx)?;
    // SAFETY: all handles are live; results are NULL or new references.
    unsafe {
        let shifted = ctx.check(b::binary_op(
            c,
            BinaryOp::Lshift,
            hi.as_raw(),
            sixty_four.as_raw(),
        ))?;
        ctx.check(b::binary_op(c, BinaryOp::Or, shifted.as_raw(), lo.as_raw()))
    }
}

/// An int (calling `__index__` on other objects), as an owned handle.
fn as_int<'c>(h: &Handle<'c>) -> Result<Handle<'c>> {
    let ctx = h.ctx();
    // SAFETY: the handle is live; the result is NULL or a new reference.
    unsafe { ctx.check(b::index(ctx.raw(), h.as_raw())) }.map_err(|_| replace_type_error(h, "int"))
}

impl<'a, 'c> FromHandle<'a, 'c> for i128 {
    const EXPECTED: &'static str = "int";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let int = as_int(h)?;
        let (lo, hi) = split_int(&int)?;
        let lo = extract_u64(&lo, "u64", u64::MAX as u128)?;
        let hi = extract_i64(&hi, "i64", i64::MIN as i128, i64::MAX as i128)
            .map_err(|_| out_of_range(h, "i128", i128::MIN, i128::MAX))?;
        Ok(((hi as i128) << 64) | lo as i128)
    }
}

impl<'c> IntoHandle<'c> for i128 {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        if let Ok(v) = i64::try_from(self) {
            return v.into_handle(ctx);
        }
        join_int(ctx, ((self >> 64) as i64).into_handle(ctx)?, self as u64)
    }
}

impl<'a, 'c> FromHandle<'a, 'c> for u128 {
    const EXPECTED: &'static str = "int";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let int = as_int(h)?;
        let zero = 0_i64.into_handle(h.ctx())?;
        // SAFETY: both handles are live.
        let neg = unsafe {
            b::rich_compare_bool(
                h.ctx().raw(),
                int.as_raw(),
                zero.as_raw(),
                crate::ffi::HPy_LT,
            )
        };
        if neg != 0 {
            if neg < 0 {
                return Err(Error::pending());
            }
            return Err(out_of_range(h, "u128", 0, u128::MAX));
        }
        let (lo, hi) = split_int(&int)?;
        let lo = extract_u64(&lo, "u64", u64::MAX as u128)?;
        let hi = extract_u64(&hi, "u64", u64::MAX as u128)
            .map_err(|_| out_of_range(h, "u128", 0, u128::MAX))?;
        Ok(((hi as u128) << 64) | lo as u128)
    }
}

impl<'c> IntoHandle<'c> for u128 {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        if let Ok(v) = u64::try_from(self) {
            return v.into_handle(ctx);
        }
        join_int(ctx, ((self >> 64) as u64).into_handle(ctx)?, self as u64)
    }
}

// ---------------------------------------------------------------------------------------------
// Floats and bools.

impl<'a, 'c> FromHandle<'a, 'c> for f64 {
    const EXPECTED: &'static str = "float";
    #[inline(always)]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let c = h.ctx().raw();
        // SAFETY: the handle is live.
        let v = unsafe { b::float_as_f64(c, h.as_raw()) };
        // SAFETY: the context is live.
        if v == -1.0 && unsafe { b::err_occurred(c) } {
            return f64_via_index(h);
        }
        Ok(v)
    }

    #[inline]
    fn __extract_vec(h: &'a Handle<'c>) -> Option<Result<Vec<Self>>> {
        extract_f64_vec(h)
    }
}

/// After `HPyFloat_AsDouble` failed: an object with `__index__` converts like CPython's
/// `PyFloat_AsDouble` does since 3.8 (PyPy's does not try `__index__`); anything else is
/// `expected float`.
#[cold]
fn f64_via_index(h: &Handle<'_>) -> Result<f64> {
    let ctx = h.ctx();
    let c = ctx.raw();
    // SAFETY: the context is live; an exception is pending.
    if !unsafe { b::err_matches(c, b::builtin_exception(c, Builtin::TypeError as usize)) } {
        return Err(Error::pending());
    }
    // SAFETY: as above.
    unsafe { b::err_clear(c) };
    // SAFETY: the handle is live; the result is NULL or a new reference.
    let int = match unsafe { ctx.check(b::index(c, h.as_raw())) } {
        Ok(int) => int,
        Err(e) if e.matches(ctx, Builtin::TypeError) => {
            e.discard(ctx);
            return Err(type_mismatch(h, "float"));
        }
        Err(e) => return Err(e),
    };
    int.int_to_f64()
}

impl<'a, 'c> FromHandle<'a, 'c> for f32 {
    const EXPECTED: &'static str = "float";
    #[inline(always)]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        f64::from_handle(h).map(|v| v as f32)
    }
}

impl<'c> IntoHandle<'c> for f64 {
    #[inline(always)]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        // SAFETY: the result is NULL or a new reference.
        unsafe { ctx.check(b::float_from_f64(ctx.raw(), self)) }
    }

    #[inline]
    fn __vec_into_handle(items: Vec<f64>, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        f64_list(ctx, &items)
    }

    #[inline]
    fn __slice_into_handle(items: &[f64], ctx: Ctx<'c>) -> Result<Handle<'c>> {
        f64_list(ctx, items)
    }
}

/// A list of floats, fast:
///
/// * CPython-ABI mode, and short lists: built item by item (a list builder, a float each).
/// * Universal mode, 16 items or more: the items' bytes go into one `bytes` object, which one
///   call of `array('d', b).tolist()` (a Python helper compiled once) turns into the list
///   inside the runtime: two context calls per item fewer (`HPyFloat_FromDouble`,
///   `HPyListBuilder_Set`). (`memoryview(b).cast('d').tolist()` was measured too: 5x slower
///   on CPython, where it unpacks each item with `struct`.)
fn f64_list<'c>(ctx: Ctx<'c>, items: &[f64]) -> Result<Handle<'c>> {
    if b::F64_BULK_VIA_PYTHON && items.len() >= F64_BULK_MIN_LEN {
        let bytes: Vec<u8> = items.iter().flat_map(|x| x.to_ne_bytes()).collect();
        return crate::eval::floats_from_bytes(ctx, &bytes);
    }
    build_seq(ctx, items.iter().copied(), false)
}

impl<'c> IntoHandle<'c> for f32 {
    #[inline(always)]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        f64::from(self).into_handle(ctx)
    }
}

impl<'a, 'c> FromHandle<'a, 'c> for bool {
    const EXPECTED: &'static str = "bool";
    #[inline(always)]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let c = h.ctx().raw();
        // SAFETY: the handle and the constants are live.
        unsafe {
            if b::is(c, h.as_raw(), b::bool_const(c, true)) {
                Ok(true)
            } else if b::is(c, h.as_raw(), b::bool_const(c, false)) {
                Ok(false)
            } else {
                Err(type_mismatch(h, "bool"))
            }
        }
    }
}

impl<'c> IntoHandle<'c> for bool {
    #[inline(always)]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        Ok(ctx.bool(self))
    }
}

// ---------------------------------------------------------------------------------------------
// Strings.

impl<'a, 'c> FromHandle<'a, 'c> for &'a str {
    const EXPECTED: &'static str = "str";
    #[inline(always)]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let (bytes, valid) = str_utf8(h)?;
        if !valid && !ascii_only(bytes) {
            // CPython's `PyUnicode_AsUTF8AndSize` fails on lone surrogates; PyPy's returns them
            // encoded anyway (not UTF-8), so universal mode checks anything but ASCII on other
            // runtimes.
            return std::str::from_utf8(bytes).map_err(|_| surrogate_error(h));
        }
        // SAFETY: CPython's `PyUnicode_AsUTF8AndSize` returns valid UTF-8 or fails (`valid`
        // says the runtime is CPython, in either mode); otherwise the bytes were checked
        // (ASCII is UTF-8).
        Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

/// Whether `bytes` is ASCII: eight bytes at a time, without the alignment prologue of
/// `<[u8]>::is_ascii`, which costs more than the scan itself on the short strings of most
/// calls. The last word is read overlapping the previous ones rather than byte by byte.
#[inline]
pub(crate) fn ascii_only(bytes: &[u8]) -> bool {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let n = bytes.len();
    let p = bytes.as_ptr();
    // SAFETY: every read below lies inside `bytes`: 8-byte words at offsets `i <= n - 8`
    // (and the last word at `n - 8`), smaller reads only when `n < 8`.
    unsafe {
        if n >= 8 {
            let mut acc = 0u64;
            let mut i = 0;
            while i + 8 <= n {
                acc |= p.add(i).cast::<u64>().read_unaligned();
                i += 8;
            }
            acc |= p.add(n - 8).cast::<u64>().read_unaligned();
            return acc & HIGH == 0;
        }
        let mut acc = 0u64;
        let mut i = 0;
        if n >= 4 {
            acc |= u64::from(p.cast::<u32>().read_unaligned());
            acc |= u64::from(p.add(n - 4).cast::<u32>().read_unaligned());
            i = n;
        }
        while i < n {
            acc |= u64::from(*p.add(i));
            i += 1;
        }
        acc & HIGH == 0
    }
}

/// The UTF-8 buffer of a `str` (`HPyUnicode_AsUTF8AndSize`), borrowed for as long as the
/// handle is: UTF-8, except that PyPy returns lone surrogates in their three-byte form where
/// CPython raises `UnicodeEncodeError` (left pending). `TypeError` for anything but a `str`.
#[inline]
pub(crate) fn str_utf8_buffer<'a>(h: &'a Handle<'_>) -> Result<&'a [u8]> {
    str_utf8(h).map(|(bytes, _)| bytes)
}

/// [`str_utf8_buffer`], and whether the runtime promises that the bytes are UTF-8 (CPython's
/// `PyUnicode_AsUTF8AndSize` fails on lone surrogates; PyPy's returns them encoded anyway, not
/// UTF-8, and other runtimes are not trusted).
#[inline(always)]
fn str_utf8<'a>(h: &'a Handle<'_>) -> Result<(&'a [u8], bool)> {
    let c = h.ctx().raw();
    let mut len = 0;
    // SAFETY: the context is live.
    let valid = !Ctx::IS_UNIVERSAL || unsafe { b::runtime_utf8_is_valid(c) };
    let p = if Ctx::IS_UNIVERSAL && valid {
        // CPython's HPy runtime: `PyUnicode_AsUTF8AndSize` refuses anything but a `str` itself
        // (with a `TypeError`), so the separate `HPyUnicode_Check` context call is left to
        // the error path, where it picks the message.
        // SAFETY: the handle is live.
        let p = unsafe { b::unicode_as_utf8(c, h.as_raw(), &mut len) };
        if p.is_null() {
            return Err(utf8_buffer_error(h));
        }
        p
    } else {
        // SAFETY: the handle is live.
        if !unsafe { b::unicode_check(c, h.as_raw()) } {
            return Err(type_mismatch(h, "str"));
        }
        // SAFETY: the handle is a live str.
        let p = unsafe { b::unicode_as_utf8(c, h.as_raw(), &mut len) };
        if p.is_null() {
            // Lone surrogates: the UnicodeEncodeError stays pending.
            return Err(Error::pending());
        }
        p
    };
    if len == 0 {
        return Ok((&[], valid));
    }
    // SAFETY: the runtime returned `len` bytes that stay valid while the handle lives, which
    // the borrow `'a` of the handle guarantees.
    Ok((
        unsafe { std::slice::from_raw_parts(p, len as usize) },
        valid,
    ))
}

/// Why `HPyUnicode_AsUTF8AndSize` failed on CPython's HPy runtime: not a `str` (its
/// `TypeError` is replaced by ours), or lone surrogates (the `UnicodeEncodeError` stays).
#[cold]
#[inline(never)]
fn utf8_buffer_error(h: &Handle<'_>) -> Error {
    let c = h.ctx().raw();
    // SAFETY: the handle is live; an exception is pending.
    unsafe {
        if b::unicode_check(c, h.as_raw()) {
            return Error::pending();
        }
        b::err_clear(c);
    }
    type_mismatch(h, "str")
}

/// The error CPython raises for a `str` with lone surrogates: `str.encode('utf-8')` raises the
/// real `UnicodeEncodeError` (with its position), or, should it not, a `ValueError`.
#[cold]
fn surrogate_error(h: &Handle<'_>) -> Error {
    match h.call_method(c"encode", ("utf-8",)) {
        Err(e) => e,
        Ok(_) => Error::value_error("the str is not valid UTF-8 (lone surrogates?)"),
    }
}

impl<'a, 'c> FromHandle<'a, 'c> for String {
    const EXPECTED: &'static str = "str";
    #[inline]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        <&str>::from_handle(h).map(str::to_owned)
    }
}

impl<'a, 'c> FromHandle<'a, 'c> for Cow<'a, str> {
    const EXPECTED: &'static str = "str";
    #[inline]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        <&str>::from_handle(h).map(Cow::Borrowed)
    }
}

impl<'a, 'c> FromHandle<'a, 'c> for char {
    const EXPECTED: &'static str = "str of length 1";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let s = <&str>::from_handle(h).map_err(|e| {
            if e.is(Builtin::TypeError) {
                type_mismatch(h, "str of length 1")
            } else {
                e
            }
        })?;
        let mut it = s.chars();
        match (it.next(), it.next()) {
            (Some(ch), None) => Ok(ch),
            _ => Err(Error::value_error(format!(
                "expected a str of length 1, got a str of length {}",
                s.chars().count()
            ))),
        }
    }
}

impl<'c> IntoHandle<'c> for &str {
    #[inline]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        ctx.str(self)
    }

    #[inline(always)]
    fn __str_key(&self) -> Option<&str> {
        Some(self)
    }
}

impl<'c> IntoHandle<'c> for String {
    #[inline]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        ctx.str(&self)
    }

    #[inline(always)]
    fn __str_key(&self) -> Option<&str> {
        Some(self)
    }
}

impl<'c> IntoHandle<'c> for &String {
    #[inline]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        ctx.str(self)
    }

    #[inline(always)]
    fn __str_key(&self) -> Option<&str> {
        Some(self)
    }
}

impl<'c> IntoHandle<'c> for Cow<'_, str> {
    #[inline]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        ctx.str(&self)
    }

    #[inline(always)]
    fn __str_key(&self) -> Option<&str> {
        Some(self)
    }
}

impl<'c> IntoHandle<'c> for char {
    #[inline]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        let mut buf = [0u8; 4];
        ctx.str(self.encode_utf8(&mut buf))
    }
}

// ---------------------------------------------------------------------------------------------
// Option.

impl<'a, 'c, T: FromHandle<'a, 'c>> FromHandle<'a, 'c> for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    #[inline(always)]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        if h.is_none() {
            Ok(None)
        } else {
            T::from_handle(h).map(Some)
        }
    }
}

impl<'c, T: IntoHandle<'c>> IntoHandle<'c> for Option<T> {
    #[inline(always)]
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        match self {
            Some(v) => v.into_handle(ctx),
            None => Ok(ctx.none()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Sequences.

/// Runs `f` on item `i` of a list or tuple (`IndexError` if the sequence has shrunk below
/// `i + 1` items meanwhile).
#[inline(always)]
pub(crate) fn with_item<'c, R>(
    seq: &Handle<'c>,
    i: usize,
    f: impl FnOnce(&Handle<'c>) -> Result<R>,
) -> Result<R> {
    let ctx = seq.ctx();
    // SAFETY: the caller passes a live list or tuple; the result is NULL or a new reference.
    let item = unsafe { ctx.check(b::sequence_item(ctx.raw(), seq.as_raw(), i as isize))? };
    f(&item)
}

/// The object as a list or tuple: itself if it is one, else `list(obj)`. Strings are refused
/// (a `str` is iterable, but converting one to a `Vec` is almost always a mistake).
fn as_list_or_tuple<'c>(h: &Handle<'c>, what: &str) -> Result<Option<Handle<'c>>> {
    let c = h.ctx().raw();
    // SAFETY: the handle is live.
    unsafe {
        if b::list_check(c, h.as_raw()) || b::tuple_check(c, h.as_raw()) {
            return Ok(None);
        }
        if b::unicode_check(c, h.as_raw()) {
            return Err(type_mismatch(h, what));
        }
    }
    // `iter(obj)` tells an object that is not iterable (our message) from an iterable that
    // raises while it is consumed (its own exception, whatever the type).
    let iterator = h
        .ctx()
        .builtin("iter")?
        .call(&[h])
        .map_err(|_| replace_type_error(h, what))?;
    let list = h.ctx().builtin_type(BuiltinType::List);
    list.call(&[&iterator]).map(Some)
}

fn extract_seq<'c, T, C>(h: &Handle<'c>, what: &str, push: C) -> Result<()>
where
    T: for<'x> FromHandle<'x, 'c>,
    C: FnMut(T),
{
    let converted = as_list_or_tuple(h, what)?;
    let seq = converted.as_ref().unwrap_or(h);
    extract_items(seq, 0, push)
}

/// Converts the items `start..` of a list or tuple one by one.
fn extract_items<'c, T, C>(seq: &Handle<'c>, start: usize, mut push: C) -> Result<()>
where
    T: for<'x> FromHandle<'x, 'c>,
    C: FnMut(T),
{
    let n = seq.len()?;
    for i in start..n {
        let v = with_item(seq, i, |item| T::from_handle(item))
            .map_err(|e| e.with_prefix(format_args!("item {i}: ")))?;
        push(v);
    }
    Ok(())
}

/// From a list, a tuple, or any other iterable but `str` (and, for `Vec<u8>`, `bytes`,
/// `bytearray` and `memoryview`, copied in one go).
impl<'a, 'c, T: for<'x> FromHandle<'x, 'c>> FromHandle<'a, 'c> for Vec<T> {
    const EXPECTED: &'static str = "list";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        if let Some(fast) = <T as FromHandle<'a, 'c>>::__extract_vec(h) {
            return fast;
        }
        let mut v = Vec::new();
        extract_seq::<T, _>(h, "a sequence (list or tuple)", |x| v.push(x))?;
        Ok(v)
    }
}

/// The shortest list for which the universal backend converts floats in bulk.
const F64_BULK_MIN_LEN: usize = 16;

/// `Vec<f64>` from a list or tuple, fast:
///
/// * CPython-ABI mode: the leading items that are exactly `float` are read directly (see
///   `backend::extract_f64s`), whatever is left item by item.
/// * Universal mode: reading one item costs three or four context calls (`HPy_GetItem_i`
///   even allocates an int), so a list of 16 or more items is converted in one call of
///   `struct.pack('<n>d', *seq)` (a Python helper compiled once), which runs
///   `PyFloat_AsDouble` on every item inside the runtime, and the bytes are copied out. If
///   that fails (`struct.error`), the sequence is converted again item by item, to raise the
///   precise error: an item whose `__float__` has side effects then sees it run twice.
fn extract_f64_vec(h: &Handle<'_>) -> Option<Result<Vec<f64>>> {
    let ctx = h.ctx();
    let c = ctx.raw();
    // SAFETY: the handle is live.
    if !unsafe { b::list_check(c, h.as_raw()) || b::tuple_check(c, h.as_raw()) } {
        return None;
    }
    if b::F64_BULK_VIA_PYTHON {
        match h.len() {
            Ok(n) if n >= F64_BULK_MIN_LEN => match crate::eval::floats_via_struct(h) {
                Ok(Some(v)) => return Some(Ok(v)),
                Ok(None) => {} // a conversion failed: item by item, for the precise error
                Err(e) => return Some(Err(e)),
            },
            Ok(_) => {}
            Err(e) => return Some(Err(e)),
        }
    }
    let mut out = Vec::new();
    // SAFETY: `h` is a live list or tuple.
    let done = match unsafe { b::extract_f64s(c, h.as_raw(), &mut out) } {
        Ok(n) => n,
        Err(()) => return Some(Err(Error::pending())),
    };
    Some(extract_items(h, done, |x| out.push(x)).map(|()| out))
}

/// Builds a list (or tuple) from an exact-size iterator of Rust values.
pub(crate) fn build_seq<'c, T: IntoHandle<'c>>(
    ctx: Ctx<'c>,
    items: impl ExactSizeIterator<Item = T>,
    tuple: bool,
) -> Result<Handle<'c>> {
    let c = ctx.raw();
    let n = items.len();
    // SAFETY: the context is live.
    let Some(mut builder) = (unsafe { b::SeqBuilder::new(c, n as isize, tuple) }) else {
        return Err(Error::pending());
    };
    for (i, item) in items.enumerate() {
        match item.into_handle(ctx) {
            // SAFETY: `i < n`, each index set once; ownership moves into the builder.
            Ok(h) => unsafe { builder.set(c, i as isize, h.into_raw()) },
            Err(e) => {
                // SAFETY: the builder is abandoned once.
                unsafe { builder.cancel(c) };
                return Err(e);
            }
        }
    }
    // SAFETY: every item was set; the result is NULL or a new reference.
    unsafe { ctx.check(builder.build(c)) }
}

/// A list; `Vec<u8>` becomes `bytes` (like PyO3 0.23+).
impl<'c, T: IntoHandle<'c>> IntoHandle<'c> for Vec<T> {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        T::__vec_into_handle(self, ctx)
    }
}

/// A list of clones; `&[u8]` becomes `bytes`.
impl<'c, T: IntoHandle<'c> + Clone> IntoHandle<'c> for &[T] {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        T::__slice_into_handle(self, ctx)
    }
}

/// A list of clones; `&Vec<u8>` becomes `bytes`.
impl<'c, T: IntoHandle<'c> + Clone> IntoHandle<'c> for &Vec<T> {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        T::__slice_into_handle(self, ctx)
    }
}

/// A list; `[u8; N]` becomes `bytes`.
impl<'c, T: IntoHandle<'c>, const N: usize> IntoHandle<'c> for [T; N] {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        T::__vec_into_handle(Vec::from(self), ctx)
    }
}

// ---------------------------------------------------------------------------------------------
// Tuples.

macro_rules! tuples {
    ($($n:literal => ($($i:tt $T:ident),+),)*) => {$(
        impl<'a, 'c, $($T: for<'x> FromHandle<'x, 'c>),+> FromHandle<'a, 'c> for ($($T,)+) {
            const EXPECTED: &'static str = concat!("tuple of length ", $n);
            fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
                let c = h.ctx().raw();
                // SAFETY: the handle is live.
                if !unsafe { b::tuple_check(c, h.as_raw()) } {
                    return Err(type_mismatch(h, concat!("tuple of length ", $n)));
                }
                let len = h.len()?;
                if len != $n {
                    return Err(Error::value_error(format!(
                        concat!("expected a tuple of length ", $n, ", got one of length {}"),
                        len
                    )));
                }
                Ok(($(
                    with_item(h, $i, |item| $T::from_handle(item))
                        .map_err(|e| e.with_prefix(format_args!("item {}: ", $i)))?,
                )+))
            }
        }

        impl<'c, $($T: IntoHandle<'c>),+> IntoHandle<'c> for ($($T,)+) {
            fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
                let items = [$(self.$i.into_handle(ctx)?),+];
                let raw: [HPy; $n] = [$(items[$i].as_raw()),+];
                // SAFETY: `raw` holds live handles kept alive by `items`.
                unsafe { ctx.check(b::tuple_from_array(ctx.raw(), raw.as_ptr(), $n)) }
            }
        }
    )*};
}

tuples! {
    1 => (0 A),
    2 => (0 A, 1 B),
    3 => (0 A, 1 B, 2 C),
    4 => (0 A, 1 B, 2 C, 3 D),
    5 => (0 A, 1 B, 2 C, 3 D, 4 E),
    6 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F),
    7 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G),
    8 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H),
    9 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I),
    10 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J),
    11 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K),
    12 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L),
}

// ---------------------------------------------------------------------------------------------
// Dicts.

fn extract_map<'c, K, V, F>(h: &Handle<'c>, mut insert: F) -> Result<()>
where
    K: for<'x> FromHandle<'x, 'c>,
    V: for<'x> FromHandle<'x, 'c>,
    F: FnMut(K, V),
{
    let ctx = h.ctx();
    // SAFETY: the handle is live.
    if !unsafe { b::dict_check(ctx.raw(), h.as_raw()) } {
        return Err(type_mismatch(h, "dict"));
    }
    // SAFETY: `h` is a live dict; the result is NULL or a new reference.
    let keys = unsafe { ctx.check(b::dict_keys(ctx.raw(), h.as_raw()))? };
    let n = keys.len()?;
    for i in 0..n {
        let (k, v) = with_item(&keys, i, |key| -> Result<(K, V)> {
            let k = K::from_handle(key).map_err(|e| e.with_prefix("key: "))?;
            let value = h.get_item(key)?;
            let v = V::from_handle(&value).map_err(|e| e.with_prefix("value: "))?;
            Ok((k, v))
        })?;
        insert(k, v);
    }
    Ok(())
}

impl<'a, 'c, K, V, S> FromHandle<'a, 'c> for HashMap<K, V, S>
where
    K: for<'x> FromHandle<'x, 'c> + Eq + Hash,
    V: for<'x> FromHandle<'x, 'c>,
    S: BuildHasher + Default,
{
    const EXPECTED: &'static str = "dict";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let mut m = HashMap::with_hasher(S::default());
        extract_map::<K, V, _>(h, |k, v| {
            m.insert(k, v);
        })?;
        Ok(m)
    }
}

impl<'a, 'c, K, V> FromHandle<'a, 'c> for BTreeMap<K, V>
where
    K: for<'x> FromHandle<'x, 'c> + Ord,
    V: for<'x> FromHandle<'x, 'c>,
{
    const EXPECTED: &'static str = "dict";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let mut m = BTreeMap::new();
        extract_map::<K, V, _>(h, |k, v| {
            m.insert(k, v);
        })?;
        Ok(m)
    }
}

fn build_dict<'c, K: IntoHandle<'c>, V: IntoHandle<'c>>(
    ctx: Ctx<'c>,
    items: impl Iterator<Item = (K, V)>,
) -> Result<Handle<'c>> {
    let d = ctx.dict()?;
    for (k, v) in items {
        d.set_item(k, v)?;
    }
    Ok(d)
}

impl<'c, K: IntoHandle<'c>, V: IntoHandle<'c>, S> IntoHandle<'c> for HashMap<K, V, S> {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        build_dict(ctx, self.into_iter())
    }
}

impl<'c, K: IntoHandle<'c>, V: IntoHandle<'c>> IntoHandle<'c> for BTreeMap<K, V> {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        build_dict(ctx, self.into_iter())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_only_agrees_with_std() {
        let mut samples: Vec<Vec<u8>> = Vec::new();
        for n in 0..40 {
            let base: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            samples.push(base.clone());
            for at in 0..n {
                for bad in [0x80, 0xC3, 0xFF] {
                    let mut v = base.clone();
                    v[at] = bad;
                    samples.push(v);
                }
            }
        }
        for v in &samples {
            assert_eq!(super::ascii_only(v), v.is_ascii(), "{v:?}");
        }
    }
}

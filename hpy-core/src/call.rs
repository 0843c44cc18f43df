//! Calling Python: [`Handle::call`], [`Handle::call_kw`], [`Handle::call_method`],
//! [`Handle::call_method_kw`], and the argument traits [`IntoArgs`] and [`IntoKwargs`].
//!
//! Positional arguments are a tuple of anything that converts ([`IntoHandle`]), an array, or a
//! slice of handles; keyword arguments are pairs `(name, value)` (a tuple of pairs may mix
//! value types), a `dict` handle, or a map:
//!
//! ```
//! # fn demo<'c>(ctx: hpy_core::Ctx<'c>, f: &hpy_core::Handle<'c>, x: &hpy_core::Handle<'c>)
//! # -> hpy_core::Result<()> {
//! f.call(())?;                                   // f()
//! f.call((1, "two", x))?;                        // f(1, 'two', x)
//! f.call(&[x, x])?;                              // f(x, x)
//! f.call_kw((1,), (("sep", ", "), ("end", 0)))?; // f(1, sep=', ', end=0)
//! f.call_kw((), [("a", 1), ("b", 2)])?;          // f(a=1, b=2)
//! x.call_method("append", (42,))?;               // x.append(42)
//! x.call_method_kw("sort", (), [("reverse", true)])?; // x.sort(reverse=True)
//! # Ok(()) }
//! ```
//!
//! Every call is one vectorcall: `PyObject_Vectorcall`/`PyObject_VectorcallMethod` in
//! CPython-ABI mode, `HPy_Call`/`HPy_CallMethod` in universal mode. Handles passed as
//! arguments are lent, not duplicated; converted values are closed after the call.

use core::marker::PhantomData;
use std::collections::{BTreeMap, HashMap};

use crate::backend as b;
use crate::conv::{Arg, IntoHandle};
use crate::err::{Error, Result};
use crate::ffi::HPy;
use crate::handle::{Ctx, Handle};
use crate::object::{AttrName, name_handle};

// ---------------------------------------------------------------------------------------------
// The argument buffer.

/// How many arguments fit without a heap allocation.
const INLINE: usize = 8;

/// The arguments of one call, laid out as the vectorcall protocol wants them: slot 0 is spare
/// (the callee may use it, or it holds `self` for a method call), then the positional
/// arguments, then the keyword values. Values converted for the call are closed when the
/// buffer is dropped; borrowed handles are only lent.
#[doc(hidden)]
pub struct ArgBuf<'a, 'c> {
    ctx: Ctx<'c>,
    inline: [HPy; INLINE + 1],
    heap: Vec<HPy>,
    len: usize,
    /// Bit `i`: slot `i` holds a reference this buffer owns (slots 0..64).
    owned: u64,
    /// Owned slots from 64 on.
    owned_more: Vec<usize>,
    _borrows: PhantomData<&'a Handle<'c>>,
}

impl<'a, 'c> ArgBuf<'a, 'c> {
    fn new(ctx: Ctx<'c>) -> Self {
        ArgBuf {
            ctx,
            inline: [HPy::NULL; INLINE + 1],
            heap: Vec::new(),
            len: 1,
            owned: 0,
            owned_more: Vec::new(),
            _borrows: PhantomData,
        }
    }

    /// The context of the call.
    pub fn ctx(&self) -> Ctx<'c> {
        self.ctx
    }

    fn slots_mut(&mut self) -> &mut [HPy] {
        if self.heap.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.heap[..self.len]
        }
    }

    fn slots(&self) -> &[HPy] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap[..self.len]
        }
    }

    /// Appends an argument.
    pub fn push(&mut self, arg: Arg<'a, 'c>) {
        let i = self.len;
        let raw = match arg {
            Arg::Owned(h) => {
                if i < 64 {
                    self.owned |= 1 << i;
                } else {
                    self.owned_more.push(i);
                }
                h.into_raw()
            }
            Arg::Borrowed(h) => h.as_raw(),
        };
        if self.heap.is_empty() && i < self.inline.len() {
            self.inline[i] = raw;
        } else {
            if self.heap.is_empty() {
                self.heap.extend_from_slice(&self.inline);
            }
            self.heap.push(raw);
        }
        self.len += 1;
    }

    /// Converts and appends a value.
    #[inline]
    pub fn push_value<V>(&mut self, v: V) -> Result<()>
    where
        V: IntoHandle<'c> + 'a,
    {
        let arg = v.__into_arg(self.ctx)?;
        self.push(arg);
        Ok(())
    }

    /// The number of arguments pushed.
    fn count(&self) -> usize {
        self.len - 1
    }
}

impl Drop for ArgBuf<'_, '_> {
    fn drop(&mut self) {
        if self.owned == 0 && self.owned_more.is_empty() {
            return;
        }
        let c = self.ctx.raw();
        let mut bits = self.owned;
        let slots = self.slots();
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            // SAFETY: slot `i` holds a reference this buffer owns, closed once.
            unsafe { b::close(c, slots[i]) };
        }
        for &i in &self.owned_more {
            // SAFETY: as above.
            unsafe { b::close(c, slots[i]) };
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Positional arguments.

/// Positional arguments for [`Handle::call`] and friends:
///
/// * `()`: no arguments;
/// * a tuple `(a, b, ...)` (up to 12 items) of anything that implements [`IntoHandle`]
///   (handles are lent as they are, other values are converted);
/// * a slice, array reference or `&Vec` of handles: `&[&h1, &h2]`, `&handles` (for values
///   of one Rust type, convert them first, or use a tuple).
pub trait IntoArgs<'c> {
    /// Appends the arguments.
    #[doc(hidden)]
    fn __push_args<'a>(self, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a;
}

impl<'c> IntoArgs<'c> for () {
    #[inline(always)]
    fn __push_args<'a>(self, _buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        Ok(())
    }
}

macro_rules! tuple_args {
    ($(($($i:tt $T:ident),+),)*) => {$(
        impl<'c, $($T: IntoHandle<'c>),+> IntoArgs<'c> for ($($T,)+) {
            #[inline]
            fn __push_args<'a>(self, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
            where
                Self: 'a,
            {
                $(buf.push_value(self.$i)?;)+
                Ok(())
            }
        }
    )*};
}

tuple_args! {
    (0 A),
    (0 A, 1 B),
    (0 A, 1 B, 2 C),
    (0 A, 1 B, 2 C, 3 D),
    (0 A, 1 B, 2 C, 3 D, 4 E),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K),
    (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L),
}

/// A handle, owned or borrowed: what slices of arguments may hold.
pub trait HandleRef<'c> {
    /// The handle.
    fn handle_ref(&self) -> &Handle<'c>;
}

impl<'c> HandleRef<'c> for Handle<'c> {
    #[inline(always)]
    fn handle_ref(&self) -> &Handle<'c> {
        self
    }
}

impl<'c> HandleRef<'c> for &Handle<'c> {
    #[inline(always)]
    fn handle_ref(&self) -> &Handle<'c> {
        self
    }
}

impl<'c> HandleRef<'c> for crate::handle::BorrowedHandle<'c> {
    #[inline(always)]
    fn handle_ref(&self) -> &Handle<'c> {
        self
    }
}

impl<'c> HandleRef<'c> for &crate::handle::BorrowedHandle<'c> {
    #[inline(always)]
    fn handle_ref(&self) -> &Handle<'c> {
        self
    }
}

impl<'c, T: HandleRef<'c>> IntoArgs<'c> for &[T] {
    #[inline]
    fn __push_args<'a>(self, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        for h in self {
            buf.push(Arg::Borrowed(h.handle_ref()));
        }
        Ok(())
    }
}

impl<'c, T: HandleRef<'c>, const N: usize> IntoArgs<'c> for &[T; N] {
    #[inline]
    fn __push_args<'a>(self, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        self.as_slice().__push_args(buf)
    }
}

impl<'c, T: HandleRef<'c>> IntoArgs<'c> for &Vec<T> {
    #[inline]
    fn __push_args<'a>(self, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        self.as_slice().__push_args(buf)
    }
}

// ---------------------------------------------------------------------------------------------
// Keyword arguments.

/// The keyword names of a call, collected while the values are pushed.
#[doc(hidden)]
pub struct KwNames<'c> {
    names: Vec<Handle<'c>>,
}

impl<'c> KwNames<'c> {
    /// Adds one keyword argument.
    pub fn push<'a, V: IntoHandle<'c> + 'a>(
        &mut self,
        buf: &mut ArgBuf<'a, 'c>,
        name: &str,
        value: V,
    ) -> Result<()> {
        let n = buf.ctx().str(name)?;
        buf.push_value(value)?;
        self.names.push(n);
        Ok(())
    }
}

/// Keyword arguments for [`Handle::call_kw`] and [`Handle::call_method_kw`]:
///
/// * `()`: none;
/// * a tuple of pairs `(("sep", ","), ("end", 0))` (up to 8; each value any [`IntoHandle`]);
/// * an array or `Vec` of pairs of one value type: `[("a", 1), ("b", 2)]`;
/// * a `HashMap` or `BTreeMap` with string keys;
/// * a `dict` handle (`&Handle`, or `Option<&Handle>`: `None` for none), whose keys must be
///   strings.
pub trait IntoKwargs<'c> {
    /// Appends the keyword values to `buf` and their names to `names`.
    #[doc(hidden)]
    fn __push_kwargs<'a>(self, names: &mut KwNames<'c>, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a;
}

impl<'c> IntoKwargs<'c> for () {
    #[inline(always)]
    fn __push_kwargs<'a>(self, _: &mut KwNames<'c>, _: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        Ok(())
    }
}

macro_rules! tuple_kwargs {
    ($(($($i:tt $N:ident $V:ident),+),)*) => {$(
        impl<'c, $($N: AsRef<str>, $V: IntoHandle<'c>),+> IntoKwargs<'c> for ($(($N, $V),)+) {
            #[inline]
            fn __push_kwargs<'a>(
                self,
                names: &mut KwNames<'c>,
                buf: &mut ArgBuf<'a, 'c>,
            ) -> Result<()>
            where
                Self: 'a,
            {
                $(names.push(buf, self.$i.0.as_ref(), self.$i.1)?;)+
                Ok(())
            }
        }
    )*};
}

tuple_kwargs! {
    (0 N0 V0),
    (0 N0 V0, 1 N1 V1),
    (0 N0 V0, 1 N1 V1, 2 N2 V2),
    (0 N0 V0, 1 N1 V1, 2 N2 V2, 3 N3 V3),
    (0 N0 V0, 1 N1 V1, 2 N2 V2, 3 N3 V3, 4 N4 V4),
    (0 N0 V0, 1 N1 V1, 2 N2 V2, 3 N3 V3, 4 N4 V4, 5 N5 V5),
    (0 N0 V0, 1 N1 V1, 2 N2 V2, 3 N3 V3, 4 N4 V4, 5 N5 V5, 6 N6 V6),
    (0 N0 V0, 1 N1 V1, 2 N2 V2, 3 N3 V3, 4 N4 V4, 5 N5 V5, 6 N6 V6, 7 N7 V7),
}

impl<'c, K: AsRef<str>, V: IntoHandle<'c>, const M: usize> IntoKwargs<'c> for [(K, V); M] {
    fn __push_kwargs<'a>(self, names: &mut KwNames<'c>, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        for (k, v) in self {
            names.push(buf, k.as_ref(), v)?;
        }
        Ok(())
    }
}

impl<'c, K: AsRef<str>, V: IntoHandle<'c>> IntoKwargs<'c> for Vec<(K, V)> {
    fn __push_kwargs<'a>(self, names: &mut KwNames<'c>, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        for (k, v) in self {
            names.push(buf, k.as_ref(), v)?;
        }
        Ok(())
    }
}

impl<'c, K: AsRef<str>, V: IntoHandle<'c>, S> IntoKwargs<'c> for HashMap<K, V, S> {
    fn __push_kwargs<'a>(self, names: &mut KwNames<'c>, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        for (k, v) in self {
            names.push(buf, k.as_ref(), v)?;
        }
        Ok(())
    }
}

impl<'c, K: AsRef<str>, V: IntoHandle<'c>> IntoKwargs<'c> for BTreeMap<K, V> {
    fn __push_kwargs<'a>(self, names: &mut KwNames<'c>, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        for (k, v) in self {
            names.push(buf, k.as_ref(), v)?;
        }
        Ok(())
    }
}

impl<'c> IntoKwargs<'c> for &Handle<'c> {
    /// The items of a dict (`TypeError` for anything else, or for a key that is not a str).
    fn __push_kwargs<'a>(self, names: &mut KwNames<'c>, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        if !self.is_dict() {
            return Err(Error::type_error(format!(
                "keyword arguments must be a dict, not {}",
                self.type_name()
            )));
        }
        let keys = self.dict_keys()?;
        for key in keys.iter()? {
            let key = key?;
            if !key.is_str() {
                return Err(Error::type_error("keywords must be strings"));
            }
            let value = self.get_item(&key)?;
            buf.push(Arg::Owned(value));
            names.names.push(key);
        }
        Ok(())
    }
}

impl<'c> IntoKwargs<'c> for Option<&Handle<'c>> {
    fn __push_kwargs<'a>(self, names: &mut KwNames<'c>, buf: &mut ArgBuf<'a, 'c>) -> Result<()>
    where
        Self: 'a,
    {
        match self {
            Some(d) => d.__push_kwargs(names, buf),
            None => Ok(()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The calls.

/// Runs a vectorcall on the collected arguments.
fn finish<'c>(
    callable: &Handle<'c>,
    buf: &mut ArgBuf<'_, 'c>,
    names: KwNames<'c>,
    npositional: usize,
) -> Result<Handle<'c>> {
    let ctx = callable.ctx();
    let kwnames = if names.names.is_empty() {
        None
    } else {
        let refs: Vec<&Handle<'c>> = names.names.iter().collect();
        Some(ctx.tuple(&refs)?)
    };
    let kw = kwnames.as_ref().map_or(HPy::NULL, Handle::as_raw);
    let slots = buf.slots_mut();
    // SAFETY: `slots[1..]` holds `npositional` live positional arguments then one live value
    // per keyword name; `slots[0]` is writable spare memory for the callee; the result is NULL
    // or a new reference.
    unsafe {
        let args = slots.as_mut_ptr().add(1);
        ctx.check(b::call(
            ctx.raw(),
            callable.as_raw(),
            args,
            npositional,
            kw,
            true,
        ))
    }
}

impl<'c> Handle<'c> {
    /// `self(*args)`: see [`IntoArgs`] for what `args` may be.
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
    /// let sqrt = ctx.import("math")?.getattr("sqrt")?;
    /// let two: f64 = sqrt.call((4.0,))?.extract()?;
    /// # Ok(()) }
    /// ```
    pub fn call<A: IntoArgs<'c>>(&self, args: A) -> Result<Handle<'c>> {
        self.call_kw(args, ())
    }

    /// `self(*args, **kwargs)`: see [`IntoArgs`] and [`IntoKwargs`].
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
    /// let sorted = ctx.builtin("sorted")?;
    /// let desc = sorted.call_kw((vec![3, 1, 2],), [("reverse", true)])?;
    /// # Ok(()) }
    /// ```
    pub fn call_kw<A: IntoArgs<'c>, K: IntoKwargs<'c>>(
        &self,
        args: A,
        kwargs: K,
    ) -> Result<Handle<'c>> {
        let mut buf = ArgBuf::new(self.ctx());
        args.__push_args(&mut buf)?;
        let npositional = buf.count();
        let mut names = KwNames { names: Vec::new() };
        kwargs.__push_kwargs(&mut names, &mut buf)?;
        finish(self, &mut buf, names, npositional)
    }

    /// `self(*args, **kwargs)` with `args` a tuple handle and `kwargs` a dict handle (or
    /// `None`): `HPy_CallTupleDict`.
    pub fn call_with(&self, args: &Handle<'c>, kwargs: Option<&Handle<'c>>) -> Result<Handle<'c>> {
        let kw = kwargs.map_or(HPy::NULL, Handle::as_raw);
        // SAFETY: all handles are live; the result is NULL or a new reference.
        unsafe {
            self.ctx().check(b::call_tuple_dict(
                self.ctx().raw(),
                self.as_raw(),
                args.as_raw(),
                kw,
            ))
        }
    }

    /// `self.name(*args)`: one `HPy_CallMethod` (`PyObject_VectorcallMethod`), which does not
    /// create a bound method object.
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
    /// let s = ctx.str("a,b,c")?;
    /// let parts: Vec<String> = s.call_method("split", (",",))?.extract()?;
    /// # Ok(()) }
    /// ```
    pub fn call_method<N: AttrName<'c>, A: IntoArgs<'c>>(
        &self,
        name: N,
        args: A,
    ) -> Result<Handle<'c>> {
        self.call_method_kw(name, args, ())
    }

    /// `self.name(*args, **kwargs)`.
    pub fn call_method_kw<N: AttrName<'c>, A: IntoArgs<'c>, K: IntoKwargs<'c>>(
        &self,
        name: N,
        args: A,
        kwargs: K,
    ) -> Result<Handle<'c>> {
        let ctx = self.ctx();
        let name = name.__with_name(ctx, |n| name_handle(ctx, n))??;
        let mut buf = ArgBuf::new(ctx);
        args.__push_args(&mut buf)?;
        let npositional = buf.count();
        let mut names = KwNames { names: Vec::new() };
        kwargs.__push_kwargs(&mut names, &mut buf)?;
        let kwnames = if names.names.is_empty() {
            None
        } else {
            let refs: Vec<&Handle<'c>> = names.names.iter().collect();
            Some(ctx.tuple(&refs)?)
        };
        let kw = kwnames.as_ref().map_or(HPy::NULL, Handle::as_raw);
        let slots = buf.slots_mut();
        // `self` goes into the spare slot: the method call's argument 0.
        slots[0] = self.as_raw();
        // SAFETY: `slots` holds `self`, `npositional` live positional arguments, then one live
        // value per keyword name; the result is NULL or a new reference.
        unsafe {
            ctx.check(b::call_method(
                ctx.raw(),
                name.as_raw(),
                slots.as_ptr(),
                npositional + 1,
                kw,
            ))
        }
    }
}

/// `callable(first, *args, **kwargs)`.
pub(crate) fn call_with_first<'c, A: IntoArgs<'c>, K: IntoKwargs<'c>>(
    callable: &Handle<'c>,
    first: &Handle<'c>,
    args: A,
    kwargs: K,
) -> Result<Handle<'c>> {
    let mut buf = ArgBuf::new(callable.ctx());
    buf.push(Arg::Borrowed(first));
    args.__push_args(&mut buf)?;
    let npositional = buf.count();
    let mut names = KwNames { names: Vec::new() };
    kwargs.__push_kwargs(&mut names, &mut buf)?;
    finish(callable, &mut buf, names, npositional)
}

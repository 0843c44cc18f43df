//! The object protocol on [`Handle`]: attributes, items, type checks, `repr`/`str`/`hash`,
//! comparisons, truth, `len`, `in`, and the raw-string helpers the rest of the crate uses.
//!
//! Numbers are in `number.rs`, calls in [`call`](crate::call), iteration in
//! [`iter`](crate::iter), strings and bytes in `string.rs`, containers in `container.rs`.

use core::cmp::Ordering;
use core::ffi::{CStr, c_char};

use crate::CompareOp;
use crate::backend as b;
use crate::conv::IntoHandle;
use crate::err::{Error, Result};
use crate::ffi::HPy;
use crate::handle::{Ctx, Handle};
use crate::types::BuiltinType;

// ---------------------------------------------------------------------------------------------
// NUL-terminated copies of Rust strings.

/// Runs `f` with a NUL-terminated copy of `s` (on the stack when it is short). A string with
/// an interior NUL cannot be passed to C: `ValueError: embedded null character`, as Python
/// says.
#[inline]
pub(crate) fn with_cstr<R>(s: &str, f: impl FnOnce(*const c_char) -> R) -> Result<R> {
    const SHORT: usize = 128;
    let bytes = s.as_bytes();
    if bytes.len() < SHORT {
        // The short names and keys of most calls: copied and checked in one pass, into a
        // buffer that is not zero-filled first.
        let mut buf = core::mem::MaybeUninit::<[u8; SHORT]>::uninit();
        let p = buf.as_mut_ptr().cast::<u8>();
        for (i, &byte) in bytes.iter().enumerate() {
            if byte == 0 {
                return Err(embedded_nul());
            }
            // SAFETY: `i < bytes.len() < SHORT`.
            unsafe { p.add(i).write(byte) };
        }
        // SAFETY: `bytes.len() < SHORT`; the first `len + 1` bytes are now written.
        unsafe { p.add(bytes.len()).write(0) };
        return Ok(f(p.cast()));
    }
    if bytes.contains(&0) {
        return Err(embedded_nul());
    }
    let mut v = Vec::with_capacity(bytes.len() + 1);
    v.extend_from_slice(bytes);
    v.push(0);
    Ok(f(v.as_ptr().cast()))
}

#[cold]
fn embedded_nul() -> Error {
    Error::value_error("embedded null character")
}

/// As [`with_cstr`], for an optional string (NULL for `None`).
#[inline]
pub(crate) fn with_opt_cstr<R>(s: Option<&str>, f: impl FnOnce(*const c_char) -> R) -> Result<R> {
    match s {
        Some(s) => with_cstr(s, f),
        None => Ok(f(core::ptr::null())),
    }
}

/// `0` → `Ok(())`, `-1` → the pending exception.
#[inline(always)]
pub(crate) fn check_status(rc: core::ffi::c_int) -> Result<()> {
    if rc < 0 {
        Err(Error::pending())
    } else {
        Ok(())
    }
}

/// `1`/`0` → `Ok(bool)`, `-1` → the pending exception.
#[inline(always)]
pub(crate) fn check_bool(rc: core::ffi::c_int) -> Result<bool> {
    if rc < 0 {
        Err(Error::pending())
    } else {
        Ok(rc != 0)
    }
}

// ---------------------------------------------------------------------------------------------
// Attribute names.

/// The name of an attribute or method: `&str` (or `String`), `&CStr` (`c"name"`: no copy at
/// all) or a `str` handle (`&Handle`, e.g. one interned once and reused).
///
/// With `&str` and `&CStr` the name goes to HPy's `_s` functions (`HPy_GetAttr_s`...), which
/// costs one context call instead of three (make a `str`, use it, close it) in universal mode.
pub trait AttrName<'c> {
    /// Runs `f` with the name as a handle or a C string.
    #[doc(hidden)]
    fn __with_name<R>(self, ctx: Ctx<'c>, f: impl FnOnce(RawName) -> R) -> Result<R>;
}

/// An attribute name as the backends take it.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum RawName {
    /// A live `str` handle.
    Handle(HPy),
    /// A NUL-terminated UTF-8 string.
    CStr(*const c_char),
}

impl<'c> AttrName<'c> for &str {
    #[inline]
    fn __with_name<R>(self, ctx: Ctx<'c>, f: impl FnOnce(RawName) -> R) -> Result<R> {
        if self.len() < 128 && !self.as_bytes().contains(&0) {
            return with_cstr(self, |p| f(RawName::CStr(p)));
        }
        // Long names and names with NUL characters go through a `str` object.
        let n = ctx.str(self)?;
        Ok(f(RawName::Handle(n.as_raw())))
    }
}

impl<'c> AttrName<'c> for &String {
    #[inline]
    fn __with_name<R>(self, ctx: Ctx<'c>, f: impl FnOnce(RawName) -> R) -> Result<R> {
        self.as_str().__with_name(ctx, f)
    }
}

impl<'c> AttrName<'c> for String {
    #[inline]
    fn __with_name<R>(self, ctx: Ctx<'c>, f: impl FnOnce(RawName) -> R) -> Result<R> {
        self.as_str().__with_name(ctx, f)
    }
}

impl<'c> AttrName<'c> for &CStr {
    #[inline(always)]
    fn __with_name<R>(self, _ctx: Ctx<'c>, f: impl FnOnce(RawName) -> R) -> Result<R> {
        Ok(f(RawName::CStr(self.as_ptr())))
    }
}

impl<'c> AttrName<'c> for &&str {
    #[inline]
    fn __with_name<R>(self, ctx: Ctx<'c>, f: impl FnOnce(RawName) -> R) -> Result<R> {
        (*self).__with_name(ctx, f)
    }
}

impl<'c> AttrName<'c> for &&CStr {
    #[inline(always)]
    fn __with_name<R>(self, ctx: Ctx<'c>, f: impl FnOnce(RawName) -> R) -> Result<R> {
        (*self).__with_name(ctx, f)
    }
}

impl<'c> AttrName<'c> for &Handle<'c> {
    #[inline(always)]
    fn __with_name<R>(self, _ctx: Ctx<'c>, f: impl FnOnce(RawName) -> R) -> Result<R> {
        Ok(f(RawName::Handle(self.as_raw())))
    }
}

/// The name as a `str` handle (for the calls that need one).
pub(crate) fn name_handle<'c>(ctx: Ctx<'c>, name: RawName) -> Result<Handle<'c>> {
    match name {
        // SAFETY: the handle is live for the duration of the name's borrow.
        RawName::Handle(h) => Ok(unsafe { ctx.dup_raw(h) }),
        // SAFETY: NUL-terminated UTF-8; the result is NULL or a new reference.
        RawName::CStr(p) => unsafe { ctx.check(b::unicode_from_cstr(ctx.raw(), p)) },
    }
}

// ---------------------------------------------------------------------------------------------
// Attributes.

impl<'c> Handle<'c> {
    /// `getattr(self, name)` (`HPy_GetAttr`, or `HPy_GetAttr_s` for a `&str`/`&CStr` name).
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
    /// let math = ctx.import("math")?;
    /// let pi: f64 = math.getattr("pi")?.extract()?;
    /// let sqrt = math.getattr(c"sqrt")?;
    /// # Ok(()) }
    /// ```
    pub fn getattr<N: AttrName<'c>>(&self, name: N) -> Result<Handle<'c>> {
        let ctx = self.ctx();
        name.__with_name(ctx, |n| {
            // SAFETY: the handle and the name are live; the result is NULL or a new reference.
            unsafe {
                ctx.check(match n {
                    RawName::Handle(n) => b::get_attr(ctx.raw(), self.as_raw(), n),
                    RawName::CStr(p) => b::get_attr_s(ctx.raw(), self.as_raw(), p),
                })
            }
        })?
    }

    /// `getattr(self, name)` with a NUL-terminated name (no temporary `str`). Same as
    /// [`getattr`](Self::getattr) with a `&CStr`.
    pub fn getattr_cstr(&self, name: &CStr) -> Result<Handle<'c>> {
        self.getattr(name)
    }

    /// `getattr(self, name, None)`-like: `Ok(None)` when the attribute does not exist
    /// (`AttributeError`), the error for anything else.
    pub fn getattr_opt<N: AttrName<'c>>(&self, name: N) -> Result<Option<Handle<'c>>> {
        match self.getattr(name) {
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                if e.matches(self.ctx(), crate::Builtin::AttributeError) {
                    e.discard(self.ctx());
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }

    /// `hasattr(self, name)` (`HPy_HasAttr`/`HPy_HasAttr_s`). Like the C API (and unlike
    /// Python's `hasattr`), an attribute whose lookup raises anything counts as missing.
    pub fn hasattr<N: AttrName<'c>>(&self, name: N) -> Result<bool> {
        let ctx = self.ctx();
        name.__with_name(ctx, |n| {
            // SAFETY: the handle and the name are live.
            unsafe {
                match n {
                    RawName::Handle(n) => b::has_attr(ctx.raw(), self.as_raw(), n),
                    RawName::CStr(p) => b::has_attr_s(ctx.raw(), self.as_raw(), p),
                }
            }
        })
    }

    /// `setattr(self, name, value)` (`HPy_SetAttr`/`HPy_SetAttr_s`).
    pub fn setattr<N: AttrName<'c>, V: IntoHandle<'c>>(&self, name: N, value: V) -> Result<()> {
        let ctx = self.ctx();
        let v = value.__into_arg(ctx)?;
        name.__with_name(ctx, |n| {
            // SAFETY: all handles are live.
            check_status(unsafe {
                match n {
                    RawName::Handle(n) => b::set_attr(ctx.raw(), self.as_raw(), n, v.raw()),
                    RawName::CStr(p) => b::set_attr_s(ctx.raw(), self.as_raw(), p, v.raw()),
                }
            })
        })?
    }

    /// `delattr(self, name)` (HPy's `HPy_DelAttr`/`HPy_DelAttr_s`: `HPy_SetAttr` with a NULL
    /// value).
    pub fn delattr<N: AttrName<'c>>(&self, name: N) -> Result<()> {
        let ctx = self.ctx();
        name.__with_name(ctx, |n| {
            // SAFETY: the handles are live; a NULL value deletes.
            check_status(unsafe {
                match n {
                    RawName::Handle(n) => b::set_attr(ctx.raw(), self.as_raw(), n, HPy::NULL),
                    RawName::CStr(p) => b::set_attr_s(ctx.raw(), self.as_raw(), p, HPy::NULL),
                }
            })
        })?
    }
}

// ---------------------------------------------------------------------------------------------
// Items.

impl<'c> Handle<'c> {
    /// `self[key]`. An integer key goes to `HPy_GetItem_i` (in CPython-ABI mode an exact list
    /// or tuple is then read directly), a string key to `HPy_GetItem_s`, anything else (a
    /// handle, a tuple...) to `HPy_GetItem`.
    ///
    /// ```
    /// # fn demo<'c>(seq: &hpy_core::Handle<'c>, d: &hpy_core::Handle<'c>) -> hpy_core::Result<()> {
    /// let first = seq.get_item(0)?;
    /// let last = seq.get_item(-1)?;
    /// let value = d.get_item("key")?;
    /// let by_handle = d.get_item(&first)?;
    /// # Ok(()) }
    /// ```
    pub fn get_item<K: IntoHandle<'c>>(&self, key: K) -> Result<Handle<'c>> {
        let ctx = self.ctx();
        let c = ctx.raw();
        if let Some(i) = key.__index_key() {
            // SAFETY: the handle is live; the result is NULL or a new reference.
            return unsafe { ctx.check(b::get_item_i(c, self.as_raw(), i)) };
        }
        if let Some(s) = key.__str_key()
            && let Ok(r) = with_cstr(s, |p| {
                // SAFETY: the handle is live and `p` NUL-terminated.
                unsafe { ctx.check(b::get_item_s(c, self.as_raw(), p)) }
            })
        {
            return r;
        }
        let k = key.__into_arg(ctx)?;
        // SAFETY: both handles are live; the result is NULL or a new reference.
        unsafe { ctx.check(b::get_item(c, self.as_raw(), k.raw())) }
    }

    /// `self[key] = value` (`HPy_SetItem`, `HPy_SetItem_i` for an integer key, `HPy_SetItem_s`
    /// for a string key).
    pub fn set_item<K: IntoHandle<'c>, V: IntoHandle<'c>>(&self, key: K, value: V) -> Result<()> {
        let ctx = self.ctx();
        let c = ctx.raw();
        let v = value.__into_arg(ctx)?;
        if let Some(i) = key.__index_key() {
            // SAFETY: the handles are live.
            return check_status(unsafe { b::set_item_i(c, self.as_raw(), i, v.raw()) });
        }
        if let Some(s) = key.__str_key()
            && let Ok(r) = with_cstr(s, |p| {
                // SAFETY: the handles are live and `p` NUL-terminated.
                check_status(unsafe { b::set_item_s(c, self.as_raw(), p, v.raw()) })
            })
        {
            return r;
        }
        let k = key.__into_arg(ctx)?;
        // SAFETY: all three handles are live.
        check_status(unsafe { b::set_item(c, self.as_raw(), k.raw(), v.raw()) })
    }

    /// `del self[key]` (`HPy_DelItem`, `HPy_DelItem_i`, `HPy_DelItem_s`).
    pub fn del_item<K: IntoHandle<'c>>(&self, key: K) -> Result<()> {
        let ctx = self.ctx();
        let c = ctx.raw();
        if let Some(i) = key.__index_key() {
            // SAFETY: the handle is live.
            return check_status(unsafe { b::del_item_i(c, self.as_raw(), i) });
        }
        if let Some(s) = key.__str_key()
            && let Ok(r) = with_cstr(s, |p| {
                // SAFETY: the handle is live and `p` NUL-terminated.
                check_status(unsafe { b::del_item_s(c, self.as_raw(), p) })
            })
        {
            return r;
        }
        let k = key.__into_arg(ctx)?;
        // SAFETY: both handles are live.
        check_status(unsafe { b::del_item(c, self.as_raw(), k.raw()) })
    }

    /// `key in self` (`HPy_Contains`).
    pub fn contains<K: IntoHandle<'c>>(&self, key: K) -> Result<bool> {
        let ctx = self.ctx();
        let k = key.__into_arg(ctx)?;
        // SAFETY: both handles are live.
        check_bool(unsafe { b::contains(ctx.raw(), self.as_raw(), k.raw()) })
    }
}

// ---------------------------------------------------------------------------------------------
// Types and identity.

impl<'c> Handle<'c> {
    /// `type(self) is ty`: an instance of exactly `ty`, not of a subclass.
    pub fn is_exact_instance(&self, ty: &Handle<'c>) -> bool {
        self.get_type().is(ty)
    }

    /// `isinstance(self, t)` for a built-in type the context names.
    ///
    /// Cheap enough for a type dispatch on every value: the type is borrowed from the context
    /// (no new reference); CPython-ABI mode tests the type's flags where CPython has one
    /// (`int`, `bool`, `str`, `bytes`, `tuple`, `list`, `type`), universal mode makes one
    /// `HPy_TypeCheck` call.
    ///
    /// ```
    /// # fn demo(h: &hpy_core::Handle<'_>) -> &'static str {
    /// use hpy_core::BuiltinType;
    /// if h.is_instance_of_builtin(BuiltinType::Bool) {
    ///     "bool" // test before Int: bool is a subclass of int
    /// } else if h.is_instance_of_builtin(BuiltinType::Int) {
    ///     "int"
    /// } else {
    ///     "other"
    /// }
    /// # }
    /// ```
    #[inline]
    pub fn is_instance_of_builtin(&self, t: BuiltinType) -> bool {
        // SAFETY: the handle is live.
        unsafe { b::is_instance_of_builtin(self.ctx().raw(), self.as_raw(), t) }
    }

    /// `callable(self)` (`HPyCallable_Check`).
    pub fn is_callable(&self) -> bool {
        // SAFETY: the handle is live.
        unsafe { b::callable_check(self.ctx().raw(), self.as_raw()) }
    }

    /// Whether the object implements the number protocol (`HPyNumber_Check`).
    pub fn is_number(&self) -> bool {
        // SAFETY: the handle is live.
        unsafe { b::number_check(self.ctx().raw(), self.as_raw()) }
    }

    /// `isinstance(self, str)` (`HPyUnicode_Check`).
    pub fn is_str(&self) -> bool {
        // SAFETY: the handle is live.
        unsafe { b::unicode_check(self.ctx().raw(), self.as_raw()) }
    }

    /// `isinstance(self, bytes)` (`HPyBytes_Check`).
    pub fn is_bytes(&self) -> bool {
        // SAFETY: the handle is live.
        unsafe { b::bytes_check(self.ctx().raw(), self.as_raw()) }
    }

    /// `isinstance(self, list)` (`HPyList_Check`).
    pub fn is_list(&self) -> bool {
        // SAFETY: the handle is live.
        unsafe { b::list_check(self.ctx().raw(), self.as_raw()) }
    }

    /// `isinstance(self, tuple)` (`HPyTuple_Check`).
    pub fn is_tuple(&self) -> bool {
        // SAFETY: the handle is live.
        unsafe { b::tuple_check(self.ctx().raw(), self.as_raw()) }
    }

    /// `isinstance(self, dict)` (`HPyDict_Check`).
    pub fn is_dict(&self) -> bool {
        // SAFETY: the handle is live.
        unsafe { b::dict_check(self.ctx().raw(), self.as_raw()) }
    }

    /// `isinstance(self, type)`.
    pub fn is_type(&self) -> bool {
        self.is_instance_of_builtin(BuiltinType::Type)
    }

    fn require_type(&self, what: &str) -> Result<()> {
        if self.is_type() {
            Ok(())
        } else {
            Err(Error::type_error(format!(
                "{what} needs a type, got an instance of {}",
                self.type_name()
            )))
        }
    }

    /// For a type object: its `__name__` (`HPyType_GetName`, copied). `TypeError` when
    /// `self` is not a type.
    pub fn name_of_type(&self) -> Result<String> {
        self.require_type("name_of_type()")?;
        // SAFETY: `self` is a live type; the name is copied before anything else runs.
        unsafe {
            let p = b::type_get_name(self.ctx().raw(), self.as_raw());
            if p.is_null() {
                return Err(Error::pending());
            }
            Ok(CStr::from_ptr(p).to_string_lossy().into_owned())
        }
    }

    /// For a type object: `issubclass(self, ty)` (`HPyType_IsSubtype`; both must be types,
    /// else `TypeError`).
    pub fn is_subtype(&self, ty: &Handle<'c>) -> Result<bool> {
        self.require_type("is_subtype()")?;
        ty.require_type("is_subtype()")?;
        // SAFETY: both are live types.
        Ok(unsafe { b::type_is_subtype(self.ctx().raw(), self.as_raw(), ty.as_raw()) })
    }

    /// Prints a debugging description of the object to stderr (`_HPy_Dump`).
    pub fn dump(&self) {
        // SAFETY: the handle is live.
        unsafe { b::dump(self.ctx().raw(), self.as_raw()) }
    }
}

// ---------------------------------------------------------------------------------------------
// repr, str, ascii, bytes, hash.

impl<'c> Handle<'c> {
    /// `repr(self)` as a `str` object (`HPy_Repr`).
    pub fn py_repr(&self) -> Result<Handle<'c>> {
        // SAFETY: the handle is live; the result is NULL or a new reference.
        unsafe { self.ctx().check(b::repr(self.ctx().raw(), self.as_raw())) }
    }

    /// `str(self)` as a `str` object (`HPy_Str`).
    pub fn py_str(&self) -> Result<Handle<'c>> {
        // SAFETY: the handle is live; the result is NULL or a new reference.
        unsafe { self.ctx().check(b::str_(self.ctx().raw(), self.as_raw())) }
    }

    /// `ascii(self)` as a `str` object (`HPy_ASCII`).
    pub fn py_ascii(&self) -> Result<Handle<'c>> {
        // SAFETY: the handle is live; the result is NULL or a new reference.
        unsafe { self.ctx().check(b::ascii(self.ctx().raw(), self.as_raw())) }
    }

    /// `ascii(self)` as a Rust string.
    pub fn ascii(&self) -> Result<String> {
        self.py_ascii()?.extract()
    }

    /// `bytes(self)` (`HPy_Bytes`, C's `PyObject_Bytes`): a bytes object from a bytes-like
    /// object or an object with `__bytes__`; CPython also takes an iterable of ints, PyPy does
    /// not.
    pub fn py_bytes(&self) -> Result<Handle<'c>> {
        // SAFETY: the handle is live; the result is NULL or a new reference.
        unsafe {
            self.ctx()
                .check(b::bytes_of(self.ctx().raw(), self.as_raw()))
        }
    }

    /// `hash(self)` (`HPy_Hash`).
    pub fn hash(&self) -> Result<isize> {
        // SAFETY: the handle is live.
        let h = unsafe { b::hash(self.ctx().raw(), self.as_raw()) };
        // -1 is never a valid hash: it always means an exception.
        if h == -1 {
            Err(Error::pending())
        } else {
            Ok(h)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Comparisons.

/// HPy's (and CPython's) code for a comparison operator (`HPy_RichCmpOp`).
fn cmp_code(op: CompareOp) -> crate::ffi::HPy_RichCmpOp {
    use crate::ffi::*;
    match op {
        CompareOp::Lt => HPy_LT,
        CompareOp::Le => HPy_LE,
        CompareOp::Eq => HPy_EQ,
        CompareOp::Ne => HPy_NE,
        CompareOp::Gt => HPy_GT,
        CompareOp::Ge => HPy_GE,
    }
}

impl<'c> Handle<'c> {
    /// `self <op> other` as an object (`HPy_RichCompare`): what Python's operator returns,
    /// which need not be a bool (numpy arrays, `NotImplemented`...).
    pub fn rich_compare<V: IntoHandle<'c>>(&self, other: V, op: CompareOp) -> Result<Handle<'c>> {
        let ctx = self.ctx();
        let o = other.__into_arg(ctx)?;
        // SAFETY: both handles are live; the result is NULL or a new reference.
        unsafe {
            ctx.check(b::rich_compare(
                ctx.raw(),
                self.as_raw(),
                o.raw(),
                cmp_code(op),
            ))
        }
    }

    /// `bool(self <op> other)` (`HPy_RichCompareBool`; like Python's `==`, identical objects
    /// compare equal for `Eq` without calling `__eq__`).
    pub fn compare_bool<V: IntoHandle<'c>>(&self, other: V, op: CompareOp) -> Result<bool> {
        let ctx = self.ctx();
        let o = other.__into_arg(ctx)?;
        // SAFETY: both handles are live.
        check_bool(unsafe { b::rich_compare_bool(ctx.raw(), self.as_raw(), o.raw(), cmp_code(op)) })
    }

    /// `self == other`.
    pub fn eq<V: IntoHandle<'c>>(&self, other: V) -> Result<bool> {
        self.compare_bool(other, CompareOp::Eq)
    }

    /// `self != other`.
    pub fn ne<V: IntoHandle<'c>>(&self, other: V) -> Result<bool> {
        self.compare_bool(other, CompareOp::Ne)
    }

    /// `self < other`.
    pub fn lt<V: IntoHandle<'c>>(&self, other: V) -> Result<bool> {
        self.compare_bool(other, CompareOp::Lt)
    }

    /// `self <= other`.
    pub fn le<V: IntoHandle<'c>>(&self, other: V) -> Result<bool> {
        self.compare_bool(other, CompareOp::Le)
    }

    /// `self > other`.
    pub fn gt<V: IntoHandle<'c>>(&self, other: V) -> Result<bool> {
        self.compare_bool(other, CompareOp::Gt)
    }

    /// `self >= other`.
    pub fn ge<V: IntoHandle<'c>>(&self, other: V) -> Result<bool> {
        self.compare_bool(other, CompareOp::Ge)
    }

    /// A total order for values that have one: `Less`, `Equal` or `Greater` from `==` and
    /// `<`; `TypeError` if neither `==`, `<` nor `>` holds (NaN, unordered types).
    pub fn compare<V: IntoHandle<'c>>(&self, other: V) -> Result<Ordering> {
        let o = other.__into_arg(self.ctx())?;
        let o = o.handle();
        if self.compare_bool(o, CompareOp::Eq)? {
            Ok(Ordering::Equal)
        } else if self.compare_bool(o, CompareOp::Lt)? {
            Ok(Ordering::Less)
        } else if self.compare_bool(o, CompareOp::Gt)? {
            Ok(Ordering::Greater)
        } else {
            Err(Error::type_error(format!(
                "{} and {} objects are not ordered",
                self.type_name(),
                o.type_name()
            )))
        }
    }
}

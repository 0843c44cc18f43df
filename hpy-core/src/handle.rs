//! The context token [`Ctx`] and the owned handle [`Handle`].

use core::fmt;
use core::marker::PhantomData;
use core::mem::ManuallyDrop;

use crate::backend::{self as b, RawCtx};
use crate::conv::{FromHandle, IntoHandle};
use crate::err::{Error, Result};
use crate::ffi::HPy;
use crate::types::BuiltinType;

/// The HPy context of the call in progress.
///
/// Every function exported with [`#[hpy_core::function]`](crate::function) can take one as a
/// parameter; every [`Handle`] carries one. The lifetime `'c` is the call: nothing that holds
/// a `Ctx<'c>` (handles included) can be kept once the call has returned, stored in a
/// `static`, or sent to another thread.
///
/// In CPython-ABI mode a `Ctx` is zero-sized and costs nothing; in universal mode it is the
/// `HPyContext*` the runtime passed to this call.
#[derive(Clone, Copy)]
pub struct Ctx<'c> {
    raw: RawCtx,
    // `&'c ()` ties it to the call; the raw pointer makes it neither `Send` nor `Sync`, and
    // names the fix in rustc's "cannot be sent between threads safely" error.
    _call: PhantomData<(&'c (), *mut KeepObjectsInGlobalOrField)>,
}

/// Why a [`Handle`] or [`Ctx`] cannot be sent to another thread or kept in a `static`: this
/// type, which only appears behind a raw pointer inside them, names the fix in the compiler's
/// error ("`*mut KeepObjectsInGlobalOrField` cannot be sent between threads safely").
///
/// A handle is valid only during the call that received it, on that call's thread. To keep a
/// Python object between calls, store it in a [`Global`](crate::Global) (a `static` of the
/// module) or in a [`Field`](crate::Field) of a `#[class]`. Another thread cannot touch Python
/// objects at all: convert what it needs into Rust data (`String`, `Vec<f64>`, ...) first, and
/// use [`Ctx::allow_threads`] to let other Python threads run while it works.
pub enum KeepObjectsInGlobalOrField {}

impl<'c> Ctx<'c> {
    /// Wraps the backend's raw context.
    ///
    /// # Safety
    /// `raw` must be the context of a call (or module initialisation) that lasts at least `'c`,
    /// with the interpreter lock held.
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn from_raw(raw: RawCtx) -> Ctx<'c> {
        Ctx {
            raw,
            _call: PhantomData,
        }
    }

    /// The backend's raw context.
    #[doc(hidden)]
    #[inline(always)]
    pub fn raw(self) -> RawCtx {
        self.raw
    }

    /// `true` in a universal build, `false` in a CPython-ABI build.
    pub const IS_UNIVERSAL: bool = cfg!(hpy_abi = "universal");

    /// The name of the context: `"HPy CPython ABI"` in a CPython-ABI build, the runtime's
    /// context name (e.g. `"HPy Universal ABI (CPython backend)"` or `"HPy Debug Mode ABI"`)
    /// in a universal build.
    pub fn name(self) -> &'static str {
        // SAFETY: `self` is a live context.
        unsafe { b::ctx_name(self.raw) }
    }

    /// Takes ownership of a new reference.
    ///
    /// # Safety
    /// `raw` is a non-NULL handle of this context that the caller owns.
    #[inline(always)]
    pub unsafe fn handle_from_raw(self, raw: HPy) -> Handle<'c> {
        debug_assert!(!raw.is_null());
        Handle { raw, ctx: self }
    }

    /// Turns the result of an API call that returns a new reference into a `Result`: NULL
    /// means the call raised.
    ///
    /// # Safety
    /// `raw` is NULL (with an exception set) or a new reference of this context.
    #[doc(hidden)]
    #[inline(always)]
    pub unsafe fn check(self, raw: HPy) -> Result<Handle<'c>> {
        if raw.is_null() {
            Err(Error::pending())
        } else {
            Ok(Handle { raw, ctx: self })
        }
    }

    /// A new reference to a borrowed handle (a context constant, an item borrowed from a list).
    ///
    /// # Safety
    /// `raw` is a live handle of this context.
    #[inline(always)]
    pub(crate) unsafe fn dup_raw(self, raw: HPy) -> Handle<'c> {
        // SAFETY: forwarded contract.
        Handle {
            raw: unsafe { b::dup(self.raw, raw) },
            ctx: self,
        }
    }

    /// `None`.
    #[inline(always)]
    pub fn none(self) -> Handle<'c> {
        // SAFETY: the constant is live for the whole call.
        unsafe { self.dup_raw(b::none(self.raw)) }
    }

    /// `True` or `False` (`HPyBool_FromBool`).
    #[inline(always)]
    pub fn bool(self, v: bool) -> Handle<'c> {
        // SAFETY: HPyBool_FromBool cannot fail and returns a new reference.
        unsafe { self.handle_from_raw(b::bool_from_bool(self.raw, v)) }
    }

    /// `Ellipsis` (`...`).
    #[inline(always)]
    pub fn ellipsis(self) -> Handle<'c> {
        // SAFETY: the constant is live for the whole call.
        unsafe { self.dup_raw(b::ellipsis(self.raw)) }
    }

    /// A built-in type the context names without a lookup: `int`, `float`, `str`, `bytes`,
    /// `slice`... (see [`BuiltinType`]).
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>, obj: &hpy_core::Handle<'c>) -> bool {
    /// use hpy_core::BuiltinType;
    /// obj.is_instance(&ctx.type_object(BuiltinType::Float))
    /// # }
    /// ```
    #[inline(always)]
    pub fn type_object(self, t: BuiltinType) -> Handle<'c> {
        self.builtin_type(t)
    }

    /// A built-in exception or warning type, e.g. `ctx.exception_type(Builtin::KeyError)`.
    #[inline(always)]
    pub fn exception_type(self, t: crate::Builtin) -> Handle<'c> {
        // SAFETY: the discriminant is a context index in 5..=68; the type is live for the
        // whole call.
        unsafe { self.dup_raw(b::builtin_exception(self.raw, t as usize)) }
    }

    /// `import name` (`HPyImport_ImportModule`): the module, e.g. `ctx.import("math")` or
    /// `ctx.import("os.path")` (the submodule itself).
    pub fn import(self, name: &str) -> Result<Handle<'c>> {
        crate::object::with_cstr(name, |p| {
            // SAFETY: `p` is NUL-terminated; the result is NULL or a new reference.
            unsafe { self.check(b::import_module(self.raw, p)) }
        })?
    }

    /// `NotImplemented`.
    #[inline(always)]
    pub fn not_implemented(self) -> Handle<'c> {
        // SAFETY: the constant is live for the whole call.
        unsafe { self.dup_raw(b::not_implemented(self.raw)) }
    }

    /// The `builtins` module.
    pub fn builtins(self) -> Result<Handle<'c>> {
        // SAFETY: the name is NUL-terminated; the result is NULL or a new reference.
        unsafe { self.check(b::import_module(self.raw, c"builtins".as_ptr())) }
    }

    /// A built-in type.
    pub(crate) fn builtin_type(self, t: BuiltinType) -> Handle<'c> {
        // SAFETY: built-in types are live for the whole call.
        unsafe { self.dup_raw(b::builtin_type(self.raw, t)) }
    }

    /// Converts a Rust value into a Python object.
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
    /// let answer = ctx.to_py(42_i64)?;
    /// let words = ctx.to_py(vec!["a", "b"])?;
    /// # Ok(()) }
    /// ```
    #[inline(always)]
    pub fn to_py<T: IntoHandle<'c>>(self, value: T) -> Result<Handle<'c>> {
        value.into_handle(self)
    }

    /// A new `str`.
    #[inline]
    pub fn str(self, s: &str) -> Result<Handle<'c>> {
        // SAFETY: the result is NULL or a new reference.
        unsafe { self.check(b::unicode_from_str(self.raw, s)) }
    }

    /// A new empty `dict`.
    pub fn dict(self) -> Result<Handle<'c>> {
        // SAFETY: the result is NULL or a new reference.
        unsafe { self.check(b::dict_new(self.raw)) }
    }

    /// A new `tuple` of the given items.
    pub fn tuple(self, items: &[&Handle<'c>]) -> Result<Handle<'c>> {
        let raw: Vec<HPy> = items.iter().map(|h| h.raw).collect();
        // SAFETY: `raw` holds live handles; the result is NULL or a new reference.
        unsafe {
            self.check(b::tuple_from_array(
                self.raw,
                raw.as_ptr(),
                raw.len() as isize,
            ))
        }
    }

    /// A built-in function or type by name, e.g. `ctx.builtin("len")`; `AttributeError` if
    /// there is none.
    pub fn builtin(self, name: &str) -> Result<Handle<'c>> {
        // SAFETY: the namespace is live for the whole call.
        let ns = unsafe { self.dup_raw(b::builtins(self.raw)) };
        // The context's builtins are the module on some runtimes and its dict on others.
        // SAFETY: the handle is live.
        if !unsafe { b::dict_check(self.raw, ns.as_raw()) } {
            return ns.getattr(name);
        }
        let key = self.str(name)?;
        // SAFETY: both handles are live; the result is NULL or a new reference.
        let found = unsafe { self.check(b::get_item(self.raw, ns.as_raw(), key.as_raw())) };
        found.map_err(|e| {
            e.discard(self);
            Error::attribute_error(format!("module 'builtins' has no attribute '{name}'"))
        })
    }
}

/// An owned reference to a Python object, valid for the call `'c`.
///
/// Dropping it closes it (`HPy_Close`); cloning it duplicates it (`HPy_Dup`). Arguments a
/// function receives are borrowed: take them as `&Handle<'c>`.
///
/// In CPython-ABI mode a `Handle` is the `PyObject*` and nothing else; in universal mode it
/// also carries the context pointer, which it needs to close itself.
pub struct Handle<'c> {
    raw: HPy,
    ctx: Ctx<'c>,
}

impl<'c> Handle<'c> {
    /// The raw handle, still owned by `self`.
    #[inline(always)]
    pub fn as_raw(&self) -> HPy {
        self.raw
    }

    /// Gives up ownership: the caller must close the returned handle.
    #[inline(always)]
    pub fn into_raw(self) -> HPy {
        ManuallyDrop::new(self).raw
    }

    /// The context this handle belongs to.
    #[inline(always)]
    pub fn ctx(&self) -> Ctx<'c> {
        self.ctx
    }

    /// Converts the object into a Rust value.
    ///
    /// ```
    /// # fn demo<'c>(h: &hpy_core::Handle<'c>) -> hpy_core::Result<()> {
    /// let n: i64 = h.extract()?;
    /// # Ok(()) }
    /// ```
    #[inline(always)]
    pub fn extract<'a, T: FromHandle<'a, 'c>>(&'a self) -> Result<T> {
        T::from_handle(self)
    }

    /// `self is other`.
    #[inline(always)]
    pub fn is(&self, other: &Handle<'c>) -> bool {
        // SAFETY: both handles are live.
        unsafe { b::is(self.ctx.raw, self.raw, other.raw) }
    }

    /// `self is None`.
    #[inline(always)]
    pub fn is_none(&self) -> bool {
        // SAFETY: the handle and the constant are live.
        unsafe { b::is(self.ctx.raw, self.raw, b::none(self.ctx.raw)) }
    }

    /// `type(self)`.
    pub fn get_type(&self) -> Handle<'c> {
        // SAFETY: HPy_Type never fails on a live handle and returns a new reference.
        unsafe { self.ctx.handle_from_raw(b::type_of(self.ctx.raw, self.raw)) }
    }

    /// `type(self).__name__`, for messages (`HPyType_GetName`); `"?"` if even that fails.
    pub fn type_name(&self) -> String {
        let ty = self.get_type();
        match ty.name_of_type() {
            Ok(s) => s,
            Err(e) => {
                e.discard(self.ctx);
                "?".to_owned()
            }
        }
    }

    /// `isinstance(self, ty)` for a type object `ty`.
    #[inline(always)]
    pub fn is_instance(&self, ty: &Handle<'c>) -> bool {
        // SAFETY: both handles are live; `ty` is a type (HPy requires it).
        unsafe { b::type_check(self.ctx.raw, self.raw, ty.raw) }
    }

    /// `len(self)`.
    pub fn len(&self) -> Result<usize> {
        // SAFETY: the handle is live.
        let n = unsafe { b::length(self.ctx.raw, self.raw) };
        if n < 0 {
            Err(Error::pending())
        } else {
            Ok(n as usize)
        }
    }

    /// `len(self) == 0`.
    pub fn is_empty(&self) -> Result<bool> {
        self.len().map(|n| n == 0)
    }

    /// `bool(self)`.
    pub fn is_true(&self) -> Result<bool> {
        // SAFETY: the handle is live.
        match unsafe { b::is_true(self.ctx.raw, self.raw) } {
            r if r < 0 => Err(Error::pending()),
            r => Ok(r != 0),
        }
    }

    /// `repr(self)` as a Rust string.
    pub fn repr(&self) -> Result<String> {
        // SAFETY: the handle is live; the result is NULL or a new reference.
        let r = unsafe { self.ctx.check(b::repr(self.ctx.raw, self.raw))? };
        r.extract()
    }

    /// `str(self)` as a Rust string.
    pub fn str(&self) -> Result<String> {
        // SAFETY: the handle is live; the result is NULL or a new reference.
        let r = unsafe { self.ctx.check(b::str_(self.ctx.raw, self.raw))? };
        r.extract()
    }
}

impl Drop for Handle<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: we own this handle and nobody uses it after drop.
        unsafe { b::close(self.ctx.raw, self.raw) }
    }
}

impl Clone for Handle<'_> {
    #[inline(always)]
    fn clone(&self) -> Self {
        // SAFETY: the handle is live.
        unsafe { self.ctx.dup_raw(self.raw) }
    }
}

impl fmt::Debug for Handle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.repr() {
            Ok(s) => f.write_str(&s),
            Err(e) => {
                e.discard(self.ctx);
                f.write_str("<object with a failing repr>")
            }
        }
    }
}

/// A handle the callee does not own (an argument, an item borrowed from a list in
/// CPython-ABI mode): it dereferences to [`Handle`] and never closes.
#[doc(hidden)]
pub struct BorrowedHandle<'c>(ManuallyDrop<Handle<'c>>);

impl<'c> BorrowedHandle<'c> {
    /// # Safety
    /// `raw` is a live, non-NULL handle of `ctx` that outlives the returned value.
    #[inline(always)]
    pub unsafe fn new(ctx: Ctx<'c>, raw: HPy) -> BorrowedHandle<'c> {
        BorrowedHandle(ManuallyDrop::new(Handle { raw, ctx }))
    }
}

impl<'c> core::ops::Deref for BorrowedHandle<'c> {
    type Target = Handle<'c>;
    #[inline(always)]
    fn deref(&self) -> &Handle<'c> {
        &self.0
    }
}

//! What the macros expand to. Not a public API: names and signatures here change without
//! notice. The macros emit one token stream for both backends; everything that differs between
//! the backends lives in `cpython.rs` / `universal.rs` beside this file, behind the `hpy_abi`
//! cfg of this crate.

use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::panic::AssertUnwindSafe;
use core::sync::atomic::AtomicIsize;
#[cfg(hpy_abi = "cpython")]
use core::sync::atomic::Ordering;

use crate::backend::{self as b, RawGlobal};
use crate::conv::{FromHandle, IntoHandle};
use crate::err::{Builtin, Error, Result};
use crate::ffi::HPy;
use crate::handle::{BorrowedHandle, Ctx, Handle};

#[cfg(hpy_abi = "cpython")]
mod cpython;
#[cfg(hpy_abi = "cpython")]
pub use cpython::*;

#[cfg(hpy_abi = "universal")]
mod universal;
#[cfg(hpy_abi = "universal")]
pub use universal::*;

pub use crate::handle::BorrowedHandle as Borrowed;

/// A `static` that may hold raw pointers and be written by the runtime.
#[repr(transparent)]
pub struct SyncCell<T>(UnsafeCell<T>);

// SAFETY: the runtimes read and write these tables only during import, under the interpreter
// lock; Rust code never takes references into them.
unsafe impl<T> Sync for SyncCell<T> {}

impl<T> SyncCell<T> {
    /// Wraps a value.
    pub const fn new(v: T) -> SyncCell<T> {
        SyncCell(UnsafeCell::new(v))
    }

    /// A raw pointer to the value.
    pub const fn get(&self) -> *mut T {
        self.0.get()
    }
}

/// The arguments of a call as the runtime passed them. Which fields mean something depends on
/// the calling convention: `args`/`nargs` for O (one argument), VARARGS and KEYWORDS,
/// `kwnames` for KEYWORDS only.
pub struct RawArgs {
    /// `self`, or the module for module-level functions.
    pub slf: HPy,
    /// The positional arguments, followed (KEYWORDS) by the keyword values.
    pub args: *const HPy,
    /// The number of positional arguments.
    pub nargs: usize,
    /// A tuple of the keyword names, or NULL.
    pub kwnames: HPy,
}

/// How many of a module's functions are compiled in (`None` marks one removed by `#[cfg]`).
pub const fn count_defs(defs: &[Option<MethodDef>]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < defs.len() {
        if defs[i].is_some() {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The definitions that are compiled in, followed by `last` (the module's exec slot, or the
/// table's terminator). `N` is `count_defs(defs) + 1`.
pub const fn collect_defs<const N: usize>(
    defs: &[Option<MethodDef>],
    last: MethodDef,
) -> [MethodDef; N] {
    let mut out = [last; N];
    let mut j = 0;
    let mut i = 0;
    while i < defs.len() {
        if let Some(d) = defs[i] {
            out[j] = d;
            j += 1;
        }
        i += 1;
    }
    assert!(j + 1 == N, "N must be count_defs(defs) + 1");
    out
}

/// The calling conventions a function can be exported with, cheapest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Convention {
    /// No arguments.
    NoArgs,
    /// Exactly one positional argument.
    O,
    /// Positional arguments only (fastcall).
    Varargs,
    /// Positional and keyword arguments (vectorcall with kwnames).
    Keywords,
}

/// A function exported with `#[hpy_core::function]`: the macro implements it on a hidden type
/// named after the function.
pub trait PyFunction {
    /// The method definition (an `HPyDef` in universal mode, a `PyMethodDef` in CPython-ABI
    /// mode).
    const DEF: MethodDef;
    /// The Python name, for messages.
    const NAME: &'static str;
    /// Parses the arguments, calls the Rust function and converts its result to a new
    /// reference.
    fn call<'c>(ctx: Ctx<'c>, args: &RawArgs) -> Result<HPy>;
}

/// What a `#[hpy_core::module]` runs when the module is executed (`HPy_mod_exec`).
pub trait ModuleExec {
    /// The module name, for messages.
    const NAME: &'static str;
    /// Adds constants, runs the user's `#[module_init]`.
    fn exec<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()>;
}

// ---------------------------------------------------------------------------------------------
// Calls from the runtime into Rust.

/// Runs `f` with the context of this call, turning an `Err` and a panic into a Python
/// exception. Returns `None` when an exception was set.
///
/// # Safety
/// `raw` is the live context of the call in progress.
#[inline(always)]
pub unsafe fn guard<R>(raw: b::RawCtx, f: impl for<'c> FnOnce(Ctx<'c>) -> Result<R>) -> Option<R> {
    // SAFETY: forwarded contract; the lifetime chosen here is local to this call.
    let ctx = unsafe { Ctx::from_raw(raw) };
    match std::panic::catch_unwind(AssertUnwindSafe(|| f(ctx))) {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            e.restore(ctx);
            None
        }
        Err(payload) => {
            panic_error(payload).restore(ctx);
            None
        }
    }
}

#[cold]
#[inline(never)]
fn panic_error(payload: Box<dyn core::any::Any + Send>) -> Error {
    let msg = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a Rust panic with a payload that is not a string".to_owned()
    };
    // Dropping the payload may itself panic; a leak is better than an abort.
    std::mem::forget(payload);
    Error::panic(msg)
}

/// The `PanicException` type every module of this binary shares; kept in an `HPyGlobal`
/// listed in each module definition.
pub static PANIC_EXCEPTION: RawGlobal = RawGlobal::new();

/// The `PanicException` type, creating it if needed.
pub(crate) fn panic_exception_type<'c>(ctx: Ctx<'c>) -> Result<Handle<'c>> {
    #[cfg(hpy_abi = "cpython")]
    if PANIC_EXCEPTION.is_empty() {
        create_panic_exception(ctx)?;
    }
    // SAFETY: the global was stored at module execution (or just above).
    unsafe { ctx.check(PANIC_EXCEPTION.load(ctx.raw())) }
}

fn create_panic_exception(ctx: Ctx<'_>) -> Result<()> {
    let c = ctx.raw();
    // SAFETY: the context is live; the name is NUL-terminated and the base an exception type.
    let ty = unsafe {
        ctx.check(b::err_new_exception(
            c,
            c"hpy_core.PanicException".as_ptr(),
            b::builtin_exception(c, Builtin::BaseException as usize),
        ))?
    };
    ty.setattr(
        "__doc__",
        "A Rust panic reached Python. Derives from BaseException so that `except Exception` \
         does not hide it.",
    )?;
    // SAFETY: the context and the type are live.
    unsafe { PANIC_EXCEPTION.store(c, ty.as_raw()) };
    Ok(())
}

/// Runs a module's exec step: the shared set-up, then the module's own.
pub fn module_exec<'c, M: ModuleExec>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
    create_panic_exception(ctx)?;
    M::exec(ctx, module)
}

// ---------------------------------------------------------------------------------------------
// Return values.

/// What an exported function may return: a convertible value, or a `Result` of one whose
/// error converts into [`Error`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned to Python",
    label = "the return type must implement `IntoHandle`, or be a `Result<T, E>` with `T: IntoHandle` and `E: Into<Error>`",
    note = "for a `Result<T, E>`, `E` must convert into `Error`: implement `From<E> for Error`, or return `Result<T, Error>` and turn other errors into an `Error` with `.map_err(...)`"
)]
pub trait ReturnValue<'c> {
    /// Converts into a new reference.
    fn into_raw_result(self, ctx: Ctx<'c>) -> Result<HPy>;
}

impl<'c, T: IntoHandle<'c>> ReturnValue<'c> for T {
    #[inline(always)]
    fn into_raw_result(self, ctx: Ctx<'c>) -> Result<HPy> {
        self.into_handle(ctx).map(Handle::into_raw)
    }
}

impl<'c, T: IntoHandle<'c>, E: Into<Error>> ReturnValue<'c> for core::result::Result<T, E> {
    #[inline(always)]
    fn into_raw_result(self, ctx: Ctx<'c>) -> Result<HPy> {
        match self {
            Ok(v) => v.into_handle(ctx).map(Handle::into_raw),
            Err(e) => Err(e.into()),
        }
    }
}

/// The error type of an exported function returning `Result<T, E>`: the macros convert the
/// error through this trait, at `E`, so that an error type that does not convert is reported
/// there, by name.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the error type of an exported function: it does not convert into `Error`",
    label = "no `From<{Self}>` for `Error`",
    note = "implement `From<{Self}> for Error` (choosing the Python exception, e.g. `Error::value_error(e.to_string())`), or return `Result<T, Error>` and convert with `.map_err(...)` where the error is made"
)]
pub trait ErrorType {
    /// Converts the error.
    fn into_error(self) -> Error;
}

// (`do_not_recommend`: an error type that does not convert is reported as not being an
// `ErrorType`, with the message above, rather than as a missing `From` impl.)
#[diagnostic::do_not_recommend]
impl<E: Into<Error>> ErrorType for E {
    #[inline(always)]
    fn into_error(self) -> Error {
        self.into()
    }
}

/// What a `#[constant]` of a module or a `#[classattr]` of a class may be: a value that
/// converts into a Python object. The macros convert it through the trait, at the const's
/// type, so that one that does not convert is reported there with this message.
#[diagnostic::on_unimplemented(
    message = "a `#[constant]` or `#[classattr]` of type `{Self}` cannot be converted into a Python object",
    label = "`{Self}` does not implement `IntoHandle`",
    note = "give the const a type that converts (`i64`, `f64`, `bool`, `&str`, a tuple of them, ...), or add the attribute in `#[module_init]` with `module.setattr(name, value)`, converting it there"
)]
pub trait ConstantValue<'c>: Sized {
    /// The Python object of the value.
    fn into_constant(self, ctx: Ctx<'c>) -> Result<Handle<'c>>;
}

impl<'c, T: IntoHandle<'c>> ConstantValue<'c> for T {
    #[inline(always)]
    fn into_constant(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        self.into_handle(ctx)
    }
}

/// What a `#[module_init]` function may return: `()` or `Result<(), E>`.
#[diagnostic::on_unimplemented(
    message = "a `#[module_init]` function returns `()` or `Result<(), E>`, not `{Self}`",
    label = "add attributes with `module.setattr(...)` instead of returning them",
    note = "`E` must convert into `Error`"
)]
pub trait InitResult {
    /// Converts into a `Result`.
    fn into_result(self) -> Result<()>;
}

impl InitResult for () {
    fn into_result(self) -> Result<()> {
        Ok(())
    }
}

impl<E: Into<Error>> InitResult for core::result::Result<(), E> {
    fn into_result(self) -> Result<()> {
        self.map_err(Into::into)
    }
}

/// What a method whose result Python ignores may return: a setter, `__init__`,
/// `__setitem__`/`__delitem__` and the in-place operators return `()` or `Result<(), E>`.
#[diagnostic::on_unimplemented(
    message = "this method returns nothing (`()`) or `Result<(), E>`, not `{Self}`",
    label = "Python ignores what it returns: remove the return type, or return `Result<(), Error>` to raise an exception",
    note = "setters, `__init__`, `__setitem__`, `__delitem__` and in-place operators (`__iadd__`, ...) change `self` and return nothing"
)]
pub trait UnitResult {
    /// Converts into a `Result`.
    fn into_unit_result(self) -> Result<()>;
}

impl UnitResult for () {
    #[inline(always)]
    fn into_unit_result(self) -> Result<()> {
        Ok(())
    }
}

impl<E: Into<Error>> UnitResult for core::result::Result<(), E> {
    #[inline(always)]
    fn into_unit_result(self) -> Result<()> {
        self.map_err(Into::into)
    }
}

// ---------------------------------------------------------------------------------------------
// Argument parsing.

/// The `str` object of one parameter name, remembered the first time a call passes that
/// keyword (CPython-ABI mode; unused in universal mode, where handles are not objects): later
/// calls match keyword names by identity, as CPython's own argument parser does, and compare
/// text only when the caller's name is another object. It holds a reference to the interned
/// `str`, which it never releases, so an identical pointer is always that very name.
pub struct NameCache(#[cfg_attr(hpy_abi = "universal", allow(dead_code))] AtomicIsize);

impl NameCache {
    /// An empty entry.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> NameCache {
        NameCache(AtomicIsize::new(0))
    }
}

/// The Python-visible signature of a function, as the macro parsed it.
pub struct FunctionDescription {
    /// The function's Python name.
    pub name: &'static str,
    /// Every named parameter in order: positional-only, positional-or-keyword, keyword-only.
    pub params: &'static [&'static str],
    /// Which of `params` have no default.
    pub required: &'static [bool],
    /// How many of `params` are positional-only.
    pub positional_only: usize,
    /// How many of `params` may be passed by position (positional-only included).
    pub positional: usize,
    /// Whether there is a `*args` parameter.
    pub varargs: bool,
    /// Whether there is a `**kwargs` parameter.
    pub varkw: bool,
    /// One entry per parameter of `params`: the interned names keywords are matched against.
    pub names: &'static [NameCache],
}

/// The extra positional (`*args`) and keyword (`**kwargs`) arguments of a call.
pub struct Extra<'c> {
    /// A tuple, when the function has `*args`.
    pub varargs: Option<Handle<'c>>,
    /// A dict, when the function has `**kwargs` and the call passed extra keywords.
    pub varkw: Option<Handle<'c>>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

fn quote_list(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        n => format!("{}, and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

impl FunctionDescription {
    /// Sorts the arguments of a call into `out` (one borrowed handle or NULL per parameter),
    /// collecting extra arguments for `*args` / `**kwargs`.
    ///
    /// # Safety
    /// `args` points to `nargs` live handles, followed by one per name in `kwnames` (a tuple
    /// of str, or NULL); `out.len() == self.params.len()`.
    pub unsafe fn parse<'c>(
        &'static self,
        ctx: Ctx<'c>,
        args: *const HPy,
        nargs: usize,
        kwnames: HPy,
        out: &mut [HPy],
    ) -> Result<Extra<'c>> {
        debug_assert_eq!(out.len(), self.params.len());
        // SAFETY: forwarded contract.
        let positional = unsafe { core::slice::from_raw_parts(args, nargs) };
        let taken = nargs.min(self.positional);
        // An element-wise copy: a handful of handles, not worth a call to memcpy.
        for (slot, &arg) in out.iter_mut().zip(&positional[..taken]) {
            *slot = arg;
        }
        let varargs = if self.varargs {
            let rest = &positional[taken..];
            // SAFETY: `rest` holds live handles; the result is NULL or a new reference.
            Some(unsafe {
                ctx.check(b::tuple_from_array(
                    ctx.raw(),
                    rest.as_ptr(),
                    rest.len() as isize,
                ))?
            })
        } else {
            if nargs > self.positional {
                let kwonly = self.keyword_only_given(ctx, kwnames);
                return Err(self.too_many_positional(nargs, kwonly));
            }
            None
        };
        let mut varkw = None;
        if !kwnames.is_null() {
            // SAFETY: `kwnames` is a live tuple of this call.
            let names = unsafe { BorrowedHandle::new(ctx, kwnames) };
            // SAFETY: as above.
            let nkw = unsafe { b::kwnames_len(ctx.raw(), kwnames) };
            // SAFETY: the keyword values follow the positional arguments.
            let values = unsafe { core::slice::from_raw_parts(args.add(nargs), nkw) };
            for (j, &value) in values.iter().enumerate() {
                // The caller's name object is, almost always, the interned str we remember.
                // SAFETY: `kwnames` is a live tuple of `nkw` names of this call.
                let known = unsafe { self.cached_keyword(ctx, kwnames, j) };
                let found = match known {
                    Some(k) => Some(k),
                    // `kwnames` is a tuple with one str per keyword value.
                    None => crate::conv::with_item(&names, j, |name_h| {
                        let name: &str = name_h.extract()?;
                        let k = self.params[self.positional_only..]
                            .iter()
                            .position(|p| *p == name);
                        match k {
                            Some(k) => self.remember_keyword(ctx, self.positional_only + k, name_h),
                            None if self.varkw => {
                                let d = match &varkw {
                                    Some(d) => d,
                                    None => varkw.insert(ctx.dict()?),
                                };
                                // SAFETY: `value` is a live argument of this call.
                                let v = unsafe { BorrowedHandle::new(ctx, value) };
                                d.set_item(name_h, &*v)?;
                            }
                            None => return Err(self.unexpected_keyword(ctx, kwnames, name)),
                        }
                        Ok(k.map(|k| self.positional_only + k))
                    })?,
                };
                if let Some(i) = found {
                    let slot = &mut out[i];
                    if !slot.is_null() {
                        return Err(self.multiple_values(i));
                    }
                    *slot = value;
                }
            }
        }
        if self
            .required
            .iter()
            .zip(out.iter())
            .any(|(&required, slot)| required && slot.is_null())
        {
            let missing: Vec<usize> = (0..self.params.len())
                .filter(|&i| self.required[i] && out[i].is_null())
                .collect();
            return Err(self.missing(&missing));
        }
        Ok(Extra { varargs, varkw })
    }

    /// Sorts the arguments of a call into `out`, for a function without `*args` and
    /// `**kwargs`: [`parse_by_identity`](Self::parse_by_identity), else
    /// [`parse`](Self::parse). Out of line, so that the code generated for a function keeps
    /// only its shortcut for positional calls inline.
    ///
    /// # Safety
    /// As for [`parse`](Self::parse).
    #[inline(never)]
    pub unsafe fn parse_into<'c, const N: usize>(
        &'static self,
        ctx: Ctx<'c>,
        args: *const HPy,
        nargs: usize,
        kwnames: HPy,
        out: &mut [HPy; N],
    ) -> Result<()> {
        // SAFETY: forwarded contract.
        unsafe {
            if self.parse_by_identity(args, nargs, kwnames, out) {
                return Ok(());
            }
            self.parse(ctx, args, nargs, kwnames, out).map(drop)
        }
    }

    /// Sorts the common call with keywords, in CPython-ABI mode, with pointer comparisons
    /// only: no `*args` or `**kwargs`, not too many positional arguments, every keyword name
    /// one of the remembered name objects (see [`NameCache`]), no parameter given twice and
    /// every required one given. Returns `false`, with `out` all NULL again, for any other call
    /// (always in universal mode), which [`parse`](Self::parse) then sorts (and reports) in
    /// full. Generic over the number of parameters so that its loops have constant bounds.
    ///
    /// # Safety
    /// As for [`parse`](Self::parse).
    #[inline]
    pub unsafe fn parse_by_identity<const N: usize>(
        &self,
        args: *const HPy,
        nargs: usize,
        kwnames: HPy,
        out: &mut [HPy; N],
    ) -> bool {
        #[cfg(hpy_abi = "universal")]
        {
            let _ = (args, nargs, kwnames, out);
            false
        }
        #[cfg(hpy_abi = "cpython")]
        {
            if self.varargs || self.varkw || nargs > self.positional || self.names.len() != N {
                return false;
            }
            for (i, slot) in out.iter_mut().enumerate() {
                if i < nargs {
                    // SAFETY: `i < nargs`, and the runtime passes `nargs` live arguments.
                    *slot = unsafe { *args.add(i) };
                }
            }
            let nkw = if kwnames.is_null() {
                0
            } else {
                // SAFETY: `kwnames` is a live tuple of this call.
                unsafe { b::kwnames_len(b::RawCtx, kwnames) }
            };
            let mut ok = true;
            'names: for j in 0..nkw {
                // SAFETY: `j` is in range of the live tuple `kwnames`.
                let name = unsafe { b::kwnames_item(b::RawCtx, kwnames, j) };
                for (i, cache) in self.names.iter().enumerate().skip(self.positional_only) {
                    if cache.0.load(Ordering::Relaxed) == name._i {
                        if !out[i].is_null() {
                            break;
                        }
                        // SAFETY: the keyword values follow the positional arguments.
                        out[i] = unsafe { *args.add(nargs + j) };
                        continue 'names;
                    }
                }
                ok = false;
                break;
            }
            if ok && (0..N).all(|i| !self.required[i] || !out[i].is_null()) {
                return true;
            }
            *out = [HPy::NULL; N];
            false
        }
    }

    /// The parameter (an index into `params`) whose remembered name object is keyword `j` of
    /// `kwnames`, if any: a pointer comparison per parameter that may be passed by keyword.
    ///
    /// # Safety
    /// `kwnames` is a live tuple of at least `j + 1` names.
    #[inline(always)]
    unsafe fn cached_keyword(&self, ctx: Ctx<'_>, kwnames: HPy, j: usize) -> Option<usize> {
        #[cfg(hpy_abi = "cpython")]
        {
            // SAFETY: forwarded contract.
            let name = unsafe { b::kwnames_item(ctx.raw(), kwnames, j) };
            self.names
                .iter()
                .enumerate()
                .skip(self.positional_only)
                .find(|(_, n)| n.0.load(Ordering::Relaxed) == name._i)
                .map(|(i, _)| i)
        }
        #[cfg(hpy_abi = "universal")]
        {
            let _ = (ctx, kwnames, j);
            None
        }
    }

    /// After keyword `name` matched parameter `i` by its text: remembers the interned `str`
    /// of that name for identity matches (CPython-ABI mode; a no-op in universal mode).
    #[inline]
    fn remember_keyword(&self, ctx: Ctx<'_>, i: usize, name: &Handle<'_>) {
        #[cfg(hpy_abi = "cpython")]
        if let Some(cache) = self.names.get(i)
            && cache.0.load(Ordering::Relaxed) == 0
        {
            // SAFETY: `name` is a live str; the result is NULL or a new reference, which the
            // cache keeps for the rest of the process.
            let interned = unsafe { b::intern_str(ctx.raw(), name.as_raw()) };
            if !interned.is_null() {
                cache.0.store(interned._i, Ordering::Relaxed);
            }
        }
        #[cfg(hpy_abi = "universal")]
        let _ = (ctx, i, name);
    }

    #[cold]
    fn multiple_values(&self, i: usize) -> Error {
        Error::type_error(format!(
            "{}() got multiple values for argument '{}'",
            self.name, self.params[i]
        ))
    }

    /// How many keyword-only parameters a call passed (for the "too many positional"
    /// message, which mentions them as CPython does).
    #[cold]
    fn keyword_only_given(&self, ctx: Ctx<'_>, kwnames: HPy) -> usize {
        self.keyword_names(ctx, kwnames)
            .iter()
            .filter(|n| self.params[self.positional..].contains(&n.as_str()))
            .count()
    }

    /// The keyword names of a call, as Rust strings (for error messages only).
    #[cold]
    fn keyword_names(&self, ctx: Ctx<'_>, kwnames: HPy) -> Vec<String> {
        if kwnames.is_null() {
            return Vec::new();
        }
        // SAFETY: `kwnames` is a live tuple of this call.
        let names = unsafe { BorrowedHandle::new(ctx, kwnames) };
        let n = names.len().unwrap_or(0);
        (0..n)
            .filter_map(|j| crate::conv::with_item(&names, j, |h| h.extract::<String>()).ok())
            .collect()
    }

    #[cold]
    fn too_many_positional(&self, given: usize, kwonly_given: usize) -> Error {
        let max = self.positional;
        let min = self.required[..max].iter().filter(|r| **r).count();
        let takes = if min == max {
            plural(max, "positional argument", "positional arguments")
        } else {
            format!("from {min} to {max} positional arguments")
        };
        let given = if kwonly_given > 0 {
            format!(
                "{} (and {}) were",
                plural(given, "positional argument", "positional arguments"),
                plural(
                    kwonly_given,
                    "keyword-only argument",
                    "keyword-only arguments"
                )
            )
        } else if given == 1 {
            "1 was".to_owned()
        } else {
            format!("{given} were")
        };
        Error::type_error(format!("{}() takes {takes} but {given} given", self.name))
    }

    /// `name` matches no parameter. Like CPython, report every positional-only parameter
    /// passed by keyword if there is one, else the unexpected keyword.
    #[cold]
    fn unexpected_keyword(&self, ctx: Ctx<'_>, kwnames: HPy, name: &str) -> Error {
        let posonly = &self.params[..self.positional_only];
        let misused: Vec<String> = self
            .keyword_names(ctx, kwnames)
            .into_iter()
            .filter(|n| posonly.contains(&n.as_str()))
            .collect();
        if !misused.is_empty() {
            return Error::type_error(format!(
                "{}() got some positional-only arguments passed as keyword arguments: '{}'",
                self.name,
                misused.join(", ")
            ));
        }
        Error::type_error(format!(
            "{}() got an unexpected keyword argument '{name}'",
            self.name
        ))
    }

    #[cold]
    fn missing(&self, missing: &[usize]) -> Error {
        let pos: Vec<&str> = missing
            .iter()
            .filter(|&&i| i < self.positional)
            .map(|&i| self.params[i])
            .collect();
        if !pos.is_empty() {
            return Error::type_error(format!(
                "{}() missing {}: {}",
                self.name,
                plural(
                    pos.len(),
                    "required positional argument",
                    "required positional arguments"
                ),
                quote_list(&pos)
            ));
        }
        let kw: Vec<&str> = missing.iter().map(|&i| self.params[i]).collect();
        Error::type_error(format!(
            "{}() missing {}: {}",
            self.name,
            plural(
                kw.len(),
                "required keyword-only argument",
                "required keyword-only arguments"
            ),
            quote_list(&kw)
        ))
    }

    /// The error for a wrong number of positional arguments in the O and VARARGS
    /// conventions, which do not go through [`parse`](Self::parse).
    #[cold]
    pub fn wrong_count(&self, given: usize) -> Error {
        if given > self.positional {
            self.too_many_positional(given, 0)
        } else {
            let missing: Vec<usize> = (given..self.positional)
                .filter(|&i| self.required[i])
                .collect();
            self.missing(&missing)
        }
    }
}

/// A borrowed handle for an argument slot that may be empty.
///
/// # Safety
/// `raw` is NULL or a live argument of the call in progress.
#[inline(always)]
pub unsafe fn arg_slot<'c>(ctx: Ctx<'c>, raw: HPy) -> Option<BorrowedHandle<'c>> {
    // SAFETY: forwarded contract.
    (!raw.is_null()).then(|| unsafe { BorrowedHandle::new(ctx, raw) })
}

/// The value of a string-literal default (`signature = (sep = ",")`) for a parameter of this
/// type: `&str`, `String`, `Cow<str>`, `Box<str>`, or an `Option` of one.
#[diagnostic::on_unimplemented(
    message = "a string default cannot initialise a parameter of type `{Self}`",
    label = "this default is a string, the parameter is `{Self}`",
    note = "string defaults work for `&str`, `String`, `Cow<str>` and `Box<str>` parameters (and `Option`s of them); write a default of the parameter's type"
)]
pub trait StrDefault {
    /// The value for the literal `s`.
    fn str_default(s: &'static str) -> Self;
}

impl StrDefault for &'static str {
    #[inline(always)]
    fn str_default(s: &'static str) -> Self {
        s
    }
}

impl StrDefault for std::string::String {
    #[inline(always)]
    fn str_default(s: &'static str) -> Self {
        s.into()
    }
}

impl StrDefault for std::borrow::Cow<'_, str> {
    #[inline(always)]
    fn str_default(s: &'static str) -> Self {
        std::borrow::Cow::Borrowed(s)
    }
}

impl StrDefault for std::boxed::Box<str> {
    #[inline(always)]
    fn str_default(s: &'static str) -> Self {
        s.into()
    }
}

impl<T: StrDefault> StrDefault for Option<T> {
    #[inline(always)]
    fn str_default(s: &'static str) -> Self {
        Some(T::str_default(s))
    }
}

/// Converts one argument, naming the function and the parameter in any error made in Rust.
#[inline(always)]
pub fn extract_argument<'a, 'c, T: FromHandle<'a, 'c>>(
    h: &'a Handle<'c>,
    function: &'static str,
    param: &'static str,
) -> Result<T> {
    match T::from_handle(h) {
        Ok(v) => Ok(v),
        Err(e) => Err(argument_error(e, function, param)),
    }
}

/// What `#[hpy(get)]` needs of a field's type, besides [`CloneField`]: a conversion into a
/// Python object. The macros call its method through the trait, so that a field type that
/// does not convert is reported at the field with this trait's message.
#[diagnostic::on_unimplemented(
    message = "a `#[hpy(get)]` field of type `{Self}` cannot be converted into a Python object",
    label = "`{Self}` does not implement `IntoHandle`",
    note = "expose a field whose type converts (`i64`, `f64`, `bool`, `String`, `Vec<T>`, `Option<T>`, ...), keep a Python object in a `Field`, or write a `#[getter]` method that builds the Python value"
)]
pub trait GetField<'c>: Sized {
    /// Converts the copy an `#[hpy(get)]` getter made.
    fn convert_field(self, ctx: Ctx<'c>) -> Result<HPy>;
}

impl<'c, T: IntoHandle<'c>> GetField<'c> for T {
    #[inline(always)]
    fn convert_field(self, ctx: Ctx<'c>) -> Result<HPy> {
        self.into_handle(ctx).map(Handle::into_raw)
    }
}

/// What `#[hpy(get)]` needs of a field's type, besides [`GetField`]: the getter converts a
/// copy of the value, made while the object is borrowed. Checked only for a type that
/// converts (see [`FieldProbe`]): one that does not is reported once, as not converting.
#[diagnostic::on_unimplemented(
    message = "a `#[hpy(get)]` field of type `{Self}` must be `Clone`: the getter converts a copy of it",
    label = "`{Self}` does not implement `Clone`",
    note = "derive or implement `Clone` for `{Self}`, or write a `#[getter]` method that converts a borrow of the field"
)]
pub trait CloneField: Sized {
    /// The copy an `#[hpy(get)]` getter converts.
    fn clone_field(&self) -> Self;
}

// (Also asking `IntoHandle`, which a reference to a class does not have, keeps the compiler
// from suggesting to "borrow" the field's type.)
impl<T: Clone + for<'c> IntoHandle<'c>> CloneField for T {
    #[inline(always)]
    fn clone_field(&self) -> Self {
        self.clone()
    }
}

/// How an `#[hpy(get)]` getter copies its field: `(&FieldProbe::<T>::NEW).copy_field(&v)`
/// picks [`ConvertibleField`] when `T` converts into a Python object, and requires `Clone`
/// there; otherwise method lookup falls through to [`UnconvertibleField`], which asks
/// nothing, so that the field is reported once (by [`GetField`]), not also as not `Clone`.
pub struct FieldProbe<T>(PhantomData<T>);

impl<T> FieldProbe<T> {
    /// The probe.
    pub const NEW: Self = FieldProbe(PhantomData);
}

/// See [`FieldProbe`]: the copy of a field whose type converts.
pub trait ConvertibleField<T> {
    /// A copy of the field.
    fn copy_field(&self, v: &T) -> T
    where
        T: CloneField;
}

impl<T: for<'c> IntoHandle<'c>> ConvertibleField<T> for FieldProbe<T> {
    #[inline(always)]
    fn copy_field(&self, v: &T) -> T
    where
        T: CloneField,
    {
        v.clone_field()
    }
}

/// See [`FieldProbe`]: the stand-in for a field whose type does not convert (which fails to
/// compile elsewhere, so this never runs).
pub trait UnconvertibleField<T> {
    /// Never called: the crate does not compile.
    fn copy_field(&self, v: &T) -> T;
}

impl<T> UnconvertibleField<T> for &FieldProbe<T> {
    fn copy_field(&self, _: &T) -> T {
        unreachable!("a field that does not convert fails to compile")
    }
}

/// What `#[hpy(set)]` needs of a field's type: a conversion from a Python object.
#[diagnostic::on_unimplemented(
    message = "a `#[hpy(set)]` field of type `{Self}` cannot be converted from a Python object",
    label = "`{Self}` does not implement `FromHandle`",
    note = "expose a field whose type converts (`i64`, `f64`, `bool`, `String`, `Vec<T>`, `Option<T>`, ...), keep a Python object in a `Field`, or write a `#[setter]` method that takes a `&Handle<'c>`"
)]
pub trait SetField<'a, 'c>: Sized {
    /// Converts the value given to an `#[hpy(set)]` setter, naming the attribute in any error.
    fn extract_field(h: &'a Handle<'c>, function: &'static str) -> Result<Self>;
}

impl<'a, 'c, T: FromHandle<'a, 'c>> SetField<'a, 'c> for T {
    #[inline(always)]
    fn extract_field(h: &'a Handle<'c>, function: &'static str) -> Result<Self> {
        extract_argument(h, function, "value")
    }
}

#[cold]
#[inline(never)]
fn argument_error(e: Error, function: &str, param: &str) -> Error {
    e.with_prefix(format_args!("{function}() argument '{param}': "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(
        params: &'static [&'static str],
        required: &'static [bool],
        positional_only: usize,
        positional: usize,
    ) -> FunctionDescription {
        FunctionDescription {
            name: "f",
            params,
            required,
            positional_only,
            positional,
            varargs: false,
            varkw: false,
            names: &[],
        }
    }

    fn msg(e: Error) -> String {
        assert!(e.is(Builtin::TypeError), "{e}");
        e.message().unwrap().to_owned()
    }

    #[test]
    fn too_many_positional_matches_python() {
        let d = desc(&["a", "b"], &[true, true], 0, 2);
        assert_eq!(
            msg(d.wrong_count(3)),
            "f() takes 2 positional arguments but 3 were given"
        );
        let d = desc(&["a", "b"], &[true, false], 0, 2);
        assert_eq!(
            msg(d.wrong_count(3)),
            "f() takes from 1 to 2 positional arguments but 3 were given"
        );
        let d = desc(&["a"], &[true], 1, 1);
        assert_eq!(
            msg(d.wrong_count(2)),
            "f() takes 1 positional argument but 2 were given"
        );
        let d = desc(&[], &[], 0, 0);
        assert_eq!(
            msg(d.wrong_count(1)),
            "f() takes 0 positional arguments but 1 was given"
        );
    }

    #[test]
    fn missing_arguments_match_python() {
        let d = desc(&["a", "b", "c"], &[true, true, true], 0, 3);
        assert_eq!(
            msg(d.wrong_count(2)),
            "f() missing 1 required positional argument: 'c'"
        );
        assert_eq!(
            msg(d.wrong_count(1)),
            "f() missing 2 required positional arguments: 'b' and 'c'"
        );
        assert_eq!(
            msg(d.wrong_count(0)),
            "f() missing 3 required positional arguments: 'a', 'b', and 'c'"
        );
        let d = desc(&["a", "k"], &[true, true], 0, 1);
        assert_eq!(
            msg(d.missing(&[1])),
            "f() missing 1 required keyword-only argument: 'k'"
        );
    }

    #[test]
    fn too_many_positional_mentions_keyword_only_arguments() {
        let d = desc(&["a", "b", "c"], &[true, false, false], 0, 2);
        assert_eq!(
            msg(d.too_many_positional(3, 1)),
            "f() takes from 1 to 2 positional arguments but 3 positional arguments \
             (and 1 keyword-only argument) were given"
        );
        assert_eq!(
            msg(d.too_many_positional(1, 2)),
            "f() takes from 1 to 2 positional arguments but 1 positional argument \
             (and 2 keyword-only arguments) were given"
        );
    }

    #[test]
    fn argument_errors_name_function_and_parameter() {
        let e = argument_error(Error::type_error("expected int, got str"), "add", "b");
        assert_eq!(
            e.to_string(),
            "TypeError: add() argument 'b': expected int, got str"
        );
        let e = argument_error(Error::pending(), "add", "b");
        assert!(e.is_pending());
        assert!(e.message().is_none());
        // A pending exception is not ours to rewrite; drop it without a context.
        std::mem::forget(e);
    }
}

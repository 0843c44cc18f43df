//! [`Field`] (a reference stored inside an object) and [`Global`] (a reference stored in a
//! `static`): HPy's `HPyField` and `HPyGlobal`.

use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicBool, Ordering};

use crate::err::Result;
use crate::ffi::{HPyField, HPyGlobal};
use crate::handle::{Ctx, Handle};

/// A reference to a Python object stored in a field of a `#[class]` struct: HPy's `HPyField`.
///
/// The object owning the field keeps the referenced object alive, and the garbage collector
/// sees the reference (the class gets a `tp_traverse` that visits every `Field`), so reference
/// cycles through Rust objects are collected. Read and write it through the object that
/// contains it: [`Ref::load`](super::Ref::load) / [`Ref::store`](super::Ref::store) (and the
/// same on [`RefMut`](super::RefMut)).
///
/// A `Field` starts empty ([`Field::new`], also its `Default`). A class holding Python
/// objects must use `Field` (a `Handle` cannot be stored: it is tied to one call). Each
/// `Field` is a field of the struct itself: one inside a `Vec`, an `Option` or an array would
/// not be where the object tracks it, and `#[class]` refuses it. For a varying number of
/// objects, keep a Python `list` or `dict` in one `Field`.
#[repr(transparent)]
pub struct Field(pub(crate) UnsafeCell<HPyField>);

// SAFETY: a Field is a word that is only read or written through a context, with the
// interpreter lock held; moving it between threads moves no Python state.
unsafe impl Send for Field {}
// SAFETY: as above.
unsafe impl Sync for Field {}

impl Field {
    /// An empty field.
    pub const fn new() -> Field {
        Field(UnsafeCell::new(HPyField { _i: 0 }))
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        // SAFETY: reading the word; writers hold the interpreter lock, as we do.
        unsafe { (*self.0.get())._i == 0 }
    }

    /// The raw field, for `tp_traverse`.
    #[doc(hidden)]
    pub fn as_raw(&self) -> *mut HPyField {
        self.0.get()
    }

    /// Loads the stored object.
    ///
    /// # Safety
    /// `owner` is the object whose payload contains this field.
    pub(crate) unsafe fn load_unchecked<'c>(&self, owner: &Handle<'c>) -> Option<Handle<'c>> {
        if self.is_empty() {
            return None;
        }
        // SAFETY: forwarded contract; the field holds a stored reference.
        unsafe { super::field_load(owner.ctx(), owner.as_raw(), self.as_raw()) }
    }

    /// Stores `value` (or clears the field).
    ///
    /// # Safety
    /// `owner` is the object whose payload contains this field.
    pub(crate) unsafe fn store_unchecked<'c>(
        &self,
        owner: &Handle<'c>,
        value: Option<&Handle<'c>>,
    ) {
        // SAFETY: forwarded contract.
        unsafe {
            super::field_store(
                owner.ctx(),
                owner.as_raw(),
                self.as_raw(),
                value.map(Handle::as_raw),
            )
        }
    }
}

impl Default for Field {
    fn default() -> Self {
        Field::new()
    }
}

impl core::fmt::Debug for Field {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(if self.is_empty() {
            "Field(empty)"
        } else {
            "Field(..)"
        })
    }
}

/// A reference to a Python object kept in a `static` across calls: HPy's `HPyGlobal`.
///
/// Declare it as a `static` inside the `#[hpy_core::module]` (the module lists it in its
/// definition, as HPy requires), store once (typically in `#[module_init]`), load in any call.
///
/// ```
/// #[hpy_core::module]
/// mod cache {
///     use hpy_core::{Ctx, Global, Handle, Result};
///
///     static DEFAULT: Global = Global::new();
///
///     #[hpy_core::module_init]
///     fn init<'c>(ctx: Ctx<'c>) -> Result<()> {
///         DEFAULT.store(ctx, &ctx.to_py(vec![1, 2, 3])?);
///         Ok(())
///     }
///
///     #[hpy_core::function]
///     fn default<'c>(ctx: Ctx<'c>) -> Result<Handle<'c>> {
///         DEFAULT.load(ctx)
///     }
/// }
/// # fn main() {}
/// ```
pub struct Global {
    raw: UnsafeCell<HPyGlobal>,
    // The runtime decides what the word means (GraalPy even writes it at module creation), so
    // "stored yet?" is kept apart.
    stored: AtomicBool,
}

// SAFETY: a Global is a word that is only read or written through a context, with the
// interpreter lock held.
unsafe impl Send for Global {}
// SAFETY: as above.
unsafe impl Sync for Global {}

// `new` is only ever the initializer of a `static` that `#[module]` rewrites: no `Default`.
#[allow(clippy::new_without_default)]
impl Global {
    /// An empty global, as the initializer of a `static` at the top level of a
    /// `#[hpy_core::module]` mod: the module macro lists the static in the module's definition
    /// (HPy requires every global to be listed there) and replaces this call.
    ///
    /// Anywhere else this fails to compile (a `static` outside the module, or a `const`) or
    /// panics (at run time): an unlisted global is not valid on every runtime, and a `Global`
    /// in an instance cannot work at all (keep objects in an instance with [`Field`]).
    ///
    /// ```compile_fail
    /// use hpy_core::Global;
    /// // Outside `#[hpy_core::module]`: not listed, refused.
    /// static CACHE: Global = Global::new();
    /// # fn main() {}
    /// ```
    #[track_caller]
    pub const fn new() -> Global {
        panic!(
            "declare a `Global` as a `static` at the top level of the \
             `#[module]` mod, which lists it in the module's definition; to keep an \
             object in an instance, use `Field`"
        )
    }

    /// The empty global that `#[module]` puts in place of [`Global::new`] for a `static` it
    /// lists.
    #[doc(hidden)]
    pub const fn __listed() -> Global {
        Global {
            raw: UnsafeCell::new(HPyGlobal { _i: 0 }),
            stored: AtomicBool::new(false),
        }
    }

    /// The pointer HPy's module definition lists.
    #[doc(hidden)]
    pub const fn as_ptr(&self) -> *mut HPyGlobal {
        self.raw.get()
    }

    /// Stores a reference to `value`, releasing the previous one.
    pub fn store(&self, ctx: Ctx<'_>, value: &Handle<'_>) {
        // SAFETY: the global is listed in its module's definition (the module macro does it).
        unsafe { super::global_store(ctx, self.as_ptr(), value.as_raw()) };
        self.stored.store(true, Ordering::Release);
    }

    /// Whether something was stored.
    pub fn is_set(&self) -> bool {
        self.stored.load(Ordering::Acquire)
    }

    /// Loads the stored object; `None` if nothing was stored yet.
    pub fn get<'c>(&self, ctx: Ctx<'c>) -> Option<Handle<'c>> {
        if !self.is_set() {
            return None;
        }
        // SAFETY: something was stored.
        Some(unsafe { super::global_load(ctx, self.as_ptr()) })
    }

    /// Loads the stored object; `RuntimeError` if nothing was stored yet.
    pub fn load<'c>(&self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        self.get(ctx).ok_or_else(|| {
            crate::Error::runtime_error(
                "this hpy_core::Global was loaded before anything was stored in it",
            )
        })
    }
}

/// What the `#[module]` macro turns a `static` holding a handle into, after reporting it: a
/// `Sync` stand-in that derefs to the declared type, so that the code using the static adds no
/// errors of its own. It holds no value and is never used at run time (the crate does not
/// compile).
#[doc(hidden)]
pub struct __RefusedStatic<T>(PhantomData<T>);

// SAFETY: the stand-in holds no `T`, and `deref` never hands one out.
unsafe impl<T> Sync for __RefusedStatic<T> {}

impl<T> __RefusedStatic<T> {
    #[doc(hidden)]
    pub const fn new() -> Self {
        __RefusedStatic(PhantomData)
    }
}

impl<T> core::ops::Deref for __RefusedStatic<T> {
    type Target = T;
    fn deref(&self) -> &T {
        unreachable!("a refused static is never compiled into a crate")
    }
}

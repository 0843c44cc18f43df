//! Capsules: opaque pointers wrapped in Python objects (`HPyCapsule_*`), typically to hand a
//! Rust value or a C API from one extension module to another.
//!
//! The safe way is typed: [`Ctx::capsule`] moves a Rust value into a new capsule (boxed; the
//! capsule's destructor drops it), and [`Handle::capsule_get`] borrows it back, checking the
//! capsule's name *and* the Rust type:
//!
//! ```
//! # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
//! struct Config { verbose: bool }
//!
//! let cap = ctx.capsule(c"mymod.config", Config { verbose: true })?;
//! let config: &Config = cap.capsule_get(c"mymod.config")?;
//! assert!(config.verbose);
//! # Ok(()) }
//! ```
//!
//! The raw functions ([`Ctx::capsule_raw`], [`Handle::capsule_pointer`], the `unsafe`
//! setters) work with any capsule, including ones made by C extensions.
//!
//! A destructor runs when the capsule dies, possibly on another thread (holding the
//! interpreter lock) and never with a context: it must not call into Python. For typed
//! capsules it only drops the value, which is why the value must be `Send + 'static` (no
//! handle can be inside).

use core::any::TypeId;
use core::ffi::{CStr, c_char, c_void};

use crate::backend as b;
pub use crate::backend::CapsuleDestructor;
use crate::err::{Error, Result};
use crate::ffi;
use crate::handle::{Ctx, Handle};

/// The context pointer of every capsule made by [`Ctx::capsule`]: its address (unique in this
/// binary) tells such capsules from others, whose pointer may be anything.
static TYPED_CAPSULE_MARKER: u8 = 0;

fn marker() -> *mut c_void {
    (&raw const TYPED_CAPSULE_MARKER).cast_mut().cast()
}

/// What a typed capsule's pointer points to. `repr(C)` puts the type id first whatever `T`
/// is, so it can be read before `T` is known.
#[repr(C)]
struct CapsuleBox<T> {
    type_id: TypeId,
    value: T,
}

/// The destructor of a typed capsule: drops the box.
struct DropBox<T>(core::marker::PhantomData<T>);

impl<T: Send + 'static> CapsuleDestructor for DropBox<T> {
    unsafe extern "C" fn destroy(_name: *const c_char, pointer: *mut c_void, _ctx: *mut c_void) {
        if pointer.is_null() {
            return;
        }
        // A panic must not unwind into the runtime; a panicking Drop leaks what is left.
        let r = std::panic::catch_unwind(|| {
            // SAFETY: the pointer came from `Box::into_raw` in `Ctx::capsule` for this `T`
            // (the destructor is only installed there) and the runtime destroys a capsule once.
            drop(unsafe { Box::from_raw(pointer.cast::<CapsuleBox<T>>()) })
        });
        if let Err(payload) = r {
            std::mem::forget(payload);
        }
    }
}

fn not_a_capsule(h: &Handle<'_>) -> Error {
    Error::type_error(format!("expected a capsule, got {}", h.type_name()))
}

impl<'c> Ctx<'c> {
    /// A new capsule named `name` that owns `value` (boxed); the capsule's destructor drops
    /// it. Read it back with [`Handle::capsule_get`].
    ///
    /// The name is kept by pointer (hence `'static`); by convention it is the dotted path
    /// where the capsule is published, e.g. `c"mymod._C_API"`.
    pub fn capsule<T: Send + 'static>(self, name: &'static CStr, value: T) -> Result<Handle<'c>> {
        let boxed = Box::into_raw(Box::new(CapsuleBox {
            type_id: TypeId::of::<T>(),
            value,
        }));
        // SAFETY: `name` is static; the capsule takes the box, which its destructor frees.
        let raw = unsafe { b::capsule_new::<DropBox<T>>(self.raw(), boxed.cast(), name.as_ptr()) };
        if raw.is_null() {
            // SAFETY: the capsule was not made, so the box is still ours.
            drop(unsafe { Box::from_raw(boxed) });
            return Err(Error::pending());
        }
        // SAFETY: a new reference.
        let cap = unsafe { self.handle_from_raw(raw) };
        // SAFETY: `cap` is a live capsule; the marker is a static.
        let rc = unsafe {
            b::capsule_set(
                self.raw(),
                cap.as_raw(),
                ffi::HPyCapsule_key_Context,
                marker(),
            )
        };
        crate::object::check_status(rc)?;
        Ok(cap)
    }

    /// A new capsule holding a raw pointer, without a destructor (`HPyCapsule_New`). The
    /// pointer must not be NULL.
    ///
    /// # Safety
    /// Whoever reads the capsule will trust `pointer` to point to what `name` promises, for as
    /// long as the capsule lives.
    pub unsafe fn capsule_raw(
        self,
        pointer: *mut c_void,
        name: Option<&'static CStr>,
    ) -> Result<Handle<'c>> {
        let n = name.map_or(core::ptr::null(), CStr::as_ptr);
        // SAFETY: `n` is static or NULL; the result is NULL or a new reference.
        unsafe { self.check(b::capsule_new_raw(self.raw(), pointer, n)) }
    }
}

impl<'c> Handle<'c> {
    /// Borrows the value of a capsule made with [`Ctx::capsule`], for as long as the handle
    /// is borrowed. `ValueError` if the capsule's name is not `name`, `TypeError` if it is not
    /// a capsule, was not made by `Ctx::capsule`, or holds another type than `T`.
    pub fn capsule_get<T: Send + 'static>(&self, name: &CStr) -> Result<&T> {
        if !self.is_instance_of_builtin(crate::BuiltinType::Capsule) {
            return Err(not_a_capsule(self));
        }
        if !self.capsule_is_valid(Some(name)) {
            return Err(Error::value_error(format!(
                "capsule name mismatch: expected {:?}, got {:?}",
                name,
                self.capsule_name()?.as_deref().unwrap_or("<no name>")
            )));
        }
        if self.capsule_context()? != marker() {
            return Err(Error::type_error(
                "this capsule was not made by hpy_core::Ctx::capsule (of this extension)",
            ));
        }
        let p = self.capsule_pointer(Some(name))?;
        // SAFETY: a capsule whose context is our marker was made by `Ctx::capsule` (no safe
        // code can set another capsule's context), so `p` points to a live
        // `CapsuleBox<U>` for some `U`, whose `type_id` is at offset 0 (repr(C)).
        let type_id = unsafe { *p.cast::<TypeId>() };
        if type_id != TypeId::of::<T>() {
            return Err(Error::type_error(format!(
                "capsule {name:?} does not hold a {}",
                core::any::type_name::<T>()
            )));
        }
        // SAFETY: `p` points to a `CapsuleBox<T>`, kept alive by the capsule, which the handle
        // keeps alive for the lifetime of the returned reference; the box is only freed by the
        // destructor and nothing hands out `&mut` to it.
        Ok(unsafe { &(*p.cast::<CapsuleBox<T>>()).value })
    }

    /// Whether this is a capsule with exactly this name (`HPyCapsule_IsValid`; `None` matches
    /// a capsule without a name). Never raises.
    pub fn capsule_is_valid(&self, name: Option<&CStr>) -> bool {
        let n = name.map_or(core::ptr::null(), CStr::as_ptr);
        // SAFETY: the handle is live and `n` NULL or NUL-terminated.
        unsafe { b::capsule_is_valid(self.ctx().raw(), self.as_raw(), n) }
    }

    /// The raw pointer of a capsule, checking its name (`HPyCapsule_GetPointer`:
    /// `ValueError` on a name mismatch).
    pub fn capsule_pointer(&self, name: Option<&CStr>) -> Result<*mut c_void> {
        if !self.is_instance_of_builtin(crate::BuiltinType::Capsule) {
            return Err(not_a_capsule(self));
        }
        let n = name.map_or(core::ptr::null(), CStr::as_ptr);
        // SAFETY: the handle is a live capsule.
        let p = unsafe {
            b::capsule_get(
                self.ctx().raw(),
                self.as_raw(),
                ffi::HPyCapsule_key_Pointer,
                n,
            )
        };
        if p.is_null() {
            Err(Error::pending())
        } else {
            Ok(p)
        }
    }

    /// The name of a capsule, copied (`HPyCapsule_GetName`); `None` if it has none.
    pub fn capsule_name(&self) -> Result<Option<String>> {
        if !self.is_instance_of_builtin(crate::BuiltinType::Capsule) {
            return Err(not_a_capsule(self));
        }
        let c = self.ctx().raw();
        // SAFETY: the handle is a live capsule.
        let p = unsafe {
            b::capsule_get(
                c,
                self.as_raw(),
                ffi::HPyCapsule_key_Name,
                core::ptr::null(),
            )
        };
        if p.is_null() {
            // SAFETY: the context is live.
            return if unsafe { b::err_occurred(c) } {
                Err(Error::pending())
            } else {
                Ok(None)
            };
        }
        // SAFETY: a capsule's name is a NUL-terminated string that outlives the capsule.
        Ok(Some(
            unsafe { CStr::from_ptr(p.cast::<c_char>()) }
                .to_string_lossy()
                .into_owned(),
        ))
    }

    /// The context pointer of a capsule (`HPyCapsule_GetContext`; NULL if none was set).
    pub fn capsule_context(&self) -> Result<*mut c_void> {
        if !self.is_instance_of_builtin(crate::BuiltinType::Capsule) {
            return Err(not_a_capsule(self));
        }
        let c = self.ctx().raw();
        // SAFETY: the handle is a live capsule.
        let p = unsafe {
            b::capsule_get(
                c,
                self.as_raw(),
                ffi::HPyCapsule_key_Context,
                core::ptr::null(),
            )
        };
        // SAFETY: the context is live.
        if p.is_null() && unsafe { b::err_occurred(c) } {
            return Err(Error::pending());
        }
        Ok(p)
    }

    /// Replaces a capsule's pointer (`HPyCapsule_SetPointer`; NULL is refused).
    ///
    /// # Safety
    /// Readers and the destructor of the capsule will use the new pointer: it must be what
    /// they expect. Never use it on a capsule made by [`Ctx::capsule`].
    pub unsafe fn capsule_set_pointer(&self, pointer: *mut c_void) -> Result<()> {
        self.capsule_set(ffi::HPyCapsule_key_Pointer, pointer)
    }

    /// Replaces a capsule's name (`HPyCapsule_SetName`).
    ///
    /// # Safety
    /// Readers find the capsule's pointer by its name: the pointer must be what the new name
    /// promises.
    pub unsafe fn capsule_set_name(&self, name: Option<&'static CStr>) -> Result<()> {
        let n = name.map_or(core::ptr::null(), CStr::as_ptr);
        self.capsule_set(ffi::HPyCapsule_key_Name, n.cast_mut().cast())
    }

    /// Replaces a capsule's context pointer (`HPyCapsule_SetContext`).
    ///
    /// # Safety
    /// The destructor receives the context: it must be what the destructor expects. Never use
    /// it on a capsule made by [`Ctx::capsule`].
    pub unsafe fn capsule_set_context(&self, context: *mut c_void) -> Result<()> {
        self.capsule_set(ffi::HPyCapsule_key_Context, context)
    }

    /// Makes `D::destroy` the capsule's destructor (`HPyCapsule_SetDestructor`): it receives
    /// the capsule's name, pointer and context when the capsule dies.
    ///
    /// # Safety
    /// `D::destroy` must be correct for this capsule's pointer and context, and must not call
    /// into Python. Never use it on a capsule made by [`Ctx::capsule`].
    pub unsafe fn capsule_set_destructor<D: CapsuleDestructor>(&self) -> Result<()> {
        if !self.is_instance_of_builtin(crate::BuiltinType::Capsule) {
            return Err(not_a_capsule(self));
        }
        // SAFETY: the handle is a live capsule.
        crate::object::check_status(unsafe {
            b::capsule_set_destructor::<D>(self.ctx().raw(), self.as_raw())
        })
    }

    fn capsule_set(&self, key: ffi::HPyCapsule_key, value: *mut c_void) -> Result<()> {
        if !self.is_instance_of_builtin(crate::BuiltinType::Capsule) {
            return Err(not_a_capsule(self));
        }
        // SAFETY: the handle is a live capsule.
        crate::object::check_status(unsafe {
            b::capsule_set(self.ctx().raw(), self.as_raw(), key, value)
        })
    }
}

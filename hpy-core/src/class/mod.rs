//! Custom types: Rust structs as Python classes (`#[hpy_core::class]`,
//! `#[hpy_core::methods]`).
//!
//! An instance's payload (the memory HPy gives a pure type after the object header) is a
//! [`ClassCell<T>`]: a state word, a borrow flag and the Rust value. The runtime zero-fills the
//! payload when it allocates an object, and a zero state means "holds no value", so an object
//! made without its constructor never exposes uninitialised memory, and a value is dropped
//! exactly once.
//!
//! What differs between the backends (type creation, payload access, the C entry points of
//! slots) is in `cpython.rs` and `universal.rs` beside this file.

use core::cell::{Cell, UnsafeCell};
use core::ffi::c_int;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ops::{Deref, DerefMut};

use crate::err::{Error, Result};
use crate::ffi::HPy;
use crate::handle::{Ctx, Handle};
use crate::impl_::RawArgs;

#[cfg(hpy_abi = "cpython")]
mod cpython;
#[cfg(hpy_abi = "cpython")]
pub use cpython::*;

#[cfg(hpy_abi = "universal")]
mod universal;
#[cfg(hpy_abi = "universal")]
pub use universal::*;

mod field;
pub use field::{__RefusedStatic, Field, Global};

/// A Rust type exported as a Python class. Implemented by `#[hpy_core::class]`; not meant to
/// be implemented by hand.
///
/// # Safety
/// The implementation must describe the type truthfully: `spec` returns the type
/// specification built for `Self` by this crate's macros, and `traverse` visits exactly the
/// [`Field`]s the value owns. `Self` must be `Send` (values move between the threads that run
/// Python code); the macro checks it field by field, to report a field that is not where it
/// is written, rather than as a bound of this trait.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Python class",
    label = "`{Self}` needs `#[class]`",
    note = "only structs marked `#[class]` inside a `#[module]` can be borrowed from Python objects (`&{Self}` / `&mut {Self}` parameters)"
)]
pub unsafe trait PyClass: Sized + 'static {
    /// The Python name of the class.
    const NAME: &'static str;
    /// Whether the class is `frozen`: no `&mut self` access, no run-time borrow checks.
    const FROZEN: bool;
    /// The class's `__call__`, if it has one.
    #[doc(hidden)]
    const DEFAULT_CALL: Option<CallFn> = None;
    /// Whether the class has `#[call_function]`s: each instance then keeps a word after its
    /// value for its own call function, and calls go through [`CallDispatch`].
    #[doc(hidden)]
    const CALL_FUNCTIONS: bool = false;

    /// Where the type object lives once the module created it.
    #[doc(hidden)]
    fn type_store() -> &'static Global;

    /// The type specification (backend-specific).
    #[doc(hidden)]
    fn spec() -> *mut TypeSpec;

    /// Visits every [`Field`] the value owns (for the garbage collector).
    #[doc(hidden)]
    fn traverse(&self, visit: &mut Visit<'_>) -> c_int {
        let _ = visit;
        0
    }
}

/// The payload of an instance of a class `T`.
#[repr(C)]
pub struct ClassCell<T> {
    /// [`EMPTY`]: no value (never initialised, or already dropped); [`FULL`]: `value` is
    /// initialised. `FULL` is a distinctive word rather than 1 so that the universal backend can
    /// recognise a payload (see `universal.rs`, `locate_payload`).
    state: Cell<usize>,
    /// [`NO_VALUE`] (0, what a zero-filled payload says): no value; [`FREE`] (1): a value
    /// nobody borrows; `1 + n`: `n` shared borrows; [`MUT`] (-1): borrowed mutably. One word
    /// tells whether a borrow may start, so that the hot path of every method is one compare
    /// (`state` is for the universal backend's payload search and for dropping).
    borrow: Cell<isize>,
    value: UnsafeCell<MaybeUninit<T>>,
}

/// The state of a payload holding no value (what a zero-filled payload says).
pub(crate) const EMPTY: usize = 0;
/// The borrow flag of a payload holding no value.
const NO_VALUE: isize = 0;
/// The borrow flag of a value nobody borrows.
const FREE: isize = 1;
/// The borrow flag of a value borrowed mutably.
const MUT: isize = -1;
/// The state of a payload holding a value: "HPYRSFUL".
pub(crate) const FULL: usize = 0x4850_5952_5346_554C;

impl<T: PyClass> ClassCell<T> {
    /// Reads `field`, which must lie in this cell, the payload of `obj` (what [`Ref::load`]
    /// and [`RefMut::load`] do).
    fn load_field<'c>(&self, obj: &Handle<'c>, field: &Field) -> Option<Handle<'c>> {
        self.check_owns(field);
        // SAFETY: `field` lies inside this cell, the payload of `obj`.
        unsafe { field.load_unchecked(obj) }
    }

    /// Writes `field` (see [`ClassCell::load_field`]); `None` clears it.
    fn store_field<'c>(&self, obj: &Handle<'c>, field: &Field, value: Option<&Handle<'c>>) {
        self.check_owns(field);
        // SAFETY: `field` lies inside this cell, the payload of `obj`.
        unsafe { field.store_unchecked(obj, value) }
    }

    /// Panics unless `field` lies inside this cell: a `Field` of another object would be
    /// stored with the wrong owner.
    fn check_owns(&self, field: &Field) {
        let start = self as *const Self as usize;
        let addr = field as *const Field as usize;
        assert!(
            addr >= start && addr < start + size_of::<Self>(),
            "a Field may only be loaded or stored through the object that contains it"
        );
    }
}

impl<T: PyClass> ClassCell<T> {
    /// Moves `value` into a freshly allocated (zero-filled) payload.
    ///
    /// # Safety
    /// `this` points to the zero-filled payload of a new instance of `T`'s type.
    pub(crate) unsafe fn init(this: *mut ClassCell<T>, value: T) {
        // SAFETY: forwarded contract: the payload is ours to write and holds no value.
        unsafe {
            (*this).value.get().write(MaybeUninit::new(value));
            (*this).borrow.set(FREE);
            (*this).state.set(FULL);
        }
    }

    /// Drops the value, if there is one; afterwards the cell is empty.
    ///
    /// # Safety
    /// No borrow of the value is alive (the object is being destroyed).
    pub(crate) unsafe fn drop_value(this: *mut ClassCell<T>) {
        // SAFETY: forwarded contract; the state says whether the value is initialised, and we
        // empty the cell before dropping so that a panicking Drop cannot lead to a second drop.
        unsafe {
            if (*this).state.get() == FULL {
                (*this).state.set(EMPTY);
                (*this).borrow.set(NO_VALUE);
                let value = (*this).value.get();
                (*value).assume_init_drop();
                // Leave no trace of the value: a dropped payload reads as a zero-filled one.
                core::ptr::write_bytes(value, 0, 1);
            }
        }
    }

    /// The value, if initialised, for the garbage collector.
    ///
    /// # Safety
    /// `this` points to a live payload.
    pub(crate) unsafe fn value_for_gc<'a>(this: *const ClassCell<T>) -> Option<&'a T> {
        // SAFETY: forwarded contract; the value is read only if initialised. The collector runs
        // with the interpreter lock held and no Rust code of ours runs meanwhile.
        unsafe { ((*this).state.get() == FULL).then(|| (*(*this).value.get()).assume_init_ref()) }
    }

    /// Why a shared borrow cannot start: no value, or a mutable borrow.
    #[cold]
    #[inline(never)]
    fn cannot_borrow(&self) -> Error {
        if self.borrow.get() == NO_VALUE {
            Self::not_initialised()
        } else {
            Ref::<'_, '_, T>::already_borrowed_mutably()
        }
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn not_initialised() -> Error {
        Error::type_error(format!(
            "this {} object was not initialised by its constructor (it was created without \
             calling {}(...))",
            T::NAME,
            T::NAME
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Borrowing the value of an instance.

/// A shared borrow of the Rust value inside a Python object of class `T`; derefs to `&T`.
/// Take it as a method receiver (`slf: Ref<'_, 'c, Self>`) to reach the object itself too.
pub struct Ref<'a, 'c, T: PyClass> {
    obj: &'a Handle<'c>,
    cell: &'a ClassCell<T>,
}

/// An exclusive borrow of the Rust value inside a Python object of class `T`; derefs to
/// `&mut T`.
pub struct RefMut<'a, 'c, T: PyClass> {
    obj: &'a Handle<'c>,
    cell: &'a ClassCell<T>,
    _not_send: PhantomData<*mut T>,
}

impl<'a, 'c, T: PyClass> Ref<'a, 'c, T> {
    /// Borrows the value of `obj`, which must be an instance of `T` (or of a subclass).
    ///
    /// # Safety
    /// `obj` is an instance of `T`'s type or of a subclass of it.
    #[inline(always)]
    pub(crate) unsafe fn borrow_unchecked(obj: &'a Handle<'c>) -> Result<Self> {
        // SAFETY: forwarded contract.
        let cell = unsafe { &*payload::<T>(obj.ctx(), obj.as_raw())? };
        let b = cell.borrow.get();
        if b < FREE {
            return Err(cell.cannot_borrow());
        }
        // A frozen class is never borrowed mutably: no count to keep.
        if !T::FROZEN {
            cell.borrow.set(b + 1);
        }
        Ok(Ref { obj, cell })
    }

    #[cold]
    #[inline(never)]
    fn already_borrowed_mutably() -> Error {
        Error::runtime_error(format!(
            "cannot borrow this {} object: it is already borrowed mutably (by a method taking \
             `&mut self` that is still running)",
            T::NAME
        ))
    }

    /// Borrows the value of `obj`, checking that it is an instance of `T`.
    pub fn borrow(obj: &'a Handle<'c>) -> Result<Self> {
        check_instance::<T>(obj)?;
        // SAFETY: just checked.
        unsafe { Self::borrow_unchecked(obj) }
    }

    /// The Python object.
    pub fn handle(&self) -> &'a Handle<'c> {
        self.obj
    }

    /// The object's context.
    pub fn ctx(&self) -> Ctx<'c> {
        self.obj.ctx()
    }

    /// Reads a [`Field`] of this object.
    pub fn load(&self, field: &Field) -> Option<Handle<'c>> {
        self.cell.load_field(self.obj, field)
    }

    /// Writes a [`Field`] of this object (`None` clears it).
    pub fn store(&self, field: &Field, value: Option<&Handle<'c>>) {
        self.cell.store_field(self.obj, field, value)
    }

    /// Makes `f` what calling this object runs from now on, instead of the class's
    /// `__call__` (HPy's `HPy_SetCallFunction`: per-instance call behaviour, e.g. a
    /// specialised fast path chosen when the object is set up). `f` is a method of the class
    /// marked `#[call_function]`, whose macro-made constant is named after it in upper case;
    /// the class must define `__call__`, the default of every instance.
    ///
    /// ```
    /// #[hpy_core::module]
    /// mod scaler {
    ///     use hpy_core::{Ref, Result};
    ///
    ///     /// Multiplies what it is called with.
    ///     #[hpy_core::class]
    ///     pub struct Scale {
    ///         factor: f64,
    ///     }
    ///
    ///     #[hpy_core::methods]
    ///     impl Scale {
    ///         #[new]
    ///         fn new(factor: f64) -> Self {
    ///             Scale { factor }
    ///         }
    ///
    ///         fn __call__(&self, x: f64) -> f64 {
    ///             x * self.factor
    ///         }
    ///
    ///         /// Calls of an inverted `Scale` divide.
    ///         #[call_function]
    ///         fn divide(&self, x: f64) -> f64 {
    ///             x / self.factor
    ///         }
    ///
    ///         /// From now on, this object divides.
    ///         fn invert(slf: Ref<'_, '_, Self>) -> Result<()> {
    ///             slf.set_call_function(Self::DIVIDE)
    ///         }
    ///     }
    /// }
    /// # fn main() {}
    /// ```
    pub fn set_call_function(&self, f: &'static CallFunction<T>) -> Result<()> {
        // SAFETY: `self.cell` is the payload of an instance of `T`, which has call functions
        // (a `CallFunction<T>` exists), so its allocation holds the word.
        unsafe { call_word::<T>(core::ptr::from_ref(self.cell).cast_mut()).write(Some(f.call)) };
        f.def.install(self.ctx(), self.obj)
    }
}

/// What a call function runs: the `call` of a `PyFunction` (a method taking `self`).
#[doc(hidden)]
pub type CallFn = for<'c> fn(Ctx<'c>, &RawArgs) -> Result<HPy>;

/// A call function of class `T`: what `#[call_function]` makes of a method, installed on one
/// instance by [`Ref::set_call_function`].
///
/// Every instance of a class with call functions keeps a word after its value: `None` (zero,
/// as allocated) for the class's `__call__`, else the function to run. Calls reach the
/// class's dispatcher ([`CallDispatch`]), which reads it: through `tp_call` in CPython-ABI
/// mode, and in universal mode through the vectorcall function `HPy_SetCallFunction` sets
/// (on CPython, per instance) or the `__call__` it sets (on PyPy 7.3.19, for the whole type).
pub struct CallFunction<T> {
    call: CallFn,
    def: CallFunctionDef,
    _class: PhantomData<fn() -> T>,
}

impl<T: PyClass> CallFunction<T> {
    /// The call function that runs `F`, a method of `T` (expanded by `#[methods]`).
    #[doc(hidden)]
    pub const fn new<F: crate::impl_::PyFunction>() -> Self {
        assert!(T::CALL_FUNCTIONS && T::DEFAULT_CALL.is_some());
        CallFunction {
            call: F::call,
            def: CallFunctionDef::new::<T>(),
            _class: PhantomData,
        }
    }

    /// A placeholder the macros put where a constant of a class they could not expand is
    /// expected, so that only their own errors are reported (the crate does not compile).
    #[doc(hidden)]
    pub const fn __error_stub() -> Self {
        fn never(_: Ctx<'_>, _: &RawArgs) -> Result<HPy> {
            unreachable!("a placeholder of a crate that does not compile")
        }
        CallFunction {
            call: never,
            def: CallFunctionDef::new::<T>(),
            _class: PhantomData,
        }
    }
}

/// Where the payload of an instance of `T` keeps its call function: after the value.
const fn call_word_offset<T>() -> usize {
    size_of::<ClassCell<T>>().next_multiple_of(align_of::<usize>())
}

/// The size of the payload of an instance of `T`: its value, and the call-function word of a
/// class with `#[call_function]`s.
pub(crate) const fn payload_size<T: PyClass>() -> usize {
    if T::CALL_FUNCTIONS {
        call_word_offset::<T>() + size_of::<Option<CallFn>>()
    } else {
        size_of::<ClassCell<T>>()
    }
}

/// The call-function word of a payload.
///
/// # Safety
/// `cell` is the payload of a live instance of `T`, and `T::CALL_FUNCTIONS` holds.
unsafe fn call_word<T: PyClass>(cell: *mut ClassCell<T>) -> *mut Option<CallFn> {
    debug_assert!(T::CALL_FUNCTIONS);
    // SAFETY: forwarded contract: the allocation extends `payload_size::<T>()` bytes past
    // `cell`, and the word is aligned.
    unsafe { cell.cast::<u8>().add(call_word_offset::<T>()).cast() }
}

/// The `tp_call` of a class with `#[call_function]`s: runs the instance's call function, or
/// the class's `__call__`.
#[doc(hidden)]
pub struct CallDispatch<T>(PhantomData<fn() -> T>);

impl<T: PyClass> crate::impl_::PyFunction for CallDispatch<T> {
    const DEF: crate::impl_::MethodDef =
        crate::impl_::method_def::<Self>(c"__call__", c"", crate::impl_::Convention::Keywords);
    const NAME: &'static str = T::NAME;
    #[inline]
    fn call<'c>(ctx: Ctx<'c>, args: &RawArgs) -> Result<HPy> {
        // SAFETY: the runtime calls `tp_call` with a live instance of `T` (or of a subclass).
        let cell = unsafe { payload::<T>(ctx, args.slf)? };
        // SAFETY: `T` has call functions, so the payload holds the word.
        let own = unsafe { call_word::<T>(cell).read() };
        match own.or(T::DEFAULT_CALL) {
            Some(f) => f(ctx, args),
            None => Err(Error::type_error(format!(
                "'{}' object is not callable",
                T::NAME
            ))),
        }
    }
}

impl<T: PyClass> Deref for Ref<'_, '_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: the cell is initialised (checked at borrow) and not borrowed mutably.
        unsafe { (*self.cell.value.get()).assume_init_ref() }
    }
}

impl<T: PyClass> Drop for Ref<'_, '_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        if !T::FROZEN {
            self.cell.borrow.set(self.cell.borrow.get() - 1);
        }
    }
}

impl<'a, 'c, T: PyClass> RefMut<'a, 'c, T> {
    #[cold]
    #[inline(never)]
    fn already_borrowed(cell: &ClassCell<T>, b: isize) -> Error {
        if b == NO_VALUE {
            return cell.cannot_borrow();
        }
        let how = if b < 0 { "mutably" } else { "" };
        Error::runtime_error(format!(
            "cannot borrow this {} object mutably: it is already borrowed {how}{}",
            T::NAME,
            if b < 0 {
                ""
            } else {
                "(the same object is used twice in this call?)"
            }
        ))
    }

    /// Borrows the value of `obj` mutably; `obj` must be an instance of `T`.
    ///
    /// # Safety
    /// `obj` is an instance of `T`'s type or of a subclass of it.
    #[inline(always)]
    pub(crate) unsafe fn borrow_unchecked(obj: &'a Handle<'c>) -> Result<Self> {
        // A frozen class counts no shared borrows: a mutable one could alias them.
        if T::FROZEN {
            return Err(Self::frozen());
        }
        // SAFETY: forwarded contract.
        let cell = unsafe { &*payload::<T>(obj.ctx(), obj.as_raw())? };
        match cell.borrow.get() {
            FREE => cell.borrow.set(MUT),
            b => return Err(Self::already_borrowed(cell, b)),
        }
        Ok(RefMut {
            obj,
            cell,
            _not_send: PhantomData,
        })
    }

    #[cold]
    #[inline(never)]
    fn frozen() -> Error {
        Error::type_error(format!(
            "cannot borrow this {} object mutably: its class is frozen (immutable)",
            T::NAME
        ))
    }

    /// Borrows the value of `obj` mutably, checking that it is an instance of `T`. An error
    /// (`TypeError`) for an instance of a `frozen` class, which is never borrowed mutably.
    pub fn borrow(obj: &'a Handle<'c>) -> Result<Self> {
        check_instance::<T>(obj)?;
        // SAFETY: just checked.
        unsafe { Self::borrow_unchecked(obj) }
    }

    /// The Python object.
    pub fn handle(&self) -> &'a Handle<'c> {
        self.obj
    }

    /// The object's context.
    pub fn ctx(&self) -> Ctx<'c> {
        self.obj.ctx()
    }

    /// Reads a [`Field`] of this object.
    pub fn load(&self, field: &Field) -> Option<Handle<'c>> {
        self.cell.load_field(self.obj, field)
    }

    /// Writes a [`Field`] of this object (`None` clears it).
    pub fn store(&self, field: &Field, value: Option<&Handle<'c>>) {
        self.cell.store_field(self.obj, field, value)
    }
}

impl<T: PyClass> Deref for RefMut<'_, '_, T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: the cell is initialised and borrowed exclusively by `self`.
        unsafe { (*self.cell.value.get()).assume_init_ref() }
    }
}

impl<T: PyClass> DerefMut for RefMut<'_, '_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the cell is initialised and borrowed exclusively by `self`.
        unsafe { (*self.cell.value.get()).assume_init_mut() }
    }
}

impl<T: PyClass> Drop for RefMut<'_, '_, T> {
    #[inline(always)]
    fn drop(&mut self) {
        self.cell.borrow.set(FREE);
    }
}

/// `TypeError` unless `obj` is an instance of `T` (or of a subclass).
pub fn check_instance<T: PyClass>(obj: &Handle<'_>) -> Result<()> {
    if is_instance::<T>(obj)? {
        Ok(())
    } else {
        Err(Error::type_error(format!(
            "expected {}, got {}",
            T::NAME,
            obj.type_name()
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// What the macros call.

/// Borrows the arguments declared `&T` or `&mut T` (or `Option` of them), naming the function
/// and parameter in the `TypeError` when the object is not a `T`. The `#[module]` macro
/// implements it for each class (there is no blanket impl), and the macros call it through the
/// trait with the guards as its associated types: a `&T` parameter whose `T` is not a class
/// is then one error, where the guard's type cannot even be named, rather than one more for
/// each use of the guard.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Python class, so a parameter cannot borrow one",
    label = "`{Self}` needs `#[class]`",
    note = "only structs marked `#[class]` inside a `#[module]` can be borrowed from Python objects (`&{Self}` / `&mut {Self}` parameters); to convert the argument instead, take `{Self}` by value and implement `FromHandle` for it"
)]
pub trait ClassArg<'a, 'c: 'a>: Sized {
    /// The guard of a `&T` argument.
    type Ref;
    /// The guard of a `&mut T` argument.
    type RefMut;
    /// Borrows an argument declared `&T` (or `Option<&T>`).
    fn extract_ref(
        obj: &'a Handle<'c>,
        function: &'static str,
        param: &'static str,
    ) -> Result<Self::Ref>;
    /// Borrows an argument declared `&mut T` (or `Option<&mut T>`).
    fn extract_mut(
        obj: &'a Handle<'c>,
        function: &'static str,
        param: &'static str,
    ) -> Result<Self::RefMut>;
}

/// Borrows an argument declared `&T` (or `Option<&T>`): what the `ClassArg` impl the
/// `#[module]` macro writes for each class calls.
#[inline(always)]
pub fn extract_ref<'a, 'c, T: PyClass>(
    obj: &'a Handle<'c>,
    function: &'static str,
    param: &'static str,
) -> Result<Ref<'a, 'c, T>> {
    Ref::borrow(obj).map_err(|e| e.with_prefix(format_args!("{function}() argument '{param}': ")))
}

/// Borrows an argument declared `&mut T` (see [`extract_ref`]).
#[inline(always)]
pub fn extract_mut<'a, 'c, T: PyClass>(
    obj: &'a Handle<'c>,
    function: &'static str,
    param: &'static str,
) -> Result<RefMut<'a, 'c, T>> {
    RefMut::borrow(obj)
        .map_err(|e| e.with_prefix(format_args!("{function}() argument '{param}': ")))
}

/// Borrows `self` for a method (the runtime guarantees it is an instance of `T`).
///
/// # Safety
/// `slf` is the `self` the runtime passed to a method or slot of `T`'s type.
#[inline(always)]
pub unsafe fn borrow_self<'a, 'c, T: PyClass>(slf: &'a Handle<'c>) -> Result<Ref<'a, 'c, T>> {
    // SAFETY: forwarded contract.
    unsafe { Ref::borrow_unchecked(slf) }
}

/// Reads something out of `self` for a field getter (`read` clones the field): checked like a
/// shared borrow (`RuntimeError` while a `&mut self` method runs), but without taking one, since
/// nothing can reach the object while `read` runs (it has no context). The conversion of the
/// result to Python, which may run Python code, happens after the read, on the copy.
///
/// # Safety
/// `slf` is the `self` the runtime passed to a getter of `T`'s type.
#[inline(always)]
pub unsafe fn read_self<T: PyClass, R>(slf: &Handle<'_>, read: impl FnOnce(&T) -> R) -> Result<R> {
    // SAFETY: forwarded contract.
    let cell = unsafe { &*payload::<T>(slf.ctx(), slf.as_raw())? };
    if cell.borrow.get() < FREE {
        return Err(cell.cannot_borrow());
    }
    // SAFETY: the value is initialised (checked) and not borrowed mutably (checked); no borrow
    // can start before `read` returns.
    Ok(read(unsafe { (*cell.value.get()).assume_init_ref() }))
}

/// Borrows `self` mutably for a method.
///
/// # Safety
/// `slf` is the `self` the runtime passed to a method or slot of `T`'s type.
#[inline(always)]
pub unsafe fn borrow_self_mut<'a, 'c, T: PyClass>(
    slf: &'a Handle<'c>,
) -> Result<RefMut<'a, 'c, T>> {
    // SAFETY: forwarded contract.
    unsafe { RefMut::borrow_unchecked(slf) }
}

/// Borrows the operand of a binary special method that is an instance of `T`, or says it is
/// not one (`None`: the slot then tries the reflected method or returns `NotImplemented`).
pub fn try_borrow<'a, 'c, T: PyClass>(obj: &'a Handle<'c>) -> Result<Option<Ref<'a, 'c, T>>> {
    if !is_instance::<T>(obj)? {
        return Ok(None);
    }
    // SAFETY: just checked.
    unsafe { Ref::borrow_unchecked(obj) }.map(Some)
}

/// A new instance of `T` holding `value`.
pub fn new_object<'c, T: PyClass>(ctx: Ctx<'c>, value: T) -> Result<Handle<'c>> {
    let ty = type_object::<T>(ctx)?;
    // SAFETY: `ty` is `T`'s type.
    unsafe { alloc_exact::<T>(ctx, &ty, value) }
}

/// The type object of `T` (a new reference); `RuntimeError` before the module created it.
pub fn type_object<'c, T: PyClass>(ctx: Ctx<'c>) -> Result<Handle<'c>> {
    T::type_store().get(ctx).ok_or_else(|| {
        Error::runtime_error(format!(
            "the class {} is used before its module was imported (its type does not exist yet)",
            T::NAME
        ))
    })
}

/// Whether `obj` is an instance of `T` (or of a subclass).
pub fn is_instance<T: PyClass>(obj: &Handle<'_>) -> Result<bool> {
    let ty = type_object::<T>(obj.ctx())?;
    Ok(obj.is_instance(&ty))
}

/// A property getter as a method (see [`add_class`]).
#[doc(hidden)]
pub struct GetterMethod<G>(PhantomData<G>);
/// A property setter as a method (see [`add_class`]).
#[doc(hidden)]
pub struct SetterMethod<S>(PhantomData<S>);
/// A property deleter as a method (see [`add_class`]).
#[doc(hidden)]
pub struct DeleterMethod<S>(PhantomData<S>);

impl<G: GetterSlot> crate::impl_::PyFunction for GetterMethod<G> {
    const DEF: crate::impl_::MethodDef =
        crate::impl_::method_def::<Self>(c"", c"", crate::impl_::Convention::NoArgs);
    const NAME: &'static str = "property getter";
    fn call<'c>(ctx: Ctx<'c>, args: &RawArgs) -> Result<HPy> {
        // SAFETY: the runtime passes a live `self`.
        let slf = unsafe { crate::handle::BorrowedHandle::new(ctx, args.slf) };
        G::get(ctx, &slf)
    }
}

impl<S: SetterSlot> crate::impl_::PyFunction for SetterMethod<S> {
    const DEF: crate::impl_::MethodDef =
        crate::impl_::method_def::<Self>(c"", c"", crate::impl_::Convention::O);
    const NAME: &'static str = "property setter";
    fn call<'c>(ctx: Ctx<'c>, args: &RawArgs) -> Result<HPy> {
        // SAFETY: the O convention passes a live `self` and one live argument.
        let (slf, value) = unsafe {
            (
                crate::handle::BorrowedHandle::new(ctx, args.slf),
                crate::handle::BorrowedHandle::new(ctx, *args.args),
            )
        };
        S::set(ctx, &slf, Some(&value))?;
        Ok(ctx.none().into_raw())
    }
}

impl<S: SetterSlot> crate::impl_::PyFunction for DeleterMethod<S> {
    const DEF: crate::impl_::MethodDef =
        crate::impl_::method_def::<Self>(c"", c"", crate::impl_::Convention::NoArgs);
    const NAME: &'static str = "property deleter";
    fn call<'c>(ctx: Ctx<'c>, args: &RawArgs) -> Result<HPy> {
        // SAFETY: the runtime passes a live `self`.
        let slf = unsafe { crate::handle::BorrowedHandle::new(ctx, args.slf) };
        S::set(ctx, &slf, None)?;
        Ok(ctx.none().into_raw())
    }
}

/// A reflected binary operator (`__radd__`, ...) as a method calling the slot with its operands
/// swapped. CPython derives reflected operations from the slot itself; PyPy's HPy backend only
/// defines the forward method of a slot, so the class defines the reflected one too.
#[doc(hidden)]
pub struct ReflectedMethod<F>(PhantomData<F>);
/// `__rpow__` as a method (see [`ReflectedMethod`]).
#[doc(hidden)]
pub struct ReflectedTernaryMethod<F>(PhantomData<F>);

impl<F: BinarySlot> crate::impl_::PyFunction for ReflectedMethod<F> {
    const DEF: crate::impl_::MethodDef =
        crate::impl_::method_def::<Self>(c"", c"", crate::impl_::Convention::O);
    const NAME: &'static str = "reflected operator";
    fn call<'c>(ctx: Ctx<'c>, args: &RawArgs) -> Result<HPy> {
        // SAFETY: the O convention passes a live `self` and one live argument.
        let (slf, other) = unsafe {
            (
                crate::handle::BorrowedHandle::new(ctx, args.slf),
                crate::handle::BorrowedHandle::new(ctx, *args.args),
            )
        };
        F::call(ctx, &other, &slf)
    }
}

impl<F: TernarySlot> crate::impl_::PyFunction for ReflectedTernaryMethod<F> {
    const DEF: crate::impl_::MethodDef =
        crate::impl_::method_def::<Self>(c"", c"", crate::impl_::Convention::O);
    const NAME: &'static str = "reflected operator";
    fn call<'c>(ctx: Ctx<'c>, args: &RawArgs) -> Result<HPy> {
        // SAFETY: the O convention passes a live `self` and one live argument.
        let (slf, other) = unsafe {
            (
                crate::handle::BorrowedHandle::new(ctx, args.slf),
                crate::handle::BorrowedHandle::new(ctx, *args.args),
            )
        };
        F::call(ctx, &other, &slf, &ctx.none())
    }
}

/// The hidden methods that back the property `name` (see [`add_class`]).
fn property_methods(name: &str) -> [String; 3] {
    [
        format!("_hpy_get_{name}"),
        format!("_hpy_set_{name}"),
        format!("_hpy_del_{name}"),
    ]
}

/// Creates `T`'s type object, keeps it for the class's own use, and adds it to `module`.
///
/// `properties` lists the class's properties, each defined twice: as an HPy getset and as
/// three hidden methods (`_hpy_get_<name>`, `_hpy_set_<name>`, `_hpy_del_<name>`). PyPy's
/// HPy backend (7.3.19) implements getset getters only: assigning to such an attribute does
/// nothing, or aborts the interpreter if it has no setter. There, each property is replaced
/// by a Python `property` of the hidden methods; the hidden methods are then removed on every
/// runtime.
/// `iter_methods` lists the special methods that may be defined as ordinary methods rather
/// than slots (`__iter__` and `__next__`, which HPy 0.9 has no slot for; `__str__` and
/// `__hash__` on PyPy's HPy backend, which has no slot for them): setting them again on the
/// type makes the runtime install its generic slot that calls them. (Where the name is a real
/// slot, CPython keeps calling it directly.)
pub fn add_class<'c, T: PyClass>(
    ctx: Ctx<'c>,
    module: &Handle<'c>,
    iter_methods: &[&str],
    properties: &[(&str, &str)],
) -> Result<()> {
    let ty = create_type_object::<T>(ctx)?;
    for name in iter_methods {
        let m = ty.getattr(name)?;
        ty.setattr(name, &m)?;
    }
    let replace = properties_need_replacing(ctx);
    let delattr = ctx.builtin("delattr")?;
    for (name, doc) in properties {
        let hidden = property_methods(name);
        if replace {
            let get = ty.getattr(&hidden[0])?;
            let set = ty.getattr(&hidden[1])?;
            let del = ty.getattr(&hidden[2])?;
            let prop = ctx.builtin("property")?.call((get, set, del, *doc))?;
            ty.setattr(name, prop)?;
        }
        for h in &hidden {
            delattr.call((&ty, h.as_str()))?;
        }
    }
    T::type_store().store(ctx, &ty);
    module.setattr(T::NAME, &ty)
}

/// The "no constructor" `TypeError` of a class without `#[new]`.
pub fn no_constructor<T: PyClass>() -> Error {
    Error::type_error(format!(
        "cannot create '{}' instances: the class has no constructor (no `#[new]` method)",
        T::NAME
    ))
}

/// The `TypeError` raised when `del obj.attr` targets a property that cannot be deleted.
pub fn cannot_delete(class: &str, attr: &str) -> Error {
    Error::type_error(format!(
        "cannot delete attribute '{attr}' of '{class}' objects"
    ))
}

/// The `AttributeError` of a read-only property.
pub fn read_only(class: &str, attr: &str) -> Error {
    Error::attribute_error(format!(
        "attribute '{attr}' of '{class}' objects is not writable"
    ))
}

/// Converts what `__hash__` returned: Python reserves -1 for errors.
pub fn hash_value(h: isize) -> isize {
    if h == -1 { -2 } else { h }
}

/// The comparison a `__richcmp__` method is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    /// From HPy's (and CPython's) operator code.
    pub fn from_raw(op: c_int) -> Option<CompareOp> {
        Some(match op {
            0 => CompareOp::Lt,
            1 => CompareOp::Le,
            2 => CompareOp::Eq,
            3 => CompareOp::Ne,
            4 => CompareOp::Gt,
            5 => CompareOp::Ge,
            _ => return None,
        })
    }

    /// Whether `ordering` satisfies this comparison (for classes implementing `Ord`).
    pub fn matches(self, ordering: core::cmp::Ordering) -> bool {
        use core::cmp::Ordering::*;
        match self {
            CompareOp::Lt => ordering == Less,
            CompareOp::Le => ordering != Greater,
            CompareOp::Eq => ordering == Equal,
            CompareOp::Ne => ordering != Equal,
            CompareOp::Gt => ordering == Greater,
            CompareOp::Ge => ordering != Less,
        }
    }
}

impl<'a, 'c> crate::FromHandle<'a, 'c> for CompareOp {
    const EXPECTED: &'static str = "comparison operator";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let v: i32 = h.extract()?;
        CompareOp::from_raw(v)
            .ok_or_else(|| Error::value_error(format!("invalid comparison operator {v}")))
    }
}

// ---------------------------------------------------------------------------------------------
// The special-method kinds. The macros implement one of these traits on a hidden type per
// special method; each backend turns it into a slot with the right C signature.

/// `f(self) -> object`: `__repr__`, `__str__`, unary operators, `__int__`, `__float__`,
/// `__index__`.
pub trait UnarySlot {
    /// Calls the method.
    fn call<'c>(ctx: Ctx<'c>, a: &Handle<'c>) -> Result<HPy>;
}

/// `f(a, b) -> object`: binary operators (called for both `a op b` and the reflected
/// `b op a`), `__getitem__`.
pub trait BinarySlot {
    /// Calls the method.
    fn call<'c>(ctx: Ctx<'c>, a: &Handle<'c>, b: &Handle<'c>) -> Result<HPy>;
}

/// `f(a, b, c) -> object`: `__pow__`.
pub trait TernarySlot {
    /// Calls the method.
    fn call<'c>(ctx: Ctx<'c>, a: &Handle<'c>, b: &Handle<'c>, c: &Handle<'c>) -> Result<HPy>;
}

/// `f(self) -> int` (0/1): `__bool__`; `f(self, x) -> int`: `__contains__` (see
/// [`ObjObjSlot`]).
pub trait InquirySlot {
    /// Calls the method.
    fn call<'c>(ctx: Ctx<'c>, a: &Handle<'c>) -> Result<bool>;
}

/// `f(self) -> ssize`: `__len__`.
pub trait LenSlot {
    /// Calls the method.
    fn call<'c>(ctx: Ctx<'c>, a: &Handle<'c>) -> Result<isize>;
}

/// `f(self) -> hash`: `__hash__`.
pub trait HashSlot {
    /// Calls the method.
    fn call<'c>(ctx: Ctx<'c>, a: &Handle<'c>) -> Result<isize>;
}

/// `f(self, other, op) -> object`: rich comparison.
pub trait RichCmpSlot {
    /// Calls the method.
    fn call<'c>(ctx: Ctx<'c>, a: &Handle<'c>, b: &Handle<'c>, op: CompareOp) -> Result<HPy>;
}

/// `f(self, key, value or NULL) -> int`: `__setitem__` / `__delitem__`.
pub trait SetItemSlot {
    /// Calls `__setitem__` (`Some(value)`) or `__delitem__` (`None`).
    fn call<'c>(
        ctx: Ctx<'c>,
        a: &Handle<'c>,
        key: &Handle<'c>,
        value: Option<&Handle<'c>>,
    ) -> Result<()>;
}

/// `f(self, x) -> bool`: `__contains__`.
pub trait ObjObjSlot {
    /// Calls the method.
    fn call<'c>(ctx: Ctx<'c>, a: &Handle<'c>, b: &Handle<'c>) -> Result<bool>;
}

/// A property getter.
pub trait GetterSlot {
    /// Calls the getter.
    fn get<'c>(ctx: Ctx<'c>, slf: &Handle<'c>) -> Result<HPy>;
}

/// A property setter (`None`: `del obj.attr`).
pub trait SetterSlot {
    /// Calls the setter.
    fn set<'c>(ctx: Ctx<'c>, slf: &Handle<'c>, value: Option<&Handle<'c>>) -> Result<()>;
}

/// The constructor (`#[new]`), or its absence.
pub trait NewSlot {
    /// The class whose instances it creates.
    type Class: PyClass;
    /// Parses the arguments (`args.slf` is the class being instantiated) and builds the
    /// value.
    fn call<'c>(ctx: Ctx<'c>, args: &RawArgs) -> Result<Self::Class>;
}

/// `__init__`: runs after the constructor, on the new object.
pub trait InitSlot {
    /// Parses the arguments and runs the method on `slf`.
    fn call<'c>(ctx: Ctx<'c>, slf: &Handle<'c>, args: &RawArgs) -> Result<()>;
}

/// What each field of a `#[class]` must be: `Send`, as the value moves with its Python object
/// between the threads that run Python code. The macro checks it for each field, through the
/// trait, so that a field that is not `Send` is reported at its type with this message.
#[diagnostic::on_unimplemented(
    message = "a `#[class]` field must be `Send`, and `{Self}` is not",
    label = "`{Self}` cannot be sent between threads",
    note = "the value lives inside a Python object, which any thread running Python code may use: use `Arc` rather than `Rc`, own the data rather than hold a raw pointer or a reference, and keep Python objects in a `Field`"
)]
pub trait SendField {
    /// Names the check (its value is nothing).
    const CHECKED: () = ();
}

impl<T: Send + ?Sized> SendField for T {}

/// The classes whose objects can be borrowed mutably: `#[module]` implements it for each class
/// that is not `frozen`. The macros check it for each `&mut T` parameter, so that a `&mut` of
/// a frozen class is refused at its type. (At run time, [`RefMut::borrow`] of a frozen class
/// is an error too.)
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a `frozen` class: its objects cannot be borrowed mutably",
    label = "a mutable borrow of a frozen class",
    note = "a frozen class counts no borrows, so it has no `&mut self` methods and no `&mut` parameters: take `&{Self}`, or remove `frozen` from its `#[class(...)]`"
)]
pub trait MutableClass: PyClass {
    /// Names the check (its value is nothing).
    const CHECKED: () = ();
}

// ---------------------------------------------------------------------------------------------
// Results of special methods.

/// What `#[new]` may return: the value, or `Result` of it.
#[diagnostic::on_unimplemented(
    message = "`#[new]` must return the new object's value, not `{Self}`",
    label = "expected `Self` or `Result<Self, E>` (with `E: Into<Error>`)",
    note = "Python calls `#[new]` to create the object: return the struct's value, or `Result<Self, Error>` to raise an exception instead (a constructor cannot return `None`: return `Err(Error::value_error(...))`)"
)]
pub trait NewResult<T> {
    /// Converts into a `Result`.
    fn into_new(self) -> Result<T>;
}

impl<T: PyClass> NewResult<T> for T {
    #[inline(always)]
    fn into_new(self) -> Result<T> {
        Ok(self)
    }
}

impl<T: PyClass, E: Into<Error>> NewResult<T> for core::result::Result<T, E> {
    #[inline(always)]
    fn into_new(self) -> Result<T> {
        self.map_err(Into::into)
    }
}

/// What `__hash__`, `__len__` and `__bool__` may return: an integer (a `bool` for
/// `__bool__`), or `Result` of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid result of `__hash__`, `__len__` or `__bool__`",
    label = "return an integer (`usize` for `__len__`, `isize`/`u64`/... for `__hash__`) or `bool` (for `__bool__`), or a `Result` of one",
    note = "Python requires these special methods to return an int (a bool for `__bool__`); to return another object, use a normal method"
)]
pub trait SlotResult {
    /// A hash for `tp_hash` (-1 is reserved for errors and becomes -2, as in Python).
    fn into_hash(self) -> Result<isize>;
    /// A length for `__len__` (`OverflowError` past `isize::MAX`).
    fn into_len(self) -> Result<isize>;
    /// A truth value.
    fn into_bool(self, ctx: Ctx<'_>) -> Result<bool>;
}

macro_rules! slot_result_int {
    ($($t:ty),*) => {$(
        impl SlotResult for $t {
            #[inline(always)]
            fn into_hash(self) -> Result<isize> {
                // Wrapping is intended: a hash only needs to be consistent.
                Ok(hash_value(self as isize))
            }
            #[inline(always)]
            fn into_len(self) -> Result<isize> {
                isize::try_from(self).ok().filter(|n| *n >= 0).ok_or_else(|| {
                    Error::overflow_error(format!("__len__ returned {self}, which is not a valid length"))
                })
            }
            #[inline(always)]
            fn into_bool(self, _ctx: Ctx<'_>) -> Result<bool> {
                Ok(self != 0)
            }
        }
    )*};
}

slot_result_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl SlotResult for bool {
    fn into_hash(self) -> Result<isize> {
        Ok(isize::from(self))
    }
    fn into_len(self) -> Result<isize> {
        Ok(isize::from(self))
    }
    #[inline(always)]
    fn into_bool(self, _ctx: Ctx<'_>) -> Result<bool> {
        Ok(self)
    }
}

impl<T: SlotResult, E: Into<Error>> SlotResult for core::result::Result<T, E> {
    fn into_hash(self) -> Result<isize> {
        self.map_err(Into::into)?.into_hash()
    }
    fn into_len(self) -> Result<isize> {
        self.map_err(Into::into)?.into_len()
    }
    fn into_bool(self, ctx: Ctx<'_>) -> Result<bool> {
        self.map_err(Into::into)?.into_bool(ctx)
    }
}

/// `!=` from `__eq__`: the negated truth value of what `__eq__` returned (`NotImplemented`
/// stays `NotImplemented`).
pub fn negate<'c, R: crate::impl_::ReturnValue<'c>>(r: R, ctx: Ctx<'c>) -> Result<HPy> {
    let raw = r.into_raw_result(ctx)?;
    // SAFETY: `into_raw_result` returned a new reference.
    let h = unsafe { ctx.handle_from_raw(raw) };
    if h.is(&ctx.not_implemented()) {
        return Ok(h.into_raw());
    }
    Ok(ctx.bool(!h.is_true()?).into_raw())
}

/// What `__next__` may return: `Option<T>` (`None` ends the iteration) or `Result` of one.
#[diagnostic::on_unimplemented(
    message = "`__next__` must return `Option<T>`, not `{Self}`",
    label = "expected `Option<T>` or `Result<Option<T>, E>`",
    note = "return `Some(item)` for the next item and `None` to stop the iteration (Python's `StopIteration`)"
)]
pub trait IterNext<'c> {
    /// Converts into a new reference, or raises `StopIteration`.
    fn into_next(self, ctx: Ctx<'c>) -> Result<HPy>;
}

impl<'c, T: crate::IntoHandle<'c>> IterNext<'c> for Option<T> {
    fn into_next(self, ctx: Ctx<'c>) -> Result<HPy> {
        match self {
            Some(v) => v.into_handle(ctx).map(Handle::into_raw),
            None => Err(Error::stop_iteration("")),
        }
    }
}

impl<'c, T: crate::IntoHandle<'c>, E: Into<Error>> IterNext<'c>
    for core::result::Result<Option<T>, E>
{
    fn into_next(self, ctx: Ctx<'c>) -> Result<HPy> {
        self.map_err(Into::into)?.into_next(ctx)
    }
}

/// Makes a static method (or a class method) of the class out of the hidden module function
/// `table_name`: `cls.name = staticmethod(f)` (or `classmethod(f)`), then removes `f` from the
/// module. HPy 0.9 has no static or class methods on types; a module function wrapped this way
/// behaves the same in both backends and on every runtime.
pub fn add_static_method<'c>(
    ctx: Ctx<'c>,
    module: &Handle<'c>,
    ty: &Handle<'c>,
    name: &str,
    table_name: &str,
    classmethod: bool,
) -> Result<()> {
    let f = module.getattr(table_name)?;
    let wrapper = ctx.builtin(if classmethod {
        "classmethod"
    } else {
        "staticmethod"
    })?;
    ty.setattr(name, wrapper.call(&[&f])?)?;
    let delattr = ctx.builtin("delattr")?;
    delattr.call(&[module, &ctx.str(table_name)?])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The buffer protocol.

/// An element type a [`Buffer`] can expose, with its `struct`-module format.
pub trait BufferElement: Copy + 'static {
    /// The `struct` format character(s).
    const FORMAT: &'static core::ffi::CStr;
}

macro_rules! buffer_elements {
    ($($t:ty => $f:literal,)*) => {$(
        impl BufferElement for $t {
            const FORMAT: &'static core::ffi::CStr = $f;
        }
    )*};
}

buffer_elements! {
    u8 => c"B", i8 => c"b", u16 => c"H", i16 => c"h", u32 => c"I", i32 => c"i",
    u64 => c"Q", i64 => c"q", usize => c"N", isize => c"n", f32 => c"f", f64 => c"d", bool => c"?",
}

/// What `__getbuffer__` returns: a one-dimensional, contiguous view of memory the object owns.
///
/// `fn __getbuffer__(&self) -> Buffer<'_>` exports read-only memory ([`Buffer::new`]) or
/// writable cells ([`Buffer::cells`]); `fn __getbuffer__(&mut self) -> Buffer<'_>` exports
/// writable memory ([`Buffer::writable`]). While a buffer is exported (until every
/// `memoryview` of it is released) the object stays borrowed, so a method taking `&mut self`
/// cannot move or free the memory: it raises instead.
pub struct Buffer<'a> {
    raw: RawBuffer,
    _data: PhantomData<&'a mut [u8]>,
}

impl<'a> Buffer<'a> {
    /// A read-only view of `data`.
    pub fn new<T: BufferElement>(data: &'a [T]) -> Buffer<'a> {
        Buffer {
            raw: RawBuffer {
                buf: data.as_ptr().cast_mut().cast(),
                len: size_of_val(data) as isize,
                itemsize: size_of::<T>() as isize,
                format: T::FORMAT,
                readonly: true,
            },
            _data: PhantomData,
        }
    }

    /// A writable view of memory the object shares: Python may write through the buffer while
    /// the object is only borrowed shared, so the elements must allow that (`Cell`). Several
    /// exports may coexist. Use it from `__getbuffer__(&self)`.
    pub fn cells<T: BufferElement>(data: &'a [core::cell::Cell<T>]) -> Buffer<'a> {
        Buffer {
            raw: RawBuffer {
                // `Cell<T>` has the layout of `T` and allows writes through a shared reference.
                buf: data.as_ptr().cast_mut().cast(),
                len: size_of_val(data) as isize,
                itemsize: size_of::<T>() as isize,
                format: T::FORMAT,
                readonly: false,
            },
            _data: PhantomData,
        }
    }

    /// A writable view of `data`, from `__getbuffer__(&mut self)`: the object stays borrowed
    /// while the buffer is exported, so only one such export exists at a time (a second
    /// `memoryview` raises until the first is released). For several writable exports, see
    /// [`Buffer::cells`].
    pub fn writable<T: BufferElement>(data: &'a mut [T]) -> Buffer<'a> {
        Buffer {
            raw: RawBuffer {
                buf: data.as_mut_ptr().cast(),
                len: size_of_val(data) as isize,
                itemsize: size_of::<T>() as isize,
                format: T::FORMAT,
                readonly: false,
            },
            _data: PhantomData,
        }
    }

    /// The same view, exported read-only: a consumer that asks for a writable buffer
    /// (`PyBUF_WRITABLE`) gets `BufferError`, and a `memoryview` of it is read-only. For an
    /// object that can be made read-only at run time (numpy's `writeable` flag):
    ///
    /// ```
    /// # #[hpy_core::module]
    /// # mod m {
    /// use std::cell::Cell;
    /// use hpy_core::class::Buffer;
    ///
    /// #[hpy_core::class(frozen)]
    /// pub struct Samples {
    ///     data: Vec<Cell<f64>>,
    ///     writeable: Cell<bool>,
    /// }
    ///
    /// #[hpy_core::methods]
    /// impl Samples {
    ///     fn __getbuffer__(&self) -> Buffer<'_> {
    ///         let b = Buffer::cells(&self.data);
    ///         if self.writeable.get() { b } else { b.read_only() }
    ///     }
    /// }
    /// # }
    /// # fn main() {}
    /// ```
    pub fn read_only(mut self) -> Buffer<'a> {
        self.raw.readonly = true;
        self
    }

    /// Whether the view is exported read-only.
    pub fn is_read_only(&self) -> bool {
        self.raw.readonly
    }
}

/// A [`Buffer`] without its lifetime, once the object's borrow is kept for the export.
#[doc(hidden)]
pub struct RawBuffer {
    pub(crate) buf: *mut core::ffi::c_void,
    pub(crate) len: isize,
    pub(crate) itemsize: isize,
    pub(crate) format: &'static core::ffi::CStr,
    pub(crate) readonly: bool,
}

/// What `__getbuffer__` may return: a [`Buffer`] or a `Result` of one.
#[diagnostic::on_unimplemented(
    message = "`__getbuffer__` returns a `Buffer`, not `{Self}`",
    label = "wrap the memory in a `Buffer`: `Buffer::new(&self.data)` (read-only), `Buffer::writable(&mut self.data)`, or a `Result` of one",
    note = "the `Buffer` describes the memory to Python (item type, length, whether it is writable)"
)]
pub trait BufferResult<'a> {
    /// The buffer, or the error.
    fn into_buffer(self) -> Result<Buffer<'a>>;
}

impl<'a> BufferResult<'a> for Buffer<'a> {
    fn into_buffer(self) -> Result<Buffer<'a>> {
        Ok(self)
    }
}

impl<'a, E: Into<Error>> BufferResult<'a> for core::result::Result<Buffer<'a>, E> {
    fn into_buffer(self) -> Result<Buffer<'a>> {
        self.map_err(Into::into)
    }
}

/// `bf_getbuffer` / `bf_releasebuffer` of a class.
pub trait BufferSlot {
    /// The class.
    type Class: PyClass;
    /// Borrows the object (the borrow outlives this call, see [`keep_ref`] and [`keep_mut`])
    /// and describes its memory.
    fn fill<'c>(ctx: Ctx<'c>, slf: &Handle<'c>) -> Result<RawBuffer>;
}

/// The state of one export, kept in the buffer's `internal` pointer until it is released.
pub(crate) struct Export {
    /// `shape[0]` and `strides[0]`.
    pub(crate) shape_strides: [isize; 2],
}

/// Keeps the shared borrow `__getbuffer__(&self)` took for as long as the buffer is exported
/// (several exports may coexist); releasing the buffer ends it.
pub fn keep_ref<T: PyClass>(guard: Ref<'_, '_, T>) {
    core::mem::forget(guard);
}

/// Keeps the mutable borrow `__getbuffer__(&mut self)` took for as long as the buffer is
/// exported: the exported memory is written through the buffer only; no Rust code may borrow
/// the object meanwhile.
pub fn keep_mut<T: PyClass>(guard: RefMut<'_, '_, T>) {
    core::mem::forget(guard);
}

/// Ends the borrow an export kept.
///
/// # Safety
/// `slf` is an instance of `T` with an export made by a [`BufferSlot`] of `T`.
pub(crate) unsafe fn release_export<T: PyClass>(ctx: Ctx<'_>, slf: HPy) {
    if T::FROZEN {
        return;
    }
    // SAFETY: forwarded contract.
    if let Ok(cell) = unsafe { payload::<T>(ctx, slf) } {
        // SAFETY: the object is alive (the buffer holds a reference to it).
        let cell = unsafe { &*cell };
        match cell.borrow.get() {
            // The export held the mutable borrow.
            MUT => cell.borrow.set(FREE),
            b => cell.borrow.set(b - 1),
        }
    }
}

/// `PyBUF_WRITABLE`.
pub(crate) const BUF_WRITABLE: c_int = 0x0001;
/// `PyBUF_FORMAT`.
pub(crate) const BUF_FORMAT: c_int = 0x0004;
/// `PyBUF_ND`.
pub(crate) const BUF_ND: c_int = 0x0008;
/// `PyBUF_STRIDES` (includes `PyBUF_ND`).
pub(crate) const BUF_STRIDES: c_int = 0x0010 | BUF_ND;

/// Runs the getbuffer protocol: what both backends share. Returns the filled fields.
pub(crate) fn get_buffer<'c, F: BufferSlot>(
    ctx: Ctx<'c>,
    slf: &Handle<'c>,
    flags: c_int,
) -> Result<FilledBuffer> {
    let raw = F::fill(ctx, slf)?;
    if raw.readonly && flags & BUF_WRITABLE != 0 {
        // SAFETY: `fill` kept a borrow of this instance.
        unsafe { release_export::<F::Class>(ctx, slf.as_raw()) };
        return Err(Error::buffer_error(format!(
            "{} object exports a read-only buffer",
            F::Class::NAME
        )));
    }
    if runtime_copies_buffer_shape(ctx) {
        // PyPy copies shape and strides when the buffer is exported (computing them from
        // `len` and `itemsize` when NULL), and does not hand `internal` back on release.
        return Ok(FilledBuffer {
            buf: raw.buf,
            len: raw.len,
            itemsize: raw.itemsize,
            readonly: raw.readonly,
            format: raw.format.as_ptr().cast_mut(),
            shape: core::ptr::null_mut(),
            strides: core::ptr::null_mut(),
            internal: core::ptr::null_mut(),
        });
    }
    let export = Box::new(Export {
        shape_strides: [raw.len / raw.itemsize.max(1), raw.itemsize],
    });
    let export = Box::into_raw(export);
    // SAFETY: just allocated; freed by `release`.
    let (shape, strides) = unsafe {
        let p = (*export).shape_strides.as_mut_ptr();
        (p, p.add(1))
    };
    Ok(FilledBuffer {
        buf: raw.buf,
        len: raw.len,
        itemsize: raw.itemsize,
        readonly: raw.readonly,
        format: if flags & BUF_FORMAT != 0 {
            raw.format.as_ptr().cast_mut()
        } else {
            core::ptr::null_mut()
        },
        shape: if flags & BUF_ND != 0 {
            shape
        } else {
            core::ptr::null_mut()
        },
        strides: if flags & BUF_STRIDES == BUF_STRIDES {
            strides
        } else {
            core::ptr::null_mut()
        },
        internal: export.cast(),
    })
}

/// Ends an export: frees its state and ends the object's borrow.
///
/// # Safety
/// `internal` is what [`get_buffer`] stored for an export of `slf`.
pub(crate) unsafe fn release_buffer<F: BufferSlot>(
    ctx: Ctx<'_>,
    slf: HPy,
    internal: *mut core::ffi::c_void,
) {
    if !runtime_copies_buffer_shape(ctx) && !internal.is_null() {
        // SAFETY: allocated by `get_buffer` for this export, released once.
        drop(unsafe { Box::from_raw(internal.cast::<Export>()) });
    }
    // SAFETY: forwarded contract.
    unsafe { release_export::<F::Class>(ctx, slf) };
}

/// The fields of a buffer view, as both backends fill them.
pub(crate) struct FilledBuffer {
    pub(crate) buf: *mut core::ffi::c_void,
    pub(crate) len: isize,
    pub(crate) itemsize: isize,
    pub(crate) readonly: bool,
    pub(crate) format: *mut core::ffi::c_char,
    pub(crate) shape: *mut isize,
    pub(crate) strides: *mut isize,
    pub(crate) internal: *mut core::ffi::c_void,
}

impl<'a> Buffer<'a> {
    /// The description without the lifetime (the caller keeps the borrow).
    #[doc(hidden)]
    pub fn into_raw(self) -> RawBuffer {
        self.raw
    }
}

/// Whether this runtime's HPy getsets must be replaced by `property` objects (see
/// [`add_class`]): PyPy's HPy backend, in universal mode.
fn properties_need_replacing(ctx: Ctx<'_>) -> bool {
    cfg!(hpy_abi = "universal") && ctx.name().contains("PyPy")
}

/// PyPy's HPy backend copies a buffer's shape when it is exported and passes an uninitialised
/// `internal` to `bf_releasebuffer`; it is recognised by its context name.
fn runtime_copies_buffer_shape(ctx: Ctx<'_>) -> bool {
    cfg!(hpy_abi = "universal") && ctx.name().contains("PyPy")
}

#[cfg(test)]
mod tests {
    use super::Buffer;
    use core::cell::Cell;

    #[test]
    fn read_only_marks_any_buffer_read_only() {
        let cells = [Cell::new(1.0f64), Cell::new(2.0)];
        let b = Buffer::cells(&cells);
        assert!(!b.is_read_only());
        let raw = b.read_only().into_raw();
        assert!(raw.readonly);
        assert_eq!((raw.len, raw.itemsize), (16, 8));
        assert_eq!(raw.format, c"d");

        let mut values = [7u8; 3];
        assert!(!Buffer::writable(&mut values).is_read_only());
        assert!(Buffer::writable(&mut values).read_only().is_read_only());
        assert!(Buffer::new(&values).is_read_only());
    }
}

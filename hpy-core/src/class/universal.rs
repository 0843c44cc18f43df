//! Universal backend of custom types: an `HPyType_Spec` whose every definition (methods,
//! properties, members, slots) is an `HPyDef`, created with `HPyType_FromSpec`; the payload is
//! reached with `_HPy_AsStruct_Object`.

use core::ffi::{CStr, c_int, c_void};
use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

use super::{
    BinarySlot, ClassCell, GetterSlot, HashSlot, InitSlot, InquirySlot, LenSlot, NewSlot,
    ObjObjSlot, PyClass, RichCmpSlot, SetItemSlot, SetterSlot, TernarySlot, UnarySlot,
};
use crate::backend::{RawCtx, call_from_trampoline};
use crate::err::{Error, Result};
use crate::ffi::*;
use crate::handle::{BorrowedHandle, Ctx, Handle};
use crate::impl_::{RawArgs, guard};

/// The type specification of this backend.
pub struct TypeSpec {
    /// For CPython's HPy runtime (`hpy.universal`, plain or debug).
    pub cpython: HPyType_Spec,
    /// For PyPy's HPy backend, which lacks some slots (see [`unary`]).
    pub pypy: HPyType_Spec,
}
/// A definition inside a type specification.
pub type ClassDef = HPyDef;

/// Calls a context function.
macro_rules! ctx_call {
    ($c:expr, $f:ident $(, $a:expr)* $(,)?) => {{
        let c: *mut HPyContext = $c;
        // SAFETY: the caller's contract: `c` is the live context of this call.
        unsafe { ((*c).$f)(c $(, $a)*) }
    }};
}

/// The payload of an instance of `T`.
///
/// # Safety
/// `h` is an instance of `T`'s type (or of a subclass), whose shape is `Object`.
#[inline(always)]
pub unsafe fn payload<T: PyClass>(ctx: Ctx<'_>, h: HPy) -> Result<*mut ClassCell<T>> {
    let c = ctx.raw().0;
    let p = if c == PLAIN_CTX.load(Ordering::Relaxed) {
        ctx_call!(c, ctx_AsStruct_Object, h).cast()
    } else {
        // SAFETY: forwarded contract.
        unsafe { payload_slow(ctx, h) }
    };
    if p.is_null() {
        // PyPy lets `object.__new__(T)` make an instance without any payload.
        return Err(ClassCell::<T>::not_initialised());
    }
    Ok(p)
}

/// [`payload`] for a context not seen before, or HPy's debug context; NULL for an instance
/// without a payload.
///
/// # Safety
/// As for [`payload`].
#[cold]
#[inline(never)]
unsafe fn payload_slow<T: PyClass>(ctx: Ctx<'_>, h: HPy) -> *mut ClassCell<T> {
    let c = ctx.raw().0;
    if c == PLAIN_CTX.load(Ordering::Relaxed) || !is_debug_ctx(c) {
        return ctx_call!(c, ctx_AsStruct_Object, h).cast();
    }
    // SAFETY: forwarded contract.
    unsafe { debug_payload(ctx, h) }
}

/// The last context seen that is not HPy's debug context (the fast path of [`payload`]).
static PLAIN_CTX: AtomicPtr<HPyContext> = AtomicPtr::new(ptr::null_mut());

/// Whether `c` is HPy's debug-mode context (and remembers it if not).
#[cold]
fn is_debug_ctx(c: *mut HPyContext) -> bool {
    // SAFETY: the runtime stores a static NUL-terminated name in every context.
    let name = unsafe { core::ffi::CStr::from_ptr((*c).name) };
    let debug = name.to_bytes().starts_with(b"HPy Debug");
    if !debug {
        PLAIN_CTX.store(c, Ordering::Relaxed);
    }
    debug
}

/// Whether `c` is a context of PyPy's HPy backend.
fn is_pypy_ctx(c: *mut HPyContext) -> bool {
    crate::backend::is_pypy_ctx(c)
}

/// The payload under HPy's debug mode, which checks that `_HPy_AsStruct_Object` is used only on
/// instances of types of that shape. An instance of a *Python* subclass of our type reports the
/// "legacy" shape there (see [`locate_payload`]): its payload is one object header after the
/// object, which `_HPy_AsStruct_Legacy` returns.
#[cold]
unsafe fn debug_payload<T: PyClass>(ctx: Ctx<'_>, h: HPy) -> *mut ClassCell<T> {
    let c = ctx.raw().0;
    let ty = ctx_call!(c, ctx_Type, h);
    let shape = ctx_call!(c, ctx_Type_GetBuiltinShape, ty);
    ctx_call!(c, ctx_Close, ty);
    // Only CPython's runtime lays out an object header before the payload; PyPy's payload
    // is separate memory that `AsStruct_Object` always finds.
    if shape == HPyType_BuiltinShape_Legacy && !is_pypy_ctx(c) {
        let obj = ctx_call!(c, ctx_AsStruct_Legacy, h);
        // SAFETY: the payload follows the object header inside the object.
        unsafe { obj.cast::<u8>().add(CPYTHON_OBJECT_HEADER).cast() }
    } else {
        // NULL for an instance PyPy made without a payload (see `payload`).
        ctx_call!(c, ctx_AsStruct_Object, h).cast()
    }
}

/// `HPyField_Load`.
///
/// # Safety
/// `owner` contains `field`, which holds a stored reference.
pub(crate) unsafe fn field_load<'c>(
    ctx: Ctx<'c>,
    owner: HPy,
    field: *mut HPyField,
) -> Option<Handle<'c>> {
    // SAFETY: the field is live memory of `owner`'s payload.
    let f = unsafe { *field };
    let h = ctx_call!(ctx.raw().0, ctx_Field_Load, owner, f);
    // SAFETY: the result is NULL or a new reference.
    unsafe { ctx.check(h) }.ok()
}

/// `HPyField_Store`; `None` clears the field.
///
/// # Safety
/// `owner` contains `field`.
pub(crate) unsafe fn field_store(
    ctx: Ctx<'_>,
    owner: HPy,
    field: *mut HPyField,
    value: Option<HPy>,
) {
    ctx_call!(
        ctx.raw().0,
        ctx_Field_Store,
        owner,
        field,
        value.unwrap_or(HPy::NULL)
    );
}

/// `HPyGlobal_Store`.
///
/// # Safety
/// `global` is listed in the module definition.
pub(crate) unsafe fn global_store(ctx: Ctx<'_>, global: *mut HPyGlobal, value: HPy) {
    ctx_call!(ctx.raw().0, ctx_Global_Store, global, value);
}

/// `HPyGlobal_Load`.
///
/// # Safety
/// Something was stored in `global`.
pub(crate) unsafe fn global_load<'c>(ctx: Ctx<'c>, global: *mut HPyGlobal) -> Handle<'c> {
    // SAFETY: reading the word the runtime wrote.
    let g = unsafe { *global };
    let h = ctx_call!(ctx.raw().0, ctx_Global_Load, g);
    // SAFETY: loading a stored global returns a new reference.
    unsafe { ctx.handle_from_raw(h) }
}

/// Allocates an instance of `ty` (`T`'s type or a subclass) holding `value`.
///
/// # Safety
/// `ty` is `T`'s type or a subclass of it.
pub(crate) unsafe fn alloc_with<'c, T: PyClass>(
    ctx: Ctx<'c>,
    ty: &Handle<'c>,
    value: T,
) -> Result<Handle<'c>> {
    let c = ctx.raw().0;
    let mut data: *mut c_void = ptr::null_mut();
    let h = ctx_call!(c, ctx_New, ty.as_raw(), &mut data);
    // SAFETY: the result is NULL or a new reference.
    let obj = unsafe { ctx.check(h)? };
    // On PyPy `data` is the payload, zero-filled. Not so on CPython: for a Python subclass of
    // our type, HPy 0.9.0's CPython runtime returns the object itself there (it treats types it
    // did not create as "legacy"), so there `AsStruct_Object` computes the payload.
    let cell = if crate::backend::is_pypy(ctx.raw()) && !data.is_null() {
        data.cast()
    } else {
        // SAFETY: `obj` is a new instance of `T` or of a subclass.
        unsafe { payload::<T>(ctx, obj.as_raw())? }
    };
    // SAFETY: the zero-filled payload of a new instance of `T` or of a subclass.
    unsafe { ClassCell::init(cell, value) };
    Ok(obj)
}

/// Allocates an instance of `T`'s own type `ty` (not a subclass) holding `value`: what
/// [`alloc_with`] does, one context call cheaper. For a type HPy itself created, the payload
/// pointer `HPy_New` hands back is the payload (on every runtime and in debug mode), so
/// `_HPy_AsStruct_Object` need not compute it again.
///
/// # Safety
/// `ty` is `T`'s type.
pub(crate) unsafe fn alloc_exact<'c, T: PyClass>(
    ctx: Ctx<'c>,
    ty: &Handle<'c>,
    value: T,
) -> Result<Handle<'c>> {
    let mut data: *mut c_void = ptr::null_mut();
    let h = ctx_call!(ctx.raw().0, ctx_New, ty.as_raw(), &mut data);
    // SAFETY: the result is NULL or a new reference.
    let obj = unsafe { ctx.check(h)? };
    let cell = if data.is_null() {
        // SAFETY: `obj` is a new instance of `T`.
        unsafe { payload::<T>(ctx, obj.as_raw())? }
    } else {
        data.cast::<ClassCell<T>>()
    };
    // SAFETY: `cell` is the zero-filled payload of the new instance of `T`.
    unsafe { ClassCell::init(cell, value) };
    Ok(obj)
}

/// The size of the object header HPy 0.9.0's CPython runtime puts before the payload of an
/// object-shaped type: `PyObject_HEAD`, padded to 16 bytes.
const CPYTHON_OBJECT_HEADER: usize = 16;

/// The smallest payload we declare, so that [`locate_payload`] may read the word at offset 16
/// of any payload.
const MIN_PAYLOAD: usize = CPYTHON_OBJECT_HEADER + size_of::<usize>();

/// Finds the payload from what the runtime passed to `tp_destroy` or `tp_traverse`.
///
/// HPy 0.9.0's CPython runtime computes that pointer from the shape of `type(obj)`; for an
/// instance of a *Python* subclass of our type (not created by HPy) it wrongly uses the
/// "legacy" shape and passes the object itself. A payload holding a value starts with
/// [`FULL`](super::FULL), which neither a reference count nor zero-filled memory can be, so we
/// look for it at the pointer and one object header further. `None`: there is no value.
///
/// # Safety
/// `p` is what the runtime passed: the payload of an instance of `T`, or the instance itself.
unsafe fn locate_payload<T>(p: *mut c_void) -> Option<*mut ClassCell<T>> {
    // SAFETY: both words lie inside the object: the payload is at least `MIN_PAYLOAD` bytes,
    // and an object is its header plus its payload.
    unsafe {
        if p.cast::<usize>().read() == super::FULL {
            return Some(p.cast());
        }
        let q = p.cast::<u8>().add(CPYTHON_OBJECT_HEADER);
        (q.cast::<usize>().read() == super::FULL).then_some(q.cast())
    }
}

/// What `tp_traverse` passes to [`PyClass::traverse`].
pub struct Visit<'a> {
    visit: HPyFunc_visitproc,
    arg: *mut c_void,
    _life: core::marker::PhantomData<&'a ()>,
}

impl Visit<'_> {
    /// Visits one field; a non-zero result must be returned at once.
    pub fn field(&mut self, f: &super::Field) -> c_int {
        if f.is_empty() {
            return 0;
        }
        // SAFETY: the runtime's visitor accepts any field of the object being traversed.
        unsafe { (self.visit)(f.as_raw(), self.arg) }
    }
}

// ---------------------------------------------------------------------------------------------
// Slot entry points: the HPy implementation (`*_impl`, gets the context) and the CPython
// trampoline (`*_tramp`, enters through `ctx_CallRealFunctionFromTrampoline`).

#[repr(C)]
struct Args1<R> {
    a0: *mut cpy_PyObject,
    result: R,
}

#[repr(C)]
struct Args2<R> {
    a0: *mut cpy_PyObject,
    a1: *mut cpy_PyObject,
    result: R,
}

#[repr(C)]
struct Args3<R> {
    a0: *mut cpy_PyObject,
    a1: *mut cpy_PyObject,
    a2: *mut cpy_PyObject,
    result: R,
}

#[repr(C)]
struct ArgsRichCmp {
    a0: *mut cpy_PyObject,
    a1: *mut cpy_PyObject,
    op: c_int,
    result: *mut cpy_PyObject,
}

#[repr(C)]
struct ArgsGetter {
    a0: *mut cpy_PyObject,
    closure: *mut c_void,
    result: *mut cpy_PyObject,
}

#[repr(C)]
struct ArgsSetter {
    a0: *mut cpy_PyObject,
    a1: *mut cpy_PyObject,
    closure: *mut c_void,
    result: c_int,
}

#[repr(C)]
struct ArgsNew {
    slf: *mut cpy_PyObject,
    args: *mut cpy_PyObject,
    kw: *mut cpy_PyObject,
    result: *mut cpy_PyObject,
}

#[repr(C)]
struct ArgsInit {
    slf: *mut cpy_PyObject,
    args: *mut cpy_PyObject,
    kw: *mut cpy_PyObject,
    result: c_int,
}

#[repr(C)]
struct ArgsTraverse {
    slf: *mut cpy_PyObject,
    visit: *mut c_void,
    arg: *mut c_void,
    result: c_int,
}

/// Runs a slot body with borrowed handles for its object arguments.
#[inline(always)]
unsafe fn run<R>(ctx: *mut HPyContext, f: impl for<'c> FnOnce(Ctx<'c>) -> Result<R>) -> Option<R> {
    // SAFETY: the runtime passes the live context of this call.
    unsafe { guard(RawCtx(ctx), f) }
}

fn raw_or_null(r: Option<HPy>) -> HPy {
    r.unwrap_or(HPy::NULL)
}

macro_rules! trampoline {
    ($name:ident, $sig:expr, $impl:ident<$F:ident: $Tr:path>, $args:ty, fn($($p:ident: $pt:ty),*) -> $ret:ty, $init:expr) => {
        unsafe extern "C" fn $name<$F: $Tr>($($p: $pt),*) -> $ret {
            let mut a: $args = $init;
            // SAFETY: `a` is the argument struct of this signature and the implementation has
            // that signature.
            unsafe { call_from_trampoline($sig, $impl::<$F> as HPyCFunction, (&raw mut a).cast()) };
            a.result
        }
    };
}

unsafe extern "C" fn unary_impl<F: UnarySlot>(ctx: *mut HPyContext, a: HPy) -> HPy {
    // SAFETY: called by the runtime; `a` is live for the call.
    raw_or_null(unsafe { run(ctx, |c| F::call(c, &BorrowedHandle::new(c, a))) })
}
trampoline!(unary_tramp, HPyFunc_UNARYFUNC, unary_impl<F: UnarySlot>, Args1<*mut cpy_PyObject>,
    fn(a0: *mut cpy_PyObject) -> *mut cpy_PyObject, Args1 { a0, result: ptr::null_mut() });

unsafe extern "C" fn binary_impl<F: BinarySlot>(ctx: *mut HPyContext, a: HPy, b: HPy) -> HPy {
    // SAFETY: called by the runtime; both arguments are live for the call.
    raw_or_null(unsafe {
        run(ctx, |c| {
            F::call(c, &BorrowedHandle::new(c, a), &BorrowedHandle::new(c, b))
        })
    })
}
trampoline!(binary_tramp, HPyFunc_BINARYFUNC, binary_impl<F: BinarySlot>, Args2<*mut cpy_PyObject>,
    fn(a0: *mut cpy_PyObject, a1: *mut cpy_PyObject) -> *mut cpy_PyObject, Args2 { a0, a1, result: ptr::null_mut() });

unsafe extern "C" fn ternary_impl<F: TernarySlot>(
    ctx: *mut HPyContext,
    a: HPy,
    b: HPy,
    c3: HPy,
) -> HPy {
    // SAFETY: called by the runtime; all arguments are live for the call.
    raw_or_null(unsafe {
        run(ctx, |c| {
            F::call(
                c,
                &BorrowedHandle::new(c, a),
                &BorrowedHandle::new(c, b),
                &BorrowedHandle::new(c, c3),
            )
        })
    })
}
trampoline!(ternary_tramp, HPyFunc_TERNARYFUNC, ternary_impl<F: TernarySlot>, Args3<*mut cpy_PyObject>,
    fn(a0: *mut cpy_PyObject, a1: *mut cpy_PyObject, a2: *mut cpy_PyObject) -> *mut cpy_PyObject,
    Args3 { a0, a1, a2, result: ptr::null_mut() });

unsafe extern "C" fn inquiry_impl<F: InquirySlot>(ctx: *mut HPyContext, a: HPy) -> c_int {
    // SAFETY: called by the runtime; `a` is live for the call.
    match unsafe { run(ctx, |c| F::call(c, &BorrowedHandle::new(c, a))) } {
        Some(b) => c_int::from(b),
        None => -1,
    }
}
trampoline!(inquiry_tramp, HPyFunc_INQUIRY, inquiry_impl<F: InquirySlot>, Args1<c_int>,
    fn(a0: *mut cpy_PyObject) -> c_int, Args1 { a0, result: 0 });

unsafe extern "C" fn len_impl<F: LenSlot>(ctx: *mut HPyContext, a: HPy) -> HPy_ssize_t {
    // SAFETY: called by the runtime; `a` is live for the call.
    unsafe { run(ctx, |c| F::call(c, &BorrowedHandle::new(c, a))) }.unwrap_or(-1)
}
trampoline!(len_tramp, HPyFunc_LENFUNC, len_impl<F: LenSlot>, Args1<HPy_ssize_t>,
    fn(a0: *mut cpy_PyObject) -> HPy_ssize_t, Args1 { a0, result: 0 });

unsafe extern "C" fn hash_impl<F: HashSlot>(ctx: *mut HPyContext, a: HPy) -> HPy_hash_t {
    // SAFETY: called by the runtime; `a` is live for the call.
    unsafe { run(ctx, |c| F::call(c, &BorrowedHandle::new(c, a))) }.unwrap_or(-1)
}
trampoline!(hash_tramp, HPyFunc_HASHFUNC, hash_impl<F: HashSlot>, Args1<HPy_hash_t>,
    fn(a0: *mut cpy_PyObject) -> HPy_hash_t, Args1 { a0, result: 0 });

unsafe extern "C" fn richcmp_impl<F: RichCmpSlot>(
    ctx: *mut HPyContext,
    a: HPy,
    b: HPy,
    op: c_int,
) -> HPy {
    // SAFETY: called by the runtime; both arguments are live for the call.
    raw_or_null(unsafe {
        run(ctx, |c| match super::CompareOp::from_raw(op) {
            Some(op) => F::call(
                c,
                &BorrowedHandle::new(c, a),
                &BorrowedHandle::new(c, b),
                op,
            ),
            None => Err(Error::system_error(format!(
                "invalid comparison operator {op}"
            ))),
        })
    })
}
trampoline!(richcmp_tramp, HPyFunc_RICHCMPFUNC, richcmp_impl<F: RichCmpSlot>, ArgsRichCmp,
    fn(a0: *mut cpy_PyObject, a1: *mut cpy_PyObject, op: c_int) -> *mut cpy_PyObject,
    ArgsRichCmp { a0, a1, op, result: ptr::null_mut() });

unsafe extern "C" fn setitem_impl<F: SetItemSlot>(
    ctx: *mut HPyContext,
    a: HPy,
    k: HPy,
    v: HPy,
) -> c_int {
    // SAFETY: called by the runtime; the arguments are live for the call (`v` may be NULL).
    let r = unsafe {
        run(ctx, |c| {
            let value = (!v.is_null()).then(|| BorrowedHandle::new(c, v));
            F::call(
                c,
                &BorrowedHandle::new(c, a),
                &BorrowedHandle::new(c, k),
                value.as_deref(),
            )
        })
    };
    if r.is_some() { 0 } else { -1 }
}
trampoline!(setitem_tramp, HPyFunc_OBJOBJARGPROC, setitem_impl<F: SetItemSlot>, Args3<c_int>,
    fn(a0: *mut cpy_PyObject, a1: *mut cpy_PyObject, a2: *mut cpy_PyObject) -> c_int,
    Args3 { a0, a1, a2, result: 0 });

unsafe extern "C" fn objobj_impl<F: ObjObjSlot>(ctx: *mut HPyContext, a: HPy, b: HPy) -> c_int {
    // SAFETY: called by the runtime; both arguments are live for the call.
    match unsafe {
        run(ctx, |c| {
            F::call(c, &BorrowedHandle::new(c, a), &BorrowedHandle::new(c, b))
        })
    } {
        Some(b) => c_int::from(b),
        None => -1,
    }
}
trampoline!(objobj_tramp, HPyFunc_OBJOBJPROC, objobj_impl<F: ObjObjSlot>, Args2<c_int>,
    fn(a0: *mut cpy_PyObject, a1: *mut cpy_PyObject) -> c_int, Args2 { a0, a1, result: 0 });

unsafe extern "C" fn getter_impl<F: GetterSlot>(
    ctx: *mut HPyContext,
    a: HPy,
    _closure: *mut c_void,
) -> HPy {
    // SAFETY: called by the runtime; `a` is live for the call.
    raw_or_null(unsafe { run(ctx, |c| F::get(c, &BorrowedHandle::new(c, a))) })
}
trampoline!(getter_tramp, HPyFunc_GETTER, getter_impl<F: GetterSlot>, ArgsGetter,
    fn(a0: *mut cpy_PyObject, closure: *mut c_void) -> *mut cpy_PyObject,
    ArgsGetter { a0, closure, result: ptr::null_mut() });

unsafe extern "C" fn setter_impl<F: SetterSlot>(
    ctx: *mut HPyContext,
    a: HPy,
    v: HPy,
    _closure: *mut c_void,
) -> c_int {
    // SAFETY: called by the runtime; `a` is live for the call and `v` is NULL or live.
    let r = unsafe {
        run(ctx, |c| {
            let value = (!v.is_null()).then(|| BorrowedHandle::new(c, v));
            F::set(c, &BorrowedHandle::new(c, a), value.as_deref())
        })
    };
    if r.is_some() { 0 } else { -1 }
}
trampoline!(setter_tramp, HPyFunc_SETTER, setter_impl<F: SetterSlot>, ArgsSetter,
    fn(a0: *mut cpy_PyObject, a1: *mut cpy_PyObject, closure: *mut c_void) -> c_int,
    ArgsSetter { a0, a1, closure, result: 0 });

/// `args`, or a dangling (non-NULL, aligned) pointer if the runtime passed NULL (which it may
/// do when there are no arguments at all, and which a slice cannot start at). Not replaced
/// merely because `nargs` is 0: keyword values follow the positional arguments in the same
/// array.
#[inline(always)]
fn args_or_dangling(args: *const HPy) -> *const HPy {
    if args.is_null() {
        ptr::NonNull::dangling().as_ptr()
    } else {
        args
    }
}

/// Calls `f` with the arguments of a call that passes keywords as a dict (or NULL): the
/// keyword values are appended to the positional ones and their names collected in a tuple,
/// as the vectorcall convention the argument parser reads. Out of line: `tp_new`/`tp_init`
/// handle the call without keywords themselves.
#[inline(never)]
fn with_dict_kwargs<'c, R>(
    ctx: Ctx<'c>,
    slf: HPy,
    args: &[HPy],
    kw: HPy,
    f: impl FnOnce(&RawArgs) -> Result<R>,
) -> Result<R> {
    if kw.is_null() {
        return f(&RawArgs {
            slf,
            args: args.as_ptr(),
            nargs: args.len(),
            kwnames: HPy::NULL,
        });
    }
    // SAFETY: `kw` is a live dict of this call.
    let kw = unsafe { BorrowedHandle::new(ctx, kw) };
    let keys = kw.call_method("keys", ())?;
    let keys = ctx.builtin("tuple")?.call(&[&keys])?;
    let n = keys.len()?;
    let mut values: Vec<Handle<'c>> = Vec::with_capacity(n);
    for i in 0..n {
        let k = keys.get_item(i)?;
        values.push(kw.get_item(&k)?);
    }
    let mut all: Vec<HPy> = args.to_vec();
    all.extend(values.iter().map(Handle::as_raw));
    f(&RawArgs {
        slf,
        args: all.as_ptr(),
        nargs: args.len(),
        kwnames: keys.as_raw(),
    })
}

unsafe extern "C" fn new_impl<F: NewSlot>(
    ctx: *mut HPyContext,
    ty: HPy,
    args: *const HPy,
    nargs: HPy_ssize_t,
    kw: HPy,
) -> HPy {
    // PyPy calls `tp_new` with the vectorcall convention: `kw` is then the tuple of keyword
    // names, and their values follow the positional arguments.
    let kwnames = !kw.is_null() && ctx_call!(ctx, ctx_Tuple_Check, kw) != 0;
    // SAFETY: called by the runtime with `nargs` live arguments and a dict, a tuple or NULL.
    raw_or_null(unsafe {
        run(ctx, |c| {
            // The common call, without keywords (or with keyword names: PyPy), is parsed
            // here; a dict of keywords (CPython) is unpacked out of line first.
            let value = if kw.is_null() || kwnames {
                F::call(
                    c,
                    &RawArgs {
                        slf: ty,
                        args: args_or_dangling(args),
                        nargs: nargs as usize,
                        kwnames: kw,
                    },
                )?
            } else {
                let args = core::slice::from_raw_parts(args_or_dangling(args), nargs as usize);
                with_dict_kwargs(c, ty, args, kw, |a| F::call(c, a))?
            };
            let ty = BorrowedHandle::new(c, ty);
            // The runtime passes the class being instantiated: `F::Class` or a subclass.
            alloc_with::<F::Class>(c, &ty, value).map(Handle::into_raw)
        })
    })
}

/// Unpacks a CPython args tuple for `ctx_CallRealFunctionFromTrampoline`: the runtime
/// converts it for us (NEWFUNC and INITPROC take a tuple and a dict on the CPython side).
unsafe extern "C" fn new_tramp<F: NewSlot>(
    slf: *mut cpy_PyObject,
    args: *mut cpy_PyObject,
    kw: *mut cpy_PyObject,
) -> *mut cpy_PyObject {
    let mut a = ArgsNew {
        slf,
        args,
        kw,
        result: ptr::null_mut(),
    };
    // SAFETY: `a` is the NEWFUNC argument struct and `new_impl` has that signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_NEWFUNC,
            new_impl::<F> as HPyCFunction,
            (&raw mut a).cast(),
        )
    };
    a.result
}

unsafe extern "C" fn init_impl<F: InitSlot>(
    ctx: *mut HPyContext,
    slf: HPy,
    args: *const HPy,
    nargs: HPy_ssize_t,
    kw: HPy,
) -> c_int {
    // SAFETY: called by the runtime with `nargs` live arguments and a dict or NULL.
    let r = unsafe {
        run(ctx, |c| {
            let obj = BorrowedHandle::new(c, slf);
            if kw.is_null() {
                return F::call(
                    c,
                    &obj,
                    &RawArgs {
                        slf,
                        args: args_or_dangling(args),
                        nargs: nargs as usize,
                        kwnames: HPy::NULL,
                    },
                );
            }
            let args = core::slice::from_raw_parts(args_or_dangling(args), nargs as usize);
            with_dict_kwargs(c, slf, args, kw, |a| F::call(c, &obj, a))
        })
    };
    if r.is_some() { 0 } else { -1 }
}

unsafe extern "C" fn init_tramp<F: InitSlot>(
    slf: *mut cpy_PyObject,
    args: *mut cpy_PyObject,
    kw: *mut cpy_PyObject,
) -> c_int {
    let mut a = ArgsInit {
        slf,
        args,
        kw,
        result: 0,
    };
    // SAFETY: `a` is the INITPROC argument struct and `init_impl` has that signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_INITPROC,
            init_impl::<F> as HPyCFunction,
            (&raw mut a).cast(),
        )
    };
    a.result
}

unsafe extern "C" fn destroy_impl<T: PyClass>(payload: *mut c_void) {
    // `tp_destroy` must not call the runtime, and a panic must not unwind into it.
    // SAFETY: the runtime passes the payload of an instance being destroyed (or the instance).
    let Some(cell) = (unsafe { locate_payload::<T>(payload) }) else {
        return;
    };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // SAFETY: the object is being destroyed: nothing borrows its value any more.
        unsafe { ClassCell::<T>::drop_value(cell) }
    }));
    if r.is_err() {
        // Nothing can be reported from here (no context): the value is gone either way.
        eprintln!(
            "hpy_core: a Drop of {} panicked while the object was destroyed",
            T::NAME
        );
    }
}

unsafe extern "C" fn destroy_tramp() {
    // HPy's CPython runtime calls `tp_destroy`'s impl directly; this is never called.
    std::process::abort()
}

unsafe extern "C" fn traverse_impl<T: PyClass>(
    payload: *mut c_void,
    visit: HPyFunc_visitproc,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: the collector passes the live payload of an instance of `T` (or the instance).
    let Some(cell) = (unsafe { locate_payload::<T>(payload) }) else {
        return 0;
    };
    // SAFETY: as above.
    match unsafe { ClassCell::<T>::value_for_gc(cell) } {
        Some(v) => v.traverse(&mut Visit {
            visit,
            arg,
            _life: core::marker::PhantomData,
        }),
        None => 0,
    }
}

unsafe extern "C" fn traverse_tramp<T: PyClass>(
    slf: *mut cpy_PyObject,
    visit: *mut c_void,
    arg: *mut c_void,
) -> c_int {
    let mut a = ArgsTraverse {
        slf,
        visit,
        arg,
        result: 0,
    };
    // SAFETY: `a` is the TRAVERSEPROC argument struct and `traverse_impl` has that signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_TRAVERSEPROC,
            traverse_impl::<T> as HPyCFunction,
            (&raw mut a).cast(),
        )
    };
    a.result
}

// ---------------------------------------------------------------------------------------------
// Definitions, for the macros.

const fn slot(slot: HPySlot_Slot, impl_: HPyCFunction, cpy_trampoline: cpy_PyCFunction) -> HPyDef {
    HPyDef {
        kind: HPyDef_Kind_Slot,
        u: HPyDefUnion {
            slot: HPySlot {
                slot,
                impl_,
                cpy_trampoline,
            },
        },
    }
}

/// A method of the class (methods take `self` like module functions take the module).
pub const fn method<F: crate::impl_::PyFunction>(
    name: &'static CStr,
    doc: &'static CStr,
    conv: crate::impl_::Convention,
) -> HPyDef {
    crate::impl_::method_def::<F>(name, doc, conv)
}

/// A `f(self) -> object` slot. `tp_str` is a real slot on CPython only: PyPy's HPy backend
/// has no `tp_str` slot (it rejects the type), so the class defines a `__str__` method there
/// instead ([`str_method`]; [`create_type_object`] picks one of the two at run time).
pub const fn unary<F: UnarySlot>(s: HPySlot_Slot) -> HPyDef {
    let def = slot(
        s,
        unary_impl::<F> as HPyCFunction,
        unary_tramp::<F> as cpy_PyCFunction,
    );
    if s == HPy_tp_str {
        only_on(def, CPYTHON_ONLY)
    } else {
        def
    }
}

/// `__str__` as a method, for runtimes without a `tp_str` slot (PyPy's HPy; see [`unary`]).
/// `add_class` sets it on the type again, which makes a runtime install its generic slot
/// that calls it, where it has one.
pub const fn str_method<F: UnarySlot>() -> HPyDef {
    only_on(
        meth(
            c"__str__",
            unary_as_method::<F> as HPyCFunction,
            unary_as_method_tramp::<F> as cpy_PyCFunction,
        ),
        PYPY_ONLY,
    )
}

/// Marks a definition as meant for CPython only ([`CPYTHON_ONLY`]) or for PyPy only
/// ([`PYPY_ONLY`]): [`for_runtime`] keeps it, unmarked, in the table of that runtime and
/// leaves it out of the other's.
const fn only_on(mut def: HPyDef, which: HPyDef_Kind) -> HPyDef {
    def.kind |= which;
    def
}

/// The mark of a definition for CPython's HPy runtime only (see [`only_on`]); not a bit of any
/// `HPyDef_Kind`, and removed before the runtime sees the definition.
pub const CPYTHON_ONLY: HPyDef_Kind = 0x100;
/// The mark of a definition for PyPy's HPy runtime only (see [`only_on`]).
pub const PYPY_ONLY: HPyDef_Kind = 0x200;

/// The definitions of `defs` for one runtime: the ones marked for the other runtime become
/// [`SKIPPED`], the others lose their mark. `N` is `defs.len()`.
pub const fn for_runtime<const N: usize>(defs: &[HPyDef], pypy: bool) -> [HPyDef; N] {
    assert!(defs.len() == N);
    let (keep, drop) = if pypy {
        (PYPY_ONLY, CPYTHON_ONLY)
    } else {
        (CPYTHON_ONLY, PYPY_ONLY)
    };
    let mut out = [SKIPPED; N];
    let mut i = 0;
    while i < N {
        if defs[i].kind & drop == 0 {
            out[i] = defs[i];
            out[i].kind &= !keep;
        }
        i += 1;
    }
    out
}

const fn meth(name: &'static CStr, impl_: HPyCFunction, cpy_trampoline: cpy_PyCFunction) -> HPyDef {
    HPyDef {
        kind: HPyDef_Kind_Meth,
        u: HPyDefUnion {
            meth: HPyMeth {
                name: name.as_ptr(),
                impl_,
                cpy_trampoline,
                signature: HPyFunc_NOARGS,
                doc: ptr::null(),
            },
        },
    }
}

unsafe extern "C" fn unary_as_method<F: UnarySlot>(ctx: *mut HPyContext, a: HPy) -> HPy {
    // SAFETY: same contract as `unary_impl` (NOARGS has the same signature).
    unsafe { unary_impl::<F>(ctx, a) }
}
trampoline!(unary_as_method_tramp, HPyFunc_NOARGS, unary_as_method<F: UnarySlot>, Args1<*mut cpy_PyObject>,
    fn(a0: *mut cpy_PyObject, _unused: *mut cpy_PyObject) -> *mut cpy_PyObject, Args1 { a0, result: ptr::null_mut() });

unsafe extern "C" fn hash_as_method<F: HashSlot>(ctx: *mut HPyContext, a: HPy) -> HPy {
    // SAFETY: called by the runtime; `a` is live for the call.
    raw_or_null(unsafe {
        run(ctx, |c| {
            let h = F::call(c, &BorrowedHandle::new(c, a))?;
            crate::IntoHandle::into_handle(h, c).map(Handle::into_raw)
        })
    })
}
trampoline!(hash_as_method_tramp, HPyFunc_NOARGS, hash_as_method<F: HashSlot>, Args1<*mut cpy_PyObject>,
    fn(a0: *mut cpy_PyObject, _unused: *mut cpy_PyObject) -> *mut cpy_PyObject, Args1 { a0, result: ptr::null_mut() });
/// A `f(a, b) -> object` slot.
pub const fn binary<F: BinarySlot>(s: HPySlot_Slot) -> HPyDef {
    slot(
        s,
        binary_impl::<F> as HPyCFunction,
        binary_tramp::<F> as cpy_PyCFunction,
    )
}
/// A `f(a, b, c) -> object` slot.
pub const fn ternary<F: TernarySlot>(s: HPySlot_Slot) -> HPyDef {
    slot(
        s,
        ternary_impl::<F> as HPyCFunction,
        ternary_tramp::<F> as cpy_PyCFunction,
    )
}
/// `nb_bool`.
pub const fn inquiry<F: InquirySlot>(s: HPySlot_Slot) -> HPyDef {
    slot(
        s,
        inquiry_impl::<F> as HPyCFunction,
        inquiry_tramp::<F> as cpy_PyCFunction,
    )
}
/// `mp_length` / `sq_length`.
pub const fn len<F: LenSlot>(s: HPySlot_Slot) -> HPyDef {
    slot(
        s,
        len_impl::<F> as HPyCFunction,
        len_tramp::<F> as cpy_PyCFunction,
    )
}
/// `tp_hash`: a real slot on CPython only, for the same reason as `tp_str` (see [`unary`]);
/// [`hash_method`] is its PyPy form.
pub const fn hash<F: HashSlot>(s: HPySlot_Slot) -> HPyDef {
    only_on(
        slot(
            s,
            hash_impl::<F> as HPyCFunction,
            hash_tramp::<F> as cpy_PyCFunction,
        ),
        CPYTHON_ONLY,
    )
}

/// `__hash__` as a method, for PyPy's HPy (see [`hash`] and [`str_method`]).
pub const fn hash_method<F: HashSlot>() -> HPyDef {
    only_on(
        meth(
            c"__hash__",
            hash_as_method::<F> as HPyCFunction,
            hash_as_method_tramp::<F> as cpy_PyCFunction,
        ),
        PYPY_ONLY,
    )
}
/// `tp_richcompare`.
pub const fn richcmp<F: RichCmpSlot>(s: HPySlot_Slot) -> HPyDef {
    slot(
        s,
        richcmp_impl::<F> as HPyCFunction,
        richcmp_tramp::<F> as cpy_PyCFunction,
    )
}
/// `mp_ass_subscript`.
pub const fn setitem<F: SetItemSlot>(s: HPySlot_Slot) -> HPyDef {
    slot(
        s,
        setitem_impl::<F> as HPyCFunction,
        setitem_tramp::<F> as cpy_PyCFunction,
    )
}
/// `sq_contains`.
pub const fn objobj<F: ObjObjSlot>(s: HPySlot_Slot) -> HPyDef {
    slot(
        s,
        objobj_impl::<F> as HPyCFunction,
        objobj_tramp::<F> as cpy_PyCFunction,
    )
}
/// `tp_new`.
pub const fn new<F: NewSlot>() -> HPyDef {
    slot(
        HPy_tp_new,
        new_impl::<F> as HPyCFunction,
        new_tramp::<F> as cpy_PyCFunction,
    )
}
/// `tp_init`.
pub const fn init<F: InitSlot>() -> HPyDef {
    slot(
        HPy_tp_init,
        init_impl::<F> as HPyCFunction,
        init_tramp::<F> as cpy_PyCFunction,
    )
}
/// `tp_destroy`: drops the Rust value. Left out (see [`SKIPPED`]) for a class whose value
/// needs no drop and that holds no [`Field`](super::Field) (`gc`): the runtime's own
/// deallocation is then cheaper (on CPython, `subtype_dealloc` instead of HPy's dealloc
/// calling `tp_destroy`).
pub const fn destroy<T: PyClass>(gc: bool) -> HPyDef {
    if !gc && !core::mem::needs_drop::<T>() {
        return SKIPPED;
    }
    slot(
        HPy_tp_destroy,
        destroy_impl::<T> as HPyCFunction,
        destroy_tramp as cpy_PyCFunction,
    )
}

/// A definition that is not passed to the runtime: the table of a class lists the others
/// only (see [`defined_pointers`]). Its kind, 0, is none of HPy's.
pub const SKIPPED: HPyDef = HPyDef {
    kind: 0,
    u: HPyDefUnion {
        slot: HPySlot {
            slot: 0,
            impl_: ptr::null(),
            cpy_trampoline: ptr::null(),
        },
    },
};

/// How many of `defs` are not [`SKIPPED`].
pub const fn count_defined(defs: &[HPyDef]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < defs.len() {
        if defs[i].kind != 0 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The NULL-terminated array of pointers to the definitions of `defs` (stored from `base`)
/// that are not [`SKIPPED`]; `M` is `count_defined(defs) + 1`.
pub const fn defined_pointers<const N: usize, const M: usize>(
    base: *mut HPyDef,
    defs: &[HPyDef],
) -> [*mut HPyDef; M] {
    assert!(defs.len() == N && count_defined(defs) + 1 == M);
    let mut out = [ptr::null_mut(); M];
    let mut j = 0;
    let mut i = 0;
    while i < N {
        if defs[i].kind != 0 {
            out[j] = base.wrapping_add(i);
            j += 1;
        }
        i += 1;
    }
    out
}
/// `tp_traverse`: visits the fields.
pub const fn traverse<T: PyClass>() -> HPyDef {
    slot(
        HPy_tp_traverse,
        traverse_impl::<T> as HPyCFunction,
        traverse_tramp::<T> as cpy_PyCFunction,
    )
}

/// A property.
pub const fn getset<G: GetterSlot, S: SetterSlot>(
    name: &'static CStr,
    doc: &'static CStr,
    has_setter: bool,
) -> HPyDef {
    let (setter_impl, setter_tramp) = if has_setter {
        (
            setter_impl::<S> as HPyCFunction,
            setter_tramp::<S> as *const c_void,
        )
    } else {
        (ptr::null(), ptr::null())
    };
    HPyDef {
        kind: HPyDef_Kind_GetSet,
        u: HPyDefUnion {
            getset: HPyGetSet {
                name: name.as_ptr(),
                getter_impl: getter_impl::<G> as HPyCFunction,
                setter_impl,
                getter_cpy_trampoline: getter_tramp::<G> as *const c_void,
                setter_cpy_trampoline: setter_tramp,
                doc: doc.as_ptr(),
                closure: ptr::null_mut(),
            },
        },
    }
}

/// A member: a primitive field read (and written) directly in the payload. `offset` is the
/// offset of the field inside `T`.
pub const fn member<T: PyClass>(
    name: &'static CStr,
    doc: &'static CStr,
    ty: HPyMember_FieldType,
    offset: usize,
    readonly: bool,
) -> HPyDef {
    HPyDef {
        kind: HPyDef_Kind_Member,
        u: HPyDefUnion {
            member: HPyMember {
                name: name.as_ptr(),
                type_: ty,
                offset: (value_offset::<T>() + offset) as HPy_ssize_t,
                readonly: readonly as c_int,
                doc: doc.as_ptr(),
            },
        },
    }
}

/// The offset of the value inside the payload.
const fn value_offset<T>() -> usize {
    core::mem::offset_of!(ClassCell<T>, value)
}

/// The type specification of `T`.
pub const fn type_spec<T: PyClass>(
    qualname: &'static CStr,
    doc: &'static CStr,
    subclass: bool,
    gc: bool,
    defines: *mut *mut HPyDef,
) -> HPyType_Spec {
    let mut flags = HPy_TPFLAGS_DEFAULT;
    if subclass {
        flags |= HPy_TPFLAGS_BASETYPE;
    }
    if gc {
        flags |= HPy_TPFLAGS_HAVE_GC;
    }
    HPyType_Spec {
        name: qualname.as_ptr(),
        basicsize: if super::payload_size::<T>() < MIN_PAYLOAD {
            MIN_PAYLOAD
        } else {
            super::payload_size::<T>()
        } as c_int,
        itemsize: 0,
        flags,
        builtin_shape: HPyType_BuiltinShape_Object,
        legacy_slots: ptr::null_mut(),
        defines,
        doc: doc.as_ptr(),
    }
}

/// Creates `T`'s type from its specification.
pub(crate) fn create_type_object<'c, T: PyClass>(ctx: Ctx<'c>) -> Result<Handle<'c>> {
    let specs = T::spec();
    // SAFETY: `spec` returns a pointer to a static pair of specifications, never written.
    let spec = unsafe {
        if is_pypy_ctx(ctx.raw().0) {
            &raw mut (*specs).pypy
        } else {
            &raw mut (*specs).cpython
        }
    };
    let h = ctx_call!(ctx.raw().0, ctx_Type_FromSpec, spec, ptr::null_mut());
    // SAFETY: the result is NULL or a new reference.
    unsafe { ctx.check(h) }
}

/// Defines the static type specification of a class. Expanded by `#[hpy_core::module]`;
/// evaluates to a `*mut TypeSpec`.
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_class_spec {
    (
        class: $T:ty,
        qualname: $qualname:expr,
        doc: $doc:expr,
        subclass: $subclass:expr,
        gc: $gc:expr,
        methods: [$($m:expr),* $(,)?],
        getsets: [$($g:expr),* $(,)?],
        members: [$($mb:expr),* $(,)?],
        slots: [$($s:expr),* $(,)?],
        slot_methods: [$($sm:expr),* $(,)?] $(,)?
    ) => {{
        use $crate::class as __c;
        use $crate::ffi as __f;
        const __DEFS_LIST: &[__f::HPyDef] = &[$($m,)* $($g,)* $($mb,)* $($s,)* $($sm,)*];
        const __N: usize = __DEFS_LIST.len();
        const __CPY_LIST: [__f::HPyDef; __N] = __c::for_runtime::<__N>(__DEFS_LIST, false);
        const __PYPY_LIST: [__f::HPyDef; __N] = __c::for_runtime::<__N>(__DEFS_LIST, true);
        static __DEFS_CPY: $crate::impl_::SyncCell<[__f::HPyDef; __N]> =
            $crate::impl_::SyncCell::new(__CPY_LIST);
        static __DEFS_PYPY: $crate::impl_::SyncCell<[__f::HPyDef; __N]> =
            $crate::impl_::SyncCell::new(__PYPY_LIST);
        const __M_CPY: usize = __c::count_defined(&__CPY_LIST) + 1;
        const __M_PYPY: usize = __c::count_defined(&__PYPY_LIST) + 1;
        static __PTRS_CPY: $crate::impl_::SyncCell<[*mut __f::HPyDef; __M_CPY]> =
            $crate::impl_::SyncCell::new(__c::defined_pointers::<__N, __M_CPY>(
                __DEFS_CPY.get().cast(),
                &__CPY_LIST,
            ));
        static __PTRS_PYPY: $crate::impl_::SyncCell<[*mut __f::HPyDef; __M_PYPY]> =
            $crate::impl_::SyncCell::new(__c::defined_pointers::<__N, __M_PYPY>(
                __DEFS_PYPY.get().cast(),
                &__PYPY_LIST,
            ));
        static __SPEC: $crate::impl_::SyncCell<__c::TypeSpec> =
            $crate::impl_::SyncCell::new(__c::TypeSpec {
                cpython: __c::type_spec::<$T>($qualname, $doc, $subclass, $gc, __PTRS_CPY.get().cast()),
                pypy: __c::type_spec::<$T>($qualname, $doc, $subclass, $gc, __PTRS_PYPY.get().cast()),
            });
        __SPEC.get()
    }};
}

/// The backend's part of a [`CallFunction`](super::CallFunction): the `HPyCallFunction` of
/// the class's dispatcher, which `HPy_SetCallFunction` installs. (CPython's runtime makes it
/// the instance's vectorcall function; PyPy 7.3.19's sets it as `__call__` of the whole type,
/// which the dispatcher makes harmless: it runs each instance's own function, or `__call__`.)
#[derive(Clone, Copy)]
pub struct CallFunctionDef(HPyCallFunction);

// SAFETY: two function pointers, never written.
unsafe impl Sync for CallFunctionDef {}

impl CallFunctionDef {
    /// For the call functions of `T`.
    pub(crate) const fn new<T: PyClass>() -> Self {
        let (impl_, tramp) = crate::impl_::keywords_entry_points::<super::CallDispatch<T>>();
        CallFunctionDef(HPyCallFunction {
            cpy_trampoline: tramp,
            impl_,
        })
    }

    /// `HPy_SetCallFunction` on `obj`, after its word was written.
    pub(crate) fn install(&'static self, ctx: Ctx<'_>, obj: &Handle<'_>) -> Result<()> {
        // SAFETY: `obj` is live; the definition is static and only read by the runtime.
        let r = unsafe {
            crate::backend::set_call_function(
                ctx.raw(),
                obj.as_raw(),
                (&raw const self.0).cast_mut(),
            )
        };
        if r < 0 { Err(Error::pending()) } else { Ok(()) }
    }
}

/// `tp_call` (HPy calls it with the KEYWORDS convention, as vectorcall): `F` (`__call__`), or
/// for a class with `#[call_function]`s the dispatcher (see
/// [`CallFunction`](super::CallFunction)).
pub const fn call<T: PyClass, F: crate::impl_::PyFunction>() -> HPyDef {
    let (impl_, tramp) = if T::CALL_FUNCTIONS {
        crate::impl_::keywords_entry_points::<super::CallDispatch<T>>()
    } else {
        crate::impl_::keywords_entry_points::<F>()
    };
    slot(HPy_tp_call, impl_, tramp)
}

#[repr(C)]
struct ArgsGetBuffer {
    slf: *mut cpy_PyObject,
    view: *mut c_void,
    flags: c_int,
    result: c_int,
}

#[repr(C)]
struct ArgsReleaseBuffer {
    slf: *mut cpy_PyObject,
    view: *mut c_void,
}

unsafe extern "C" fn getbuffer_impl<F: super::BufferSlot>(
    ctx: *mut HPyContext,
    slf: HPy,
    view: *mut HPy_buffer,
    flags: c_int,
) -> c_int {
    // SAFETY: called by the runtime with a live `self` and a view to fill.
    let r = unsafe {
        run(ctx, |c| {
            let obj = BorrowedHandle::new(c, slf);
            let f = super::get_buffer::<F>(c, &obj, flags)?;
            (*view) = HPy_buffer {
                buf: f.buf,
                obj: obj.clone().into_raw(),
                len: f.len,
                itemsize: f.itemsize,
                readonly: c_int::from(f.readonly),
                ndim: 1,
                format: f.format,
                shape: f.shape,
                strides: f.strides,
                suboffsets: ptr::null_mut(),
                internal: f.internal,
            };
            Ok(())
        })
    };
    if r.is_some() { 0 } else { -1 }
}

unsafe extern "C" fn getbuffer_tramp<F: super::BufferSlot>(
    slf: *mut cpy_PyObject,
    view: *mut c_void,
    flags: c_int,
) -> c_int {
    let mut a = ArgsGetBuffer {
        slf,
        view,
        flags,
        result: 0,
    };
    // SAFETY: `a` is the GETBUFFERPROC argument struct and `getbuffer_impl` has that signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_GETBUFFERPROC,
            getbuffer_impl::<F> as HPyCFunction,
            (&raw mut a).cast(),
        )
    };
    a.result
}

unsafe extern "C" fn releasebuffer_impl<F: super::BufferSlot>(
    ctx: *mut HPyContext,
    slf: HPy,
    view: *mut HPy_buffer,
) {
    // SAFETY: called by the runtime with the view `getbuffer_impl` filled.
    unsafe {
        run(ctx, |c| {
            super::release_buffer::<F>(c, slf, (*view).internal);
            Ok(())
        });
    }
}

unsafe extern "C" fn releasebuffer_tramp<F: super::BufferSlot>(
    slf: *mut cpy_PyObject,
    view: *mut c_void,
) {
    let mut a = ArgsReleaseBuffer { slf, view };
    // SAFETY: `a` is the RELEASEBUFFERPROC argument struct and the impl has that signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_RELEASEBUFFERPROC,
            releasebuffer_impl::<F> as HPyCFunction,
            (&raw mut a).cast(),
        )
    };
}

/// `bf_getbuffer`.
pub const fn getbuffer<F: super::BufferSlot>() -> HPyDef {
    slot(
        HPy_bf_getbuffer,
        getbuffer_impl::<F> as HPyCFunction,
        getbuffer_tramp::<F> as cpy_PyCFunction,
    )
}

/// `bf_releasebuffer`.
pub const fn releasebuffer<F: super::BufferSlot>() -> HPyDef {
    slot(
        HPy_bf_releasebuffer,
        releasebuffer_impl::<F> as HPyCFunction,
        releasebuffer_tramp::<F> as cpy_PyCFunction,
    )
}

//! CPython-ABI backend of custom types: a `PyType_Spec` built at compile time (methods,
//! properties and members in their own tables, special methods as `PyType_Slot`s) and created
//! with `PyType_FromSpec`. The payload sits right after the object header, aligned for the
//! `ClassCell<T>`. There is no HPy runtime here: `tp_dealloc`, `tp_traverse` and `tp_clear` are
//! ours.

use core::ffi::{CStr, c_int, c_uint, c_void};
use core::ptr;

use pyo3_ffi as py;

use super::{
    BinarySlot, ClassCell, GetterSlot, HashSlot, InitSlot, InquirySlot, LenSlot, NewSlot,
    ObjObjSlot, PyClass, RichCmpSlot, SetItemSlot, SetterSlot, TernarySlot, UnarySlot,
};
use crate::backend::RawCtx;
use crate::err::{Error, Result};
use crate::ffi::{HPy, HPyField, HPyGlobal, HPyMember_FieldType};
use crate::handle::{BorrowedHandle, Ctx, Handle};
use crate::impl_::{RawArgs, guard};

/// The type specification of this backend.
pub type TypeSpec = py::PyType_Spec;

#[inline(always)]
fn h(o: *mut py::PyObject) -> HPy {
    HPy { _i: o as isize }
}

#[inline(always)]
fn o(x: HPy) -> *mut py::PyObject {
    x._i as *mut py::PyObject
}

/// Where the payload starts inside an instance of `T`.
pub const fn payload_offset<T>() -> usize {
    let align = align_of::<ClassCell<T>>();
    size_of::<py::PyObject>().div_ceil(align) * align
}

/// The payload of an instance of `T`.
///
/// # Safety
/// `x` is an instance of `T`'s type (or of a subclass).
#[inline(always)]
pub unsafe fn payload<T: PyClass>(_ctx: Ctx<'_>, x: HPy) -> Result<*mut ClassCell<T>> {
    // SAFETY: forwarded contract: the payload lies at this offset of every such instance.
    Ok(unsafe { o(x).cast::<u8>().add(payload_offset::<T>()).cast() })
}

/// Loads a field (a new reference).
///
/// # Safety
/// `owner` contains `field`, which holds a stored reference.
pub(crate) unsafe fn field_load<'c>(
    ctx: Ctx<'c>,
    _owner: HPy,
    field: *mut HPyField,
) -> Option<Handle<'c>> {
    // SAFETY: the field holds a strong reference owned by its object, which is alive.
    unsafe {
        let p = (*field)._i as *mut py::PyObject;
        if p.is_null() {
            return None;
        }
        py::Py_INCREF(p);
        Some(ctx.handle_from_raw(h(p)))
    }
}

/// Stores into a field; `None` clears it.
///
/// # Safety
/// `owner` contains `field`.
pub(crate) unsafe fn field_store(
    _ctx: Ctx<'_>,
    _owner: HPy,
    field: *mut HPyField,
    value: Option<HPy>,
) {
    // SAFETY: the GIL is held; the field owns one reference, replaced here.
    unsafe {
        let new = value.map_or(ptr::null_mut(), o);
        py::Py_XINCREF(new);
        let old = (*field)._i as *mut py::PyObject;
        (*field)._i = new as isize;
        py::Py_XDECREF(old);
    }
}

/// Stores into a global.
///
/// # Safety
/// The GIL is held.
pub(crate) unsafe fn global_store(_ctx: Ctx<'_>, global: *mut HPyGlobal, value: HPy) {
    // SAFETY: the global owns one reference, replaced here.
    unsafe {
        py::Py_INCREF(o(value));
        let old = (*global)._i as *mut py::PyObject;
        (*global)._i = value._i;
        py::Py_XDECREF(old);
    }
}

/// Loads a global (a new reference).
///
/// # Safety
/// Something was stored in `global`.
pub(crate) unsafe fn global_load<'c>(ctx: Ctx<'c>, global: *mut HPyGlobal) -> Handle<'c> {
    // SAFETY: the global keeps its object alive.
    unsafe {
        let p = (*global)._i as *mut py::PyObject;
        py::Py_INCREF(p);
        ctx.handle_from_raw(h(p))
    }
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
    // SAFETY: `ty` is a live type object; tp_alloc returns a zero-filled object (GC-tracked if
    // the type has GC, which is safe: an empty cell is skipped by traverse).
    unsafe {
        let tp = o(ty.as_raw()).cast::<py::PyTypeObject>();
        let alloc: py::allocfunc = match (*tp).tp_alloc {
            Some(f) => f,
            None => py::PyType_GenericAlloc,
        };
        let obj = ctx.check(h(alloc(tp, 0)))?;
        ClassCell::init(payload::<T>(ctx, obj.as_raw())?, value);
        Ok(obj)
    }
}

/// Allocates an instance of `T`'s own type `ty` holding `value` (the universal backend saves a
/// context call there; here it is [`alloc_with`]).
///
/// # Safety
/// `ty` is `T`'s type.
#[inline(always)]
pub(crate) unsafe fn alloc_exact<'c, T: PyClass>(
    ctx: Ctx<'c>,
    ty: &Handle<'c>,
    value: T,
) -> Result<Handle<'c>> {
    // SAFETY: forwarded contract.
    unsafe { alloc_with::<T>(ctx, ty, value) }
}

/// What `tp_traverse` (and `tp_clear`) pass to [`PyClass::traverse`].
pub struct Visit<'a> {
    f: &'a mut dyn FnMut(*mut HPyField) -> c_int,
}

impl Visit<'_> {
    /// Visits one field; a non-zero result must be returned at once.
    pub fn field(&mut self, f: &super::Field) -> c_int {
        if f.is_empty() {
            return 0;
        }
        (self.f)(f.as_raw())
    }
}

// ---------------------------------------------------------------------------------------------
// Slot functions: CPython calls them directly.

#[inline(always)]
fn run<R>(f: impl for<'c> FnOnce(Ctx<'c>) -> Result<R>) -> Option<R> {
    // SAFETY: CPython holds the GIL while it calls a slot.
    unsafe { guard(RawCtx, f) }
}

fn obj_or_null(r: Option<HPy>) -> *mut py::PyObject {
    r.map_or(ptr::null_mut(), o)
}

unsafe extern "C" fn unary_fn<F: UnarySlot>(a: *mut py::PyObject) -> *mut py::PyObject {
    // SAFETY: `a` is live for the call.
    obj_or_null(run(|c| {
        F::call(c, &*unsafe { BorrowedHandle::new(c, h(a)) })
    }))
}

unsafe extern "C" fn binary_fn<F: BinarySlot>(
    a: *mut py::PyObject,
    b: *mut py::PyObject,
) -> *mut py::PyObject {
    // SAFETY: both operands are live for the call.
    obj_or_null(run(|c| unsafe {
        F::call(
            c,
            &BorrowedHandle::new(c, h(a)),
            &BorrowedHandle::new(c, h(b)),
        )
    }))
}

unsafe extern "C" fn ternary_fn<F: TernarySlot>(
    a: *mut py::PyObject,
    b: *mut py::PyObject,
    m: *mut py::PyObject,
) -> *mut py::PyObject {
    // SAFETY: all operands are live for the call (`m` is None when absent).
    obj_or_null(run(|c| unsafe {
        F::call(
            c,
            &BorrowedHandle::new(c, h(a)),
            &BorrowedHandle::new(c, h(b)),
            &BorrowedHandle::new(c, h(m)),
        )
    }))
}

unsafe extern "C" fn inquiry_fn<F: InquirySlot>(a: *mut py::PyObject) -> c_int {
    // SAFETY: `a` is live for the call.
    match run(|c| F::call(c, &*unsafe { BorrowedHandle::new(c, h(a)) })) {
        Some(b) => c_int::from(b),
        None => -1,
    }
}

unsafe extern "C" fn len_fn<F: LenSlot>(a: *mut py::PyObject) -> py::Py_ssize_t {
    // SAFETY: `a` is live for the call.
    run(|c| F::call(c, &*unsafe { BorrowedHandle::new(c, h(a)) })).unwrap_or(-1)
}

unsafe extern "C" fn hash_fn<F: HashSlot>(a: *mut py::PyObject) -> py::Py_hash_t {
    // SAFETY: `a` is live for the call.
    run(|c| F::call(c, &*unsafe { BorrowedHandle::new(c, h(a)) })).unwrap_or(-1)
}

unsafe extern "C" fn richcmp_fn<F: RichCmpSlot>(
    a: *mut py::PyObject,
    b: *mut py::PyObject,
    op: c_int,
) -> *mut py::PyObject {
    // SAFETY: both operands are live for the call.
    obj_or_null(run(|c| unsafe {
        match super::CompareOp::from_raw(op) {
            Some(op) => F::call(
                c,
                &BorrowedHandle::new(c, h(a)),
                &BorrowedHandle::new(c, h(b)),
                op,
            ),
            None => Err(Error::system_error(format!(
                "invalid comparison operator {op}"
            ))),
        }
    }))
}

unsafe extern "C" fn setitem_fn<F: SetItemSlot>(
    a: *mut py::PyObject,
    k: *mut py::PyObject,
    v: *mut py::PyObject,
) -> c_int {
    // SAFETY: the arguments are live for the call; `v` is NULL for deletion.
    let r = run(|c| unsafe {
        let value = (!v.is_null()).then(|| BorrowedHandle::new(c, h(v)));
        F::call(
            c,
            &BorrowedHandle::new(c, h(a)),
            &BorrowedHandle::new(c, h(k)),
            value.as_deref(),
        )
    });
    if r.is_some() { 0 } else { -1 }
}

unsafe extern "C" fn objobj_fn<F: ObjObjSlot>(a: *mut py::PyObject, b: *mut py::PyObject) -> c_int {
    // SAFETY: both arguments are live for the call.
    match run(|c| unsafe {
        F::call(
            c,
            &BorrowedHandle::new(c, h(a)),
            &BorrowedHandle::new(c, h(b)),
        )
    }) {
        Some(b) => c_int::from(b),
        None => -1,
    }
}

unsafe extern "C" fn getter_fn<F: GetterSlot>(
    a: *mut py::PyObject,
    _closure: *mut c_void,
) -> *mut py::PyObject {
    // SAFETY: `a` is live for the call.
    obj_or_null(run(|c| {
        F::get(c, &*unsafe { BorrowedHandle::new(c, h(a)) })
    }))
}

unsafe extern "C" fn setter_fn<F: SetterSlot>(
    a: *mut py::PyObject,
    v: *mut py::PyObject,
    _closure: *mut c_void,
) -> c_int {
    // SAFETY: `a` is live for the call; `v` is NULL for deletion.
    let r = run(|c| unsafe {
        let value = (!v.is_null()).then(|| BorrowedHandle::new(c, h(v)));
        F::set(c, &BorrowedHandle::new(c, h(a)), value.as_deref())
    });
    if r.is_some() { 0 } else { -1 }
}

/// The positional arguments of a `tp_new`/`tp_init` call, as the array of handles the
/// argument parser reads.
struct TupleItems {
    items: *const HPy,
    n: usize,
    // PyPy's cpyext has no item array to point into: the (borrowed) items are collected.
    #[cfg(hpy_cpyext)]
    _collected: Vec<HPy>,
}

impl TupleItems {
    /// # Safety
    /// `args` is the live argument tuple of the call; it outlives the result.
    #[inline(always)]
    unsafe fn new(args: *mut py::PyObject) -> TupleItems {
        // SAFETY: forwarded contract; the items of a CPython tuple are contiguous.
        #[cfg(not(hpy_cpyext))]
        unsafe {
            TupleItems {
                items: (*args.cast::<py::PyTupleObject>())
                    .ob_item
                    .as_ptr()
                    .cast::<HPy>(),
                n: py::PyTuple_GET_SIZE(args) as usize,
            }
        }
        #[cfg(hpy_cpyext)]
        {
            // SAFETY: `args` is a live tuple; the tuple keeps its items alive for the call.
            let n = unsafe { py::PyTuple_Size(args) }.max(0);
            // SAFETY: as above; `i` is in bounds.
            let collected: Vec<HPy> = (0..n)
                .map(|i| h(unsafe { py::PyTuple_GetItem(args, i) }))
                .collect();
            TupleItems {
                items: collected.as_ptr(),
                n: collected.len(),
                _collected: collected,
            }
        }
    }
}

/// Evaluates `$call` with `$a: &RawArgs` bound to the arguments of a `tp_new`/`tp_init` call (a
/// tuple and a dict or NULL) in the vectorcall layout. A macro rather than a function taking a
/// closure, so that the common call without keywords inlines `$call`: the closure is only
/// made for the rare call with keywords.
macro_rules! with_tuple_args {
    ($ctx:expr, $slf:expr, $args:expr, $kw:expr, |$a:ident| $call:expr) => {{
        let (ctx, slf, kw): (Ctx<'_>, HPy, *mut py::PyObject) = ($ctx, $slf, $kw);
        // SAFETY: CPython passes the live argument tuple of this call.
        let items = unsafe { TupleItems::new($args) };
        // SAFETY: `kw` is NULL or a live dict.
        if kw.is_null() || unsafe { py::PyDict_Size(kw) } == 0 {
            let $a = &RawArgs {
                slf,
                args: items.items,
                nargs: items.n,
                kwnames: HPy::NULL,
            };
            $call
        } else {
            // SAFETY: `items` holds `n` live objects; `kw` is a live dict.
            unsafe { with_keyword_args(ctx, slf, items.items, items.n, kw, |$a| $call) }
        }
    }};
}

/// The keyword arguments of a `tp_new`/`tp_init` call in the vectorcall layout: kept out of
/// `with_tuple_args!`, so that the common call without keywords stays small.
///
/// # Safety
/// `items` points to `n` live objects; `kw` is a live dict.
#[cold]
#[inline(never)]
unsafe fn with_keyword_args<'c, R>(
    ctx: Ctx<'c>,
    slf: HPy,
    items: *const HPy,
    n: usize,
    kw: *mut py::PyObject,
    f: impl FnOnce(&RawArgs) -> Result<R>,
) -> Result<R> {
    // SAFETY: forwarded contract.
    let kw = unsafe { BorrowedHandle::new(ctx, h(kw)) };
    let keys = ctx.builtin("tuple")?.call(&[&kw])?;
    let nk = keys.len()?;
    let mut values: Vec<Handle<'c>> = Vec::with_capacity(nk);
    for i in 0..nk {
        let k = keys.get_item(i)?;
        values.push(kw.get_item(&k)?);
    }
    // SAFETY: forwarded contract.
    let mut all: Vec<HPy> = unsafe { core::slice::from_raw_parts(items, n) }.to_vec();
    all.extend(values.iter().map(Handle::as_raw));
    f(&RawArgs {
        slf,
        args: all.as_ptr(),
        nargs: n,
        kwnames: keys.as_raw(),
    })
}

unsafe extern "C" fn new_fn<F: NewSlot>(
    ty: *mut py::PyTypeObject,
    args: *mut py::PyObject,
    kw: *mut py::PyObject,
) -> *mut py::PyObject {
    obj_or_null(run(|c| {
        let value = with_tuple_args!(c, h(ty.cast()), args, kw, |a| F::call(c, a))?;
        // SAFETY: CPython passes the class being instantiated: `F::Class` or a subclass.
        let ty = unsafe { BorrowedHandle::new(c, h(ty.cast())) };
        // SAFETY: as above.
        unsafe { alloc_with::<F::Class>(c, &ty, value) }.map(Handle::into_raw)
    }))
}

unsafe extern "C" fn init_fn<F: InitSlot>(
    slf: *mut py::PyObject,
    args: *mut py::PyObject,
    kw: *mut py::PyObject,
) -> c_int {
    let r = run(|c| {
        // SAFETY: `slf` is live for the call.
        let obj = unsafe { BorrowedHandle::new(c, h(slf)) };
        with_tuple_args!(c, h(slf), args, kw, |a| F::call(c, &obj, a))
    });
    if r.is_some() { 0 } else { -1 }
}

/// Visits the fields of an instance with a CPython visitor.
unsafe fn visit_fields<T: PyClass>(
    obj: *mut py::PyObject,
    mut f: impl FnMut(*mut HPyField) -> c_int,
) -> c_int {
    // SAFETY: `obj` is a live instance of `T` (or a subclass); its payload is at this offset.
    let cell = unsafe {
        obj.cast::<u8>()
            .add(payload_offset::<T>())
            .cast::<ClassCell<T>>()
    };
    // SAFETY: as above.
    match unsafe { ClassCell::<T>::value_for_gc(cell) } {
        Some(v) => v.traverse(&mut Visit { f: &mut f }),
        None => 0,
    }
}

unsafe extern "C" fn traverse_fn<T: PyClass>(
    obj: *mut py::PyObject,
    visit: py::visitproc,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: the collector passes a live instance. Heap types must visit their type.
    unsafe {
        let rc = visit(py::Py_TYPE(obj).cast(), arg);
        if rc != 0 {
            return rc;
        }
        visit_fields::<T>(obj, |f| {
            let p = (*f)._i as *mut py::PyObject;
            if p.is_null() { 0 } else { visit(p, arg) }
        })
    }
}

/// Empties every field (releasing its reference).
unsafe fn clear_fields<T: PyClass>(obj: *mut py::PyObject) {
    // SAFETY: `obj` is live; each field owns one reference, dropped after it is emptied.
    unsafe {
        visit_fields::<T>(obj, |f| {
            let p = (*f)._i as *mut py::PyObject;
            (*f)._i = 0;
            py::Py_XDECREF(p);
            0
        });
    }
}

unsafe extern "C" fn clear_fn<T: PyClass>(obj: *mut py::PyObject) -> c_int {
    // SAFETY: the collector passes a live instance.
    unsafe { clear_fields::<T>(obj) };
    0
}

unsafe extern "C" fn dealloc_fn<T: PyClass>(obj: *mut py::PyObject) {
    // SAFETY: CPython passes an instance whose last reference is gone; the GIL is held.
    unsafe {
        let tp = py::Py_TYPE(obj);
        if py::PyType_IS_GC(tp) != 0 {
            py::PyObject_GC_UnTrack(obj.cast());
        }
        clear_fields::<T>(obj);
        let cell = payload::<T>(Ctx::from_raw(RawCtx), h(obj)).unwrap_or(ptr::null_mut());
        let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ClassCell::<T>::drop_value(cell)
        }));
        if dropped.is_err() {
            Error::system_error(format!(
                "a Drop of {} panicked while the object was destroyed",
                T::NAME
            ))
            .restore(Ctx::from_raw(RawCtx));
            py::PyErr_WriteUnraisable(obj);
        }
        // `tp_free` read directly, as a C type's `tp_dealloc` does (the type object's layout
        // is CPython's, and cpyext's): `PyType_GetSlot` costs a call and a range check.
        let free = (*tp).tp_free.unwrap_or(py::PyObject_Free);
        free(obj.cast());
        // Instances of heap types own a reference to their type.
        py::Py_DECREF(tp.cast());
    }
}

// ---------------------------------------------------------------------------------------------
// Definitions, for the macros.

/// A method of the class.
pub type MethodDef = py::PyMethodDef;
/// A property.
pub type GetSetDef = py::PyGetSetDef;
/// A member.
pub type MemberDef = py::PyMemberDef;
/// A slot.
pub type SlotDef = py::PyType_Slot;

/// A method of the class.
pub const fn method<F: crate::impl_::PyFunction>(
    name: &'static CStr,
    doc: &'static CStr,
    conv: crate::impl_::Convention,
) -> MethodDef {
    crate::impl_::method_def::<F>(name, doc, conv)
}

const fn slot(slot: c_int, pfunc: *mut c_void) -> SlotDef {
    py::PyType_Slot { slot, pfunc }
}

/// A `f(self) -> object` slot.
pub const fn unary<F: UnarySlot>(s: c_int) -> SlotDef {
    slot(s, unary_fn::<F> as *mut c_void)
}
/// A `f(a, b) -> object` slot.
pub const fn binary<F: BinarySlot>(s: c_int) -> SlotDef {
    slot(s, binary_fn::<F> as *mut c_void)
}
/// A `f(a, b, c) -> object` slot.
pub const fn ternary<F: TernarySlot>(s: c_int) -> SlotDef {
    slot(s, ternary_fn::<F> as *mut c_void)
}
/// `nb_bool`.
pub const fn inquiry<F: InquirySlot>(s: c_int) -> SlotDef {
    slot(s, inquiry_fn::<F> as *mut c_void)
}
/// `mp_length` / `sq_length`.
pub const fn len<F: LenSlot>(s: c_int) -> SlotDef {
    slot(s, len_fn::<F> as *mut c_void)
}
/// `tp_hash`.
pub const fn hash<F: HashSlot>(s: c_int) -> SlotDef {
    slot(s, hash_fn::<F> as *mut c_void)
}
/// `tp_richcompare`.
pub const fn richcmp<F: RichCmpSlot>(s: c_int) -> SlotDef {
    slot(s, richcmp_fn::<F> as *mut c_void)
}
/// `mp_ass_subscript`.
pub const fn setitem<F: SetItemSlot>(s: c_int) -> SlotDef {
    slot(s, setitem_fn::<F> as *mut c_void)
}
/// `sq_contains`.
pub const fn objobj<F: ObjObjSlot>(s: c_int) -> SlotDef {
    slot(s, objobj_fn::<F> as *mut c_void)
}
/// `tp_new`.
pub const fn new<F: NewSlot>() -> SlotDef {
    slot(py::Py_tp_new, new_fn::<F> as *mut c_void)
}
/// `tp_init`.
pub const fn init<F: InitSlot>() -> SlotDef {
    slot(py::Py_tp_init, init_fn::<F> as *mut c_void)
}
/// `tp_dealloc`: clears the fields, drops the Rust value, frees the object (always installed:
/// cheaper than CPython's `subtype_dealloc`, whatever `gc` says).
pub const fn destroy<T: PyClass>(gc: bool) -> SlotDef {
    let _ = gc;
    slot(py::Py_tp_dealloc, dealloc_fn::<T> as *mut c_void)
}
/// `tp_traverse`, for classes with fields (`tp_clear` is always installed: see
/// [`table_slots`]).
pub const fn traverse<T: PyClass>() -> SlotDef {
    slot(py::Py_tp_traverse, traverse_fn::<T> as *mut c_void)
}

/// A property.
pub const fn getset<G: GetterSlot, S: SetterSlot>(
    name: &'static CStr,
    doc: &'static CStr,
    has_setter: bool,
) -> GetSetDef {
    py::PyGetSetDef {
        name: name.as_ptr(),
        get: Some(getter_fn::<G>),
        set: if has_setter {
            Some(setter_fn::<S>)
        } else {
            None
        },
        doc: doc.as_ptr(),
        closure: ptr::null_mut(),
    }
}

/// A member: a primitive field read (and written) directly in the object. `offset` is the
/// offset of the field inside `T`.
pub const fn member<T: PyClass>(
    name: &'static CStr,
    doc: &'static CStr,
    ty: HPyMember_FieldType,
    offset: usize,
    readonly: bool,
) -> MemberDef {
    py::PyMemberDef {
        name: name.as_ptr(),
        type_code: ty,
        offset: (payload_offset::<T>() + core::mem::offset_of!(ClassCell<T>, value) + offset)
            as py::Py_ssize_t,
        flags: if readonly { py::Py_READONLY } else { 0 },
        doc: doc.as_ptr(),
    }
}

/// Copies `defs` into an array of `N` with a zeroed terminator.
pub const fn terminated<D: Copy, const N: usize>(defs: &[D], zero: D) -> [D; N] {
    assert!(defs.len() + 1 == N);
    let mut out = [zero; N];
    let mut i = 0;
    while i < defs.len() {
        out[i] = defs[i];
        i += 1;
    }
    out
}

/// The terminator of each table.
pub const ZERO_METHOD: MethodDef = py::PyMethodDef::zeroed();
/// The terminator of the property table.
pub const ZERO_GETSET: GetSetDef = py::PyGetSetDef {
    name: ptr::null(),
    get: None,
    set: None,
    doc: ptr::null(),
    closure: ptr::null_mut(),
};
/// The terminator of the member table.
pub const ZERO_MEMBER: MemberDef = py::PyMemberDef {
    name: ptr::null(),
    type_code: 0,
    offset: 0,
    flags: 0,
    doc: ptr::null(),
};
/// The terminator of the slot table.
pub const ZERO_SLOT: SlotDef = py::PyType_Slot {
    slot: 0,
    pfunc: ptr::null_mut(),
};

/// The slots every class has: its method, property and member tables, its doc, and
/// `tp_clear` (which only a class with fields, and so with GC, ever gets called).
pub const fn table_slots<T: PyClass>(
    methods: *mut MethodDef,
    getsets: *mut GetSetDef,
    members: *mut MemberDef,
    doc: &'static CStr,
) -> [SlotDef; EXTRA_SLOTS] {
    [
        slot(py::Py_tp_methods, methods.cast()),
        slot(py::Py_tp_getset, getsets.cast()),
        slot(py::Py_tp_members, members.cast()),
        slot(py::Py_tp_doc, doc.as_ptr().cast_mut().cast()),
        slot(py::Py_tp_clear, clear_fn::<T> as *mut c_void),
    ]
}

/// How many slots [`table_slots`] adds.
pub const EXTRA_SLOTS: usize = 5;

/// The type specification of `T`.
pub const fn type_spec<T: PyClass>(
    qualname: &'static CStr,
    subclass: bool,
    gc: bool,
    slots: *mut SlotDef,
) -> TypeSpec {
    let mut flags = py::Py_TPFLAGS_DEFAULT as c_uint;
    if subclass {
        flags |= py::Py_TPFLAGS_BASETYPE as c_uint;
    }
    if gc {
        flags |= py::Py_TPFLAGS_HAVE_GC as c_uint;
    }
    py::PyType_Spec {
        name: qualname.as_ptr(),
        basicsize: (payload_offset::<T>() + super::payload_size::<T>()) as c_int,
        itemsize: 0,
        flags,
        slots,
    }
}

/// Creates `T`'s type from its specification.
pub(crate) fn create_type_object<'c, T: PyClass>(ctx: Ctx<'c>) -> Result<Handle<'c>> {
    // SAFETY: the GIL is held; the specification is a static built for `T`.
    unsafe { ctx.check(h(py::PyType_FromSpec(T::spec()))) }
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
        // The universal backend's method forms of `__str__` and `__hash__` for PyPy; this
        // backend has real slots for both.
        slot_methods: [$($sm:expr),* $(,)?] $(,)?
    ) => {{
        use $crate::class as __c;
        const __METHODS_LIST: &[__c::MethodDef] = &[$($m),*];
        const __GETSETS_LIST: &[__c::GetSetDef] = &[$($g),*];
        const __MEMBERS_LIST: &[__c::MemberDef] = &[$($mb),*];
        const __SLOTS_LIST: &[__c::SlotDef] = &[$($s),*];
        const __NM: usize = __METHODS_LIST.len() + 1;
        const __NG: usize = __GETSETS_LIST.len() + 1;
        const __NMB: usize = __MEMBERS_LIST.len() + 1;
        const __NS: usize = __SLOTS_LIST.len() + __c::EXTRA_SLOTS + 1;
        static __METHODS: $crate::impl_::SyncCell<[__c::MethodDef; __NM]> =
            $crate::impl_::SyncCell::new(__c::terminated(__METHODS_LIST, __c::ZERO_METHOD));
        static __GETSETS: $crate::impl_::SyncCell<[__c::GetSetDef; __NG]> =
            $crate::impl_::SyncCell::new(__c::terminated(__GETSETS_LIST, __c::ZERO_GETSET));
        static __MEMBERS: $crate::impl_::SyncCell<[__c::MemberDef; __NMB]> =
            $crate::impl_::SyncCell::new(__c::terminated(__MEMBERS_LIST, __c::ZERO_MEMBER));
        static __SLOTS: $crate::impl_::SyncCell<[__c::SlotDef; __NS]> = $crate::impl_::SyncCell::new(
            __c::terminated(
                &__c::concat_slots::<{ __NS - 1 }>(
                    __SLOTS_LIST,
                    __c::table_slots::<$T>(__METHODS.get().cast(), __GETSETS.get().cast(), __MEMBERS.get().cast(), $doc),
                ),
                __c::ZERO_SLOT,
            ),
        );
        static __SPEC: $crate::impl_::SyncCell<__c::TypeSpec> =
            $crate::impl_::SyncCell::new(__c::type_spec::<$T>($qualname, $subclass, $gc, __SLOTS.get().cast()));
        __SPEC.get()
    }};
}

/// `a` followed by `b`, as one array of `N`.
pub const fn concat_slots<const N: usize>(
    a: &[SlotDef],
    b: [SlotDef; EXTRA_SLOTS],
) -> [SlotDef; N] {
    assert!(a.len() + EXTRA_SLOTS == N);
    let mut out = [ZERO_SLOT; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < EXTRA_SLOTS {
        out[a.len() + j] = b[j];
        j += 1;
    }
    out
}

unsafe extern "C" fn call_fn<F: crate::impl_::PyFunction>(
    slf: *mut py::PyObject,
    args: *mut py::PyObject,
    kw: *mut py::PyObject,
) -> *mut py::PyObject {
    obj_or_null(run(|c| {
        with_tuple_args!(c, h(slf), args, kw, |a| F::call(c, a))
    }))
}

/// `tp_call`: `F` (`__call__`), or for a class with `#[call_function]`s the dispatcher that
/// runs each instance's own call function (see [`CallFunction`](super::CallFunction)).
pub const fn call<T: PyClass, F: crate::impl_::PyFunction>() -> SlotDef {
    if T::CALL_FUNCTIONS {
        slot(
            py::Py_tp_call,
            call_fn::<super::CallDispatch<T>> as *mut c_void,
        )
    } else {
        slot(py::Py_tp_call, call_fn::<F> as *mut c_void)
    }
}

/// The backend's part of a [`CallFunction`](super::CallFunction): nothing (the class's
/// `tp_call` reads the instance's word).
#[derive(Clone, Copy)]
pub struct CallFunctionDef;

impl CallFunctionDef {
    /// For the call functions of `T` (the same for every class here).
    #[allow(clippy::extra_unused_type_parameters)] // the universal backend's needs `T`
    pub(crate) const fn new<T: PyClass>() -> Self {
        CallFunctionDef
    }

    /// After the instance's word was written: nothing more to do here.
    pub(crate) fn install(&'static self, _ctx: Ctx<'_>, _obj: &Handle<'_>) -> Result<()> {
        Ok(())
    }
}

unsafe extern "C" fn getbuffer_fn<F: super::BufferSlot>(
    slf: *mut py::PyObject,
    view: *mut py::Py_buffer,
    flags: c_int,
) -> c_int {
    let r = run(|c| {
        // SAFETY: CPython passes a live `self` and a view to fill.
        unsafe {
            let obj = BorrowedHandle::new(c, h(slf));
            let f = super::get_buffer::<F>(c, &obj, flags)?;
            py::Py_INCREF(slf);
            (*view).buf = f.buf;
            (*view).obj = slf;
            (*view).len = f.len;
            (*view).itemsize = f.itemsize;
            (*view).readonly = c_int::from(f.readonly);
            (*view).ndim = 1;
            (*view).format = f.format;
            (*view).shape = f.shape;
            (*view).strides = f.strides;
            (*view).suboffsets = ptr::null_mut();
            (*view).internal = f.internal;
        }
        Ok(())
    });
    if r.is_some() {
        0
    } else {
        // SAFETY: on failure the view's `obj` must be NULL.
        unsafe { (*view).obj = ptr::null_mut() };
        -1
    }
}

unsafe extern "C" fn releasebuffer_fn<F: super::BufferSlot>(
    slf: *mut py::PyObject,
    view: *mut py::Py_buffer,
) {
    run(|c| {
        // SAFETY: CPython passes the view `getbuffer_fn` filled.
        unsafe { super::release_buffer::<F>(c, h(slf), (*view).internal) };
        Ok(())
    });
}

/// `bf_getbuffer`.
pub const fn getbuffer<F: super::BufferSlot>() -> SlotDef {
    slot(py::Py_bf_getbuffer, getbuffer_fn::<F> as *mut c_void)
}

/// `bf_releasebuffer`.
pub const fn releasebuffer<F: super::BufferSlot>() -> SlotDef {
    slot(
        py::Py_bf_releasebuffer,
        releasebuffer_fn::<F> as *mut c_void,
    )
}

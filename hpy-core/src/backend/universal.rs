//! The universal backend: every operation calls through the `HPyContext` function table the
//! runtime handed to this call. Nothing here names a CPython symbol.
//!
//! Contract for every `unsafe fn` here: `c` is the context of a call that is still running (or
//! of module initialisation), and every `HPy` passed in is a live handle of that context.

use core::ffi::{c_char, c_int, c_void};
use core::mem::offset_of;
use core::ptr;

use crate::ffi::*;

/// The context pointer of the current call.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct RawCtx(pub *mut HPyContext);

// SAFETY: a `RawCtx` is only a pointer value; `Ctx`, which wraps it, is what ties a context to
// its call and its thread (it is neither `Send` nor `Sync`). Implementing both here keeps the
// two backends' `RawCtx` alike, so that a misuse reports the same error in both modes.
unsafe impl Send for RawCtx {}
// SAFETY: as above.
unsafe impl Sync for RawCtx {}

/// Calls the context function `$f` with the context as its first argument.
macro_rules! call {
    ($c:expr, $f:ident $(, $a:expr)* $(,)?) => {{
        let c: RawCtx = $c;
        // SAFETY: the caller of the enclosing `unsafe fn` promises that `c` is the live context
        // of this call, so the table is fully initialised and the function may be called with
        // handles of that context.
        unsafe { ((*c.0).$f)(c.0 $(, $a)*) }
    }};
}

/// Reads a handle constant of the context.
macro_rules! konst {
    ($c:expr, $f:ident) => {{
        let c: RawCtx = $c;
        // SAFETY: as for `call!`: the context is live and its constants are initialised.
        unsafe { (*c.0).$f }
    }};
}

// ---------------------------------------------------------------------------------------------
// The members from index 244 on (PyPy 3.11 layout divergence).

/// The index of the first member that PyPy 3.11 moved one slot later (`ctx_Capsule_New`).
const FIRST_SHIFTED: usize = 244;

/// The raw word at member index `i`.
///
/// # Safety
/// `c` is live and `i < 264` (PyPy 3.11's context has one member more than 0.9.0's).
#[inline(always)]
unsafe fn member_word(c: RawCtx, i: usize) -> usize {
    let base = offset_of!(HPyContext, h_None);
    // SAFETY: the context is at least `base + 8 * 264` bytes on every runtime we load on (0.9.0
    // has 263 members; PyPy 3.11 has h_DictType in addition), and members are pointer-sized.
    unsafe {
        (c.0 as *const u8)
            .add(base + i * size_of::<usize>())
            .cast::<usize>()
            .read()
    }
}

/// Whether this context has PyPy 3.11's layout, where `h_DictType` sits at index 244 and
/// `ctx_Capsule_New` .. `ctx_CallMethod` one slot later than in HPy 0.9.0.
///
/// On 0.9.0 the word at 244 is a function pointer; on PyPy 3.11 it is a handle, which PyPy
/// represents as a small index into its handle table. No function lives in the first 64 KiB of
/// the address space, so the test cannot confuse the two.
///
/// # Safety
/// `c` is live.
#[inline(always)]
pub unsafe fn has_pypy311_layout(c: RawCtx) -> bool {
    // SAFETY: forwarded contract; 244 < 264.
    unsafe { member_word(c, FIRST_SHIFTED) < 0x1_0000 }
}

/// The function stored at 0.9.0 member index `i` (244..=262), taking the PyPy 3.11 shift into
/// account.
///
/// # Safety
/// `c` is live, `i` is in 244..=262 and `F` is the function-pointer type of member `i`.
#[inline(always)]
unsafe fn shifted_fn<F: Copy>(c: RawCtx, i: usize) -> F {
    debug_assert!((FIRST_SHIFTED..=262).contains(&i));
    debug_assert_eq!(size_of::<F>(), size_of::<usize>());
    // SAFETY: forwarded contract.
    let shift = usize::from(unsafe { has_pypy311_layout(c) });
    // SAFETY: `i + shift <= 263` is a function member of this runtime's layout, of type `F`.
    unsafe {
        let w = member_word(c, i + shift);
        core::mem::transmute_copy::<usize, F>(&w)
    }
}

// ---------------------------------------------------------------------------------------------
// Handles and constants.

/// `HPy_Dup`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn dup(c: RawCtx, h: HPy) -> HPy {
    call!(c, ctx_Dup, h)
}

/// `HPy_Close`.
///
/// # Safety
/// See the module contract; `h` is owned and not used afterwards.
#[inline(always)]
pub unsafe fn close(c: RawCtx, h: HPy) {
    call!(c, ctx_Close, h)
}

/// `None`, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn none(c: RawCtx) -> HPy {
    konst!(c, h_None)
}

/// `True` or `False`, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bool_const(c: RawCtx, v: bool) -> HPy {
    if v {
        konst!(c, h_True)
    } else {
        konst!(c, h_False)
    }
}

/// `NotImplemented`, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn not_implemented(c: RawCtx) -> HPy {
    konst!(c, h_NotImplemented)
}

/// The built-in exception or warning type at context index `idx` (5..=68), borrowed.
///
/// # Safety
/// See the module contract; `idx` is in 5..=68.
#[inline(always)]
pub unsafe fn builtin_exception(c: RawCtx, idx: usize) -> HPy {
    debug_assert!((5..=68).contains(&idx));
    // SAFETY: indices 5..=68 are the exception handles in every layout.
    HPy {
        _i: unsafe { member_word(c, idx) } as isize,
    }
}

/// `HPyImport_ImportModule`.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn import_module(c: RawCtx, name: *const c_char) -> HPy {
    call!(c, ctx_Import_ImportModule, name)
}

/// `h_Builtins`, borrowed: the builtins namespace (a dict on CPython's `hpy.universal`).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn builtins(c: RawCtx) -> HPy {
    konst!(c, h_Builtins)
}

/// A built-in type, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn builtin_type(c: RawCtx, t: super::BuiltinType) -> HPy {
    use super::BuiltinType as T;
    match t {
        T::Int => konst!(c, h_LongType),
        T::List => konst!(c, h_ListType),
    }
}

/// `HPy_Is`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn is(c: RawCtx, a: HPy, b: HPy) -> bool {
    call!(c, ctx_Is, a, b) != 0
}

/// `HPy_TypeCheck`.
///
/// # Safety
/// See the module contract; `ty` is a type.
#[inline(always)]
pub unsafe fn type_check(c: RawCtx, h: HPy, ty: HPy) -> bool {
    call!(c, ctx_TypeCheck, h, ty) != 0
}

/// `HPy_Type`: a new reference to the type of `h`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn type_of(c: RawCtx, h: HPy) -> HPy {
    call!(c, ctx_Type, h)
}

// ---------------------------------------------------------------------------------------------
// Numbers.

/// `HPyLong_FromInt64_t`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_i64(c: RawCtx, v: i64) -> HPy {
    call!(c, ctx_Long_FromInt64_t, v)
}

/// `HPyLong_FromUInt64_t`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_u64(c: RawCtx, v: u64) -> HPy {
    call!(c, ctx_Long_FromUInt64_t, v)
}

/// `HPyLong_AsInt64_t`: `-1` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_i64(c: RawCtx, h: HPy) -> i64 {
    call!(c, ctx_Long_AsInt64_t, h)
}

/// `HPyLong_AsUInt64_t`: `u64::MAX` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_u64(c: RawCtx, h: HPy) -> u64 {
    call!(c, ctx_Long_AsUInt64_t, h)
}

/// `HPyFloat_FromDouble`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn float_from_f64(c: RawCtx, v: f64) -> HPy {
    call!(c, ctx_Float_FromDouble, v)
}

/// `HPyFloat_AsDouble`: `-1.0` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn float_as_f64(c: RawCtx, h: HPy) -> f64 {
    call!(c, ctx_Float_AsDouble, h)
}

/// `HPy_Index`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn index(c: RawCtx, h: HPy) -> HPy {
    call!(c, ctx_Index, h)
}

/// A binary number operation.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn binary_op(c: RawCtx, op: super::BinaryOp, a: HPy, b: HPy) -> HPy {
    use super::BinaryOp as O;
    match op {
        O::And => call!(c, ctx_And, a, b),
        O::Or => call!(c, ctx_Or, a, b),
        O::Lshift => call!(c, ctx_Lshift, a, b),
        O::Rshift => call!(c, ctx_Rshift, a, b),
    }
}

/// `HPy_RichCompareBool`: 1, 0, or -1 with an exception set.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn rich_compare_bool(c: RawCtx, a: HPy, b: HPy, op: HPy_RichCmpOp) -> c_int {
    call!(c, ctx_RichCompareBool, a, b, op)
}

/// `HPy_IsTrue`: 1, 0, or -1 with an exception set.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn is_true(c: RawCtx, h: HPy) -> c_int {
    call!(c, ctx_IsTrue, h)
}

// ---------------------------------------------------------------------------------------------
// Strings.

/// A new `str` from UTF-8.
///
/// HPy 0.9 has no "UTF-8 with a length" constructor: ASCII text goes through
/// `HPyUnicode_DecodeASCII` (which takes a length), other text without NUL through
/// `HPyUnicode_FromString` on a NUL-terminated copy, and text with an interior NUL through
/// `bytes.decode`.
///
/// # Safety
/// See the module contract.
pub unsafe fn unicode_from_str(c: RawCtx, s: &str) -> HPy {
    let bytes = s.as_bytes();
    if bytes.is_ascii() {
        return call!(
            c,
            ctx_Unicode_DecodeASCII,
            bytes.as_ptr().cast::<c_char>(),
            bytes.len() as HPy_ssize_t,
            ptr::null()
        );
    }
    if !bytes.contains(&0) {
        let mut buf = [0u8; 256];
        if bytes.len() < buf.len() {
            buf[..bytes.len()].copy_from_slice(bytes);
            return call!(c, ctx_Unicode_FromString, buf.as_ptr().cast::<c_char>());
        }
        let mut v = Vec::with_capacity(bytes.len() + 1);
        v.extend_from_slice(bytes);
        v.push(0);
        return call!(c, ctx_Unicode_FromString, v.as_ptr().cast::<c_char>());
    }
    let b = call!(
        c,
        ctx_Bytes_FromStringAndSize,
        bytes.as_ptr().cast::<c_char>(),
        bytes.len() as HPy_ssize_t
    );
    if b.is_null() {
        return b;
    }
    // SAFETY: index 255 is `ctx_Unicode_FromEncodedObject` in 0.9.0's layout.
    let f: unsafe extern "C" fn(*mut HPyContext, HPy, *const c_char, *const c_char) -> HPy =
        unsafe { shifted_fn(c, 255) };
    // SAFETY: `c` is live and `b` is a live bytes handle.
    let s = unsafe { f(c.0, b, c"utf-8".as_ptr(), c"strict".as_ptr()) };
    // SAFETY: `b` is owned and unused afterwards.
    unsafe { close(c, b) };
    s
}

/// `HPyUnicode_AsUTF8AndSize`: the UTF-8 buffer of a `str`, valid while `h` lives; NULL with an
/// exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_as_utf8(c: RawCtx, h: HPy, len: &mut HPy_ssize_t) -> *const u8 {
    call!(c, ctx_Unicode_AsUTF8AndSize, h, len).cast()
}

/// `HPyUnicode_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_check(c: RawCtx, h: HPy) -> bool {
    call!(c, ctx_Unicode_Check, h) != 0
}

/// `HPy_Repr`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn repr(c: RawCtx, h: HPy) -> HPy {
    call!(c, ctx_Repr, h)
}

/// `HPy_Str`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn str_(c: RawCtx, h: HPy) -> HPy {
    call!(c, ctx_Str, h)
}

// ---------------------------------------------------------------------------------------------
// Containers.

/// `HPyList_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn list_check(c: RawCtx, h: HPy) -> bool {
    call!(c, ctx_List_Check, h) != 0
}

/// `HPyTuple_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn tuple_check(c: RawCtx, h: HPy) -> bool {
    call!(c, ctx_Tuple_Check, h) != 0
}

/// `HPyDict_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn dict_check(c: RawCtx, h: HPy) -> bool {
    call!(c, ctx_Dict_Check, h) != 0
}

/// `HPy_Length`: -1 with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn length(c: RawCtx, h: HPy) -> HPy_ssize_t {
    call!(c, ctx_Length, h)
}

/// Item `i` of a list or tuple: a new reference, or NULL with `IndexError` set when `i` is out
/// of range (a list may shrink while it is being converted).
///
/// # Safety
/// See the module contract; `h` is a list or a tuple and `i >= 0`.
#[inline(always)]
pub unsafe fn sequence_item(c: RawCtx, h: HPy, i: HPy_ssize_t) -> HPy {
    call!(c, ctx_GetItem_i, h, i)
}

/// `HPy_GetItem`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn get_item(c: RawCtx, h: HPy, key: HPy) -> HPy {
    call!(c, ctx_GetItem, h, key)
}

/// `HPy_SetItem`: 0, or -1 with an exception set.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn set_item(c: RawCtx, h: HPy, key: HPy, v: HPy) -> c_int {
    call!(c, ctx_SetItem, h, key, v)
}

/// `HPyDict_New`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn dict_new(c: RawCtx) -> HPy {
    call!(c, ctx_Dict_New)
}

/// `HPyDict_Keys`: a new list of the keys of a dict.
///
/// # Safety
/// See the module contract; `h` is a dict.
#[inline(always)]
pub unsafe fn dict_keys(c: RawCtx, h: HPy) -> HPy {
    // SAFETY: index 257 is `ctx_Dict_Keys` in 0.9.0's layout.
    let f: unsafe extern "C" fn(*mut HPyContext, HPy) -> HPy = unsafe { shifted_fn(c, 257) };
    // SAFETY: `c` is live and `h` is a live dict handle.
    unsafe { f(c.0, h) }
}

/// A list or tuple under construction; items are stored as they come.
pub struct SeqBuilder {
    tuple: bool,
    raw: isize,
}

impl SeqBuilder {
    /// Starts a list (or a tuple) of `n` items.
    ///
    /// # Safety
    /// See the module contract.
    #[inline(always)]
    pub unsafe fn new(c: RawCtx, n: HPy_ssize_t, tuple: bool) -> Option<SeqBuilder> {
        let raw = if tuple {
            call!(c, ctx_TupleBuilder_New, n)._tup
        } else {
            call!(c, ctx_ListBuilder_New, n)._lst
        };
        (raw != 0).then_some(SeqBuilder { tuple, raw })
    }

    /// Stores item `i`, taking ownership of `item`.
    ///
    /// # Safety
    /// See the module contract; `i` is below the length given to `new` and set only once.
    #[inline(always)]
    pub unsafe fn set(&mut self, c: RawCtx, i: HPy_ssize_t, item: HPy) {
        if self.tuple {
            call!(
                c,
                ctx_TupleBuilder_Set,
                HPyTupleBuilder { _tup: self.raw },
                i,
                item
            );
        } else {
            call!(
                c,
                ctx_ListBuilder_Set,
                HPyListBuilder { _lst: self.raw },
                i,
                item
            );
        }
        // The builders keep their own reference.
        // SAFETY: `item` is owned and not used again.
        unsafe { close(c, item) };
    }

    /// Finishes the sequence: a new reference, every item having been set.
    ///
    /// # Safety
    /// See the module contract.
    #[inline(always)]
    pub unsafe fn build(self, c: RawCtx) -> HPy {
        if self.tuple {
            call!(
                c,
                ctx_TupleBuilder_Build,
                HPyTupleBuilder { _tup: self.raw }
            )
        } else {
            call!(c, ctx_ListBuilder_Build, HPyListBuilder { _lst: self.raw })
        }
    }

    /// Abandons the sequence.
    ///
    /// # Safety
    /// See the module contract.
    #[inline(always)]
    pub unsafe fn cancel(self, c: RawCtx) {
        if self.tuple {
            call!(
                c,
                ctx_TupleBuilder_Cancel,
                HPyTupleBuilder { _tup: self.raw }
            )
        } else {
            call!(c, ctx_ListBuilder_Cancel, HPyListBuilder { _lst: self.raw })
        }
    }
}

/// `HPyTuple_FromArray`.
///
/// # Safety
/// See the module contract; `items` points to `n` live handles.
#[inline(always)]
pub unsafe fn tuple_from_array(c: RawCtx, items: *const HPy, n: HPy_ssize_t) -> HPy {
    call!(c, ctx_Tuple_FromArray, items.cast_mut(), n)
}

// ---------------------------------------------------------------------------------------------
// Attributes and calls.

/// `HPy_GetAttr_s`.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn get_attr_s(c: RawCtx, h: HPy, name: *const c_char) -> HPy {
    call!(c, ctx_GetAttr_s, h, name)
}

/// `HPy_GetAttr`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn get_attr(c: RawCtx, h: HPy, name: HPy) -> HPy {
    call!(c, ctx_GetAttr, h, name)
}

/// `HPy_SetAttr`: 0, or -1 with an exception set.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn set_attr(c: RawCtx, h: HPy, name: HPy, v: HPy) -> c_int {
    call!(c, ctx_SetAttr, h, name, v)
}

/// `HPy_CallTupleDict`; `args` and `kw` may be NULL.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn call_tuple_dict(c: RawCtx, f: HPy, args: HPy, kw: HPy) -> HPy {
    call!(c, ctx_CallTupleDict, f, args, kw)
}

// ---------------------------------------------------------------------------------------------
// Errors.

/// `HPyErr_SetObject`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_set_object(c: RawCtx, ty: HPy, value: HPy) {
    call!(c, ctx_Err_SetObject, ty, value)
}

/// `HPyErr_Occurred`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_occurred(c: RawCtx) -> bool {
    call!(c, ctx_Err_Occurred) != 0
}

/// `HPyErr_ExceptionMatches`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_matches(c: RawCtx, ty: HPy) -> bool {
    call!(c, ctx_Err_ExceptionMatches, ty) != 0
}

/// `HPyErr_Clear`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_clear(c: RawCtx) {
    call!(c, ctx_Err_Clear)
}

/// `HPyErr_NewException`.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated `"module.Name"`.
#[inline(always)]
pub unsafe fn err_new_exception(c: RawCtx, name: *const c_char, base: HPy) -> HPy {
    call!(c, ctx_Err_NewException, name, base, HPy::NULL)
}

// ---------------------------------------------------------------------------------------------
// Globals.

/// A module-level reference kept across calls: an `HPyGlobal`. Every one a module uses must be
/// listed in its `HPyModuleDef.globals` (GraalPy numbers them there).
#[repr(transparent)]
pub struct RawGlobal(core::cell::UnsafeCell<HPyGlobal>);

// SAFETY: an HPyGlobal is only read and written through the context, with the GIL (or the
// runtime's equivalent) held.
unsafe impl Sync for RawGlobal {}

impl RawGlobal {
    /// An empty global.
    pub const fn new() -> RawGlobal {
        RawGlobal(core::cell::UnsafeCell::new(HPyGlobal { _i: 0 }))
    }

    /// The pointer to list in `HPyModuleDef.globals`.
    pub const fn as_ptr(&self) -> *mut HPyGlobal {
        self.0.get()
    }

    /// `HPyGlobal_Store`.
    ///
    /// # Safety
    /// See the module contract.
    pub unsafe fn store(&self, c: RawCtx, h: HPy) {
        call!(c, ctx_Global_Store, self.as_ptr(), h)
    }

    /// `HPyGlobal_Load`: a new reference.
    ///
    /// # Safety
    /// See the module contract; the global was stored before.
    pub unsafe fn load(&self, c: RawCtx) -> HPy {
        // SAFETY: reading the word the runtime wrote; HPyGlobal is a plain word.
        let g = unsafe { *self.as_ptr() };
        call!(c, ctx_Global_Load, g)
    }
}

impl Default for RawGlobal {
    fn default() -> Self {
        Self::new()
    }
}

/// The context name, for messages (`"HPy Universal ABI (CPython backend)"`, `"HPy Debug Mode
/// ABI"`, ...).
///
/// # Safety
/// See the module contract.
pub unsafe fn ctx_name(c: RawCtx) -> &'static str {
    // SAFETY: the runtime stores a static NUL-terminated name in every context.
    let name = unsafe { core::ffi::CStr::from_ptr((*c.0).name) };
    name.to_str().unwrap_or("HPy context")
}

/// The global context pointer the CPython trampolines pass to
/// `ctx_CallRealFunctionFromTrampoline`; set by `HPyInitGlobalContext_<module>`.
pub static TRAMPOLINE_CTX: core::sync::atomic::AtomicPtr<HPyContext> =
    core::sync::atomic::AtomicPtr::new(ptr::null_mut());

/// Runs `impl_` through `ctx_CallRealFunctionFromTrampoline` of the global context.
///
/// # Safety
/// `args` points to the argument struct of `sig` and `impl_` has the signature `sig`.
#[inline(always)]
pub unsafe fn call_from_trampoline(sig: HPyFunc_Signature, impl_: HPyCFunction, args: *mut c_void) {
    let ctx = TRAMPOLINE_CTX.load(core::sync::atomic::Ordering::Relaxed);
    // SAFETY: CPython trampolines only run after `hpy.universal` called
    // `HPyInitGlobalContext_<module>`, which stored a context that lives as long as the process.
    unsafe { ((*ctx).ctx_CallRealFunctionFromTrampoline)(ctx, sig, impl_, args) }
}

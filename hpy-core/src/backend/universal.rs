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
/// On 0.9.0 the word at 244 is a function pointer (`ctx_Capsule_New`); on PyPy 3.11 it is a
/// handle (`h_DictType`). The word at 245 is a function in both layouts.
///
/// * PyPy's universal context represents handles as small indices into its handle table, and
///   no function lives in the first 64 KiB of the address space;
/// * debug contexts (PyPy's and CPython's) represent handles as pointers to `DebugHandle`s on
///   the heap. A function pointer at 244 lies in the library of the context's other functions,
///   next to `ctx_Dup` (index 77) as the function at 245 does; a heap pointer lies far away.
///
/// Observed (x86_64): CPython universal: 244 and 245 are within 64 KiB of 77; CPython debug:
/// within 20 KiB; PyPy universal: 244 = 0x53; PyPy debug: 245 within 40 KiB of 77 and 244
/// (heap) about 40 TiB away. (An earlier test, "244 is next to the `h_Builtins` handle at
/// 243", failed on PyPy's debug context about one run in four: the two `DebugHandle`s are not
/// always allocated together.)
///
/// # Safety
/// `c` is live.
#[inline(always)]
pub unsafe fn has_pypy311_layout(c: RawCtx) -> bool {
    // SAFETY: forwarded contract; the indices are < 264.
    let (w244, w245, w77) = unsafe {
        (
            member_word(c, FIRST_SHIFTED),
            member_word(c, FIRST_SHIFTED + 1),
            member_word(c, 77),
        )
    };
    // Far more than the distance between two functions of one context implementation.
    const SAME_LIBRARY: usize = 64 << 20;
    w244 < 0x1_0000 || (w245.abs_diff(w77) < SAME_LIBRARY && w244.abs_diff(w77) > SAME_LIBRARY)
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

/// The function a shifted member points to, typed like the member: `proto` only tells the
/// compiler the function-pointer type (it is never read).
///
/// # Safety
/// As for [`shifted_fn`].
#[inline(always)]
unsafe fn shifted_fn_like<F: Copy>(c: RawCtx, i: usize, _proto: *const F) -> F {
    // SAFETY: forwarded contract.
    unsafe { shifted_fn(c, i) }
}

/// Calls the 0.9.0 context member `$field` (index `$idx`, 244..=262) through [`shifted_fn`],
/// so that it reaches the right slot on PyPy 3.11 too. The index is checked against the
/// field's offset at compile time.
macro_rules! shifted {
    ($c:expr, $field:ident, $idx:literal $(, $a:expr)* $(,)?) => {{
        const _: () = assert!(
            offset_of!(HPyContext, $field)
                == offset_of!(HPyContext, h_None) + $idx * size_of::<usize>()
        );
        let c: RawCtx = $c;
        // SAFETY: the caller of the enclosing `unsafe fn` promises that `c` is live; the
        // assertion above proves `$idx` is the index of `$field`, whose type `F` is inferred
        // from a raw pointer to the field (which is not read).
        unsafe {
            let f = shifted_fn_like(c, $idx, &raw const (*c.0).$field);
            f(c.0 $(, $a)*)
        }
    }};
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
        T::Object => konst!(c, h_BaseObjectType),
        T::Type => konst!(c, h_TypeType),
        T::Bool => konst!(c, h_BoolType),
        T::Int => konst!(c, h_LongType),
        T::Float => konst!(c, h_FloatType),
        T::Str => konst!(c, h_UnicodeType),
        T::Tuple => konst!(c, h_TupleType),
        T::List => konst!(c, h_ListType),
        // Indices 238..=242: before the members PyPy 3.11 shifted, so read by name.
        T::Complex => konst!(c, h_ComplexType),
        T::Bytes => konst!(c, h_BytesType),
        T::MemoryView => konst!(c, h_MemoryViewType),
        T::Capsule => konst!(c, h_CapsuleType),
        T::Slice => konst!(c, h_SliceType),
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

/// `isinstance(h, t)` for a built-in type: one `HPy_TypeCheck` with the context's (borrowed)
/// type.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn is_instance_of_builtin(c: RawCtx, h: HPy, t: super::BuiltinType) -> bool {
    // SAFETY: forwarded contract; the built-in type is live for the whole call.
    unsafe { type_check(c, h, builtin_type(c, t)) }
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

/// A binary number operation (`HPy_Add` ...).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn binary_op(c: RawCtx, op: super::BinaryOp, a: HPy, b: HPy) -> HPy {
    use super::BinaryOp as O;
    match op {
        O::Add => call!(c, ctx_Add, a, b),
        O::Subtract => call!(c, ctx_Subtract, a, b),
        O::Multiply => call!(c, ctx_Multiply, a, b),
        O::MatrixMultiply => call!(c, ctx_MatrixMultiply, a, b),
        O::FloorDivide => call!(c, ctx_FloorDivide, a, b),
        O::TrueDivide => call!(c, ctx_TrueDivide, a, b),
        O::Remainder => call!(c, ctx_Remainder, a, b),
        O::Divmod => call!(c, ctx_Divmod, a, b),
        O::Lshift => call!(c, ctx_Lshift, a, b),
        O::Rshift => call!(c, ctx_Rshift, a, b),
        O::And => call!(c, ctx_And, a, b),
        O::Xor => call!(c, ctx_Xor, a, b),
        O::Or => call!(c, ctx_Or, a, b),
    }
}

/// An in-place binary number operation (`HPy_InPlaceAdd` ...). `Divmod` has no in-place form
/// and computes `divmod(a, b)`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn inplace_op(c: RawCtx, op: super::BinaryOp, a: HPy, b: HPy) -> HPy {
    use super::BinaryOp as O;
    match op {
        O::Add => call!(c, ctx_InPlaceAdd, a, b),
        O::Subtract => call!(c, ctx_InPlaceSubtract, a, b),
        O::Multiply => call!(c, ctx_InPlaceMultiply, a, b),
        O::MatrixMultiply => call!(c, ctx_InPlaceMatrixMultiply, a, b),
        O::FloorDivide => call!(c, ctx_InPlaceFloorDivide, a, b),
        O::TrueDivide => call!(c, ctx_InPlaceTrueDivide, a, b),
        O::Remainder => call!(c, ctx_InPlaceRemainder, a, b),
        O::Divmod => call!(c, ctx_Divmod, a, b),
        O::Lshift => call!(c, ctx_InPlaceLshift, a, b),
        O::Rshift => call!(c, ctx_InPlaceRshift, a, b),
        O::And => call!(c, ctx_InPlaceAnd, a, b),
        O::Xor => call!(c, ctx_InPlaceXor, a, b),
        O::Or => call!(c, ctx_InPlaceOr, a, b),
    }
}

/// A unary number operation (`HPy_Negative` ..., `HPy_Index`, `HPy_Long`, `HPy_Float`).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unary_op(c: RawCtx, op: super::UnaryOp, a: HPy) -> HPy {
    use super::UnaryOp as U;
    match op {
        U::Negative => call!(c, ctx_Negative, a),
        U::Positive => call!(c, ctx_Positive, a),
        U::Absolute => call!(c, ctx_Absolute, a),
        U::Invert => call!(c, ctx_Invert, a),
        U::Index => call!(c, ctx_Index, a),
        U::Long => call!(c, ctx_Long, a),
        U::Float => call!(c, ctx_Float, a),
    }
}

/// `HPy_Power` / `HPy_InPlacePower`; `m` is `None` for no modulus.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn power(c: RawCtx, a: HPy, b: HPy, m: HPy, inplace: bool) -> HPy {
    if inplace {
        call!(c, ctx_InPlacePower, a, b, m)
    } else {
        call!(c, ctx_Power, a, b, m)
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
/// `HPyUnicode_DecodeASCII` (which takes a length; not on PyPy, where it is slow), other text
/// without NUL through `HPyUnicode_FromString` on a NUL-terminated copy, and text with an
/// interior NUL through `bytes.decode`.
///
/// # Safety
/// See the module contract.
pub unsafe fn unicode_from_str(c: RawCtx, s: &str) -> HPy {
    let bytes = s.as_bytes();
    // `HPyUnicode_DecodeASCII` is the cheapest constructor on CPython, but costs PyPy about
    // twice `HPyUnicode_FromString` (which needs a NUL-terminated copy).
    if crate::conv::ascii_only(bytes) && !is_pypy(c) {
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
    let s = shifted!(
        c,
        ctx_Unicode_FromEncodedObject,
        255,
        b,
        c"utf-8".as_ptr(),
        c"strict".as_ptr()
    );
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

/// How a `str` stores its text: universal mode only has its UTF-8.
#[allow(dead_code)] // the same variants as the CPython backend's
pub enum RawStrData {
    /// ASCII (never made here).
    Ascii(*const u8, usize),
    /// Latin-1 (never made here).
    Latin1(*const u8, usize),
    /// UCS-2 (never made here).
    Ucs2(*const u16, usize),
    /// UCS-4 (never made here).
    Ucs4(*const u32, usize),
    /// UTF-8 (`HPyUnicode_AsUTF8AndSize`).
    Utf8(*const u8, usize),
}

/// The UTF-8 of a `str` (`HPyUnicode_AsUTF8AndSize`); `None` with an exception set on failure.
///
/// # Safety
/// See the module contract; `h` is a str.
#[inline(always)]
pub unsafe fn str_data(c: RawCtx, h: HPy) -> Option<RawStrData> {
    let mut n = 0;
    // SAFETY: forwarded contract.
    let u = unsafe { unicode_as_utf8(c, h, &mut n) };
    (!u.is_null()).then_some(RawStrData::Utf8(u, n as usize))
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

/// Whether `c` is a context of PyPy's HPy backend (where some calls are cheaper than others
/// than on CPython): one load once the runtime is known (see [`runtime`]).
#[inline(always)]
pub(crate) fn is_pypy(c: RawCtx) -> bool {
    // SAFETY: the callers pass the live context of their call.
    unsafe { runtime(c) == Runtime::PyPy }
}

/// Whether `c` is a context of PyPy's HPy backend (by its name).
pub(crate) fn is_pypy_ctx(c: *mut HPyContext) -> bool {
    // SAFETY: the runtime stores a static NUL-terminated name in every context.
    let name = unsafe { core::ffi::CStr::from_ptr((*c).name) };
    name.to_bytes().windows(4).any(|w| w == b"PyPy")
}

/// The number of keyword names of a call (`kwnames` is a tuple of str).
///
/// # Safety
/// See the module contract; `kwnames` is the keyword-name tuple of a call.
#[inline(always)]
pub unsafe fn kwnames_len(c: RawCtx, kwnames: HPy) -> usize {
    // SAFETY: forwarded contract; a tuple has a length.
    unsafe { length(c, kwnames) }.max(0) as usize
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
    shifted!(c, ctx_Dict_Keys, 257, h)
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
        // HPy's builders report a failed allocation at `Build` only (`New` clears the
        // MemoryError and returns 0); raise it now so that `None` always means "exception set".
        if raw == 0 {
            call!(c, ctx_Err_NoMemory);
            return None;
        }
        Some(SeqBuilder { tuple, raw })
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

/// The runtime this process runs, as far as the backend cares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Runtime {
    /// CPython, through `hpy.universal` (in its universal, debug or trace mode).
    CPython,
    /// PyPy's built-in HPy.
    PyPy,
    /// Anything else (GraalPy...).
    Other,
}

/// The runtime of this process, 0 until [`decide_runtime`] has run (one process runs one
/// runtime), else 1 + the `Runtime` index.
static RUNTIME: core::sync::atomic::AtomicU8 = core::sync::atomic::AtomicU8::new(0);

/// The runtime, decided from the name of the first context asked, once per process.
///
/// # Safety
/// See the module contract.
#[inline(always)]
unsafe fn runtime(c: RawCtx) -> Runtime {
    match RUNTIME.load(core::sync::atomic::Ordering::Relaxed) {
        1 => Runtime::CPython,
        2 => Runtime::PyPy,
        3 => Runtime::Other,
        // SAFETY: forwarded contract.
        _ => unsafe { decide_runtime(c) },
    }
}

/// Whether the runtime is CPython: [`runtime`]'s test, one load and one comparison once
/// decided.
///
/// # Safety
/// See the module contract.
#[inline(always)]
unsafe fn runtime_is_cpython(c: RawCtx) -> bool {
    match RUNTIME.load(core::sync::atomic::Ordering::Relaxed) {
        1 => true,
        0 => {
            // SAFETY: forwarded contract.
            unsafe { decide_runtime(c) == Runtime::CPython }
        }
        _ => false,
    }
}

/// Decides [`RUNTIME`] from the context's name.
///
/// # Safety
/// See the module contract.
#[cold]
#[inline(never)]
unsafe fn decide_runtime(c: RawCtx) -> Runtime {
    // SAFETY: forwarded contract.
    let name = unsafe { ctx_name(c) };
    let r = if matches!(
        name,
        "HPy Universal ABI (CPython backend)" | "HPy Debug Mode ABI" | "HPy Trace Mode ABI"
    ) {
        Runtime::CPython
    } else if name.contains("PyPy") {
        Runtime::PyPy
    } else {
        Runtime::Other
    };
    let code = match r {
        Runtime::CPython => 1,
        Runtime::PyPy => 2,
        Runtime::Other => 3,
    };
    RUNTIME.store(code, core::sync::atomic::Ordering::Relaxed);
    r
}

/// Whether the runtime is CPython, whose `HPyUnicode_AsUTF8AndSize` returns valid UTF-8 or
/// fails, so that `&str` conversions need not check the bytes again (PyPy's returns lone
/// surrogates in their three-byte form; other runtimes are not trusted).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn runtime_utf8_is_valid(c: RawCtx) -> bool {
    // SAFETY: forwarded contract.
    unsafe { runtime_is_cpython(c) }
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

// ---------------------------------------------------------------------------------------------
// The rest of the object API (issue 4). Same contract as above. Members from index 244 on are
// reached only through `shifted!`.

/// `Ellipsis`, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn ellipsis(c: RawCtx) -> HPy {
    konst!(c, h_Ellipsis)
}

/// `HPyBool_FromBool`: a new reference to `True` or `False`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bool_from_bool(c: RawCtx, v: bool) -> HPy {
    call!(c, ctx_Bool_FromBool, v)
}

/// `HPyLong_FromInt32_t`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_i32(c: RawCtx, v: i32) -> HPy {
    call!(c, ctx_Long_FromInt32_t, v)
}

/// `HPyLong_FromUInt32_t`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_u32(c: RawCtx, v: u32) -> HPy {
    call!(c, ctx_Long_FromUInt32_t, v)
}

/// `HPyLong_FromSsize_t`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_isize(c: RawCtx, v: isize) -> HPy {
    call!(c, ctx_Long_FromSsize_t, v)
}

/// `HPyLong_FromSize_t`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_usize(c: RawCtx, v: usize) -> HPy {
    call!(c, ctx_Long_FromSize_t, v)
}

/// `HPyLong_AsUInt32_tMask`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_u32_mask(c: RawCtx, h: HPy) -> u32 {
    call!(c, ctx_Long_AsUInt32_tMask, h)
}

/// `HPyLong_AsUInt64_tMask`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_u64_mask(c: RawCtx, h: HPy) -> u64 {
    call!(c, ctx_Long_AsUInt64_tMask, h)
}

/// `HPyLong_AsSsize_t`: -1 with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_isize(c: RawCtx, h: HPy) -> isize {
    call!(c, ctx_Long_AsSsize_t, h)
}

/// `HPyLong_AsSize_t`: `usize::MAX` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_usize(c: RawCtx, h: HPy) -> usize {
    call!(c, ctx_Long_AsSize_t, h)
}

/// `HPyLong_AsVoidPtr`: NULL with an exception set on failure (or for 0).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_void_ptr(c: RawCtx, h: HPy) -> *mut c_void {
    call!(c, ctx_Long_AsVoidPtr, h)
}

/// `HPyLong_AsDouble`: -1.0 with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_f64(c: RawCtx, h: HPy) -> f64 {
    call!(c, ctx_Long_AsDouble, h)
}

/// `HPyNumber_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn number_check(c: RawCtx, h: HPy) -> bool {
    call!(c, ctx_Number_Check, h) != 0
}

/// `HPyCallable_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn callable_check(c: RawCtx, h: HPy) -> bool {
    call!(c, ctx_Callable_Check, h) != 0
}

/// `HPy_RichCompare`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn rich_compare(c: RawCtx, a: HPy, b: HPy, op: HPy_RichCmpOp) -> HPy {
    call!(c, ctx_RichCompare, a, b, op)
}

/// `HPy_Hash`: -1 with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn hash(c: RawCtx, h: HPy) -> isize {
    call!(c, ctx_Hash, h)
}

/// `HPy_ASCII`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn ascii(c: RawCtx, h: HPy) -> HPy {
    call!(c, ctx_ASCII, h)
}

/// `HPy_Bytes`: `bytes(h)`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_of(c: RawCtx, h: HPy) -> HPy {
    call!(c, ctx_Bytes, h)
}

/// `HPy_HasAttr` (a failing lookup counts as "no").
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn has_attr(c: RawCtx, h: HPy, name: HPy) -> bool {
    call!(c, ctx_HasAttr, h, name) != 0
}

/// `HPy_HasAttr_s`.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn has_attr_s(c: RawCtx, h: HPy, name: *const c_char) -> bool {
    call!(c, ctx_HasAttr_s, h, name) != 0
}

/// `HPy_SetAttr_s`; a NULL `v` deletes the attribute (`HPy_DelAttr_s`).
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn set_attr_s(c: RawCtx, h: HPy, name: *const c_char, v: HPy) -> c_int {
    call!(c, ctx_SetAttr_s, h, name, v)
}

/// `HPy_GetItem_i`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn get_item_i(c: RawCtx, h: HPy, i: HPy_ssize_t) -> HPy {
    call!(c, ctx_GetItem_i, h, i)
}

/// `HPy_GetItem_s`.
///
/// # Safety
/// See the module contract; `key` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn get_item_s(c: RawCtx, h: HPy, key: *const c_char) -> HPy {
    call!(c, ctx_GetItem_s, h, key)
}

/// `HPy_SetItem_i`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn set_item_i(c: RawCtx, h: HPy, i: HPy_ssize_t, v: HPy) -> c_int {
    call!(c, ctx_SetItem_i, h, i, v)
}

/// `HPy_SetItem_s`.
///
/// # Safety
/// See the module contract; `key` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn set_item_s(c: RawCtx, h: HPy, key: *const c_char, v: HPy) -> c_int {
    call!(c, ctx_SetItem_s, h, key, v)
}

/// `HPy_DelItem`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn del_item(c: RawCtx, h: HPy, key: HPy) -> c_int {
    call!(c, ctx_DelItem, h, key)
}

/// `HPy_DelItem_i`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn del_item_i(c: RawCtx, h: HPy, i: HPy_ssize_t) -> c_int {
    call!(c, ctx_DelItem_i, h, i)
}

/// `HPy_DelItem_s`.
///
/// # Safety
/// See the module contract; `key` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn del_item_s(c: RawCtx, h: HPy, key: *const c_char) -> c_int {
    call!(c, ctx_DelItem_s, h, key)
}

/// `HPy_Contains`: 1, 0, or -1 with an exception set.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn contains(c: RawCtx, h: HPy, key: HPy) -> c_int {
    call!(c, ctx_Contains, h, key)
}

/// `HPy_Call`: `args` holds `nargs` positional arguments followed by one value per name in
/// `kwnames` (a tuple of str, or NULL). `spare_slot` is ignored: the runtime copies the
/// arguments and adds its own spare slot.
///
/// # Safety
/// See the module contract; `args` points to live handles.
#[inline(always)]
pub unsafe fn call(
    c: RawCtx,
    f: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
    spare_slot: bool,
) -> HPy {
    let _ = spare_slot;
    shifted!(c, ctx_Call, 261, f, args, nargs, kwnames)
}

/// `HPy_CallMethod`: calls the method `name` of `args[0]` with the other `nargs - 1`
/// positional arguments, then one value per name in `kwnames`.
///
/// # Safety
/// See the module contract; `nargs >= 1` and `args` points to live handles.
#[inline(always)]
pub unsafe fn call_method(
    c: RawCtx,
    name: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    shifted!(c, ctx_CallMethod, 262, name, args, nargs, kwnames)
}

/// `HPyErr_SetString`.
///
/// # Safety
/// See the module contract; `msg` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn err_set_string(c: RawCtx, ty: HPy, msg: *const c_char) {
    call!(c, ctx_Err_SetString, ty, msg)
}

/// `HPyErr_SetFromErrnoWithFilename`: raises `ty` from `errno`.
///
/// # Safety
/// See the module contract; `filename` is NULL or NUL-terminated.
#[inline(always)]
pub unsafe fn err_set_from_errno_with_filename(c: RawCtx, ty: HPy, filename: *const c_char) {
    call!(c, ctx_Err_SetFromErrnoWithFilename, ty, filename);
}

/// `HPyErr_SetFromErrnoWithFilenameObjects`; either filename may be NULL.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_set_from_errno_with_filename_objects(c: RawCtx, ty: HPy, f1: HPy, f2: HPy) {
    call!(c, ctx_Err_SetFromErrnoWithFilenameObjects, ty, f1, f2)
}

/// `HPyErr_NoMemory`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_no_memory(c: RawCtx) {
    call!(c, ctx_Err_NoMemory)
}

/// `HPyErr_NewException` or `HPyErr_NewExceptionWithDoc` (`doc` NULL for none); `base` and
/// `dict` may be NULL.
///
/// # Safety
/// See the module contract; `name` (`"module.Name"`) and `doc` are NUL-terminated.
#[inline(always)]
pub unsafe fn err_new_exception_with_doc(
    c: RawCtx,
    name: *const c_char,
    doc: *const c_char,
    base: HPy,
    dict: HPy,
) -> HPy {
    if doc.is_null() {
        call!(c, ctx_Err_NewException, name, base, dict)
    } else {
        call!(c, ctx_Err_NewExceptionWithDoc, name, doc, base, dict)
    }
}

/// `HPyErr_WarnEx`: 0, or -1 when the warning was turned into an exception.
///
/// # Safety
/// See the module contract; `msg` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn err_warn_ex(c: RawCtx, category: HPy, msg: *const c_char, level: isize) -> c_int {
    call!(c, ctx_Err_WarnEx, category, msg, level)
}

/// `HPyErr_WriteUnraisable`: reports and clears the pending exception; `obj` may be NULL.
///
/// # Safety
/// See the module contract; an exception is pending.
#[inline(always)]
pub unsafe fn err_write_unraisable(c: RawCtx, obj: HPy) {
    call!(c, ctx_Err_WriteUnraisable, obj)
}

/// `HPy_FatalError`: prints the message and aborts the process.
///
/// # Safety
/// See the module contract; `msg` is NUL-terminated.
pub unsafe fn fatal_error(c: RawCtx, msg: *const c_char) -> ! {
    call!(c, ctx_FatalError, msg);
    // HPy_FatalError does not return; should a runtime's do so, stop here all the same.
    std::process::abort()
}

/// Whether this backend can turn a pending exception into an object: no. HPy 0.9's context has
/// no `HPyErr_Fetch` (or anything else that hands the pending exception to the caller).
pub const CAN_FETCH: bool = false;

/// Always NULL in this backend (see [`CAN_FETCH`]).
///
/// # Safety
/// See the module contract.
pub unsafe fn err_fetch(c: RawCtx) -> HPy {
    let _ = c;
    HPy::NULL
}

/// `HPyList_New(n)`: the items are NULL until set, so callers use `n == 0` only.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn list_new(c: RawCtx, n: HPy_ssize_t) -> HPy {
    call!(c, ctx_List_New, n)
}

/// `HPyList_Append`.
///
/// # Safety
/// See the module contract; `l` is a list.
#[inline(always)]
pub unsafe fn list_append(c: RawCtx, l: HPy, v: HPy) -> c_int {
    call!(c, ctx_List_Append, l, v)
}

/// `HPyDict_Copy`.
///
/// # Safety
/// See the module contract; `d` is a dict.
#[inline(always)]
pub unsafe fn dict_copy(c: RawCtx, d: HPy) -> HPy {
    shifted!(c, ctx_Dict_Copy, 258, d)
}

/// `HPy_SetCallFunction`: 0, or -1 with an exception set.
///
/// # Safety
/// See the module contract; `func` points to a definition that outlives the object.
#[inline(always)]
pub unsafe fn set_call_function(c: RawCtx, h: HPy, func: *mut HPyCallFunction) -> c_int {
    shifted!(c, ctx_SetCallFunction, 260, h, func)
}

/// `HPyBytes_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_check(c: RawCtx, h: HPy) -> bool {
    call!(c, ctx_Bytes_Check, h) != 0
}

/// `HPyBytes_Size`: -1 with an exception set when `h` is not bytes.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_size(c: RawCtx, h: HPy) -> HPy_ssize_t {
    call!(c, ctx_Bytes_Size, h)
}

/// `HPyBytes_GET_SIZE`.
///
/// # Safety
/// See the module contract; `h` is bytes.
#[inline(always)]
pub unsafe fn bytes_get_size(c: RawCtx, h: HPy) -> HPy_ssize_t {
    call!(c, ctx_Bytes_GET_SIZE, h)
}

/// `HPyBytes_AsString`: NULL with an exception set when `h` is not bytes.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_as_string(c: RawCtx, h: HPy) -> *const c_char {
    call!(c, ctx_Bytes_AsString, h)
}

/// `HPyBytes_AS_STRING`: the buffer of a bytes object, valid while the handle lives (in
/// debug mode a protected copy tied to the handle).
///
/// # Safety
/// See the module contract; `h` is bytes.
#[inline(always)]
pub unsafe fn bytes_as_string_unchecked(c: RawCtx, h: HPy) -> *const c_char {
    call!(c, ctx_Bytes_AS_STRING, h)
}

/// `HPyBytes_FromString`.
///
/// # Safety
/// See the module contract; `s` is NUL-terminated.
#[inline(always)]
pub unsafe fn bytes_from_cstr(c: RawCtx, s: *const c_char) -> HPy {
    call!(c, ctx_Bytes_FromString, s)
}

/// `HPyBytes_FromStringAndSize`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_from_slice(c: RawCtx, b: &[u8]) -> HPy {
    call!(
        c,
        ctx_Bytes_FromStringAndSize,
        b.as_ptr().cast::<c_char>(),
        b.len() as HPy_ssize_t
    )
}

/// A copy of the contents of a `bytearray`, or `None` (no exception) when `h` is not one. HPy
/// 0.9 has no bytearray API: the type is looked up in the builtins and the contents copied
/// through `bytes(h)`.
///
/// # Safety
/// See the module contract.
pub unsafe fn bytearray_to_vec(c: RawCtx, h: HPy) -> Option<Vec<u8>> {
    // SAFETY: forwarded contract.
    let ty = unsafe { builtin_raw(c, c"bytearray") };
    if ty.is_null() {
        call!(c, ctx_Err_Clear);
        return None;
    }
    let is = call!(c, ctx_TypeCheck, h, ty) != 0;
    // SAFETY: `ty` is owned.
    unsafe { close(c, ty) };
    if !is {
        return None;
    }
    let b = call!(c, ctx_Bytes, h);
    if b.is_null() {
        call!(c, ctx_Err_Clear);
        return None;
    }
    let n = call!(c, ctx_Bytes_GET_SIZE, b) as usize;
    let p = call!(c, ctx_Bytes_AS_STRING, b).cast::<u8>();
    let v = if n == 0 {
        Vec::new()
    } else {
        // SAFETY: the runtime returned `n` readable bytes, valid while `b` is open.
        unsafe { core::slice::from_raw_parts(p, n) }.to_vec()
    };
    // SAFETY: `b` is owned and the slice was copied.
    unsafe { close(c, b) };
    Some(v)
}

/// `HPyUnicode_FromString`.
///
/// # Safety
/// See the module contract; `s` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn unicode_from_cstr(c: RawCtx, s: *const c_char) -> HPy {
    call!(c, ctx_Unicode_FromString, s)
}

/// `HPyUnicode_AsASCIIString`, `HPyUnicode_AsLatin1String` or `HPyUnicode_AsUTF8String`
/// (`which` = 0, 1, 2).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_encode(c: RawCtx, h: HPy, which: u8) -> HPy {
    match which {
        0 => call!(c, ctx_Unicode_AsASCIIString, h),
        1 => call!(c, ctx_Unicode_AsLatin1String, h),
        _ => call!(c, ctx_Unicode_AsUTF8String, h),
    }
}

/// `HPyUnicode_FromWideChar`.
///
/// # Safety
/// See the module contract; `w` points to `n` wide characters.
#[inline(always)]
pub unsafe fn unicode_from_wide(c: RawCtx, w: *const wchar_t, n: HPy_ssize_t) -> HPy {
    call!(c, ctx_Unicode_FromWideChar, w, n)
}

/// `HPyUnicode_DecodeFSDefault`.
///
/// # Safety
/// See the module contract; `s` is NUL-terminated.
#[inline(always)]
pub unsafe fn unicode_decode_fs_default(c: RawCtx, s: *const c_char) -> HPy {
    call!(c, ctx_Unicode_DecodeFSDefault, s)
}

/// `HPyUnicode_DecodeFSDefaultAndSize`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_decode_fs_default_and_size(c: RawCtx, b: &[u8]) -> HPy {
    call!(
        c,
        ctx_Unicode_DecodeFSDefaultAndSize,
        b.as_ptr().cast::<c_char>(),
        b.len() as HPy_ssize_t
    )
}

/// `HPyUnicode_EncodeFSDefault`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_encode_fs_default(c: RawCtx, h: HPy) -> HPy {
    call!(c, ctx_Unicode_EncodeFSDefault, h)
}

/// `HPyUnicode_ReadChar`: `u32::MAX` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_read_char(c: RawCtx, h: HPy, i: HPy_ssize_t) -> u32 {
    call!(c, ctx_Unicode_ReadChar, h, i)
}

/// `HPyUnicode_DecodeASCII` (`latin1 == false`) or `HPyUnicode_DecodeLatin1`; `errors` may be
/// NULL.
///
/// # Safety
/// See the module contract; `errors` is NULL or NUL-terminated.
#[inline(always)]
pub unsafe fn unicode_decode(c: RawCtx, b: &[u8], errors: *const c_char, latin1: bool) -> HPy {
    let (p, n) = (b.as_ptr().cast::<c_char>(), b.len() as HPy_ssize_t);
    if latin1 {
        call!(c, ctx_Unicode_DecodeLatin1, p, n, errors)
    } else {
        call!(c, ctx_Unicode_DecodeASCII, p, n, errors)
    }
}

/// `HPyUnicode_FromEncodedObject`; `encoding` and `errors` may be NULL.
///
/// # Safety
/// See the module contract; the strings are NULL or NUL-terminated.
#[inline(always)]
pub unsafe fn unicode_from_encoded_object(
    c: RawCtx,
    h: HPy,
    encoding: *const c_char,
    errors: *const c_char,
) -> HPy {
    shifted!(c, ctx_Unicode_FromEncodedObject, 255, h, encoding, errors)
}

/// `HPyUnicode_Substring`.
///
/// # Safety
/// See the module contract; `h` is a str.
#[inline(always)]
pub unsafe fn unicode_substring(c: RawCtx, h: HPy, start: HPy_ssize_t, end: HPy_ssize_t) -> HPy {
    shifted!(c, ctx_Unicode_Substring, 256, h, start, end)
}

/// `_HPy_Dump`: prints a debugging description of `h` to stderr.
///
/// # Safety
/// See the module contract.
pub unsafe fn dump(c: RawCtx, h: HPy) {
    call!(c, ctx_Dump, h)
}

/// `HPyType_GetName`: a type's `__name__` as NUL-terminated UTF-8, valid while the type handle
/// lives (callers copy it at once).
///
/// # Safety
/// See the module contract; `ty` is a type.
pub unsafe fn type_get_name(c: RawCtx, ty: HPy) -> *const c_char {
    shifted!(c, ctx_Type_GetName, 253, ty)
}

/// `HPyType_IsSubtype`.
///
/// # Safety
/// See the module contract; both are types.
#[inline(always)]
pub unsafe fn type_is_subtype(c: RawCtx, sub: HPy, ty: HPy) -> bool {
    shifted!(c, ctx_Type_IsSubtype, 254, sub, ty) != 0
}

/// What `leave_python` returns: the thread state to restore.
pub struct ThreadState(HPyThreadState);

/// Whether `leave_python` may be used with this context. Not with PyPy's debug context
/// (7.3.19): its `LeavePythonExecution`/`ReenterPythonExecution` wrappers flip a "context is
/// valid" flag that all threads share, around the release of the lock, so another thread's
/// next context call aborts the process ("Wrong HPy Context!"; observed about one run in three
/// with eight threads). CPython's debug mode gives each call its own context.
///
/// # Safety
/// See the module contract.
pub unsafe fn can_leave_python(c: RawCtx) -> bool {
    // SAFETY: forwarded contract.
    let name = unsafe { ctx_name(c) };
    name != "HPy Debug Mode ABI (PyPy backend)"
}

/// `HPy_LeavePythonExecution`: releases the interpreter lock.
///
/// # Safety
/// See the module contract; the caller re-enters with `reenter_python` on this thread before
/// touching Python again.
#[inline(always)]
pub unsafe fn leave_python(c: RawCtx) -> ThreadState {
    ThreadState(call!(c, ctx_LeavePythonExecution))
}

/// `HPy_ReenterPythonExecution`: takes the interpreter lock back.
///
/// # Safety
/// `state` comes from `leave_python` on this thread, with this context.
#[inline(always)]
pub unsafe fn reenter_python(c: RawCtx, state: ThreadState) {
    call!(c, ctx_ReenterPythonExecution, state.0)
}

/// The Rust function a capsule's destructor runs (`HPyFunc_Capsule_Destructor`): it receives
/// the capsule's name, pointer and context, and must not call into Python.
pub trait CapsuleDestructor {
    /// The destructor.
    ///
    /// # Safety
    /// Called once, by the runtime, when the capsule dies.
    unsafe extern "C" fn destroy(name: *const c_char, pointer: *mut c_void, context: *mut c_void);
}

/// The CPython trampoline of a capsule destructor: CPython's `hpy.universal` calls it when the
/// capsule dies, and it enters `D::destroy` through `ctx_CallRealFunctionFromTrampoline`
/// (which reads the name, pointer and context). PyPy and GraalPy call `D::destroy` directly.
unsafe extern "C" fn capsule_trampoline<D: CapsuleDestructor>(capsule: *mut cpy_PyObject) {
    // SAFETY: `capsule` is the dying capsule; the CAPSULE_DESTRUCTOR signature passes it as the
    // argument "struct" itself, and `D::destroy` has that signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_CAPSULE_DESTRUCTOR,
            D::destroy as HPyCFunction,
            capsule.cast(),
        )
    }
}

/// `HPyCapsule_New` whose destructor runs `D::destroy`.
///
/// # Safety
/// See the module contract; `name` is NULL or NUL-terminated and outlives the capsule.
pub unsafe fn capsule_new<D: CapsuleDestructor>(
    c: RawCtx,
    pointer: *mut c_void,
    name: *const c_char,
) -> HPy {
    // One `HPyCapsule_Destructor` per `D`, in static memory: the runtime may keep the pointer.
    let d: &'static HPyCapsule_Destructor = const {
        &HPyCapsule_Destructor {
            cpy_trampoline: capsule_trampoline::<D> as *const c_void,
            impl_: D::destroy as *const c_void,
        }
    };
    let d = (d as *const HPyCapsule_Destructor).cast_mut();
    shifted!(c, ctx_Capsule_New, 244, pointer, name, d)
}

/// `HPyCapsule_New` without a destructor.
///
/// # Safety
/// See the module contract; `name` is NULL or NUL-terminated and outlives the capsule.
pub unsafe fn capsule_new_raw(c: RawCtx, pointer: *mut c_void, name: *const c_char) -> HPy {
    shifted!(c, ctx_Capsule_New, 244, pointer, name, ptr::null_mut())
}

/// `HPyCapsule_Get`: the pointer (checking `name`), the name or the context.
///
/// # Safety
/// See the module contract; `name` is NULL or NUL-terminated.
pub unsafe fn capsule_get(
    c: RawCtx,
    h: HPy,
    key: HPyCapsule_key,
    name: *const c_char,
) -> *mut c_void {
    shifted!(c, ctx_Capsule_Get, 245, h, key, name)
}

/// `HPyCapsule_Set` for the pointer, the name or the context (not the destructor).
///
/// # Safety
/// See the module contract; a name must outlive the capsule.
pub unsafe fn capsule_set(c: RawCtx, h: HPy, key: HPyCapsule_key, value: *mut c_void) -> c_int {
    shifted!(c, ctx_Capsule_Set, 247, h, key, value)
}

/// `HPyCapsule_SetDestructor` with `D::destroy`.
///
/// # Safety
/// See the module contract.
pub unsafe fn capsule_set_destructor<D: CapsuleDestructor>(c: RawCtx, h: HPy) -> c_int {
    let d: &'static HPyCapsule_Destructor = const {
        &HPyCapsule_Destructor {
            cpy_trampoline: capsule_trampoline::<D> as *const c_void,
            impl_: D::destroy as *const c_void,
        }
    };
    let d = (d as *const HPyCapsule_Destructor).cast_mut();
    shifted!(
        c,
        ctx_Capsule_Set,
        247,
        h,
        HPyCapsule_key_Destructor,
        d.cast()
    )
}

/// `HPyCapsule_IsValid`.
///
/// # Safety
/// See the module contract; `name` is NULL or NUL-terminated.
#[inline(always)]
pub unsafe fn capsule_is_valid(c: RawCtx, h: HPy, name: *const c_char) -> bool {
    shifted!(c, ctx_Capsule_IsValid, 246, h, name) != 0
}

/// `HPyContextVar_New`; `default` may be NULL.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn context_var_new(c: RawCtx, name: *const c_char, default: HPy) -> HPy {
    shifted!(c, ctx_ContextVar_New, 250, name, default)
}

/// `HPyContextVar_Get`: 0 with `*out` a new handle or NULL (no value, no default), or -1 with an
/// exception set.
///
/// # Safety
/// See the module contract; `default` may be NULL.
#[inline(always)]
pub unsafe fn context_var_get(c: RawCtx, var: HPy, default: HPy, out: &mut HPy) -> c_int {
    *out = HPy::NULL;
    shifted!(c, ctx_ContextVar_Get, 251, var, default, out as *mut HPy)
}

/// `HPyContextVar_Set`: a new token, or NULL.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn context_var_set(c: RawCtx, var: HPy, value: HPy) -> HPy {
    shifted!(c, ctx_ContextVar_Set, 252, var, value)
}

/// `HPy_Compile_s`.
///
/// # Safety
/// See the module contract; both strings are NUL-terminated.
pub unsafe fn compile_s(
    c: RawCtx,
    source: *const c_char,
    filename: *const c_char,
    kind: HPy_SourceKind,
) -> HPy {
    shifted!(c, ctx_Compile_s, 248, source, filename, kind)
}

/// `HPy_EvalCode`; `locals` may be NULL (then `globals` is used).
///
/// # Safety
/// See the module contract; `code` is a code object and `globals` a dict.
pub unsafe fn eval_code(c: RawCtx, code: HPy, globals: HPy, locals: HPy) -> HPy {
    let locals = if locals.is_null() { globals } else { locals };
    shifted!(c, ctx_EvalCode, 249, code, globals, locals)
}

/// `HPySlice_Unpack`: 0, or -1 with an exception set.
///
/// # Safety
/// See the module contract; `s` is a slice.
#[inline(always)]
pub unsafe fn slice_unpack(
    c: RawCtx,
    s: HPy,
    start: &mut HPy_ssize_t,
    stop: &mut HPy_ssize_t,
    step: &mut HPy_ssize_t,
) -> c_int {
    shifted!(
        c,
        ctx_Slice_Unpack,
        259,
        s,
        start as *mut HPy_ssize_t,
        stop as *mut HPy_ssize_t,
        step as *mut HPy_ssize_t
    )
}

/// A builtin by name (a new handle), or NULL with an exception set. The context's builtins
/// are a dict on CPython's `hpy.universal` and the module elsewhere.
///
/// # Safety
/// See the module contract.
unsafe fn builtin_raw(c: RawCtx, name: &core::ffi::CStr) -> HPy {
    let ns = konst!(c, h_Builtins);
    if call!(c, ctx_Dict_Check, ns) != 0 {
        call!(c, ctx_GetItem_s, ns, name.as_ptr())
    } else {
        call!(c, ctx_GetAttr_s, ns, name.as_ptr())
    }
}

/// An iteration in progress. HPy 0.9 has no `HPy_GetIter`/`HPyIter_Next`:
///
/// * on PyPy an exact `list` or `tuple` is walked by index with `HPy_GetItem_i`, which is
///   exactly what their iterators do (the index is checked against the current length at every
///   step; a list that shrank raises `IndexError`, which ends the iteration). There a call
///   through `HPy_Call` costs 3x more than an item lookup (measured: 19 vs 62 µs for 1000
///   floats);
/// * anything else, and everything on CPython (where `HPy_GetItem_i` allocates an int and is
///   20% slower than a call), goes through the builtins: `iter(x)` once, then
///   `next(it, sentinel)` per item (through `HPy_Call`), where the sentinel is a fresh
///   `object()`, so the end of the iteration costs no exception.
pub enum RawIter {
    /// An exact list or tuple and the next index.
    Seq {
        /// The sequence (owned).
        obj: HPy,
        /// The next index.
        pos: HPy_ssize_t,
    },
    /// An iterator, the builtin `next` and the sentinel (all owned).
    Iter {
        /// The iterator.
        it: HPy,
        /// The builtin `next`.
        next: HPy,
        /// What `next(it, sentinel)` returns at the end.
        sentinel: HPy,
    },
}

/// Whether the runtime is PyPy (its context names say so: "HPy Universal ABI (PyPy
/// backend)", "HPy Debug Mode ABI (PyPy backend)").
///
/// # Safety
/// See the module contract.
unsafe fn on_pypy(c: RawCtx) -> bool {
    // SAFETY: forwarded contract.
    unsafe { ctx_name(c) }.contains("PyPy")
}

/// Starts iterating over `x` (`iter(x)`); `None` with an exception set when `x` is not
/// iterable.
///
/// # Safety
/// See the module contract.
pub unsafe fn iter_new(c: RawCtx, x: HPy) -> Option<RawIter> {
    // SAFETY: forwarded contract; every handle made here is owned by the RawIter or closed.
    unsafe {
        if on_pypy(c) && {
            let ty = type_of(c, x);
            let exact_seq = is(c, ty, (*c.0).h_ListType) || is(c, ty, (*c.0).h_TupleType);
            close(c, ty);
            exact_seq
        } {
            return Some(RawIter::Seq {
                obj: dup(c, x),
                pos: 0,
            });
        }
        let iter_fn = builtin_raw(c, c"iter");
        if iter_fn.is_null() {
            return None;
        }
        let it = call(c, iter_fn, &x, 1, HPy::NULL, false);
        close(c, iter_fn);
        if it.is_null() {
            return None;
        }
        let next = builtin_raw(c, c"next");
        if next.is_null() {
            close(c, it);
            return None;
        }
        let object = (*c.0).h_BaseObjectType;
        let sentinel = call(c, object, ptr::null(), 0, HPy::NULL, false);
        if sentinel.is_null() {
            close(c, it);
            close(c, next);
            return None;
        }
        Some(RawIter::Iter { it, next, sentinel })
    }
}

/// The next item (a new handle), or NULL at the end (no exception) or on error (exception set).
///
/// # Safety
/// See the module contract; `it` was made by `iter_new` with this context.
#[inline(always)]
pub unsafe fn iter_next(c: RawCtx, it: &mut RawIter) -> HPy {
    // SAFETY: the handles in `it` are open.
    unsafe {
        match it {
            RawIter::Seq { obj, pos } => {
                let r = get_item_i(c, *obj, *pos);
                if r.is_null() {
                    // Past the end (the length is checked at every step): done.
                    if err_matches(
                        c,
                        builtin_exception(c, crate::err::Builtin::IndexError as usize),
                    ) {
                        err_clear(c);
                    }
                    return HPy::NULL;
                }
                *pos += 1;
                r
            }
            RawIter::Iter { it, next, sentinel } => {
                let args = [*it, *sentinel];
                let r = call(c, *next, args.as_ptr(), 2, HPy::NULL, false);
                if !r.is_null() && is(c, r, *sentinel) {
                    close(c, r);
                    return HPy::NULL;
                }
                r
            }
        }
    }
}

/// An iteration over a dict's items in progress. HPy 0.9 has no item iteration: the keys are
/// taken once (`HPyDict_Keys`), then each value is looked up (`HPy_GetItem`).
pub struct RawDictIter {
    /// The dict (owned).
    dict: HPy,
    /// Its keys at the start (an owned list).
    keys: HPy,
    /// The next index into `keys`.
    pos: HPy_ssize_t,
    /// The number of keys.
    len: HPy_ssize_t,
}

/// Starts iterating over the items of a dict; `None` with an exception set on failure.
///
/// # Safety
/// See the module contract; `d` is a dict (a subclass too).
pub unsafe fn dict_iter_new(c: RawCtx, d: HPy) -> Option<RawDictIter> {
    // SAFETY: forwarded contract; the handles made here are owned by the RawDictIter or closed.
    unsafe {
        // PyPy's HPyDict_Keys makes `list(dict.keys(d))` with two generic calls (about 300 ns
        // even for an empty dict, measured on 7.3.19): there, skip empty dicts, and make the
        // list as `list(d)`, one call. CPython's (`PyDict_Keys`) is the faster way there.
        let on_pypy = runtime(c) == Runtime::PyPy;
        if on_pypy && length(c, d) == 0 {
            // Nothing to iterate: `keys` holds the dict itself (never indexed, closed at the end).
            return Some(RawDictIter {
                dict: dup(c, d),
                keys: dup(c, d),
                pos: 0,
                len: 0,
            });
        }
        let keys = if on_pypy {
            call(c, (*c.0).h_ListType, &d, 1, HPy::NULL, false)
        } else {
            dict_keys(c, d)
        };
        if keys.is_null() {
            return None;
        }
        let len = length(c, keys);
        if len < 0 {
            close(c, keys);
            return None;
        }
        Some(RawDictIter {
            dict: dup(c, d),
            keys,
            pos: 0,
            len,
        })
    }
}

/// The next item: 1 with new handles in `key` and `value`, 0 at the end, -1 with an exception
/// set (`KeyError` for a key removed since the iteration started).
///
/// # Safety
/// See the module contract; `it` was made by `dict_iter_new` with this context.
#[inline(always)]
pub unsafe fn dict_iter_next(
    c: RawCtx,
    it: &mut RawDictIter,
    key: &mut HPy,
    value: &mut HPy,
) -> c_int {
    if it.pos >= it.len {
        return 0;
    }
    // SAFETY: the handles in `it` are open; `keys` is a list of `len` items that nobody else
    // holds.
    unsafe {
        let k = get_item_i(c, it.keys, it.pos);
        if k.is_null() {
            return -1;
        }
        let v = get_item(c, it.dict, k);
        if v.is_null() {
            close(c, k);
            return -1;
        }
        it.pos += 1;
        *key = k;
        *value = v;
        1
    }
}

/// Ends a dict iteration.
///
/// # Safety
/// See the module contract; `it` was made by `dict_iter_new` with this context.
pub unsafe fn dict_iter_close(c: RawCtx, it: RawDictIter) {
    // SAFETY: the RawDictIter owns its handles.
    unsafe {
        close(c, it.keys);
        close(c, it.dict);
    }
}

/// Ends an iteration.
///
/// # Safety
/// See the module contract; `it` was made by `iter_new` with this context.
pub unsafe fn iter_close(c: RawCtx, it: RawIter) {
    // SAFETY: the RawIter owns its handles.
    unsafe {
        match it {
            RawIter::Seq { obj, .. } => close(c, obj),
            RawIter::Iter { it, next, sentinel } => {
                close(c, it);
                close(c, next);
                close(c, sentinel);
            }
        }
    }
}

/// `next(x)` on an iterator: the next item (a new handle), or NULL at the end (no exception
/// set) or on error.
///
/// # Safety
/// See the module contract.
pub unsafe fn iterator_next(c: RawCtx, x: HPy) -> HPy {
    // SAFETY: forwarded contract; the temporary handles are closed.
    unsafe {
        let next = builtin_raw(c, c"next");
        if next.is_null() {
            return HPy::NULL;
        }
        let object = (*c.0).h_BaseObjectType;
        let sentinel = call(c, object, ptr::null(), 0, HPy::NULL, false);
        if sentinel.is_null() {
            close(c, next);
            return HPy::NULL;
        }
        let args = [x, sentinel];
        let mut r = call(c, next, args.as_ptr(), 2, HPy::NULL, false);
        if !r.is_null() && is(c, r, sentinel) {
            close(c, r);
            r = HPy::NULL;
        }
        close(c, sentinel);
        close(c, next);
        r
    }
}

/// Whether `Vec<f64>` conversions should convert lists and tuples in one call of a Python
/// helper (`struct.pack`) rather than item by item: yes here, where reading an item costs
/// several context calls (see `conv::extract_f64_vec`).
pub const F64_BULK_VIA_PYTHON: bool = true;

/// The CPython backend converts the leading floats of a sequence here; this backend has no
/// cheaper way than [`F64_BULK_VIA_PYTHON`], so it converts none.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn extract_f64s(c: RawCtx, seq: HPy, out: &mut Vec<f64>) -> Result<usize, ()> {
    let _ = (c, seq, out);
    Ok(0)
}

//! The CPython-ABI backend: a handle *is* the `PyObject*`, the context is a zero-sized token,
//! and every operation is an inlined call into the CPython C API (through `pyo3-ffi`).
//!
//! Contract for every `unsafe fn` here: the GIL is held (we are inside a call from CPython or
//! inside module initialisation), and every `HPy` passed in is a live object reference.

use core::ffi::{c_char, c_int, c_void};

use pyo3_ffi as py;

use crate::ffi::{HPy, HPy_RichCmpOp, HPy_ssize_t};

/// The list and tuple access macros (`PyTuple_GET_ITEM`...), which pyo3-ffi declares for
/// CPython only: on PyPy's cpyext (a CPython-ABI build for PyPy, `cfg(hpy_cpyext)`) the
/// function forms stand in for them, with the same reference semantics (borrowed items,
/// stolen values when setting an empty slot of a new object).
mod fast {
    use py::{Py_ssize_t, PyObject};
    use pyo3_ffi as py;

    /// `PyTuple_GET_SIZE`. Safety: `t` is a live tuple.
    #[inline(always)]
    pub unsafe fn tuple_size(t: *mut PyObject) -> Py_ssize_t {
        // SAFETY: the caller passes a live tuple, as both forms require.
        unsafe {
            #[cfg(not(hpy_cpyext))]
            return py::PyTuple_GET_SIZE(t);
            #[cfg(hpy_cpyext)]
            return py::PyTuple_Size(t);
        }
    }

    /// `PyTuple_GET_ITEM` (borrowed). Safety: `t` is a live tuple, `i` in range.
    #[inline(always)]
    pub unsafe fn tuple_item(t: *mut PyObject, i: Py_ssize_t) -> *mut PyObject {
        // SAFETY: the caller passes a live tuple and an index in range.
        unsafe {
            #[cfg(not(hpy_cpyext))]
            return py::PyTuple_GET_ITEM(t, i);
            #[cfg(hpy_cpyext)]
            return py::PyTuple_GetItem(t, i);
        }
    }

    /// `PyTuple_SET_ITEM` (steals `v`). Safety: `t` is a new tuple, slot `i` empty.
    #[inline(always)]
    pub unsafe fn tuple_set(t: *mut PyObject, i: Py_ssize_t, v: *mut PyObject) {
        // SAFETY: the caller passes a new tuple (reference count 1, as PyTuple_SetItem
        // requires) and an empty slot in range; both forms steal `v`.
        unsafe {
            #[cfg(not(hpy_cpyext))]
            py::PyTuple_SET_ITEM(t, i, v);
            #[cfg(hpy_cpyext)]
            py::PyTuple_SetItem(t, i, v);
        }
    }

    /// `PyList_GET_SIZE`. Safety: `l` is a live list.
    #[inline(always)]
    pub unsafe fn list_size(l: *mut PyObject) -> Py_ssize_t {
        // SAFETY: the caller passes a live list.
        unsafe {
            #[cfg(not(hpy_cpyext))]
            return py::PyList_GET_SIZE(l);
            #[cfg(hpy_cpyext)]
            return py::PyList_Size(l);
        }
    }

    /// `PyList_GET_ITEM` (borrowed). Safety: `l` is a live list, `i` in range.
    #[inline(always)]
    pub unsafe fn list_item(l: *mut PyObject, i: Py_ssize_t) -> *mut PyObject {
        // SAFETY: the caller passes a live list and an index in range.
        unsafe {
            #[cfg(not(hpy_cpyext))]
            return py::PyList_GET_ITEM(l, i);
            #[cfg(hpy_cpyext)]
            return py::PyList_GetItem(l, i);
        }
    }

    /// `PyList_SET_ITEM` (steals `v`). Safety: `l` is a new list, slot `i` empty.
    #[inline(always)]
    pub unsafe fn list_set(l: *mut PyObject, i: Py_ssize_t, v: *mut PyObject) {
        // SAFETY: the caller passes a new list and an empty slot in range; both forms
        // steal `v`.
        unsafe {
            #[cfg(not(hpy_cpyext))]
            py::PyList_SET_ITEM(l, i, v);
            #[cfg(hpy_cpyext)]
            py::PyList_SetItem(l, i, v);
        }
    }
}

/// The CPython ABI needs no context: this token exists only so that both backends have the
/// same signatures. It is zero-sized, so passing it around costs nothing.
#[derive(Clone, Copy)]
pub struct RawCtx;

#[inline(always)]
fn o(h: HPy) -> *mut py::PyObject {
    h._i as *mut py::PyObject
}

#[inline(always)]
fn h(o: *mut py::PyObject) -> HPy {
    HPy { _i: o as isize }
}

/// `Py_INCREF`, returning the same handle.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn dup(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is a live object.
    unsafe { py::Py_INCREF(o(x)) };
    x
}

/// `Py_DECREF`.
///
/// # Safety
/// See the module contract; `x` is owned and not used afterwards.
#[inline(always)]
pub unsafe fn close(_c: RawCtx, x: HPy) {
    // SAFETY: the GIL is held and we own this reference.
    unsafe { py::Py_DECREF(o(x)) }
}

/// `None`, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn none(_c: RawCtx) -> HPy {
    // SAFETY: reads the address of a static object.
    h(unsafe { py::Py_None() })
}

/// `True` or `False`, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bool_const(_c: RawCtx, v: bool) -> HPy {
    // SAFETY: reads the address of a static object.
    h(unsafe { if v { py::Py_True() } else { py::Py_False() } })
}

/// `NotImplemented`, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn not_implemented(_c: RawCtx) -> HPy {
    // SAFETY: reads the address of a static object.
    h(unsafe { py::Py_NotImplemented() })
}

macro_rules! exception_table {
    ($($idx:literal => $name:ident,)*) => {
        /// The built-in exception or warning type at HPy context index `idx` (5..=68), borrowed.
        ///
        /// # Safety
        /// See the module contract; `idx` is in 5..=68.
        #[inline]
        pub unsafe fn builtin_exception(_c: RawCtx, idx: usize) -> HPy {
            // SAFETY: reads the value of an initialised extern static of the interpreter.
            let p = unsafe {
                match idx {
                    $($idx => py::$name,)*
                    _ => unreachable!("no built-in exception at context index {idx}"),
                }
            };
            h(p)
        }
    };
}

exception_table! {
    5 => PyExc_BaseException, 6 => PyExc_Exception, 7 => PyExc_StopAsyncIteration,
    8 => PyExc_StopIteration, 9 => PyExc_GeneratorExit, 10 => PyExc_ArithmeticError,
    11 => PyExc_LookupError, 12 => PyExc_AssertionError, 13 => PyExc_AttributeError,
    14 => PyExc_BufferError, 15 => PyExc_EOFError, 16 => PyExc_FloatingPointError,
    17 => PyExc_OSError, 18 => PyExc_ImportError, 19 => PyExc_ModuleNotFoundError,
    20 => PyExc_IndexError, 21 => PyExc_KeyError, 22 => PyExc_KeyboardInterrupt,
    23 => PyExc_MemoryError, 24 => PyExc_NameError, 25 => PyExc_OverflowError,
    26 => PyExc_RuntimeError, 27 => PyExc_RecursionError, 28 => PyExc_NotImplementedError,
    29 => PyExc_SyntaxError, 30 => PyExc_IndentationError, 31 => PyExc_TabError,
    32 => PyExc_ReferenceError, 33 => PyExc_SystemError, 34 => PyExc_SystemExit,
    35 => PyExc_TypeError, 36 => PyExc_UnboundLocalError, 37 => PyExc_UnicodeError,
    38 => PyExc_UnicodeEncodeError, 39 => PyExc_UnicodeDecodeError,
    40 => PyExc_UnicodeTranslateError, 41 => PyExc_ValueError, 42 => PyExc_ZeroDivisionError,
    43 => PyExc_BlockingIOError, 44 => PyExc_BrokenPipeError, 45 => PyExc_ChildProcessError,
    46 => PyExc_ConnectionError, 47 => PyExc_ConnectionAbortedError,
    48 => PyExc_ConnectionRefusedError, 49 => PyExc_ConnectionResetError,
    50 => PyExc_FileExistsError, 51 => PyExc_FileNotFoundError, 52 => PyExc_InterruptedError,
    53 => PyExc_IsADirectoryError, 54 => PyExc_NotADirectoryError, 55 => PyExc_PermissionError,
    56 => PyExc_ProcessLookupError, 57 => PyExc_TimeoutError, 58 => PyExc_Warning,
    59 => PyExc_UserWarning, 60 => PyExc_DeprecationWarning,
    61 => PyExc_PendingDeprecationWarning, 62 => PyExc_SyntaxWarning,
    63 => PyExc_RuntimeWarning, 64 => PyExc_FutureWarning, 65 => PyExc_ImportWarning,
    66 => PyExc_UnicodeWarning, 67 => PyExc_BytesWarning, 68 => PyExc_ResourceWarning,
}

/// `PyImport_ImportModule`.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn import_module(_c: RawCtx, name: *const c_char) -> HPy {
    // SAFETY: the GIL is held and `name` is NUL-terminated.
    h(unsafe { py::PyImport_ImportModule(name) })
}

/// The `builtins` module, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn builtins(_c: RawCtx) -> HPy {
    // SAFETY: the GIL is held and `builtins` is always imported, so this returns the module
    // (a borrowed reference, like HPy's `h_Builtins`).
    unsafe {
        let m = py::PyImport_AddModule(c"builtins".as_ptr());
        h(m)
    }
}

/// A built-in type, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn builtin_type(_c: RawCtx, t: super::BuiltinType) -> HPy {
    use super::BuiltinType as T;
    // Taking the address of an extern static is safe.
    let p: *mut py::PyTypeObject = {
        match t {
            T::Object => &raw mut py::PyBaseObject_Type,
            T::Type => &raw mut py::PyType_Type,
            T::Bool => &raw mut py::PyBool_Type,
            T::Int => &raw mut py::PyLong_Type,
            T::Float => &raw mut py::PyFloat_Type,
            T::Str => &raw mut py::PyUnicode_Type,
            T::Tuple => &raw mut py::PyTuple_Type,
            T::List => &raw mut py::PyList_Type,
            T::Complex => &raw mut py::PyComplex_Type,
            T::Bytes => &raw mut py::PyBytes_Type,
            T::MemoryView => &raw mut py::PyMemoryView_Type,
            T::Capsule => &raw mut py::PyCapsule_Type,
            T::Slice => &raw mut py::PySlice_Type,
        }
    };
    h(p.cast())
}

/// Identity.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn is(_c: RawCtx, a: HPy, b: HPy) -> bool {
    a._i == b._i
}

/// `PyObject_TypeCheck`.
///
/// # Safety
/// See the module contract; `ty` is a type.
#[inline(always)]
pub unsafe fn type_check(_c: RawCtx, x: HPy, ty: HPy) -> bool {
    // SAFETY: both are live objects and `ty` is a type object.
    unsafe { py::PyObject_TypeCheck(o(x), ty._i as *mut py::PyTypeObject) != 0 }
}

/// `isinstance(x, t)` for a built-in type: the type's flag where CPython has one (the
/// `Py*_Check` macros), else `PyObject_TypeCheck`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn is_instance_of_builtin(c: RawCtx, x: HPy, t: super::BuiltinType) -> bool {
    use super::BuiltinType as T;
    // SAFETY: `x` is live; the built-in types are static.
    unsafe {
        let p = o(x);
        match t {
            T::Int => py::PyLong_Check(p) != 0,
            T::Bool => py::PyBool_Check(p) != 0,
            T::Str => py::PyUnicode_Check(p) != 0,
            T::Bytes => py::PyBytes_Check(p) != 0,
            T::Tuple => py::PyTuple_Check(p) != 0,
            T::List => py::PyList_Check(p) != 0,
            T::Type => py::PyType_Check(p) != 0,
            _ => type_check(c, x, builtin_type(c, t)),
        }
    }
}

/// A new reference to the type of `x`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn type_of(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: `x` is live; its type outlives it and we take a new reference.
    unsafe {
        let t = py::Py_TYPE(o(x)).cast::<py::PyObject>();
        py::Py_INCREF(t);
        h(t)
    }
}

/// `PyLong_FromLongLong`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_i64(_c: RawCtx, v: i64) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyLong_FromLongLong(v) })
}

/// `PyLong_FromUnsignedLongLong`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_u64(_c: RawCtx, v: u64) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyLong_FromUnsignedLongLong(v) })
}

/// `PyLong_AsLongLong`: `-1` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_i64(_c: RawCtx, x: HPy) -> i64 {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyLong_AsLongLong(o(x)) }
}

/// `PyLong_AsUnsignedLongLong`: `u64::MAX` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_u64(_c: RawCtx, x: HPy) -> u64 {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyLong_AsUnsignedLongLong(o(x)) }
}

/// `PyFloat_FromDouble`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn float_from_f64(_c: RawCtx, v: f64) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyFloat_FromDouble(v) })
}

/// `PyFloat_AsDouble`: `-1.0` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn float_as_f64(_c: RawCtx, x: HPy) -> f64 {
    // SAFETY: the GIL is held and `x` is live; exact floats are read directly.
    unsafe {
        if py::PyFloat_CheckExact(o(x)) != 0 {
            py::PyFloat_AS_DOUBLE(o(x))
        } else {
            py::PyFloat_AsDouble(o(x))
        }
    }
}

/// `PyNumber_Index`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn index(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is live.
    h(unsafe { py::PyNumber_Index(o(x)) })
}

/// A binary number operation (`PyNumber_Add` ...).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn binary_op(_c: RawCtx, op: super::BinaryOp, a: HPy, b: HPy) -> HPy {
    use super::BinaryOp as O;
    let (a, b) = (o(a), o(b));
    // SAFETY: the GIL is held and both operands are live.
    h(unsafe {
        match op {
            O::Add => py::PyNumber_Add(a, b),
            O::Subtract => py::PyNumber_Subtract(a, b),
            O::Multiply => py::PyNumber_Multiply(a, b),
            O::MatrixMultiply => py::PyNumber_MatrixMultiply(a, b),
            O::FloorDivide => py::PyNumber_FloorDivide(a, b),
            O::TrueDivide => py::PyNumber_TrueDivide(a, b),
            O::Remainder => py::PyNumber_Remainder(a, b),
            O::Divmod => py::PyNumber_Divmod(a, b),
            O::Lshift => py::PyNumber_Lshift(a, b),
            O::Rshift => py::PyNumber_Rshift(a, b),
            O::And => py::PyNumber_And(a, b),
            O::Xor => py::PyNumber_Xor(a, b),
            O::Or => py::PyNumber_Or(a, b),
        }
    })
}

/// An in-place binary number operation (`PyNumber_InPlaceAdd` ...). `Divmod` has no in-place
/// form and computes `divmod(a, b)`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn inplace_op(_c: RawCtx, op: super::BinaryOp, a: HPy, b: HPy) -> HPy {
    use super::BinaryOp as O;
    let (a, b) = (o(a), o(b));
    // SAFETY: the GIL is held and both operands are live.
    h(unsafe {
        match op {
            O::Add => py::PyNumber_InPlaceAdd(a, b),
            O::Subtract => py::PyNumber_InPlaceSubtract(a, b),
            O::Multiply => py::PyNumber_InPlaceMultiply(a, b),
            O::MatrixMultiply => py::PyNumber_InPlaceMatrixMultiply(a, b),
            O::FloorDivide => py::PyNumber_InPlaceFloorDivide(a, b),
            O::TrueDivide => py::PyNumber_InPlaceTrueDivide(a, b),
            O::Remainder => py::PyNumber_InPlaceRemainder(a, b),
            O::Divmod => py::PyNumber_Divmod(a, b),
            O::Lshift => py::PyNumber_InPlaceLshift(a, b),
            O::Rshift => py::PyNumber_InPlaceRshift(a, b),
            O::And => py::PyNumber_InPlaceAnd(a, b),
            O::Xor => py::PyNumber_InPlaceXor(a, b),
            O::Or => py::PyNumber_InPlaceOr(a, b),
        }
    })
}

/// A unary number operation (`PyNumber_Negative` ..., `PyNumber_Index`, `PyNumber_Long`,
/// `PyNumber_Float`).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unary_op(_c: RawCtx, op: super::UnaryOp, a: HPy) -> HPy {
    use super::UnaryOp as U;
    let a = o(a);
    // SAFETY: the GIL is held and the operand is live.
    h(unsafe {
        match op {
            U::Negative => py::PyNumber_Negative(a),
            U::Positive => py::PyNumber_Positive(a),
            U::Absolute => py::PyNumber_Absolute(a),
            U::Invert => py::PyNumber_Invert(a),
            U::Index => py::PyNumber_Index(a),
            U::Long => py::PyNumber_Long(a),
            U::Float => py::PyNumber_Float(a),
        }
    })
}

/// `PyNumber_Power` / `PyNumber_InPlacePower`; `m` is `None` for no modulus.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn power(_c: RawCtx, a: HPy, b: HPy, m: HPy, inplace: bool) -> HPy {
    // SAFETY: the GIL is held and the operands are live.
    h(unsafe {
        if inplace {
            py::PyNumber_InPlacePower(o(a), o(b), o(m))
        } else {
            py::PyNumber_Power(o(a), o(b), o(m))
        }
    })
}

/// `PyObject_RichCompareBool`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn rich_compare_bool(_c: RawCtx, a: HPy, b: HPy, op: HPy_RichCmpOp) -> c_int {
    // SAFETY: the GIL is held, both are live and HPy's operator codes are CPython's.
    unsafe { py::PyObject_RichCompareBool(o(a), o(b), op) }
}

/// `PyObject_IsTrue`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn is_true(_c: RawCtx, x: HPy) -> c_int {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyObject_IsTrue(o(x)) }
}

/// A new `str` from UTF-8.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_from_str(_c: RawCtx, s: &str) -> HPy {
    // ASCII text: a new compact ASCII str, filled directly (what CPython's own
    // `_PyUnicode_FromASCII` does). The UTF-8 decoder behind `PyUnicode_FromStringAndSize`
    // costs about 100 instructions more for a short string.
    #[cfg(not(hpy_cpyext))]
    if crate::conv::ascii_only(s.as_bytes()) {
        // SAFETY: the GIL is held. `PyUnicode_New(n, 127)` returns NULL or a new compact ASCII
        // str of `n` characters (the shared empty str for 0), whose characters follow the
        // `PyASCIIObject` header, as `_PyUnicode_COMPACT_DATA` reads them in every CPython
        // since 3.3; `s` has exactly `n` ASCII bytes, and the terminating NUL is already set.
        unsafe {
            let u = py::PyUnicode_New(s.len() as py::Py_ssize_t, 127);
            if !u.is_null() {
                let data = u.cast::<py::PyASCIIObject>().add(1).cast::<u8>();
                core::ptr::copy_nonoverlapping(s.as_ptr(), data, s.len());
            }
            return h(u);
        }
    }
    // SAFETY: the GIL is held; the pointer and length describe valid UTF-8.
    h(unsafe { py::PyUnicode_FromStringAndSize(s.as_ptr().cast(), s.len() as py::Py_ssize_t) })
}

/// `PyUnicode_AsUTF8AndSize`: the UTF-8 buffer cached in the `str`, valid while it lives.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_as_utf8(_c: RawCtx, x: HPy, len: &mut HPy_ssize_t) -> *const u8 {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyUnicode_AsUTF8AndSize(o(x), len).cast() }
}

/// The number of keyword names of a call (`kwnames` is a tuple of str).
///
/// # Safety
/// See the module contract; `kwnames` is the keyword-name tuple of a call.
#[inline(always)]
pub unsafe fn kwnames_len(_c: RawCtx, kwnames: HPy) -> usize {
    // SAFETY: `kwnames` is a live tuple.
    unsafe { fast::tuple_size(o(kwnames)) }.max(0) as usize
}

/// Keyword name `j` of a call, borrowed.
///
/// # Safety
/// See the module contract; `kwnames` is the keyword-name tuple of a call, `j` in range.
#[inline(always)]
pub unsafe fn kwnames_item(_c: RawCtx, kwnames: HPy, j: usize) -> HPy {
    // SAFETY: `kwnames` is a live tuple and `j` in range.
    h(unsafe { fast::tuple_item(o(kwnames), j as py::Py_ssize_t) })
}

/// A new reference to the interned `str` equal to `x`, or NULL (no exception set) if `x` is
/// not an exact `str`.
///
/// # Safety
/// See the module contract.
pub unsafe fn intern_str(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is live. `PyUnicode_InternInPlace` takes a new reference
    // and replaces it by the interned object (a new reference too), or leaves it as it is.
    unsafe {
        if py::PyUnicode_CheckExact(o(x)) == 0 {
            return HPy::NULL;
        }
        let mut s = o(x);
        py::Py_INCREF(s);
        py::PyUnicode_InternInPlace(&mut s);
        h(s)
    }
}

/// How a `str` stores its text (see `crate::StrData`): a pointer and a length in code units.
#[cfg_attr(hpy_cpyext, allow(dead_code))] // cpyext: UTF-8 only
pub enum RawStrData {
    /// ASCII (1 byte per character).
    Ascii(*const u8, usize),
    /// Latin-1 (1 byte per character, some above 0x7F).
    Latin1(*const u8, usize),
    /// UCS-2.
    Ucs2(*const u16, usize),
    /// UCS-4.
    Ucs4(*const u32, usize),
    /// UTF-8 (`PyUnicode_AsUTF8AndSize`).
    Utf8(*const u8, usize),
}

/// The text of a `str` as CPython stores it (kind and data of the compact representation), or,
/// for a string not in that form (a legacy string before 3.12; anything on PyPy's cpyext,
/// whose strings are not CPython's), its UTF-8. `None` with an exception set on failure.
///
/// # Safety
/// See the module contract; `x` is a str.
#[inline(always)]
pub unsafe fn str_data(_c: RawCtx, x: HPy) -> Option<RawStrData> {
    let p = o(x);
    // SAFETY: the GIL is held and `x` is a live str; a ready string's kind, length and data
    // are those of its canonical representation, valid while the string lives.
    #[cfg(not(hpy_cpyext))]
    #[allow(deprecated)]
    unsafe {
        if py::PyUnicode_IS_READY(p) != 0 {
            let n = py::PyUnicode_GET_LENGTH(p) as usize;
            let data = py::PyUnicode_DATA(p);
            return Some(match py::PyUnicode_KIND(p) {
                py::PyUnicode_1BYTE_KIND if py::PyUnicode_IS_ASCII(p) != 0 => {
                    RawStrData::Ascii(data.cast(), n)
                }
                py::PyUnicode_1BYTE_KIND => RawStrData::Latin1(data.cast(), n),
                py::PyUnicode_2BYTE_KIND => RawStrData::Ucs2(data.cast(), n),
                _ => RawStrData::Ucs4(data.cast(), n),
            });
        }
    }
    let mut n = 0;
    // SAFETY: as above.
    let u = unsafe { py::PyUnicode_AsUTF8AndSize(p, &mut n) };
    (!u.is_null()).then(|| RawStrData::Utf8(u.cast(), n as usize))
}

/// `PyUnicode_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_check(_c: RawCtx, x: HPy) -> bool {
    // SAFETY: `x` is live.
    unsafe { py::PyUnicode_Check(o(x)) != 0 }
}

/// `PyObject_Repr`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn repr(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is live.
    h(unsafe { py::PyObject_Repr(o(x)) })
}

/// `PyObject_Str`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn str_(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is live.
    h(unsafe { py::PyObject_Str(o(x)) })
}

/// `PyList_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn list_check(_c: RawCtx, x: HPy) -> bool {
    // SAFETY: `x` is live.
    unsafe { py::PyList_Check(o(x)) != 0 }
}

/// `PyTuple_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn tuple_check(_c: RawCtx, x: HPy) -> bool {
    // SAFETY: `x` is live.
    unsafe { py::PyTuple_Check(o(x)) != 0 }
}

/// `PyDict_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn dict_check(_c: RawCtx, x: HPy) -> bool {
    // SAFETY: `x` is live.
    unsafe { py::PyDict_Check(o(x)) != 0 }
}

/// `PyObject_Size`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn length(_c: RawCtx, x: HPy) -> HPy_ssize_t {
    // SAFETY: the GIL is held and `x` is live; lists and tuples are read directly.
    unsafe {
        if py::PyList_Check(o(x)) != 0 {
            fast::list_size(o(x))
        } else if py::PyTuple_Check(o(x)) != 0 {
            fast::tuple_size(o(x))
        } else {
            py::PyObject_Size(o(x))
        }
    }
}

/// Item `i` of a list or tuple: a new reference, or NULL with `IndexError` set when `i` is out
/// of range (a list may shrink while it is being converted, if converting an item runs Python
/// code). The item is read with `PyList_GET_ITEM`/`PyTuple_GET_ITEM` and kept alive by the
/// new reference, so the conversion is safe even if that code removes it from the list.
///
/// # Safety
/// See the module contract; `x` is a list or a tuple and `i >= 0`.
#[inline(always)]
pub unsafe fn sequence_item(_c: RawCtx, x: HPy, i: HPy_ssize_t) -> HPy {
    // SAFETY: the GIL is held; the index is checked against the current size.
    unsafe {
        let (size, item) = if py::PyList_Check(o(x)) != 0 {
            let n = fast::list_size(o(x));
            (
                n,
                if i < n {
                    fast::list_item(o(x), i)
                } else {
                    core::ptr::null_mut()
                },
            )
        } else {
            let n = fast::tuple_size(o(x));
            (
                n,
                if i < n {
                    fast::tuple_item(o(x), i)
                } else {
                    core::ptr::null_mut()
                },
            )
        };
        if i >= size {
            py::PyErr_SetString(
                py::PyExc_IndexError,
                c"sequence index out of range".as_ptr(),
            );
            return HPy::NULL;
        }
        py::Py_INCREF(item);
        h(item)
    }
}

/// `PyObject_GetItem`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn get_item(_c: RawCtx, x: HPy, key: HPy) -> HPy {
    // SAFETY: the GIL is held and both are live.
    h(unsafe { py::PyObject_GetItem(o(x), o(key)) })
}

/// `PyObject_SetItem`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn set_item(_c: RawCtx, x: HPy, key: HPy, v: HPy) -> c_int {
    // SAFETY: the GIL is held and all three are live.
    unsafe { py::PyObject_SetItem(o(x), o(key), o(v)) }
}

/// `PyDict_New`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn dict_new(_c: RawCtx) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyDict_New() })
}

/// `PyDict_Keys`.
///
/// # Safety
/// See the module contract; `x` is a dict.
#[inline(always)]
pub unsafe fn dict_keys(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is a live dict.
    h(unsafe { py::PyDict_Keys(o(x)) })
}

/// A list or tuple under construction (`PyList_New` + `PyList_SET_ITEM`).
pub struct SeqBuilder {
    tuple: bool,
    obj: *mut py::PyObject,
}

impl SeqBuilder {
    /// Starts a list (or a tuple) of `n` items.
    ///
    /// # Safety
    /// See the module contract.
    #[inline(always)]
    pub unsafe fn new(_c: RawCtx, n: HPy_ssize_t, tuple: bool) -> Option<SeqBuilder> {
        // SAFETY: the GIL is held.
        let obj = unsafe {
            if tuple {
                py::PyTuple_New(n)
            } else {
                py::PyList_New(n)
            }
        };
        (!obj.is_null()).then_some(SeqBuilder { tuple, obj })
    }

    /// Stores item `i`, taking ownership of `item`.
    ///
    /// # Safety
    /// See the module contract; `i` is below the length given to `new` and set only once.
    #[inline(always)]
    pub unsafe fn set(&mut self, _c: RawCtx, i: HPy_ssize_t, item: HPy) {
        // SAFETY: the slot is in bounds and still empty; SET_ITEM steals the reference.
        unsafe {
            if self.tuple {
                fast::tuple_set(self.obj, i, o(item));
            } else {
                fast::list_set(self.obj, i, o(item));
            }
        }
    }

    /// Finishes the sequence.
    ///
    /// # Safety
    /// See the module contract; every item was set.
    #[inline(always)]
    pub unsafe fn build(self, _c: RawCtx) -> HPy {
        h(self.obj)
    }

    /// Abandons the sequence (unset slots are NULL, which deallocation skips).
    ///
    /// # Safety
    /// See the module contract.
    #[inline(always)]
    pub unsafe fn cancel(self, _c: RawCtx) {
        // SAFETY: we own the only reference.
        unsafe { py::Py_DECREF(self.obj) }
    }
}

/// A tuple of `n` handles (not stolen).
///
/// # Safety
/// See the module contract; `items` points to `n` live objects.
#[inline(always)]
pub unsafe fn tuple_from_array(_c: RawCtx, items: *const HPy, n: HPy_ssize_t) -> HPy {
    // SAFETY: the GIL is held; each slot of the new tuple receives a new reference.
    unsafe {
        let t = py::PyTuple_New(n);
        if t.is_null() {
            return h(t);
        }
        for i in 0..n {
            let it = o(*items.offset(i));
            py::Py_INCREF(it);
            fast::tuple_set(t, i, it);
        }
        h(t)
    }
}

/// `PyObject_GetAttrString`.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn get_attr_s(_c: RawCtx, x: HPy, name: *const c_char) -> HPy {
    // SAFETY: the GIL is held and `x` is live.
    h(unsafe { py::PyObject_GetAttrString(o(x), name) })
}

/// `PyObject_GetAttr`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn get_attr(_c: RawCtx, x: HPy, name: HPy) -> HPy {
    // SAFETY: the GIL is held and both are live.
    h(unsafe { py::PyObject_GetAttr(o(x), o(name)) })
}

/// `PyObject_SetAttr`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn set_attr(_c: RawCtx, x: HPy, name: HPy, v: HPy) -> c_int {
    // SAFETY: the GIL is held and all three are live.
    unsafe { py::PyObject_SetAttr(o(x), o(name), o(v)) }
}

/// `PyObject_Call`; `args` and `kw` may be NULL.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn call_tuple_dict(_c: RawCtx, f: HPy, args: HPy, kw: HPy) -> HPy {
    // SAFETY: the GIL is held; NULL args means "no arguments", as HPy specifies.
    h(unsafe {
        if args.is_null() {
            let empty = py::PyTuple_New(0);
            if empty.is_null() {
                return HPy::NULL;
            }
            let r = py::PyObject_Call(o(f), empty, o(kw));
            py::Py_DECREF(empty);
            r
        } else {
            py::PyObject_Call(o(f), o(args), o(kw))
        }
    })
}

/// `PyErr_SetObject`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_set_object(_c: RawCtx, ty: HPy, value: HPy) {
    // SAFETY: the GIL is held and both are live.
    #[cfg(not(hpy_cpyext))]
    unsafe {
        py::PyErr_SetObject(o(ty), o(value))
    }
    // PyPy's cpyext drops the traceback of an exception instance raised again with
    // PyErr_SetObject (CPython keeps it): hand it over explicitly.
    #[cfg(hpy_cpyext)]
    // SAFETY: the GIL is held and both are live; PyErr_Restore steals the three references
    // taken here (the traceback is a new reference or NULL).
    unsafe {
        // Only an exception instance of `ty` itself is handed over as is; anything else
        // (arguments, another class's instance) goes through PyErr_SetObject's normalising.
        if py::PyObject_IsInstance(o(value), py::PyExc_BaseException) == 1
            && py::PyObject_IsInstance(o(value), o(ty)) == 1
        {
            let tb = py::PyException_GetTraceback(o(value));
            py::Py_IncRef(o(ty));
            py::Py_IncRef(o(value));
            py::PyErr_Restore(o(ty), o(value), tb);
        } else {
            py::PyErr_Clear();
            py::PyErr_SetObject(o(ty), o(value));
        }
    }
}

/// `PyErr_Occurred`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_occurred(_c: RawCtx) -> bool {
    // SAFETY: the GIL is held.
    unsafe { !py::PyErr_Occurred().is_null() }
}

/// `PyErr_ExceptionMatches`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_matches(_c: RawCtx, ty: HPy) -> bool {
    // SAFETY: the GIL is held.
    unsafe { py::PyErr_ExceptionMatches(o(ty)) != 0 }
}

/// `PyErr_Clear`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_clear(_c: RawCtx) {
    // SAFETY: the GIL is held.
    unsafe { py::PyErr_Clear() }
}

/// `PyErr_NewException`.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated `"module.Name"`.
#[inline(always)]
pub unsafe fn err_new_exception(_c: RawCtx, name: *const c_char, base: HPy) -> HPy {
    // SAFETY: the GIL is held and `base` is an exception type.
    h(unsafe { py::PyErr_NewException(name, o(base), core::ptr::null_mut()) })
}

/// A module-level reference kept across calls (the CPython-ABI `HPyGlobal`: a `PyObject*`).
#[repr(transparent)]
pub struct RawGlobal(core::sync::atomic::AtomicPtr<py::PyObject>);

impl RawGlobal {
    /// An empty global.
    pub const fn new() -> RawGlobal {
        RawGlobal(core::sync::atomic::AtomicPtr::new(core::ptr::null_mut()))
    }

    /// Stores a new reference to `x`, releasing the previous one.
    ///
    /// # Safety
    /// See the module contract.
    pub unsafe fn store(&self, _c: RawCtx, x: HPy) {
        use core::sync::atomic::Ordering::Relaxed;
        // SAFETY: the GIL is held; we own the stored reference.
        unsafe {
            py::Py_XINCREF(o(x));
            let old = self.0.swap(o(x), Relaxed);
            py::Py_XDECREF(old);
        }
    }

    /// A new reference to the stored object.
    ///
    /// # Safety
    /// See the module contract; the global was stored before.
    pub unsafe fn load(&self, _c: RawCtx) -> HPy {
        let p = self.0.load(core::sync::atomic::Ordering::Relaxed);
        // SAFETY: the GIL is held and the global keeps the object alive.
        unsafe { py::Py_XINCREF(p) };
        h(p)
    }

    /// Whether nothing was stored yet.
    pub fn is_empty(&self) -> bool {
        self.0.load(core::sync::atomic::Ordering::Relaxed).is_null()
    }

    /// Not used in this backend (there is no `HPyModuleDef.globals` list).
    pub const fn as_ptr(&self) -> *mut c_void {
        core::ptr::null_mut()
    }
}

impl Default for RawGlobal {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether `PyUnicode_AsUTF8AndSize` returns valid UTF-8 (or fails): always here.
///
/// # Safety
/// Always safe; `unsafe` for symmetry with the universal backend.
#[inline(always)]
pub unsafe fn runtime_utf8_is_valid(_c: RawCtx) -> bool {
    true
}

/// The context name, for messages.
///
/// # Safety
/// Always safe; `unsafe` for symmetry with the universal backend.
pub unsafe fn ctx_name(_c: RawCtx) -> &'static str {
    "HPy CPython ABI"
}

// ---------------------------------------------------------------------------------------------
// The rest of the object API (issue 4). Same contract as above.

/// `Ellipsis`, borrowed.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn ellipsis(_c: RawCtx) -> HPy {
    // SAFETY: reads the address of a static object.
    h(unsafe { py::Py_Ellipsis() })
}

/// `PyBool_FromLong`: a new reference to `True` or `False`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bool_from_bool(_c: RawCtx, v: bool) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyBool_FromLong(v as core::ffi::c_long) })
}

/// `PyLong_FromLong` on an `i32`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_i32(_c: RawCtx, v: i32) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyLong_FromLong(v as core::ffi::c_long) })
}

/// `PyLong_FromUnsignedLong` on a `u32`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_u32(_c: RawCtx, v: u32) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyLong_FromUnsignedLong(v as core::ffi::c_ulong) })
}

/// `PyLong_FromSsize_t`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_isize(_c: RawCtx, v: isize) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyLong_FromSsize_t(v) })
}

/// `PyLong_FromSize_t`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_from_usize(_c: RawCtx, v: usize) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyLong_FromSize_t(v) })
}

/// `PyLong_AsUnsignedLongMask`, truncated to 32 bits.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_u32_mask(_c: RawCtx, x: HPy) -> u32 {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyLong_AsUnsignedLongMask(o(x)) as u32 }
}

/// `PyLong_AsUnsignedLongLongMask`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_u64_mask(_c: RawCtx, x: HPy) -> u64 {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyLong_AsUnsignedLongLongMask(o(x)) }
}

/// `PyLong_AsSsize_t`: -1 with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_isize(_c: RawCtx, x: HPy) -> isize {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyLong_AsSsize_t(o(x)) }
}

/// `PyLong_AsSize_t`: `usize::MAX` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_usize(_c: RawCtx, x: HPy) -> usize {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyLong_AsSize_t(o(x)) }
}

/// `PyLong_AsVoidPtr`: NULL with an exception set on failure (or for 0).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_void_ptr(_c: RawCtx, x: HPy) -> *mut c_void {
    // SAFETY: the GIL is held and `x` is live.
    #[cfg(not(hpy_cpyext))]
    return unsafe { py::PyLong_AsVoidPtr(o(x)) };
    // PyPy's cpyext reads the int as an unsigned long and refuses negative ones, where
    // CPython (and HPy's runtimes) take them as a signed long: do that for negative ints.
    #[cfg(hpy_cpyext)]
    // SAFETY: the GIL is held and `x` is live; a failed read leaves its exception set.
    unsafe {
        let zero = py::PyLong_FromLong(0);
        if zero.is_null() {
            return core::ptr::null_mut();
        }
        let negative = py::PyObject_RichCompareBool(o(x), zero, py::Py_LT);
        py::Py_DecRef(zero);
        match negative {
            1 => py::PyLong_AsLongLong(o(x)) as isize as *mut c_void,
            0 => py::PyLong_AsVoidPtr(o(x)),
            _ => core::ptr::null_mut(),
        }
    }
}

/// `PyLong_AsDouble`: -1.0 with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn long_as_f64(_c: RawCtx, x: HPy) -> f64 {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyLong_AsDouble(o(x)) }
}

/// `PyNumber_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn number_check(_c: RawCtx, x: HPy) -> bool {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyNumber_Check(o(x)) != 0 }
}

/// `PyCallable_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn callable_check(_c: RawCtx, x: HPy) -> bool {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyCallable_Check(o(x)) != 0 }
}

/// `PyObject_RichCompare`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn rich_compare(_c: RawCtx, a: HPy, b: HPy, op: HPy_RichCmpOp) -> HPy {
    // SAFETY: the GIL is held and both are live.
    h(unsafe { py::PyObject_RichCompare(o(a), o(b), op) })
}

/// `PyObject_Hash`: -1 with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn hash(_c: RawCtx, x: HPy) -> isize {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyObject_Hash(o(x)) }
}

/// `PyObject_ASCII`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn ascii(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is live.
    h(unsafe { py::PyObject_ASCII(o(x)) })
}

/// `PyObject_Bytes`: `bytes(x)`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_of(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is live.
    h(unsafe { py::PyObject_Bytes(o(x)) })
}

/// `PyObject_HasAttr` (a failing lookup counts as "no").
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn has_attr(_c: RawCtx, x: HPy, name: HPy) -> bool {
    // SAFETY: the GIL is held and both are live.
    unsafe { py::PyObject_HasAttr(o(x), o(name)) != 0 }
}

/// `PyObject_HasAttrString`.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn has_attr_s(_c: RawCtx, x: HPy, name: *const c_char) -> bool {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyObject_HasAttrString(o(x), name) != 0 }
}

/// `PyObject_SetAttrString`; a NULL `v` deletes the attribute.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn set_attr_s(_c: RawCtx, x: HPy, name: *const c_char, v: HPy) -> c_int {
    // SAFETY: the GIL is held and `x` (and `v` unless NULL) are live.
    unsafe { py::PyObject_SetAttrString(o(x), name, o(v)) }
}

/// Item `i` (`x[i]`, an int key): exact lists and tuples are read directly (negative indices
/// count from the end, as `x[i]` does), anything else goes through `PyObject_GetItem`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn get_item_i(_c: RawCtx, x: HPy, i: HPy_ssize_t) -> HPy {
    let p = o(x);
    // SAFETY: the GIL is held and `x` is live; the index is checked against the size; the
    // item is returned as a new reference.
    unsafe {
        let exact = if py::PyList_CheckExact(p) != 0 {
            Some((fast::list_size(p), true))
        } else if py::PyTuple_CheckExact(p) != 0 {
            Some((fast::tuple_size(p), false))
        } else {
            None
        };
        if let Some((n, list)) = exact {
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                let msg = if list {
                    c"list index out of range"
                } else {
                    c"tuple index out of range"
                };
                py::PyErr_SetString(py::PyExc_IndexError, msg.as_ptr());
                return HPy::NULL;
            }
            let item = if list {
                fast::list_item(p, j)
            } else {
                fast::tuple_item(p, j)
            };
            return h(py::Py_NewRef(item));
        }
        let key = py::PyLong_FromSsize_t(i);
        if key.is_null() {
            return HPy::NULL;
        }
        let r = py::PyObject_GetItem(p, key);
        py::Py_DECREF(key);
        h(r)
    }
}

/// `x[key]` with a NUL-terminated UTF-8 key.
///
/// # Safety
/// See the module contract; `key` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn get_item_s(_c: RawCtx, x: HPy, key: *const c_char) -> HPy {
    // SAFETY: the GIL is held; the temporary key is released.
    unsafe {
        let k = py::PyUnicode_FromString(key);
        if k.is_null() {
            return HPy::NULL;
        }
        let r = py::PyObject_GetItem(o(x), k);
        py::Py_DECREF(k);
        h(r)
    }
}

/// `x[i] = v`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn set_item_i(_c: RawCtx, x: HPy, i: HPy_ssize_t, v: HPy) -> c_int {
    // SAFETY: the GIL is held; the temporary key is released.
    unsafe {
        let k = py::PyLong_FromSsize_t(i);
        if k.is_null() {
            return -1;
        }
        let r = py::PyObject_SetItem(o(x), k, o(v));
        py::Py_DECREF(k);
        r
    }
}

/// `x[key] = v` with a NUL-terminated UTF-8 key.
///
/// # Safety
/// See the module contract; `key` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn set_item_s(_c: RawCtx, x: HPy, key: *const c_char, v: HPy) -> c_int {
    // SAFETY: the GIL is held; the temporary key is released.
    unsafe {
        let k = py::PyUnicode_FromString(key);
        if k.is_null() {
            return -1;
        }
        let r = py::PyObject_SetItem(o(x), k, o(v));
        py::Py_DECREF(k);
        r
    }
}

/// `del x[key]`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn del_item(_c: RawCtx, x: HPy, key: HPy) -> c_int {
    // SAFETY: the GIL is held and both are live.
    unsafe { py::PyObject_DelItem(o(x), o(key)) }
}

/// `del x[i]`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn del_item_i(_c: RawCtx, x: HPy, i: HPy_ssize_t) -> c_int {
    // SAFETY: the GIL is held; the temporary key is released.
    unsafe {
        let k = py::PyLong_FromSsize_t(i);
        if k.is_null() {
            return -1;
        }
        let r = py::PyObject_DelItem(o(x), k);
        py::Py_DECREF(k);
        r
    }
}

/// `del x[key]` with a NUL-terminated UTF-8 key.
///
/// # Safety
/// See the module contract; `key` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn del_item_s(_c: RawCtx, x: HPy, key: *const c_char) -> c_int {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyObject_DelItemString(o(x), key) }
}

/// `PySequence_Contains`: `key in x`; 1, 0 or -1 with an exception set.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn contains(_c: RawCtx, x: HPy, key: HPy) -> c_int {
    // SAFETY: the GIL is held and both are live.
    unsafe { py::PySequence_Contains(o(x), o(key)) }
}

/// `PyObject_Vectorcall`: `args` holds `nargs` positional arguments followed by one value per
/// name in `kwnames` (a tuple of str, or NULL). With `spare_slot`, `args[-1]` is writable
/// scratch memory the callee may use (`PY_VECTORCALL_ARGUMENTS_OFFSET`), which saves an
/// allocation when the callee is a bound method.
///
/// # Safety
/// See the module contract; `args` points to live handles (and, with `spare_slot`, one
/// writable word before them).
#[inline(always)]
pub unsafe fn call(
    _c: RawCtx,
    f: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
    spare_slot: bool,
) -> HPy {
    let nargsf = if spare_slot {
        nargs | py::PY_VECTORCALL_ARGUMENTS_OFFSET
    } else {
        nargs
    };
    // SAFETY: `HPy` is a `#[repr(C)]` word holding the `PyObject*`, so `args` is an array of
    // object pointers; the GIL is held.
    h(unsafe { py::PyObject_Vectorcall(o(f), args.cast(), nargsf, o(kwnames)) })
}

/// `PyObject_VectorcallMethod`: calls the method `name` of `args[0]` with the other `nargs - 1`
/// positional arguments, then one value per name in `kwnames`.
///
/// # Safety
/// See the module contract; `nargs >= 1` and `args` points to live handles.
#[inline(always)]
pub unsafe fn call_method(
    _c: RawCtx,
    name: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    // SAFETY: as for `call`; `name` is a str.
    #[cfg(not(hpy_cpyext))]
    return h(unsafe { py::PyObject_VectorcallMethod(o(name), args.cast(), nargs, o(kwnames)) });
    // PyPy's cpyext has no PyObject_VectorcallMethod: look the method up, then call it with
    // the arguments after the receiver.
    #[cfg(hpy_cpyext)]
    // SAFETY: `args[0]` is the live receiver (nargs >= 1), `name` a str; the bound method is
    // released after the call.
    unsafe {
        let method = py::PyObject_GetAttr(o(*args), o(name));
        if method.is_null() {
            return HPy::NULL;
        }
        let result = py::PyObject_Vectorcall(method, args.add(1).cast(), nargs - 1, o(kwnames));
        py::Py_DecRef(method);
        h(result)
    }
}

/// `PyErr_SetString`.
///
/// # Safety
/// See the module contract; `msg` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn err_set_string(_c: RawCtx, ty: HPy, msg: *const c_char) {
    // SAFETY: the GIL is held and `ty` is an exception type.
    unsafe { py::PyErr_SetString(o(ty), msg) }
}

/// `PyErr_SetFromErrnoWithFilename`: raises `ty` from `errno` (always returns NULL).
///
/// # Safety
/// See the module contract; `filename` is NULL or NUL-terminated.
#[inline(always)]
pub unsafe fn err_set_from_errno_with_filename(_c: RawCtx, ty: HPy, filename: *const c_char) {
    // SAFETY: the GIL is held and `ty` is an exception type.
    unsafe { py::PyErr_SetFromErrnoWithFilename(o(ty), filename) };
}

/// `PyErr_SetFromErrnoWithFilenameObjects`; either filename may be NULL.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_set_from_errno_with_filename_objects(_c: RawCtx, ty: HPy, f1: HPy, f2: HPy) {
    // SAFETY: the GIL is held; the handles are live or NULL.
    unsafe { py::PyErr_SetFromErrnoWithFilenameObjects(o(ty), o(f1), o(f2)) };
}

/// `PyErr_NoMemory`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn err_no_memory(_c: RawCtx) {
    // SAFETY: the GIL is held.
    unsafe { py::PyErr_NoMemory() };
}

/// `PyErr_NewException` or `PyErr_NewExceptionWithDoc` (`doc` NULL for none); `base` and
/// `dict` may be NULL.
///
/// # Safety
/// See the module contract; `name` (`"module.Name"`) and `doc` are NUL-terminated.
#[inline(always)]
pub unsafe fn err_new_exception_with_doc(
    _c: RawCtx,
    name: *const c_char,
    doc: *const c_char,
    base: HPy,
    dict: HPy,
) -> HPy {
    // SAFETY: the GIL is held; the handles are live or NULL.
    h(unsafe {
        if doc.is_null() {
            py::PyErr_NewException(name, o(base), o(dict))
        } else {
            py::PyErr_NewExceptionWithDoc(name, doc, o(base), o(dict))
        }
    })
}

/// `PyErr_WarnEx`: 0, or -1 when the warning was turned into an exception.
///
/// # Safety
/// See the module contract; `msg` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn err_warn_ex(_c: RawCtx, category: HPy, msg: *const c_char, level: isize) -> c_int {
    // SAFETY: the GIL is held and `category` is a warning class.
    unsafe { py::PyErr_WarnEx(o(category), msg, level) }
}

/// `PyErr_WriteUnraisable`: reports and clears the pending exception; `obj` may be NULL.
///
/// # Safety
/// See the module contract; an exception is pending.
#[inline(always)]
pub unsafe fn err_write_unraisable(_c: RawCtx, obj: HPy) {
    // SAFETY: the GIL is held.
    unsafe { py::PyErr_WriteUnraisable(o(obj)) }
}

/// `Py_FatalError`: prints the message and aborts the process.
///
/// # Safety
/// See the module contract; `msg` is NUL-terminated.
pub unsafe fn fatal_error(_c: RawCtx, msg: *const c_char) -> ! {
    // SAFETY: the GIL is held.
    unsafe { py::Py_FatalError(msg) }
}

/// Whether this backend can turn a pending exception into an object (`err_fetch`).
pub const CAN_FETCH: bool = true;

/// Takes the pending exception out of the interpreter as a normalized exception instance
/// (a new reference) whose `__traceback__` is the traceback it was raised with; NULL when none
/// is pending.
///
/// # Safety
/// See the module contract.
pub unsafe fn err_fetch(_c: RawCtx) -> HPy {
    let mut t = core::ptr::null_mut();
    let mut v = core::ptr::null_mut();
    let mut tb = core::ptr::null_mut();
    // SAFETY: the GIL is held; Fetch hands us three (possibly NULL) new references, which
    // are released or returned. `PyErr_Fetch`/`PyErr_NormalizeException` exist on every
    // CPython 3.x (deprecated from 3.12 in favour of `PyErr_GetRaisedException`).
    #[allow(deprecated)]
    unsafe {
        py::PyErr_Fetch(&mut t, &mut v, &mut tb);
        if t.is_null() {
            return HPy::NULL;
        }
        py::PyErr_NormalizeException(&mut t, &mut v, &mut tb);
        if !tb.is_null() && !v.is_null() {
            py::PyException_SetTraceback(v, tb);
        }
        py::Py_XDECREF(t);
        py::Py_XDECREF(tb);
        h(v)
    }
}

/// `PyList_New(n)`: the items are NULL until set, so callers use `n == 0` only.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn list_new(_c: RawCtx, n: HPy_ssize_t) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyList_New(n) })
}

/// `PyList_Append`.
///
/// # Safety
/// See the module contract; `l` is a list.
#[inline(always)]
pub unsafe fn list_append(_c: RawCtx, l: HPy, v: HPy) -> c_int {
    // SAFETY: the GIL is held and both are live.
    unsafe { py::PyList_Append(o(l), o(v)) }
}

/// `PyDict_Copy`.
///
/// # Safety
/// See the module contract; `d` is a dict.
#[inline(always)]
pub unsafe fn dict_copy(_c: RawCtx, d: HPy) -> HPy {
    // SAFETY: the GIL is held and `d` is a live dict.
    h(unsafe { py::PyDict_Copy(o(d)) })
}

/// `PyBytes_Check`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_check(_c: RawCtx, x: HPy) -> bool {
    // SAFETY: `x` is live.
    unsafe { py::PyBytes_Check(o(x)) != 0 }
}

/// `PyBytes_Size`: -1 with an exception set when `x` is not bytes.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_size(_c: RawCtx, x: HPy) -> HPy_ssize_t {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyBytes_Size(o(x)) }
}

/// `PyBytes_GET_SIZE`.
///
/// # Safety
/// See the module contract; `x` is bytes.
#[inline(always)]
pub unsafe fn bytes_get_size(_c: RawCtx, x: HPy) -> HPy_ssize_t {
    // SAFETY: `x` is a live bytes object.
    unsafe { py::Py_SIZE(o(x)) }
}

/// `PyBytes_AsString`: NULL with an exception set when `x` is not bytes.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_as_string(_c: RawCtx, x: HPy) -> *const c_char {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyBytes_AsString(o(x)) }
}

/// `PyBytes_AS_STRING`: the buffer of a bytes object, valid while it lives.
///
/// # Safety
/// See the module contract; `x` is bytes.
#[inline(always)]
pub unsafe fn bytes_as_string_unchecked(_c: RawCtx, x: HPy) -> *const c_char {
    // SAFETY: `x` is a live bytes object.
    unsafe { py::PyBytes_AS_STRING(o(x)) }
}

/// `PyBytes_FromString`.
///
/// # Safety
/// See the module contract; `s` is NUL-terminated.
#[inline(always)]
pub unsafe fn bytes_from_cstr(_c: RawCtx, s: *const c_char) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyBytes_FromString(s) })
}

/// `PyBytes_FromStringAndSize`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytes_from_slice(_c: RawCtx, b: &[u8]) -> HPy {
    // SAFETY: the GIL is held; pointer and length describe `b`.
    h(unsafe { py::PyBytes_FromStringAndSize(b.as_ptr().cast(), b.len() as HPy_ssize_t) })
}

/// `bytearray` contents copied into a new bytes object, or NULL (no exception) when `x` is not
/// a bytearray. (The universal backend has no bytearray API and uses `bytes(x)` instead.)
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn bytearray_to_vec(_c: RawCtx, x: HPy) -> Option<Vec<u8>> {
    // SAFETY: the GIL is held; the buffer is copied before any Python code can run.
    unsafe {
        if py::PyByteArray_Check(o(x)) == 0 {
            return None;
        }
        let n = py::PyByteArray_Size(o(x)) as usize;
        let p = py::PyByteArray_AsString(o(x)).cast::<u8>();
        Some(if n == 0 {
            Vec::new()
        } else {
            core::slice::from_raw_parts(p, n).to_vec()
        })
    }
}

/// `PyUnicode_FromString`.
///
/// # Safety
/// See the module contract; `s` is NUL-terminated UTF-8.
#[inline(always)]
pub unsafe fn unicode_from_cstr(_c: RawCtx, s: *const c_char) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyUnicode_FromString(s) })
}

/// `PyUnicode_AsASCIIString`, `PyUnicode_AsLatin1String` or `PyUnicode_AsUTF8String`
/// (`which` = 0, 1, 2).
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_encode(_c: RawCtx, x: HPy, which: u8) -> HPy {
    // SAFETY: the GIL is held and `x` is live.
    h(unsafe {
        match which {
            0 => py::PyUnicode_AsASCIIString(o(x)),
            1 => py::PyUnicode_AsLatin1String(o(x)),
            _ => py::PyUnicode_AsUTF8String(o(x)),
        }
    })
}

/// `PyUnicode_FromWideChar`.
///
/// # Safety
/// See the module contract; `w` points to `n` wide characters.
#[inline(always)]
pub unsafe fn unicode_from_wide(_c: RawCtx, w: *const crate::ffi::wchar_t, n: HPy_ssize_t) -> HPy {
    // SAFETY: the GIL is held; the buffer is valid.
    h(unsafe { py::PyUnicode_FromWideChar(w.cast(), n) })
}

/// `PyUnicode_DecodeFSDefault`.
///
/// # Safety
/// See the module contract; `s` is NUL-terminated.
#[inline(always)]
pub unsafe fn unicode_decode_fs_default(_c: RawCtx, s: *const c_char) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyUnicode_DecodeFSDefault(s) })
}

/// `PyUnicode_DecodeFSDefaultAndSize`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_decode_fs_default_and_size(_c: RawCtx, b: &[u8]) -> HPy {
    // SAFETY: the GIL is held; pointer and length describe `b`.
    h(unsafe { py::PyUnicode_DecodeFSDefaultAndSize(b.as_ptr().cast(), b.len() as HPy_ssize_t) })
}

/// `PyUnicode_EncodeFSDefault`.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_encode_fs_default(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is live.
    h(unsafe { py::PyUnicode_EncodeFSDefault(o(x)) })
}

/// `PyUnicode_ReadChar`: `u32::MAX` with an exception set on failure.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn unicode_read_char(_c: RawCtx, x: HPy, i: HPy_ssize_t) -> u32 {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyUnicode_ReadChar(o(x), i) }
}

/// `PyUnicode_DecodeASCII` (`latin1 == false`) or `PyUnicode_DecodeLatin1`; `errors` may be
/// NULL.
///
/// # Safety
/// See the module contract; `errors` is NULL or NUL-terminated.
#[inline(always)]
pub unsafe fn unicode_decode(_c: RawCtx, b: &[u8], errors: *const c_char, latin1: bool) -> HPy {
    let (p, n) = (b.as_ptr().cast::<c_char>(), b.len() as HPy_ssize_t);
    // SAFETY: the GIL is held; pointer and length describe `b`.
    h(unsafe {
        if latin1 {
            py::PyUnicode_DecodeLatin1(p, n, errors)
        } else {
            py::PyUnicode_DecodeASCII(p, n, errors)
        }
    })
}

/// `PyUnicode_FromEncodedObject`; `encoding` and `errors` may be NULL.
///
/// # Safety
/// See the module contract; the strings are NULL or NUL-terminated.
#[inline(always)]
pub unsafe fn unicode_from_encoded_object(
    _c: RawCtx,
    x: HPy,
    encoding: *const c_char,
    errors: *const c_char,
) -> HPy {
    // SAFETY: the GIL is held and `x` is live.
    h(unsafe { py::PyUnicode_FromEncodedObject(o(x), encoding, errors) })
}

/// `PyUnicode_Substring`.
///
/// # Safety
/// See the module contract; `x` is a str.
#[inline(always)]
pub unsafe fn unicode_substring(_c: RawCtx, x: HPy, start: HPy_ssize_t, end: HPy_ssize_t) -> HPy {
    // SAFETY: the GIL is held and `x` is a live str.
    h(unsafe { py::PyUnicode_Substring(o(x), start, end) })
}

#[cfg(not(hpy_cpyext))]
unsafe extern "C" {
    /// Declared by CPython's `cpython/object.h` (not by pyo3-ffi): prints a debugging
    /// description of an object to stderr. What `HPy_Dump` does in CPython mode.
    fn _PyObject_Dump(op: *mut py::PyObject);
}

/// PyPy's cpyext has no `_PyObject_Dump`: prints the object's type, address and repr to
/// stderr instead (a failing repr is reported, and its exception cleared).
///
/// # Safety
/// The GIL is held and `op` is a live object.
#[cfg(hpy_cpyext)]
#[allow(non_snake_case)] // stands in for the C function of that name
unsafe fn _PyObject_Dump(op: *mut py::PyObject) {
    // SAFETY: the GIL is held and `op` is live (the caller's contract); the repr is released
    // after its UTF-8 has been copied out.
    unsafe {
        let tp = py::Py_TYPE(op);
        let type_name = core::ffi::CStr::from_ptr((*tp).tp_name).to_string_lossy();
        let repr = py::PyObject_Repr(op);
        let text = if repr.is_null() {
            py::PyErr_Clear();
            String::from("<repr failed>")
        } else {
            let mut len: py::Py_ssize_t = 0;
            let utf8 = py::PyUnicode_AsUTF8AndSize(repr, &mut len);
            let text = if utf8.is_null() {
                py::PyErr_Clear();
                String::from("<repr not UTF-8>")
            } else {
                let bytes = core::slice::from_raw_parts(utf8.cast::<u8>(), len as usize);
                String::from_utf8_lossy(bytes).into_owned()
            };
            py::Py_DecRef(repr);
            text
        };
        eprintln!(
            "object address  : {op:p}\nobject type     : {type_name}\nobject repr     : {text}"
        );
    }
}

/// `_HPy_Dump`: prints a debugging description of `x` to stderr.
///
/// # Safety
/// See the module contract.
pub unsafe fn dump(_c: RawCtx, x: HPy) {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { _PyObject_Dump(o(x)) }
}

/// `HPyType_GetName`: a type's `__name__` as NUL-terminated UTF-8, valid while the type lives
/// and its `__name__` is not reassigned (callers copy it at once).
///
/// # Safety
/// See the module contract; `ty` is a type.
pub unsafe fn type_get_name(_c: RawCtx, ty: HPy) -> *const c_char {
    let tp = ty._i as *mut py::PyTypeObject;
    // SAFETY: `ty` is a live type object; on CPython a heap type is a `PyHeapTypeObject`.
    // PyPy's cpyext marks some built-in types (`type(...)`, for one) as heap types without
    // giving them a `PyHeapTypeObject` whose `ht_name` could be read, so there `tp_name`
    // (which cpyext keeps equal to the type's name) is used for every type.
    unsafe {
        if cfg!(not(hpy_cpyext)) && py::PyType_GetFlags(tp) & py::Py_TPFLAGS_HEAPTYPE != 0 {
            let et = tp.cast::<py::PyHeapTypeObject>();
            return py::PyUnicode_AsUTF8((*et).ht_name);
        }
        // A static type: what follows the last dot of `tp_name`, like `_PyType_Name`.
        let full = (*tp).tp_name;
        let bytes = core::ffi::CStr::from_ptr(full).to_bytes();
        match bytes.iter().rposition(|&b| b == b'.') {
            Some(dot) => full.add(dot + 1),
            None => full,
        }
    }
}

/// `PyType_IsSubtype`.
///
/// # Safety
/// See the module contract; both are types.
#[inline(always)]
pub unsafe fn type_is_subtype(_c: RawCtx, sub: HPy, ty: HPy) -> bool {
    // SAFETY: both are live type objects.
    unsafe { py::PyType_IsSubtype(sub._i as *mut _, ty._i as *mut _) != 0 }
}

/// What `leave_python` returns: the thread state to restore.
pub struct ThreadState(*mut py::PyThreadState);

/// Whether `leave_python` may be used: always.
///
/// # Safety
/// Always safe; `unsafe` for symmetry with the universal backend.
#[inline(always)]
pub unsafe fn can_leave_python(_c: RawCtx) -> bool {
    true
}

/// `PyEval_SaveThread`: releases the interpreter lock.
///
/// # Safety
/// See the module contract; the caller re-enters with `reenter_python` on this thread before
/// touching Python again.
#[inline(always)]
pub unsafe fn leave_python(_c: RawCtx) -> ThreadState {
    // SAFETY: the GIL is held by this thread.
    ThreadState(unsafe { py::PyEval_SaveThread() })
}

/// `PyEval_RestoreThread`: takes the interpreter lock back.
///
/// # Safety
/// `state` comes from `leave_python` on this thread.
#[inline(always)]
pub unsafe fn reenter_python(_c: RawCtx, state: ThreadState) {
    // SAFETY: forwarded contract.
    unsafe { py::PyEval_RestoreThread(state.0) }
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

unsafe extern "C" fn capsule_trampoline<D: CapsuleDestructor>(capsule: *mut py::PyObject) {
    // SAFETY: CPython calls this while the capsule is being destroyed, with the GIL held;
    // the pointer is never NULL (PyCapsule_New and PyCapsule_SetPointer refuse NULL), so
    // GetPointer with the capsule's own name cannot fail.
    unsafe {
        let name = py::PyCapsule_GetName(capsule);
        let pointer = py::PyCapsule_GetPointer(capsule, name);
        let context = py::PyCapsule_GetContext(capsule);
        D::destroy(name, pointer, context)
    }
}

/// `PyCapsule_New` whose destructor runs `D::destroy`.
///
/// # Safety
/// See the module contract; `name` is NULL or NUL-terminated and outlives the capsule.
pub unsafe fn capsule_new<D: CapsuleDestructor>(
    _c: RawCtx,
    pointer: *mut c_void,
    name: *const c_char,
) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyCapsule_New(pointer, name, Some(capsule_trampoline::<D>)) })
}

/// `PyCapsule_New` without a destructor.
///
/// # Safety
/// See the module contract; `name` is NULL or NUL-terminated and outlives the capsule.
pub unsafe fn capsule_new_raw(_c: RawCtx, pointer: *mut c_void, name: *const c_char) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyCapsule_New(pointer, name, None) })
}

/// `HPyCapsule_Get`: the pointer (checking `name`), the name or the context.
///
/// # Safety
/// See the module contract; `name` is NULL or NUL-terminated.
pub unsafe fn capsule_get(
    _c: RawCtx,
    x: HPy,
    key: crate::ffi::HPyCapsule_key,
    name: *const c_char,
) -> *mut c_void {
    // SAFETY: the GIL is held and `x` is live (each function checks it is a capsule).
    unsafe {
        match key {
            crate::ffi::HPyCapsule_key_Pointer => py::PyCapsule_GetPointer(o(x), name),
            crate::ffi::HPyCapsule_key_Name => py::PyCapsule_GetName(o(x)).cast_mut().cast(),
            _ => py::PyCapsule_GetContext(o(x)),
        }
    }
}

/// `HPyCapsule_Set` for the pointer, the name or the context (not the destructor).
///
/// # Safety
/// See the module contract; a name must outlive the capsule.
pub unsafe fn capsule_set(
    _c: RawCtx,
    x: HPy,
    key: crate::ffi::HPyCapsule_key,
    value: *mut c_void,
) -> c_int {
    // SAFETY: the GIL is held and `x` is live (each function checks it is a capsule).
    unsafe {
        match key {
            crate::ffi::HPyCapsule_key_Pointer => py::PyCapsule_SetPointer(o(x), value),
            crate::ffi::HPyCapsule_key_Name => py::PyCapsule_SetName(o(x), value.cast()),
            _ => py::PyCapsule_SetContext(o(x), value),
        }
    }
}

/// `HPyCapsule_SetDestructor` with `D::destroy`.
///
/// # Safety
/// See the module contract.
pub unsafe fn capsule_set_destructor<D: CapsuleDestructor>(_c: RawCtx, x: HPy) -> c_int {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyCapsule_SetDestructor(o(x), Some(capsule_trampoline::<D>)) }
}

/// `PyCapsule_IsValid`.
///
/// # Safety
/// See the module contract; `name` is NULL or NUL-terminated.
#[inline(always)]
pub unsafe fn capsule_is_valid(_c: RawCtx, x: HPy, name: *const c_char) -> bool {
    // SAFETY: the GIL is held and `x` is live.
    unsafe { py::PyCapsule_IsValid(o(x), name) != 0 }
}

/// `PyContextVar_New`; `default` may be NULL.
///
/// # Safety
/// See the module contract; `name` is NUL-terminated.
#[inline(always)]
pub unsafe fn context_var_new(_c: RawCtx, name: *const c_char, default: HPy) -> HPy {
    // SAFETY: the GIL is held.
    h(unsafe { py::PyContextVar_New(name, o(default)) })
}

/// `PyContextVar_Get`: 0 with `*out` a new reference or NULL (no value, no default), or -1
/// with an exception set.
///
/// # Safety
/// See the module contract; `default` may be NULL.
#[inline(always)]
pub unsafe fn context_var_get(_c: RawCtx, var: HPy, default: HPy, out: &mut HPy) -> c_int {
    let mut r = core::ptr::null_mut();
    // SAFETY: the GIL is held and `var` is live.
    let rc = unsafe { py::PyContextVar_Get(o(var), o(default), &mut r) };
    *out = h(r);
    rc
}

/// `PyContextVar_Set`: a new token, or NULL.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn context_var_set(_c: RawCtx, var: HPy, value: HPy) -> HPy {
    // SAFETY: the GIL is held and both are live.
    h(unsafe { py::PyContextVar_Set(o(var), o(value)) })
}

/// `Py_CompileString` with the start symbol of an `HPy_SourceKind`.
///
/// # Safety
/// See the module contract; both strings are NUL-terminated.
pub unsafe fn compile_s(
    _c: RawCtx,
    source: *const c_char,
    filename: *const c_char,
    kind: crate::ffi::HPy_SourceKind,
) -> HPy {
    let start = match kind {
        crate::ffi::HPy_SourceKind_Expr => py::Py_eval_input,
        crate::ffi::HPy_SourceKind_File => py::Py_file_input,
        _ => py::Py_single_input,
    };
    // SAFETY: the GIL is held.
    h(unsafe { py::Py_CompileString(source, filename, start) })
}

/// `PyEval_EvalCode`; `locals` may be NULL (then `globals` is used).
///
/// # Safety
/// See the module contract; `code` is a code object and `globals` a dict.
pub unsafe fn eval_code(_c: RawCtx, code: HPy, globals: HPy, locals: HPy) -> HPy {
    let locals = if locals.is_null() { globals } else { locals };
    // SAFETY: the GIL is held and the handles are live.
    h(unsafe { py::PyEval_EvalCode(o(code), o(globals), o(locals)) })
}

/// `PySlice_Unpack`: 0, or -1 with an exception set.
///
/// # Safety
/// See the module contract; `s` is a slice.
#[inline(always)]
pub unsafe fn slice_unpack(
    _c: RawCtx,
    s: HPy,
    start: &mut HPy_ssize_t,
    stop: &mut HPy_ssize_t,
    step: &mut HPy_ssize_t,
) -> c_int {
    // SAFETY: the GIL is held and `s` is a live slice.
    unsafe { py::PySlice_Unpack(o(s), start, stop, step) }
}

/// An iteration in progress: an exact list or tuple is walked by index (exactly what their
/// iterators do), anything else through its iterator.
pub struct RawIter {
    obj: *mut py::PyObject,
    pos: HPy_ssize_t,
    kind: IterKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum IterKind {
    List,
    Tuple,
    Iterator,
}

/// Starts iterating over `x` (`iter(x)`); `None` with an exception set when `x` is not
/// iterable.
///
/// # Safety
/// See the module contract.
pub unsafe fn iter_new(_c: RawCtx, x: HPy) -> Option<RawIter> {
    let p = o(x);
    // SAFETY: the GIL is held and `x` is live; the RawIter owns a new reference.
    unsafe {
        let kind = if py::PyList_CheckExact(p) != 0 {
            IterKind::List
        } else if py::PyTuple_CheckExact(p) != 0 {
            IterKind::Tuple
        } else {
            let it = py::PyObject_GetIter(p);
            if it.is_null() {
                return None;
            }
            return Some(RawIter {
                obj: it,
                pos: 0,
                kind: IterKind::Iterator,
            });
        };
        Some(RawIter {
            obj: py::Py_NewRef(p),
            pos: 0,
            kind,
        })
    }
}

/// The next item (a new reference), or NULL at the end (no exception) or on error (exception
/// set).
///
/// # Safety
/// See the module contract; `it` was made by `iter_new` with this context.
#[inline(always)]
pub unsafe fn iter_next(_c: RawCtx, it: &mut RawIter) -> HPy {
    // SAFETY: the GIL is held and `it.obj` is alive (owned); the list's size is read again at
    // every step, like `listiterator` does, since it may change between steps.
    unsafe {
        match it.kind {
            IterKind::List => {
                if it.pos < fast::list_size(it.obj) {
                    let item = fast::list_item(it.obj, it.pos);
                    it.pos += 1;
                    h(py::Py_NewRef(item))
                } else {
                    HPy::NULL
                }
            }
            IterKind::Tuple => {
                if it.pos < fast::tuple_size(it.obj) {
                    let item = fast::tuple_item(it.obj, it.pos);
                    it.pos += 1;
                    h(py::Py_NewRef(item))
                } else {
                    HPy::NULL
                }
            }
            IterKind::Iterator => h(py::PyIter_Next(it.obj)),
        }
    }
}

/// An iteration over a dict's items in progress (`PyDict_Next`).
pub struct RawDictIter {
    /// The dict (owned).
    dict: *mut py::PyObject,
    /// `PyDict_Next`'s position.
    pos: py::Py_ssize_t,
    /// The size at the start, to detect a change.
    len: py::Py_ssize_t,
}

/// Starts iterating over the items of a dict; `None` with an exception set on failure (never,
/// here).
///
/// # Safety
/// See the module contract; `d` is a dict (a subclass too).
pub unsafe fn dict_iter_new(_c: RawCtx, d: HPy) -> Option<RawDictIter> {
    // SAFETY: the GIL is held and `d` is a live dict; the iteration owns a new reference.
    unsafe {
        Some(RawDictIter {
            dict: py::Py_NewRef(o(d)),
            pos: 0,
            len: py::PyDict_Size(o(d)),
        })
    }
}

/// The next item: 1 with new references in `key` and `value`, 0 at the end, -1 with
/// `RuntimeError` set when the dict changed size since the iteration started (as
/// `dict.items()` iterators do).
///
/// # Safety
/// See the module contract; `it` was made by `dict_iter_new`.
#[inline(always)]
pub unsafe fn dict_iter_next(
    _c: RawCtx,
    it: &mut RawDictIter,
    key: &mut HPy,
    value: &mut HPy,
) -> c_int {
    // SAFETY: the GIL is held and `it.dict` is alive (owned). `PyDict_Next` checks its position
    // against the current table, so a dict changed by Python code run between two steps is
    // read safely; the size check then reports the change. The borrowed key and value get new
    // references before anything else runs.
    unsafe {
        if py::PyDict_Size(it.dict) != it.len {
            py::PyErr_SetString(
                py::PyExc_RuntimeError,
                c"dictionary changed size during iteration".as_ptr(),
            );
            return -1;
        }
        let mut k = core::ptr::null_mut();
        let mut v = core::ptr::null_mut();
        if py::PyDict_Next(it.dict, &mut it.pos, &mut k, &mut v) == 0 {
            return 0;
        }
        *key = h(py::Py_NewRef(k));
        *value = h(py::Py_NewRef(v));
        1
    }
}

/// Ends a dict iteration.
///
/// # Safety
/// See the module contract; `it` was made by `dict_iter_new`.
pub unsafe fn dict_iter_close(_c: RawCtx, it: RawDictIter) {
    // SAFETY: the GIL is held; we own the reference.
    unsafe { py::Py_DECREF(it.dict) }
}

/// Ends an iteration.
///
/// # Safety
/// See the module contract; `it` was made by `iter_new` with this context.
pub unsafe fn iter_close(_c: RawCtx, it: RawIter) {
    // SAFETY: the GIL is held; we own the reference.
    unsafe { py::Py_DECREF(it.obj) }
}

/// `next(x)` on an iterator: the next item (a new reference), or NULL at the end (no exception
/// set) or on error.
///
/// # Safety
/// See the module contract.
pub unsafe fn iterator_next(_c: RawCtx, x: HPy) -> HPy {
    // SAFETY: the GIL is held and `x` is live; PyIter_Next requires an iterator.
    unsafe {
        if py::PyIter_Check(o(x)) == 0 {
            let msg = c"object is not an iterator";
            py::PyErr_SetString(py::PyExc_TypeError, msg.as_ptr());
            return HPy::NULL;
        }
        h(py::PyIter_Next(o(x)))
    }
}

/// Whether `Vec<f64>` conversions should go through a Python helper: no, [`extract_f64s`]
/// reads the floats directly.
pub const F64_BULK_VIA_PYTHON: bool = false;

/// Converts the leading items of a list or tuple that are exactly `float` into `out`, without
/// touching a reference count, and returns how many it converted (it stops at the first item
/// of another type; the caller converts the rest one by one).
///
/// # Safety
/// See the module contract; `seq` is a list or a tuple.
#[inline]
pub unsafe fn extract_f64s(_c: RawCtx, seq: HPy, out: &mut Vec<f64>) -> Result<usize, ()> {
    let p = o(seq);
    // SAFETY: `seq` is a live list or tuple and the GIL is held for the whole loop.
    //
    // The items are read *borrowed* (no incref): the sequence holds a reference to each, and
    // nothing in this loop can run Python code that could drop it — the loop calls only
    // `PyList_GET_SIZE`/`GET_ITEM`, `PyFloat_CheckExact` (a type comparison) and
    // `PyFloat_AS_DOUBLE` (a field read), none of which can run Python code, release the GIL,
    // or let another thread in. An item that is not exactly a float (a subclass with
    // `__float__`, an int, anything else) may run Python code when converted, so the loop
    // stops there and the caller converts it with a new reference held.
    unsafe {
        let list = py::PyList_Check(p) != 0;
        let n = if list {
            fast::list_size(p)
        } else {
            fast::tuple_size(p)
        } as usize;
        out.reserve(n);
        let mut i = 0;
        while i < n {
            let item = if list {
                fast::list_item(p, i as isize)
            } else {
                fast::tuple_item(p, i as isize)
            };
            if py::PyFloat_CheckExact(item) == 0 {
                break;
            }
            out.push(py::PyFloat_AS_DOUBLE(item));
            i += 1;
        }
        Ok(i)
    }
}

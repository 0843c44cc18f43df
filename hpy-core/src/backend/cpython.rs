//! The CPython-ABI backend: a handle *is* the `PyObject*`, the context is a zero-sized token,
//! and every operation is an inlined call into the CPython C API (through `pyo3-ffi`).
//!
//! Contract for every `unsafe fn` here: the GIL is held (we are inside a call from CPython or
//! inside module initialisation), and every `HPy` passed in is a live object reference.

use core::ffi::{c_char, c_int, c_void};

use pyo3_ffi as py;

use crate::ffi::{HPy, HPy_RichCmpOp, HPy_ssize_t};

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
            T::Int => &raw mut py::PyLong_Type,
            T::List => &raw mut py::PyList_Type,
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

/// A binary number operation.
///
/// # Safety
/// See the module contract.
#[inline(always)]
pub unsafe fn binary_op(_c: RawCtx, op: super::BinaryOp, a: HPy, b: HPy) -> HPy {
    use super::BinaryOp as O;
    // SAFETY: the GIL is held and both operands are live.
    h(unsafe {
        match op {
            O::And => py::PyNumber_And(o(a), o(b)),
            O::Or => py::PyNumber_Or(o(a), o(b)),
            O::Lshift => py::PyNumber_Lshift(o(a), o(b)),
            O::Rshift => py::PyNumber_Rshift(o(a), o(b)),
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
            py::PyList_GET_SIZE(o(x))
        } else if py::PyTuple_Check(o(x)) != 0 {
            py::PyTuple_GET_SIZE(o(x))
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
            let n = py::PyList_GET_SIZE(o(x));
            (
                n,
                if i < n {
                    py::PyList_GET_ITEM(o(x), i)
                } else {
                    core::ptr::null_mut()
                },
            )
        } else {
            let n = py::PyTuple_GET_SIZE(o(x));
            (
                n,
                if i < n {
                    py::PyTuple_GET_ITEM(o(x), i)
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
                py::PyTuple_SET_ITEM(self.obj, i, o(item));
            } else {
                py::PyList_SET_ITEM(self.obj, i, o(item));
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
            py::PyTuple_SET_ITEM(t, i, it);
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
    unsafe { py::PyErr_SetObject(o(ty), o(value)) }
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

/// The context name, for messages.
///
/// # Safety
/// Always safe; `unsafe` for symmetry with the universal backend.
pub unsafe fn ctx_name(_c: RawCtx) -> &'static str {
    "HPy CPython ABI"
}

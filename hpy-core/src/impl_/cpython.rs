//! CPython-ABI backend of the macro support: `PyMethodDef`s whose functions CPython calls
//! directly (a handle is the `PyObject*`, so there is nothing to convert), and `PyInit_<module>`
//! with multi-phase initialisation.

use core::ffi::{CStr, c_int, c_void};
use core::ptr;

use pyo3_ffi as py;

use super::{Convention, ModuleExec, PyFunction, RawArgs, guard, module_exec};
use crate::backend::RawCtx;
use crate::ffi::HPy;
use crate::handle::BorrowedHandle;

/// A method definition of this backend.
pub type MethodDef = py::PyMethodDef;

#[inline(always)]
fn h(o: *mut py::PyObject) -> HPy {
    HPy { _i: o as isize }
}

#[inline(always)]
unsafe fn run<F: PyFunction>(args: RawArgs) -> *mut py::PyObject {
    // SAFETY: CPython holds the GIL while it calls us.
    let r = unsafe { guard(RawCtx, |c| F::call(c, &args)) };
    r.map_or(ptr::null_mut(), |x| x._i as *mut py::PyObject)
}

unsafe extern "C" fn noargs<F: PyFunction>(
    slf: *mut py::PyObject,
    _unused: *mut py::PyObject,
) -> *mut py::PyObject {
    // SAFETY: called by CPython (METH_NOARGS).
    unsafe {
        run::<F>(RawArgs {
            slf: h(slf),
            args: ptr::null(),
            nargs: 0,
            kwnames: HPy::NULL,
        })
    }
}

unsafe extern "C" fn o<F: PyFunction>(
    slf: *mut py::PyObject,
    arg: *mut py::PyObject,
) -> *mut py::PyObject {
    let arg = h(arg);
    // SAFETY: called by CPython (METH_O); `arg` outlives the call.
    unsafe {
        run::<F>(RawArgs {
            slf: h(slf),
            args: &arg,
            nargs: 1,
            kwnames: HPy::NULL,
        })
    }
}

unsafe extern "C" fn varargs<F: PyFunction>(
    slf: *mut py::PyObject,
    args: *mut *mut py::PyObject,
    nargs: py::Py_ssize_t,
) -> *mut py::PyObject {
    // `HPy` is a `#[repr(C)]` word holding the `PyObject*`, so the array is one of handles.
    let a = RawArgs {
        slf: h(slf),
        args: args.cast(),
        nargs: nargs as usize,
        kwnames: HPy::NULL,
    };
    // SAFETY: called by CPython (METH_FASTCALL).
    unsafe { run::<F>(a) }
}

unsafe extern "C" fn keywords<F: PyFunction>(
    slf: *mut py::PyObject,
    args: *const *mut py::PyObject,
    nargs: py::Py_ssize_t,
    kwnames: *mut py::PyObject,
) -> *mut py::PyObject {
    let a = RawArgs {
        slf: h(slf),
        args: args.cast(),
        nargs: nargs as usize,
        kwnames: h(kwnames),
    };
    // SAFETY: called by CPython (METH_FASTCALL | METH_KEYWORDS).
    unsafe { run::<F>(a) }
}

/// The `PyMethodDef` of a function.
pub const fn method_def<F: PyFunction>(
    name: &'static CStr,
    doc: &'static CStr,
    conv: Convention,
) -> py::PyMethodDef {
    let (ml_meth, ml_flags) = match conv {
        Convention::NoArgs => (
            py::PyMethodDefPointer {
                PyCFunction: noargs::<F>,
            },
            py::METH_NOARGS,
        ),
        Convention::O => (
            py::PyMethodDefPointer {
                PyCFunction: o::<F>,
            },
            py::METH_O,
        ),
        Convention::Varargs => (
            py::PyMethodDefPointer {
                PyCFunctionFast: varargs::<F>,
            },
            py::METH_FASTCALL,
        ),
        Convention::Keywords => (
            py::PyMethodDefPointer {
                PyCFunctionFastWithKeywords: keywords::<F>,
            },
            py::METH_FASTCALL | py::METH_KEYWORDS,
        ),
    };
    py::PyMethodDef {
        ml_name: name.as_ptr(),
        ml_meth,
        ml_flags,
        ml_doc: doc.as_ptr(),
    }
}

/// The `Py_mod_exec` function of a module.
pub unsafe extern "C" fn exec<M: ModuleExec>(module: *mut py::PyObject) -> c_int {
    // SAFETY: CPython holds the GIL and passes the module being executed.
    let r = unsafe {
        guard(RawCtx, |c| {
            let m = BorrowedHandle::new(c, h(module));
            module_exec::<M>(c, &m)
        })
    };
    if r.is_some() { 0 } else { -1 }
}

/// The module slots: `Py_mod_exec`, then the terminator.
pub const fn module_slots<M: ModuleExec>() -> [py::PyModuleDef_Slot; 2] {
    [
        py::PyModuleDef_Slot {
            slot: py::Py_mod_exec,
            value: exec::<M> as *mut c_void,
        },
        py::PyModuleDef_Slot {
            slot: 0,
            value: ptr::null_mut(),
        },
    ]
}

/// The module definition.
pub const fn module_def(
    name: &'static CStr,
    doc: &'static CStr,
    methods: *mut py::PyMethodDef,
    slots: *mut py::PyModuleDef_Slot,
) -> py::PyModuleDef {
    py::PyModuleDef {
        m_base: py::PyModuleDef_HEAD_INIT,
        m_name: name.as_ptr(),
        m_doc: doc.as_ptr(),
        m_size: 0,
        m_methods: methods,
        m_slots: slots,
        m_traverse: None,
        m_clear: None,
        m_free: None,
    }
}

/// `PyInit_<module>`: hands CPython the definition (multi-phase initialisation).
///
/// # Safety
/// `def` points to a module definition that lives for the rest of the process.
pub unsafe fn py_init(def: *mut py::PyModuleDef) -> *mut py::PyObject {
    // SAFETY: forwarded contract; PyModuleDef_Init only initialises the header of `def`.
    unsafe { py::PyModuleDef_Init(def) }
}

/// The terminating entry of a method table.
pub const METHOD_SENTINEL: py::PyMethodDef = py::PyMethodDef::zeroed();

/// Defines a module's statics and its exported symbol. Expanded by `#[hpy_core::module]`.
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_module_statics {
    (
        name: $name:literal,
        doc: $doc:expr,
        exec: $exec:ty,
        functions: [$($f:expr),* $(,)?],
        globals: [$($g:expr),* $(,)?] $(,)?
    ) => {
        const _: () = {
            use $crate::impl_ as __i;
            // CPython has no global table (`globals` is unused): globals are plain references.
            const __FUNCTIONS: &[::core::option::Option<__i::MethodDef>] = &[$($f),*];
            const __N: usize = __i::count_defs(__FUNCTIONS) + 1;
            static __METHODS: __i::SyncCell<[__i::MethodDef; __N]> = __i::SyncCell::new(
                __i::collect_defs::<__N>(__FUNCTIONS, __i::METHOD_SENTINEL),
            );
            static __SLOTS: __i::SyncCell<[$crate::__pyo3_ffi::PyModuleDef_Slot; 2]> =
                __i::SyncCell::new(__i::module_slots::<$exec>());
            static __MODULE: __i::SyncCell<$crate::__pyo3_ffi::PyModuleDef> = __i::SyncCell::new(
                __i::module_def(
                    match ::core::ffi::CStr::from_bytes_with_nul(concat!($name, "\0").as_bytes()) {
                        Ok(n) => n,
                        Err(_) => panic!("module name contains NUL"),
                    },
                    $doc,
                    __METHODS.get().cast(),
                    __SLOTS.get().cast(),
                ),
            );

            #[unsafe(export_name = concat!("PyInit_", $name))]
            extern "C" fn __py_init() -> *mut $crate::__pyo3_ffi::PyObject {
                // SAFETY: `__MODULE` is a static definition.
                unsafe { __i::py_init(__MODULE.get()) }
            }
        };
    };
}

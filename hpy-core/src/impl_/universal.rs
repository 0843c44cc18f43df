//! Universal backend of the macro support: `HPyDef`s whose `impl` receives the context, CPython
//! trampolines that enter through `ctx_CallRealFunctionFromTrampoline`, and the four exported
//! symbols of an HPy 0.9 module.

use core::ffi::{CStr, c_int};
use core::ptr;

use super::{Convention, ModuleExec, PyFunction, RawArgs, guard, module_exec};
use crate::backend::{RawCtx, call_from_trampoline};
use crate::ffi::*;
use crate::handle::BorrowedHandle;

/// A method definition of this backend.
pub type MethodDef = HPyDef;

/// `PY_VECTORCALL_ARGUMENTS_OFFSET`: a flag CPython may set in `nargsf`.
const ARGUMENTS_OFFSET: usize = 1 << (usize::BITS - 1);

#[inline(always)]
unsafe fn run<F: PyFunction>(ctx: *mut HPyContext, args: RawArgs) -> HPy {
    // SAFETY: the runtime passes the live context of this call.
    unsafe { guard(RawCtx(ctx), |c| F::call(c, &args)) }.unwrap_or(HPy::NULL)
}

unsafe extern "C" fn noargs_impl<F: PyFunction>(ctx: *mut HPyContext, slf: HPy) -> HPy {
    let args = RawArgs {
        slf,
        args: ptr::null(),
        nargs: 0,
        kwnames: HPy::NULL,
    };
    // SAFETY: called by the runtime with the context of this call.
    unsafe { run::<F>(ctx, args) }
}

unsafe extern "C" fn o_impl<F: PyFunction>(ctx: *mut HPyContext, slf: HPy, arg: HPy) -> HPy {
    let args = RawArgs {
        slf,
        args: &arg,
        nargs: 1,
        kwnames: HPy::NULL,
    };
    // SAFETY: called by the runtime with the context of this call; `arg` outlives the call.
    unsafe { run::<F>(ctx, args) }
}

unsafe extern "C" fn varargs_impl<F: PyFunction>(
    ctx: *mut HPyContext,
    slf: HPy,
    args: *const HPy,
    nargs: usize,
) -> HPy {
    let args = RawArgs {
        slf,
        args,
        nargs,
        kwnames: HPy::NULL,
    };
    // SAFETY: called by the runtime with the context of this call.
    unsafe { run::<F>(ctx, args) }
}

unsafe extern "C" fn keywords_impl<F: PyFunction>(
    ctx: *mut HPyContext,
    slf: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    let args = RawArgs {
        slf,
        args,
        nargs: nargs & !ARGUMENTS_OFFSET,
        kwnames,
    };
    // SAFETY: called by the runtime with the context of this call.
    unsafe { run::<F>(ctx, args) }
}

unsafe extern "C" fn noargs_trampoline<F: PyFunction>(
    slf: *mut cpy_PyObject,
    _unused: *mut cpy_PyObject,
) -> *mut cpy_PyObject {
    let mut a = HPyFunc_args_NOARGS {
        self_: slf,
        result: ptr::null_mut(),
    };
    // SAFETY: `a` is the NOARGS argument struct and `noargs_impl` has the NOARGS signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_NOARGS,
            noargs_impl::<F> as HPyCFunction,
            (&raw mut a).cast(),
        )
    };
    a.result
}

unsafe extern "C" fn o_trampoline<F: PyFunction>(
    slf: *mut cpy_PyObject,
    arg: *mut cpy_PyObject,
) -> *mut cpy_PyObject {
    let mut a = HPyFunc_args_O {
        self_: slf,
        arg,
        result: ptr::null_mut(),
    };
    // SAFETY: `a` is the O argument struct and `o_impl` has the O signature.
    unsafe { call_from_trampoline(HPyFunc_O, o_impl::<F> as HPyCFunction, (&raw mut a).cast()) };
    a.result
}

unsafe extern "C" fn varargs_trampoline<F: PyFunction>(
    slf: *mut cpy_PyObject,
    args: *const *mut cpy_PyObject,
    nargs: HPy_ssize_t,
) -> *mut cpy_PyObject {
    let mut a = HPyFunc_args_VARARGS {
        self_: slf,
        args,
        nargs,
        result: ptr::null_mut(),
    };
    // SAFETY: `a` is the VARARGS argument struct and `varargs_impl` has that signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_VARARGS,
            varargs_impl::<F> as HPyCFunction,
            (&raw mut a).cast(),
        )
    };
    a.result
}

unsafe extern "C" fn keywords_trampoline<F: PyFunction>(
    slf: *mut cpy_PyObject,
    args: *const *mut cpy_PyObject,
    nargsf: usize,
    kwnames: *mut cpy_PyObject,
) -> *mut cpy_PyObject {
    let mut a = HPyFunc_args_KEYWORDS {
        self_: slf,
        args,
        nargsf,
        kwnames,
        result: ptr::null_mut(),
    };
    // SAFETY: `a` is the KEYWORDS argument struct and `keywords_impl` has that signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_KEYWORDS,
            keywords_impl::<F> as HPyCFunction,
            (&raw mut a).cast(),
        )
    };
    a.result
}

/// The `HPyDef` of a function.
pub const fn method_def<F: PyFunction>(
    name: &'static CStr,
    doc: &'static CStr,
    conv: Convention,
) -> HPyDef {
    let (impl_, tramp, signature): (HPyCFunction, cpy_PyCFunction, HPyFunc_Signature) = match conv {
        Convention::NoArgs => (
            noargs_impl::<F> as HPyCFunction,
            noargs_trampoline::<F> as cpy_PyCFunction,
            HPyFunc_NOARGS,
        ),
        Convention::O => (
            o_impl::<F> as HPyCFunction,
            o_trampoline::<F> as cpy_PyCFunction,
            HPyFunc_O,
        ),
        Convention::Varargs => (
            varargs_impl::<F> as HPyCFunction,
            varargs_trampoline::<F> as cpy_PyCFunction,
            HPyFunc_VARARGS,
        ),
        Convention::Keywords => (
            keywords_impl::<F> as HPyCFunction,
            keywords_trampoline::<F> as cpy_PyCFunction,
            HPyFunc_KEYWORDS,
        ),
    };
    HPyDef {
        kind: HPyDef_Kind_Meth,
        u: HPyDefUnion {
            meth: HPyMeth {
                name: name.as_ptr(),
                impl_,
                cpy_trampoline: tramp,
                signature,
                doc: doc.as_ptr(),
            },
        },
    }
}

unsafe extern "C" fn exec_impl<M: ModuleExec>(ctx: *mut HPyContext, module: HPy) -> c_int {
    // SAFETY: the runtime passes the live context and the module being executed.
    let r = unsafe {
        guard(RawCtx(ctx), |c| {
            let m = BorrowedHandle::new(c, module);
            module_exec::<M>(c, &m)
        })
    };
    if r.is_some() { 0 } else { -1 }
}

unsafe extern "C" fn exec_trampoline<M: ModuleExec>(module: *mut cpy_PyObject) -> c_int {
    let mut a = HPyFunc_args_INQUIRY {
        arg0: module,
        result: 0,
    };
    // SAFETY: `a` is the INQUIRY argument struct and `exec_impl` has that signature.
    unsafe {
        call_from_trampoline(
            HPyFunc_INQUIRY,
            exec_impl::<M> as HPyCFunction,
            (&raw mut a).cast(),
        )
    };
    a.result
}

/// The `HPy_mod_exec` slot of a module.
pub const fn exec_def<M: ModuleExec>() -> HPyDef {
    HPyDef {
        kind: HPyDef_Kind_Slot,
        u: HPyDefUnion {
            slot: HPySlot {
                slot: HPy_mod_exec,
                impl_: exec_impl::<M> as HPyCFunction,
                cpy_trampoline: exec_trampoline::<M> as cpy_PyCFunction,
            },
        },
    }
}

/// The NULL-terminated array of pointers to the `N` definitions starting at `base`.
pub const fn def_pointers<const N: usize, const M: usize>(base: *mut HPyDef) -> [*mut HPyDef; M] {
    assert!(M == N + 1);
    let mut out = [ptr::null_mut(); M];
    let mut i = 0;
    while i < N {
        out[i] = base.wrapping_add(i);
        i += 1;
    }
    out
}

/// The module definition.
pub const fn module_def(
    doc: &'static CStr,
    defines: *mut *mut HPyDef,
    globals: *mut *mut HPyGlobal,
) -> HPyModuleDef {
    HPyModuleDef {
        doc: doc.as_ptr(),
        size: 0,
        legacy_methods: ptr::null_mut(),
        defines,
        globals,
    }
}

/// The NULL-terminated table of the globals a module lists: ours (the panic exception type),
/// every class's type object, every `Global` the module declares.
pub const fn globals_table<const N: usize>(globals: &[*mut HPyGlobal]) -> [*mut HPyGlobal; N] {
    assert!(globals.len() + 1 == N);
    let mut out = [ptr::null_mut(); N];
    let mut i = 0;
    while i < globals.len() {
        out[i] = globals[i];
        i += 1;
    }
    out
}

/// `HPyInitGlobalContext_<module>`: keeps the context for the CPython trampolines.
pub fn init_global_context(ctx: *mut HPyContext) {
    crate::backend::TRAMPOLINE_CTX.store(ctx, core::sync::atomic::Ordering::Relaxed);
}

/// Defines a module's statics and its exported symbols. Expanded by `#[hpy_core::module]`.
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
            use $crate::ffi as __f;
            const __FUNCTIONS: &[::core::option::Option<__f::HPyDef>] = &[$($f),*];
            const __N: usize = __i::count_defs(__FUNCTIONS) + 1;
            static __DEFS: __i::SyncCell<[__f::HPyDef; __N]> = __i::SyncCell::new(
                __i::collect_defs::<__N>(__FUNCTIONS, __i::exec_def::<$exec>()),
            );
            static __DEF_PTRS: __i::SyncCell<[*mut __f::HPyDef; __N + 1]> =
                __i::SyncCell::new(__i::def_pointers::<__N, { __N + 1 }>(__DEFS.get().cast()));
            const __NGLOBALS: usize = {
                let names: &[&str] = &[$(stringify!($g)),*];
                names.len() + 2
            };
            static __GLOBALS: __i::SyncCell<[*mut __f::HPyGlobal; __NGLOBALS]> =
                __i::SyncCell::new(__i::globals_table(&[__i::PANIC_EXCEPTION.as_ptr(), $($g),*]));
            static __MODULE: __i::SyncCell<__f::HPyModuleDef> = __i::SyncCell::new(
                __i::module_def($doc, __DEF_PTRS.get().cast(), __GLOBALS.get().cast()),
            );

            #[unsafe(export_name = concat!("get_required_hpy_major_version_", $name))]
            extern "C" fn __major() -> u32 {
                __f::HPY_ABI_VERSION
            }

            #[unsafe(export_name = concat!("get_required_hpy_minor_version_", $name))]
            extern "C" fn __minor() -> u32 {
                __f::HPY_ABI_VERSION_MINOR
            }

            #[unsafe(export_name = concat!("HPyInitGlobalContext_", $name))]
            extern "C" fn __init_ctx(ctx: *mut __f::HPyContext) {
                __i::init_global_context(ctx)
            }

            #[unsafe(export_name = concat!("HPyInit_", $name))]
            extern "C" fn __init() -> *mut __f::HPyModuleDef {
                __MODULE.get()
            }
        };
    };
}

/// The KEYWORDS implementation and trampoline of `F` (also used for `tp_call`).
pub const fn keywords_entry_points<F: PyFunction>() -> (HPyCFunction, cpy_PyCFunction) {
    (
        keywords_impl::<F> as HPyCFunction,
        keywords_trampoline::<F> as cpy_PyCFunction,
    )
}

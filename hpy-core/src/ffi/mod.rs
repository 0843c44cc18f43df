//! The HPy 0.9 universal ABI (ABI version 0.0, tag `hpy0`), as `#[repr(C)]` Rust.
//!
//! These definitions mirror `hpy/devel/include` of the `hpy==0.9.0` wheel. They are plain data
//! and compile in both backends; only the universal backend calls through them.
//! `tests/abi_layout.rs` compiles a C program against the real headers and checks the size of
//! every struct and the offset of every field and context member against this module.
//!
//! C enums are spelled as integer type aliases with constants, so that a value this crate does
//! not know (a newer runtime's) is never undefined behaviour.

#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]

use core::ffi::{c_char, c_int, c_ulong, c_void};

#[rustfmt::skip]
mod context;
pub use context::{CTX_MEMBERS, HPyContext};

/// The major ABI version this crate implements (`HPY_ABI_VERSION`).
pub const HPY_ABI_VERSION: u32 = 0;
/// The minor ABI version this crate implements (`HPY_ABI_VERSION_MINOR`).
pub const HPY_ABI_VERSION_MINOR: u32 = 0;
/// The file-name tag of universal binaries: `name.hpy0.so`.
pub const HPY_ABI_TAG: &str = "hpy0";

/// `HPy_ssize_t`: `intptr_t` in universal mode, `Py_ssize_t` in CPython mode (the same width).
pub type HPy_ssize_t = isize;
/// `HPy_hash_t`.
pub type HPy_hash_t = isize;
/// `HPy_UCS4`.
pub type HPy_UCS4 = u32;
/// `wchar_t` of the target's C library.
#[cfg(windows)]
pub type wchar_t = u16;
/// `wchar_t` of the target's C library.
#[cfg(not(windows))]
pub type wchar_t = i32;

/// An HPy handle: `struct { intptr_t _i; }`. `_i == 0` is `HPy_NULL`; no other value has a
/// meaning a caller may rely on (compare handles with `HPy_Is`, never by value).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HPy {
    /// The runtime's representation (a `PyObject*` in CPython mode).
    pub _i: isize,
}

impl HPy {
    /// `HPy_NULL`.
    pub const NULL: HPy = HPy { _i: 0 };
    /// `HPy_IsNull(h)`.
    #[inline(always)]
    pub const fn is_null(self) -> bool {
        self._i == 0
    }
}

macro_rules! opaque_word {
    ($($(#[$m:meta])* $name:ident { $field:ident })*) => {$(
        $(#[$m])*
        #[repr(C)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name {
            /// The runtime's representation.
            pub $field: isize,
        }
    )*};
}

opaque_word! {
    /// `HPyField`: a reference stored inside an object's payload.
    HPyField { _i }
    /// `HPyGlobal`: a reference stored in a global variable.
    HPyGlobal { _i }
    /// `HPyListBuilder`.
    HPyListBuilder { _lst }
    /// `HPyTupleBuilder`.
    HPyTupleBuilder { _tup }
    /// `HPyTracker`.
    HPyTracker { _i }
    /// `HPyThreadState`: what `LeavePythonExecution` returns.
    HPyThreadState { _i }
}

/// `cpy_PyObject`: CPython's `PyObject`, opaque in universal mode.
#[repr(C)]
pub struct cpy_PyObject {
    _opaque: [u8; 0],
}

/// `HPyCFunction`: `void *(*)()`, the generic type of every `impl` pointer.
pub type HPyCFunction = *const c_void;
/// `cpy_PyCFunction`: the generic type of every CPython trampoline pointer.
pub type cpy_PyCFunction = *const c_void;

/// `HPyFunc_visitproc`: what a `tp_traverse` implementation calls for each field.
pub type HPyFunc_visitproc = unsafe extern "C" fn(*mut HPyField, *mut c_void) -> c_int;

/// `HPyFunc_Signature` (C enum, 4 bytes).
pub type HPyFunc_Signature = c_int;
/// `HPyFunc_VARARGS`: `HPy f(ctx, self, const HPy *args, size_t nargs)` (METH_FASTCALL).
pub const HPyFunc_VARARGS: HPyFunc_Signature = 1;
/// `HPyFunc_KEYWORDS`: VARARGS plus a `kwnames` tuple (vectorcall).
pub const HPyFunc_KEYWORDS: HPyFunc_Signature = 2;
/// `HPyFunc_NOARGS`: `HPy f(ctx, self)`.
pub const HPyFunc_NOARGS: HPyFunc_Signature = 3;
/// `HPyFunc_O`: `HPy f(ctx, self, arg)`.
pub const HPyFunc_O: HPyFunc_Signature = 4;
/// `HPyFunc_DESTROYFUNC`: `void f(void *payload)`.
pub const HPyFunc_DESTROYFUNC: HPyFunc_Signature = 5;
/// `HPyFunc_GETBUFFERPROC`.
pub const HPyFunc_GETBUFFERPROC: HPyFunc_Signature = 6;
/// `HPyFunc_RELEASEBUFFERPROC`.
pub const HPyFunc_RELEASEBUFFERPROC: HPyFunc_Signature = 7;
/// `HPyFunc_UNARYFUNC`.
pub const HPyFunc_UNARYFUNC: HPyFunc_Signature = 8;
/// `HPyFunc_BINARYFUNC`.
pub const HPyFunc_BINARYFUNC: HPyFunc_Signature = 9;
/// `HPyFunc_TERNARYFUNC`.
pub const HPyFunc_TERNARYFUNC: HPyFunc_Signature = 10;
/// `HPyFunc_INQUIRY`.
pub const HPyFunc_INQUIRY: HPyFunc_Signature = 11;
/// `HPyFunc_LENFUNC`.
pub const HPyFunc_LENFUNC: HPyFunc_Signature = 12;
/// `HPyFunc_SSIZEARGFUNC`.
pub const HPyFunc_SSIZEARGFUNC: HPyFunc_Signature = 13;
/// `HPyFunc_SSIZESSIZEARGFUNC`.
pub const HPyFunc_SSIZESSIZEARGFUNC: HPyFunc_Signature = 14;
/// `HPyFunc_SSIZEOBJARGPROC`.
pub const HPyFunc_SSIZEOBJARGPROC: HPyFunc_Signature = 15;
/// `HPyFunc_SSIZESSIZEOBJARGPROC`.
pub const HPyFunc_SSIZESSIZEOBJARGPROC: HPyFunc_Signature = 16;
/// `HPyFunc_OBJOBJARGPROC`.
pub const HPyFunc_OBJOBJARGPROC: HPyFunc_Signature = 17;
/// `HPyFunc_FREEFUNC`.
pub const HPyFunc_FREEFUNC: HPyFunc_Signature = 18;
/// `HPyFunc_GETATTRFUNC`.
pub const HPyFunc_GETATTRFUNC: HPyFunc_Signature = 19;
/// `HPyFunc_GETATTROFUNC`.
pub const HPyFunc_GETATTROFUNC: HPyFunc_Signature = 20;
/// `HPyFunc_SETATTRFUNC`.
pub const HPyFunc_SETATTRFUNC: HPyFunc_Signature = 21;
/// `HPyFunc_SETATTROFUNC`.
pub const HPyFunc_SETATTROFUNC: HPyFunc_Signature = 22;
/// `HPyFunc_REPRFUNC`.
pub const HPyFunc_REPRFUNC: HPyFunc_Signature = 23;
/// `HPyFunc_HASHFUNC`.
pub const HPyFunc_HASHFUNC: HPyFunc_Signature = 24;
/// `HPyFunc_RICHCMPFUNC`.
pub const HPyFunc_RICHCMPFUNC: HPyFunc_Signature = 25;
/// `HPyFunc_GETITERFUNC`.
pub const HPyFunc_GETITERFUNC: HPyFunc_Signature = 26;
/// `HPyFunc_ITERNEXTFUNC`.
pub const HPyFunc_ITERNEXTFUNC: HPyFunc_Signature = 27;
/// `HPyFunc_DESCRGETFUNC`.
pub const HPyFunc_DESCRGETFUNC: HPyFunc_Signature = 28;
/// `HPyFunc_DESCRSETFUNC`.
pub const HPyFunc_DESCRSETFUNC: HPyFunc_Signature = 29;
/// `HPyFunc_INITPROC`.
pub const HPyFunc_INITPROC: HPyFunc_Signature = 30;
/// `HPyFunc_NEWFUNC`.
pub const HPyFunc_NEWFUNC: HPyFunc_Signature = 31;
/// `HPyFunc_GETTER`.
pub const HPyFunc_GETTER: HPyFunc_Signature = 32;
/// `HPyFunc_SETTER`.
pub const HPyFunc_SETTER: HPyFunc_Signature = 33;
/// `HPyFunc_OBJOBJPROC`.
pub const HPyFunc_OBJOBJPROC: HPyFunc_Signature = 34;
/// `HPyFunc_TRAVERSEPROC`.
pub const HPyFunc_TRAVERSEPROC: HPyFunc_Signature = 35;
/// `HPyFunc_DESTRUCTOR`.
pub const HPyFunc_DESTRUCTOR: HPyFunc_Signature = 36;
/// `HPyFunc_CAPSULE_DESTRUCTOR`.
pub const HPyFunc_CAPSULE_DESTRUCTOR: HPyFunc_Signature = 37;
/// `HPyFunc_VECTORCALLFUNC`.
pub const HPyFunc_VECTORCALLFUNC: HPyFunc_Signature = 38;
/// `HPyFunc_MOD_CREATE`.
pub const HPyFunc_MOD_CREATE: HPyFunc_Signature = 39;

/// `HPyDef_Kind`.
pub type HPyDef_Kind = c_int;
/// `HPyDef_Kind_Slot`.
pub const HPyDef_Kind_Slot: HPyDef_Kind = 1;
/// `HPyDef_Kind_Meth`.
pub const HPyDef_Kind_Meth: HPyDef_Kind = 2;
/// `HPyDef_Kind_Member`.
pub const HPyDef_Kind_Member: HPyDef_Kind = 3;
/// `HPyDef_Kind_GetSet`.
pub const HPyDef_Kind_GetSet: HPyDef_Kind = 4;

/// `HPySlot_Slot`. The values equal CPython's `typeslots.h` except the three HPy-only slots.
pub type HPySlot_Slot = c_int;

macro_rules! slots {
    ($($name:ident = $v:literal,)*) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        pub const $name: HPySlot_Slot = $v;
    )*};
}

slots! {
    HPy_bf_getbuffer = 1, HPy_bf_releasebuffer = 2, HPy_mp_ass_subscript = 3, HPy_mp_length = 4,
    HPy_mp_subscript = 5, HPy_nb_absolute = 6, HPy_nb_add = 7, HPy_nb_and = 8, HPy_nb_bool = 9,
    HPy_nb_divmod = 10, HPy_nb_float = 11, HPy_nb_floor_divide = 12, HPy_nb_index = 13,
    HPy_nb_inplace_add = 14, HPy_nb_inplace_and = 15, HPy_nb_inplace_floor_divide = 16,
    HPy_nb_inplace_lshift = 17, HPy_nb_inplace_multiply = 18, HPy_nb_inplace_or = 19,
    HPy_nb_inplace_power = 20, HPy_nb_inplace_remainder = 21, HPy_nb_inplace_rshift = 22,
    HPy_nb_inplace_subtract = 23, HPy_nb_inplace_true_divide = 24, HPy_nb_inplace_xor = 25,
    HPy_nb_int = 26, HPy_nb_invert = 27, HPy_nb_lshift = 28, HPy_nb_multiply = 29,
    HPy_nb_negative = 30, HPy_nb_or = 31, HPy_nb_positive = 32, HPy_nb_power = 33,
    HPy_nb_remainder = 34, HPy_nb_rshift = 35, HPy_nb_subtract = 36, HPy_nb_true_divide = 37,
    HPy_nb_xor = 38, HPy_sq_ass_item = 39, HPy_sq_concat = 40, HPy_sq_contains = 41,
    HPy_sq_inplace_concat = 42, HPy_sq_inplace_repeat = 43, HPy_sq_item = 44,
    HPy_sq_length = 45, HPy_sq_repeat = 46, HPy_tp_call = 50, HPy_tp_hash = 59,
    HPy_tp_init = 60, HPy_tp_new = 65, HPy_tp_repr = 66, HPy_tp_richcompare = 67,
    HPy_tp_str = 70, HPy_tp_traverse = 71, HPy_nb_matrix_multiply = 75,
    HPy_nb_inplace_matrix_multiply = 76, HPy_tp_finalize = 80, HPy_tp_destroy = 1000,
    HPy_mod_create = 2000, HPy_mod_exec = 2001,
}

/// `HPyMember_FieldType` (the values of CPython's `T_*` codes).
pub type HPyMember_FieldType = c_int;

macro_rules! member_types {
    ($($name:ident = $v:literal,)*) => {$(
        #[doc = concat!("`", stringify!($name), "`.")]
        pub const $name: HPyMember_FieldType = $v;
    )*};
}

member_types! {
    HPyMember_SHORT = 0, HPyMember_INT = 1, HPyMember_LONG = 2, HPyMember_FLOAT = 3,
    HPyMember_DOUBLE = 4, HPyMember_STRING = 5, HPyMember_OBJECT = 6, HPyMember_CHAR = 7,
    HPyMember_BYTE = 8, HPyMember_UBYTE = 9, HPyMember_USHORT = 10, HPyMember_UINT = 11,
    HPyMember_ULONG = 12, HPyMember_STRING_INPLACE = 13, HPyMember_BOOL = 14,
    HPyMember_OBJECT_EX = 16, HPyMember_LONGLONG = 17, HPyMember_ULONGLONG = 18,
    HPyMember_HPYSSIZET = 19, HPyMember_NONE = 20,
}

/// `HPyType_BuiltinShape`.
pub type HPyType_BuiltinShape = c_int;
/// `HPyType_BuiltinShape_Legacy`.
pub const HPyType_BuiltinShape_Legacy: HPyType_BuiltinShape = -1;
/// `HPyType_BuiltinShape_Object` (the default).
pub const HPyType_BuiltinShape_Object: HPyType_BuiltinShape = 0;
/// `HPyType_BuiltinShape_Type`.
pub const HPyType_BuiltinShape_Type: HPyType_BuiltinShape = 1;
/// `HPyType_BuiltinShape_Long`.
pub const HPyType_BuiltinShape_Long: HPyType_BuiltinShape = 2;
/// `HPyType_BuiltinShape_Float`.
pub const HPyType_BuiltinShape_Float: HPyType_BuiltinShape = 3;
/// `HPyType_BuiltinShape_Unicode`.
pub const HPyType_BuiltinShape_Unicode: HPyType_BuiltinShape = 4;
/// `HPyType_BuiltinShape_Tuple`.
pub const HPyType_BuiltinShape_Tuple: HPyType_BuiltinShape = 5;
/// `HPyType_BuiltinShape_List`.
pub const HPyType_BuiltinShape_List: HPyType_BuiltinShape = 6;

/// `HPyType_SpecParam_Kind`.
pub type HPyType_SpecParam_Kind = c_int;
/// `HPyType_SpecParam_Base`.
pub const HPyType_SpecParam_Base: HPyType_SpecParam_Kind = 1;
/// `HPyType_SpecParam_BasesTuple`.
pub const HPyType_SpecParam_BasesTuple: HPyType_SpecParam_Kind = 2;
/// `HPyType_SpecParam_Metaclass`.
pub const HPyType_SpecParam_Metaclass: HPyType_SpecParam_Kind = 3;

/// `HPy_RichCmpOp`.
pub type HPy_RichCmpOp = c_int;
/// `HPy_LT`.
pub const HPy_LT: HPy_RichCmpOp = 0;
/// `HPy_LE`.
pub const HPy_LE: HPy_RichCmpOp = 1;
/// `HPy_EQ`.
pub const HPy_EQ: HPy_RichCmpOp = 2;
/// `HPy_NE`.
pub const HPy_NE: HPy_RichCmpOp = 3;
/// `HPy_GT`.
pub const HPy_GT: HPy_RichCmpOp = 4;
/// `HPy_GE`.
pub const HPy_GE: HPy_RichCmpOp = 5;

/// `HPy_SourceKind`.
pub type HPy_SourceKind = c_int;
/// `HPy_SourceKind_Expr`.
pub const HPy_SourceKind_Expr: HPy_SourceKind = 0;
/// `HPy_SourceKind_File`.
pub const HPy_SourceKind_File: HPy_SourceKind = 1;
/// `HPy_SourceKind_Single`.
pub const HPy_SourceKind_Single: HPy_SourceKind = 2;

/// `_HPyCapsule_key`.
pub type HPyCapsule_key = c_int;
/// `HPyCapsule_key_Pointer`.
pub const HPyCapsule_key_Pointer: HPyCapsule_key = 0;
/// `HPyCapsule_key_Name`.
pub const HPyCapsule_key_Name: HPyCapsule_key = 1;
/// `HPyCapsule_key_Context`.
pub const HPyCapsule_key_Context: HPyCapsule_key = 2;
/// `HPyCapsule_key_Destructor`.
pub const HPyCapsule_key_Destructor: HPyCapsule_key = 3;

/// `HPy_TPFLAGS_DEFAULT` (`HEAPTYPE | HAVE_VERSION_TAG`).
pub const HPy_TPFLAGS_DEFAULT: c_ulong = (1 << 9) | (1 << 18);
/// `HPy_TPFLAGS_BASETYPE`: Python may subclass the type.
pub const HPy_TPFLAGS_BASETYPE: c_ulong = 1 << 10;
/// `HPy_TPFLAGS_HAVE_GC`.
pub const HPy_TPFLAGS_HAVE_GC: c_ulong = 1 << 14;
/// `HPy_TPFLAGS_HAVE_VECTORCALL`.
pub const HPy_TPFLAGS_HAVE_VECTORCALL: c_ulong = 1 << 11;

/// `HPySlot`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPySlot {
    /// Which slot.
    pub slot: HPySlot_Slot,
    /// The HPy implementation.
    pub impl_: HPyCFunction,
    /// The CPython trampoline calling `impl_` through the context.
    pub cpy_trampoline: cpy_PyCFunction,
}

/// `HPyMeth`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyMeth {
    /// The Python name (NUL-terminated UTF-8).
    pub name: *const c_char,
    /// The HPy implementation.
    pub impl_: HPyCFunction,
    /// The CPython trampoline calling `impl_` through the context.
    pub cpy_trampoline: cpy_PyCFunction,
    /// The calling convention of `impl_`.
    pub signature: HPyFunc_Signature,
    /// `__doc__`, or NULL.
    pub doc: *const c_char,
}

/// `HPyMember`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyMember {
    /// The Python name.
    pub name: *const c_char,
    /// The C type of the field.
    pub type_: HPyMember_FieldType,
    /// The offset of the field in the payload.
    pub offset: HPy_ssize_t,
    /// Non-zero for a read-only member.
    pub readonly: c_int,
    /// `__doc__`, or NULL.
    pub doc: *const c_char,
}

/// `HPyGetSet`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyGetSet {
    /// The Python name.
    pub name: *const c_char,
    /// The getter's HPy implementation, or NULL.
    pub getter_impl: HPyCFunction,
    /// The setter's HPy implementation, or NULL.
    pub setter_impl: HPyCFunction,
    /// The getter's CPython trampoline, or NULL.
    pub getter_cpy_trampoline: *const c_void,
    /// The setter's CPython trampoline, or NULL.
    pub setter_cpy_trampoline: *const c_void,
    /// `__doc__`, or NULL.
    pub doc: *const c_char,
    /// Passed to both implementations.
    pub closure: *mut c_void,
}

/// The union inside `HPyDef`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union HPyDefUnion {
    /// For `HPyDef_Kind_Slot`.
    pub slot: HPySlot,
    /// For `HPyDef_Kind_Meth`.
    pub meth: HPyMeth,
    /// For `HPyDef_Kind_Member`.
    pub member: HPyMember,
    /// For `HPyDef_Kind_GetSet`.
    pub getset: HPyGetSet,
}

/// `HPyDef`: one definition of a module or a type.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyDef {
    /// Which member of `u` is valid.
    pub kind: HPyDef_Kind,
    /// The definition.
    pub u: HPyDefUnion,
}

/// `HPyCapsule_Destructor`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyCapsule_Destructor {
    /// The CPython trampoline.
    pub cpy_trampoline: *const c_void,
    /// The HPy implementation.
    pub impl_: *const c_void,
}

/// `HPyCallFunction`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyCallFunction {
    /// The CPython vectorcall trampoline.
    pub cpy_trampoline: *const c_void,
    /// The HPy implementation (KEYWORDS signature).
    pub impl_: *const c_void,
}

/// `HPyType_Spec`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyType_Spec {
    /// `"module.Type"`.
    pub name: *const c_char,
    /// The size of the payload (without any object header).
    pub basicsize: c_int,
    /// Must be 0.
    pub itemsize: c_int,
    /// `HPy_TPFLAGS_*`.
    pub flags: c_ulong,
    /// The shape of the object header.
    pub builtin_shape: HPyType_BuiltinShape,
    /// Must be NULL in universal mode.
    pub legacy_slots: *mut c_void,
    /// NULL-terminated array of definitions.
    pub defines: *mut *mut HPyDef,
    /// `__doc__`, or NULL.
    pub doc: *const c_char,
}

/// `HPyType_SpecParam`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyType_SpecParam {
    /// Which parameter; 0 ends the array.
    pub kind: HPyType_SpecParam_Kind,
    /// The base, the bases tuple or the metaclass.
    pub object: HPy,
}

/// `HPyModuleDef`. It has no name: the name comes from the module spec.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPyModuleDef {
    /// `__doc__`, or NULL.
    pub doc: *const c_char,
    /// Must be 0.
    pub size: HPy_ssize_t,
    /// Must be NULL in universal mode.
    pub legacy_methods: *mut c_void,
    /// NULL-terminated array of definitions: methods, `HPy_mod_create`, `HPy_mod_exec`.
    pub defines: *mut *mut HPyDef,
    /// NULL-terminated array of every `HPyGlobal` the module uses.
    pub globals: *mut *mut HPyGlobal,
}

/// `HPy_buffer`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HPy_buffer {
    /// Start of the memory.
    pub buf: *mut c_void,
    /// The exporting object.
    pub obj: HPy,
    /// Length in bytes.
    pub len: HPy_ssize_t,
    /// Size of one item.
    pub itemsize: HPy_ssize_t,
    /// Non-zero when read-only.
    pub readonly: c_int,
    /// Number of dimensions.
    pub ndim: c_int,
    /// `struct`-module format string, or NULL.
    pub format: *mut c_char,
    /// Shape array, or NULL.
    pub shape: *mut HPy_ssize_t,
    /// Strides array, or NULL.
    pub strides: *mut HPy_ssize_t,
    /// Suboffsets array, or NULL.
    pub suboffsets: *mut HPy_ssize_t,
    /// For the exporter.
    pub internal: *mut c_void,
}

/// `_HPyFunc_args_NOARGS`: what a NOARGS trampoline passes to
/// `ctx_CallRealFunctionFromTrampoline`.
#[repr(C)]
pub struct HPyFunc_args_NOARGS {
    /// `self`.
    pub self_: *mut cpy_PyObject,
    /// The new reference the call returns, or NULL.
    pub result: *mut cpy_PyObject,
}

/// `_HPyFunc_args_O`.
#[repr(C)]
pub struct HPyFunc_args_O {
    /// `self`.
    pub self_: *mut cpy_PyObject,
    /// The argument.
    pub arg: *mut cpy_PyObject,
    /// The new reference the call returns, or NULL.
    pub result: *mut cpy_PyObject,
}

/// `_HPyFunc_args_VARARGS`.
#[repr(C)]
pub struct HPyFunc_args_VARARGS {
    /// `self`.
    pub self_: *mut cpy_PyObject,
    /// The positional arguments.
    pub args: *const *mut cpy_PyObject,
    /// Their number.
    pub nargs: HPy_ssize_t,
    /// The new reference the call returns, or NULL.
    pub result: *mut cpy_PyObject,
}

/// `_HPyFunc_args_KEYWORDS`.
#[repr(C)]
pub struct HPyFunc_args_KEYWORDS {
    /// `self`.
    pub self_: *mut cpy_PyObject,
    /// The positional arguments, then the keyword values.
    pub args: *const *mut cpy_PyObject,
    /// The number of positional arguments, maybe with `PY_VECTORCALL_ARGUMENTS_OFFSET`.
    pub nargsf: usize,
    /// The keyword names (a tuple), or NULL.
    pub kwnames: *mut cpy_PyObject,
    /// The new reference the call returns, or NULL.
    pub result: *mut cpy_PyObject,
}

/// `_HPyFunc_args_INQUIRY` (and the other `int f(ctx, HPy)` signatures).
#[repr(C)]
pub struct HPyFunc_args_INQUIRY {
    /// The object.
    pub arg0: *mut cpy_PyObject,
    /// The result.
    pub result: c_int,
}

//! Checks that the `#[repr(C)]` declarations of `hpy_core::ffi` match the real HPy 0.9.0 C
//! headers, member by member.
//!
//! The test writes a C program that includes `hpy.h` (compiled with `-DHPY_ABI_UNIVERSAL`), runs
//! it, and compares every number it prints with the same number computed in Rust with
//! `offset_of!`, `size_of` and `align_of`:
//!
//! - `HPyContext` (`struct _HPyContext_s`): size, alignment, and the offset and size of the three
//!   header fields and of all 263 members. The C side is generated from
//!   [`hpy_core::ffi::CTX_MEMBERS`], so it is never copied by hand. The type of every context
//!   field is checked too: its Rust spelling in `src/ffi/context.rs`, translated to C, must be
//!   compatible with the header's (`__builtin_types_compatible_p`), so a wrong function
//!   signature fails even though all function pointers have the same size;
//! - size, alignment, and the offset and size of every field of `HPy`, `HPyField`, `HPyGlobal`,
//!   `HPyListBuilder`, `HPyTupleBuilder`, `HPyTracker`, `HPyThreadState`, `HPySlot`, `HPyMeth`,
//!   `HPyMember`, `HPyGetSet`, `HPyDef` (its `kind` and each member of its anonymous union),
//!   `HPyCapsule_Destructor`, `HPyCallFunction`, `HPyType_Spec`, `HPyType_SpecParam`,
//!   `HPyModuleDef`, `HPy_buffer` and the trampoline argument structs `_HPyFunc_args_*`;
//! - the size of every C enum and scalar typedef the Rust module spells as a type alias;
//! - the value of every integer constant of `src/ffi/mod.rs` (`HPyFunc_*`, the slots, the member
//!   types, the shapes, `HPy_TPFLAGS_*`, `HPY_ABI_VERSION`, ...) and `HPY_ABI_TAG`.
//!
//! All mismatches are reported at once, as `name: C = .., Rust = ..`. The test also reads
//! `src/ffi/mod.rs` and fails if it defines a constant or a struct that this file does not check.
//!
//! # Getting the headers
//!
//! The headers come from the `HPY_INCLUDE` environment variable (the folder that holds `hpy.h`)
//! or, if it is not set, from `python3 -c "from hpy.devel import HPyDevel;
//! print(HPyDevel().include_dir)"`. Install them with `python3 -m pip install hpy==0.9.0`, or set
//! `HPY_INCLUDE`. A C compiler with the GNU extensions `__typeof__` and
//! `__builtin_types_compatible_p` (gcc or clang) is needed too: `$CC`, or `cc`. Without headers
//! or compiler the test fails; it never skips. On failure the generated C program is kept under
//! `target/tmp/abi_layout/`.

use core::mem::{align_of, offset_of, size_of};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

use hpy_core::ffi::*;

/// The HPy release whose headers the Rust declarations mirror.
const HPY_VERSION: &str = "0.9.0";

/// How to get the headers, for failure messages.
const INSTALL_HINT: &str = "install the HPy 0.9.0 headers with `python3 -m pip install \
     hpy==0.9.0`, or set HPY_INCLUDE to the folder that contains `hpy.h`";

/// One number computed by both the C program and Rust.
struct Check {
    /// What is compared, in Rust terms (`HPyMeth.impl_: offset`).
    what: String,
    /// The C expression that computes it (`offsetof(HPyMeth, impl)`).
    c_expr: String,
    /// The Rust value.
    rust: i128,
    /// A type-compatibility check (C prints 1 or 0) rather than a number.
    is_type: bool,
}

/// The list of everything to compare.
#[derive(Default)]
struct Checks {
    numbers: Vec<Check>,
    /// Strings: (what, C expression, Rust value).
    strings: Vec<(String, String, String)>,
    /// Rust names of the structs checked, for the completeness check.
    structs: BTreeSet<String>,
    /// Rust names of the constants checked, for the completeness check.
    constants: BTreeSet<String>,
}

impl Checks {
    fn number(&mut self, what: String, c_expr: String, rust: usize) {
        self.numbers.push(Check {
            what,
            c_expr,
            rust: i128::try_from(rust).unwrap(),
            is_type: false,
        });
    }

    /// Size and alignment of a type whose C name is `c`.
    fn type_size<T>(&mut self, rust: &str, c: &str) {
        self.number(
            format!("{rust}: size"),
            format!("sizeof({c})"),
            size_of::<T>(),
        );
        self.number(
            format!("{rust}: align"),
            format!("_Alignof({c})"),
            align_of::<T>(),
        );
    }

    /// Offset and size of field `c_field` of the C type `c_ty`.
    fn field(&mut self, rust: &str, c_ty: &str, c_field: &str, offset: usize, size: usize) {
        self.number(
            format!("{rust}: offset"),
            format!("offsetof({c_ty}, {c_field})"),
            offset,
        );
        self.number(
            format!("{rust}: size"),
            format!("sizeof((({c_ty} *)0)->{c_field})"),
            size,
        );
    }

    fn constant(&mut self, name: &str, rust: i128) {
        self.constants.insert(name.to_owned());
        self.numbers.push(Check {
            what: format!("{name}: value"),
            c_expr: name.to_owned(),
            rust,
            is_type: false,
        });
    }
}

/// The size of the type of the field that `_project` selects. The function is never called; it
/// only names the field's type.
fn field_size<T, F>(_project: fn(&T) -> &F) -> usize {
    size_of::<F>()
}

/// The C name of a field: the Rust name unless a different one is given.
macro_rules! c_name {
    ($f:ident) => {
        stringify!($f)
    };
    ($f:ident, $c:literal) => {
        $c
    };
}

/// Checks the size, the alignment and the listed fields of `#[repr(C)]` structs.
/// `Rust => "C" { rust_field, rust_field => "c_field" }`.
macro_rules! structs {
    ($checks:ident; $($rs:ident => $c:literal { $($f:ident $(=> $cf:literal)?),* $(,)? })*) => {$(
        $checks.structs.insert(stringify!($rs).to_owned());
        $checks.type_size::<$rs>(stringify!($rs), $c);
        $(
            $checks.field(
                concat!(stringify!($rs), ".", stringify!($f)),
                $c,
                c_name!($f $(, $cf)?),
                offset_of!($rs, $f),
                field_size(|s: &$rs| &s.$f),
            );
        )*
    )*};
}

/// Checks the size of type aliases: `RustAlias => "C type"`.
macro_rules! sizes {
    ($checks:ident; $($rs:ident => $c:literal),* $(,)?) => {$(
        $checks.number(
            concat!(stringify!($rs), ": size").to_owned(),
            concat!("sizeof(", $c, ")").to_owned(),
            size_of::<$rs>(),
        );
    )*};
}

/// Checks that integer type aliases have the signedness of their C type.
macro_rules! signedness {
    ($checks:ident; $($rs:ident => $c:literal),* $(,)?) => {$(
        $checks.number(
            concat!(stringify!($rs), ": is signed").to_owned(),
            concat!("((", $c, ")-1 < 0)").to_owned(),
            usize::from($rs::MIN != 0),
        );
    )*};
}

/// Checks the value of constants whose C name equals the Rust name.
macro_rules! constants {
    ($checks:ident; $($name:ident),* $(,)?) => {$(
        $checks.constant(stringify!($name), i128::from($name));
    )*};
}

/// `(name, offset, size)` of the listed `HPyContext` members, in the order given.
macro_rules! ctx_members {
    ($($m:ident),* $(,)?) => {
        vec![$((stringify!($m), offset_of!(HPyContext, $m), field_size(|c: &HPyContext| &c.$m))),*]
    };
}

/// The Rust offsets and sizes of the 263 context members. `offset_of!` needs the field names as
/// identifiers, so they are spelled out here; `context_list_is_ctx_members` keeps this list equal
/// to `CTX_MEMBERS`, from which the C side is generated.
fn rust_context_members() -> Vec<(&'static str, usize, usize)> {
    ctx_members! {
        h_None, h_True, h_False, h_NotImplemented, h_Ellipsis, h_BaseException, h_Exception,
        h_StopAsyncIteration, h_StopIteration, h_GeneratorExit, h_ArithmeticError, h_LookupError,
        h_AssertionError, h_AttributeError, h_BufferError, h_EOFError, h_FloatingPointError,
        h_OSError, h_ImportError, h_ModuleNotFoundError, h_IndexError, h_KeyError,
        h_KeyboardInterrupt, h_MemoryError, h_NameError, h_OverflowError, h_RuntimeError,
        h_RecursionError, h_NotImplementedError, h_SyntaxError, h_IndentationError, h_TabError,
        h_ReferenceError, h_SystemError, h_SystemExit, h_TypeError, h_UnboundLocalError,
        h_UnicodeError, h_UnicodeEncodeError, h_UnicodeDecodeError, h_UnicodeTranslateError,
        h_ValueError, h_ZeroDivisionError, h_BlockingIOError, h_BrokenPipeError,
        h_ChildProcessError, h_ConnectionError, h_ConnectionAbortedError, h_ConnectionRefusedError,
        h_ConnectionResetError, h_FileExistsError, h_FileNotFoundError, h_InterruptedError,
        h_IsADirectoryError, h_NotADirectoryError, h_PermissionError, h_ProcessLookupError,
        h_TimeoutError, h_Warning, h_UserWarning, h_DeprecationWarning,
        h_PendingDeprecationWarning, h_SyntaxWarning, h_RuntimeWarning, h_FutureWarning,
        h_ImportWarning, h_UnicodeWarning, h_BytesWarning, h_ResourceWarning, h_BaseObjectType,
        h_TypeType, h_BoolType, h_LongType, h_FloatType, h_UnicodeType, h_TupleType, h_ListType,
        ctx_Dup, ctx_Close, ctx_Long_FromInt32_t, ctx_Long_FromUInt32_t, ctx_Long_FromInt64_t,
        ctx_Long_FromUInt64_t, ctx_Long_FromSize_t, ctx_Long_FromSsize_t, ctx_Long_AsInt32_t,
        ctx_Long_AsUInt32_t, ctx_Long_AsUInt32_tMask, ctx_Long_AsInt64_t, ctx_Long_AsUInt64_t,
        ctx_Long_AsUInt64_tMask, ctx_Long_AsSize_t, ctx_Long_AsSsize_t, ctx_Long_AsVoidPtr,
        ctx_Long_AsDouble, ctx_Float_FromDouble, ctx_Float_AsDouble, ctx_Bool_FromBool, ctx_Length,
        ctx_Number_Check, ctx_Add, ctx_Subtract, ctx_Multiply, ctx_MatrixMultiply, ctx_FloorDivide,
        ctx_TrueDivide, ctx_Remainder, ctx_Divmod, ctx_Power, ctx_Negative, ctx_Positive,
        ctx_Absolute, ctx_Invert, ctx_Lshift, ctx_Rshift, ctx_And, ctx_Xor, ctx_Or, ctx_Index,
        ctx_Long, ctx_Float, ctx_InPlaceAdd, ctx_InPlaceSubtract, ctx_InPlaceMultiply,
        ctx_InPlaceMatrixMultiply, ctx_InPlaceFloorDivide, ctx_InPlaceTrueDivide,
        ctx_InPlaceRemainder, ctx_InPlacePower, ctx_InPlaceLshift, ctx_InPlaceRshift,
        ctx_InPlaceAnd, ctx_InPlaceXor, ctx_InPlaceOr, ctx_Callable_Check, ctx_CallTupleDict,
        ctx_FatalError, ctx_Err_SetString, ctx_Err_SetObject, ctx_Err_SetFromErrnoWithFilename,
        ctx_Err_SetFromErrnoWithFilenameObjects, ctx_Err_Occurred, ctx_Err_ExceptionMatches,
        ctx_Err_NoMemory, ctx_Err_Clear, ctx_Err_NewException, ctx_Err_NewExceptionWithDoc,
        ctx_Err_WarnEx, ctx_Err_WriteUnraisable, ctx_IsTrue, ctx_Type_FromSpec,
        ctx_Type_GenericNew, ctx_GetAttr, ctx_GetAttr_s, ctx_HasAttr, ctx_HasAttr_s, ctx_SetAttr,
        ctx_SetAttr_s, ctx_GetItem, ctx_GetItem_i, ctx_GetItem_s, ctx_Contains, ctx_SetItem,
        ctx_SetItem_i, ctx_SetItem_s, ctx_Type, ctx_TypeCheck, ctx_Is, ctx_AsStruct_Object,
        ctx_AsStruct_Legacy, ctx_New, ctx_Repr, ctx_Str, ctx_ASCII, ctx_Bytes, ctx_RichCompare,
        ctx_RichCompareBool, ctx_Hash, ctx_Bytes_Check, ctx_Bytes_Size, ctx_Bytes_GET_SIZE,
        ctx_Bytes_AsString, ctx_Bytes_AS_STRING, ctx_Bytes_FromString, ctx_Bytes_FromStringAndSize,
        ctx_Unicode_FromString, ctx_Unicode_Check, ctx_Unicode_AsASCIIString,
        ctx_Unicode_AsLatin1String, ctx_Unicode_AsUTF8String, ctx_Unicode_AsUTF8AndSize,
        ctx_Unicode_FromWideChar, ctx_Unicode_DecodeFSDefault, ctx_Unicode_DecodeFSDefaultAndSize,
        ctx_Unicode_EncodeFSDefault, ctx_Unicode_ReadChar, ctx_Unicode_DecodeASCII,
        ctx_Unicode_DecodeLatin1, ctx_List_Check, ctx_List_New, ctx_List_Append, ctx_Dict_Check,
        ctx_Dict_New, ctx_Tuple_Check, ctx_Tuple_FromArray, ctx_Import_ImportModule,
        ctx_FromPyObject, ctx_AsPyObject, ctx_CallRealFunctionFromTrampoline, ctx_ListBuilder_New,
        ctx_ListBuilder_Set, ctx_ListBuilder_Build, ctx_ListBuilder_Cancel, ctx_TupleBuilder_New,
        ctx_TupleBuilder_Set, ctx_TupleBuilder_Build, ctx_TupleBuilder_Cancel, ctx_Tracker_New,
        ctx_Tracker_Add, ctx_Tracker_ForgetAll, ctx_Tracker_Close, ctx_Field_Store, ctx_Field_Load,
        ctx_ReenterPythonExecution, ctx_LeavePythonExecution, ctx_Global_Store, ctx_Global_Load,
        ctx_Dump, ctx_AsStruct_Type, ctx_AsStruct_Long, ctx_AsStruct_Float, ctx_AsStruct_Unicode,
        ctx_AsStruct_Tuple, ctx_AsStruct_List, ctx_Type_GetBuiltinShape, ctx_DelItem,
        ctx_DelItem_i, ctx_DelItem_s, h_ComplexType, h_BytesType, h_MemoryViewType, h_CapsuleType,
        h_SliceType, h_Builtins, ctx_Capsule_New, ctx_Capsule_Get, ctx_Capsule_IsValid,
        ctx_Capsule_Set, ctx_Compile_s, ctx_EvalCode, ctx_ContextVar_New, ctx_ContextVar_Get,
        ctx_ContextVar_Set, ctx_Type_GetName, ctx_Type_IsSubtype, ctx_Unicode_FromEncodedObject,
        ctx_Unicode_Substring, ctx_Dict_Keys, ctx_Dict_Copy, ctx_Slice_Unpack, ctx_SetCallFunction,
        ctx_Call, ctx_CallMethod,
    }
}

/// Everything compared, except the context members.
fn build_checks() -> Checks {
    let mut c = Checks::default();

    // Sanity: the C compiler targets the same data model.
    c.number(
        "pointer: size".into(),
        "sizeof(void *)".into(),
        size_of::<*const ()>(),
    );
    c.number(
        "c_long: size".into(),
        "sizeof(long)".into(),
        size_of::<core::ffi::c_long>(),
    );

    // Scalar typedefs, function-pointer typedefs and C enums spelled as integer aliases.
    sizes! { c;
        HPy_ssize_t => "HPy_ssize_t", HPy_hash_t => "HPy_hash_t", HPy_UCS4 => "HPy_UCS4",
        wchar_t => "wchar_t", HPyCFunction => "HPyCFunction", cpy_PyCFunction => "cpy_PyCFunction",
        HPyFunc_Signature => "HPyFunc_Signature", HPySlot_Slot => "HPySlot_Slot",
        HPyDef_Kind => "HPyDef_Kind", HPyMember_FieldType => "HPyMember_FieldType",
        HPyType_BuiltinShape => "HPyType_BuiltinShape",
        HPyType_SpecParam_Kind => "HPyType_SpecParam_Kind", HPy_RichCmpOp => "HPy_RichCmpOp",
        HPy_SourceKind => "HPy_SourceKind", HPyCapsule_key => "_HPyCapsule_key",
    }
    signedness! { c;
        HPy_ssize_t => "HPy_ssize_t", HPy_hash_t => "HPy_hash_t", HPy_UCS4 => "HPy_UCS4",
    }

    structs! { c;
        HPy => "HPy" { _i }
        HPyField => "HPyField" { _i }
        HPyGlobal => "HPyGlobal" { _i }
        HPyListBuilder => "HPyListBuilder" { _lst }
        HPyTupleBuilder => "HPyTupleBuilder" { _tup }
        HPyTracker => "HPyTracker" { _i }
        HPyThreadState => "HPyThreadState" { _i }
        HPySlot => "HPySlot" { slot, impl_ => "impl", cpy_trampoline }
        HPyMeth => "HPyMeth" { name, impl_ => "impl", cpy_trampoline, signature, doc }
        HPyMember => "HPyMember" { name, type_ => "type", offset, readonly, doc }
        HPyGetSet => "HPyGetSet" {
            name, getter_impl, setter_impl, getter_cpy_trampoline, setter_cpy_trampoline, doc,
            closure,
        }
        HPyCapsule_Destructor => "HPyCapsule_Destructor" { cpy_trampoline, impl_ => "impl" }
        HPyCallFunction => "HPyCallFunction" { cpy_trampoline, impl_ => "impl" }
        HPyType_Spec => "HPyType_Spec" {
            name, basicsize, itemsize, flags, builtin_shape, legacy_slots, defines, doc,
        }
        HPyType_SpecParam => "HPyType_SpecParam" { kind, object }
        HPyModuleDef => "HPyModuleDef" { doc, size, legacy_methods, defines, globals }
        HPy_buffer => "HPy_buffer" {
            buf, obj, len, itemsize, readonly, ndim, format, shape, strides, suboffsets, internal,
        }
        HPyFunc_args_NOARGS => "_HPyFunc_args_NOARGS" { self_ => "self", result }
        HPyFunc_args_O => "_HPyFunc_args_O" { self_ => "self", arg, result }
        HPyFunc_args_VARARGS => "_HPyFunc_args_VARARGS" { self_ => "self", args, nargs, result }
        HPyFunc_args_KEYWORDS => "_HPyFunc_args_KEYWORDS" {
            self_ => "self", args, nargsf, kwnames, result,
        }
        HPyFunc_args_INQUIRY => "_HPyFunc_args_INQUIRY" { arg0, result }
        HPyDef => "HPyDef" { kind }
    }
    // The union of `HPyDef` is named `u` in Rust and anonymous in C.
    c.structs.insert("HPyDefUnion".to_owned());
    c.number(
        "HPyDef.u: offset".into(),
        "offsetof(HPyDef, slot)".into(),
        offset_of!(HPyDef, u),
    );
    c.field(
        "HPyDef.u.slot",
        "HPyDef",
        "slot",
        offset_of!(HPyDef, u.slot),
        size_of::<HPySlot>(),
    );
    c.field(
        "HPyDef.u.meth",
        "HPyDef",
        "meth",
        offset_of!(HPyDef, u.meth),
        size_of::<HPyMeth>(),
    );
    c.field(
        "HPyDef.u.member",
        "HPyDef",
        "member",
        offset_of!(HPyDef, u.member),
        size_of::<HPyMember>(),
    );
    c.field(
        "HPyDef.u.getset",
        "HPyDef",
        "getset",
        offset_of!(HPyDef, u.getset),
        size_of::<HPyGetSet>(),
    );
    // The union is as large as its largest member, rounded up to its alignment.
    c.number(
        "HPyDefUnion: size".into(),
        "(sizeof(HPyDef) - offsetof(HPyDef, slot))".into(),
        size_of::<HPyDefUnion>(),
    );

    // The context: header, size and alignment. The 263 members are added by `run`.
    c.structs.insert("HPyContext".to_owned());
    c.type_size::<HPyContext>("HPyContext", "struct _HPyContext_s");
    c.field(
        "HPyContext.name",
        "struct _HPyContext_s",
        "name",
        offset_of!(HPyContext, name),
        field_size(|s: &HPyContext| &s.name),
    );
    c.field(
        "HPyContext._private",
        "struct _HPyContext_s",
        "_private",
        offset_of!(HPyContext, _private),
        field_size(|s: &HPyContext| &s._private),
    );
    c.field(
        "HPyContext.abi_version",
        "struct _HPyContext_s",
        "abi_version",
        offset_of!(HPyContext, abi_version),
        field_size(|s: &HPyContext| &s.abi_version),
    );

    constants! { c;
        HPY_ABI_VERSION, HPY_ABI_VERSION_MINOR,
        HPyFunc_VARARGS, HPyFunc_KEYWORDS, HPyFunc_NOARGS, HPyFunc_O, HPyFunc_DESTROYFUNC,
        HPyFunc_GETBUFFERPROC, HPyFunc_RELEASEBUFFERPROC, HPyFunc_UNARYFUNC, HPyFunc_BINARYFUNC,
        HPyFunc_TERNARYFUNC, HPyFunc_INQUIRY, HPyFunc_LENFUNC, HPyFunc_SSIZEARGFUNC,
        HPyFunc_SSIZESSIZEARGFUNC, HPyFunc_SSIZEOBJARGPROC, HPyFunc_SSIZESSIZEOBJARGPROC,
        HPyFunc_OBJOBJARGPROC, HPyFunc_FREEFUNC, HPyFunc_GETATTRFUNC, HPyFunc_GETATTROFUNC,
        HPyFunc_SETATTRFUNC, HPyFunc_SETATTROFUNC, HPyFunc_REPRFUNC, HPyFunc_HASHFUNC,
        HPyFunc_RICHCMPFUNC, HPyFunc_GETITERFUNC, HPyFunc_ITERNEXTFUNC, HPyFunc_DESCRGETFUNC,
        HPyFunc_DESCRSETFUNC, HPyFunc_INITPROC, HPyFunc_NEWFUNC, HPyFunc_GETTER, HPyFunc_SETTER,
        HPyFunc_OBJOBJPROC, HPyFunc_TRAVERSEPROC, HPyFunc_DESTRUCTOR, HPyFunc_CAPSULE_DESTRUCTOR,
        HPyFunc_VECTORCALLFUNC, HPyFunc_MOD_CREATE,
        HPyDef_Kind_Slot, HPyDef_Kind_Meth, HPyDef_Kind_Member, HPyDef_Kind_GetSet,
        HPy_bf_getbuffer, HPy_bf_releasebuffer, HPy_mp_ass_subscript, HPy_mp_length,
        HPy_mp_subscript, HPy_nb_absolute, HPy_nb_add, HPy_nb_and, HPy_nb_bool, HPy_nb_divmod,
        HPy_nb_float, HPy_nb_floor_divide, HPy_nb_index, HPy_nb_inplace_add, HPy_nb_inplace_and,
        HPy_nb_inplace_floor_divide, HPy_nb_inplace_lshift, HPy_nb_inplace_multiply,
        HPy_nb_inplace_or, HPy_nb_inplace_power, HPy_nb_inplace_remainder,
        HPy_nb_inplace_rshift, HPy_nb_inplace_subtract, HPy_nb_inplace_true_divide,
        HPy_nb_inplace_xor, HPy_nb_int, HPy_nb_invert, HPy_nb_lshift, HPy_nb_multiply,
        HPy_nb_negative, HPy_nb_or, HPy_nb_positive, HPy_nb_power, HPy_nb_remainder,
        HPy_nb_rshift, HPy_nb_subtract, HPy_nb_true_divide, HPy_nb_xor, HPy_sq_ass_item,
        HPy_sq_concat, HPy_sq_contains, HPy_sq_inplace_concat, HPy_sq_inplace_repeat,
        HPy_sq_item, HPy_sq_length, HPy_sq_repeat, HPy_tp_call, HPy_tp_hash, HPy_tp_init,
        HPy_tp_new, HPy_tp_repr, HPy_tp_richcompare, HPy_tp_str, HPy_tp_traverse,
        HPy_nb_matrix_multiply, HPy_nb_inplace_matrix_multiply, HPy_tp_finalize, HPy_tp_destroy,
        HPy_mod_create, HPy_mod_exec,
        HPyMember_SHORT, HPyMember_INT, HPyMember_LONG, HPyMember_FLOAT, HPyMember_DOUBLE,
        HPyMember_STRING, HPyMember_OBJECT, HPyMember_CHAR, HPyMember_BYTE, HPyMember_UBYTE,
        HPyMember_USHORT, HPyMember_UINT, HPyMember_ULONG, HPyMember_STRING_INPLACE,
        HPyMember_BOOL, HPyMember_OBJECT_EX, HPyMember_LONGLONG, HPyMember_ULONGLONG,
        HPyMember_HPYSSIZET, HPyMember_NONE,
        HPyType_BuiltinShape_Legacy, HPyType_BuiltinShape_Object, HPyType_BuiltinShape_Type,
        HPyType_BuiltinShape_Long, HPyType_BuiltinShape_Float, HPyType_BuiltinShape_Unicode,
        HPyType_BuiltinShape_Tuple, HPyType_BuiltinShape_List,
        HPyType_SpecParam_Base, HPyType_SpecParam_BasesTuple, HPyType_SpecParam_Metaclass,
        HPy_LT, HPy_LE, HPy_EQ, HPy_NE, HPy_GT, HPy_GE,
        HPy_SourceKind_Expr, HPy_SourceKind_File, HPy_SourceKind_Single,
        HPyCapsule_key_Pointer, HPyCapsule_key_Name, HPyCapsule_key_Context,
        HPyCapsule_key_Destructor,
        HPy_TPFLAGS_DEFAULT, HPy_TPFLAGS_BASETYPE, HPy_TPFLAGS_HAVE_GC,
        HPy_TPFLAGS_HAVE_VECTORCALL,
    }
    c.constants.insert("HPY_ABI_TAG".to_owned());
    c.strings.push((
        "HPY_ABI_TAG".into(),
        "HPY_ABI_TAG".into(),
        HPY_ABI_TAG.into(),
    ));
    c
}

/// The folder that holds `hpy.h`: `$HPY_INCLUDE`, else what `hpy.devel` of `python3` reports.
fn hpy_include_dir() -> PathBuf {
    let dir = match env::var_os("HPY_INCLUDE") {
        Some(dir) => PathBuf::from(dir),
        None => {
            const MARK: &str = "HPY_INCLUDE_DIR=";
            let script = format!(
                "from hpy.devel import HPyDevel; print('{MARK}' + str(HPyDevel().include_dir))"
            );
            let out = Command::new("python3")
                .args(["-c", &script])
                .output()
                .unwrap_or_else(|e| {
                    panic!("cannot run python3 to locate the HPy headers ({e}); {INSTALL_HINT}")
                });
            let stdout = String::from_utf8_lossy(&out.stdout);
            // hpy.devel may print setuptools warnings first: take the marked line.
            match stdout.lines().find_map(|l| l.strip_prefix(MARK)) {
                Some(dir) if out.status.success() => PathBuf::from(dir.trim()),
                _ => panic!(
                    "cannot locate the HPy headers: `python3 -c \"{script}\"` failed ({}):\n{}\n\
                     {INSTALL_HINT}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim(),
                ),
            }
        }
    };
    assert!(
        dir.join("hpy.h").is_file() && dir.join("hpy").join("version.h").is_file(),
        "no HPy headers in {} (expected hpy.h and hpy/version.h there); {INSTALL_HINT}",
        dir.display(),
    );
    dir
}

/// The C program: prints the HPy version, then each string check, then each number check, one
/// per line and in order.
fn c_program(checks: &Checks) -> String {
    let mut src = String::from(
        "/* Generated by hpy-core/tests/abi_layout.rs. */\n\
         #include <stddef.h>\n\
         #include <stdio.h>\n\
         #include \"hpy.h\"\n\
         #include \"hpy/version.h\"\n\n\
         int main(void) {\n    \
         printf(\"%s\\n\", HPY_VERSION);\n",
    );
    for (_, expr, _) in &checks.strings {
        writeln!(src, "    printf(\"%s\\n\", {expr});").unwrap();
    }
    for check in &checks.numbers {
        writeln!(
            src,
            "    printf(\"%lld\\n\", (long long)({})); /* {} */",
            check.c_expr, check.what
        )
        .unwrap();
    }
    src.push_str("    return 0;\n}\n");
    src
}

/// Where the C program and its executable go: unique to this process, so that concurrent runs
/// do not overwrite each other.
fn c_paths() -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("abi_layout");
    fs::create_dir_all(&dir).unwrap();
    let stem = format!("abi_layout-{}", std::process::id());
    let exe = format!("{stem}{}", env::consts::EXE_SUFFIX);
    (dir.join(format!("{stem}.c")), dir.join(exe))
}

/// Writes, compiles and runs the C program; returns its output lines.
fn run_c_program(include: &Path, src: &str, c_file: &Path, exe: &Path) -> Vec<String> {
    fs::write(c_file, src).unwrap();

    let cc = env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let mut cmd = Command::new(&cc);
    cmd.arg("-DHPY_ABI_UNIVERSAL");
    // As hpy.devel does in universal mode: make `#include <Python.h>` an error.
    let forbid = include.join("hpy").join("forbid_python_h");
    if forbid.is_dir() {
        cmd.arg("-I").arg(forbid);
    }
    cmd.arg("-I").arg(include).arg("-o").arg(exe).arg(c_file);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}` ({e}); set CC"));
    assert!(
        out.status.success(),
        "the C compiler failed on {} ({}):\n{}",
        c_file.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr),
    );

    let out = Command::new(exe)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {} ({e})", exe.display()));
    assert!(
        out.status.success(),
        "{} failed ({})",
        exe.display(),
        out.status
    );
    String::from_utf8(out.stdout)
        .expect("the C program printed non-UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Splits `s` at the commas that are outside parentheses.
fn split_top_level(s: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(s[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// The C spelling of a Rust type of the ffi module: `*const c_char` is `char const *`,
/// `unsafe extern "C" fn(*mut HPyContext, HPy) -> c_int` is `int (*)(HPyContext *, HPy)`.
/// The `HPy*` names of the Rust module are the C typedef names.
fn c_type(rust: &str) -> String {
    let rust = rust.trim();
    if let Some(rest) = rust.strip_prefix("unsafe extern \"C\" fn(") {
        let close = rest.rfind(')').expect("unbalanced fn type");
        let params: Vec<String> = split_top_level(&rest[..close])
            .into_iter()
            .map(c_type)
            .collect();
        let ret = match rest[close + 1..].trim().strip_prefix("->") {
            Some(ret) => c_type(ret),
            None => "void".to_owned(),
        };
        let params = if params.is_empty() {
            "void".to_owned()
        } else {
            params.join(", ")
        };
        return format!("{ret} (*)({params})");
    }
    if let Some(pointee) = rust.strip_prefix("*const ") {
        return format!("{} const *", c_type(pointee));
    }
    if let Some(pointee) = rust.strip_prefix("*mut ") {
        return format!("{} *", c_type(pointee));
    }
    match rust {
        "c_void" => "void",
        "c_char" => "char",
        "c_int" => "int",
        "c_uint" => "unsigned int",
        "c_long" => "long",
        "c_ulong" => "unsigned long",
        "bool" => "bool",
        "f32" => "float",
        "f64" => "double",
        "i8" => "int8_t",
        "u8" => "uint8_t",
        "i16" => "int16_t",
        "u16" => "uint16_t",
        "i32" => "int32_t",
        "u32" => "uint32_t",
        "i64" => "int64_t",
        "u64" => "uint64_t",
        "isize" => "intptr_t",
        "usize" => "size_t",
        "HPyCapsule_key" => "_HPyCapsule_key",
        other => other,
    }
    .to_owned()
}

/// `(field, Rust type)` of every field of `HPyContext`, in order, read from
/// `src/ffi/context.rs`.
fn context_field_types() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi/context.rs");
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    const START: &str = "pub struct HPyContext {";
    let body = &text[text.find(START).expect("no `pub struct HPyContext {`") + START.len()..];
    let body = &body[..body.find("\n}").expect("unterminated `struct HPyContext`")];
    let code: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.starts_with('#'))
        .collect();
    split_top_level(&code.join(" "))
        .into_iter()
        .map(|field| {
            let field = field.strip_prefix("pub ").unwrap_or(field);
            let (name, ty) = field.split_once(':').expect("a field without a type");
            (name.trim().to_owned(), ty.trim().to_owned())
        })
        .collect()
}

/// Names that `src/ffi/mod.rs` defines at top level with `pub const` or `pub struct`/`pub union`,
/// or as `NAME = value` entries of its `slots!`/`member_types!` tables.
fn ffi_definitions() -> (BTreeSet<String>, BTreeSet<String>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi/mod.rs");
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let (mut constants, mut structs) = (BTreeSet::new(), BTreeSet::new());
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        if let Some(rest) = code.strip_prefix("pub const ") {
            constants.insert(ident(rest));
        } else if let Some(rest) = code
            .strip_prefix("pub struct ")
            .or_else(|| code.strip_prefix("pub union "))
        {
            structs.insert(ident(rest));
        } else if code.starts_with(char::is_whitespace) {
            for entry in code.split(',') {
                if let Some((name, value)) = entry.split_once('=') {
                    let (name, value) = (name.trim(), value.trim());
                    if name.starts_with("HPy")
                        && ident(name) == name
                        && value.parse::<i64>().is_ok()
                    {
                        constants.insert(name.to_owned());
                    }
                }
            }
        }
    }
    (constants, structs)
}

#[test]
fn context_list_is_ctx_members() {
    let listed: Vec<&str> = rust_context_members().iter().map(|m| m.0).collect();
    let mut errors: Vec<String> = (0..listed.len().max(CTX_MEMBERS.len()))
        .filter_map(|i| {
            let (ours, theirs) = (listed.get(i), CTX_MEMBERS.get(i));
            (ours != theirs).then(|| format!("[{i}]: this file {ours:?}, CTX_MEMBERS {theirs:?}"))
        })
        .collect();
    errors.truncate(20);
    assert!(
        errors.is_empty(),
        "the member list of rust_context_members() in tests/abi_layout.rs must equal \
         hpy_core::ffi::CTX_MEMBERS ({} vs {} names); first differences:\n  {}",
        listed.len(),
        CTX_MEMBERS.len(),
        errors.join("\n  ")
    );
}

#[test]
fn ffi_matches_hpy_headers() {
    let include = hpy_include_dir();
    let mut checks = build_checks();

    // The context members: the C side from CTX_MEMBERS, the Rust side from `offset_of!`.
    let rust_members = rust_context_members();
    let mut ctx_checked = 0;
    let first_member = checks.numbers.len();
    for (i, name) in CTX_MEMBERS.iter().enumerate() {
        let Some(&(_, offset, size)) = rust_members.iter().find(|m| m.0 == *name) else {
            panic!("CTX_MEMBERS[{i}] = {name} is not in the list of tests/abi_layout.rs");
        };
        checks.field(
            &format!("HPyContext.{name} (member {i})"),
            "struct _HPyContext_s",
            name,
            offset,
            size,
        );
        ctx_checked += 1;
    }
    assert_eq!(ctx_checked, 263, "expected 263 HPyContext members");

    // The type of every context field (the function signatures, in particular), as the C
    // compiler sees it: the Rust type, spelled in C, must be compatible with the header's.
    let field_types = context_field_types();
    assert_eq!(
        field_types.len(),
        3 + CTX_MEMBERS.len(),
        "src/ffi/context.rs: expected the 3 header fields and the {} members",
        CTX_MEMBERS.len()
    );
    for (name, rust_ty) in &field_types {
        let c_ty = c_type(rust_ty);
        checks.numbers.push(Check {
            what: format!("HPyContext.{name}: Rust type `{rust_ty}` is C `{c_ty}`"),
            c_expr: format!(
                "__builtin_types_compatible_p(__typeof__(((struct _HPyContext_s *)0)->{name}), \
                 {c_ty})"
            ),
            rust: 1,
            is_type: true,
        });
    }

    let src = c_program(&checks);
    let (c_file, exe) = c_paths();
    let lines = run_c_program(&include, &src, &c_file, &exe);
    let expected = 1 + checks.strings.len() + checks.numbers.len();
    assert_eq!(
        lines.len(),
        expected,
        "the C program printed {} lines, expected {expected}",
        lines.len()
    );

    let mut errors = Vec::new();
    if lines[0] != HPY_VERSION {
        errors.push(format!(
            "the headers in {} are HPy {}, not {HPY_VERSION}; {INSTALL_HINT}",
            include.display(),
            lines[0]
        ));
    }
    let (string_lines, number_lines) = lines[1..].split_at(checks.strings.len());
    for ((what, expr, rust), c) in checks.strings.iter().zip(string_lines) {
        if c != rust {
            errors.push(format!("{what} [C: {expr}]: C = {c:?}, Rust = {rust:?}"));
        }
    }
    let mut c_values = Vec::with_capacity(number_lines.len());
    for (check, line) in checks.numbers.iter().zip(number_lines) {
        let c: i128 = line
            .parse()
            .unwrap_or_else(|e| panic!("bad C output {line:?} for {} ({e})", check.what));
        if c != check.rust && check.is_type {
            errors.push(format!(
                "{}, which is not compatible with the header's type [C: {}]",
                check.what, check.c_expr
            ));
        } else if c != check.rust {
            errors.push(format!(
                "{} [C: {}]: C = {c}, Rust = {}",
                check.what, check.c_expr, check.rust
            ));
        }
        c_values.push(c);
    }

    // CTX_MEMBERS must be in declaration order: C offsets strictly increase along it.
    let member_offsets: Vec<i128> = c_values[first_member..first_member + 2 * CTX_MEMBERS.len()]
        .iter()
        .step_by(2)
        .copied()
        .collect();
    for (i, pair) in member_offsets.windows(2).enumerate() {
        if pair[1] <= pair[0] {
            errors.push(format!(
                "CTX_MEMBERS is not in C declaration order: {} (C offset {}) comes after {} (C \
                 offset {})",
                CTX_MEMBERS[i + 1],
                pair[1],
                CTX_MEMBERS[i],
                pair[0]
            ));
        }
    }

    // Everything src/ffi/mod.rs defines must be checked here.
    let (constants, structs) = ffi_definitions();
    for name in constants.difference(&checks.constants) {
        errors.push(format!(
            "constant {name} of src/ffi/mod.rs is not checked: add it to tests/abi_layout.rs"
        ));
    }
    // `cpy_PyObject` is opaque: an incomplete struct in C, zero-sized in Rust.
    for name in structs.difference(&checks.structs) {
        if name != "cpy_PyObject" {
            errors.push(format!(
                "type {name} of src/ffi/mod.rs is not checked: add it to tests/abi_layout.rs"
            ));
        }
    }

    assert!(
        errors.is_empty(),
        "{} mismatches between hpy_core::ffi and the HPy headers in {} (C program: {}):\n  {}",
        errors.len(),
        include.display(),
        c_file.display(),
        errors.join("\n  ")
    );
    // Kept on failure, for inspection.
    let _ = fs::remove_file(&c_file);
    let _ = fs::remove_file(&exe);
    println!(
        "checked {} numbers and {} strings against HPy {HPY_VERSION} in {}: {ctx_checked} \
         context members, {} structs, {} constants",
        checks.numbers.len(),
        checks.strings.len(),
        include.display(),
        checks.structs.len(),
        checks.constants.len(),
    );
}

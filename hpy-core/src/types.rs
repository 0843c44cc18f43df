//! Small enums of the object API: the built-in types the HPy context names
//! ([`BuiltinType`]) and the kinds of source [`Ctx::compile`](crate::Ctx::compile) accepts
//! ([`SourceKind`]). (Comparison operators are [`CompareOp`](crate::CompareOp).)

use crate::ffi;

/// A built-in type that the HPy context holds a handle to, so that naming it costs no lookup:
/// [`Ctx::type_object`](crate::Ctx::type_object) returns it.
///
/// Types the context does not name (`dict`, `set`, `bytearray`...) are reached with
/// [`Ctx::builtin`](crate::Ctx::builtin) (`ctx.builtin("set")`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuiltinType {
    /// `object` (`h_BaseObjectType`).
    Object,
    /// `type` (`h_TypeType`).
    Type,
    /// `bool` (`h_BoolType`).
    Bool,
    /// `int` (`h_LongType`).
    Int,
    /// `float` (`h_FloatType`).
    Float,
    /// `str` (`h_UnicodeType`).
    Str,
    /// `tuple` (`h_TupleType`).
    Tuple,
    /// `list` (`h_ListType`).
    List,
    /// `complex` (`h_ComplexType`).
    Complex,
    /// `bytes` (`h_BytesType`).
    Bytes,
    /// `memoryview` (`h_MemoryViewType`).
    MemoryView,
    /// The type of capsules (`h_CapsuleType`).
    Capsule,
    /// `slice` (`h_SliceType`).
    Slice,
}

impl BuiltinType {
    /// The Python name, e.g. `"int"`.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinType::Object => "object",
            BuiltinType::Type => "type",
            BuiltinType::Bool => "bool",
            BuiltinType::Int => "int",
            BuiltinType::Float => "float",
            BuiltinType::Str => "str",
            BuiltinType::Tuple => "tuple",
            BuiltinType::List => "list",
            BuiltinType::Complex => "complex",
            BuiltinType::Bytes => "bytes",
            BuiltinType::MemoryView => "memoryview",
            BuiltinType::Capsule => "PyCapsule",
            BuiltinType::Slice => "slice",
        }
    }
}

/// What [`Ctx::compile`](crate::Ctx::compile) parses (`HPy_SourceKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// One expression, as for `eval()`; evaluating the code returns its value.
    Expr,
    /// A module (any number of statements), as for `exec()`; evaluating it returns `None`.
    File,
    /// One interactive statement, as typed at the `>>>` prompt (expression values are printed).
    Single,
}

impl SourceKind {
    /// The HPy code.
    pub fn raw(self) -> ffi::HPy_SourceKind {
        match self {
            SourceKind::Expr => ffi::HPy_SourceKind_Expr,
            SourceKind::File => ffi::HPy_SourceKind_File,
            SourceKind::Single => ffi::HPy_SourceKind_Single,
        }
    }
}

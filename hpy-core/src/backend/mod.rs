//! The two backends, with one set of function names and signatures. Exactly one is compiled,
//! chosen by the `hpy_abi` cfg that `hpy-build` sets. Everything above this module is written
//! once, against these functions.

#[cfg(hpy_abi = "cpython")]
mod cpython;
#[cfg(hpy_abi = "cpython")]
pub use cpython::*;

#[cfg(hpy_abi = "universal")]
mod universal;
#[cfg(hpy_abi = "universal")]
pub use universal::*;

#[cfg(not(any(hpy_abi = "cpython", hpy_abi = "universal")))]
compile_error!("hpy-core was built without its build script choosing a backend (hpy_abi cfg)");

pub use crate::types::BuiltinType;

/// Binary number operations (`HPy_Add` ... `HPy_Or`, and their in-place forms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `a + b`.
    Add,
    /// `a - b`.
    Subtract,
    /// `a * b`.
    Multiply,
    /// `a @ b`.
    MatrixMultiply,
    /// `a // b`.
    FloorDivide,
    /// `a / b`.
    TrueDivide,
    /// `a % b`.
    Remainder,
    /// `divmod(a, b)` (no in-place form).
    Divmod,
    /// `a << b`.
    Lshift,
    /// `a >> b`.
    Rshift,
    /// `a & b`.
    And,
    /// `a ^ b`.
    Xor,
    /// `a | b`.
    Or,
}

/// Unary number operations (`HPy_Negative` ... `HPy_Float`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-a`.
    Negative,
    /// `+a`.
    Positive,
    /// `abs(a)`.
    Absolute,
    /// `~a`.
    Invert,
    /// `operator.index(a)`.
    Index,
    /// `int(a)`.
    Long,
    /// `float(a)`.
    Float,
}

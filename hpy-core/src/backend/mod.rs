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

/// Built-in types every backend can name without a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BuiltinType {
    /// `int`.
    Int,
    /// `list`.
    List,
}

/// Binary number operations used by the conversions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `a & b`.
    And,
    /// `a | b`.
    Or,
    /// `a << b`.
    Lshift,
    /// `a >> b`.
    Rshift,
}

//! Python extensions in Rust on [HPy](https://hpyproject.org), the handle-based C API for
//! Python.
//!
//! One source builds two ways (the `hpy-build` crate picks, or `HPY_ABI=cpython|universal`):
//!
//! * **CPython ABI**: an ordinary CPython extension; handles are `PyObject*` and every
//!   operation inlines to the CPython C API, so it costs what hand-written C costs.
//! * **Universal**: one `<name>.hpy0.so` that calls through the `HPyContext` table and loads
//!   unchanged on CPython (through the `hpy` package), on PyPy and on GraalPy.
//!
//! ```
//! #[hpy_core::module]
//! mod hello {
//!     use hpy_core::Result;
//!
//!     /// Adds two integers.
//!     #[hpy_core::function(signature = (a, b=1))]
//!     fn add(a: i64, b: i64) -> Result<i64> {
//!         a.checked_add(b).ok_or_else(|| hpy_core::Error::overflow_error("sum too large"))
//!     }
//!
//!     /// The answer, added to the module when it is imported.
//!     #[hpy_core::constant]
//!     const ANSWER: i64 = 42;
//! }
//! # fn main() {}
//! ```
//!
//! Handles are Rust values with the call's lifetime: an owned [`Handle`] closes itself when
//! dropped, arguments arrive borrowed (`&Handle<'c>`), and nothing tied to a call's [`Ctx`]
//! can outlive it, be stored in a `static`, or cross threads. The mistakes HPy's debug mode
//! reports at run time do not compile.
//!
//! See the README for building with maturin, and the macros' docs
//! ([`function`], [`module`]) for everything they accept.

#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate self as hpy_core;

mod backend;
pub mod conv;
pub mod err;
pub mod ffi;
mod handle;
#[doc(hidden)]
pub mod impl_;

pub use conv::{FromHandle, IntoHandle};
pub use err::{Builtin, Error, ExceptionType, Result};
pub use handle::{Ctx, Handle};
pub use hpy_macros::{constant, function, module, module_init};

/// The backend this crate was built for: `"cpython"` or `"universal"`.
pub const ABI: &str = if cfg!(hpy_abi = "universal") { "universal" } else { "cpython" };

#[doc(hidden)]
pub use pyo3_ffi as __pyo3_ffi;

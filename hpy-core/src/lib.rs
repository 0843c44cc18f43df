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
/// Exports a Rust function to Python.
///
/// Use it inside a [`#[module]`](module) (which exports it), as
/// `#[hpy_core::function]` or `#[hpy_core::function(options...)]`.
///
/// ```
/// #[hpy_core::module]
/// mod demo {
///     use hpy_core::{Ctx, Handle, Result};
///
///     /// Adds two integers.
///     #[hpy_core::function(signature = (a, b, /))]
///     fn add(a: i64, b: i64) -> i64 {
///         a + b
///     }
///
///     /// `greet(name, greeting='Hello', *, excited=False)`
///     #[hpy_core::function(signature = (name, greeting = "Hello", *, excited = false))]
///     fn greet(name: &str, greeting: &str, excited: bool) -> String {
///         format!("{greeting}, {name}{}", if excited { "!" } else { "." })
///     }
///
///     /// Any Python object comes in as a borrowed handle.
///     #[hpy_core::function]
///     fn describe<'c>(ctx: Ctx<'c>, obj: &Handle<'c>) -> Result<Handle<'c>> {
///         let text = format!("a {}", obj.type_name());
///         ctx.to_py(text)
///     }
/// }
/// # fn main() {}
/// ```
///
/// # Parameters
///
/// * A parameter of type [`Ctx<'c>`](Ctx) (at most one, anywhere) receives the context of
///   the call; it is not a Python parameter.
/// * Every other parameter is a Python parameter named like the Rust one (`r#type` is
///   `type`). Its type implements [`FromHandle`]: all integer types (an out-of-range value
///   raises `OverflowError`; objects with `__index__` are accepted), `f32`/`f64` (ints are
///   accepted), `bool` (only `True`/`False`), `&str` (borrowed, no copy), `String`,
///   `Cow<str>`, `char`, `Vec<T>` (from a list, a tuple or any iterable but `str`), tuples up to
///   12 items, `HashMap<K, V>`/`BTreeMap<K, V>` (from a dict), `Option<T>` (`None` is
///   `None`), and `&Handle<'c>` for any object.
/// * A value that does not convert raises `TypeError` (or `OverflowError`) naming the
///   function, the parameter and what was expected:
///   `add() argument 'b': expected int, got str`.
///
/// # `signature = (...)`
///
/// Without it every parameter is required and may be passed by position or by keyword. With
/// it (the syntax of PyO3, close to Python's) every parameter must be listed, in the order
/// Python sees them:
///
/// * `name = expr` gives a default: `expr` is a Rust expression, evaluated when the argument
///   is missing (`c = None` for an `Option`, `n = 10`, `s = "x"`);
/// * `/` makes the parameters before it positional-only, `*` the ones after it keyword-only;
/// * `*args` collects extra positional arguments (as a `&Handle` tuple, or any `FromHandle`
///   type such as `Vec<T>`), `**kwargs` extra keyword arguments (as a dict: `&Handle`,
///   `HashMap<String, T>`...; an `Option<...>` is `None` when there were none). `**kwargs`
///   comes last.
///
/// Each function gets the cheapest calling convention its signature allows: no arguments,
/// one positional-only argument (`METH_O`), only positional-only arguments (fastcall), or
/// positional and keyword arguments (vectorcall with keyword names).
///
/// # Return values
///
/// Anything that implements [`IntoHandle`] (including `()` for `None`, [`Handle`], numbers,
/// strings, `Vec`, tuples, maps, `Option`), or `Result<T, E>` of one where `E: Into<Error>`
/// ([`Error`] itself, `std::io::Error`, `ParseIntError`, ...). An `Err` becomes the Python
/// exception; a Rust panic becomes `PanicException` (a `BaseException`), never an abort.
///
/// # Documentation
///
/// The doc comment becomes `__doc__`, and `__text_signature__` is generated from the
/// signature so that `inspect.signature` works. Defaults that are not simple literals show
/// as `...`; `text_signature = "(a, b=...)"` overrides the generated text.
///
/// # Options
///
/// * `name = "py_name"`: the Python name (default: the Rust name).
/// * `signature = (...)`: see above.
/// * `text_signature = "(...)"`: see above.
/// * `crate = "path"`: the path of hpy-core, when the macros cannot find it (they read a
///   renamed dependency such as `hpy = { package = "hpy-core" }` from `Cargo.toml`).
#[doc(inline)]
pub use hpy_macros::function;

/// Turns an inline `mod name { ... }` into a Python extension module.
///
/// Every [`#[function]`](function) inside is exported; the module's doc comment is its
/// `__doc__`; `const` items marked [`#[constant]`](constant) are added as attributes; a
/// function marked [`#[module_init]`](module_init) runs at import to do anything else.
///
/// ```
/// #[hpy_core::module]
/// /// Numbers, from Rust.
/// mod numbers {
///     use hpy_core::{Ctx, Handle, Result};
///
///     /// The answer.
///     #[hpy_core::constant]
///     pub const ANSWER: i64 = 42;
///
///     /// Exported as `numbers.PI`.
///     #[hpy_core::constant(name = "PI")]
///     const PI_APPROX: f64 = 3.14159;
///
///     #[hpy_core::module_init]
///     fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
///         module.setattr("primes", vec![2, 3, 5, 7])?;
///         module.setattr("backend", ctx.name())
///     }
///
///     /// Doubles a number.
///     #[hpy_core::function]
///     fn double(x: i64) -> i64 {
///         2 * x
///     }
/// }
/// # fn main() {}
/// ```
///
/// The Python module name is the Rust module name (`name = "..."` changes it); it must match
/// the name of the built library (maturin's `module-name`).
///
/// In CPython-ABI mode the library exports `PyInit_<name>` and uses multi-phase
/// initialisation. In universal mode it exports exactly the four symbols HPy 0.9 loaders look
/// for: `get_required_hpy_major_version_<name>`, `get_required_hpy_minor_version_<name>`,
/// `HPyInitGlobalContext_<name>` and `HPyInit_<name>`, and every function has both its HPy
/// implementation and a CPython trampoline.
///
/// Options: `name = "..."`, `crate = "path"` (see [`function`]).
#[doc(inline)]
pub use hpy_macros::module;

/// Inside a [`#[module]`](module): adds this `const` to the module when it is imported,
/// converted with [`IntoHandle`]. `#[constant(name = "...")]` sets the attribute name.
#[doc(inline)]
pub use hpy_macros::constant;

/// Inside a [`#[module]`](module): the function to run when the module is imported, after
/// the constants are added. It takes `(ctx: Ctx<'c>, module: &Handle<'c>)` (either may be
/// left out) and returns `()` or `Result<()>`; an error makes the import fail with that
/// exception.
#[doc(inline)]
pub use hpy_macros::module_init;

/// The backend this crate was built for: `"cpython"` or `"universal"`.
pub const ABI: &str = if cfg!(hpy_abi = "universal") {
    "universal"
} else {
    "cpython"
};

#[doc(hidden)]
pub use pyo3_ffi as __pyo3_ffi;

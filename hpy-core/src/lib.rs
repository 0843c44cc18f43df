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
pub mod builder;
pub mod call;
pub mod capsule;
pub mod class;
mod container;
pub mod conv;
pub mod err;
mod eval;
pub mod ffi;
pub mod guide;
mod handle;
#[doc(hidden)]
pub mod impl_;
pub mod iter;
mod number;
pub mod object;
mod string;
mod threads;
pub mod types;

pub use builder::{ListBuilder, TupleBuilder};
pub use call::{IntoArgs, IntoKwargs};
pub use class::{CompareOp, Field, Global, Ref, RefMut};
pub use conv::{FromHandle, IntoHandle};
pub use err::{Builtin, Error, ExceptionType, Result, StaticExceptionType};
pub use handle::{Ctx, Handle, KeepObjectsInGlobalOrField};
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
pub use iter::{DictIter, Iter};
pub use object::AttrName;
pub use string::StrData;
pub use types::{BuiltinType, SourceKind};

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

/// Inside a [`#[module]`](module): makes a struct a Python class, added to the module.
///
/// The Rust value lives in the object's payload; [`#[methods]`](methods) on its `impl`
/// (in the same module) exports methods, properties and special methods.
///
/// ```
/// #[hpy_core::module]
/// mod shapes {
///     use hpy_core::Result;
///
///     /// A circle.
///     #[hpy_core::class(subclass)]
///     pub struct Circle {
///         /// The radius (readable and writable from Python).
///         #[hpy(get, set)]
///         radius: f64,
///     }
///
///     #[hpy_core::methods]
///     impl Circle {
///         #[new]
///         fn new(radius: f64) -> Result<Self> {
///             if radius < 0.0 {
///                 return Err(hpy_core::Error::value_error("negative radius"));
///             }
///             Ok(Circle { radius })
///         }
///
///         /// The area.
///         #[getter]
///         fn area(&self) -> f64 {
///             std::f64::consts::PI * self.radius * self.radius
///         }
///
///         /// Grows the circle.
///         fn grow(&mut self, by: f64) {
///             self.radius += by;
///         }
///
///         fn __repr__(&self) -> String {
///             format!("Circle({})", self.radius)
///         }
///     }
/// }
/// # fn main() {}
/// ```
///
/// Options: `name = "PyName"`, `module = "pkg.mod"` (for `__module__`; default: the module's
/// name), `subclass` (Python classes may derive from it), `frozen` (no `&mut self`, no run-time
/// borrow checks, fields exposed as direct members). A frozen class is never borrowed
/// mutably: `&mut self`, `slf: RefMut<Self>` and `&mut T` parameters of it do not compile, and
/// [`RefMut::borrow`] of one is a `TypeError`.
///
/// Fields marked `#[hpy(get)]`, `#[hpy(set)]` or `#[hpy(get, set)]` (optionally
/// `name = "..."`) become attributes: read through a getter that clones the value (for a
/// `frozen` class and a primitive type, an HPy member read directly in the object), written
/// through a setter that converts it. A class that holds Python objects keeps them in
/// [`Field`]s: the class then takes part in garbage collection (a `tp_traverse` visits every
/// `Field`), so reference cycles through Rust objects are collected. A class cannot be generic
/// and cannot hold a [`Handle`] (it is tied to one call).
///
/// Each instance carries a borrow flag: methods taking `&self` share the value, methods taking
/// `&mut self` (and `&mut T` arguments) get it exclusively, and a conflicting borrow (`a.merge(a)`
/// with `&mut self` and `&T`, or Python code re-entering a method while one holds `&mut self`)
/// raises `RuntimeError` instead of being undefined behaviour. The value is dropped when the
/// object dies; an object never gets a value without its constructor (`object.__new__(T)` is
/// refused, and a class without `#[new]` cannot be instantiated from Python; Rust creates
/// instances by returning a value of the class, which converts with [`IntoHandle`]).
#[doc(inline)]
pub use hpy_macros::class;

/// Inside a [`#[module]`](module): exports the methods of a [`#[class]`](macro@class).
///
/// * `#[new]` is the constructor: it returns `Self` or `Result<Self>` (`__new__`). A method
///   named `__init__` runs on the new object (e.g. to store [`Field`]s, which need the object).
/// * Methods take `&self`, `&mut self`, `slf: Ref<'_, 'c, Self>` or `slf: RefMut<'_, 'c, Self>`
///   (to reach the object: [`Ref::handle`], [`Ref::load`]/[`Ref::store`] for fields). Their
///   parameters follow [`#[function]`](function) (`ctx: Ctx<'c>`, conversions,
///   `#[hpy(signature = (...))]`); a parameter `&T`/`&mut T` for a class `T` borrows the value
///   inside that object, after checking its type.
/// * `#[getter]` / `#[setter]` define properties (named after the method, without `get_` /
///   `set_`, or `#[getter(name)]`).
/// * `#[staticmethod]`, `#[classmethod]` (first parameter `cls: &Handle<'c>`); `#[classattr]`
///   on a `const` item adds a class attribute.
/// * `#[call_function]` on a method of a class with `__call__` makes an alternative call
///   behaviour, not exported as a method: the macro adds a constant named after the method in
///   upper case, and [`Ref::set_call_function`] installs it on one instance (HPy's
///   `HPy_SetCallFunction`; in CPython-ABI mode the class's `tp_call` checks a word each
///   instance keeps for it).
/// * Special methods are recognised by name: `__repr__`, `__str__`, `__hash__`, `__bool__`,
///   `__richcmp__(&self, other, op: CompareOp)` or `__eq__`, `__ne__`, `__lt__`, `__le__`,
///   `__gt__`, `__ge__` (a missing `__ne__` negates `__eq__`); the binary operators `__add__`,
///   `__sub__`, `__mul__`, `__matmul__`, `__truediv__`, `__floordiv__`, `__mod__`,
///   `__divmod__`, `__pow__`, `__lshift__`, `__rshift__`, `__and__`, `__or__`, `__xor__` and
///   their reflected forms (`__radd__`, ...): an operand that does not convert makes the
///   operator return `NotImplemented`; the in-place operators (`__iadd__(&mut self, other)`,
///   ... returning `()`); `__neg__`, `__pos__`, `__abs__`, `__invert__`, `__int__`,
///   `__float__`, `__index__`; `__len__`, `__getitem__`, `__setitem__`, `__delitem__`,
///   `__contains__`; `__call__`; `__getbuffer__` (the buffer protocol, see
///   [`class::Buffer`]).
/// * Special methods Python finds by looking the name up on the type rather than through a
///   slot are ordinary methods with that name, in both backends: `__enter__`/`__exit__`,
///   `__reversed__`, `__round__`, `__trunc__`, `__floor__`, `__ceil__`, `__format__`,
///   `__bytes__`, `__complex__`, `__length_hint__`, `__fspath__`, `__sizeof__`, `__dir__`,
///   `__copy__`, `__deepcopy__`, `__reduce__`, `__reduce_ex__`, `__getstate__`,
///   `__setstate__`, `__getnewargs__`, `__getnewargs_ex__`, `__set_name__`; and, marked
///   `#[classmethod]`, `__class_getitem__`.
/// * Refused with a compile error saying why: the attribute hooks (`__getattr__`,
///   `__setattr__`, ...), descriptors (`__get__`, `__set__`, `__delete__`), the `async`
///   protocols, and any other `__dunder__` name (a near miss of a supported one is named).
/// * `__iter__` and `__next__` (returning `Option<T>`: `None` ends the iteration) work in both
///   backends although HPy 0.9 has no iteration slots: they are defined as methods, and the
///   module sets them again on the type after creating it, which makes CPython install its
///   generic `tp_iter`/`tp_iternext` that call them (PyPy looks methods up directly). The
///   same goes for `__str__` and `__hash__` on PyPy's HPy, which has no slot for them (a
///   universal binary picks real slots on CPython when it creates the type).
///   Iteration therefore costs a method lookup per item more than a C slot would.
/// * HPy 0.9 has no static or class methods on types: they are exported as (hidden) module
///   functions and wrapped with `staticmethod`/`classmethod` on the class at import.
#[doc(inline)]
pub use hpy_macros::methods;

/// Inside a [`#[module]`](module): declares a Python exception type, added to the module.
///
/// ```
/// #[hpy_core::module]
/// mod parser {
///     use hpy_core::Result;
///
///     /// Raised on malformed input.
///     #[hpy_core::exception(base = ValueError)]
///     pub struct ParseError;
///
///     #[hpy_core::function]
///     fn parse(text: &str) -> Result<i64> {
///         text.parse().map_err(|_| ParseError::new_err(format!("not a number: {text:?}")))
///     }
/// }
/// # fn main() {}
/// ```
///
/// `base` is a built-in exception ([`Builtin`] names, default `Exception`) or another
/// `#[exception]` of the same module (created first, whatever the order of declaration);
/// `name = "..."` sets the Python name. `ParseError::new_err(msg)` makes an [`Error`] of that
/// type (no context needed), and `ParseError` itself converts into one raised with no
/// arguments (`Err(ParseError)?`, `Err(ParseError.into())`); `ParseError::type_object(ctx)` is
/// the type.
#[doc(inline)]
pub use hpy_macros::exception;

// PyO3's attribute names: each refuses with the name to write here.
#[doc(hidden)]
pub use hpy_macros::{pyclass, pyfunction, pymethods, pymodule};

/// The backend this crate was built for: `"cpython"` or `"universal"`.
pub const ABI: &str = if cfg!(hpy_abi = "universal") {
    "universal"
} else {
    "cpython"
};

#[doc(hidden)]
pub use pyo3_ffi as __pyo3_ffi;

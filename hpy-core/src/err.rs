//! [`Error`]: a Python exception on its way out of Rust, or on its way through it.
//!
//! # What an `Error` is
//!
//! An `Error` is context-free (`'static`, `Send`, no handle inside), so it can be returned
//! through any Rust code, stored, formatted and dropped anywhere. It is one of:
//!
//! * an exception **made in Rust** (`Error::value_error("...")`, [`Error::new`],
//!   [`Error::from_static`]): a type and a message, created as a Python object only when the
//!   error reaches Python ([`Error::restore`]) or is [fetched](Error::fetch);
//! * an exception **Python raised** ([`Error::pending`]): it stays set in the interpreter,
//!   with its original type, value and traceback, until the error is returned to Python
//!   (which then sees exactly that exception), [discarded](Error::discard) or
//!   [fetched](Error::fetch) with a context.
//!
//! Either kind may carry a **cause** ([`Error::with_cause`]): `raise err from cause`.
//!
//! # Universal mode and pending exceptions
//!
//! HPy 0.9's context has no `HPyErr_Fetch` (nor `PyErr_GetRaisedException`): nothing in it
//! hands the pending exception to the caller as an object. So, in universal mode:
//!
//! * testing a pending exception's type works ([`Error::is_instance_of`],
//!   [`Error::matches`]: `HPyErr_ExceptionMatches`), and so do clearing it and passing it on
//!   unchanged (with its traceback);
//! * [`Error::fetch`] of a pending exception returns `Err(self)`: its value, message and
//!   traceback cannot be read from Rust;
//! * a pending exception cannot become the `__cause__` of a new one: the new exception gets a
//!   stand-in cause of the same built-in type (see [`Error::with_cause`]), and a cause cannot
//!   be attached to a pending exception at all;
//! * to get the exception *object* of a failing call, make the call with
//!   [`Handle::call_catch`](crate::Handle::call_catch), which catches the exception inside
//!   Python (a helper function compiled once) and returns it as a value.
//!
//! (Other routes were considered and rejected: `HPyErr_WriteUnraisable` consumes the pending
//! exception but only hands it to `sys.unraisablehook`, which would have to be replaced
//! process-wide; the hybrid-only `HPy_AsPyObject` plus `PyErr_Fetch` found with `dlsym` would
//! tie the binary to CPython's C API, which universal mode exists to avoid.)
//!
//! In CPython-ABI mode all of this works: a pending exception is fetched with
//! `PyErr_Fetch` + `PyErr_NormalizeException`.

use std::borrow::Cow;
use std::fmt;

use crate::backend as b;
use crate::handle::{Ctx, Handle};

/// `Result<T, hpy_core::Error>`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// A Python exception raised from Rust, or one Python raised that is passing through Rust.
///
/// Make one with a constructor named after the exception (`Error::value_error("...")`,
/// `Error::type_error(...)`, one for each built-in exception and warning), with
/// [`Error::new`], or from an exception type held in a `static` ([`Error::from_static`]).
/// Return it from a function exported with [`#[hpy_core::function]`](crate::function) (`?`
/// works) and Python sees the exception.
///
/// An error that reports an exception Python raised (a failed attribute lookup, a call that
/// raised) keeps that exception, with its traceback, *pending in the interpreter*: return it
/// and Python sees the original exception. To recover from such an error instead, call
/// [`Error::discard`]; to look at it, [`Error::fetch`] (see the [module docs](crate::err) for
/// what universal mode can do).
///
/// `Display` prints like the last line of a Python traceback: `ValueError: bad value`.
#[must_use = "an Error that is dropped may leave a Python exception pending; return it or call `discard`"]
pub struct Error {
    repr: Box<Repr>,
}

enum Repr {
    /// An exception to raise when the error reaches Python.
    Lazy {
        ty: ExceptionType,
        /// `None`: raised with no arguments (`raise ParseError`).
        msg: Option<Cow<'static, str>>,
        cause: Option<Error>,
    },
    /// The exception is already set in the interpreter.
    Pending { cause: Option<Error> },
}

/// An exception type that lives in a `static` (typically one created at module import and
/// kept in an `HPyGlobal`), so that a context-free [`Error`] can name it:
/// [`Error::from_static`].
///
/// ```
/// use hpy_core::{Ctx, Handle, Result, StaticExceptionType};
///
/// /// `mymod.MyError`, looked up in the module each time it is raised.
/// struct MyError;
///
/// impl StaticExceptionType for MyError {
///     fn name(&self) -> &str {
///         "MyError"
///     }
///     fn load<'c>(&'static self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
///         ctx.import("mymod")?.getattr("MyError")
///     }
/// }
///
/// static MY_ERROR: MyError = MyError;
///
/// fn fail() -> Result<()> {
///     Err(hpy_core::Error::from_static(&MY_ERROR, "something went wrong"))
/// }
/// ```
pub trait StaticExceptionType: Sync {
    /// The type's `__name__`, for `Display` (no interpreter needed).
    fn name(&self) -> &str;

    /// The type object (an exception class).
    fn load<'c>(&'static self, ctx: Ctx<'c>) -> Result<Handle<'c>>;
}

/// The type of an [`Error`] made in Rust.
#[derive(Clone, Copy)]
pub enum ExceptionType {
    /// A built-in exception or warning type.
    Builtin(Builtin),
    /// `PanicException`: a Rust panic that reached a Python call. It derives from
    /// `BaseException`, so `except Exception` does not swallow it.
    Panic,
    /// An exception type held in a `static` ([`Error::from_static`]).
    Static(&'static dyn StaticExceptionType),
}

impl ExceptionType {
    /// The type's name (`"ValueError"`, `"PanicException"`, ...).
    pub fn name(&self) -> &str {
        match self {
            ExceptionType::Builtin(b) => b.name(),
            ExceptionType::Panic => "PanicException",
            ExceptionType::Static(s) => s.name(),
        }
    }

    /// The type object.
    pub fn load<'c>(&self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        match *self {
            ExceptionType::Builtin(b) => Ok(ctx.exception_type(b)),
            ExceptionType::Panic => crate::impl_::panic_exception_type(ctx),
            ExceptionType::Static(s) => s.load(ctx),
        }
    }
}

impl PartialEq for ExceptionType {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (ExceptionType::Builtin(a), ExceptionType::Builtin(b)) => a == b,
            (ExceptionType::Panic, ExceptionType::Panic) => true,
            (ExceptionType::Static(a), ExceptionType::Static(b)) => {
                core::ptr::addr_eq(*a as *const dyn StaticExceptionType, *b)
            }
            _ => false,
        }
    }
}

impl Eq for ExceptionType {}

impl fmt::Debug for ExceptionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExceptionType::Builtin(b) => write!(f, "Builtin({b:?})"),
            ExceptionType::Panic => f.write_str("Panic"),
            ExceptionType::Static(s) => write!(f, "Static({:?})", s.name()),
        }
    }
}

macro_rules! builtins {
    ($($idx:literal $name:ident $ctor:ident,)*) => {
        /// A built-in Python exception or warning type. The discriminant is its index in the
        /// HPy context.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        #[allow(clippy::enum_variant_names)]
        pub enum Builtin {
            $(
                #[doc = concat!("`", stringify!($name), "`.")]
                $name = $idx,
            )*
        }

        impl Builtin {
            /// Every built-in exception and warning type, in context order.
            pub const ALL: &'static [Builtin] = &[$(Builtin::$name,)*];

            /// The Python name, e.g. `"ValueError"`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Builtin::$name => stringify!($name),)*
                }
            }
        }

        impl Error {
            $(
                #[doc = concat!("A `", stringify!($name), "` with this message.")]
                #[inline]
                pub fn $ctor(msg: impl Into<Cow<'static, str>>) -> Error {
                    Error::new(Builtin::$name, msg)
                }
            )*
        }
    };
}

builtins! {
    5 BaseException base_exception, 6 Exception exception,
    7 StopAsyncIteration stop_async_iteration, 8 StopIteration stop_iteration,
    9 GeneratorExit generator_exit, 10 ArithmeticError arithmetic_error,
    11 LookupError lookup_error, 12 AssertionError assertion_error,
    13 AttributeError attribute_error, 14 BufferError buffer_error, 15 EOFError eof_error,
    16 FloatingPointError floating_point_error, 17 OSError os_error,
    18 ImportError import_error, 19 ModuleNotFoundError module_not_found_error,
    20 IndexError index_error, 21 KeyError key_error, 22 KeyboardInterrupt keyboard_interrupt,
    23 MemoryError memory_error, 24 NameError name_error, 25 OverflowError overflow_error,
    26 RuntimeError runtime_error, 27 RecursionError recursion_error,
    28 NotImplementedError not_implemented_error, 29 SyntaxError syntax_error,
    30 IndentationError indentation_error, 31 TabError tab_error,
    32 ReferenceError reference_error, 33 SystemError system_error, 34 SystemExit system_exit,
    35 TypeError type_error, 36 UnboundLocalError unbound_local_error,
    37 UnicodeError unicode_error, 38 UnicodeEncodeError unicode_encode_error,
    39 UnicodeDecodeError unicode_decode_error,
    40 UnicodeTranslateError unicode_translate_error, 41 ValueError value_error,
    42 ZeroDivisionError zero_division_error, 43 BlockingIOError blocking_io_error,
    44 BrokenPipeError broken_pipe_error, 45 ChildProcessError child_process_error,
    46 ConnectionError connection_error, 47 ConnectionAbortedError connection_aborted_error,
    48 ConnectionRefusedError connection_refused_error,
    49 ConnectionResetError connection_reset_error, 50 FileExistsError file_exists_error,
    51 FileNotFoundError file_not_found_error, 52 InterruptedError interrupted_error,
    53 IsADirectoryError is_a_directory_error, 54 NotADirectoryError not_a_directory_error,
    55 PermissionError permission_error, 56 ProcessLookupError process_lookup_error,
    57 TimeoutError timeout_error, 58 Warning warning, 59 UserWarning user_warning,
    60 DeprecationWarning deprecation_warning,
    61 PendingDeprecationWarning pending_deprecation_warning,
    62 SyntaxWarning syntax_warning, 63 RuntimeWarning runtime_warning,
    64 FutureWarning future_warning, 65 ImportWarning import_warning,
    66 UnicodeWarning unicode_warning, 67 BytesWarning bytes_warning,
    68 ResourceWarning resource_warning,
}

impl Error {
    /// An exception of a built-in type with a message.
    #[inline]
    pub fn new(ty: Builtin, msg: impl Into<Cow<'static, str>>) -> Error {
        Error::lazy(ExceptionType::Builtin(ty), Some(msg.into()))
    }

    #[inline]
    fn lazy(ty: ExceptionType, msg: Option<Cow<'static, str>>) -> Error {
        Error {
            repr: Box::new(Repr::Lazy {
                ty,
                msg,
                cause: None,
            }),
        }
    }

    /// An exception of a type held in a `static` (see [`StaticExceptionType`]), with a
    /// message. Like every error made in Rust it needs no context: the type is loaded when the
    /// error is raised.
    pub fn from_static(
        ty: &'static dyn StaticExceptionType,
        msg: impl Into<Cow<'static, str>>,
    ) -> Error {
        Error::lazy(ExceptionType::Static(ty), Some(msg.into()))
    }

    /// An exception of type `ty` raised with no arguments, like Python's `raise ValueError`:
    /// its `args` is `()` and `str()` of it is empty. An `#[exception]` struct converts into
    /// one (`Err(ParseError.into())`, or `Err(ParseError)?`).
    ///
    /// ```
    /// use hpy_core::{Builtin, Error, ExceptionType};
    /// let e = Error::without_message(ExceptionType::Builtin(Builtin::StopIteration));
    /// assert_eq!(e.to_string(), "StopIteration");
    /// assert_eq!(e.message(), Some(""));
    /// ```
    pub fn without_message(ty: ExceptionType) -> Error {
        Error::lazy(ty, None)
    }

    /// Raises `ty(msg)` now and returns the (pending) error: the general constructor for an
    /// exception type you hold as a handle (one made with
    /// [`Ctx::new_exception_type`](crate::Ctx::new_exception_type), imported, ...).
    /// `TypeError` if `ty` is not an exception class.
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
    /// let decimal = ctx.import("decimal")?;
    /// let invalid = decimal.getattr("InvalidOperation")?;
    /// Err(hpy_core::Error::raise(ctx, &invalid, "not a number"))
    /// # }
    /// ```
    pub fn raise(ctx: Ctx<'_>, ty: &Handle<'_>, msg: &str) -> Error {
        if !is_exception_class(ctx, ty) {
            return Error::type_error(format!(
                "exceptions must derive from BaseException, not {}",
                ty.type_name()
            ));
        }
        match crate::object::with_cstr(msg, |p| {
            // SAFETY: `ty` is a live exception class and `p` NUL-terminated.
            unsafe { b::err_set_string(ctx.raw(), ty.as_raw(), p) }
        }) {
            Ok(()) => Error::pending(),
            Err(_) => match ctx.str(msg) {
                Ok(m) => {
                    // SAFETY: both handles are live.
                    unsafe { b::err_set_object(ctx.raw(), ty.as_raw(), m.as_raw()) };
                    Error::pending()
                }
                Err(e) => e,
            },
        }
    }

    /// Raises an exception object now (an instance, or a class, which is called without
    /// arguments) and returns the (pending) error. An instance keeps its `__traceback__`, so
    /// an exception [fetched](Error::fetch) earlier is re-raised with its original traceback.
    pub fn from_value(ctx: Ctx<'_>, exc: &Handle<'_>) -> Error {
        if is_exception_class(ctx, exc) {
            // `raise Class` instantiates the class. (PyPy's HPyErr_SetObject does not accept a
            // NULL value, so the instance is made here.)
            return match exc.call(()) {
                Ok(instance) => Error::from_value(ctx, &instance),
                Err(e) => e,
            };
        }
        let ty = exc.get_type();
        if !is_exception_class(ctx, &ty) {
            return Error::type_error(format!(
                "exceptions must derive from BaseException, not {}",
                exc.type_name()
            ));
        }
        if !b::CAN_FETCH && has_traceback(exc) {
            // PyPy's HPyErr_SetObject drops the instance's traceback; `raise e` in Python keeps
            // it (adding the helper's frame), on every runtime.
            return match crate::eval::python_helper(ctx, "reraise").and_then(|f| f.call((exc,))) {
                Ok(_) => Error::system_error("reraise() returned"),
                Err(e) => e,
            };
        }
        // SAFETY: `ty` is the exception's live class and `exc` a live instance of it.
        unsafe { b::err_set_object(ctx.raw(), ty.as_raw(), exc.as_raw()) };
        Error::pending()
    }

    /// The exception Python raised and left set in the interpreter (an API call returned
    /// NULL or -1).
    #[cold]
    #[inline(never)]
    pub fn pending() -> Error {
        Error {
            repr: Box::new(Repr::Pending { cause: None }),
        }
    }

    /// Whether an exception is set in the interpreter (`HPyErr_Occurred`).
    pub fn occurred(ctx: Ctx<'_>) -> bool {
        // SAFETY: the context is live.
        unsafe { b::err_occurred(ctx.raw()) }
    }

    /// The exception set in the interpreter, if any, as a pending `Error` (for code that
    /// called something which reports errors only by setting one).
    pub fn take(ctx: Ctx<'_>) -> Option<Error> {
        Error::occurred(ctx).then(Error::pending)
    }

    /// Raises `ty` (an `OSError` subclass) from the C library's `errno`, with an optional
    /// file name (`HPyErr_SetFromErrnoWithFilename`), and returns the pending error. Call it
    /// right after the failing C call, before anything else can change `errno`.
    pub fn from_errno(ctx: Ctx<'_>, ty: Builtin, filename: Option<&str>) -> Error {
        let c = ctx.raw();
        let fname = filename.map(|f| f.replace('\0', "\u{FFFD}"));
        let r = crate::object::with_opt_cstr(fname.as_deref(), |p| {
            // SAFETY: the type is a live built-in exception; `p` is NULL or NUL-terminated.
            unsafe {
                b::err_set_from_errno_with_filename(c, b::builtin_exception(c, ty as usize), p)
            }
        });
        match r {
            Ok(()) => Error::pending(),
            Err(e) => e,
        }
    }

    /// As [`from_errno`](Self::from_errno), with up to two file-name objects (for errors about
    /// two paths, like `rename`): `HPyErr_SetFromErrnoWithFilenameObjects`.
    pub fn from_errno_with_filenames(
        ctx: Ctx<'_>,
        ty: Builtin,
        filename1: Option<&Handle<'_>>,
        filename2: Option<&Handle<'_>>,
    ) -> Error {
        let c = ctx.raw();
        let raw = |h: Option<&Handle<'_>>| h.map_or(crate::ffi::HPy::NULL, Handle::as_raw);
        // SAFETY: the type is a live built-in exception; the handles are live or NULL.
        unsafe {
            b::err_set_from_errno_with_filename_objects(
                c,
                b::builtin_exception(c, ty as usize),
                raw(filename1),
                raw(filename2),
            )
        };
        Error::pending()
    }

    /// Raises `MemoryError` now (`HPyErr_NoMemory`) and returns the pending error.
    pub fn no_memory(ctx: Ctx<'_>) -> Error {
        // SAFETY: the context is live.
        unsafe { b::err_no_memory(ctx.raw()) };
        Error::pending()
    }

    pub(crate) fn panic(msg: String) -> Error {
        Error::lazy(ExceptionType::Panic, Some(msg.into()))
    }

    /// Whether this error reports an exception Python raised (still pending in the
    /// interpreter), rather than one made in Rust.
    pub fn is_pending(&self) -> bool {
        matches!(*self.repr, Repr::Pending { .. })
    }

    /// The type of an error made in Rust; `None` for a pending Python exception.
    pub fn exception_type(&self) -> Option<ExceptionType> {
        match &*self.repr {
            Repr::Lazy { ty, .. } => Some(*ty),
            Repr::Pending { .. } => None,
        }
    }

    /// Whether this is an error made in Rust with the built-in type `ty` (exactly). For a
    /// test that also covers pending exceptions and subclasses, see [`matches`](Self::matches).
    pub fn is(&self, ty: Builtin) -> bool {
        self.exception_type() == Some(ExceptionType::Builtin(ty))
    }

    /// The message of an error made in Rust (empty for one [without a
    /// message](Self::without_message)); `None` for a pending Python exception.
    pub fn message(&self) -> Option<&str> {
        match &*self.repr {
            Repr::Lazy { msg, .. } => Some(msg.as_deref().unwrap_or("")),
            Repr::Pending { .. } => None,
        }
    }

    /// The cause recorded with [`with_cause`](Self::with_cause), if any.
    pub fn cause(&self) -> Option<&Error> {
        match &*self.repr {
            Repr::Lazy { cause, .. } | Repr::Pending { cause } => cause.as_ref(),
        }
    }

    /// The same error with `prefix` put before its message (for errors made in Rust; a
    /// pending Python exception is left as it is).
    pub fn with_prefix(mut self, prefix: impl fmt::Display) -> Error {
        if let Repr::Lazy { msg, .. } = &mut *self.repr {
            let rest = msg.as_deref().unwrap_or("");
            *msg = Some(Cow::Owned(format!("{prefix}{rest}")));
        }
        self
    }

    /// The same error with `cause` as its `__cause__`: `raise self from cause`.
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>, config: &hpy_core::Handle<'c>) -> hpy_core::Result<()> {
    /// use hpy_core::Error;
    /// let port = config.get_item("port").map_err(|e| {
    ///     Error::runtime_error("the configuration has no usable port").with_cause(e)
    /// })?;
    /// # Ok(()) }
    /// ```
    ///
    /// The chain is built when the error is raised. In CPython-ABI mode any cause works. In
    /// universal mode a cause made in Rust (or [fetched](Self::fetch) /
    /// [caught](crate::Handle::call_catch) and raised again) works too, but a *pending*
    /// exception cannot be read (see the [module docs](crate::err)): the new exception then
    /// gets a stand-in `__cause__` of the most specific built-in type the pending one is an
    /// instance of, whose message says the original is not available. A cause given to a
    /// pending error is ignored in universal mode.
    pub fn with_cause(mut self, cause: Error) -> Error {
        match &mut *self.repr {
            Repr::Lazy { cause: c, .. } | Repr::Pending { cause: c } => *c = Some(cause),
        }
        self
    }

    /// Whether the exception is an instance of `ty` (a class, or a tuple of classes), like
    /// `except ty:` would decide. Works in both modes, pending exceptions included
    /// (`HPyErr_ExceptionMatches`).
    pub fn is_instance_of(&self, ctx: Ctx<'_>, ty: &Handle<'_>) -> bool {
        match &*self.repr {
            // SAFETY: `ty` is live.
            Repr::Pending { .. } => unsafe { b::err_matches(ctx.raw(), ty.as_raw()) },
            Repr::Lazy { ty: own, .. } => match own.load(ctx) {
                Ok(own) => class_matches(&own, ty),
                Err(e) => {
                    e.discard(ctx);
                    false
                }
            },
        }
    }

    /// Whether the exception is an instance of the built-in exception `ty` (or of a subclass):
    /// `err.matches(ctx, Builtin::LookupError)` is true for a `KeyError`.
    pub fn matches(&self, ctx: Ctx<'_>, ty: Builtin) -> bool {
        self.is_instance_of(ctx, &ctx.exception_type(ty))
    }

    /// Takes the exception out as an object: the exception instance, with its `__cause__` and
    /// (for one Python raised) its `__traceback__`. It is no longer pending; raise it again
    /// with [`Error::from_value`].
    ///
    /// Returns `Err(self)`, unchanged and still pending, for an exception Python raised in
    /// universal mode: HPy 0.9 cannot fetch it (see the [module docs](crate::err)).
    pub fn fetch<'c>(self, ctx: Ctx<'c>) -> core::result::Result<Handle<'c>, Error> {
        match *self.repr {
            Repr::Pending { cause } => {
                if !b::CAN_FETCH {
                    return Err(Error {
                        repr: Box::new(Repr::Pending { cause }),
                    });
                }
                // SAFETY: the context is live; the result is NULL or a new reference.
                let raw = unsafe { b::err_fetch(ctx.raw()) };
                if raw.is_null() {
                    return Ok(Error::system_error(
                        "an hpy_core::Error reported a pending Python exception, but none was set \
                         (was it discarded?)",
                    )
                    .fetch(ctx)
                    .unwrap_or_else(|e| {
                        e.discard(ctx);
                        ctx.none()
                    }));
                }
                // SAFETY: a new reference.
                let exc = unsafe { ctx.handle_from_raw(raw) };
                let cause = cause.and_then(|c| cause_object(ctx, c));
                set_cause(ctx, &exc, cause);
                Ok(exc)
            }
            Repr::Lazy { ty, msg, cause } => {
                // The cause first: it may be the pending exception.
                let cause = cause.and_then(|c| cause_object(ctx, c));
                let exc = match instantiate(ctx, ty, msg.as_deref()) {
                    Ok(exc) => exc,
                    Err(e) => return e.fetch(ctx),
                };
                set_cause(ctx, &exc, cause);
                Ok(exc)
            }
        }
    }

    /// A description like Python's last traceback line, `KeyError: 'x'`, also for a pending
    /// exception (which stays pending). In universal mode the message of a pending exception
    /// cannot be read: the description names its most specific built-in type.
    pub fn describe(&self, ctx: Ctx<'_>) -> String {
        match &*self.repr {
            Repr::Lazy { .. } => self.to_string(),
            Repr::Pending { .. } if b::CAN_FETCH => {
                // SAFETY: the context is live; the fetched exception is restored below.
                let raw = unsafe { b::err_fetch(ctx.raw()) };
                if raw.is_null() {
                    return "<no exception set>".to_owned();
                }
                // SAFETY: a new reference.
                let exc = unsafe { ctx.handle_from_raw(raw) };
                let text = format_exception(&exc);
                let ty = exc.get_type();
                // SAFETY: `exc` is a live instance of `ty`: pending again, as it was.
                unsafe { b::err_set_object(ctx.raw(), ty.as_raw(), exc.as_raw()) };
                text
            }
            Repr::Pending { .. } => match pending_builtin(ctx) {
                Some(bt) => format!(
                    "{}: <message not available: HPy 0.9 universal mode cannot fetch a pending \
                     exception>",
                    bt.name()
                ),
                None => "<a Python exception is pending>".to_owned(),
            },
        }
    }

    /// Hands the error to the interpreter: afterwards an exception is set, and the function
    /// that returns to Python must return its error value (NULL or -1).
    pub fn restore(self, ctx: Ctx<'_>) {
        let c = ctx.raw();
        match *self.repr {
            Repr::Pending { cause } => {
                // SAFETY: `ctx` is live. If the pending exception was cleared meanwhile,
                // raise something rather than return NULL without an exception.
                if !unsafe { b::err_occurred(c) } {
                    Error::system_error(
                        "an hpy_core::Error reported a pending Python exception, but none was set \
                         (was it discarded?)",
                    )
                    .restore(ctx);
                    return;
                }
                if let Some(cause) = cause
                    && b::CAN_FETCH
                {
                    let this = Error::pending().with_cause(cause);
                    if let Ok(exc) = this.fetch(ctx) {
                        Error::from_value(ctx, &exc).restore(ctx);
                    }
                }
            }
            Repr::Lazy {
                ty: ExceptionType::Builtin(bt),
                msg: Some(msg),
                cause: None,
            } if !needs_unicode_args(bt) => {
                // The common case: no object to make, one context call when the message is
                // a plain C string.
                let raw_ty = |c| {
                    // SAFETY: the discriminant is a valid exception index (5..=68).
                    unsafe { b::builtin_exception(c, bt as usize) }
                };
                let set = crate::object::with_cstr(&msg, |p| {
                    // SAFETY: the type is live and `p` NUL-terminated.
                    unsafe { b::err_set_string(c, raw_ty(c), p) }
                });
                // A message with a NUL goes through a `str`; if even that fails, the
                // exception making it (MemoryError) is set: keep it.
                if set.is_err()
                    && let Ok(v) = ctx.str(&msg)
                {
                    // SAFETY: both handles are live.
                    unsafe { b::err_set_object(c, raw_ty(c), v.as_raw()) }
                }
            }
            repr @ Repr::Lazy { .. } => match (Error {
                repr: Box::new(repr),
            })
            .fetch(ctx)
            {
                Ok(exc) => Error::from_value(ctx, &exc).restore(ctx),
                Err(e) => e.restore(ctx),
            },
        }
    }

    /// Reports the error as "unraisable" (`HPyErr_WriteUnraisable`: through
    /// `sys.unraisablehook`, which by default prints it to stderr) and clears it: for errors
    /// that have nowhere to go, such as one in a destructor. `obj` says where it happened.
    pub fn write_unraisable(self, ctx: Ctx<'_>, obj: Option<&Handle<'_>>) {
        self.restore(ctx);
        // SAFETY: an exception is set; `obj` is live or NULL.
        unsafe {
            b::err_write_unraisable(ctx.raw(), obj.map_or(crate::ffi::HPy::NULL, Handle::as_raw))
        }
    }

    /// Drops the error, clearing the exception it reports if that exception is pending in the
    /// interpreter. Use it to recover from a failed Python operation.
    pub fn discard(self, ctx: Ctx<'_>) {
        if self.is_pending() {
            // SAFETY: `ctx` is live.
            unsafe { b::err_clear(ctx.raw()) }
        }
    }
}

/// Whether an exception instance carries a traceback (it was raised before).
fn has_traceback(exc: &Handle<'_>) -> bool {
    match exc.getattr(c"__traceback__") {
        Ok(tb) => !tb.is_none(),
        Err(e) => {
            e.discard(exc.ctx());
            false
        }
    }
}

/// Whether `ty` is an exception class (a subclass of `BaseException`).
fn is_exception_class(ctx: Ctx<'_>, ty: &Handle<'_>) -> bool {
    ty.is_type()
        && ty
            .is_subtype(&ctx.exception_type(Builtin::BaseException))
            .unwrap_or(false)
}

/// `issubclass(own, ty)` for an exception class `own` and a class or tuple of classes `ty`,
/// as `except ty:` decides.
fn class_matches(own: &Handle<'_>, ty: &Handle<'_>) -> bool {
    if ty.is_tuple() {
        let Ok(items) = ty.iter() else {
            return false;
        };
        return items.flatten().any(|t| class_matches(own, &t));
    }
    ty.is_type() && own.is_subtype(ty).unwrap_or(false)
}

/// The `UnicodeError` subclasses whose constructors need the failing data, not a message.
fn needs_unicode_args(bt: Builtin) -> bool {
    matches!(
        bt,
        Builtin::UnicodeEncodeError | Builtin::UnicodeDecodeError | Builtin::UnicodeTranslateError
    )
}

/// `ty(msg)`. The `UnicodeError` subclasses take the data that failed, its position and a
/// reason (`UnicodeDecodeError('utf-8', b'', 0, 0, msg)`); an error made in Rust has only a
/// message, which becomes the reason.
fn instantiate<'c>(ctx: Ctx<'c>, ty: ExceptionType, msg: Option<&str>) -> Result<Handle<'c>> {
    let t = ty.load(ctx)?;
    // (Without a message, `ty()`; the `UnicodeError` subclasses need their arguments anyway.)
    let unicode = matches!(ty, ExceptionType::Builtin(b) if needs_unicode_args(b));
    let msg = match msg {
        Some(msg) => msg,
        None if unicode => "",
        None => return t.call(()),
    };
    match ty {
        ExceptionType::Builtin(Builtin::UnicodeDecodeError) => {
            t.call(("utf-8", ctx.bytes(b"")?, 0, 0, msg))
        }
        ExceptionType::Builtin(Builtin::UnicodeEncodeError) => t.call(("utf-8", "", 0, 0, msg)),
        ExceptionType::Builtin(Builtin::UnicodeTranslateError) => t.call(("", 0, 0, msg)),
        _ => t.call((msg,)),
    }
}

/// The exception object `cause` describes (see [`Error::with_cause`]); no exception is
/// pending afterwards.
fn cause_object<'c>(ctx: Ctx<'c>, cause: Error) -> Option<Handle<'c>> {
    if cause.is_pending() && !b::CAN_FETCH {
        return stand_in_for_pending(ctx);
    }
    match cause.fetch(ctx) {
        Ok(obj) => Some(obj),
        Err(e) => {
            e.discard(ctx);
            None
        }
    }
}

/// `exc.__cause__ = cause` (which also sets `__suppress_context__`).
fn set_cause(ctx: Ctx<'_>, exc: &Handle<'_>, cause: Option<Handle<'_>>) {
    if let Some(obj) = cause
        && let Err(e) = exc.setattr(c"__cause__", &obj)
    {
        e.discard(ctx);
    }
}

/// Universal mode: the pending exception cannot be read. Clears it and returns an instance of
/// its most specific built-in type saying so.
fn stand_in_for_pending<'c>(ctx: Ctx<'c>) -> Option<Handle<'c>> {
    let bt = pending_builtin(ctx).unwrap_or(Builtin::BaseException);
    // SAFETY: the context is live.
    unsafe { b::err_clear(ctx.raw()) };
    let msg = "<the original exception is not available: HPy 0.9 universal mode cannot fetch a \
               pending exception>";
    match ctx.exception_type(bt).call((msg,)) {
        Ok(v) => Some(v),
        Err(e) => {
            e.discard(ctx);
            None
        }
    }
}

/// The most specific built-in exception type the pending exception is an instance of.
fn pending_builtin(ctx: Ctx<'_>) -> Option<Builtin> {
    let c = ctx.raw();
    let mut best: Option<(Builtin, Handle<'_>)> = None;
    for &bt in Builtin::ALL {
        let ty = ctx.exception_type(bt);
        // SAFETY: `ty` is live.
        if !unsafe { b::err_matches(c, ty.as_raw()) } {
            continue;
        }
        let better = match &best {
            None => true,
            Some((_, cur)) => ty.is_subtype(cur).unwrap_or(false),
        };
        if better {
            best = Some((bt, ty));
        }
    }
    best.map(|(bt, _)| bt)
}

/// `Type: str(exc)`, like the last line of a traceback.
fn format_exception(exc: &Handle<'_>) -> String {
    let ctx = exc.ctx();
    let name = exc.type_name();
    match exc.str() {
        Ok(s) if s.is_empty() => name,
        Ok(s) => format!("{name}: {s}"),
        Err(e) => {
            e.discard(ctx);
            format!("{name}: <str() failed>")
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.repr {
            Repr::Lazy { ty, msg: None, .. } => f.write_str(ty.name()),
            Repr::Lazy {
                ty, msg: Some(msg), ..
            } => write!(f, "{}: {msg}", ty.name()),
            Repr::Pending { .. } => f.write_str(
                "<a Python exception pending in the interpreter; Error::describe(ctx) tells more>",
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cause() {
            Some(cause) => write!(f, "Error({self}, cause: {cause:?})"),
            None => write!(f, "Error({self})"),
        }
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        use std::io::ErrorKind as K;
        let ty = match e.kind() {
            K::NotFound => Builtin::FileNotFoundError,
            K::PermissionDenied => Builtin::PermissionError,
            K::AlreadyExists => Builtin::FileExistsError,
            K::ConnectionRefused => Builtin::ConnectionRefusedError,
            K::ConnectionReset => Builtin::ConnectionResetError,
            K::ConnectionAborted => Builtin::ConnectionAbortedError,
            K::BrokenPipe => Builtin::BrokenPipeError,
            K::WouldBlock => Builtin::BlockingIOError,
            K::TimedOut => Builtin::TimeoutError,
            K::Interrupted => Builtin::InterruptedError,
            K::IsADirectory => Builtin::IsADirectoryError,
            K::NotADirectory => Builtin::NotADirectoryError,
            K::OutOfMemory => Builtin::MemoryError,
            _ => Builtin::OSError,
        };
        Error::new(ty, e.to_string())
    }
}

macro_rules! from_std {
    ($($t:ty => $ty:ident,)*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Error {
                Error::new(Builtin::$ty, e.to_string())
            }
        }
    )*};
}

from_std! {
    std::num::ParseIntError => ValueError,
    std::num::ParseFloatError => ValueError,
    std::num::TryFromIntError => OverflowError,
    std::str::Utf8Error => UnicodeDecodeError,
    std::string::FromUtf8Error => UnicodeDecodeError,
    std::str::ParseBoolError => ValueError,
    std::char::ParseCharError => ValueError,
    std::fmt::Error => RuntimeError,
    std::ffi::NulError => ValueError,
}

impl From<std::convert::Infallible> for Error {
    fn from(e: std::convert::Infallible) -> Error {
        match e {}
    }
}

impl<'c> Ctx<'c> {
    /// `warnings.warn(msg, category, stacklevel)` (`HPyErr_WarnEx`). `Err` when the warning
    /// filters turned the warning into an exception.
    pub fn warn(self, category: Builtin, msg: &str, stacklevel: isize) -> Result<()> {
        self.warn_with(&self.exception_type(category), msg, stacklevel)
    }

    /// [`warn`](Self::warn) with a warning class given as a handle.
    pub fn warn_with(self, category: &Handle<'c>, msg: &str, stacklevel: isize) -> Result<()> {
        crate::object::with_cstr(msg, |p| {
            // SAFETY: `category` is live and `p` NUL-terminated.
            crate::object::check_status(unsafe {
                b::err_warn_ex(self.raw(), category.as_raw(), p, stacklevel)
            })
        })?
    }

    /// A new exception class `name` (`"module.Name"`), deriving from `base` (`Exception` if
    /// `None`), with an optional docstring and class dict (`HPyErr_NewException`,
    /// `HPyErr_NewExceptionWithDoc`).
    ///
    /// ```
    /// # fn demo<'c>(ctx: hpy_core::Ctx<'c>, module: &hpy_core::Handle<'c>) -> hpy_core::Result<()> {
    /// let base = ctx.exception_type(hpy_core::Builtin::ValueError);
    /// let err = ctx.new_exception_type("mymod.ParseError", Some(&base), Some("Bad input."), None)?;
    /// module.setattr("ParseError", &err)?;
    /// # Ok(()) }
    /// ```
    pub fn new_exception_type(
        self,
        name: &str,
        base: Option<&Handle<'c>>,
        doc: Option<&str>,
        dict: Option<&Handle<'c>>,
    ) -> Result<Handle<'c>> {
        if !name.contains('.') {
            return Err(Error::value_error(format!(
                "exception name {name:?} must be \"module.Name\""
            )));
        }
        let raw = |h: Option<&Handle<'c>>| h.map_or(crate::ffi::HPy::NULL, Handle::as_raw);
        crate::object::with_cstr(name, |n| {
            crate::object::with_opt_cstr(doc, |d| {
                // SAFETY: the strings are NUL-terminated (or NULL); the handles are live or
                // NULL; the result is NULL or a new reference.
                unsafe {
                    self.check(b::err_new_exception_with_doc(
                        self.raw(),
                        n,
                        d,
                        raw(base),
                        raw(dict),
                    ))
                }
            })
        })??
    }

    /// Prints `msg` and aborts the process (`HPy_FatalError`): for states a program cannot
    /// continue from. It does not return.
    pub fn fatal_error(self, msg: &str) -> ! {
        let msg = msg.replace('\0', "\u{FFFD}");
        let _ = crate::object::with_cstr(&msg, |p| {
            // SAFETY: `p` is NUL-terminated.
            unsafe { b::fatal_error(self.raw(), p) }
        });
        std::process::abort()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_type() {
        assert_eq!(Error::value_error("bad").to_string(), "ValueError: bad");
        assert_eq!(
            Error::unicode_decode_error("x").to_string(),
            "UnicodeDecodeError: x"
        );
        assert_eq!(Error::os_error("x").to_string(), "OSError: x");
        assert_eq!(
            Error::panic("boom".into()).to_string(),
            "PanicException: boom"
        );
    }

    #[test]
    fn an_error_without_a_message() {
        let e = Error::without_message(ExceptionType::Builtin(Builtin::KeyError));
        assert_eq!(e.to_string(), "KeyError");
        assert_eq!(e.message(), Some(""));
        assert!(e.is(Builtin::KeyError));
        let e = e.with_prefix("key 3");
        assert_eq!(e.to_string(), "KeyError: key 3");
    }

    #[test]
    fn builtin_discriminants_are_context_indices() {
        assert_eq!(Builtin::BaseException as u8, 5);
        assert_eq!(Builtin::ValueError as u8, 41);
        assert_eq!(Builtin::TimeoutError as u8, 57);
        assert_eq!(Builtin::ResourceWarning as u8, 68);
        // Each discriminant names the matching context member.
        for (idx, name) in crate::ffi::CTX_MEMBERS.iter().enumerate().take(69).skip(5) {
            let b: Builtin = unsafe_free_from_index(idx as u8);
            assert_eq!(format!("h_{}", b.name()), *name);
        }
    }

    fn unsafe_free_from_index(i: u8) -> Builtin {
        ALL.iter()
            .copied()
            .find(|b| *b as u8 == i)
            .expect("every index 5..=68 is a builtin")
    }

    const ALL: &[Builtin] = &[
        Builtin::BaseException,
        Builtin::Exception,
        Builtin::StopAsyncIteration,
        Builtin::StopIteration,
        Builtin::GeneratorExit,
        Builtin::ArithmeticError,
        Builtin::LookupError,
        Builtin::AssertionError,
        Builtin::AttributeError,
        Builtin::BufferError,
        Builtin::EOFError,
        Builtin::FloatingPointError,
        Builtin::OSError,
        Builtin::ImportError,
        Builtin::ModuleNotFoundError,
        Builtin::IndexError,
        Builtin::KeyError,
        Builtin::KeyboardInterrupt,
        Builtin::MemoryError,
        Builtin::NameError,
        Builtin::OverflowError,
        Builtin::RuntimeError,
        Builtin::RecursionError,
        Builtin::NotImplementedError,
        Builtin::SyntaxError,
        Builtin::IndentationError,
        Builtin::TabError,
        Builtin::ReferenceError,
        Builtin::SystemError,
        Builtin::SystemExit,
        Builtin::TypeError,
        Builtin::UnboundLocalError,
        Builtin::UnicodeError,
        Builtin::UnicodeEncodeError,
        Builtin::UnicodeDecodeError,
        Builtin::UnicodeTranslateError,
        Builtin::ValueError,
        Builtin::ZeroDivisionError,
        Builtin::BlockingIOError,
        Builtin::BrokenPipeError,
        Builtin::ChildProcessError,
        Builtin::ConnectionError,
        Builtin::ConnectionAbortedError,
        Builtin::ConnectionRefusedError,
        Builtin::ConnectionResetError,
        Builtin::FileExistsError,
        Builtin::FileNotFoundError,
        Builtin::InterruptedError,
        Builtin::IsADirectoryError,
        Builtin::NotADirectoryError,
        Builtin::PermissionError,
        Builtin::ProcessLookupError,
        Builtin::TimeoutError,
        Builtin::Warning,
        Builtin::UserWarning,
        Builtin::DeprecationWarning,
        Builtin::PendingDeprecationWarning,
        Builtin::SyntaxWarning,
        Builtin::RuntimeWarning,
        Builtin::FutureWarning,
        Builtin::ImportWarning,
        Builtin::UnicodeWarning,
        Builtin::BytesWarning,
        Builtin::ResourceWarning,
    ];
}

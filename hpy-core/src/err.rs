//! [`Error`]: a Python exception on its way out of Rust.

use std::borrow::Cow;
use std::fmt;

use crate::backend as b;
use crate::handle::Ctx;

/// `Result<T, hpy_core::Error>`.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// A Python exception raised from Rust, or one Python raised that is passing through Rust.
///
/// Make one with a constructor named after the exception (`Error::value_error("...")`,
/// `Error::type_error(...)`, one for each built-in exception and warning), or with
/// [`Error::new`]. Return it from a function exported with
/// [`#[hpy_core::function]`](crate::function) (`?` works) and Python sees the exception.
///
/// An error that reports an exception Python raised (a failed attribute lookup, a call that
/// raised) keeps that exception, with its traceback, *pending in the interpreter*: return it
/// and Python sees the original exception. To recover from such an error instead, call
/// [`Error::discard`].
#[must_use = "an Error that is dropped may leave a Python exception pending; return it or call `discard`"]
pub struct Error {
    repr: Box<Repr>,
}

enum Repr {
    /// An exception to raise when the error reaches Python.
    Lazy {
        ty: ExceptionType,
        msg: Cow<'static, str>,
    },
    /// The exception is already set in the interpreter.
    Pending,
}

/// The type of a [`Error`] made in Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionType {
    /// A built-in exception or warning type.
    Builtin(Builtin),
    /// `PanicException`: a Rust panic that reached a Python call. It derives from
    /// `BaseException`, so `except Exception` does not swallow it.
    Panic,
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
        Error {
            repr: Box::new(Repr::Lazy {
                ty: ExceptionType::Builtin(ty),
                msg: msg.into(),
            }),
        }
    }

    /// The exception Python raised and left set in the interpreter (an API call returned
    /// NULL or -1).
    #[doc(hidden)]
    #[inline]
    pub fn pending() -> Error {
        Error {
            repr: Box::new(Repr::Pending),
        }
    }

    pub(crate) fn panic(msg: String) -> Error {
        Error {
            repr: Box::new(Repr::Lazy {
                ty: ExceptionType::Panic,
                msg: msg.into(),
            }),
        }
    }

    /// Whether this error reports an exception Python raised (still pending in the
    /// interpreter), rather than one made in Rust.
    pub fn is_pending(&self) -> bool {
        matches!(*self.repr, Repr::Pending)
    }

    /// The type of an error made in Rust; `None` for a pending Python exception.
    pub fn exception_type(&self) -> Option<ExceptionType> {
        match &*self.repr {
            Repr::Lazy { ty, .. } => Some(*ty),
            Repr::Pending => None,
        }
    }

    /// Whether this is an error made in Rust with the built-in type `ty`.
    pub fn is(&self, ty: Builtin) -> bool {
        self.exception_type() == Some(ExceptionType::Builtin(ty))
    }

    /// The message of an error made in Rust; `None` for a pending Python exception.
    pub fn message(&self) -> Option<&str> {
        match &*self.repr {
            Repr::Lazy { msg, .. } => Some(msg),
            Repr::Pending => None,
        }
    }

    /// The same error with `prefix` put before its message (for errors made in Rust; a
    /// pending Python exception is left as it is).
    pub fn with_prefix(mut self, prefix: impl fmt::Display) -> Error {
        if let Repr::Lazy { msg, .. } = &mut *self.repr {
            *msg = Cow::Owned(format!("{prefix}{msg}"));
        }
        self
    }

    /// Hands the error to the interpreter: afterwards an exception is set, and the function
    /// that returns to Python must return its error value (NULL or -1).
    pub fn restore(self, ctx: Ctx<'_>) {
        let c = ctx.raw();
        match *self.repr {
            Repr::Pending => {
                // SAFETY: `ctx` is live. If the pending exception was cleared meanwhile,
                // raise something rather than return NULL without an exception.
                if !unsafe { b::err_occurred(c) } {
                    Error::system_error(
                        "an hpy_core::Error reported a pending Python exception, but none was set \
                         (was it discarded?)",
                    )
                    .restore(ctx);
                }
            }
            Repr::Lazy { ty, msg } => {
                let value = match ctx.str(&msg) {
                    Ok(v) => v,
                    // The exception creating the message (MemoryError) is set: keep it.
                    Err(_) => return,
                };
                let ty = match ty {
                    ExceptionType::Builtin(bt) => {
                        // SAFETY: the discriminant is a valid exception index (5..=68).
                        let raw = unsafe { b::builtin_exception(c, bt as usize) };
                        // SAFETY: both handles are live.
                        unsafe { b::err_set_object(c, raw, value.as_raw()) };
                        return;
                    }
                    ExceptionType::Panic => crate::impl_::panic_exception_type(ctx),
                };
                match ty {
                    // SAFETY: both handles are live.
                    Ok(ty) => unsafe { b::err_set_object(c, ty.as_raw(), value.as_raw()) },
                    Err(e) => e.restore(ctx),
                }
            }
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.repr {
            Repr::Lazy {
                ty: ExceptionType::Builtin(b),
                msg,
            } => write!(f, "{}: {msg}", b.name()),
            Repr::Lazy {
                ty: ExceptionType::Panic,
                msg,
            } => write!(f, "PanicException: {msg}"),
            Repr::Pending => f.write_str("<a Python exception pending in the interpreter>"),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error({self})")
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

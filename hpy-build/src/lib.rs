//! Build-script helper for `hpy-core` and for crates that use it.
//!
//! An HPy extension is compiled for one of two backends:
//!
//! * **CPython ABI** (`hpy_abi = "cpython"`): handles are `PyObject*` and every operation
//!   inlines to the CPython C API. The result is an ordinary CPython extension module.
//! * **Universal** (`hpy_abi = "universal"`): every operation goes through the `HPyContext`
//!   function table. The result is one `.hpy0.so` that loads on CPython (through the `hpy`
//!   package), on PyPy and on GraalPy, and links nothing of Python.
//!
//! The choice, in order of precedence:
//!
//! 1. In a crate that depends on `hpy-core`, the choice `hpy-core` itself made (it is passed to
//!    dependent build scripts as `DEP_HPY_ABI`), so a user crate can never disagree with it.
//! 2. The environment variable `HPY_ABI=cpython|universal`.
//! 3. The target interpreter, as PyO3 finds it (`PYO3_PYTHON`, else `python3` on `PATH`):
//!    CPython gives the CPython ABI; PyPy and GraalPy give universal.
//!
//! In `hpy-core`'s build script (and in a user's `build.rs`, to write `#[cfg(hpy_abi = ...)]`
//! in their own crate):
//!
//! ```no_run
//! // build.rs
//! hpy_build::configure();
//! ```
//!
//! # Packaging universal wheels: the `hpy-build` command
//!
//! maturin packs a universal binary like a CPython extension, which no Python can import. The
//! `hpy-build` command, built from this crate with the `cli` feature
//! (`cargo install --path path/to/hpy-build --features cli`, or `cargo install hpy-build
//! --features cli`), supplies the missing step:
//!
//! ```text
//! hpy-build build [maturin build options]    # HPY_ABI=universal maturin build, then convert
//! hpy-build develop [maturin build options]  # the same, then pip install into the active venv
//! hpy-build convert WHEEL... -o DIR          # convert wheels maturin already built
//! ```
//!
//! The feature is off by default, so a build script that depends on this crate compiles none
//! of the command's dependencies. In universal mode, [`configure`] refuses a build driven by
//! `maturin develop` or by maturin's PEP 517 backend (`pip install .`), whose result could not
//! be imported, and has a plain `maturin build` print a reminder to convert the wheel.

#![deny(missing_docs)]

#[cfg(any(feature = "cli", test))]
pub mod cli;
#[cfg(any(feature = "cli", test))]
mod elf;
mod packaging;
#[cfg(test)]
mod test_util;
#[cfg(any(feature = "cli", test))]
pub mod wheel;

pub use packaging::{MaturinCommand, WILL_CONVERT_ENV};

use std::fmt;
use std::process::Command;

/// The name of the cfg this crate emits: `hpy_abi = "cpython"` or `hpy_abi = "universal"`.
pub const CFG_NAME: &str = "hpy_abi";
/// The environment variable that overrides the choice.
pub const ENV_OVERRIDE: &str = "HPY_ABI";

/// Which HPy backend a crate is compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Abi {
    /// Handles are `PyObject*`; every HPy operation inlines to the CPython C API.
    CPython,
    /// Every HPy operation calls through the `HPyContext` table (`.hpy0.so`).
    Universal,
}

impl Abi {
    /// The cfg value: `"cpython"` or `"universal"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Abi::CPython => "cpython",
            Abi::Universal => "universal",
        }
    }

    /// Parses `cpython` or `universal` (case-insensitive, surrounding blanks ignored).
    pub fn parse(s: &str) -> Result<Abi, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cpython" => Ok(Abi::CPython),
            "universal" => Ok(Abi::Universal),
            other => Err(format!(
                "{ENV_OVERRIDE}={other:?} is not understood: expected `cpython` or `universal`"
            )),
        }
    }
}

impl fmt::Display for Abi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a choice came from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `DEP_HPY_ABI`: the choice `hpy-core` made for this build.
    HpyCore,
    /// The `HPY_ABI` environment variable.
    Override,
    /// The target interpreter's implementation name (e.g. `"PyPy"`).
    Interpreter(String),
}

/// The backend for this build and why it was chosen. Reads the environment; prints nothing.
///
/// # Errors
/// When `HPY_ABI` holds something other than `cpython` or `universal`, or when no choice can
/// be made because no Python interpreter can be found.
pub fn choose() -> Result<(Abi, Source), String> {
    if let Ok(v) = std::env::var("DEP_HPY_ABI") {
        return Abi::parse(&v).map(|abi| (abi, Source::HpyCore));
    }
    if let Ok(v) = std::env::var(ENV_OVERRIDE)
        && !v.trim().is_empty()
    {
        return Abi::parse(&v).map(|abi| (abi, Source::Override));
    }
    let implementation = interpreter_implementation()?;
    let abi = abi_for_implementation(&implementation);
    Ok((abi, Source::Interpreter(implementation)))
}

/// The default backend for an interpreter implementation name (`CPython`, `PyPy`, `GraalPy`
/// or `GraalVM`, as `platform.python_implementation()` spells them).
pub fn abi_for_implementation(implementation: &str) -> Abi {
    if implementation.eq_ignore_ascii_case("cpython") {
        Abi::CPython
    } else {
        Abi::Universal
    }
}

fn interpreter_implementation() -> Result<String, String> {
    // In a crate with a direct dependency on pyo3-ffi (hpy-core), PyO3 hands its resolved
    // interpreter configuration to our build script.
    if std::env::var_os("DEP_PYTHON_PYO3_CONFIG").is_some() {
        return Ok(format!("{:?}", pyo3_build_config::get().implementation()));
    }
    // Anywhere else, ask the interpreter PyO3 would pick.
    let python = std::env::var("PYO3_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = Command::new(&python)
        .args([
            "-c",
            "import platform; print(platform.python_implementation())",
        ])
        .output()
        .map_err(|e| {
            format!(
                "cannot run `{python}` to choose the HPy backend ({e}); set {ENV_OVERRIDE}=cpython \
                 or {ENV_OVERRIDE}=universal, or PYO3_PYTHON to an interpreter"
            )
        })?;
    if !out.status.success() {
        return Err(format!(
            "`{python}` failed while choosing the HPy backend: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The full choice for a build: the backend and, for a CPython-ABI build, whether the target
/// is PyPy's CPython emulation (cpyext), which lacks some of CPython's macros.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// The backend.
    pub abi: Abi,
    /// A CPython-ABI build for PyPy (cfg `hpy_cpyext`).
    pub cpyext: bool,
}

/// The cfg set on CPython-ABI builds for PyPy's cpyext.
pub const CPYEXT_CFG: &str = "hpy_cpyext";

/// Prints the cargo directives that declare the `hpy_abi` cfg (`rustc-check-cfg`) and set it
/// for the chosen backend, and asks cargo to rerun when the choice could change.
/// Returns the backend. Call it from `build.rs`.
///
/// In universal mode it also looks at the maturin command driving the build, if any (on
/// Linux, through `/proc`): `maturin develop` and maturin's PEP 517 backend (`pip install .`)
/// would install a module no Python can import, so they are refused; a plain `maturin build`
/// gets a cargo warning that its wheel needs `hpy-build convert`. Setting
/// [`WILL_CONVERT_ENV`]`=1` (as the `hpy-build` command does) silences both for builds whose
/// wheel is converted afterwards. The check runs when the build script runs: on the first
/// build of a configuration, not on a build cargo finds up to date.
///
/// # Failure
/// When [`choose`] fails, the build script stops (exit status 1) after printing, on its
/// stderr, which cargo shows, a message saying how to fix the environment: a build script
/// cannot go on without a backend. In universal mode it stops the same way under
/// `maturin develop` or maturin's PEP 517 backend, with a message saying what to run
/// instead. (No panic, so no backtrace noise around the message.)
pub fn configure() -> Abi {
    configure_full().abi
}

/// Stops the build script with `message`, printed where cargo shows it when a build script
/// fails (its stderr), without the panic's backtrace note.
pub(crate) fn refuse(message: &str) -> ! {
    eprintln!("error: hpy-build: {message}");
    std::process::exit(1)
}

/// [`configure`], also declaring and setting `hpy_cpyext` for a CPython-ABI build that targets
/// PyPy.
///
/// # Failure
/// As [`configure`].
pub fn configure_full() -> Config {
    println!("cargo::rerun-if-env-changed={ENV_OVERRIDE}");
    println!("cargo::rerun-if-env-changed=PYO3_PYTHON");
    println!("cargo::rustc-check-cfg=cfg({CFG_NAME}, values(\"cpython\", \"universal\"))");
    println!("cargo::rustc-check-cfg=cfg({CPYEXT_CFG})");
    let (abi, source) = match choose() {
        Ok(choice) => choice,
        Err(e) => refuse(&e.to_string()),
    };
    // Only the crate that makes the choice (hpy-core) checks how it is packaged, not every
    // dependent that inherits it.
    if abi == Abi::Universal && source != Source::HpyCore {
        packaging::check_universal_build(&source);
    }
    println!("cargo::rustc-cfg={CFG_NAME}=\"{abi}\"");
    let cpyext = abi == Abi::CPython
        && match std::env::var("DEP_HPY_CPYEXT") {
            Ok(v) => v == "1",
            Err(_) => interpreter_implementation().is_ok_and(|i| i.eq_ignore_ascii_case("pypy")),
        };
    if cpyext {
        println!("cargo::rustc-cfg={CPYEXT_CFG}");
    }
    Config { abi, cpyext }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_override_values() {
        assert_eq!(Abi::parse("cpython"), Ok(Abi::CPython));
        assert_eq!(Abi::parse(" Universal\n"), Ok(Abi::Universal));
        let err = Abi::parse("hybrid").unwrap_err();
        assert!(err.contains("HPY_ABI=\"hybrid\""), "{err}");
        assert!(err.contains("`cpython` or `universal`"), "{err}");
    }

    #[test]
    fn implementation_defaults() {
        assert_eq!(abi_for_implementation("CPython"), Abi::CPython);
        assert_eq!(abi_for_implementation("PyPy"), Abi::Universal);
        assert_eq!(abi_for_implementation("GraalPy"), Abi::Universal);
        assert_eq!(abi_for_implementation("GraalVM"), Abi::Universal);
    }

    #[test]
    fn display_matches_cfg_value() {
        assert_eq!(Abi::CPython.to_string(), "cpython");
        assert_eq!(Abi::Universal.to_string(), "universal");
    }
}

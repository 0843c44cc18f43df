//! The `hpy-build` command: HPy universal wheels with maturin.
//!
//! ```text
//! hpy-build build [MATURIN BUILD OPTIONS]     HPY_ABI=universal maturin build, then convert
//! hpy-build develop [-E EXTRAS] [OPTIONS]     the same, then pip install into the active venv
//! hpy-build convert WHEEL... -o DIR           convert wheels maturin already built
//! ```
//!
//! [`main`] is the whole program (`src/main.rs` only calls it). maturin is the one on `PATH`,
//! or the program named by `$MATURIN`. Progress goes to stderr (maturin's own output
//! included); stdout gets only the paths of the wheels written, one a line, for scripts.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::WILL_CONVERT_ENV;
use crate::wheel::{self, HPY_REQUIREMENT};

const USAGE: &str = "\
hpy-build: build HPy universal wheels with maturin

maturin packs an HPy universal binary like a CPython extension module, which no Python can
import. This command adds the missing step: the binary becomes <module>.hpy0.so next to a
<module>.py loader stub, the wheel is tagged py3-none-<platform> and requires
hpy==0.9.0 on CPython (PyPy and GraalPy have HPy built in).

Usage:
    hpy-build build [MATURIN BUILD OPTIONS]
        HPY_ABI=universal maturin build, then convert the wheel. The options are maturin
        build's (--release, -m, -i, -F, ...); -o/--out DIR is where the universal wheel goes
        (default: maturin's, <cargo target dir>/wheels).
    hpy-build develop [-E EXTRAS] [MATURIN BUILD OPTIONS]
        The universal counterpart of `maturin develop`: build, convert, and pip install the
        wheel (and hpy==0.9.0 on CPython) into the active virtual environment.
    hpy-build convert WHEEL... -o DIR
        Convert wheels built with `HPY_ABI=universal maturin build`.
    hpy-build help [COMMAND] | --help | --version

Environment:
    MATURIN    the maturin program to run (default: `maturin` on PATH)
    CARGO      the cargo program that finds the default output folder (default: `cargo`)

For a CPython-ABI wheel (the default on CPython), use maturin itself: maturin build, maturin
develop.";

const BUILD_HELP: &str = "\
hpy-build build [MATURIN BUILD OPTIONS]

Runs `maturin build` with HPY_ABI=universal (and HPY_BUILD_WILL_CONVERT=1), then converts
every wheel it made into an HPy universal wheel: <module>.hpy0.so + <module>.py loader stub,
tagged py3-none-<platform>, requiring hpy==0.9.0 on CPython. Anything else maturin writes
(an sdist with --sdist) is copied as it is.

Options:
    -o, --out DIR   where the universal wheel goes (default: <cargo target dir>/wheels)
    -h, --help      this text
    Every other option goes to `maturin build` (see `maturin build --help`): --release,
    -m/--manifest-path, -i/--interpreter, -F/--features, --profile, ...

One interpreter is enough: the universal wheel is the same for every Python. Prints the path
of each wheel written.";

const DEVELOP_HELP: &str = "\
hpy-build develop [-E EXTRAS] [MATURIN BUILD OPTIONS]

The universal counterpart of `maturin develop` (which cannot install a universal module):
builds the project with HPY_ABI=universal for the Python of the active virtual environment,
converts the wheel, and installs it with pip (`--force-reinstall --no-deps`, then once more to
pull its dependencies: hpy==0.9.0 on CPython, nothing on PyPy).

The environment is, as for maturin develop: $VIRTUAL_ENV, else $CONDA_PREFIX, else a .venv
folder in the current directory or one of its parents. Its pip is used, or `uv pip` when it
has none and uv is on PATH.

Options:
    -E, --extras EXTRAS  the optional dependencies to install too (comma-separated)
    -h, --help           this text
    Every other option goes to `maturin build`: -r/--release, -m/--manifest-path, -F, ...
    (the interpreter defaults to the environment's Python).";

const CONVERT_HELP: &str = "\
hpy-build convert WHEEL... -o DIR

Converts wheels built with `HPY_ABI=universal maturin build` into HPy universal wheels in DIR
(created if needed): the binary, checked to export HPyInit_<module> and not PyInit_<module>,
becomes <module>.hpy0.so next to a <module>.py loader stub (importlib-based); METADATA gets
`Requires-Dist: hpy==0.9.0; implementation_name == \"cpython\"`; the wheel is tagged
py3-none-<platform> for each of its platform tags and RECORD is rewritten. The output is
reproducible (fixed timestamps) and written atomically. Mixed Rust/Python projects are
refused. Prints the path of each wheel written.

Options:
    -o, --out DIR   the output folder (required)
    -h, --help      this text";

/// An error for the user: printed as `hpy-build: error: <message>`, exit status 1.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::error::Error> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

type Result<T> = std::result::Result<T, CliError>;

fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(CliError(message.into()))
}

/// Runs the command line `args` (without the program name); returns the exit status.
pub fn main(args: Vec<OsString>) -> i32 {
    match run(args) {
        Ok(()) => 0,
        Err(CliError(message)) => {
            eprintln!("hpy-build: error: {message}");
            1
        }
    }
}

fn run(args: Vec<OsString>) -> Result<()> {
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return fail("no command given (build, develop or convert)");
    };
    let rest = rest.to_vec();
    match command.to_str().unwrap_or("") {
        "build" => {
            if wants_help(&rest) {
                println!("{BUILD_HELP}");
                return Ok(());
            }
            for wheel in build(rest, &[])? {
                println!("{}", wheel.display());
            }
            Ok(())
        }
        "develop" => {
            if wants_help(&rest) {
                println!("{DEVELOP_HELP}");
                return Ok(());
            }
            develop(rest)
        }
        "convert" => {
            if wants_help(&rest) {
                println!("{CONVERT_HELP}");
                return Ok(());
            }
            convert(rest)
        }
        "help" | "-h" | "--help" => {
            match rest.first().and_then(|c| c.to_str()) {
                Some("build") => println!("{BUILD_HELP}"),
                Some("develop") => println!("{DEVELOP_HELP}"),
                Some("convert") => println!("{CONVERT_HELP}"),
                _ => println!("{USAGE}"),
            }
            Ok(())
        }
        "-V" | "--version" | "version" => {
            println!("hpy-build {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        other => fail(format!(
            "unknown command {other:?}: expected build, develop or convert (hpy-build --help)"
        )),
    }
}

/// `-h`/`--help` among the options (before a `--`, after which everything is maturin's).
fn wants_help(args: &[OsString]) -> bool {
    args.iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "-h" || a == "--help")
}

/// A short option's value (`-o DIR`, `-oDIR`, `-o=DIR`) or a long one's (`--out DIR`, `--out=DIR`).
/// Returns `None` when `arg` is not that option; otherwise its value, taking the next
/// argument from `rest` if needed.
fn option_value(
    arg: &OsStr,
    short: &str,
    long: &str,
    rest: &mut std::vec::IntoIter<OsString>,
) -> Result<Option<OsString>> {
    let Some(text) = arg.to_str() else {
        return Ok(None);
    };
    let inline = if text == short || text == long {
        None
    } else if let Some(v) = text.strip_prefix(long).and_then(|v| v.strip_prefix('=')) {
        Some(v)
    } else if let Some(v) = text.strip_prefix(short).filter(|v| !v.is_empty()) {
        // `-oDIR` or, as clap also reads it, `-o=DIR`.
        Some(v.strip_prefix('=').unwrap_or(v))
    } else {
        return Ok(None);
    };
    match inline {
        Some(v) => Ok(Some(OsString::from(v))),
        None => match rest.next() {
            Some(v) => Ok(Some(v)),
            None => fail(format!("{text} needs a value")),
        },
    }
}

/// maturin build options with hpy-build's own taken out.
#[derive(Debug, Default, PartialEq)]
struct MaturinArgs {
    /// `-o/--out`.
    out: Option<PathBuf>,
    /// `-m/--manifest-path`, also passed on.
    manifest: Option<PathBuf>,
    /// Whether `-i/--interpreter` or `--find-interpreter` was given (passed on).
    interpreter: bool,
    /// `-E/--extras` (develop only).
    extras: Option<String>,
    /// Everything to pass on to `maturin build`.
    pass: Vec<OsString>,
}

fn split_maturin_args(args: Vec<OsString>, develop: bool) -> Result<MaturinArgs> {
    let mut out = MaturinArgs::default();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        if arg == "--" {
            out.pass.push(arg);
            out.pass.extend(it.by_ref());
            break;
        }
        if let Some(dir) = option_value(&arg, "-o", "--out", &mut it)? {
            if develop {
                return fail(
                    "hpy-build develop installs the wheel and keeps no copy: use \
                     `hpy-build build -o DIR` for a wheel file",
                );
            }
            out.out = Some(PathBuf::from(dir));
            continue;
        }
        if develop && let Some(extras) = option_value(&arg, "-E", "--extras", &mut it)? {
            let extras = extras
                .into_string()
                .map_err(|_| CliError("-E/--extras: not UTF-8".to_owned()))?;
            out.extras = Some(extras);
            continue;
        }
        if let Some(path) = option_value(&arg, "-m", "--manifest-path", &mut it)? {
            out.manifest = Some(PathBuf::from(&path));
            out.pass.push("--manifest-path".into());
            out.pass.push(path);
            continue;
        }
        if let Some(python) = option_value(&arg, "-i", "--interpreter", &mut it)? {
            out.interpreter = true;
            out.pass.push("--interpreter".into());
            out.pass.push(python);
            continue;
        }
        if arg == "--find-interpreter" {
            out.interpreter = true;
        }
        out.pass.push(arg);
    }
    Ok(out)
}

/// A folder under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path =
            std::env::temp_dir().join(format!("hpy-build-{tag}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&path).map_err(|e| {
            CliError(format!(
                "cannot create a temporary folder {}: {e}",
                path.display()
            ))
        })?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The program to run for `name`: `$ENV_VAR` if set, else `name`.
fn program(env_var: &str, name: &str) -> OsString {
    std::env::var_os(env_var)
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| name.into())
}

/// Where stdout of a child goes: our stderr, so that our stdout holds only wheel paths.
fn child_stdout() -> Stdio {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = io::stderr().as_fd().try_clone_to_owned() {
            return Stdio::from(fd);
        }
    }
    Stdio::inherit()
}

/// Runs `command`, explaining a missing program with `missing`.
fn run_child(command: &mut Command, what: &str, missing: &str) -> Result<()> {
    let status = command.status().map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            CliError(missing.to_owned())
        } else {
            CliError(format!("cannot run {what}: {e}"))
        }
    })?;
    if status.success() {
        Ok(())
    } else {
        fail(format!("{what} failed ({status})"))
    }
}

/// `<cargo target dir>/wheels`, maturin's default output folder.
fn default_wheel_dir(manifest: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir).join("wheels"));
    }
    Ok(cargo_target_dir(manifest)?.join("wheels"))
}

/// The target folder of the project of `manifest` (else of the current directory), as
/// `cargo metadata` reports it.
fn cargo_target_dir(manifest: Option<&Path>) -> Result<PathBuf> {
    let cargo = program("CARGO", "cargo");
    let mut command = Command::new(&cargo);
    command.args(["metadata", "--no-deps", "--format-version", "1"]);
    if let Some(manifest) = manifest {
        command.arg("--manifest-path").arg(manifest);
    }
    let output = command.stderr(Stdio::inherit()).output().map_err(|e| {
        CliError(format!(
            "cannot run `{} metadata` to find the target folder ({e}); give the output \
             folder with -o DIR",
            cargo.to_string_lossy()
        ))
    })?;
    if !output.status.success() {
        return fail(format!(
            "`{} metadata` failed ({}); give the output folder with -o DIR",
            cargo.to_string_lossy(),
            output.status
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    match metadata["target_directory"].as_str() {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => fail("`cargo metadata` names no target_directory; give -o DIR"),
    }
}

/// `hpy-build build`: maturin, then the conversion of each wheel into `-o` (or the default
/// folder). `extra` are more arguments for maturin. Returns the files written.
fn build(args: Vec<OsString>, extra: &[OsString]) -> Result<Vec<PathBuf>> {
    let args = split_maturin_args(args, false)?;
    let out_dir = match &args.out {
        Some(dir) => dir.clone(),
        None => default_wheel_dir(args.manifest.as_deref())?,
    };
    let raw = TempDir::new("maturin")?;
    maturin_build(&program("MATURIN", "maturin"), &args.pass, extra, &raw.0)?;
    collect(&raw.0, &out_dir)
}

/// `HPY_ABI=universal <maturin> build EXTRA ARGS --out RAW`.
fn maturin_build(maturin: &OsStr, pass: &[OsString], extra: &[OsString], raw: &Path) -> Result<()> {
    let mut command = Command::new(maturin);
    command
        .arg("build")
        .args(extra)
        .args(pass)
        .arg("--out")
        .arg(raw)
        .env("HPY_ABI", "universal")
        .env(WILL_CONVERT_ENV, "1")
        .stdout(child_stdout());
    eprintln!(
        "hpy-build: HPY_ABI=universal {} build {}",
        maturin.to_string_lossy(),
        extra
            .iter()
            .chain(pass)
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    run_child(
        &mut command,
        "maturin build",
        &format!(
            "maturin not found (`{}`): install it with `pip install 'maturin>=1.5,<2'` \
             (into the active virtual environment, or with pipx), or set MATURIN to its path",
            maturin.to_string_lossy()
        ),
    )?;
    eprintln!(
        "hpy-build: (maturin's warning that it couldn't find `PyInit_<module>` is expected: a \
         universal module exports `HPyInit_<module>` instead, which the conversion checks)"
    );
    Ok(())
}

/// Converts every wheel in `raw` into `out_dir` and copies anything else there.
fn collect(raw: &Path, out_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut produced: Vec<PathBuf> = fs::read_dir(raw)?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    produced.sort();
    if !produced
        .iter()
        .any(|p| p.extension().is_some_and(|e| e == "whl"))
    {
        return fail(format!(
            "maturin build reported success but wrote no wheel into {}",
            raw.display()
        ));
    }
    let mut written = Vec::new();
    for path in produced {
        if path.extension().is_some_and(|e| e == "whl") {
            let out = wheel::convert(&path, out_dir)?;
            if written.contains(&out) {
                eprintln!(
                    "hpy-build: note: several of maturin's wheels give the same universal \
                     wheel {} (a universal build needs one interpreter only)",
                    out.display()
                );
                continue;
            }
            eprintln!("hpy-build: universal wheel {}", out.display());
            written.push(out);
        } else {
            fs::create_dir_all(out_dir)?;
            let name = path.file_name().unwrap_or_default();
            let dest = out_dir.join(name);
            fs::copy(&path, &dest).map_err(|e| {
                CliError(format!(
                    "cannot copy {} to {}: {e}",
                    path.display(),
                    dest.display()
                ))
            })?;
            eprintln!("hpy-build: copied {}", dest.display());
            written.push(dest);
        }
    }
    Ok(written)
}

/// `hpy-build convert WHEEL... -o DIR`.
fn convert(args: Vec<OsString>) -> Result<()> {
    let mut out_dir = None;
    let mut wheels = Vec::new();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        if let Some(dir) = option_value(&arg, "-o", "--out", &mut it)? {
            out_dir = Some(PathBuf::from(dir));
        } else if arg
            .to_str()
            .is_some_and(|a| a.starts_with('-') && a.len() > 1)
        {
            return fail(format!(
                "convert: unknown option {:?} (hpy-build convert --help)",
                arg.to_string_lossy()
            ));
        } else {
            wheels.push(PathBuf::from(arg));
        }
    }
    let Some(out_dir) = out_dir else {
        return fail("convert: the output folder is missing: hpy-build convert WHEEL... -o DIR");
    };
    if wheels.is_empty() {
        return fail("convert: no wheel given: hpy-build convert WHEEL... -o DIR");
    }
    for input in wheels {
        println!("{}", wheel::convert(&input, &out_dir)?.display());
    }
    Ok(())
}

/// The Python of the environment `hpy-build develop` installs into, found like maturin
/// develop finds it: `$VIRTUAL_ENV`, `$CONDA_PREFIX`, then `.venv` in the current directory or
/// one of its parents.
fn environment_python() -> Result<PathBuf> {
    let python_in = |env: &Path| {
        if cfg!(windows) {
            env.join("Scripts").join("python.exe")
        } else {
            env.join("bin").join("python")
        }
    };
    for var in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
        if let Some(env) = std::env::var_os(var).filter(|v| !v.is_empty()) {
            let python = python_in(Path::new(&env));
            if !python.exists() {
                return fail(format!(
                    "{var}={} has no {}",
                    Path::new(&env).display(),
                    python.display()
                ));
            }
            return Ok(python);
        }
    }
    let cwd = std::env::current_dir()?;
    for dir in cwd.ancestors() {
        let python = python_in(&dir.join(".venv"));
        if python.exists() {
            return Ok(python);
        }
    }
    fail(
        "hpy-build develop installs into a virtual environment, and none is active: activate \
         one (`source .venv/bin/activate`), or create `.venv` in the project \
         (`python3 -m venv .venv`)",
    )
}

/// How to run pip for `python`: its own pip, else `uv pip --python`.
fn pip_command(python: &Path) -> Result<Command> {
    let has_pip = Command::new(python)
        .args(["-m", "pip", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has_pip {
        let mut command = Command::new(python);
        command.args(["-m", "pip", "install", "--disable-pip-version-check"]);
        return Ok(command);
    }
    let uv = program("UV", "uv");
    if Command::new(&uv)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        let mut command = Command::new(uv);
        command.args(["pip", "install", "--python"]).arg(python);
        return Ok(command);
    }
    fail(format!(
        "{} has no pip and uv is not on PATH: add pip with `{} -m ensurepip`",
        python.display(),
        python.display()
    ))
}

/// `hpy-build develop`.
fn develop(args: Vec<OsString>) -> Result<()> {
    let python = environment_python()?;
    let mut args = split_maturin_args(args, true)?;
    if !args.interpreter {
        args.pass.splice(
            0..0,
            [OsString::from("--interpreter"), python.clone().into()],
        );
    }
    let raw = TempDir::new("maturin")?;
    maturin_build(&program("MATURIN", "maturin"), &args.pass, &[], &raw.0)?;
    let converted = TempDir::new("wheel")?;
    let wheels = collect(&raw.0, &converted.0)?;
    let wheel = match wheels.as_slice() {
        [one] => one,
        _ => {
            return fail(format!(
                "expected one wheel from maturin, got {} (give a single --interpreter)",
                wheels.len()
            ));
        }
    };
    // The new build first, replacing whatever version is installed; then its dependencies
    // (hpy on CPython), which pip installs only where missing.
    let mut install = pip_command(&python)?;
    install
        .args(["--force-reinstall", "--no-deps"])
        .arg(wheel)
        .stdout(child_stdout());
    run_child(&mut install, "pip install", "pip not found")?;
    let requirement = match &args.extras {
        Some(extras) => format!("{}[{extras}]", wheel.display()),
        None => wheel.display().to_string(),
    };
    eprintln!("hpy-build: installing the dependencies of {requirement}");
    let mut deps = pip_command(&python)?;
    // Quiet: pip would only repeat that the wheel itself is installed already.
    deps.arg("--quiet").arg(requirement).stdout(child_stdout());
    run_child(&mut deps, "pip install (dependencies)", "pip not found")?;
    eprintln!(
        "hpy-build: installed {} into {} (HPy universal; on CPython through {HPY_REQUIREMENT})",
        wheel.file_name().unwrap_or_default().to_string_lossy(),
        python.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn takes_the_output_folder_out_of_maturin_options() {
        for form in [
            &["--release", "-o", "dist"][..],
            &["--release", "-odist"],
            &["--release", "--out", "dist"],
            &["--release", "--out=dist"],
        ] {
            let a = split_maturin_args(os(form), false).unwrap();
            assert_eq!(a.out, Some(PathBuf::from("dist")), "{form:?}");
            assert_eq!(a.pass, os(&["--release"]), "{form:?}");
        }
        let a = split_maturin_args(
            os(&["-m", "x/Cargo.toml", "-i=python3.13", "--", "-o", "y"]),
            false,
        )
        .unwrap();
        assert_eq!(a.out, None);
        assert_eq!(a.manifest, Some(PathBuf::from("x/Cargo.toml")));
        assert!(a.interpreter);
        assert_eq!(
            a.pass,
            os(&[
                "--manifest-path",
                "x/Cargo.toml",
                "--interpreter",
                "python3.13",
                "--",
                "-o",
                "y"
            ])
        );
        assert!(
            split_maturin_args(os(&["--find-interpreter"]), false)
                .unwrap()
                .interpreter
        );
        let err = split_maturin_args(os(&["--release", "-o"]), false).unwrap_err();
        assert_eq!(err.0, "-o needs a value");
    }

    #[test]
    fn develop_takes_extras_and_refuses_an_output_folder() {
        let a = split_maturin_args(os(&["-E", "test,dev", "-r"]), true).unwrap();
        assert_eq!(a.extras.as_deref(), Some("test,dev"));
        assert_eq!(a.pass, os(&["-r"]));
        let a = split_maturin_args(os(&["--extras=test"]), true).unwrap();
        assert_eq!(a.extras.as_deref(), Some("test"));
        // For build, -E is not ours: maturin gets it (and says what it thinks of it).
        let a = split_maturin_args(os(&["-E", "x"]), false).unwrap();
        assert_eq!(a.pass, os(&["-E", "x"]));
        let err = split_maturin_args(os(&["-o", "dist"]), true).unwrap_err();
        assert!(err.0.contains("hpy-build build -o DIR"), "{}", err.0);
    }

    #[test]
    fn help_and_errors() {
        assert!(wants_help(&os(&["--release", "--help"])));
        assert!(wants_help(&os(&["-h"])));
        assert!(!wants_help(&os(&["--", "--help"])));
        assert_eq!(run(os(&["--help"])).ok(), Some(()));
        assert_eq!(run(os(&["build", "--help"])).ok(), Some(()));
        assert_eq!(run(os(&["help", "convert"])).ok(), Some(()));
        let err = run(os(&["bulid"])).unwrap_err();
        assert!(err.0.contains("unknown command \"bulid\""), "{}", err.0);
        let err = run(os(&[])).unwrap_err();
        assert!(err.0.contains("no command given"), "{}", err.0);
        let err = run(os(&["convert", "x.whl"])).unwrap_err();
        assert!(err.0.contains("output folder is missing"), "{}", err.0);
        let err = run(os(&["convert", "-o", "out"])).unwrap_err();
        assert!(err.0.contains("no wheel given"), "{}", err.0);
        let err = run(os(&["convert", "--frobnicate", "x.whl", "-o", "out"])).unwrap_err();
        assert!(err.0.contains("unknown option"), "{}", err.0);
        // A conversion error is reported with the wheel's name.
        let err = run(os(&["convert", "not-a-wheel.txt", "-o", "out"])).unwrap_err();
        assert!(
            err.0.contains("not-a-wheel.txt: not a wheel file name"),
            "{}",
            err.0
        );
        assert_eq!(main(os(&["convert", "-o", "out"])), 1);
        assert_eq!(main(os(&["--version"])), 0);
    }

    #[test]
    fn finds_the_target_folder_with_cargo_metadata() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let found = cargo_target_dir(Some(&manifest)).unwrap();
        // This workspace's target folder, or wherever CARGO_TARGET_DIR moves it.
        let expected = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => std::env::current_dir().unwrap().join(dir),
            None => manifest.parent().unwrap().parent().unwrap().join("target"),
        };
        assert_eq!(found, expected);
        let err = cargo_target_dir(Some(Path::new("/nonexistent/Cargo.toml"))).unwrap_err();
        assert!(
            err.0.contains("give the output folder with -o DIR"),
            "{}",
            err.0
        );
    }

    #[test]
    fn a_missing_maturin_is_explained() {
        let dir = crate::test_util::temp_dir("no-maturin");
        let missing = dir.join("no-such-maturin");
        let err = maturin_build(missing.as_os_str(), &[], &[], &dir)
            .unwrap_err()
            .0;
        assert!(err.contains("maturin not found"), "{err}");
        assert!(err.contains("pip install 'maturin>=1.5,<2'"), "{err}");
        assert!(err.contains("MATURIN"), "{err}");
        // A maturin that fails: its status is reported.
        let err = maturin_build(OsStr::new("false"), &[], &[], &dir)
            .unwrap_err()
            .0;
        assert!(err.contains("maturin build failed"), "{err}");
        // One that succeeds without writing a wheel.
        let err = collect(&dir, &dir.join("out")).unwrap_err().0;
        assert!(err.contains("wrote no wheel"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }
}

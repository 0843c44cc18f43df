//! Which maturin command, if any, drives the current build, and what that means for a universal
//! build: maturin packs a universal binary like a CPython extension module, so the wheel it
//! makes must be converted (`hpy-build convert`) before any Python can import it. A command that
//! installs that wheel straight away (`maturin develop`, `pip install .` through maturin's
//! PEP 517 backend) can only produce a broken installation.
//!
//! maturin passes nothing to cargo that tells `develop` from `build` (checked against maturin
//! 1.16), so the command is read from the process tree: a build script's parent is cargo and
//! cargo's parent is maturin (`maturin develop`, `maturin pep517 build-wheel ...`). That needs
//! `/proc`: on other systems nothing is detected and nothing is refused.

use crate::Source;

/// Set to `1` when the wheel of a universal maturin build will be converted afterwards (the
/// `hpy-build` command sets it for the maturin it runs): no warning for `maturin build`, and
/// maturin's PEP 517 backend is allowed to build the (unconverted) wheel.
pub const WILL_CONVERT_ENV: &str = "HPY_BUILD_WILL_CONVERT";

/// A maturin command line, as far as the universal-mode check cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MaturinCommand {
    /// `maturin build`: a wheel that needs `hpy-build convert`.
    Build,
    /// `maturin develop`: builds and installs into a virtual environment.
    Develop,
    /// `maturin pep517 <hook>`: the build backend pip and `python -m build` call.
    Pep517(String),
    /// Any other subcommand.
    Other(String),
}

impl MaturinCommand {
    /// The command a maturin process runs, from its argument vector; `None` when `argv[0]`
    /// is not maturin. The subcommand is the first argument that is not an option.
    pub fn from_argv<S: AsRef<str>>(argv: &[S]) -> Option<MaturinCommand> {
        let program = argv.first()?.as_ref();
        let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
        let base = base.strip_suffix(".exe").unwrap_or(base);
        if base != "maturin" {
            return None;
        }
        let mut words = argv[1..]
            .iter()
            .map(AsRef::as_ref)
            .filter(|a| !a.starts_with('-'));
        Some(match words.next().unwrap_or("") {
            "build" => MaturinCommand::Build,
            "develop" => MaturinCommand::Develop,
            "pep517" => MaturinCommand::Pep517(words.next().unwrap_or("").to_owned()),
            other => MaturinCommand::Other(other.to_owned()),
        })
    }
}

/// The maturin command among the nearest ancestors of this process, if any.
#[cfg(target_os = "linux")]
pub(crate) fn maturin_ancestor() -> Option<MaturinCommand> {
    let mut pid = std::os::unix::process::parent_id();
    // build script <- cargo <- maturin, with room for wrappers (a rustup proxy, a shell).
    for _ in 0..6 {
        if pid <= 1 {
            return None;
        }
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
        let argv: Vec<String> = cmdline
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if let Some(command) = MaturinCommand::from_argv(&argv) {
            return Some(command);
        }
        pid = parent_of(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)?;
    }
    None
}

/// Without `/proc`, nothing is detected.
#[cfg(not(target_os = "linux"))]
pub(crate) fn maturin_ancestor() -> Option<MaturinCommand> {
    None
}

/// The parent process id in the text of `/proc/<pid>/stat`: the second field after the
/// command name, which is in parentheses and may itself hold spaces and parentheses.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parent_of(stat: &str) -> Option<u32> {
    let (_, after) = stat.rsplit_once(')')?;
    after.split_whitespace().nth(1)?.parse().ok()
}

fn why_universal(source: &Source) -> String {
    match source {
        Source::Override => "HPY_ABI=universal is set".to_owned(),
        Source::Interpreter(implementation) => {
            format!("the target interpreter is {implementation}, and HPY_ABI is not set")
        }
        Source::HpyCore => "hpy-core was built in universal mode".to_owned(),
    }
}

/// What a universal build under `command` must do: `Err(message)` to refuse it,
/// `Ok(Some(warning))` to go on with a warning, `Ok(None)` to go on quietly.
pub(crate) fn verdict(
    command: Option<&MaturinCommand>,
    will_convert: bool,
    source: &Source,
) -> Result<Option<String>, String> {
    let why = why_universal(source);
    match command {
        Some(MaturinCommand::Develop) => Err(format!(
            "`maturin develop` cannot install an HPy universal module ({why}): maturin would \
             install the universal binary as a CPython extension module, which Python cannot \
             import. Run `hpy-build develop` instead (the same options; it builds the universal \
             wheel, converts it and pip-installs it into the active virtual environment), or \
             set HPY_ABI=cpython for a CPython-ABI build (on PyPy it runs through cpyext)."
        )),
        Some(MaturinCommand::Pep517(hook)) if !will_convert => Err(format!(
            "maturin's PEP 517 backend (`maturin pep517 {hook}`: `pip install`, `pip wheel` or \
             `python -m build`) is building this project in HPy universal mode ({why}), and \
             the wheel it makes could not be imported as it is. Either set HPY_ABI=cpython for \
             a CPython-ABI wheel (on PyPy it runs through cpyext), or build the universal wheel \
             with `hpy-build build -o dist` and pip install that file. (With \
             {WILL_CONVERT_ENV}=1 the backend builds the unconverted wheel, for \
             `hpy-build convert`.)"
        )),
        Some(MaturinCommand::Build) if !will_convert => Ok(Some(format!(
            "HPy universal mode ({why}): the wheel `maturin build` makes cannot be imported \
             until it is converted with `hpy-build convert <wheel> -o <dir>`; `hpy-build build` \
             does both steps (set {WILL_CONVERT_ENV}=1 to silence this warning)."
        ))),
        _ => Ok(None),
    }
}

/// In universal mode: refuses a build whose wheel maturin would install unconverted, warns
/// about one it would leave unconverted (see [`crate::configure`]).
pub(crate) fn check_universal_build(source: &Source) {
    println!("cargo::rerun-if-env-changed={WILL_CONVERT_ENV}");
    let will_convert = std::env::var(WILL_CONVERT_ENV).is_ok_and(|v| v.trim() == "1");
    match verdict(maturin_ancestor().as_ref(), will_convert, source) {
        Err(message) => crate::refuse(&message),
        Ok(Some(warning)) => println!("cargo::warning={warning}"),
        Ok(None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_maturin_command_lines() {
        let cmd = |argv: &[&str]| MaturinCommand::from_argv(argv);
        assert_eq!(
            cmd(&["/venv/bin/maturin", "develop", "-q"]),
            Some(MaturinCommand::Develop)
        );
        assert_eq!(
            cmd(&["maturin", "--verbose", "build", "--release"]),
            Some(MaturinCommand::Build)
        );
        assert_eq!(
            cmd(&[
                "/tmp/pip-build-env-x/overlay/bin/maturin",
                "pep517",
                "build-wheel",
                "-i",
                "/usr/bin/python3"
            ]),
            Some(MaturinCommand::Pep517("build-wheel".to_owned()))
        );
        assert_eq!(
            cmd(&["C:\\py\\Scripts\\maturin.exe", "develop"]),
            Some(MaturinCommand::Develop)
        );
        assert_eq!(
            cmd(&["maturin", "sdist"]),
            Some(MaturinCommand::Other("sdist".to_owned()))
        );
        assert_eq!(cmd(&["cargo", "build"]), None);
        assert_eq!(cmd(&["/usr/bin/maturin-helper", "develop"]), None);
        assert_eq!(cmd(&[] as &[&str]), None);
    }

    #[test]
    fn reads_the_parent_from_proc_stat() {
        assert_eq!(parent_of("4242 (cargo) S 4200 4242 1 0"), Some(4200));
        assert_eq!(parent_of("17 (my (odd) name) R 3 17 1"), Some(3));
        assert_eq!(parent_of("garbage"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_test_runner_is_not_driven_by_maturin() {
        // cargo test <- a shell or CI runner: no maturin among the ancestors.
        assert_eq!(maturin_ancestor(), None);
    }

    #[test]
    fn refuses_installing_commands_and_warns_on_build() {
        let from_env = Source::Override;
        let err = verdict(Some(&MaturinCommand::Develop), false, &from_env).unwrap_err();
        assert!(err.contains("`hpy-build develop`"), "{err}");
        assert!(err.contains("HPY_ABI=universal is set"), "{err}");
        // Even when told the wheel will be converted: develop installs it first.
        assert!(verdict(Some(&MaturinCommand::Develop), true, &from_env).is_err());

        let pypy = Source::Interpreter("PyPy".to_owned());
        let pep517 = MaturinCommand::Pep517("build-wheel".to_owned());
        let err = verdict(Some(&pep517), false, &pypy).unwrap_err();
        assert!(err.contains("HPY_ABI=cpython"), "{err}");
        assert!(err.contains("the target interpreter is PyPy"), "{err}");
        assert_eq!(verdict(Some(&pep517), true, &pypy), Ok(None));

        let warning = verdict(Some(&MaturinCommand::Build), false, &from_env)
            .unwrap()
            .unwrap();
        assert!(warning.contains("hpy-build convert"), "{warning}");
        assert_eq!(
            verdict(Some(&MaturinCommand::Build), true, &from_env),
            Ok(None)
        );
        assert_eq!(verdict(None, false, &from_env), Ok(None));
        assert_eq!(
            verdict(
                Some(&MaturinCommand::Other("sdist".into())),
                false,
                &from_env
            ),
            Ok(None)
        );
    }
}

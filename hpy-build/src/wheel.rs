//! Turns the wheel maturin builds with `HPY_ABI=universal` into an HPy universal wheel: the
//! conversion behind `hpy-build convert` (and the last step of `hpy-build build`).
//!
//! # Why
//!
//! An HPy *universal* binary is not a CPython extension module: it exports `HPyInit_<mod>`,
//! `HPyInitGlobalContext_<mod>` and `get_required_hpy_{major,minor}_version_<mod>` instead of
//! `PyInit_<mod>`, and links nothing of Python. No interpreter imports it directly. It must be
//!
//! * named `<mod>.hpy0.so`: the HPy loader refuses a file whose name lacks `.hpy<major>`;
//! * loaded by a small Python stub `<mod>.py` that calls `hpy.universal._load_bootstrap(...)`
//!   (PyPy and GraalPy ship `hpy.universal`; on CPython it comes from the `hpy` package on
//!   PyPI, so the wheel must depend on `hpy` there).
//!
//! Stock maturin knows none of this: with `bindings = "pyo3"` it names the file with CPython's
//! `EXT_SUFFIX` (`hello.cpython-311-x86_64-linux-gnu.so`), wraps it in a `hello/__init__.py`
//! package, tags the wheel `cp311-cp311-<platform>` and adds no dependency. (HPy's own
//! setuptools integration writes a stub, but one that imports `pkg_resources`, which recent
//! setuptools no longer has.) [`convert`]:
//!
//! * checks, by reading the binary's dynamic symbol table, that it really is universal: it
//!   exports `HPyInit_<mod>` and not `PyInit_<mod>`;
//! * stores it as `<mod>.hpy0.so` at the root of the wheel, next to a `<mod>.py` stub
//!   ([`loader_stub`]) that finds it through `__spec__` and `os.path` (no `pkg_resources`),
//!   replaces `sys.modules[__name__]` and gives the module the same `__name__` and `__file__`
//!   on every runtime (PyPy 3.11's built-in loader sets them to the short name and the dotted
//!   name);
//! * drops maturin's `<mod>/__init__.py` wrapper (a wheel with any other Python file, a mixed
//!   Rust/Python project, is refused);
//! * adds [`REQUIRES_DIST`] to `METADATA` (unless it already requires `hpy`);
//! * retags the wheel `py3-none-<platform>` for each of its platform tags (the binary needs
//!   only the C library and an HPy loader, not a particular Python) and rewrites `RECORD`;
//! * writes every member with the same timestamp (1980-01-01) and permissions, so that the
//!   same input gives the same bytes, and writes the file atomically (a temporary file in the
//!   output folder, then a rename).

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::elf;

/// The HPy ABI tag in the binary's file name (HPy 0.9 is ABI version 0.0: tag `hpy0`).
pub const HPY_ABI_TAG: &str = "hpy0";
/// The package that provides `hpy.universal` on CPython.
pub const HPY_REQUIREMENT: &str = "hpy==0.9.0";
/// The dependency line added to `METADATA`. PyPy and GraalPy have `hpy.universal` built in (and
/// `hpy` refuses to install there), hence the marker.
pub const REQUIRES_DIST: &str = "Requires-Dist: hpy==0.9.0; implementation_name == \"cpython\"";

/// Why a wheel cannot be converted.
#[derive(Debug)]
pub struct ConvertError {
    message: String,
}

impl ConvertError {
    fn new(message: impl Into<String>) -> Self {
        ConvertError {
            message: message.into(),
        }
    }

    /// What went wrong, naming the wheel and, where it helps, how to fix it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConvertError {}

/// The parts of a wheel's file name:
/// `{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WheelName {
    /// The distribution (project) name, as escaped in file names.
    pub distribution: String,
    /// The version.
    pub version: String,
    /// The optional build tag (it starts with a digit).
    pub build: Option<String>,
    /// The Python tag, e.g. `cp311` (several joined with `.`).
    pub python: String,
    /// The ABI tag, e.g. `cp311`.
    pub abi: String,
    /// The platform tag, e.g. `manylinux_2_34_x86_64` (several joined with `.`).
    pub platform: String,
}

impl WheelName {
    /// Parses a wheel's file name (the last component of `path`).
    ///
    /// # Errors
    /// When the name does not have the five or six `-`-separated parts of a wheel's name.
    pub fn parse(path: &Path) -> Result<WheelName, ConvertError> {
        let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("");
        let bad = || {
            ConvertError::new(format!(
                "{}: not a wheel file name (expected \
                 <distribution>-<version>-<python tag>-<abi tag>-<platform tag>.whl)",
                path.display()
            ))
        };
        let stem = file.strip_suffix(".whl").ok_or_else(bad)?;
        let parts: Vec<&str> = stem.split('-').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        let (build, tags) = match parts.len() {
            5 => (None, &parts[2..]),
            6 if parts[2].starts_with(|c: char| c.is_ascii_digit()) => {
                (Some(parts[2].to_owned()), &parts[3..])
            }
            _ => return Err(bad()),
        };
        Ok(WheelName {
            distribution: parts[0].to_owned(),
            version: parts[1].to_owned(),
            build,
            python: tags[0].to_owned(),
            abi: tags[1].to_owned(),
            platform: tags[2].to_owned(),
        })
    }

    /// The name of the converted wheel: the same distribution, version, build and platform,
    /// tagged `py3-none`.
    pub fn universal_file_name(&self) -> String {
        let build = self
            .build
            .as_ref()
            .map(|b| format!("-{b}"))
            .unwrap_or_default();
        format!(
            "{}-{}{build}-py3-none-{}.whl",
            self.distribution, self.version, self.platform
        )
    }
}

/// The Python loader stub `<module>.py` of a universal module whose binary is `<module>.hpy0.so`.
///
/// It loads the binary next to it through `hpy.universal._load_bootstrap` (from the `hpy`
/// package on CPython, built into PyPy and GraalPy), fixes the `__name__` and `__file__` that
/// PyPy 3.11's loader gets wrong, and replaces itself in `sys.modules`. Without
/// `hpy.universal` it raises an `ImportError` that says what to install.
pub fn loader_stub(module: &str) -> String {
    let so_name = format!("{module}.{HPY_ABI_TAG}.so");
    format!(
        r#""""Loader stub of the HPy universal extension module `{module}`.

The compiled code is in `{so_name}`, next to this file. It is not a CPython extension
module, so it is loaded through `hpy.universal`, which then replaces this module in
`sys.modules`. Generated by `hpy-build convert`.
"""


def __bootstrap__():
    import os
    import sys

    try:
        from hpy.universal import _load_bootstrap
    except ImportError as exc:
        raise ImportError(
            "{module} is an HPy universal extension module and needs the HPy runtime "
            "(hpy.universal), which this Python does not provide. On CPython, install it "
            "with: pip install {HPY_REQUIREMENT}"
        ) from exc

    spec = globals().get("__spec__")
    origin = spec.origin if spec is not None and spec.origin else __file__
    ext_filepath = os.path.join(os.path.dirname(os.path.abspath(origin)), '{so_name}')
    module = _load_bootstrap(
        '{module}', __name__, __package__, ext_filepath, __loader__, spec, os.environ
    )
    # PyPy's built-in loader (7.3.19) swaps two attributes: it sets __name__ to the short
    # name and __file__ to the dotted name. Give every runtime what CPython's hpy.universal
    # sets: the full name, and the path of the binary.
    if module.__name__ != __name__:
        module.__name__ = __name__
    if getattr(module, "__file__", None) != ext_filepath:
        module.__file__ = ext_filepath
    sys.modules[__name__] = module


__bootstrap__()
"#
    )
}

/// `METADATA` with [`REQUIRES_DIST`] appended to its header block, or unchanged when a header
/// already requires `hpy` (any version or marker: the author's choice is kept). The body (the
/// long description after the first blank line) is kept as it is; line ends become `\n`.
pub fn add_requirement(metadata: &str) -> String {
    let metadata = metadata.replace("\r\n", "\n");
    let (head, body) = match metadata.split_once("\n\n") {
        Some((head, body)) => (head, Some(body)),
        None => (metadata.as_str(), None),
    };
    let mut lines: Vec<&str> = head.trim_end_matches('\n').split('\n').collect();
    let requires_hpy = lines.iter().any(|line| {
        let (key, value) = line.split_once(':').unwrap_or((line, ""));
        key.trim().eq_ignore_ascii_case("requires-dist") && names_hpy(value)
    });
    if requires_hpy {
        return metadata;
    }
    lines.push(REQUIRES_DIST);
    let mut out = lines.join("\n");
    out.push('\n');
    if let Some(body) = body {
        out.push('\n');
        out.push_str(body);
    }
    out
}

/// Whether a `Requires-Dist` value is a requirement on the `hpy` project itself (not `hpyx`).
fn names_hpy(value: &str) -> bool {
    let value = value.trim_start();
    match value.get(..3) {
        Some(name) if name.eq_ignore_ascii_case("hpy") => {
            let rest = value[3..].trim_start();
            rest.is_empty() || rest.starts_with(['=', '<', '>', '!', '~', ';', '(', '[', ' '])
        }
        _ => false,
    }
}

/// `WHEEL` with `Root-Is-Purelib: false` and one `Tag: py3-none-<platform>` line per platform
/// tag, instead of maturin's tags; the `Generator` line names this tool too.
pub fn retag_wheel_file(original: &str, platforms: &[&str]) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in original.lines() {
        let key = line
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match key.as_str() {
            "tag" | "root-is-purelib" => continue,
            "generator" => out.push(format!("{line} + hpy-build {}", env!("CARGO_PKG_VERSION"))),
            _ => out.push(line.to_owned()),
        }
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.push("Root-Is-Purelib: false".to_owned());
    out.extend(platforms.iter().map(|p| format!("Tag: py3-none-{p}")));
    out.join("\n") + "\n"
}

/// The `sha256=<urlsafe base64, unpadded>` digest of a `RECORD` line.
pub fn record_hash(data: &[u8]) -> String {
    format!("sha256={}", base64_urlsafe_nopad(&Sha256::digest(data)))
}

fn base64_urlsafe_nopad(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        // One output character per 6 bits of input: 2, 3 or 4 for 1, 2 or 3 bytes.
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// A `RECORD` field: quoted as CSV when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// A member of the wheel: its bytes and its Unix permission bits.
struct Member {
    data: Vec<u8>,
    mode: u32,
}

fn read_members(input: &Path) -> Result<BTreeMap<String, Member>, ConvertError> {
    let fail = |e: &dyn fmt::Display| {
        ConvertError::new(format!("{}: cannot read the wheel: {e}", input.display()))
    };
    let file = File::open(input).map_err(|e| fail(&e))?;
    let mut archive = ZipArchive::new(file).map_err(|e| fail(&e))?;
    let mut members = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| fail(&e))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_owned();
        let mode = entry.unix_mode().map_or(0, |m| m & 0o7777);
        let mut data = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        entry.read_to_end(&mut data).map_err(|e| fail(&e))?;
        if members
            .insert(name.clone(), Member { data, mode })
            .is_some()
        {
            return Err(ConvertError::new(format!(
                "{}: the wheel holds {name} twice",
                input.display()
            )));
        }
    }
    Ok(members)
}

fn is_python_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Converts maturin's universal-mode wheel `input` and writes the HPy universal wheel into
/// `out_dir` (created if needed). Returns the path of the new wheel,
/// `<distribution>-<version>-py3-none-<platform>.whl`.
///
/// The same input always gives the same bytes. Nothing is written when the input is refused.
///
/// # Errors
/// When `input` cannot be read or is not a wheel; when it does not hold exactly one binary,
/// or holds Python files besides maturin's generated `__init__.py` (mixed Rust/Python
/// projects are not supported); when the binary is not an HPy universal one (it was built
/// in CPython-ABI mode: it exports `PyInit_<mod>`, or no `HPyInit_<mod>`); when the output
/// cannot be written.
pub fn convert(input: &Path, out_dir: &Path) -> Result<PathBuf, ConvertError> {
    let name = WheelName::parse(input)?;
    let shown = input.display();
    let dist_info = format!("{}-{}.dist-info/", name.distribution, name.version);
    let data_dir = format!("{}-{}.data/", name.distribution, name.version);
    let members = read_members(input)?;

    for required in ["METADATA", "WHEEL"] {
        if !members.contains_key(&format!("{dist_info}{required}")) {
            return Err(ConvertError::new(format!(
                "{shown}: the wheel has no {dist_info}{required}"
            )));
        }
    }

    // The extension: the one shared object outside the metadata folders.
    let payload: Vec<&String> = members
        .keys()
        .filter(|n| !n.starts_with(&dist_info) && !n.starts_with(&data_dir))
        .collect();
    let sos: Vec<&&String> = payload.iter().filter(|n| n.ends_with(".so")).collect();
    let so_path = match sos.as_slice() {
        [one] => (**one).clone(),
        _ => {
            let list: Vec<&str> = sos.iter().map(|s| s.as_str()).collect();
            return Err(ConvertError::new(format!(
                "{shown}: expected exactly one extension (.so) in the wheel, found {}{}{}",
                sos.len(),
                if sos.is_empty() { "" } else { ": " },
                list.join(", ")
            )));
        }
    };
    let so_file = so_path.rsplit('/').next().unwrap_or(&so_path).to_owned();
    let module = so_file.split('.').next().unwrap_or("").to_owned();
    if !is_python_identifier(&module) {
        return Err(ConvertError::new(format!(
            "{shown}: the extension {so_path} does not start with a module name \
             (an ASCII Python identifier)"
        )));
    }
    let so_name = format!("{module}.{HPY_ABI_TAG}.so");

    // Everything else must be maturin's generated package wrapper, `<module>/__init__.py`,
    // which re-exports the extension. Anything more is a mixed Rust/Python project.
    let init = format!("{module}/__init__.py");
    let reexport = format!("from .{module} import");
    let unsupported: Vec<&str> = payload
        .iter()
        .filter(|n| ***n != so_path)
        .filter(|n| {
            let generated = ***n == init
                && String::from_utf8_lossy(&members[**n].data)
                    .trim_start()
                    .starts_with(&reexport);
            !generated
        })
        .map(|n| n.as_str())
        .collect();
    if !unsupported.is_empty() {
        return Err(ConvertError::new(format!(
            "{shown}: the wheel contains Python files or other data besides the extension \
             ({}). Mixed Rust/Python projects are not supported by hpy-build convert: an HPy \
             universal module is a single `{module}.py` loader stub plus `{so_name}`.",
            unsupported.join(", ")
        )));
    }
    if so_path != so_file && so_path != format!("{module}/{so_file}") {
        return Err(ConvertError::new(format!(
            "{shown}: unexpected location of the extension: {so_path}"
        )));
    }

    let so_data = &members[&so_path].data;
    let symbols = elf::defined_dynamic_symbols(so_data)
        .map_err(|e| ConvertError::new(format!("{shown}: {so_path}: {e}")))?;
    let hpy_init = format!("HPyInit_{module}");
    let py_init = format!("PyInit_{module}");
    if !symbols.contains(&hpy_init) || symbols.contains(&py_init) {
        let mentioning: Vec<&str> = symbols
            .iter()
            .filter(|s| s.contains(&module))
            .map(String::as_str)
            .collect();
        return Err(ConvertError::new(format!(
            "{shown}: {so_path} is not an HPy universal binary: it must export {hpy_init} and \
             not {py_init} (exports mentioning {module:?}: {}). The wheel was not built with \
             HPY_ABI=universal; build it with `hpy-build build` (or \
             `HPY_ABI=universal maturin build`, then `hpy-build convert`).",
            if mentioning.is_empty() {
                "none".to_owned()
            } else {
                mentioning.join(", ")
            }
        )));
    }

    let platforms: Vec<&str> = name.platform.split('.').collect();
    let mut out_files: Vec<(String, Vec<u8>, u32)> = vec![
        (
            format!("{module}.py"),
            loader_stub(&module).into_bytes(),
            0o644,
        ),
        (so_name, so_data.clone(), 0o755),
    ];
    for (member, m) in members.range(data_dir.clone()..) {
        if !member.starts_with(&data_dir) {
            break;
        }
        let mode = if m.mode == 0 { 0o644 } else { m.mode };
        out_files.push((member.clone(), m.data.clone(), mode));
    }
    let record = format!("{dist_info}RECORD");
    for (member, m) in members.range(dist_info.clone()..) {
        if !member.starts_with(&dist_info) {
            break;
        }
        if *member == record {
            continue;
        }
        let utf8 = |what: &str| {
            String::from_utf8(m.data.clone())
                .map_err(|_| ConvertError::new(format!("{shown}: {dist_info}{what} is not UTF-8")))
        };
        let data = if *member == format!("{dist_info}METADATA") {
            add_requirement(&utf8("METADATA")?).into_bytes()
        } else if *member == format!("{dist_info}WHEEL") {
            retag_wheel_file(&utf8("WHEEL")?, &platforms).into_bytes()
        } else {
            m.data.clone()
        };
        out_files.push((member.clone(), data, 0o644));
    }
    let mut record_text = String::new();
    for (member, data, _) in &out_files {
        record_text.push_str(&format!(
            "{},{},{}\n",
            csv_field(member),
            record_hash(data),
            data.len()
        ));
    }
    record_text.push_str(&format!("{},,\n", csv_field(&record)));
    out_files.push((record, record_text.into_bytes(), 0o644));

    fs::create_dir_all(out_dir).map_err(|e| {
        ConvertError::new(format!(
            "cannot create the output folder {}: {e}",
            out_dir.display()
        ))
    })?;
    let out_path = out_dir.join(name.universal_file_name());
    write_atomically(&out_path, &out_files)
        .map_err(|e| ConvertError::new(format!("cannot write {}: {e}", out_path.display())))?;
    Ok(out_path)
}

/// Writes the zip to a temporary file next to `path`, then renames it: a failed or interrupted
/// run never leaves a half-written wheel. The file gets the usual permissions of a new file
/// (0o666 minus the umask).
fn write_atomically(path: &Path, files: &[(String, Vec<u8>, u32)]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let tmp = dir.join(format!(
        ".tmp-{}-{nanos:08x}-{}.whl",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    let written = (|| {
        let mut zip = ZipWriter::new(file);
        for (name, data, mode) in files {
            let options = SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .last_modified_time(DateTime::default())
                .unix_permissions(*mode);
            zip.start_file(name.as_str(), options)
                .map_err(io::Error::other)?;
            zip.write_all(data)?;
        }
        zip.finish().map_err(io::Error::other)?.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{compile_so, temp_dir};

    const MODULE: &str = "hello";
    const DIST_INFO: &str = "hello-0.1.0.dist-info";
    /// What maturin writes as `hello/__init__.py`.
    const MATURIN_INIT: &str = "from .hello import *\n\n__doc__ = hello.__doc__\n\
        if hasattr(hello, \"__all__\"):\n    __all__ = hello.__all__";

    /// A shared object with the exports of a universal (`HPyInit_hello`) or a CPython-ABI
    /// (`PyInit_hello`) build of `hello`.
    fn library(dir: &Path, universal: bool) -> Vec<u8> {
        let source = if universal {
            "int HPyInit_hello(void) { return 0; }\n\
             int HPyInitGlobalContext_hello(void) { return 0; }\n\
             int get_required_hpy_major_version_hello(void) { return 0; }\n\
             int get_required_hpy_minor_version_hello(void) { return 0; }\n"
        } else {
            "int PyInit_hello(void) { return 0; }\n"
        };
        let name = if universal { "universal" } else { "cpython" };
        fs::read(compile_so(dir, name, source, &[])).unwrap()
    }

    /// Options of a synthetic maturin wheel.
    struct Input<'a> {
        platform: &'a str,
        so: &'a [u8],
        init: Option<&'a str>,
        metadata: &'a str,
        extra: Vec<(&'a str, &'a [u8])>,
        file_name: Option<&'a str>,
    }

    impl<'a> Input<'a> {
        fn new(so: &'a [u8]) -> Self {
            Input {
                platform: "manylinux_2_34_x86_64",
                so,
                init: Some(MATURIN_INIT),
                metadata: "Metadata-Version: 2.4\nName: hello\nVersion: 0.1.0\n\
                           Requires-Python: >=3.9\n",
                extra: Vec::new(),
                file_name: None,
            }
        }
    }

    /// A wheel laid out like `maturin build` output for a pure-Rust project.
    fn maturin_wheel(dir: &Path, input: &Input<'_>) -> PathBuf {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        if let Some(init) = input.init {
            files.push((format!("{MODULE}/__init__.py"), init.as_bytes().to_vec()));
        }
        files.push((
            format!("{MODULE}/{MODULE}.cpython-311-x86_64-linux-gnu.so"),
            input.so.to_vec(),
        ));
        for (name, data) in &input.extra {
            files.push(((*name).to_owned(), data.to_vec()));
        }
        files.push((
            format!("{DIST_INFO}/METADATA"),
            input.metadata.as_bytes().to_vec(),
        ));
        let tags: String = input
            .platform
            .split('.')
            .map(|p| format!("Tag: cp311-cp311-{p}\n"))
            .collect();
        files.push((
            format!("{DIST_INFO}/WHEEL"),
            format!(
                "Wheel-Version: 1.0\nGenerator: maturin (1.16.0)\nRoot-Is-Purelib: false\n{tags}"
            )
            .into_bytes(),
        ));
        let mut record: String = files
            .iter()
            .map(|(n, d)| format!("{n},{},{}\n", record_hash(d), d.len()))
            .collect();
        record.push_str(&format!("{DIST_INFO}/RECORD,,\n"));
        files.push((format!("{DIST_INFO}/RECORD"), record.into_bytes()));

        let default_name = format!("hello-0.1.0-cp311-cp311-{}.whl", input.platform);
        let path = dir.join(input.file_name.unwrap_or(&default_name));
        let mut zip = ZipWriter::new(File::create(&path).unwrap());
        for (name, data) in files {
            let mode = if name.ends_with(".so") { 0o755 } else { 0o644 };
            zip.start_file(name, SimpleFileOptions::default().unix_permissions(mode))
                .unwrap();
            zip.write_all(&data).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    fn entries(path: &Path) -> BTreeMap<String, Member> {
        read_members(path).unwrap()
    }

    fn text(members: &BTreeMap<String, Member>, name: &str) -> String {
        String::from_utf8(members[name].data.clone()).unwrap()
    }

    /// RECORD lists every member once with its sha256 and size, and itself without either.
    fn verify_record(members: &BTreeMap<String, Member>) {
        let record = text(members, &format!("{DIST_INFO}/RECORD"));
        let mut listed = Vec::new();
        for line in record.lines() {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 3, "{line}");
            listed.push(fields[0].to_owned());
            if fields[0] == format!("{DIST_INFO}/RECORD") {
                assert_eq!(&fields[1..], ["", ""]);
            } else {
                let data = &members[fields[0]].data;
                assert_eq!(fields[1], record_hash(data), "{line}");
                assert_eq!(fields[2], data.len().to_string(), "{line}");
            }
        }
        let mut sorted = listed.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), listed.len(), "duplicate RECORD lines");
        assert_eq!(sorted, members.keys().cloned().collect::<Vec<_>>());
    }

    #[test]
    fn converts_a_maturin_wheel() {
        let dir = temp_dir("convert");
        let so = library(&dir, true);
        let input = maturin_wheel(&dir, &Input::new(&so));
        let out_dir = dir.join("out");
        let out = convert(&input, &out_dir).unwrap();
        assert_eq!(
            out,
            out_dir.join("hello-0.1.0-py3-none-manylinux_2_34_x86_64.whl")
        );
        let members = entries(&out);
        let names: Vec<&str> = members.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "hello-0.1.0.dist-info/METADATA",
                "hello-0.1.0.dist-info/RECORD",
                "hello-0.1.0.dist-info/WHEEL",
                "hello.hpy0.so",
                "hello.py",
            ]
        );
        assert_eq!(members["hello.hpy0.so"].data, so);
        assert_eq!(members["hello.hpy0.so"].mode, 0o755);
        assert_eq!(members["hello.py"].mode, 0o644);
        assert_eq!(text(&members, "hello.py"), loader_stub(MODULE));
        let metadata = text(&members, &format!("{DIST_INFO}/METADATA"));
        assert_eq!(
            metadata,
            format!(
                "Metadata-Version: 2.4\nName: hello\nVersion: 0.1.0\nRequires-Python: >=3.9\n\
                 {REQUIRES_DIST}\n"
            )
        );
        let wheel = text(&members, &format!("{DIST_INFO}/WHEEL"));
        assert_eq!(
            wheel,
            format!(
                "Wheel-Version: 1.0\nGenerator: maturin (1.16.0) + hpy-build {}\n\
                 Root-Is-Purelib: false\nTag: py3-none-manylinux_2_34_x86_64\n",
                env!("CARGO_PKG_VERSION")
            )
        );
        verify_record(&members);

        // Reproducible: converting again gives the same bytes. No temporary file is left.
        let again = convert(&input, &dir.join("again")).unwrap();
        assert_eq!(fs::read(&again).unwrap(), fs::read(&out).unwrap());
        let left: Vec<_> = fs::read_dir(&out_dir).unwrap().collect();
        assert_eq!(left.len(), 1);
        // Converting into the same folder again replaces the file.
        assert_eq!(convert(&input, &out_dir).unwrap(), out);
        assert_eq!(fs::read_dir(&out_dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_stub_is_python_that_loads_the_binary_next_to_it() {
        let stub = loader_stub("greeter");
        assert!(!stub.contains("pkg_resources"));
        assert!(stub.contains("from hpy.universal import _load_bootstrap"));
        assert!(stub.contains("__spec__"));
        assert!(stub.contains("'greeter.hpy0.so'"));
        assert!(stub.contains("_load_bootstrap(\n        'greeter', __name__"));
        assert!(stub.contains("pip install hpy==0.9.0"));
        assert!(stub.contains("sys.modules[__name__] = module"));
        // It compiles, where a Python is at hand (it is on every machine that builds wheels).
        if let Ok(out) = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys; compile(sys.stdin.read(), 'greeter.py', 'exec')",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                child.stdin.take().unwrap().write_all(stub.as_bytes())?;
                child.wait_with_output()
            })
        {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    #[test]
    fn keeps_every_platform_tag_and_the_build_tag() {
        let dir = temp_dir("platforms");
        let so = library(&dir, true);
        let plat = "manylinux_2_17_x86_64.manylinux2014_x86_64";
        let mut input = Input::new(&so);
        input.platform = plat;
        let file_name = format!("hello-0.1.0-7x-cp311-cp311-{plat}.whl");
        input.file_name = Some(&file_name);
        let out = convert(&maturin_wheel(&dir, &input), &dir.join("out")).unwrap();
        assert_eq!(
            out.file_name().unwrap().to_str().unwrap(),
            format!("hello-0.1.0-7x-py3-none-{plat}.whl")
        );
        let wheel = text(&entries(&out), &format!("{DIST_INFO}/WHEEL"));
        let tags: Vec<&str> = wheel.lines().filter(|l| l.starts_with("Tag:")).collect();
        assert_eq!(
            tags,
            [
                "Tag: py3-none-manylinux_2_17_x86_64",
                "Tag: py3-none-manylinux2014_x86_64"
            ]
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn keeps_the_metadata_body_and_an_existing_requirement() {
        let body = "Metadata-Version: 2.4\nName: hello\nVersion: 0.1.0\nRequires-Dist: hpy>=0.9\n\n\
                    # Hello\n\nText: not a header\n";
        assert_eq!(add_requirement(body), body);
        for existing in [
            "hpy",
            "HPy (>=0.9)",
            "hpy; python_version > '3'",
            " hpy[dev]",
        ] {
            let m = format!("Name: x\nRequires-Dist: {existing}\n");
            assert_eq!(add_requirement(&m), m, "{existing}");
        }

        let body =
            "Metadata-Version: 2.4\nName: hello\nVersion: 0.1.0\nRequires-Dist: hpyx\n\n# Hello\n";
        let out = add_requirement(body);
        let (head, rest) = out.split_once("\n\n").unwrap();
        assert_eq!(head.lines().last().unwrap(), REQUIRES_DIST);
        assert!(head.contains("Requires-Dist: hpyx"));
        assert_eq!(rest, "# Hello\n");
        // CRLF line ends and a header block without a final newline.
        assert_eq!(
            add_requirement("Name: x\r\nVersion: 1"),
            format!("Name: x\nVersion: 1\n{REQUIRES_DIST}\n")
        );

        // The same through a whole conversion.
        let dir = temp_dir("metadata");
        let so = library(&dir, true);
        let mut input = Input::new(&so);
        input.metadata = "Metadata-Version: 2.4\nName: hello\nVersion: 0.1.0\nRequires-Dist: hpy>=0.9\n\n# Hello\n";
        let out = convert(&maturin_wheel(&dir, &input), &dir.join("out")).unwrap();
        assert_eq!(
            text(&entries(&out), &format!("{DIST_INFO}/METADATA")),
            input.metadata
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn keeps_the_data_folder_and_a_module_at_the_root() {
        let dir = temp_dir("data");
        let so = library(&dir, true);
        let mut input = Input::new(&so);
        input.extra = vec![("hello-0.1.0.data/scripts/tool", b"#!/bin/sh\necho hi\n")];
        let out = convert(&maturin_wheel(&dir, &input), &dir.join("out")).unwrap();
        let members = entries(&out);
        assert_eq!(
            members["hello-0.1.0.data/scripts/tool"].data,
            b"#!/bin/sh\necho hi\n"
        );
        verify_record(&members);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_mixed_rust_python_projects() {
        let dir = temp_dir("mixed");
        let so = library(&dir, true);
        let mut input = Input::new(&so);
        input.extra = vec![("hello/helpers.py", b"X = 1\n")];
        let err = convert(&maturin_wheel(&dir, &input), &dir.join("out")).unwrap_err();
        assert!(
            err.message()
                .contains("Mixed Rust/Python projects are not supported"),
            "{err}"
        );
        assert!(err.message().contains("hello/helpers.py"), "{err}");
        assert!(!dir.join("out").exists());

        // A hand-written __init__.py is Python code too.
        let mut input = Input::new(&so);
        input.init = Some("import os\n");
        let err = convert(&maturin_wheel(&dir, &input), &dir.join("out")).unwrap_err();
        assert!(
            err.message().contains("Mixed Rust/Python projects"),
            "{err}"
        );
        assert!(!dir.join("out").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_a_cpython_abi_wheel() {
        let dir = temp_dir("cpython");
        let so = library(&dir, false);
        let err = convert(&maturin_wheel(&dir, &Input::new(&so)), &dir.join("out")).unwrap_err();
        let msg = err.message();
        assert!(msg.contains("is not an HPy universal binary"), "{msg}");
        assert!(msg.contains("HPY_ABI=universal"), "{msg}");
        assert!(
            msg.contains("exports mentioning \"hello\": PyInit_hello"),
            "{msg}"
        );
        assert!(!dir.join("out").exists());

        // Not a shared object at all.
        let err = convert(
            &maturin_wheel(&dir, &Input::new(b"not ELF")),
            &dir.join("out"),
        )
        .unwrap_err();
        assert!(err.message().contains("not an ELF file"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_what_is_not_a_maturin_wheel() {
        let dir = temp_dir("refusals");
        let so = library(&dir, true);
        let out = dir.join("out");

        let err = convert(&dir.join("hello.zip"), &out).unwrap_err();
        assert!(err.message().contains("not a wheel file name"), "{err}");
        let err = convert(&dir.join("hello-0.1.0-cp311-linux_x86_64.whl"), &out).unwrap_err();
        assert!(err.message().contains("not a wheel file name"), "{err}");

        let missing = dir.join("hello-0.1.0-cp311-cp311-linux_x86_64.whl");
        let err = convert(&missing, &out).unwrap_err();
        assert!(err.message().contains("cannot read the wheel"), "{err}");
        fs::write(&missing, b"not a zip").unwrap();
        let err = convert(&missing, &out).unwrap_err();
        assert!(err.message().contains("cannot read the wheel"), "{err}");

        // No .so, and two of them.
        let mut input = Input::new(&so);
        input.extra = vec![("hello/other.so", so.as_slice())];
        let err = convert(&maturin_wheel(&dir, &input), &out).unwrap_err();
        assert!(
            err.message()
                .contains("expected exactly one extension (.so) in the wheel, found 2"),
            "{err}"
        );
        let path = maturin_wheel(&dir, &Input::new(&so));
        let zip_without_so = dir.join("hello-0.1.0-cp311-cp311-linux_x86_64.whl");
        let mut zip = ZipWriter::new(File::create(&zip_without_so).unwrap());
        for (name, m) in entries(&path) {
            if !name.ends_with(".so") {
                zip.start_file(name, SimpleFileOptions::default()).unwrap();
                zip.write_all(&m.data).unwrap();
            }
        }
        zip.finish().unwrap();
        let err = convert(&zip_without_so, &out).unwrap_err();
        assert!(err.message().contains("found 0"), "{err}");

        // A wheel of another distribution name than its file name says: no metadata found.
        let renamed = dir.join("other-0.1.0-cp311-cp311-linux_x86_64.whl");
        fs::copy(&path, &renamed).unwrap();
        let err = convert(&renamed, &out).unwrap_err();
        assert!(
            err.message()
                .contains("the wheel has no other-0.1.0.dist-info/METADATA"),
            "{err}"
        );
        assert!(!out.exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn parses_wheel_names() {
        let n = WheelName::parse(Path::new(
            "/x/greeter-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl",
        ))
        .unwrap();
        assert_eq!(n.distribution, "greeter");
        assert_eq!(n.build, None);
        assert_eq!(
            n.universal_file_name(),
            "greeter-0.1.0-py3-none-manylinux_2_34_x86_64.whl"
        );
        assert!(WheelName::parse(Path::new("a-1-x-cp311-cp311-linux.whl")).is_err());
        assert!(WheelName::parse(Path::new("a--cp311-cp311-linux.whl")).is_err());
    }

    #[test]
    fn base64_matches_the_standard() {
        // RFC 4648 test vectors, in the URL-safe alphabet and without padding.
        for (input, expected) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_urlsafe_nopad(input.as_bytes()), expected);
        }
        assert_eq!(base64_urlsafe_nopad(&[0xfb, 0xff]), "-_8");
        assert_eq!(
            record_hash(b""),
            "sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
    }

    #[test]
    fn quotes_record_fields_like_csv() {
        assert_eq!(csv_field("a/b.py"), "a/b.py");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}

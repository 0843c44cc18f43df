//! Helpers of the unit tests: scratch folders and shared objects compiled for the occasion.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh, empty folder under the system's temporary directory, unique to this test.
pub(crate) fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hpy-build-test-{tag}-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Compiles C `source` into `dir/<name>.so` with the system's `cc` (every Rust toolchain on
/// Linux needs one as its linker); `extra` are more arguments for `cc`.
pub(crate) fn compile_so(dir: &Path, name: &str, source: &str, extra: &[&str]) -> PathBuf {
    let c = dir.join(format!("{name}.c"));
    let so = dir.join(format!("{name}.so"));
    std::fs::write(&c, source).unwrap();
    let out = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&so)
        .arg(&c)
        .args(extra)
        .output()
        .expect("`cc` is needed to compile the test's shared objects");
    assert!(
        out.status.success(),
        "cc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    so
}

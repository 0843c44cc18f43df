//! Misuse of the macros and of handles must fail to compile with a clear message pointing at
//! the user's tokens (`tests/fail/*.rs`, each with the compiler's exact output in its
//! `.stderr`); correct code, including code under `#![no_implicit_prelude]`,
//! `#![deny(warnings, missing_docs)]` and `#![forbid(unsafe_code)]`, must compile
//! (`tests/pass/*.rs`).
//!
//! The snapshots are the output of one compiler, [`PINNED_RUSTC`] (the toolchain CI uses):
//! another version words its own errors differently, so the test refuses to compare against
//! any other. `scripts/test.sh` runs this test under both backends (`HPY_ABI=cpython` and
//! `universal`) against the same snapshots: the macros emit one token stream for both.
//! Re-bless after a deliberate change with `bash scripts/bless-ui.sh`.

use std::process::Command;

/// The `rustc --version` the `.stderr` snapshots were made with.
const PINNED_RUSTC: &str = "rustc 1.95.0 (59807616e 2026-04-14)";

#[test]
fn ui() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let out = Command::new(&rustc)
        .arg("--version")
        .output()
        .expect("run rustc --version");
    let version = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let blessing = std::env::var_os("TRYBUILD").is_some_and(|v| v == "overwrite");
    if blessing && version != PINNED_RUSTC {
        eprintln!("blessing with `{version}`: set PINNED_RUSTC in ui-tests/tests/ui.rs to it");
    } else {
        assert_eq!(
            version, PINNED_RUSTC,
            "the ui snapshots are pinned to `{PINNED_RUSTC}`, this is `{version}`: run the ui \
         tests with that toolchain, or re-bless them for this one with \
         `bash scripts/bless-ui.sh` and update PINNED_RUSTC in ui-tests/tests/ui.rs"
        );
    }

    let t = trybuild::TestCases::new();
    t.compile_fail("tests/fail/*.rs");
    t.pass("tests/pass/*.rs");
}

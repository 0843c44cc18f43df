//! Misuse of the macros and of handles must fail to compile with a clear message; correct code
//! must compile. The `.stderr` snapshots are pinned to the toolchain in `rust-toolchain.toml`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/fail/*.rs");
    t.pass("tests/pass/*.rs");
}

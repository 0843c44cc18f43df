//! Nothing here: the tests live in `tests/` (`tests/fail/*.rs` must not compile and match their
//! `.stderr`; `tests/pass/*.rs` must compile). Bless new snapshots with
//! `TRYBUILD=overwrite cargo test -p ui-tests` on the pinned toolchain (`rust-toolchain.toml`).

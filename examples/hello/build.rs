//! A user crate may call `hpy_build::configure()` to get the same `hpy_abi` cfg as hpy-core,
//! for code of its own that differs between the backends (see `BUILD_ABI` in `src/lib.rs`).

fn main() {
    hpy_build::configure();
}

//! Chooses the backend (see the `hpy-build` crate) and hands the choice to the build scripts of
//! dependent crates as `DEP_HPY_ABI`, so that they cannot disagree with it.

fn main() {
    let abi = hpy_build::configure();
    println!("cargo::metadata=abi={abi}");
}

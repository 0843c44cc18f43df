//! Chooses the backend (see the `hpy-build` crate) and hands the choice to the build scripts of
//! dependent crates as `DEP_HPY_ABI`, so that they cannot disagree with it.

fn main() {
    let config = hpy_build::configure_full();
    println!("cargo::metadata=abi={}", config.abi);
    println!("cargo::metadata=cpyext={}", u8::from(config.cpyext));
}

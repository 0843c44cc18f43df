//! The `hpy-build` command: builds HPy universal wheels with maturin (`hpy-build --help`).
//! Built with the `cli` feature: `cargo install --path hpy-build --features cli`.

fn main() {
    std::process::exit(hpy_build::cli::main(std::env::args_os().skip(1).collect()));
}

// The ui-tests depend on hpy-core as `hpy`: an attribute spelled with another crate name is
// reported once, with the name to write (no "cannot find" errors in generated code).
#[hpy::module]
mod m {
    #[hpy_core::function]
    fn answer() -> i64 {
        42
    }
}

fn main() {}

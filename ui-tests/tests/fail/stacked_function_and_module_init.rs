// An item is one thing: `#[module_init]` and `#[function]` on one `fn` are refused together.
#[hpy::module]
mod m {
    use hpy::{Handle, Result};

    #[hpy::module_init]
    #[hpy::function]
    fn init(module: &Handle<'_>) -> Result<()> {
        module.setattr("answer", 42)
    }
}

fn main() {}

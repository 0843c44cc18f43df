#[hpy::module]
mod m {
    use hpy::{Handle, Result};

    #[hpy::function]
    fn twice<'c>(obj: &Handle<'c>) -> Result<Handle<'c>> {
        let owned = obj.clone();
        drop(owned);
        owned.getattr("x")
    }
}

fn main() {}

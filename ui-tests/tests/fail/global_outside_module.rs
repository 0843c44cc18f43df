use hpy::{Ctx, Global, Handle, Result};

static CACHE: Global = Global::new();

#[hpy::module]
mod m {
    use super::*;

    #[hpy::function]
    fn remember<'c>(ctx: Ctx<'c>, obj: Handle<'c>) -> Result<()> {
        CACHE.store(ctx, &obj);
        Ok(())
    }
}

fn main() {}

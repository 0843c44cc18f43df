// A default that uses the context (not a Python argument at all).
#[hpy::module]
mod m {
    use hpy::{Ctx, Handle};

    #[hpy::function(signature = (obj, fallback = ctx.none()))]
    fn pick<'c>(ctx: Ctx<'c>, obj: Handle<'c>, fallback: Handle<'c>) -> Handle<'c> {
        let _ = ctx;
        if obj.is_none() { fallback } else { obj }
    }
}

fn main() {}

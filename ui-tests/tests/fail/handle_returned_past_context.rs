#[hpy::module]
mod m {
    use hpy::{Ctx, Handle};

    #[hpy::function]
    fn leak<'c>(ctx: Ctx<'c>) -> Handle<'static> {
        ctx.none()
    }
}

fn main() {}

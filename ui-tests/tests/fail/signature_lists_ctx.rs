#[hpy::module]
mod m {
    use hpy::{Ctx, Handle};

    #[hpy::function(signature = (ctx, a))]
    fn f<'c>(ctx: Ctx<'c>, a: i64) -> Handle<'c> {
        let _ = a;
        ctx.none()
    }
}

fn main() {}

#[hpy::module]
mod m {
    use hpy::{Ctx, Handle};

    #[hpy::function]
    fn background<'c>(ctx: Ctx<'c>) -> Handle<'c> {
        std::thread::scope(|s| {
            s.spawn(move || ctx.none());
        });
        ctx.none()
    }
}

fn main() {}

use hpy::{Ctx, Global, Handle};

#[hpy::module]
mod m {
    use super::*;

    #[hpy::class]
    pub struct Memo {
        last: Global,
    }

    #[hpy::methods]
    impl Memo {
        fn remember<'c>(&self, ctx: Ctx<'c>, obj: Handle<'c>) {
            self.last.store(ctx, &obj);
        }
    }
}

fn main() {}

// A `#[hpy(get)]` field whose type converts into a Python object but is not `Clone`: the
// getter converts a copy, so it says to derive `Clone`.
use hpy::{Ctx, Handle, IntoHandle, Result};

pub struct Token(pub u64);

impl<'c> IntoHandle<'c> for Token {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        self.0.into_handle(ctx)
    }
}

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Session {
        #[hpy(get)]
        pub token: super::Token,
    }
}

fn main() {}

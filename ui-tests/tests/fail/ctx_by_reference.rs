use hpy::Ctx;

#[hpy::module]
mod m {
    use super::*;

    #[hpy::function]
    fn backend(ctx: &Ctx<'_>, tag: &str) -> String {
        format!("{tag}: {}", ctx.name())
    }
}

fn main() {}

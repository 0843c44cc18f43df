use hpy::Ctx;

#[hpy::module]
mod m {
    use super::*;

    #[hpy::class]
    pub struct Session {
        ctx: Ctx<'static>,
        count: u32,
    }
}

fn main() {}

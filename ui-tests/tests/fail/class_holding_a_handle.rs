#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Holder {
        kept: hpy::Handle<'static>,
    }
}

fn main() {}

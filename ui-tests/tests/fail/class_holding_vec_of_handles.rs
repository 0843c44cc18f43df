#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::class]
    pub struct Bag {
        items: Vec<Handle<'static>>,
    }
}

fn main() {}

#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function]
    fn first<'c>(items: Vec<Handle<'c>>) -> &'static Handle<'c> {
        let boxed = Box::new(items);
        &Box::leak(boxed)[0]
    }
}

fn main() {}

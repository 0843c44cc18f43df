#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function(signature = (*, *rest))]
    fn f<'c>(rest: Vec<Handle<'c>>) -> usize {
        rest.len()
    }
}

fn main() {}

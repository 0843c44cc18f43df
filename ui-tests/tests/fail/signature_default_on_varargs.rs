#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function(signature = (*args = ()))]
    fn f<'c>(args: Vec<Handle<'c>>) -> usize {
        args.len()
    }
}

fn main() {}

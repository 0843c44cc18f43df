#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function(signature = (**options, verbose = false))]
    fn f<'c>(options: Option<&Handle<'c>>, verbose: bool) -> bool {
        options.is_some() && verbose
    }
}

fn main() {}

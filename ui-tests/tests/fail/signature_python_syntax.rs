// Python annotations and a second `**kwargs` in `signature`.
#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function(signature = (a: int, b: int = 1))]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }

    #[hpy::function(signature = (**kw, **kwargs))]
    fn opts(kw: Option<&Handle<'_>>, kwargs: Option<&Handle<'_>>) -> bool {
        kw.is_some() || kwargs.is_some()
    }
}

fn main() {}

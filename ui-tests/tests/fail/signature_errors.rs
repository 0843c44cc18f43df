#[hpy::module]
mod m {
    // `b` missing, `c` is not a parameter.
    #[hpy::function(signature = (a, c))]
    fn missing_and_unknown(a: i64, b: i64) -> i64 {
        a + b
    }

    // A required parameter after one with a default.
    #[hpy::function(signature = (a = 1, b))]
    fn required_after_default(a: i64, b: i64) -> i64 {
        a + b
    }

    // `*args` after `*`, `**kwargs` not last.
    #[hpy::function(signature = (*, *args, **kwargs, x))]
    fn stars(args: &hpy::Handle<'_>, kwargs: &hpy::Handle<'_>, x: i64) -> i64 {
        let _ = (args, kwargs);
        x
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::function(signature = (first, *rest, **options))]
    fn total(first: i64, rest: i64, options: Vec<String>) -> i64 {
        let _ = options;
        first + rest
    }
}

fn main() {}

// Python names that are not identifiers, for a class, a field and an exception, and a
// `text_signature` without its parentheses.
#[hpy::module]
mod m {
    #[hpy::class(name = "My Point")]
    pub struct Point {
        #[hpy(get, name = "x-coord")]
        x: f64,
    }

    #[hpy::exception(name = "Bad Input")]
    pub struct BadInput;

    #[hpy::function(text_signature = "a, b")]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}

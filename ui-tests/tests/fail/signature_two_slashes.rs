#[hpy::module]
mod m {
    #[hpy::function(signature = (a, /, b, /))]
    fn f(a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}

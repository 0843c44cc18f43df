#[hpy::module]
mod m {
    #[hpy::function(signature = (*, a, /))]
    fn f(a: i64) -> i64 {
        a
    }
}

fn main() {}

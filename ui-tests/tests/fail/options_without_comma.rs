// Options are separated by commas: a missing one is reported where it is expected.
#[hpy::module]
mod m {
    #[hpy::function(signature = (a, b = 1) name = "add")]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}

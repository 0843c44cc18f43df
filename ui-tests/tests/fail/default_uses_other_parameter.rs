// A default that refers to another parameter (as Python does not allow either).
#[hpy::module]
mod m {
    #[hpy::function(signature = (start, stop = start + 10, step = 1))]
    fn count(start: i64, stop: i64, step: i64) -> i64 {
        (stop - start) / step
    }
}

fn main() {}

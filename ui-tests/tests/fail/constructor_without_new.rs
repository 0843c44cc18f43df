// `fn new(...) -> Self` in a `#[methods]` impl without `#[new]`: the message says how Python
// constructs the class.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Point {
        x: f64,
    }

    #[hpy::methods]
    impl Point {
        fn new(x: f64) -> Self {
            Point { x }
        }
    }
}

fn main() {}

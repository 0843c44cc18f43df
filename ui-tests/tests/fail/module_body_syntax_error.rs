// A module body that does not parse: the compiler's syntax error is the only error (hpy-core's
// attributes inside are not each reported as being outside a module).
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Point {
        x: f64,
    }

    #[hpy::methods]
    impl Point {
        #[classattr]
        static ORIGIN: f64 = 0.0;
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        #[new]
        fn new(x: i64) -> i64 {
            x
        }
    }
}

fn main() {}

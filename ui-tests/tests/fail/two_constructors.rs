#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        #[new]
        fn new() -> Self {
            C { x: 0 }
        }

        #[new]
        fn with_x(x: i64) -> Self {
            C { x }
        }
    }
}

fn main() {}

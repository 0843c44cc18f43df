#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        #[new]
        #[getter]
        fn new() -> Self {
            C { x: 0 }
        }
    }
}

fn main() {}

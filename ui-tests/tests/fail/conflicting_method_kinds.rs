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

        #[staticmethod]
        fn with_receiver(&self) -> i64 {
            self.x
        }

        #[getter]
        fn no_receiver() -> i64 {
            1
        }
    }
}

fn main() {}

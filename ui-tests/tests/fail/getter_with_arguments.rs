#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        #[getter]
        fn x_times(&self, n: i64) -> i64 {
            self.x * n
        }
    }
}

fn main() {}

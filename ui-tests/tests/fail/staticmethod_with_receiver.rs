#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        #[staticmethod]
        fn doubled(&self) -> i64 {
            self.x * 2
        }
    }
}

fn main() {}

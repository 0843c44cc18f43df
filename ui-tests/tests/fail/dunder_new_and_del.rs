#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Counter {
        n: i64,
    }

    #[hpy::methods]
    impl Counter {
        fn __new__(n: i64) -> Self {
            Counter { n }
        }

        fn __del__(&mut self) {
            self.n = 0;
        }
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class]
    #[derive(Clone)]
    pub struct Counter {
        n: i64,
    }

    #[hpy::methods]
    impl Counter {
        fn __iadd__(&mut self, k: i64) -> Counter {
            self.n += k;
            self.clone()
        }

        fn __imul__(&mut self, k: i64) -> hpy::Result<()> {
            self.n *= k;
            Ok(())
        }
    }
}

fn main() {}

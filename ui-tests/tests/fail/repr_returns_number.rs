#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Id {
        value: u64,
    }

    #[hpy::methods]
    impl Id {
        fn __repr__(&self) -> u64 {
            self.value
        }
    }
}

fn main() {}

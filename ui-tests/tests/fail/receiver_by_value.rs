#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        fn consume(self) -> i64 {
            self.x
        }
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        fn boxed(self: Box<Self>) -> i64 {
            self.x
        }
    }
}

fn main() {}

// A generic method in a `#[methods]` impl.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Counter {
        n: i64,
    }

    #[hpy::methods]
    impl Counter {
        fn add<T: Into<i64>>(&mut self, x: T) {
            self.n += x.into();
        }
    }
}

fn main() {}

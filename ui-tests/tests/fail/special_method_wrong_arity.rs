#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        fn __add__(&self) -> i64 {
            self.x
        }
        fn __len__(&self, extra: i64) -> usize {
            extra as usize
        }
    }
}

fn main() {}

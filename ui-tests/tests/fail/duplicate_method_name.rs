#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        #[hpy(get)]
        size: i64,
    }

    #[hpy::methods]
    impl C {
        fn size(&self) -> i64 {
            self.size
        }
    }
}

fn main() {}

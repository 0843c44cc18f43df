#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        #[new]
        fn new(&self) -> Self {
            C { x: self.x }
        }
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl Clone for C {
        fn clone(&self) -> Self {
            C { x: self.x }
        }
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        #[setter]
        fn x(&mut self) {
            self.x = 0;
        }
    }
}

fn main() {}

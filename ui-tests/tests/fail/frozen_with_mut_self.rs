#[hpy::module]
mod m {
    #[hpy::class(frozen)]
    pub struct C {
        #[hpy(get, set)]
        x: i64,
    }

    #[hpy::methods]
    impl C {
        fn bump(&mut self) {
            self.x += 1;
        }
    }
}

fn main() {}

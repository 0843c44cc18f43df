#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        fn __del__(&mut self) {}
    }
}

fn main() {}

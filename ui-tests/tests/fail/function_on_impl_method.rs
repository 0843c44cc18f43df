#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        #[hpy::function]
        fn f(&self) {}
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        #[classmethod]
        fn make() -> i64 {
            1
        }
    }
}

fn main() {}

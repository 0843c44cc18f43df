#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        #[classmethod]
        fn make(v: i64) -> i64 {
            v
        }
    }
}

fn main() {}

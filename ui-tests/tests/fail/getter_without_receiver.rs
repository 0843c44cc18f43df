#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        #[getter]
        fn answer() -> i64 {
            42
        }
    }
}

fn main() {}

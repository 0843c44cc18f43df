#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        #[classmethod]
        fn make(cls: &C, v: i64) -> i64 {
            let _ = cls;
            v
        }
    }
}

fn main() {}

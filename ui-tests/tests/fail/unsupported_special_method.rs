#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        fn __getattr__(&self, name: &str) -> i64 {
            let _ = name;
            0
        }
    }
}

fn main() {}

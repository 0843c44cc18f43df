#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        fn __len__(&self) -> String {
            String::new()
        }
    }
}

fn main() {}

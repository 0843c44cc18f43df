#[hpy::module]
mod m {
    pub struct NotAClass;

    #[hpy::methods]
    impl NotAClass {
        fn f(&self) {}
    }
}

fn main() {}

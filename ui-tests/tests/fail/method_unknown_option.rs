#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        #[hpy(signatur = (a))]
        fn f(&self, a: i64) -> i64 {
            a
        }
    }
}

fn main() {}

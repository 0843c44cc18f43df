#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        v: i64,
    }

    #[hpy::methods]
    impl C {
        fn __richcmp__(&self, other: &C, op: i32) -> bool {
            op == 2 && self.v == other.v
        }
    }
}

fn main() {}

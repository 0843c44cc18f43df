// Special methods whose result Python needs, written without a return type: `__repr__` that
// prints instead of returning, and comparison/truth methods. One error each, at the name.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Id {
        n: u32,
    }

    #[hpy::methods]
    impl Id {
        fn __repr__(&self) {
            println!("Id({})", self.n);
        }

        fn __eq__(&self, other: &Id) {
            let _ = self.n == other.n;
        }

        fn __bool__(&self) {}
    }
}

fn main() {}

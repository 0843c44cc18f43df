// A class operand taken by value in a special method is reported at its type (it was reported
// at `#[hpy::module]`), as in ordinary methods.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Money {
        cents: i64,
    }

    #[hpy::methods]
    impl Money {
        fn __eq__(&self, other: Money) -> bool {
            self.cents == other.cents
        }
    }
}

fn main() {}

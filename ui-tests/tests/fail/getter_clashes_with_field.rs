// A `#[getter]` and an exposed field give the class two attributes with one name: the error
// names both.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Account {
        #[hpy(get)]
        balance: i64,
    }

    #[hpy::methods]
    impl Account {
        #[getter]
        fn balance(&self) -> i64 {
            self.balance
        }
    }
}

fn main() {}

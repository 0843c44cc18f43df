// Two `#[hpy(...)]` attributes are read as one list: an option given in both is repeated
// (before, the second silently replaced the first).
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Scale {
        k: f64,
    }

    #[hpy::methods]
    impl Scale {
        #[hpy(signature = (x))]
        #[hpy(signature = (x = 2.0))]
        fn apply(&self, x: f64) -> f64 {
            self.k * x
        }
    }
}

fn main() {}

// `#[new]` returning `Option<Self>`: one error at the return type.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Ratio {
        num: i64,
        den: i64,
    }

    #[hpy::methods]
    impl Ratio {
        #[new]
        fn new(num: i64, den: i64) -> Option<Self> {
            (den != 0).then_some(Ratio { num, den })
        }

        fn value(&self) -> f64 {
            self.num as f64 / self.den as f64
        }
    }
}

fn main() {}

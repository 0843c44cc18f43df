#[hpy::module]
mod m {
    #[hpy::class]
    pub struct P {
        x: f64,
    }

    #[hpy::methods]
    impl P {
        #[hpy(signature = (self, k = 2.0))]
        fn scale(&self, k: f64) -> f64 {
            self.x * k
        }
    }
}

fn main() {}

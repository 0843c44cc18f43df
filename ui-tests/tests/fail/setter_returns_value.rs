// A setter that returns the old value: Python ignores what a setter returns.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Thermometer {
        celsius: f64,
    }

    #[hpy::methods]
    impl Thermometer {
        #[getter]
        fn celsius(&self) -> f64 {
            self.celsius
        }

        #[setter]
        fn set_celsius(&mut self, value: f64) -> f64 {
            std::mem::replace(&mut self.celsius, value)
        }
    }
}

fn main() {}

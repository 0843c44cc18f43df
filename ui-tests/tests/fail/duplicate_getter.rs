#[hpy::module]
mod m {
    #[hpy::class]
    pub struct P {
        x: f64,
    }

    #[hpy::methods]
    impl P {
        #[getter]
        fn x(&self) -> f64 {
            self.x
        }

        #[getter(x)]
        fn x_rounded(&self) -> f64 {
            self.x.round()
        }

        #[setter]
        fn set_x(&mut self, v: f64) {
            self.x = v;
        }

        #[setter(x)]
        fn set_x_checked(&mut self, v: f64) {
            self.x = v.max(0.0);
        }
    }
}

fn main() {}

#[hpy::module]
mod m {
    use hpy::{Ref, Result};

    #[hpy::class]
    pub struct Scale {
        factor: f64,
    }

    #[hpy::methods]
    impl Scale {
        #[new]
        fn new(factor: f64) -> Self {
            Scale { factor }
        }

        #[call_function]
        fn divide(&self, x: f64) -> f64 {
            x / self.factor
        }

        fn invert(slf: Ref<'_, '_, Self>) -> Result<()> {
            slf.set_call_function(Self::DIVIDE)
        }
    }
}

fn main() {}

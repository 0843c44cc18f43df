// `__init__` returning a new object, as if it were the constructor.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Thermometer {
        celsius: f64,
    }

    #[hpy::methods]
    impl Thermometer {
        fn __init__(&mut self, celsius: f64) -> Self {
            Thermometer { celsius }
        }
    }
}

fn main() {}

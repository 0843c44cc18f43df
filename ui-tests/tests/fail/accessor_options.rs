// A getter whose name is quoted, and a signature on a getter (which Python never calls).
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Temp {
        c: f64,
    }

    #[hpy::methods]
    impl Temp {
        #[getter("celsius")]
        fn get_c(&self) -> f64 {
            self.c
        }

        #[getter]
        #[hpy(signature = ())]
        fn kelvin(&self) -> f64 {
            self.c + 273.15
        }
    }
}

fn main() {}

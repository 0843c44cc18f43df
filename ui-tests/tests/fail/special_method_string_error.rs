// `Result<T, String>` from a special method: the same message as from a function.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Num {
        v: f64,
    }

    #[hpy::methods]
    impl Num {
        fn __truediv__(&self, k: f64) -> Result<Num, String> {
            if k == 0.0 {
                return Err("division by zero".to_string());
            }
            Ok(Num { v: self.v / k })
        }
    }
}

fn main() {}

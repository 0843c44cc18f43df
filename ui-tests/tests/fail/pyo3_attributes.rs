#[hpy::module]
mod m {
    #[hpy::function]
    #[pyo3(signature = (a, b = 1))]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }

    #[hpy::class]
    pub struct Point {
        #[pyo3(get, set)]
        x: f64,
    }

    #[hpy::methods]
    impl Point {
        #[pyo3(signature = (dx, dy = 0.0))]
        fn shift(&mut self, dx: f64, dy: f64) {
            self.x += dx + dy;
        }
    }
}

fn main() {}

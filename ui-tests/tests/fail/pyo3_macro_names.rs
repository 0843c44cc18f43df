#[hpy::module]
mod m {
    #[hpy::pyclass]
    pub struct Point {
        #[hpy(get)]
        x: f64,
    }

    #[hpy::pymethods]
    impl Point {
        #[new]
        fn new(x: f64) -> Self {
            Point { x }
        }
    }

    #[hpy::pyfunction]
    fn origin() -> f64 {
        0.0
    }
}

fn main() {}

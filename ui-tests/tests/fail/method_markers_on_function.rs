#[hpy::module]
mod m {
    #[hpy::function]
    #[new]
    fn make() -> i64 {
        1
    }

    #[getter]
    fn size() -> usize {
        0
    }
}

fn main() {}

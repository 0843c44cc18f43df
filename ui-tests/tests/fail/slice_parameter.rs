#[hpy::module]
mod m {
    #[hpy::function]
    fn total(values: &[f64]) -> f64 {
        values.iter().sum()
    }
}

fn main() {}

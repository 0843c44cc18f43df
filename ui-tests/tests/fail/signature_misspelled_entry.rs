#[hpy::module]
mod m {
    #[hpy::function(signature = (value, factr = 2))]
    fn scale(value: f64, factor: f64) -> f64 {
        value * factor
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Meters(f64);
}

fn main() {}

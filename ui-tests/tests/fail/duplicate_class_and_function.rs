#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Point {
        x: f64,
    }

    #[hpy::function(name = "Point")]
    fn make_point() {}
}

fn main() {}

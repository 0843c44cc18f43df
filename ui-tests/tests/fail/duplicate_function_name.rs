#[hpy::module]
mod m {
    #[hpy::function(name = "run")]
    fn run_fast() {}

    #[hpy::function(name = "run")]
    fn run_slow() {}
}

fn main() {}

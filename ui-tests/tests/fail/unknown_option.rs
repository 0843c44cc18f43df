#[hpy::module]
mod m {
    #[hpy::function(nmae = "f")]
    fn f() {}
}

fn main() {}

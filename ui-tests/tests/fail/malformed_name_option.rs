#[hpy::module]
mod m {
    #[hpy::function(name = greet)]
    fn f() {}
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::function(name = "first", name = "second")]
    fn f() {}
}

fn main() {}

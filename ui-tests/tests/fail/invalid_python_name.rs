#[hpy::module]
mod m {
    #[hpy::function(name = "2fast")]
    fn f() {}
}

fn main() {}

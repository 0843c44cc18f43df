#[hpy::module]
mod first {
    #[hpy::function]
    fn one() -> i64 {
        1
    }
}

#[hpy::module]
mod second {
    #[hpy::function]
    fn two() -> i64 {
        2
    }
}

fn main() {}

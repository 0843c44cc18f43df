#[hpy::module]
mod m {
    #[hpy::constant]
    fn answer() -> i64 {
        42
    }
}

fn main() {}

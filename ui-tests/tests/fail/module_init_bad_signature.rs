#[hpy::module]
mod m {
    #[hpy::module_init]
    fn init(x: i64) -> i64 {
        x
    }
}

fn main() {}

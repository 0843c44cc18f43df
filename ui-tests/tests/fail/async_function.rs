#[hpy::module]
mod m {
    #[hpy::function]
    async fn fetch() -> i64 {
        1
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class(frozn)]
    pub struct C {
        x: i64,
    }
}

fn main() {}

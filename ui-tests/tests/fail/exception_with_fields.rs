#[hpy::module]
mod m {
    #[hpy::exception(base = "ValueError")]
    pub struct ParseFailed {
        line: usize,
    }
}

fn main() {}

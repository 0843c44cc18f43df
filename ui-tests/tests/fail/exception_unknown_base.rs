#[hpy::module]
mod m {
    /// Raised when the input is bad.
    #[hpy::exception(base = ValueErorr)]
    pub struct BadInput;
}

fn main() {}

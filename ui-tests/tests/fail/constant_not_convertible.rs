// A module `#[constant]` whose type does not convert: reported at its type.
#[hpy::module]
mod m {
    use std::time::Duration;

    #[hpy::constant]
    const TIMEOUT: Duration = Duration::from_secs(5);
}

fn main() {}

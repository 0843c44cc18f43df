// `#[hpy(get, set)]` on the fields of a struct that is not marked `#[class]`: one error, at
// the first, naming the struct (no "cannot find attribute" for each field).
#[hpy::module]
mod m {
    pub struct Settings {
        #[hpy(get, set)]
        verbose: bool,
        #[hpy(get)]
        level: u8,
    }
}

fn main() {}

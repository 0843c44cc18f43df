// A `None` default for a parameter whose type is not an `Option`.
#[hpy::module]
mod m {
    #[hpy::function(signature = (path, encoding = None))]
    fn open_text(path: &str, encoding: &str) -> String {
        format!("{path}:{encoding}")
    }
}

fn main() {}

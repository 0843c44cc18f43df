// A signature entry that abbreviates the parameter's name: "did you mean", and the parameter
// is not also reported as missing.
#[hpy::module]
mod m {
    #[hpy::function(signature = (text, sep = ","))]
    fn split(text: &str, separator: &str) -> Vec<String> {
        text.split(separator).map(String::from).collect()
    }
}

fn main() {}

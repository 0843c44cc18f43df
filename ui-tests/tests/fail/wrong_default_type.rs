#[hpy::module]
mod m {
    #[hpy::function(signature = (text, times = "twice"))]
    fn repeat(text: &str, times: usize) -> String {
        text.repeat(times)
    }
}

fn main() {}

// A `Result` inside a `Result` does not convert: the message names the inner one.
#[hpy::module]
mod m {
    use hpy::Result;

    #[hpy::function]
    fn parse(text: &str) -> Result<Result<i64>> {
        Ok(Ok(text.len() as i64))
    }
}

fn main() {}

// An `#[exception]` struct is not itself an `Error`: it converts into one (raised with no
// arguments), and the compiler says to call `.into()`. `Err(ParseError)?` also works.
#[hpy::module]
mod m {
    use hpy::Result;

    #[hpy::exception(base = ValueError)]
    pub struct ParseError;

    #[hpy::function]
    fn parse(text: &str) -> Result<i64> {
        if text.is_empty() {
            return Err(ParseError);
        }
        Ok(text.len() as i64)
    }
}

fn main() {}

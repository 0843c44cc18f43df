#[derive(Debug)]
pub struct MyError;

#[hpy::module]
mod m {
    #[hpy::function]
    fn fallible(x: i64) -> Result<i64, super::MyError> {
        if x < 0 { Err(super::MyError) } else { Ok(x) }
    }
}

fn main() {}

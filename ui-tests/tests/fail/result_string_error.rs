#[hpy::module]
mod m {
    use std::error::Error;

    #[hpy::function]
    fn parse(s: String) -> Result<i64, String> {
        s.parse::<i64>().map_err(|e| e.to_string())
    }

    #[hpy::function]
    fn first(s: &str) -> Result<char, &'static str> {
        s.chars().next().ok_or("empty")
    }

    #[hpy::function]
    fn boxed(s: String) -> Result<f64, Box<dyn Error + Send + Sync>> {
        Ok(s.parse::<f64>()?)
    }

    #[hpy::class]
    pub struct Reader {}

    #[hpy::methods]
    impl Reader {
        fn read(&self) -> Result<Vec<u8>, String> {
            Err("closed".to_string())
        }
    }
}

fn main() {}

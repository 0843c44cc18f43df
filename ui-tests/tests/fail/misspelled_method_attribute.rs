// A misspelled method kind gets a suggestion, and the method is not also reported as lacking
// a receiver.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Config {
        verbose: bool,
    }

    #[hpy::methods]
    impl Config {
        #[static_method]
        fn default_level() -> i64 {
            1
        }

        fn verbose(&self) -> bool {
            self.verbose
        }
    }
}

fn main() {}

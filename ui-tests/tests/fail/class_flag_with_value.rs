#[hpy::module]
mod m {
    #[hpy::class(frozen = true, subclass = false)]
    pub struct Config {
        #[hpy(get = true)]
        level: i64,
    }
}

fn main() {}

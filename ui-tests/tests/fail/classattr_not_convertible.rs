pub struct Config;

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {}

    #[hpy::methods]
    impl C {
        #[classattr]
        const DEFAULT: super::Config = super::Config;
    }
}

fn main() {}

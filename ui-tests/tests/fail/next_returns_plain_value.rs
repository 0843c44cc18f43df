#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Countdown {
        n: u32,
    }

    #[hpy::methods]
    impl Countdown {
        fn __next__(&mut self) -> u32 {
            self.n -= 1;
            self.n
        }
    }
}

fn main() {}

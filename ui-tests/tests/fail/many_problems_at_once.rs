#[hpy::module]
mod m {
    #[hpy::function(nmae = "x")]
    fn one() {}

    #[hpy::function(signature = (a, b))]
    fn two(a: i64) -> i64 {
        a
    }

    #[hpy::class(frozn)]
    pub struct C {
        x: i64,
    }

    #[hpy::methods]
    impl C {
        #[staticmethod]
        fn three(&self) {}
    }

    #[hpy::function]
    fn four() -> i64 {
        one();
        two(1)
    }
}

fn main() {}

// Options written as attributes of their own (older PyO3 style): each says where it goes,
// and no "cannot find attribute" follows.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Counter {
        n: i64,
    }

    #[hpy::methods]
    impl Counter {
        #[new]
        #[signature = (start = 0)]
        fn new(start: i64) -> Self {
            Counter { n: start }
        }

        #[name = "value"]
        fn get(&self) -> i64 {
            self.n
        }
    }

    #[hpy::function]
    #[text_signature = "(a, b=1)"]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }
}

fn main() {}

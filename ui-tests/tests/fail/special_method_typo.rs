#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Bag {
        items: Vec<i64>,
    }

    #[hpy::methods]
    impl Bag {
        fn __lenn__(&self) -> usize {
            self.items.len()
        }

        fn __contain__(&self, v: i64) -> bool {
            self.items.contains(&v)
        }

        fn __reversd__(&self) -> Vec<i64> {
            self.items.iter().rev().copied().collect()
        }

        fn __get__(&self, obj: i64) -> i64 {
            obj
        }
    }
}

fn main() {}

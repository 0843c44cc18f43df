use hpy::Result;

#[hpy::module]
mod m {
    use super::*;

    #[hpy::class]
    pub struct Bag {
        items: Vec<i64>,
    }

    #[hpy::methods]
    impl Bag {
        fn __iter__(&self) -> Result<Vec<i64>> {
            Ok(self.items.clone())
        }
    }
}

fn main() {}

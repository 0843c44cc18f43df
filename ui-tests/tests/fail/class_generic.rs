// A generic class, with its methods: one error, at the type parameter (the `#[methods]` impl
// is not reported again).
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Wrapper<T> {
        value: T,
    }

    #[hpy::methods]
    impl<T: Clone> Wrapper<T> {
        fn get(&self) -> usize {
            let _ = self.value.clone();
            0
        }
    }
}

fn main() {}

// A class with a lifetime parameter, with its methods: one error, at the lifetime.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct View<'a> {
        text: &'a str,
    }

    #[hpy::methods]
    impl<'a> View<'a> {
        fn len(&self) -> usize {
            self.text.len()
        }
    }
}

fn main() {}

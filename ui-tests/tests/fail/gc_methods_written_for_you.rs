// `__traverse__` and `__clear__` written by hand, as in C: the macro says they are generated
// from the class's `Field`s.
#[hpy::module]
mod m {
    use hpy::Field;

    #[hpy::class]
    pub struct Node {
        child: Field,
    }

    #[hpy::methods]
    impl Node {
        fn __traverse__(&self) -> bool {
            let _ = &self.child;
            true
        }

        fn __clear__(&mut self) {}
    }
}

fn main() {}

// `__len__` returning a float and `__hash__` returning text.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Path {
        parts: Vec<String>,
    }

    #[hpy::methods]
    impl Path {
        fn __len__(&self) -> f64 {
            self.parts.len() as f64
        }

        fn __hash__(&self) -> String {
            self.parts.join("/")
        }
    }
}

fn main() {}

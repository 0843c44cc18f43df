// `__getbuffer__` returning the slice itself rather than a `Buffer`: reported at the return
// type, with the `Buffer` constructors to use.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Bytes {
        data: Vec<u8>,
    }

    #[hpy::methods]
    impl Bytes {
        fn __getbuffer__(&self) -> &[u8] {
            &self.data
        }
    }
}

fn main() {}

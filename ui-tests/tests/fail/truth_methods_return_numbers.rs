#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Flags {
        bits: u32,
    }

    #[hpy::methods]
    impl Flags {
        fn __bool__(&self) -> u32 {
            self.bits
        }

        fn __eq__(&self, other: &Flags) -> i32 {
            (self.bits == other.bits) as i32
        }

        fn __contains__(&self, bit: u32) -> hpy::Result<u32> {
            Ok(self.bits & bit)
        }

        fn __lt__(&self, other: &Flags) -> bool {
            self.bits < other.bits
        }
    }
}

fn main() {}

use hpy::CompareOp;

#[hpy::module]
mod m {
    use super::*;

    #[hpy::class]
    pub struct Version {
        major: u32,
    }

    #[hpy::methods]
    impl Version {
        fn __eq__(&self, other: &Version) -> bool {
            self.major == other.major
        }

        fn __richcmp__(&self, other: &Version, op: CompareOp) -> bool {
            op.matches(self.major.cmp(&other.major))
        }
    }
}

fn main() {}

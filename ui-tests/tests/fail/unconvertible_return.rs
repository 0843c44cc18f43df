pub struct Opaque;

#[hpy::module]
mod m {
    #[hpy::function]
    fn make() -> super::Opaque {
        super::Opaque
    }
}

fn main() {}

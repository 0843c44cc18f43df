pub struct Opaque;

#[hpy::module]
mod m {
    #[hpy::function]
    fn count(items: Vec<super::Opaque>) -> usize {
        items.len()
    }
}

fn main() {}

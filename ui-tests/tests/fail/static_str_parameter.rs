// A `&str` parameter borrows from the Python string for the call only: it cannot be `'static`.
#[hpy::module]
mod m {
    #[hpy::function]
    fn remember(name: &'static str) -> usize {
        name.len()
    }
}

fn main() {}

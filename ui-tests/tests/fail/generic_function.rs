#[hpy::module]
mod m {
    #[hpy::function]
    fn identity<T: Clone>(x: T) -> T {
        x
    }
}

fn main() {}

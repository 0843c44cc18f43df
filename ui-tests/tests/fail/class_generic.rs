#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Wrapper<T> {
        value: T,
    }
}

fn main() {}

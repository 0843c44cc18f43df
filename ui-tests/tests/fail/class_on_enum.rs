#[hpy::module]
mod m {
    #[hpy::class]
    pub enum Color {
        Red,
        Green,
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class(subclass, subclass, name = "A", name = "B")]
    pub struct C {
        x: i64,
    }
}

fn main() {}

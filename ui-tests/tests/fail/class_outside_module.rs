#[hpy::class]
pub struct Lonely {
    x: i64,
}

fn main() {}

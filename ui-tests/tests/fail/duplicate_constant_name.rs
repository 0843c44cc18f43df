#[hpy::module]
mod m {
    #[hpy::constant(name = "LIMIT")]
    const A: i64 = 1;

    #[hpy::constant(name = "LIMIT")]
    const B: i64 = 2;
}

fn main() {}

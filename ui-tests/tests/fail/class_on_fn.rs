#[hpy::module]
mod m {
    #[hpy::class]
    fn not_a_struct() {}
}

fn main() {}

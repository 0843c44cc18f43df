#[hpy::module]
mod elsewhere;

fn main() {}

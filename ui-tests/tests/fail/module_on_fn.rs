#[hpy::module]
fn not_a_module() {}

fn main() {}

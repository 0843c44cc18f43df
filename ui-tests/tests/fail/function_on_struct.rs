#[hpy::function]
struct NotAFunction;

fn main() {}

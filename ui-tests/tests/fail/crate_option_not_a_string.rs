#[hpy::module(crate = hpy)]
mod m {}

fn main() {}

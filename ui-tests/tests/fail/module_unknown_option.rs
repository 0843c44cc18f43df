#[hpy::module(nmae = "m2")]
mod m {}

fn main() {}

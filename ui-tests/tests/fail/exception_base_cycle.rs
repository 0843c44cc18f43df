#[hpy::module]
mod m {
    /// Its own base.
    #[hpy::exception(base = Loop)]
    pub struct Loop;

    /// One half of a cycle.
    #[hpy::exception(base = Pong)]
    pub struct Ping;

    /// The other half.
    #[hpy::exception(base = Ping)]
    pub struct Pong;

    /// A typo of another exception of the module.
    #[hpy::exception(base = Pnig)]
    pub struct Typo;
}

fn main() {}

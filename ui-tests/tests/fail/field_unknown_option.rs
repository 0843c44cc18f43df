#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        #[hpy(get, sett)]
        x: i64,
    }
}

fn main() {}

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct View<'a> {
        text: &'a str,
    }
}

fn main() {}

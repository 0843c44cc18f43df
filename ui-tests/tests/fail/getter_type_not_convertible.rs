pub struct Opaque;

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct C {
        #[hpy(get)]
        inner: super::Opaque,
    }
}

fn main() {}

// `Field`s inside a `Vec`, an `Option` or an array: never stored or visited where they are,
// so each is refused at the `Field`.
#[hpy::module]
mod m {
    use hpy::Field;

    #[hpy::class]
    pub struct Bag {
        items: Vec<Field>,
        maybe: Option<Field>,
        pair: [Field; 2],
    }
}

fn main() {}

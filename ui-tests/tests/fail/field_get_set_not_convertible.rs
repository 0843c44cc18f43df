// A `#[hpy(get, set)]` field whose type converts neither way: one error for reading and one
// for writing, both at the field's type and both naming the option.
pub struct Celsius(pub f64);

#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Thermometer {
        #[hpy(get, set)]
        pub reading: super::Celsius,
    }
}

fn main() {}

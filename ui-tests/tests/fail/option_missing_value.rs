// Options that take a value, written without one: reported at the option, with the form.
#[hpy::module]
mod m {
    #[hpy::function(name)]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }

    #[hpy::class(name, frozen)]
    pub struct Point {
        x: f64,
    }

    #[hpy::exception(base)]
    pub struct Oops;
}

fn main() {}

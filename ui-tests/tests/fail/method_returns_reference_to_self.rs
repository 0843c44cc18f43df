// Methods returning a reference to the class's value (`&Self`, `&Point`): the message says
// how to return the object itself or a new one.
#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Point {
        x: f64,
    }

    #[hpy::methods]
    impl Point {
        fn __iter__(&self) -> &Self {
            self
        }

        fn max<'a>(&'a self, other: &'a Point) -> &'a Point {
            if self.x > other.x { self } else { other }
        }
    }
}

fn main() {}

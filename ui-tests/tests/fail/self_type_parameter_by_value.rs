#[hpy::module]
mod m {
    #[hpy::class]
    pub struct Vec2 {
        x: f64,
        y: f64,
    }

    #[hpy::methods]
    impl Vec2 {
        fn dot(&self, other: Vec2) -> f64 {
            self.x * other.x + self.y * other.y
        }
    }
}

fn main() {}

// A frozen class counts no borrows, so a `&mut` of one (here in a module function) would alias
// the shared borrows it hands out: refused at the class's name.
#[hpy::module]
mod m {
    #[hpy::class(frozen)]
    pub struct Point {
        x: f64,
    }

    #[hpy::function]
    fn copy_x(src: &Point, dst: &mut Point) {
        dst.x = src.x;
    }
}

fn main() {}

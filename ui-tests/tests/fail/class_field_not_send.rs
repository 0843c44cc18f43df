use std::rc::Rc;

#[hpy::module]
mod m {
    use super::Rc;

    #[hpy::class]
    pub struct Shared {
        data: Rc<Vec<f64>>,
    }
}

fn main() {}

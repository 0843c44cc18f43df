#[hpy::module]
mod m {
    #[hpy::function]
    fn bump(counter: &mut i64) {
        *counter += 1;
    }
}

fn main() {}

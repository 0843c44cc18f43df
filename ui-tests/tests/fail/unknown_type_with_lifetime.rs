// A type that does not exist, written with the function's lifetime (PyO3's `Bound<'py, _>`
// habit): the only error is that the type is not found.
#[hpy::module]
mod m {
    #[hpy::function]
    fn size<'py>(obj: &Bound<'py>) -> usize {
        let _ = obj;
        0
    }
}

fn main() {}

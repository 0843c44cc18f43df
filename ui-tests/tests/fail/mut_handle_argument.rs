#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function]
    fn poke<'c>(obj: &mut Handle<'c>) {
        let _ = obj;
    }
}

fn main() {}

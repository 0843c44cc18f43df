#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function]
    fn spawn<'c>(obj: &Handle<'c>) {
        let owned = obj.clone();
        std::thread::scope(|s| {
            s.spawn(move || drop(owned));
        });
    }
}

fn main() {}

// A static inside the module that holds a handle: the macro says to use a `Global`, and the
// uses of the static add no errors of their own.
#[hpy::module]
mod m {
    use hpy::Handle;
    use std::sync::Mutex;

    static LAST: Mutex<Option<Handle<'static>>> = Mutex::new(None);

    #[hpy::function]
    fn forget() {
        LAST.lock().unwrap().take();
    }
}

fn main() {}

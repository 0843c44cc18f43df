use std::sync::Mutex;

use hpy::Handle;

static KEPT: Mutex<Option<Handle<'static>>> = Mutex::new(None);

#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function]
    fn keep<'c>(obj: &Handle<'c>) {
        *super::KEPT.lock().unwrap() = Some(obj.clone());
    }
}

fn main() {}

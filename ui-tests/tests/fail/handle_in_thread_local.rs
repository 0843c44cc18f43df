use std::cell::RefCell;

use hpy::Handle;

thread_local! {
    static LAST: RefCell<Option<Handle<'static>>> = const { RefCell::new(None) };
}

#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function]
    fn keep<'c>(obj: &Handle<'c>) {
        super::LAST.with(|l| *l.borrow_mut() = Some(obj.clone()));
    }
}

fn main() {}

use std::cell::RefCell;

use hpy::Handle;

thread_local! {
    pub static LAST: RefCell<Vec<Handle<'static>>> = const { RefCell::new(Vec::new()) };
}

#[hpy::module]
mod m {
    use hpy::Handle;

    /// Remembers the object for later.
    #[hpy::function]
    fn remember(obj: &Handle<'static>) {
        super::LAST.with(|l| l.borrow_mut().push(obj.clone()));
    }
}

fn main() {}

use hpy::Handle;

/// Remembers the last object seen, across calls.
pub struct Memory {
    last: Option<Handle<'static>>,
}

impl Memory {
    fn remember(&mut self, h: Handle<'static>) {
        self.last = Some(h);
    }
}

#[hpy::module]
mod m {
    use hpy::Handle;

    #[hpy::function]
    fn keep<'c>(obj: &Handle<'c>) {
        let mut memory = super::Memory { last: None };
        memory.remember(obj.clone());
    }
}

fn main() {}

// `slf: RefMut<Self>` is `&mut self` by another name: a frozen class has neither.
#[hpy::module]
mod m {
    use hpy::RefMut;

    #[hpy::class(frozen)]
    pub struct Counter {
        n: i64,
    }

    #[hpy::methods]
    impl Counter {
        fn bump(mut slf: RefMut<'_, '_, Self>) {
            slf.n += 1;
        }
    }
}

fn main() {}

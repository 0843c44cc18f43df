//! Hygiene: every macro expanded where nothing is in scope implicitly (no prelude, no `std`
//! names), through the renamed dependency `hpy`. Generated code must name everything by an
//! absolute path.
#![no_implicit_prelude]
// And strict: the expansion must add no warning, no undocumented public item, no `unsafe`
// that the user would have to allow.
#![deny(warnings, missing_docs)]
#![forbid(unsafe_code)]

/// The module.
#[::hpy::module]
pub mod hygiene {
    use ::hpy::class::Buffer;
    use ::hpy::{CompareOp, Ctx, Error, Field, Global, Handle, Ref, RefMut, Result};
    use ::std::clone::Clone;
    use ::std::cmp::PartialOrd;
    use ::std::option::Option::{self, None, Some};
    use ::std::result::Result::{Err, Ok};
    use ::std::string::String;
    use ::std::vec::Vec;

    static CACHE: Global = Global::new();

    /// A constant.
    #[::hpy::constant]
    pub const ANSWER: i64 = 42;

    /// Another, renamed.
    #[::hpy::constant(name = "GREETING")]
    pub const HELLO: &str = "hello";

    /// Set-up.
    #[::hpy::module_init]
    fn init<'c>(ctx: Ctx<'c>, module: &Handle<'c>) -> Result<()> {
        CACHE.store(ctx, &ctx.none());
        module.setattr("BACKEND", ctx.name())
    }

    /// Every argument kind.
    #[::hpy::function(signature = (a, b = 2, /, c = None, *args, d, e = "x", **kwargs))]
    #[allow(clippy::too_many_arguments)]
    pub fn everything<'c>(
        ctx: Ctx<'c>,
        a: i64,
        b: u8,
        c: Option<f64>,
        args: Vec<Handle<'c>>,
        d: &str,
        e: String,
        kwargs: Option<&Handle<'c>>,
    ) -> Result<Handle<'c>> {
        let _ = (a, b, c, args.len(), d, e, kwargs.is_some());
        Ok(ctx.none())
    }

    /// One object (METH_O), renamed.
    #[::hpy::function(name = "ident", signature = (x, /))]
    pub fn identity<'c>(x: &Handle<'c>) -> Handle<'c> {
        x.clone()
    }

    /// No arguments.
    #[::hpy::function]
    pub fn nothing() {}

    /// Fails.
    #[::hpy::function]
    pub fn fail() -> Result<()> {
        Err(Error::value_error("no"))
    }

    /// Reads the global.
    #[::hpy::function]
    pub fn cached<'c>(ctx: Ctx<'c>) -> Result<Handle<'c>> {
        CACHE.load(ctx)
    }

    /// An exception.
    #[::hpy::exception(base = ValueError)]
    pub struct BadThing;

    /// A class with every kind of method.
    #[::hpy::class(subclass, name = "Thing")]
    pub struct Thing {
        /// A field.
        #[hpy(get, set)]
        x: f64,
        /// A read-only field, renamed.
        #[hpy(get, name = "count")]
        n: i64,
        /// A Python object.
        #[hpy(get, set)]
        tag: Field,
        data: Vec<f64>,
    }

    #[::hpy::methods]
    impl Thing {
        #[new]
        #[hpy(signature = (x = 0.0, n = 0))]
        fn new(x: f64, n: i64) -> Result<Self> {
            if n < 0 {
                return Err(Error::value_error("n < 0"));
            }
            Ok(Thing { x, n, tag: Field::new(), data: Vec::new() })
        }

        #[hpy(signature = (x = 0.0, n = 0))]
        fn __init__<'c>(slf: Ref<'_, 'c, Self>, x: f64, n: i64) -> Result<()> {
            let _ = (x, n);
            slf.store(&slf.tag, None);
            Ok(())
        }

        /// A method.
        fn norm(&self) -> f64 {
            self.x.abs()
        }

        /// A mutating method with a keyword-only argument.
        #[hpy(signature = (*, by = 1.0))]
        fn grow(&mut self, by: f64) {
            self.x += by;
            self.data.push(by);
        }

        /// A getter.
        #[getter]
        fn double(&self) -> f64 {
            self.x * 2.0
        }

        /// A setter.
        #[setter]
        fn set_double(&mut self, v: f64) {
            self.x = v / 2.0;
        }

        /// A static method.
        #[staticmethod]
        fn zero() -> Thing {
            Thing { x: 0.0, n: 0, tag: Field::new(), data: Vec::new() }
        }

        /// A class method.
        #[classmethod]
        fn make<'c>(cls: &Handle<'c>) -> Result<Handle<'c>> {
            let no_args: [&Handle<'c>; 0] = [];
            cls.call(&no_args)
        }

        /// A class attribute.
        #[classattr]
        const ORIGIN: f64 = 0.0;

        /// Takes another instance by reference, and one that may be missing.
        fn dist(&self, other: &Thing, base: ::core::option::Option<&Thing>) -> f64 {
            let b = match base {
                ::core::option::Option::Some(t) => t.x,
                ::core::option::Option::None => 0.0,
            };
            (self.x - other.x).abs() + b
        }

        /// Returns `Result<T, E>` with the error type written out.
        fn checked(&self) -> ::core::result::Result<f64, Error> {
            ::core::result::Result::Ok(self.x)
        }

        /// Raises the module's exception.
        fn bad(&self) -> Result<()> {
            Err(BadThing::new_err("bad"))
        }

        fn __add__(&self, other: &Thing) -> Thing {
            Thing { x: self.x + other.x, n: 0, tag: Field::new(), data: Vec::new() }
        }

        fn __radd__(&self, other: f64) -> f64 {
            self.x + other
        }

        fn __iadd__(&mut self, other: f64) {
            self.x += other;
        }

        fn __mul__(&self, k: f64) -> f64 {
            self.x * k
        }

        fn __neg__(&self) -> f64 {
            -self.x
        }

        fn __richcmp__(&self, other: &Thing, op: CompareOp) -> bool {
            match self.x.partial_cmp(&other.x) {
                Some(o) => op.matches(o),
                None => false,
            }
        }

        fn __bool__(&self) -> bool {
            self.x != 0.0
        }

        fn __len__(&self) -> usize {
            self.data.len()
        }

        fn __getitem__(&self, i: usize) -> Result<f64> {
            match self.data.get(i) {
                Some(v) => Ok(*v),
                None => Err(Error::index_error("out of range")),
            }
        }

        fn __setitem__(&mut self, i: usize, v: f64) -> Result<()> {
            match self.data.get_mut(i) {
                Some(slot) => {
                    *slot = v;
                    Ok(())
                }
                None => Err(Error::index_error("out of range")),
            }
        }

        fn __delitem__(&mut self, i: usize) -> Result<()> {
            if i < self.data.len() {
                self.data.remove(i);
                Ok(())
            } else {
                Err(Error::index_error("out of range"))
            }
        }

        fn __contains__(&self, v: f64) -> bool {
            self.data.contains(&v)
        }

        fn __iter__<'c>(&self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
            let list = ctx.to_py(self.data.clone())?;
            ctx.builtin("iter")?.call(&[&list])
        }

        fn __call__(&self, k: f64) -> f64 {
            self.x * k
        }

        fn __str__(&self) -> String {
            ::std::format!("Thing({})", self.x)
        }

        fn __repr__(&self) -> String {
            ::std::format!("Thing(x={})", self.x)
        }

        fn __hash__(&self) -> u64 {
            self.x.to_bits()
        }
    }

    /// An iterator.
    #[::hpy::class(frozen)]
    pub struct Countdown {
        from: i64,
    }

    #[::hpy::methods]
    impl Countdown {
        #[new]
        fn new(from: i64) -> Self {
            Countdown { from }
        }

        fn __iter__<'c>(slf: Ref<'_, 'c, Self>) -> Handle<'c> {
            slf.handle().clone()
        }

        fn __next__<'c>(slf: Ref<'_, 'c, Self>) -> Option<i64> {
            let _ = slf.from;
            None
        }
    }

    /// Exports memory.
    #[::hpy::class]
    pub struct Bytes {
        data: Vec<u8>,
        cursor: usize,
    }

    #[::hpy::methods]
    impl Bytes {
        fn __getbuffer__(&self) -> Buffer<'_> {
            Buffer::new(&self.data)
        }

        fn __next__<'c>(slf: RefMut<'_, 'c, Self>) -> Option<u8> {
            let mut slf = slf;
            let v = slf.data.get(slf.cursor).copied();
            slf.cursor += 1;
            v
        }
    }
}

fn main() {}

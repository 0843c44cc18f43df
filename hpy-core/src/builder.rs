//! Building tuples and lists item by item: [`TupleBuilder`] and [`ListBuilder`]
//! (`HPyTupleBuilder_*`, `HPyListBuilder_*`).
//!
//! ```
//! # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<hpy_core::Handle<'c>> {
//! let mut t = ctx.tuple_builder(3)?;
//! t.push(1)?;
//! t.push("two")?;
//! t.push(3.0)?;
//! t.build() // (1, 'two', 3.0)
//! # }
//! ```
//!
//! A builder is consumed by [`build`](TupleBuilder::build) (or
//! [`cancel`](TupleBuilder::cancel); dropping one cancels it), so using it afterwards does
//! not compile: the "use after Build" error of HPy's debug mode cannot happen.
//!
//! ```compile_fail
//! # fn demo<'c>(ctx: hpy_core::Ctx<'c>) -> hpy_core::Result<()> {
//! let mut t = ctx.tuple_builder(1)?;
//! t.push(1)?;
//! let tuple = t.build()?;
//! t.push(2)?; // error: borrow of moved value `t`
//! # Ok(()) }
//! ```
//!
//! Setting an index twice or out of range is an error instead of undefined behaviour, and a
//! slot left unset holds `None`.

use crate::backend::{self as b, SeqBuilder};
use crate::conv::IntoHandle;
use crate::err::{Error, Result};
use crate::handle::{Ctx, Handle};

/// The part both builders share.
struct Builder<'c> {
    ctx: Ctx<'c>,
    raw: Option<SeqBuilder>,
    filled: Vec<bool>,
    next: usize,
    kind: &'static str,
}

impl<'c> Builder<'c> {
    fn new(ctx: Ctx<'c>, len: usize, tuple: bool) -> Result<Self> {
        let n = isize::try_from(len).map_err(|_| Error::overflow_error("builder too large"))?;
        // SAFETY: the context is live.
        let raw = unsafe { SeqBuilder::new(ctx.raw(), n, tuple) }.ok_or_else(Error::pending)?;
        Ok(Builder {
            ctx,
            raw: Some(raw),
            filled: vec![false; len],
            next: 0,
            kind: if tuple { "tuple" } else { "list" },
        })
    }

    fn set<V: IntoHandle<'c>>(&mut self, i: usize, value: V) -> Result<()> {
        match self.filled.get(i) {
            None => {
                return Err(Error::index_error(format!(
                    "{} builder index {i} out of range (length {})",
                    self.kind,
                    self.filled.len()
                )));
            }
            Some(true) => {
                return Err(Error::value_error(format!(
                    "{} builder item {i} is already set",
                    self.kind
                )));
            }
            Some(false) => {}
        }
        let h = value.into_handle(self.ctx)?;
        let raw = self.raw.as_mut().expect("a builder is live until consumed");
        // SAFETY: `i` is in range and not set yet; ownership of `h` moves into the builder.
        unsafe { raw.set(self.ctx.raw(), i as isize, h.into_raw()) };
        self.filled[i] = true;
        Ok(())
    }

    fn push<V: IntoHandle<'c>>(&mut self, value: V) -> Result<()> {
        while self.next < self.filled.len() && self.filled[self.next] {
            self.next += 1;
        }
        if self.next == self.filled.len() {
            return Err(Error::index_error(format!(
                "{} builder is full ({} items)",
                self.kind,
                self.filled.len()
            )));
        }
        self.set(self.next, value)
    }

    fn build(mut self) -> Result<Handle<'c>> {
        for i in 0..self.filled.len() {
            if !self.filled[i] {
                self.set(i, ())?;
            }
        }
        let raw = self.raw.take().expect("a builder is live until consumed");
        // SAFETY: every item is set; the result is NULL or a new reference.
        unsafe { self.ctx.check(raw.build(self.ctx.raw())) }
    }
}

impl Drop for Builder<'_> {
    fn drop(&mut self) {
        if let Some(raw) = self.raw.take() {
            // SAFETY: the builder was neither built nor cancelled.
            unsafe { raw.cancel(self.ctx.raw()) }
        }
    }
}

macro_rules! builder {
    ($name:ident, $kind:literal, $tuple:literal, $ctor:ident) => {
        #[doc = concat!("Builds a `", $kind, "` of a fixed length (`HPy", stringify!($name), "_*`).")]
        ///
        /// See the [module docs](crate::builder).
        pub struct $name<'c>(Builder<'c>);

        impl<'c> $name<'c> {
            /// Sets item `i`. `IndexError` if `i` is out of range, `ValueError` if it was set.
            pub fn set<V: IntoHandle<'c>>(&mut self, i: usize, value: V) -> Result<()> {
                self.0.set(i, value)
            }

            /// Sets the first item not set yet. `IndexError` when all are set.
            pub fn push<V: IntoHandle<'c>>(&mut self, value: V) -> Result<()> {
                self.0.push(value)
            }

            /// The length given when the builder was made.
            pub fn len(&self) -> usize {
                self.0.filled.len()
            }

            /// Whether the length is 0.
            pub fn is_empty(&self) -> bool {
                self.0.filled.is_empty()
            }

            #[doc = concat!("Finishes the `", $kind, "`; items never set are `None`.")]
            pub fn build(self) -> Result<Handle<'c>> {
                self.0.build()
            }

            /// Abandons the builder and the items set so far (dropping it does the same).
            pub fn cancel(self) {
                drop(self)
            }
        }

        impl<'c> Ctx<'c> {
            #[doc = concat!("A builder for a `", $kind, "` of `len` items.")]
            pub fn $ctor(self, len: usize) -> Result<$name<'c>> {
                Builder::new(self, len, $tuple).map($name)
            }
        }
    };
}

builder!(TupleBuilder, "tuple", true, tuple_builder);
builder!(ListBuilder, "list", false, list_builder);

impl<'c> Ctx<'c> {
    /// A new empty `list` (`HPyList_New(0)`); add items with
    /// [`list_append`](Handle::list_append).
    pub fn list(self) -> Result<Handle<'c>> {
        // SAFETY: a list of length 0 has no unset items; the result is NULL or a new reference.
        unsafe { self.check(b::list_new(self.raw(), 0)) }
    }
}

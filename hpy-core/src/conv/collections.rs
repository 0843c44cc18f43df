//! Fixed-size arrays and sets.

use std::collections::{BTreeSet, HashSet};
use std::hash::{BuildHasher, Hash};

use super::{FromHandle, IntoHandle, build_seq, type_mismatch};
use crate::err::{Error, Result};
use crate::handle::{Ctx, Handle};

/// From a sequence (or any iterable but `str`) of exactly `N` items; `ValueError` for another
/// length.
impl<'a, 'c, T: for<'x> FromHandle<'x, 'c>, const N: usize> FromHandle<'a, 'c> for [T; N] {
    const EXPECTED: &'static str = "sequence";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        // Lists and tuples: check the length before converting anything.
        if (h.is_list() || h.is_tuple()) && h.len()? != N {
            return Err(wrong_length::<N>(h.len()?));
        }
        let v: Vec<T> = Vec::from_handle(h)?;
        let n = v.len();
        v.try_into().map_err(|_| wrong_length::<N>(n))
    }
}

fn wrong_length<const N: usize>(got: usize) -> Error {
    Error::value_error(format!(
        "expected a sequence of length {N}, got one of length {got}"
    ))
}

/// From a `set`, a `frozenset` or any other iterable but `str` (duplicates collapse).
fn extract_set<'c, T, F>(h: &Handle<'c>, mut insert: F) -> Result<()>
where
    T: for<'x> FromHandle<'x, 'c>,
    F: FnMut(T),
{
    if h.is_str() {
        return Err(type_mismatch(h, "a set or another iterable (not str)"));
    }
    let it = h.iter().map_err(|e| {
        if e.matches(h.ctx(), crate::Builtin::TypeError) {
            e.discard(h.ctx());
            type_mismatch(h, "a set or another iterable")
        } else {
            e
        }
    })?;
    for item in it {
        let item = item?;
        insert(T::from_handle(&item).map_err(|e| e.with_prefix("set item: "))?);
    }
    Ok(())
}

/// From a `set`, a `frozenset` or any other iterable but `str`.
impl<'a, 'c, T, S> FromHandle<'a, 'c> for HashSet<T, S>
where
    T: for<'x> FromHandle<'x, 'c> + Eq + Hash,
    S: BuildHasher + Default,
{
    const EXPECTED: &'static str = "set";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let mut s = HashSet::with_hasher(S::default());
        extract_set::<T, _>(h, |v| {
            s.insert(v);
        })?;
        Ok(s)
    }
}

/// From a `set`, a `frozenset` or any other iterable but `str`.
impl<'a, 'c, T> FromHandle<'a, 'c> for BTreeSet<T>
where
    T: for<'x> FromHandle<'x, 'c> + Ord,
{
    const EXPECTED: &'static str = "set";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        let mut s = BTreeSet::new();
        extract_set::<T, _>(h, |v| {
            s.insert(v);
        })?;
        Ok(s)
    }
}

/// A `set` of the converted items: HPy 0.9 has no set API, so the items go into a list that
/// the builtin `set` consumes (two calls whatever the size).
fn build_set<'c, T: IntoHandle<'c>>(
    ctx: Ctx<'c>,
    items: impl ExactSizeIterator<Item = T>,
) -> Result<Handle<'c>> {
    let list = build_seq(ctx, items, false)?;
    ctx.builtin("set")?.call((&list,))
}

/// A `set`.
impl<'c, T: IntoHandle<'c>, S> IntoHandle<'c> for HashSet<T, S> {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        build_set(ctx, self.into_iter())
    }
}

/// A `set`.
impl<'c, T: IntoHandle<'c>> IntoHandle<'c> for BTreeSet<T> {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        build_set(ctx, self.into_iter())
    }
}

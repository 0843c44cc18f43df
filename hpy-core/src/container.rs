//! Containers: lists, dicts, sets and slices.

use crate::backend as b;
use crate::conv::IntoHandle;
use crate::err::{Error, Result};
use crate::handle::{Ctx, Handle};
use crate::object::check_status;
use crate::types::BuiltinType;

impl<'c> Handle<'c> {
    /// `self.append(value)` for a list (`HPyList_Append`; `TypeError` for anything else).
    pub fn list_append<V: IntoHandle<'c>>(&self, value: V) -> Result<()> {
        if !self.is_list() {
            return Err(Error::type_error(format!(
                "list_append() needs a list, got {}",
                self.type_name()
            )));
        }
        let v = value.__into_arg(self.ctx())?;
        // SAFETY: `self` is a live list and `v` a live handle.
        check_status(unsafe { b::list_append(self.ctx().raw(), self.as_raw(), v.raw()) })
    }

    fn require_dict(&self, what: &str) -> Result<()> {
        if self.is_dict() {
            Ok(())
        } else {
            Err(Error::type_error(format!(
                "{what}() needs a dict, got {}",
                self.type_name()
            )))
        }
    }

    /// The keys of a dict, as a new list (`HPyDict_Keys`).
    pub fn dict_keys(&self) -> Result<Handle<'c>> {
        self.require_dict("dict_keys")?;
        // SAFETY: `self` is a live dict; the result is NULL or a new reference.
        unsafe {
            self.ctx()
                .check(b::dict_keys(self.ctx().raw(), self.as_raw()))
        }
    }

    /// A shallow copy of a dict (`HPyDict_Copy`).
    pub fn dict_copy(&self) -> Result<Handle<'c>> {
        self.require_dict("dict_copy")?;
        // SAFETY: `self` is a live dict; the result is NULL or a new reference.
        unsafe {
            self.ctx()
                .check(b::dict_copy(self.ctx().raw(), self.as_raw()))
        }
    }

    /// The `(key, value)` pairs of a dict, in order. HPy 0.9 has no item iteration: this is
    /// `HPyDict_Keys` then one `HPy_GetItem` per key.
    pub fn dict_items(&self) -> Result<Vec<(Handle<'c>, Handle<'c>)>> {
        let keys = self.dict_keys()?;
        let mut out = Vec::with_capacity(keys.len()?);
        for key in keys.iter()? {
            let key = key?;
            let value = self.get_item(&key)?;
            out.push((key, value));
        }
        Ok(out)
    }

    /// The values of a dict, in order (see [`dict_items`](Self::dict_items)).
    pub fn dict_values(&self) -> Result<Vec<Handle<'c>>> {
        Ok(self.dict_items()?.into_iter().map(|(_, v)| v).collect())
    }

    /// For a slice object: `(start, stop, step)` with `None` replaced by the extremes
    /// (`HPySlice_Unpack`: `start`/`stop` are not yet adjusted to a length; see
    /// [`slice_indices`](Self::slice_indices)). `ValueError` for a zero step.
    pub fn slice_unpack(&self) -> Result<(isize, isize, isize)> {
        if !self.is_instance_of_builtin(BuiltinType::Slice) {
            return Err(Error::type_error(format!(
                "slice_unpack() needs a slice, got {}",
                self.type_name()
            )));
        }
        let (mut start, mut stop, mut step) = (0, 0, 0);
        // SAFETY: `self` is a live slice.
        check_status(unsafe {
            b::slice_unpack(
                self.ctx().raw(),
                self.as_raw(),
                &mut start,
                &mut stop,
                &mut step,
            )
        })?;
        Ok((start, stop, step))
    }

    /// For a slice object and a sequence length: `(start, stop, step, count)` as
    /// `slice.indices(length)` computes them, plus the number of items the slice selects
    /// (`HPySlice_Unpack` + `HPySlice_AdjustIndices`).
    pub fn slice_indices(&self, length: usize) -> Result<(isize, isize, isize, usize)> {
        let (start, stop, step) = self.slice_unpack()?;
        let len = length as isize;
        let (start, stop, count) = adjust_indices(len, start, stop, step);
        Ok((start, stop, step, count))
    }
}

/// `HPySlice_AdjustIndices` (an inline helper of HPy, `PySlice_AdjustIndices` of CPython).
fn adjust_indices(
    length: isize,
    mut start: isize,
    mut stop: isize,
    step: isize,
) -> (isize, isize, usize) {
    debug_assert!(step != 0);
    if start < 0 {
        start += length;
        if start < 0 {
            start = if step < 0 { -1 } else { 0 };
        }
    } else if start >= length {
        start = if step < 0 { length - 1 } else { length };
    }
    if stop < 0 {
        stop += length;
        if stop < 0 {
            stop = if step < 0 { -1 } else { 0 };
        }
    } else if stop >= length {
        stop = if step < 0 { length - 1 } else { length };
    }
    let count = if step < 0 {
        if stop < start {
            ((start - stop - 1) / (-step) + 1) as usize
        } else {
            0
        }
    } else if start < stop {
        ((stop - start - 1) / step + 1) as usize
    } else {
        0
    };
    (start, stop, count)
}

impl<'c> Ctx<'c> {
    /// `slice(start, stop, step)` (HPy 0.9 has no slice constructor: this calls the type in
    /// `h_SliceType`); `None` for an omitted bound.
    pub fn slice(
        self,
        start: Option<isize>,
        stop: Option<isize>,
        step: Option<isize>,
    ) -> Result<Handle<'c>> {
        self.type_object(BuiltinType::Slice)
            .call((start, stop, step))
    }

    /// A new `set` of the given items. HPy 0.9 has no set API: this calls the builtin `set`
    /// on a list of the items. Use `ctx.to_py(hash_set)` to convert a Rust set.
    pub fn set<T: IntoHandle<'c>, I: IntoIterator<Item = T>>(self, items: I) -> Result<Handle<'c>> {
        let items: Vec<T> = items.into_iter().collect();
        let list = crate::conv::build_seq(self, items.into_iter(), false)?;
        self.builtin("set")?.call((&list,))
    }

    /// A new `frozenset` of the given items (see [`set`](Self::set)).
    pub fn frozenset<T: IntoHandle<'c>, I: IntoIterator<Item = T>>(
        self,
        items: I,
    ) -> Result<Handle<'c>> {
        let items: Vec<T> = items.into_iter().collect();
        let list = crate::conv::build_seq(self, items.into_iter(), false)?;
        self.builtin("frozenset")?.call((&list,))
    }
}

#[cfg(test)]
mod tests {
    use super::adjust_indices;

    /// Checked against `slice(a, b, c).indices(n)` and `len(range(*...))` in CPython.
    #[test]
    fn adjust_indices_matches_python() {
        let max = isize::MAX;
        let min = -isize::MAX;
        assert_eq!(adjust_indices(10, 0, max, 1), (0, 10, 10));
        assert_eq!(adjust_indices(10, -3, max, 1), (7, 10, 3));
        assert_eq!(adjust_indices(10, max, min, -1), (9, -1, 10));
        assert_eq!(adjust_indices(10, 2, 8, 3), (2, 8, 2));
        assert_eq!(adjust_indices(10, 8, 2, -3), (8, 2, 2));
        assert_eq!(adjust_indices(10, 20, 30, 1), (10, 10, 0));
        assert_eq!(adjust_indices(0, 0, max, 1), (0, 0, 0));
        assert_eq!(adjust_indices(5, -100, 100, 2), (0, 5, 3));
    }
}

//! Bytes: `&[u8]` borrowed from a `bytes` object, `Vec<u8>` and `Cow<[u8]>` copied from any
//! bytes-like object, and back into `bytes`.

use std::borrow::Cow;

use super::{FromHandle, IntoHandle, type_mismatch};
use crate::backend as b;
use crate::err::{Error, Result};
use crate::handle::{Ctx, Handle};
use crate::types::BuiltinType;

/// The contents of a `bytes` object (a subclass too), borrowed for as long as the handle is;
/// `None` for any other object.
pub(crate) fn bytes_view<'a>(h: &'a Handle<'_>) -> Option<&'a [u8]> {
    let c = h.ctx().raw();
    // SAFETY: the handle is live.
    if !unsafe { b::bytes_check(c, h.as_raw()) } {
        return None;
    }
    // SAFETY: `h` is a live bytes object: its buffer holds `n` bytes and stays valid and
    // unchanged while the object lives (bytes are immutable), which the borrow `'a` of the
    // handle guarantees. In HPy debug mode the buffer is a protected copy tied to the handle,
    // with the same lifetime.
    unsafe {
        let n = b::bytes_get_size(c, h.as_raw()) as usize;
        if n == 0 {
            return Some(&[]);
        }
        let p = b::bytes_as_string_unchecked(c, h.as_raw()).cast::<u8>();
        Some(core::slice::from_raw_parts(p, n))
    }
}

/// `Vec<u8>` from `bytes`, `bytearray` or `memoryview` in one copy; `None` for anything else
/// (a list of ints converts item by item).
pub(super) fn extract_byte_vec(h: &Handle<'_>) -> Option<Result<Vec<u8>>> {
    if let Some(v) = bytes_view(h) {
        return Some(Ok(v.to_vec()));
    }
    let ctx = h.ctx();
    let c = ctx.raw();
    // SAFETY: the handle is live.
    if let Some(v) = unsafe { b::bytearray_to_vec(c, h.as_raw()) } {
        return Some(Ok(v));
    }
    if h.is_instance(&ctx.type_object(BuiltinType::MemoryView)) {
        return Some(
            h.py_bytes()
                .map(|copy| bytes_view(&copy).unwrap_or(&[]).to_vec()),
        );
    }
    None
}

/// Borrows the contents of a `bytes` object (no copy). Other bytes-like objects are mutable
/// (`bytearray`) or may be (`memoryview`), so they cannot be borrowed: take `Vec<u8>` or
/// `Cow<[u8]>` for those.
impl<'a, 'c> FromHandle<'a, 'c> for &'a [u8] {
    const EXPECTED: &'static str = "bytes";
    #[inline]
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        bytes_view(h).ok_or_else(|| type_mismatch(h, "bytes"))
    }
}

/// Borrows a `bytes` object, copies a `bytearray` or `memoryview`.
impl<'a, 'c> FromHandle<'a, 'c> for Cow<'a, [u8]> {
    const EXPECTED: &'static str = "bytes-like object";
    fn from_handle(h: &'a Handle<'c>) -> Result<Self> {
        if let Some(v) = bytes_view(h) {
            return Ok(Cow::Borrowed(v));
        }
        match extract_byte_vec(h) {
            Some(v) => v.map(Cow::Owned),
            None => Err(type_mismatch(h, "a bytes-like object")),
        }
    }
}

/// `bytes`.
impl<'c> IntoHandle<'c> for Cow<'_, [u8]> {
    fn into_handle(self, ctx: Ctx<'c>) -> Result<Handle<'c>> {
        ctx.bytes(&self)
    }
}

impl<'c> Ctx<'c> {
    /// A new `bytes` object with a copy of `data` (`HPyBytes_FromStringAndSize`).
    pub fn bytes(self, data: &[u8]) -> Result<Handle<'c>> {
        // SAFETY: the result is NULL or a new reference.
        unsafe { self.check(b::bytes_from_slice(self.raw(), data)) }
    }

    /// A new `bytes` object from a NUL-terminated string, without the NUL
    /// (`HPyBytes_FromString`).
    pub fn bytes_from_cstr(self, data: &core::ffi::CStr) -> Result<Handle<'c>> {
        // SAFETY: `data` is NUL-terminated; the result is NULL or a new reference.
        unsafe { self.check(b::bytes_from_cstr(self.raw(), data.as_ptr())) }
    }
}

impl<'c> Handle<'c> {
    /// The contents of a `bytes` object, borrowed for as long as the handle is (no copy):
    /// `HPyBytes_AS_STRING` and `HPyBytes_GET_SIZE`. `TypeError` for anything else.
    ///
    /// ```
    /// # fn demo<'c>(data: &hpy_core::Handle<'c>) -> hpy_core::Result<usize> {
    /// let bytes: &[u8] = data.as_bytes()?;
    /// Ok(bytes.iter().filter(|&&b| b == b'\n').count())
    /// # }
    /// ```
    pub fn as_bytes(&self) -> Result<&[u8]> {
        bytes_view(self).ok_or_else(|| type_mismatch(self, "bytes"))
    }

    /// `len(self)` for a `bytes` object (`HPyBytes_Size`: `TypeError` for anything else).
    pub fn bytes_len(&self) -> Result<usize> {
        // SAFETY: the handle is live.
        let n = unsafe { b::bytes_size(self.ctx().raw(), self.as_raw()) };
        if n < 0 {
            Err(Error::pending())
        } else {
            Ok(n as usize)
        }
    }

    /// The contents of a `bytes` object as a NUL-terminated C string (`HPyBytes_AsString`),
    /// borrowed for as long as the handle is. `TypeError` for anything else, `ValueError` if
    /// the bytes contain a NUL.
    pub fn as_cstr(&self) -> Result<&core::ffi::CStr> {
        let c = self.ctx().raw();
        // SAFETY: the handle is live.
        let p = unsafe { b::bytes_as_string(c, self.as_raw()) };
        if p.is_null() {
            return Err(Error::pending());
        }
        let n = self.bytes_len()?;
        // SAFETY: a bytes object's buffer holds `n` bytes plus a terminating NUL and lives as
        // long as the object (see `bytes_view`).
        let all = unsafe { core::slice::from_raw_parts(p.cast::<u8>(), n + 1) };
        core::ffi::CStr::from_bytes_with_nul(all)
            .map_err(|_| Error::value_error("bytes with an embedded NUL cannot be a C string"))
    }
}

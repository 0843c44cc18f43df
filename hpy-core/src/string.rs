//! Strings: UTF-8 views of `str` objects, encoding and decoding.

use core::ffi::CStr;

use crate::backend as b;
use crate::conv::FromHandle;
use crate::err::{Error, Result};
use crate::ffi::wchar_t;
use crate::handle::{Ctx, Handle};
use crate::object::with_opt_cstr;

/// The text of a `str` as the runtime stores it ([`Handle::str_data`]), borrowed from the
/// string.
///
/// * CPython-ABI mode on CPython: the string's own representation (PEP 393), one of `Ascii`,
///   `Latin1` (one byte per character, some above U+007F), `Ucs2` or `Ucs4` (by its widest
///   character): reading it costs nothing, where [`Handle::to_str`] makes (and caches in the
///   string) a UTF-8 copy of any string that is not ASCII.
/// * Universal mode, and PyPy's cpyext: `Utf8`, as [`Handle::to_str_bytes`] gives it (PyPy's
///   HPy writes lone surrogates in their three-byte form; CPython, and PyPy's cpyext, raise
///   `UnicodeEncodeError` for them).
///
/// `Ucs2` and `Ucs4` units are code points: a lone surrogate a string may hold is one unit,
/// not half of a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrData<'a> {
    /// ASCII text.
    Ascii(&'a str),
    /// One byte per character, at least one above U+007F.
    Latin1(&'a [u8]),
    /// Two bytes per character, at least one above U+00FF.
    Ucs2(&'a [u16]),
    /// Four bytes per character, at least one above U+FFFF.
    Ucs4(&'a [u32]),
    /// UTF-8 (universal mode).
    Utf8(&'a [u8]),
}

impl<'c> Handle<'c> {
    /// The UTF-8 text of a `str`, borrowed for as long as the handle is (no copy:
    /// `HPyUnicode_AsUTF8AndSize`). `TypeError` for anything else; `UnicodeEncodeError` for a
    /// string with lone surrogates.
    ///
    /// ```
    /// # fn demo<'c>(name: &hpy_core::Handle<'c>) -> hpy_core::Result<bool> {
    /// let s: &str = name.to_str()?;
    /// Ok(s.starts_with("__"))
    /// # }
    /// ```
    pub fn to_str(&self) -> Result<&str> {
        <&str>::from_handle(self)
    }

    /// The text of a `str` as UTF-8 bytes, borrowed for as long as the handle is (no copy),
    /// without the check [`to_str`](Self::to_str) makes in universal mode.
    ///
    /// The bytes are UTF-8 with one exception: a string with lone surrogates (`'\ud800'`)
    /// raises `UnicodeEncodeError` on CPython, while PyPy's HPy returns them in their
    /// three-byte form (what `s.encode('utf-8', 'surrogatepass')` gives). `to_str` turns that
    /// into the error CPython raises, at the cost of a UTF-8 check of every string in universal
    /// mode; code that copes with the three-byte forms itself (an encoder that escapes them,
    /// say) saves that pass. `TypeError` for anything but a `str`.
    ///
    /// ```
    /// # fn demo<'c>(s: &hpy_core::Handle<'c>) -> hpy_core::Result<usize> {
    /// let utf8: &[u8] = s.to_str_bytes()?;
    /// Ok(utf8.iter().filter(|&&b| b == b'/').count())
    /// # }
    /// ```
    pub fn to_str_bytes(&self) -> Result<&[u8]> {
        crate::conv::str_utf8_buffer(self)
    }

    /// The text of a `str` in the form the runtime keeps it, borrowed for as long as the handle
    /// is (no copy, no conversion): see [`StrData`]. `TypeError` for anything but a `str`.
    ///
    /// ```
    /// # fn demo<'c>(s: &hpy_core::Handle<'c>) -> hpy_core::Result<usize> {
    /// use hpy_core::StrData;
    /// // Count the characters above U+007F, whatever the representation.
    /// Ok(match s.str_data()? {
    ///     StrData::Ascii(_) => 0,
    ///     StrData::Latin1(b) => b.iter().filter(|&&c| c > 0x7f).count(),
    ///     StrData::Ucs2(u) => u.iter().filter(|&&c| c > 0x7f).count(),
    ///     StrData::Ucs4(u) => u.iter().filter(|&&c| c > 0x7f).count(),
    ///     StrData::Utf8(b) => b.iter().filter(|&&c| c >= 0xc0).count(),
    /// })
    /// # }
    /// ```
    pub fn str_data(&self) -> Result<StrData<'_>> {
        if !self.is_str() {
            return Err(crate::conv::type_mismatch(self, "str"));
        }
        // SAFETY: `self` is a live str.
        let raw =
            unsafe { b::str_data(self.ctx().raw(), self.as_raw()) }.ok_or_else(Error::pending)?;
        /// A slice of `n` units at `p`, borrowed from the string.
        ///
        /// # Safety
        /// `p` points to `n` units that stay valid while the handle lives.
        unsafe fn units<'a, T>(p: *const T, n: usize) -> &'a [T] {
            if n == 0 {
                return &[];
            }
            // SAFETY: forwarded contract.
            unsafe { core::slice::from_raw_parts(p, n) }
        }
        // SAFETY: the runtime's buffers stay valid and unchanged while the string lives (a str
        // is immutable), which the borrow of `self` guarantees; ASCII text is UTF-8.
        Ok(unsafe {
            match raw {
                b::RawStrData::Ascii(p, n) => {
                    StrData::Ascii(core::str::from_utf8_unchecked(units(p, n)))
                }
                b::RawStrData::Latin1(p, n) => StrData::Latin1(units(p, n)),
                b::RawStrData::Ucs2(p, n) => StrData::Ucs2(units(p, n)),
                b::RawStrData::Ucs4(p, n) => StrData::Ucs4(units(p, n)),
                b::RawStrData::Utf8(p, n) => StrData::Utf8(units(p, n)),
            }
        })
    }

    /// The character at index `i` of a `str` (`HPyUnicode_ReadChar`; `IndexError` out of
    /// range). A lone surrogate comes back as `U+FFFD`.
    pub fn read_char(&self, i: usize) -> Result<char> {
        if !self.is_str() {
            return Err(crate::conv::type_mismatch(self, "str"));
        }
        let c = self.ctx().raw();
        // SAFETY: the handle is a live str.
        let v = unsafe { b::unicode_read_char(c, self.as_raw(), i as isize) };
        // SAFETY: the context is live.
        if v == u32::MAX && unsafe { b::err_occurred(c) } {
            return Err(Error::pending());
        }
        Ok(char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    /// `self[start:end]` for a `str`, in characters (`HPyUnicode_Substring`; indices are
    /// clamped like slicing).
    pub fn substring(&self, start: usize, end: usize) -> Result<Handle<'c>> {
        if !self.is_str() {
            return Err(crate::conv::type_mismatch(self, "str"));
        }
        let ctx = self.ctx();
        let clamp = |v: usize| v.min(isize::MAX as usize) as isize;
        // SAFETY: `self` is a live str; the result is NULL or a new reference.
        unsafe {
            ctx.check(b::unicode_substring(
                ctx.raw(),
                self.as_raw(),
                clamp(start),
                clamp(end),
            ))
        }
    }

    fn encode_with(&self, which: u8) -> Result<Handle<'c>> {
        if !self.is_str() {
            return Err(crate::conv::type_mismatch(self, "str"));
        }
        let ctx = self.ctx();
        // SAFETY: `self` is a live str; the result is NULL or a new reference.
        unsafe { ctx.check(b::unicode_encode(ctx.raw(), self.as_raw(), which)) }
    }

    /// `self.encode('ascii')` (`HPyUnicode_AsASCIIString`).
    pub fn encode_ascii(&self) -> Result<Handle<'c>> {
        self.encode_with(0)
    }

    /// `self.encode('latin-1')` (`HPyUnicode_AsLatin1String`).
    pub fn encode_latin1(&self) -> Result<Handle<'c>> {
        self.encode_with(1)
    }

    /// `self.encode('utf-8')` (`HPyUnicode_AsUTF8String`).
    pub fn encode_utf8(&self) -> Result<Handle<'c>> {
        self.encode_with(2)
    }

    /// `os.fsencode(self)`: bytes in the file-system encoding (`HPyUnicode_EncodeFSDefault`).
    pub fn encode_fs_default(&self) -> Result<Handle<'c>> {
        if !self.is_str() {
            return Err(crate::conv::type_mismatch(self, "str"));
        }
        let ctx = self.ctx();
        // SAFETY: `self` is a live str; the result is NULL or a new reference.
        unsafe { ctx.check(b::unicode_encode_fs_default(ctx.raw(), self.as_raw())) }
    }

    /// `str(self, encoding, errors)` for a bytes-like object (`HPyUnicode_FromEncodedObject`):
    /// `None` means UTF-8 and `'strict'`.
    ///
    /// Every runtime accepts the same objects: PyPy's `HPyUnicode_FromEncodedObject` and its
    /// cpyext's `PyUnicode_FromEncodedObject` (7.3.19) take `bytes` only, so on PyPy another
    /// object with the buffer protocol (`bytearray`, `memoryview`, `array.array`, ...) is
    /// copied into a `bytes` first, as CPython reads it.
    pub fn decode(&self, encoding: Option<&str>, errors: Option<&str>) -> Result<Handle<'c>> {
        let ctx = self.ctx();
        #[cfg(hpy_abi = "universal")]
        let pypy = b::is_pypy(ctx.raw());
        #[cfg(not(hpy_abi = "universal"))]
        let pypy = cfg!(hpy_cpyext);
        if pypy && !self.is_bytes() && !self.is_str() {
            match ctx.builtin("memoryview")?.call((self,)) {
                Ok(view) => return view.call_method("tobytes", ())?.decode(encoding, errors),
                // Not a buffer: PyPy's own call raises the TypeError.
                Err(e) if e.matches(ctx, crate::Builtin::TypeError) => e.discard(ctx),
                Err(e) => return Err(e),
            }
        }
        with_opt_cstr(encoding, |enc| {
            with_opt_cstr(errors, |err| {
                // SAFETY: the handle is live; the strings are NULL or NUL-terminated; the
                // result is NULL or a new reference.
                unsafe {
                    ctx.check(b::unicode_from_encoded_object(
                        ctx.raw(),
                        self.as_raw(),
                        enc,
                        err,
                    ))
                }
            })
        })??
    }
}

impl<'c> Ctx<'c> {
    /// A `str` from a NUL-terminated UTF-8 string (`HPyUnicode_FromString`).
    pub fn str_from_cstr(self, s: &CStr) -> Result<Handle<'c>> {
        // SAFETY: NUL-terminated; the result is NULL or a new reference.
        unsafe { self.check(b::unicode_from_cstr(self.raw(), s.as_ptr())) }
    }

    /// A `str` from wide characters, `wchar_t` of the C library (`HPyUnicode_FromWideChar`).
    pub fn str_from_wide(self, w: &[wchar_t]) -> Result<Handle<'c>> {
        // SAFETY: the slice holds `len` wide characters; the result is NULL or a new reference.
        unsafe {
            self.check(b::unicode_from_wide(
                self.raw(),
                w.as_ptr(),
                w.len() as isize,
            ))
        }
    }

    /// `os.fsdecode(data)`: a `str` from bytes in the file-system encoding
    /// (`HPyUnicode_DecodeFSDefaultAndSize`).
    pub fn decode_fs_default(self, data: &[u8]) -> Result<Handle<'c>> {
        // SAFETY: the result is NULL or a new reference.
        unsafe { self.check(b::unicode_decode_fs_default_and_size(self.raw(), data)) }
    }

    /// `os.fsdecode(path)` for a NUL-terminated path (`HPyUnicode_DecodeFSDefault`).
    pub fn decode_fs_default_cstr(self, data: &CStr) -> Result<Handle<'c>> {
        // SAFETY: NUL-terminated; the result is NULL or a new reference.
        unsafe { self.check(b::unicode_decode_fs_default(self.raw(), data.as_ptr())) }
    }

    /// `data.decode('ascii', errors)` (`HPyUnicode_DecodeASCII`; `None` is `'strict'`).
    pub fn decode_ascii(self, data: &[u8], errors: Option<&str>) -> Result<Handle<'c>> {
        with_opt_cstr(errors, |e| {
            // SAFETY: `e` is NULL or NUL-terminated; the result is NULL or a new reference.
            unsafe { self.check(b::unicode_decode(self.raw(), data, e, false)) }
        })?
    }

    /// `data.decode('latin-1', errors)` (`HPyUnicode_DecodeLatin1`).
    pub fn decode_latin1(self, data: &[u8], errors: Option<&str>) -> Result<Handle<'c>> {
        with_opt_cstr(errors, |e| {
            // SAFETY: `e` is NULL or NUL-terminated; the result is NULL or a new reference.
            unsafe { self.check(b::unicode_decode(self.raw(), data, e, true)) }
        })?
    }

    /// A `str` from UTF-8 given as bytes: `data.decode('utf-8', errors)`.
    pub fn decode_utf8(self, data: &[u8], errors: Option<&str>) -> Result<Handle<'c>> {
        self.bytes(data)?.decode(None, errors)
    }
}

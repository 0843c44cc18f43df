//! The decoder: JSON text to Python objects, built directly while parsing.
//!
//! It accepts RFC 8259 JSON plus ujson's extensions `NaN`, `Infinity` and `-Infinity`, and
//! rejects everything else with a [`Failure::Syntax`] that says what and where. ujson 6 also
//! accepts a few malformed documents (leading zeros `01`, a lone `-`, `1.`, raw control
//! characters inside strings); this decoder does not (see the README).
//!
//! Strings: escapes are decoded, a `\uXXXX` high surrogate followed by a `\uXXXX` low
//! surrogate combines into one character, and a lone surrogate (escaped, or in the input
//! `str` itself) stays a lone surrogate in the result, as in ujson and the standard library.
//! Numbers: an integer of any size becomes an `int`; a number with a fraction or an exponent
//! becomes the nearest `float` (`1e400` is `inf`).

use std::borrow::Cow;

use hpy_core::ffi::wchar_t;
use hpy_core::{Ctx, Error, Handle, Result};

use crate::escape::{decode_wtf8, push_utf8};

/// The deepest nesting of arrays and objects accepted (ujson's limit).
pub const MAX_DEPTH: u32 = 1024;

/// Why decoding stopped.
pub enum Failure {
    /// The document is malformed: a message and the byte offset of the offending character.
    Syntax {
        /// What is wrong (ujson's wording where ujson has one).
        msg: Cow<'static, str>,
        /// Byte offset into the UTF-8 input.
        pos: usize,
    },
    /// A Python error (out of memory, an `int` too long to convert, ...).
    Python(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Python(e)
    }
}

type PResult<T> = core::result::Result<T, Failure>;

fn syntax<T>(msg: impl Into<Cow<'static, str>>, pos: usize) -> PResult<T> {
    Err(Failure::Syntax {
        msg: msg.into(),
        pos,
    })
}

/// One `loads` call in progress.
pub struct Parser<'a, 'c> {
    ctx: Ctx<'c>,
    s: &'a [u8],
    /// `s` as a `&str` when it is UTF-8 (nearly always): its slices need no validation.
    text: Option<&'a str>,
    pos: usize,
    depth: u32,
    /// Unescaped text of the string being decoded.
    scratch: Vec<u8>,
    /// Items of the arrays being decoded (each array uses the top of the stack).
    items: Vec<Handle<'c>>,
    /// Wide characters of the string being made (see [`str_of`]).
    wide: Vec<wchar_t>,
    /// Recently made object keys, by their text (see [`key_slot`]).
    keys: Vec<Option<(&'a [u8], Handle<'c>)>>,
}

/// Keys up to this long go through the key cache.
const KEY_CACHE_MAX_LEN: usize = 64;
/// The number of slots of the key cache (a power of two).
const KEY_CACHE_SLOTS: usize = 512;

/// The slot of a key in the key cache: a direct-mapped cache (a key replaces whatever was in
/// its slot), indexed by the FNV-1a hash of the key's text. Documents repeat the same few keys
/// in every object; reusing their `str` objects saves making them and hashing them again when
/// they are inserted (a `str` caches its hash).
#[inline]
fn key_slot(key: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &b in key {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    (h as usize) & (KEY_CACHE_SLOTS - 1)
}

/// Whether one of the eight bytes of `w` is `"`, `\` or below 0x20.
#[inline(always)]
fn special_in_string(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has = |c: u8| {
        let x = w ^ (ONES * u64::from(c));
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    };
    (w.wrapping_sub(ONES * 0x20) & !w & HIGHS != 0) || has(b'"') || has(b'\\')
}

impl<'a, 'c> Parser<'a, 'c> {
    /// A parser of `s` (UTF-8, or generalised UTF-8 with surrogates, or anything else from a
    /// `bytes` object).
    pub fn new(ctx: Ctx<'c>, s: &'a [u8]) -> Parser<'a, 'c> {
        Parser::with_text(ctx, s, std::str::from_utf8(s).ok())
    }

    /// A parser of text already known to be UTF-8.
    pub fn new_str(ctx: Ctx<'c>, s: &'a str) -> Parser<'a, 'c> {
        Parser::with_text(ctx, s.as_bytes(), Some(s))
    }

    fn with_text(ctx: Ctx<'c>, s: &'a [u8], text: Option<&'a str>) -> Parser<'a, 'c> {
        Parser {
            ctx,
            s,
            text,
            pos: 0,
            depth: 0,
            scratch: Vec::new(),
            items: Vec::new(),
            wide: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// Decodes the whole input: one value, surrounded by optional whitespace.
    pub fn parse(mut self) -> PResult<Handle<'c>> {
        self.skip_ws();
        let v = self.value()?;
        self.skip_ws();
        if self.pos != self.s.len() {
            return syntax("Trailing data", self.pos);
        }
        Ok(v)
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> PResult<Handle<'c>> {
        match self.peek() {
            Some(b'"') => self.string(),
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self
                .literal(b"true", "Unexpected character found when decoding 'true'")
                .map(|()| self.ctx.bool(true)),
            Some(b'f') => self
                .literal(b"false", "Unexpected character found when decoding 'false'")
                .map(|()| self.ctx.bool(false)),
            Some(b'n') => self
                .literal(b"null", "Unexpected character found when decoding 'null'")
                .map(|()| self.ctx.none()),
            Some(b'N') => {
                self.literal(b"NaN", "Unexpected character found when decoding 'NaN'")?;
                Ok(self.ctx.to_py(f64::NAN)?)
            }
            Some(b'I') => {
                self.literal(
                    b"Infinity",
                    "Unexpected character found when decoding 'Infinity'",
                )?;
                Ok(self.ctx.to_py(f64::INFINITY)?)
            }
            _ => syntax("Expected object or value", self.pos),
        }
    }

    /// Consumes `word` or fails with `msg` at the first character that differs.
    fn literal(&mut self, word: &[u8], msg: &'static str) -> PResult<()> {
        for (k, &w) in word.iter().enumerate() {
            if self.s.get(self.pos + k) != Some(&w) {
                return syntax(msg, self.pos + k);
            }
        }
        self.pos += word.len();
        Ok(())
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return syntax("Reached object decoding depth limit", self.pos);
        }
        Ok(())
    }

    fn array(&mut self) -> PResult<Handle<'c>> {
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        let base = self.items.len();
        if self.peek() == Some(b']') {
            self.pos += 1;
        } else {
            loop {
                let v = self.value()?;
                self.items.push(v);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if self.peek() == Some(b']') {
                            return syntax(
                                "Unexpected character found when decoding array value (1)",
                                self.pos,
                            );
                        }
                    }
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    _ => {
                        return syntax(
                            "Unexpected character found when decoding array value (2)",
                            self.pos,
                        );
                    }
                }
            }
        }
        self.depth -= 1;
        let items: Vec<Handle<'c>> = self.items.drain(base..).collect();
        Ok(self.ctx.to_py(items)?)
    }

    fn object(&mut self) -> PResult<Handle<'c>> {
        self.enter()?;
        if self.keys.is_empty() {
            self.keys.resize_with(KEY_CACHE_SLOTS, || None);
        }
        self.pos += 1;
        self.skip_ws();
        let dict = self.ctx.dict()?;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(dict);
        }
        loop {
            match self.peek() {
                Some(b'"') => {}
                // Another kind of value.
                Some(b'-' | b'0'..=b'9' | b'[' | b'{' | b't' | b'f' | b'n' | b'N' | b'I') => {
                    return syntax(
                        "Key name of object must be 'string' when decoding 'object'",
                        self.pos,
                    );
                }
                _ => return syntax("Expected object or value", self.pos),
            }
            let key = self.key()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return syntax("No ':' found when decoding object value", self.pos);
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            dict.set_item(&key, &value)?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        return syntax(
                            "Unexpected character in found when decoding object value",
                            self.pos,
                        );
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    return syntax(
                        "Unexpected character in found when decoding object value",
                        self.pos,
                    );
                }
            }
        }
        self.depth -= 1;
        Ok(dict)
    }

    /// A number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, or `-Infinity`.
    fn number(&mut self) -> PResult<Handle<'c>> {
        let s = self.s;
        let start = self.pos;
        let mut i = start;
        let negative = s[i] == b'-';
        if negative {
            i += 1;
            if s.get(i) == Some(&b'I') {
                self.pos = i;
                self.literal(
                    b"Infinity",
                    "Unexpected character found when decoding '-Infinity'",
                )?;
                return Ok(self.ctx.to_py(f64::NEG_INFINITY)?);
            }
        }
        // The integer part, accumulated as it is read (exact up to 19 digits).
        let int_start = i;
        let mut acc: u64 = 0;
        match s.get(i) {
            Some(b'0') => {
                i += 1;
                if let Some(b'0'..=b'9') = s.get(i) {
                    return syntax("Invalid number: leading zeros are not allowed", start);
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(&d @ b'0'..=b'9') = s.get(i) {
                    acc = acc.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                    i += 1;
                }
            }
            _ => return syntax("Invalid number: expected a digit", i),
        }
        let int_digits = i - int_start;
        let mut is_float = false;
        if s.get(i) == Some(&b'.') {
            i += 1;
            if !matches!(s.get(i), Some(b'0'..=b'9')) {
                return syntax(
                    "Invalid number: expected a digit after the decimal point",
                    i,
                );
            }
            while let Some(b'0'..=b'9') = s.get(i) {
                i += 1;
            }
            is_float = true;
        }
        if let Some(b'e' | b'E') = s.get(i) {
            i += 1;
            if let Some(b'+' | b'-') = s.get(i) {
                i += 1;
            }
            if !matches!(s.get(i), Some(b'0'..=b'9')) {
                return syntax("Invalid number: expected a digit in the exponent", i);
            }
            while let Some(b'0'..=b'9') = s.get(i) {
                i += 1;
            }
            is_float = true;
        }
        self.pos = i;
        if is_float {
            // The grammar checked above is a subset of what `f64::from_str` accepts.
            let v: f64 = self
                .ascii(start, i)?
                .parse()
                .map_err(|_| Error::system_error("number text"))?;
            return Ok(self.ctx.to_py(v)?);
        }
        if int_digits <= 19 {
            // `acc` is exact.
            if !negative {
                // `HPyLong_FromInt64_t` where it fits: PyPy's unsigned constructor is slower.
                return Ok(match i64::try_from(acc) {
                    Ok(v) => self.ctx.to_py(v)?,
                    Err(_) => self.ctx.to_py(acc)?,
                });
            }
            if acc <= 1u64 << 63 {
                return Ok(self.ctx.to_py((acc as i64).wrapping_neg())?);
            }
        }
        let text = self.ascii(start, i)?;
        if int_digits == 20
            && !negative
            && let Ok(v) = text.parse::<u64>()
        {
            return Ok(self.ctx.to_py(v)?);
        }
        // Beyond 64 bits: Python's int() parses the digits.
        Ok(self.ctx.builtin("int")?.call((text,))?)
    }

    /// `s[start..end]`, which the caller checked is ASCII, as a `&str`.
    #[inline]
    fn ascii(&self, start: usize, end: usize) -> PResult<&'a str> {
        match self.text {
            Some(t) => Ok(&t[start..end]),
            None => std::str::from_utf8(&self.s[start..end])
                .map_err(|_| Failure::Python(Error::system_error("ASCII text is not UTF-8"))),
        }
    }

    /// A string starting at the current `"`.
    fn string(&mut self) -> PResult<Handle<'c>> {
        let (start, end) = match self.scan_plain_string()? {
            Ok(range) => range,
            Err(_) => return self.string_with_escapes(self.pos),
        };
        self.pos = end + 1;
        self.make_str(start, end)
    }

    /// An object key: a string, through the key cache when it has no escapes.
    fn key(&mut self) -> PResult<Handle<'c>> {
        let (start, end) = match self.scan_plain_string()? {
            Ok(range) => range,
            Err(_) => return self.string_with_escapes(self.pos),
        };
        self.pos = end + 1;
        let bytes = &self.s[start..end];
        if bytes.len() > KEY_CACHE_MAX_LEN {
            return self.uncached_key(start, end);
        }
        let slot = key_slot(bytes);
        if let Some((cached, h)) = &self.keys[slot]
            && *cached == bytes
        {
            return Ok(h.clone());
        }
        let h = self.uncached_key(start, end)?;
        self.keys[slot] = Some((bytes, h.clone()));
        Ok(h)
    }

    fn uncached_key(&mut self, start: usize, end: usize) -> PResult<Handle<'c>> {
        self.make_str(start, end)
    }

    /// A `str` of the input's bytes `start..end` (a string without escapes).
    fn make_str(&mut self, start: usize, end: usize) -> PResult<Handle<'c>> {
        match self.text {
            Some(t) => Ok(str_of(self.ctx, &t[start..end], &mut self.wide)?),
            None => make_str(self.ctx, &self.s[start..end], start, &mut self.wide),
        }
    }

    /// Scans the string that starts at the current `"`: `Ok(Ok((start, end)))`, the range of
    /// its text, when it ends without a backslash; `Ok(Err(i))` at the first backslash.
    #[inline]
    fn scan_plain_string(&self) -> PResult<Result<(usize, usize), usize>> {
        let s = self.s;
        let open = self.pos;
        let start = open + 1;
        let mut i = start;
        loop {
            // Eight bytes at a time while none is a quote, a backslash or a control character.
            while let Some(chunk) = s.get(i..i + 8) {
                let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
                if special_in_string(w) {
                    break;
                }
                i += 8;
            }
            match s.get(i) {
                None => return syntax("Unmatched '\"' when decoding 'string'", open),
                Some(b'"') => return Ok(Ok((start, i))),
                Some(b'\\') => return Ok(Err(i)),
                Some(&b) if b < 0x20 => {
                    return syntax("Invalid control character in string", i);
                }
                Some(_) => i += 1,
            }
        }
    }

    /// A string that has escapes, starting at the `"` at `open`. The text is decoded into
    /// code points (wide characters), from which the `str` is made at once.
    fn string_with_escapes(&mut self, open: usize) -> PResult<Handle<'c>> {
        let mut w = std::mem::take(&mut self.wide);
        w.clear();
        let mut surrogates = false;
        let result = self.code_points(open, &mut w, &mut surrogates);
        let made = match result {
            Ok(end) => {
                self.pos = end;
                str_of_code_points(self.ctx, &w, surrogates, &mut self.scratch)
                    .map_err(Failure::Python)
            }
            Err(e) => Err(e),
        };
        self.wide = w;
        made
    }

    /// Decodes the string that starts with the `"` at `open` into `out`; the position after
    /// its closing quote. `surrogates` tells whether a lone surrogate is left in `out`.
    fn code_points(
        &self,
        open: usize,
        out: &mut Vec<wchar_t>,
        surrogates: &mut bool,
    ) -> PResult<usize> {
        let s = self.s;
        let mut i = open + 1;
        out.reserve(32);
        // Where the last `\uD8xx`-`\uDBxx` escape ended in the input, to pair it with a
        // `\uDCxx`-`\uDFxx` escape that follows at once.
        let mut high_end = usize::MAX;
        loop {
            let Some(&b) = s.get(i) else {
                return syntax("Unmatched '\"' when decoding 'string'", open);
            };
            if b == b'"' {
                return Ok(i + 1);
            }
            if b == b'\\' {
                let esc_start = i;
                let Some(&e) = s.get(i + 1) else {
                    return syntax("Unterminated escape sequence when decoding 'string'", i);
                };
                i += 2;
                let c: u32 = match e {
                    b'"' => 0x22,
                    b'\\' => 0x5c,
                    b'/' => 0x2f,
                    b'b' => 0x08,
                    b'f' => 0x0c,
                    b'n' => 0x0a,
                    b'r' => 0x0d,
                    b't' => 0x09,
                    b'u' => {
                        let v = hex4(s, i)?;
                        i += 4;
                        if (0xdc00..=0xdfff).contains(&v) && high_end == esc_start {
                            // A pair: the high surrogate written last becomes the character.
                            let hi = *out.last().expect("a high surrogate") as u32;
                            *out.last_mut().expect("a high surrogate") =
                                (0x1_0000 + ((hi - 0xd800) << 10) + (v - 0xdc00)) as wchar_t;
                            high_end = usize::MAX;
                            continue;
                        }
                        if (0xd800..=0xdfff).contains(&v) {
                            *surrogates = true;
                        }
                        high_end = if (0xd800..=0xdbff).contains(&v) {
                            i
                        } else {
                            usize::MAX
                        };
                        out.push(v as wchar_t);
                        continue;
                    }
                    _ => {
                        return syntax(
                            "Unrecognized escape sequence when decoding 'string'",
                            esc_start,
                        );
                    }
                };
                out.push(c as wchar_t);
                continue;
            }
            if b < 0x20 {
                return syntax("Invalid control character in string", i);
            }
            if b < 0x80 {
                out.push(wchar_t::from(b));
                i += 1;
                continue;
            }
            match decode_wtf8(&s[i..]) {
                Some((cp, len)) => {
                    *surrogates |= (0xd800..=0xdfff).contains(&cp);
                    out.push(cp as wchar_t);
                    i += len;
                }
                None => return syntax(invalid_utf8_message(&s[i..]), i),
            }
        }
    }
}

/// A `str` from decoded string text. `origin` is where the text started in the input (for
/// the position of an invalid byte).
fn make_str<'c>(
    ctx: Ctx<'c>,
    text: &[u8],
    origin: usize,
    wide: &mut Vec<wchar_t>,
) -> PResult<Handle<'c>> {
    if let Ok(t) = std::str::from_utf8(text) {
        return Ok(str_of(ctx, t, wide)?);
    }
    // Surrogates (or invalid bytes, from a `bytes` input).
    let mut i = 0;
    while i < text.len() {
        if text[i] < 0x80 {
            i += 1;
            continue;
        }
        match decode_wtf8(&text[i..]) {
            Some((_, len)) => i += len,
            None => return syntax(invalid_utf8_message(&text[i..]), origin + i),
        }
    }
    Ok(ctx.decode_utf8(text, Some("surrogatepass"))?)
}

/// The value of each byte as a hexadecimal digit, 0xff for a byte that is not one.
const HEX_VALUE: [u8; 256] = {
    let mut t = [0xff_u8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// The four hexadecimal digits of a `\u` escape at `s[i..]`.
#[inline]
fn hex4(s: &[u8], i: usize) -> PResult<u32> {
    if let Some(&[a, b, c, d]) = s.get(i..i + 4) {
        let (a, b, c, d) = (
            HEX_VALUE[a as usize],
            HEX_VALUE[b as usize],
            HEX_VALUE[c as usize],
            HEX_VALUE[d as usize],
        );
        if (a | b | c | d) & 0xf0 == 0 {
            return Ok((u32::from(a) << 12)
                | (u32::from(b) << 8)
                | (u32::from(c) << 4)
                | u32::from(d));
        }
    }
    // Where it goes wrong.
    for k in 0..4 {
        match s.get(i + k) {
            None => {
                return syntax(
                    "Unterminated unicode escape sequence when decoding 'string'",
                    i + k,
                );
            }
            Some(&h) if HEX_VALUE[h as usize] == 0xff => {
                return syntax(
                    "Unexpected character in unicode escape sequence when decoding 'string'",
                    i + k,
                );
            }
            Some(_) => {}
        }
    }
    unreachable!("four hexadecimal digits were rejected")
}

/// A `str` of code points (each in a `wchar_t`); `surrogates` says whether lone surrogates
/// are among them. `HPyUnicode_FromWideChar` where a `wchar_t` holds any code point (not on
/// Windows) and no surrogate is involved; else through UTF-8 (generalised, with
/// `surrogatepass`, for surrogates), using `scratch`.
fn str_of_code_points<'c>(
    ctx: Ctx<'c>,
    cps: &[wchar_t],
    surrogates: bool,
    scratch: &mut Vec<u8>,
) -> Result<Handle<'c>> {
    if size_of::<wchar_t>() >= 4 && !surrogates {
        return ctx.str_from_wide(cps);
    }
    scratch.clear();
    for &c in cps {
        push_utf8(scratch, c as u32);
    }
    if surrogates {
        return ctx.decode_utf8(scratch, Some("surrogatepass"));
    }
    match std::str::from_utf8(scratch) {
        Ok(t) => ctx.str(t),
        Err(_) => Err(Error::system_error("decoded text is not UTF-8")),
    }
}

/// A `str` of `t`. Text that is not ASCII goes through wide characters when a `wchar_t` holds
/// any code point (not on Windows): `HPyUnicode_FromWideChar` (`PyUnicode_FromWideChar`)
/// finds the widest character and fills a string of the right kind at once, where CPython's
/// UTF-8 decoder, which `HPyUnicode_FromString` uses, grows a buffer and then shrinks it
/// (measured: about half the instructions for non-ASCII strings).
#[inline]
fn str_of<'c>(ctx: Ctx<'c>, t: &str, wide: &mut Vec<wchar_t>) -> Result<Handle<'c>> {
    if size_of::<wchar_t>() < 4 || t.is_ascii() {
        return ctx.str(t);
    }
    wide.clear();
    // Every `char` fits: `wchar_t` has 32 bits here.
    wide.extend(t.chars().map(|c| u32::from(c) as wchar_t));
    ctx.str_from_wide(wide)
}

/// ujson's message for the invalid UTF-8 sequence at the start of `s`.
fn invalid_utf8_message(s: &[u8]) -> &'static str {
    match s[0] {
        0x80..=0xbf => {
            "Found UTF-8 continuation byte without corresponding start byte when decoding 'string'"
        }
        0xc0 | 0xc1 => "Overlong 2-byte UTF-8 sequence detected when decoding 'string'",
        0xf5..=0xf7 => "Code point > U+10FFFF encountered whilst decoding 'string'",
        0xf8..=0xff => "Invalid UTF-8 sequence length when decoding 'string'",
        0xf4 if s.get(1).is_some_and(|&b| (0x90..0xc0).contains(&b)) => {
            "Code point > U+10FFFF encountered whilst decoding 'string'"
        }
        0xe0 if s.get(1).is_some_and(|&b| b < 0xa0)
            && s.get(1).is_some_and(|&b| b & 0xc0 == 0x80) =>
        {
            "Overlong 3-byte UTF-8 sequence detected when decoding 'string'"
        }
        0xf0 if s.get(1).is_some_and(|&b| b < 0x90)
            && s.get(1).is_some_and(|&b| b & 0xc0 == 0x80) =>
        {
            "Overlong 4-byte UTF-8 sequence detected when decoding 'string'"
        }
        _ => "Invalid UTF-8 continuation byte when decoding 'string'",
    }
}

/// `line L column C (char N)` for byte offset `pos` of `s`: lines and columns count from 1,
/// characters (code points) from 0.
pub fn describe_position(s: &[u8], pos: usize) -> (usize, usize, usize) {
    let pos = pos.min(s.len());
    let before = &s[..pos];
    let chars = |b: &[u8]| b.iter().filter(|&&c| c & 0xc0 != 0x80).count();
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
    let column = chars(&before[line_start..]) + 1;
    (line, column, chars(before))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        assert_eq!(describe_position(b"[1,\n 2,]", 7), (2, 4, 7));
        assert_eq!(describe_position("[\"é\", x]".as_bytes(), 7), (1, 7, 6));
        assert_eq!(describe_position(b"", 0), (1, 1, 0));
    }

    #[test]
    fn utf8_push() {
        for cp in [0x41, 0xe9, 0x20ac, 0x1f600] {
            let mut v = Vec::new();
            push_utf8(&mut v, cp);
            assert_eq!(v, char::from_u32(cp).unwrap().to_string().as_bytes());
        }
        let mut v = Vec::new();
        push_utf8(&mut v, 0xd800);
        assert_eq!(v, b"\xed\xa0\x80");
    }
}

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

use hpy_core::{Ctx, Error, Handle};

use crate::escape::decode_wtf8;

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
    pos: usize,
    depth: u32,
    /// Unescaped text of the string being decoded.
    scratch: Vec<u8>,
    /// Items of the arrays being decoded (each array uses the top of the stack).
    items: Vec<Handle<'c>>,
}

impl<'a, 'c> Parser<'a, 'c> {
    /// A parser of `s` (UTF-8, or generalised UTF-8 with surrogates).
    pub fn new(ctx: Ctx<'c>, s: &'a [u8]) -> Parser<'a, 'c> {
        Parser {
            ctx,
            s,
            pos: 0,
            depth: 0,
            scratch: Vec::new(),
            items: Vec::new(),
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
            let key = self.string()?;
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
        let text = &s[start..i];
        if is_float {
            // The grammar checked above is a subset of what `f64::from_str` accepts.
            let text = std::str::from_utf8(text).map_err(|_| Error::system_error("number text"))?;
            let v: f64 = text
                .parse()
                .map_err(|_| Error::system_error("number text"))?;
            return Ok(self.ctx.to_py(v)?);
        }
        if int_digits <= 19 {
            // `acc` is exact.
            if !negative {
                return Ok(self.ctx.to_py(acc)?);
            }
            if acc <= 1u64 << 63 {
                return Ok(self.ctx.to_py((acc as i64).wrapping_neg())?);
            }
        }
        if int_digits == 20 && !negative {
            let text = std::str::from_utf8(text).map_err(|_| Error::system_error("number text"))?;
            if let Ok(v) = text.parse::<u64>() {
                return Ok(self.ctx.to_py(v)?);
            }
        }
        // Beyond 64 bits: Python's int() parses the digits.
        let text = std::str::from_utf8(text).map_err(|_| Error::system_error("number text"))?;
        Ok(self.ctx.builtin("int")?.call((text,))?)
    }

    /// A string starting at the current `"`.
    fn string(&mut self) -> PResult<Handle<'c>> {
        let s = self.s;
        let open = self.pos;
        let start = open + 1;
        let mut i = start;
        // The common case: no escape, so the text is a slice of the input.
        loop {
            match s.get(i) {
                None => return syntax("Unmatched '\"' when decoding 'string'", open),
                Some(b'"') => break,
                Some(b'\\') => return self.string_with_escapes(open, i),
                Some(&b) if b < 0x20 => {
                    return syntax("Invalid control character in string", i);
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        make_str(self.ctx, &s[start..i], start)
    }

    /// The rest of a string that has escapes: `i` is the first backslash.
    fn string_with_escapes(&mut self, open: usize, mut i: usize) -> PResult<Handle<'c>> {
        let s = self.s;
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        out.extend_from_slice(&s[open + 1..i]);
        // Where the last `\uD8xx` escape was written into `out`, and where it ended in the
        // input, to pair it with a `\uDCxx` escape that follows at once.
        let mut high: Option<(usize, u32, usize)> = None;
        let result = loop {
            let Some(&b) = s.get(i) else {
                break syntax("Unmatched '\"' when decoding 'string'", open);
            };
            match b {
                b'"' => {
                    i += 1;
                    break Ok(());
                }
                b'\\' => {
                    let esc_start = i;
                    let Some(&e) = s.get(i + 1) else {
                        break syntax("Unterminated escape sequence when decoding 'string'", i);
                    };
                    i += 2;
                    let c = match e {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let mut v: u32 = 0;
                            for k in 0..4 {
                                let Some(&h) = s.get(i + k) else {
                                    return self.fail_string(
                                        out,
                                        "Unterminated unicode escape sequence when decoding 'string'",
                                        i + k,
                                    );
                                };
                                let d = match h {
                                    b'0'..=b'9' => h - b'0',
                                    b'a'..=b'f' => h - b'a' + 10,
                                    b'A'..=b'F' => h - b'A' + 10,
                                    _ => {
                                        return self.fail_string(
                                            out,
                                            "Unexpected character in unicode escape sequence when decoding 'string'",
                                            i + k,
                                        );
                                    }
                                };
                                v = (v << 4) | u32::from(d);
                            }
                            i += 4;
                            match (v, high) {
                                (0xdc00..=0xdfff, Some((at, hi, end))) if end == esc_start => {
                                    // A pair: replace the high surrogate written before.
                                    out.truncate(at);
                                    let cp = 0x1_0000 + ((hi - 0xd800) << 10) + (v - 0xdc00);
                                    push_utf8(&mut out, cp);
                                    high = None;
                                }
                                _ => {
                                    let at = out.len();
                                    push_utf8(&mut out, v);
                                    high = (0xd800..=0xdbff).contains(&v).then_some((at, v, i));
                                }
                            }
                            continue;
                        }
                        _ => {
                            break syntax(
                                "Unrecognized escape sequence when decoding 'string'",
                                esc_start,
                            );
                        }
                    };
                    out.push(c);
                }
                _ if b < 0x20 => break syntax("Invalid control character in string", i),
                _ => {
                    // Copy the run up to the next quote or backslash.
                    let run_start = i;
                    while let Some(&c) = s.get(i) {
                        if c == b'"' || c == b'\\' || c < 0x20 {
                            break;
                        }
                        i += 1;
                    }
                    out.extend_from_slice(&s[run_start..i]);
                }
            }
        };
        if let Err(e) = result {
            self.scratch = out;
            return Err(e);
        }
        self.pos = i;
        let r = make_str(self.ctx, &out, open + 1);
        self.scratch = out;
        r
    }

    fn fail_string<T>(&mut self, scratch: Vec<u8>, msg: &'static str, pos: usize) -> PResult<T> {
        self.scratch = scratch;
        syntax(msg, pos)
    }
}

/// Appends a code point (a surrogate too, in its three-byte form) as UTF-8.
fn push_utf8(out: &mut Vec<u8>, cp: u32) {
    if cp < 0x80 {
        out.push(cp as u8);
    } else if cp < 0x800 {
        out.extend_from_slice(&[0xc0 | (cp >> 6) as u8, 0x80 | (cp & 0x3f) as u8]);
    } else if cp < 0x1_0000 {
        out.extend_from_slice(&[
            0xe0 | (cp >> 12) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]);
    } else {
        out.extend_from_slice(&[
            0xf0 | (cp >> 18) as u8,
            0x80 | ((cp >> 12) & 0x3f) as u8,
            0x80 | ((cp >> 6) & 0x3f) as u8,
            0x80 | (cp & 0x3f) as u8,
        ]);
    }
}

/// A `str` from decoded string text. `origin` is where the text started in the input (for
/// the position of an invalid byte).
fn make_str<'c>(ctx: Ctx<'c>, text: &[u8], origin: usize) -> PResult<Handle<'c>> {
    if let Ok(t) = std::str::from_utf8(text) {
        return Ok(ctx.str(t)?);
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

/// ujson's message for the invalid UTF-8 sequence at the start of `s`.
fn invalid_utf8_message(s: &[u8]) -> &'static str {
    match s[0] {
        0x80..=0xbf => {
            "Found UTF-8 continuation byte without corresponding start byte when decoding 'string'"
        }
        0xc0 | 0xc1 => "Overlong 2-byte UTF-8 sequence detected when decoding 'string'",
        0xf5..=0xf7 => "Code point > U+10FFFF encountered whilst decoding 'string'",
        0xf8..=0xff => "Invalid UTF-8 sequence length when decoding 'string'",
        0xf4 if s.get(1).is_some_and(|&b| b >= 0x90 && b < 0xc0) => {
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

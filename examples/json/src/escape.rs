//! JSON string escaping, with ujson's options, over UTF-8 text.
//!
//! Strings arrive as UTF-8 bytes, in which a lone surrogate (a `str` may hold one) is
//! written as its three-byte form, as Python's `surrogatepass` error handler writes it
//! ("generalised UTF-8", WTF-8). With `ensure_ascii` every character above U+007F becomes a
//! `\uXXXX` escape (a UTF-16 pair above U+FFFF; a lone surrogate becomes its own escape, as in
//! ujson); without it, such characters are copied as they are.
//!
//! Always escaped: `"`, `\`, and the control characters U+0000..U+001F (`\b`, `\f`, `\n`,
//! `\r`, `\t`, else `\u00XX`). U+007F is not. `/` becomes `\/` with `escape_forward_slashes`
//! (ujson's default), and `<`, `>`, `&` become `\u003c`, `\u003e`, `\u0026` with
//! `encode_html_chars`.

/// Table entry: copy the byte as it is.
const COPY: u8 = 0;
/// Table entry: a byte of a multi-byte UTF-8 sequence that must become `\uXXXX`.
const NON_ASCII: u8 = 1;
/// Table entry: `\u00XX` for this ASCII byte.
const HEX: u8 = b'u';

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The error of [`Escaper::write`]: the text is not (generalised) UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidUtf8;

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether one of the eight bytes of `w` equals `c` (bitwise: no false negative, and no false
/// positive for "any").
#[inline(always)]
fn has_byte(w: u64, c: u8) -> bool {
    let x = w ^ (ONES * u64::from(c));
    x.wrapping_sub(ONES) & !x & HIGHS != 0
}

/// A string writer for one set of options: a table that says, for each byte, whether it is
/// copied or escaped (and how), and the same as word tests to skip plain text eight bytes at
/// a time.
pub struct Escaper {
    table: [u8; 256],
    ensure_ascii: bool,
    html: bool,
    forward_slashes: bool,
}

impl Escaper {
    /// The escaper for these options.
    pub fn new(ensure_ascii: bool, html: bool, forward_slashes: bool) -> Escaper {
        let mut table = [COPY; 256];
        for b in 0..0x20u8 {
            table[b as usize] = HEX;
        }
        table[0x08] = b'b';
        table[0x09] = b't';
        table[0x0a] = b'n';
        table[0x0c] = b'f';
        table[0x0d] = b'r';
        table[b'"' as usize] = b'"';
        table[b'\\' as usize] = b'\\';
        if forward_slashes {
            table[b'/' as usize] = b'/';
        }
        if html {
            for b in [b'<', b'>', b'&'] {
                table[b as usize] = HEX;
            }
        }
        if ensure_ascii {
            for b in 0x80..=0xffu8 {
                table[b as usize] = NON_ASCII;
            }
        }
        Escaper {
            table,
            ensure_ascii,
            html,
            forward_slashes,
        }
    }

    /// Whether none of the eight bytes of `w` needs escaping.
    #[inline(always)]
    fn plain_word(&self, w: u64) -> bool {
        // Bytes below 0x20 (exact for "any": a borrow only runs into higher bytes, above a
        // true hit).
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS != 0;
        let mut dirty = control || has_byte(w, b'"') || has_byte(w, b'\\');
        if self.ensure_ascii {
            dirty |= w & HIGHS != 0;
        }
        if self.forward_slashes {
            dirty |= has_byte(w, b'/');
        }
        if self.html {
            dirty |= has_byte(w, b'<') || has_byte(w, b'>') || has_byte(w, b'&');
        }
        !dirty
    }

    /// Appends `s` as a quoted JSON string. `Err` when `s` is not (generalised) UTF-8 at a
    /// place where a character had to be decoded (only possible with `ensure_ascii`; text
    /// taken from a `str` always is).
    #[inline]
    pub fn write(&self, out: &mut Vec<u8>, s: &[u8]) -> Result<(), InvalidUtf8> {
        // The worst case: every byte becomes a six-byte escape (as ujson reserves).
        out.reserve(s.len() * 6 + 2);
        out.push(b'"');
        let mut start = 0;
        let mut i = 0;
        while i < s.len() {
            // Skip plain text eight bytes at a time...
            while let Some(chunk) = s.get(i..i + 8) {
                let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
                if !self.plain_word(w) {
                    break;
                }
                i += 8;
            }
            // ... then go byte by byte through the next eight (at least), which hold
            // something to escape.
            let stop = (i + 8).min(s.len());
            while i < stop {
                let b = s[i];
                let action = self.table[b as usize];
                if action == COPY {
                    i += 1;
                    continue;
                }
                out.extend_from_slice(&s[start..i]);
                if action == NON_ASCII {
                    let (cp, len) = decode_wtf8(&s[i..]).ok_or(InvalidUtf8)?;
                    write_u_escape(out, cp);
                    i += len;
                } else {
                    if action == HEX {
                        out.extend_from_slice(&[
                            b'\\',
                            b'u',
                            b'0',
                            b'0',
                            HEX_DIGITS[(b >> 4) as usize],
                            HEX_DIGITS[(b & 0xf) as usize],
                        ]);
                    } else {
                        out.extend_from_slice(&[b'\\', action]);
                    }
                    i += 1;
                }
                start = i;
            }
        }
        out.extend_from_slice(&s[start..]);
        out.push(b'"');
        Ok(())
    }
}

impl Escaper {
    /// Appends a string given as code points (`u8`, `u16` or `u32` units of CPython's own
    /// representation, lone surrogates included) as a quoted JSON string. Characters above
    /// U+007F become `\uXXXX` escapes with `ensure_ascii`, else UTF-8 (a lone surrogate in its
    /// three-byte form).
    #[inline]
    pub fn write_units<T: Copy + Into<u32>>(&self, out: &mut Vec<u8>, units: &[T]) {
        out.reserve(units.len() * 6 + 2);
        out.push(b'"');
        for &u in units {
            let cp: u32 = u.into();
            if cp < 0x80 {
                let b = cp as u8;
                match self.table[cp as usize] {
                    COPY => out.push(b),
                    HEX => out.extend_from_slice(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX_DIGITS[(b >> 4) as usize],
                        HEX_DIGITS[(b & 0xf) as usize],
                    ]),
                    action => out.extend_from_slice(&[b'\\', action]),
                }
            } else if self.ensure_ascii {
                write_u_escape(out, cp);
            } else {
                push_utf8(out, cp);
            }
        }
        out.push(b'"');
    }
}

/// Appends a code point (a surrogate too, in its three-byte form) as UTF-8.
#[inline]
pub fn push_utf8(out: &mut Vec<u8>, cp: u32) {
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

/// Appends `\uXXXX` for a code point (two escapes, a UTF-16 pair, above U+FFFF).
#[inline]
fn write_u_escape(out: &mut Vec<u8>, cp: u32) {
    if cp >= 0x1_0000 {
        let v = cp - 0x1_0000;
        write_u16_escape(out, 0xd800 + (v >> 10) as u16);
        write_u16_escape(out, 0xdc00 + (v & 0x3ff) as u16);
    } else {
        write_u16_escape(out, cp as u16);
    }
}

#[inline]
fn write_u16_escape(out: &mut Vec<u8>, u: u16) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX_DIGITS[(u >> 12) as usize],
        HEX_DIGITS[((u >> 8) & 0xf) as usize],
        HEX_DIGITS[((u >> 4) & 0xf) as usize],
        HEX_DIGITS[(u & 0xf) as usize],
    ]);
}

/// Decodes the character at the start of `s` (which starts with a byte >= 0x80): its code
/// point and length. Accepts the three-byte forms of surrogates (U+D800..U+DFFF), rejects
/// overlong forms, stray continuation bytes, truncated sequences and anything above
/// U+10FFFF.
#[inline]
pub fn decode_wtf8(s: &[u8]) -> Option<(u32, usize)> {
    let b0 = *s.first()?;
    let cont = |i: usize| -> Option<u32> {
        let b = *s.get(i)?;
        (b & 0xc0 == 0x80).then_some(u32::from(b & 0x3f))
    };
    match b0 {
        0xc2..=0xdf => Some(((u32::from(b0 & 0x1f) << 6) | cont(1)?, 2)),
        0xe0..=0xef => {
            let cp = (u32::from(b0 & 0x0f) << 12) | (cont(1)? << 6) | cont(2)?;
            (cp >= 0x800).then_some((cp, 3))
        }
        0xf0..=0xf4 => {
            let cp = (u32::from(b0 & 0x07) << 18) | (cont(1)? << 12) | (cont(2)? << 6) | cont(3)?;
            (0x1_0000..=0x10_ffff).contains(&cp).then_some((cp, 4))
        }
        _ => None,
    }
}

/// What a byte string holds, for turning it into a `str`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// ASCII only.
    Ascii,
    /// UTF-8, without surrogates.
    Utf8,
    /// Generalised UTF-8: holds the three-byte form of at least one surrogate (decode it with
    /// `surrogatepass`).
    Wtf8,
    /// Not even generalised UTF-8.
    Invalid,
}

/// Classifies `s` (see [`TextKind`]).
pub fn classify(s: &[u8]) -> TextKind {
    if s.is_ascii() {
        return TextKind::Ascii;
    }
    if std::str::from_utf8(s).is_ok() {
        return TextKind::Utf8;
    }
    let mut i = 0;
    while i < s.len() {
        if s[i] < 0x80 {
            i += 1;
            continue;
        }
        match decode_wtf8(&s[i..]) {
            Some((_, len)) => i += len,
            None => return TextKind::Invalid,
        }
    }
    TextKind::Wtf8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(e: &Escaper, s: &[u8]) -> String {
        let mut out = Vec::new();
        e.write(&mut out, s).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn default_options_like_ujson() {
        let e = Escaper::new(true, false, true);
        let input = "é/<>&'\"\\\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}\u{2028}\u{2029}";
        assert_eq!(
            esc(&e, input.as_bytes()),
            r#""\u00e9\/<>&'\"\\\b\f\n\r\t\u0000\u001f"#.to_owned() + "\u{7f}" + r#"\u2028\u2029""#
        );
        assert_eq!(esc(&e, "😀".as_bytes()), r#""\ud83d\ude00""#);
        // A lone surrogate, as surrogatepass encodes it.
        assert_eq!(esc(&e, b"\xed\xa0\x80x"), r#""\ud800x""#);
        assert_eq!(
            esc(&e, b"plain text that is long enough"),
            "\"plain text that is long enough\""
        );
    }

    #[test]
    fn options() {
        let raw = Escaper::new(false, false, false);
        assert_eq!(esc(&raw, "é/<>&\u{2028}".as_bytes()), "\"é/<>&\u{2028}\"");
        let html = Escaper::new(false, true, true);
        assert_eq!(esc(&html, "é/<>&".as_bytes()), r#""é\/\u003c\u003e\u0026""#);
    }

    #[test]
    fn code_units_like_utf8() {
        for ensure_ascii in [true, false] {
            let e = Escaper::new(ensure_ascii, true, true);
            let text = "a\"/<é\u{7f}\u{1}€😀";
            let mut from_utf8 = Vec::new();
            e.write(&mut from_utf8, text.as_bytes()).unwrap();
            let units: Vec<u32> = text.chars().map(u32::from).collect();
            let mut from_units = Vec::new();
            e.write_units(&mut from_units, &units);
            assert_eq!(from_units, from_utf8);
            let latin1: Vec<u8> = "aé/".chars().map(|c| c as u8).collect();
            let mut a = Vec::new();
            e.write_units(&mut a, &latin1);
            let mut b = Vec::new();
            e.write(&mut b, "aé/".as_bytes()).unwrap();
            assert_eq!(a, b);
        }
        // A lone surrogate unit.
        let mut out = Vec::new();
        Escaper::new(true, false, true).write_units(&mut out, &[0xd800u16]);
        assert_eq!(out, br#""\ud800""#);
        let mut out = Vec::new();
        Escaper::new(false, false, true).write_units(&mut out, &[0xd800u16]);
        assert_eq!(out, b"\"\xed\xa0\x80\"");
    }

    #[test]
    fn invalid_utf8() {
        let e = Escaper::new(true, false, true);
        for bad in [
            &b"\xff"[..],
            b"\xc3",
            b"\xc0\x80",
            b"\x80",
            b"\xf4\x90\x80\x80",
            b"\xe0\x80\x80",
        ] {
            assert!(e.write(&mut Vec::new(), bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn classification() {
        assert_eq!(classify(b"abc"), TextKind::Ascii);
        assert_eq!(classify("é".as_bytes()), TextKind::Utf8);
        assert_eq!(classify(b"a\xed\xa0\x80"), TextKind::Wtf8);
        assert_eq!(classify(b"a\xff"), TextKind::Invalid);
    }
}

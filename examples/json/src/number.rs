//! Numbers as text: integers in decimal, and floats in the shortest form that reads back as
//! the same `f64`, laid out the way ujson lays them out.
//!
//! ujson prints a finite float with its shortest round-trip digits, in positional notation
//! when the decimal exponent `e` (the power of ten of the first digit) satisfies
//! `-4 <= e < 16`, always with a fractional part (`1.0`, `100.0`, `0.0001`), and in
//! scientific notation otherwise, with an explicit exponent sign and no zero padding
//! (`1e+16`, `1.5e-7`, `5e-324`). That is Python's `repr` except for the exponent, which
//! `repr` pads to two digits (`1e-05`). Rust's `{:e}` formatting produces the same shortest
//! digits (it picks, among the shortest strings that round-trip, the one closest to the exact
//! value, as Python's `repr` does), so only the layout is done here.

use std::io::Write as _;

/// Two decimal digits for each value 0..100, for writing integers two digits at a time.
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Appends `v` in decimal.
#[inline]
pub fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `v` in decimal, with a `-` when negative.
#[inline]
pub fn write_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    write_u64(out, v.unsigned_abs());
}

/// The shortest round-trip digits of a finite, non-zero-or-zero `f64`, and its decimal
/// exponent: `v = 0.d1 d2 ... dn * 10^(exp + 1)`, i.e. `d1` is worth `10^exp`.
struct Shortest {
    negative: bool,
    digits: [u8; 24],
    len: usize,
    exp: i32,
}

impl Shortest {
    /// Splits the output of `{:e}` (`-1.2345e-7`, `5e-324`, `0e0`).
    fn of(v: f64) -> Shortest {
        debug_assert!(v.is_finite());
        // `{:e}` writes at most 1 sign + 17 digits + 1 point + 1 'e' + 1 sign + 3 digits.
        let mut text = [0u8; 32];
        let mut cursor = &mut text[..];
        write!(cursor, "{v:e}").expect("an f64 in {:e} form fits in 32 bytes");
        let written = 32 - cursor.len();
        let text = &text[..written];

        let mut s = Shortest {
            negative: false,
            digits: [0; 24],
            len: 0,
            exp: 0,
        };
        let mut i = 0;
        if text[0] == b'-' {
            s.negative = true;
            i = 1;
        }
        while i < text.len() && text[i] != b'e' {
            if text[i] != b'.' {
                s.digits[s.len] = text[i];
                s.len += 1;
            }
            i += 1;
        }
        // Skip the 'e'; the exponent is an optional '-' and decimal digits.
        i += 1;
        let mut negative_exp = false;
        if text[i] == b'-' {
            negative_exp = true;
            i += 1;
        }
        let mut exp = 0i32;
        for &d in &text[i..] {
            exp = exp * 10 + i32::from(d - b'0');
        }
        s.exp = if negative_exp { -exp } else { exp };
        s
    }
}

/// Appends a finite `f64` as ujson writes it (see the module docs).
pub fn write_f64(out: &mut Vec<u8>, v: f64) {
    let s = Shortest::of(v);
    let digits = &s.digits[..s.len];
    if s.negative {
        out.push(b'-');
    }
    if (-4..16).contains(&s.exp) {
        if s.exp >= 0 {
            // The integer part: the first exp + 1 digits, padded with zeros.
            let int_len = s.exp as usize + 1;
            if digits.len() <= int_len {
                out.extend_from_slice(digits);
                out.resize(out.len() + int_len - digits.len(), b'0');
                out.extend_from_slice(b".0");
            } else {
                out.extend_from_slice(&digits[..int_len]);
                out.push(b'.');
                out.extend_from_slice(&digits[int_len..]);
            }
        } else {
            // 0.000ddd: -exp - 1 zeros after the point.
            out.extend_from_slice(b"0.");
            out.resize(out.len() + (-s.exp - 1) as usize, b'0');
            out.extend_from_slice(digits);
        }
    } else {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if s.exp < 0 { b'-' } else { b'+' });
        write_u64(out, u64::from(s.exp.unsigned_abs()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64) -> String {
        let mut out = Vec::new();
        write_f64(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    fn i(v: i64) -> String {
        let mut out = Vec::new();
        write_i64(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    /// Expected values printed by ujson 6.1.0.
    #[test]
    fn floats_like_ujson() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (100.0, "100.0"),
            (123.0, "123.0"),
            (3.14, "3.14"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1e17, "1e+17"),
            (1e21, "1e+21"),
            (1e22, "1e+22"),
            (1.5e300, "1.5e+300"),
            (0.0001, "0.0001"),
            (0.00001, "1e-5"),
            (1e-7, "1e-7"),
            (1.2345e-10, "1.2345e-10"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (123456789.123456789, "123456789.12345679"),
            (9007199254740992.0, "9007199254740992.0"),
            (1.1805916207174113e21, "1.1805916207174113e+21"),
            (0.30000000000000004, "0.30000000000000004"),
            (1234.5678e-8, "1.2345678e-5"),
        ];
        for &(v, want) in cases {
            assert_eq!(f(v), want, "{v:?}");
        }
    }

    #[test]
    fn floats_round_trip() {
        let mut x = 1.0e-300_f64;
        while x < 1.0e300 {
            for v in [x, -x, x * 1.234_567_890_123, x / 3.0] {
                let s = f(v);
                assert_eq!(s.parse::<f64>().unwrap(), v, "{s}");
            }
            x *= 7.77;
        }
    }

    #[test]
    fn integers() {
        for v in [
            0,
            1,
            -1,
            9,
            10,
            99,
            100,
            101,
            12345,
            -987654321,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(i(v), v.to_string());
        }
        let mut out = Vec::new();
        write_u64(&mut out, u64::MAX);
        assert_eq!(out, u64::MAX.to_string().as_bytes());
    }
}

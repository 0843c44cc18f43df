//! Numbers as text: integers in decimal, and floats in the shortest form that reads back as
//! the same `f64`, laid out the way ujson lays them out.
//!
//! ujson prints a finite float with its shortest round-trip digits, in positional notation
//! when the decimal exponent `e` (the power of ten of the first digit) satisfies
//! `-4 <= e < 16`, always with a fractional part (`1.0`, `100.0`, `0.0001`), and in
//! scientific notation otherwise, with an explicit exponent sign and no zero padding
//! (`1e+16`, `1.5e-7`, `5e-324`). That is Python's `repr` except for the exponent, which
//! `repr` pads to two digits (`1e-05`). The digits come from Ryu (the `ryu` crate: among the
//! shortest strings that round-trip it picks the one closest to the exact value, as `repr`
//! does; several times faster than Rust's `{:e}`); only the layout is done here.

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

/// The shortest round-trip digits of a finite `f64` and its decimal exponent:
/// `v = d1.d2d3... * 10^exp`.
struct Shortest {
    negative: bool,
    digits: [u8; 20],
    len: usize,
    exp: i32,
}

impl Shortest {
    /// Reads Ryu's output (`-1.2345e-7`, `5e-324`, `0.001`, `100.0`, `1e16`) into digits
    /// without leading or trailing zeros, and an exponent.
    fn of(v: f64) -> Shortest {
        debug_assert!(v.is_finite());
        let mut buf = ryu::Buffer::new();
        let text = buf.format_finite(v).as_bytes();
        let mut s = Shortest {
            negative: false,
            digits: [0; 20],
            len: 0,
            exp: 0,
        };
        let mut i = 0;
        if text[0] == b'-' {
            s.negative = true;
            i = 1;
        }
        // Digits of the mantissa; `point` counts those before the decimal point.
        let mut point: i32 = 0;
        let mut seen_point = false;
        let mut leading = true;
        while i < text.len() && text[i] != b'e' {
            let c = text[i];
            i += 1;
            if c == b'.' {
                seen_point = true;
                continue;
            }
            if leading && c == b'0' {
                // A leading zero moves the point, it is not a digit.
                if seen_point {
                    point -= 1;
                }
                continue;
            }
            leading = false;
            s.digits[s.len] = c;
            s.len += 1;
            if !seen_point {
                point += 1;
            }
        }
        let mut exp10 = 0i32;
        if i < text.len() {
            // 'e', then an optional '-' and digits.
            i += 1;
            let negative_exp = text[i] == b'-';
            if negative_exp {
                i += 1;
            }
            for &d in &text[i..] {
                exp10 = exp10 * 10 + i32::from(d - b'0');
            }
            if negative_exp {
                exp10 = -exp10;
            }
        }
        while s.len > 1 && s.digits[s.len - 1] == b'0' {
            s.len -= 1;
        }
        if s.len == 0 {
            // Zero.
            s.digits[0] = b'0';
            s.len = 1;
            s.exp = 0;
        } else {
            s.exp = point - 1 + exp10;
        }
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
            (2.5e-3, "0.0025"),
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
            (123456789.12345679, "123456789.12345679"),
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

    /// `Shortest::of` reads Ryu's digits right: they round-trip, and are as short as those of
    /// Rust's own `{:e}` formatting, for random bit patterns across the whole range. (The
    /// digits themselves may differ in the last place when two shortest candidates are equally
    /// close to the exact value: `6.670821084568533e14` is `...853.25`; Ryu and Python's
    /// `repr` write `...853.2`, Rust's `{:e}` `...853.3`. ujson writes `...853.2`.)
    #[test]
    fn digits_are_shortest_and_round_trip() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = f64::from_bits(state);
            if !v.is_finite() {
                continue;
            }
            let s = Shortest::of(v);
            let digits = std::str::from_utf8(&s.digits[..s.len]).unwrap();
            let sign = if s.negative { "-" } else { "" };
            let back: f64 = format!("{sign}0.{digits}e{}", s.exp + 1).parse().unwrap();
            assert_eq!(back.to_bits(), v.to_bits(), "{v:e}");
            let std = format!("{v:e}");
            let (mantissa, _) = std.split_once('e').unwrap();
            let std_len = mantissa.chars().filter(char::is_ascii_digit).count();
            assert_eq!(s.len, std_len, "{v:e}");
        }
        assert_eq!(f(6.670821084568533e14), "667082108456853.2");
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

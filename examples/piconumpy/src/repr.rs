//! Formatting floats exactly like Python's `repr(float)`, so that `repr(array)` reads like the
//! list of the same values (`array([0.1, 1e-05, 1e+16, nan])`).
//!
//! Python prints the shortest digit string that reads back as the same double (as Rust's
//! `{:e}` does), in positional notation when the decimal exponent is in `-5..=15`, else in
//! scientific notation with a signed exponent of at least two digits; an integral value gets a
//! `.0`; infinities and NaN are `inf`, `-inf` and `nan`.

use std::fmt::Write;

/// Appends Python's `repr(x)` to `out`.
pub fn push_float_repr(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("nan");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x < 0.0 { "-inf" } else { "inf" });
        return;
    }
    // Rust's LowerExp gives the shortest round-trip digits: "-1.2345e-7", "5e0", "0e0". When
    // two strings of that length are equally close to `x` (1e15 + 0.25: "1.0000000000000002"
    // and "...3"), Rust takes the upper one, Python the even one; the same number of digits
    // correctly rounded (Rust's precision formatting rounds ties to even) is then Python's,
    // provided that it reads back as `x` too.
    let mut sci = format!("{x:e}");
    let ndigits = sci.find('e').unwrap_or(sci.len()) - usize::from(x < 0.0);
    let ndigits = ndigits - usize::from(sci.contains('.'));
    if ndigits > 1 {
        let rounded = format!("{x:.prec$e}", prec = ndigits - 1);
        if rounded != sci && rounded.parse::<f64>() == Ok(x) {
            sci = rounded;
        }
    }
    let (mantissa, exp) = sci
        .split_once('e')
        .expect("LowerExp output always has an exponent");
    let exp: i32 = exp.parse().expect("LowerExp exponent is an integer");
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let mut digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    // Never a trailing zero (the rounded string above has none either, being shortest).
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    if negative {
        out.push('-');
    }
    // Position of the decimal point relative to the first digit (Python's `decpt`).
    let decpt = exp + 1;
    if (-3..=16).contains(&decpt) {
        push_positional(out, &digits, decpt);
    } else {
        push_scientific(out, &digits, exp);
    }
}

/// `digits` with the decimal point after `decpt` of them (padding with zeros either side).
fn push_positional(out: &mut String, digits: &str, decpt: i32) {
    let n = digits.len() as i32;
    if decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-decpt) as usize));
        out.push_str(digits);
    } else if decpt >= n {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (decpt - n) as usize));
        out.push_str(".0");
    } else {
        let (int, frac) = digits.split_at(decpt as usize);
        out.push_str(int);
        out.push('.');
        out.push_str(frac);
    }
}

/// `d.ddde±XX`: one digit before the point, none after it if there is only one.
fn push_scientific(out: &mut String, digits: &str, exp: i32) {
    let (first, rest) = digits.split_at(1);
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    let sign = if exp < 0 { '-' } else { '+' };
    write!(out, "e{sign}{:02}", exp.unsigned_abs()).expect("writing to a String cannot fail");
}

/// Python's `repr(x)`.
pub fn float_repr(x: f64) -> String {
    let mut s = String::new();
    push_float_repr(&mut s, x);
    s
}

#[cfg(test)]
mod tests {
    use super::float_repr;

    #[test]
    fn matches_python() {
        // Expected strings: what CPython 3.11 prints for repr(x).
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (-2.5, "-2.5"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (123456789.0, "123456789.0"),
            (0.0001, "0.0001"),
            (0.00012, "0.00012"),
            (0.00001, "1e-05"),
            (1.5e-5, "1.5e-05"),
            (1e15, "1000000000000000.0"),
            (9999999999999998.0, "9999999999999998.0"),
            (1e16, "1e+16"),
            (1.25e16, "1.25e+16"),
            (1e100, "1e+100"),
            (-1e-100, "-1e-100"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            // Ties between two shortest strings: Python takes the even last digit.
            (1e15 + 0.25, "1000000000000000.2"),
            (0.1 + 0.2, "0.30000000000000004"),
            (9007199254740993.0, "9007199254740992.0"),
        ];
        for (x, want) in cases {
            assert_eq!(float_repr(*x), *want, "repr of {x:e}");
        }
    }
}

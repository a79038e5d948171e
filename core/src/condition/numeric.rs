//! Numbers of the Numeric operators (C5): integers and decimals of any size, compared exactly.
//! Nothing here can overflow: a number is kept as its digits and the position of the point.

use std::cmp::Ordering;

/// A decimal number `0.digits × 10^point`, normalised (no leading or trailing zeros in
/// `digits`; zero has no digits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    point: i64,
}

impl Decimal {
    /// Reads `[+-]digits[.digits][(e|E)[+-]digits]`; `None` when it is anything else (C5: a
    /// value that does not parse matches nothing). Surrounding spaces are not accepted.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, text.get(1..)?),
            b'+' => (false, text.get(1..)?),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(i) => (rest.get(..i)?, parse_exponent(rest.get(i + 1..)?)?),
            None => (rest, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let all: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        let leading = all.iter().take_while(|d| **d == 0).count();
        let digits: Vec<u8> = all.get(leading..).unwrap_or(&[]).to_vec();
        let trailing = digits.iter().rev().take_while(|d| **d == 0).count();
        let digits = digits
            .get(..digits.len() - trailing)
            .unwrap_or(&[])
            .to_vec();
        let int_len = i64::try_from(int.len()).ok()?;
        let lead = i64::try_from(leading).ok()?;
        let point = int_len.saturating_sub(lead).saturating_add(exponent);
        let zero = digits.is_empty();
        Some(Decimal {
            negative: negative && !zero,
            point: if zero { 0 } else { point },
            digits,
        })
    }
}

fn parse_exponent(text: &str) -> Option<i64> {
    let (neg, digits) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Saturate: 1e999999999999999999999 is simply a very large number.
    let magnitude = digits.bytes().fold(0i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    });
    Some(if neg { -magnitude } else { magnitude })
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let magnitude = |a: &Decimal, b: &Decimal| -> Ordering {
            match (a.digits.is_empty(), b.digits.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                // Normalised digits: compare the point, then the digits lexicographically.
                (false, false) => a.point.cmp(&b.point).then_with(|| a.digits.cmp(&b.digits)),
            }
        };
        match (self.negative, other.negative) {
            (false, false) => magnitude(self, other),
            (true, true) => magnitude(other, self),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s).expect("test number parses")
    }

    #[test]
    fn c5_integers_and_decimals_compare_exactly() {
        assert_eq!(d("10"), d("10.0"));
        assert_eq!(d("0.5"), d(".5"));
        assert_eq!(d("-0"), d("0"));
        assert!(d("9") < d("10"));
        assert!(d("-10") < d("-9"));
        assert!(d("0.12") < d("0.123"));
        assert!(d("1e3") == d("1000"));
        assert!(d("123456789012345678901234567890") > d("123456789012345678901234567889"));
        assert!(d("1e99999999999999999999999") > d("1e300"));
    }

    #[test]
    fn c5_garbage_does_not_parse() {
        for s in [
            "", "-", ".", "1.2.3", "abc", " 1", "1 ", "0x10", "1e", "--1", "NaN",
        ] {
            assert!(Decimal::parse(s).is_none(), "{s:?}");
        }
    }
}

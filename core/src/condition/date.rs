//! Instants of the Date operators (C6): W3C ISO 8601 profiles and epoch seconds, written here
//! (no date crate). Both forms are read into nanoseconds since 1970-01-01T00:00:00Z so they
//! can be mixed.

/// Nanoseconds since the Unix epoch.
pub type Instant = i128;

const NANOS: i128 = 1_000_000_000;

/// Reads a date: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.fff…]](Z|±hh:mm)`, or
/// epoch seconds (`1700000000`, `1700000000.5`). A bare four-digit number is a year.
/// A time without a zone is read as UTC (lenient). `None` for anything else.
pub fn parse_date(text: &str) -> Option<Instant> {
    let b = text.as_bytes();
    let all_digits = !b.is_empty() && b.iter().all(u8::is_ascii_digit);
    if all_digits && b.len() == 4 {
        return instant(number(text)?, 1, 1, 0, 0, 0, 0, 0);
    }
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return parse_epoch(text);
    }
    parse_iso(text)
}

fn number(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_epoch(text: &str) -> Option<Instant> {
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (secs, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let secs = i128::from(number(secs)?);
    let nanos = fraction_nanos(frac)?;
    let total = secs * NANOS + nanos;
    Some(if neg { -total } else { total })
}

/// `.fff…` digits as nanoseconds (digits beyond the ninth are dropped).
fn fraction_nanos(frac: &str) -> Option<i128> {
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut nanos: i128 = 0;
    for i in 0..9 {
        let digit = frac.as_bytes().get(i).map_or(0, |b| i128::from(b - b'0'));
        nanos = nanos * 10 + digit;
    }
    Some(nanos)
}

fn parse_iso(text: &str) -> Option<Instant> {
    let (date, time) = match text.find(['T', 't']) {
        Some(i) => (text.get(..i)?, Some(text.get(i + 1..)?)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year_s = parts.next()?;
    if year_s.len() != 4 {
        return None;
    }
    let year = number(year_s)?;
    let month = match parts.next() {
        Some(m) if m.len() == 2 => number(m)?,
        Some(_) => return None,
        None => 1,
    };
    let day = match parts.next() {
        Some(d) if d.len() == 2 => number(d)?,
        Some(_) => return None,
        None => 1,
    };
    if parts.next().is_some() {
        return None;
    }
    let Some(time) = time else {
        return instant(year, month, day, 0, 0, 0, 0, 0);
    };
    // A time needs a full date.
    if date.len() != 10 {
        return None;
    }
    let (clock, offset) = split_zone(time)?;
    let mut fields = clock.split(':');
    let hour = two_digits(fields.next()?)?;
    let minute = two_digits(fields.next()?)?;
    let (second, nanos) = match fields.next() {
        Some(s) => {
            let (whole, frac) = match s.split_once('.') {
                Some((w, f)) if !f.is_empty() => (w, f),
                Some(_) => return None,
                None => (s, ""),
            };
            (two_digits(whole)?, fraction_nanos(frac)?)
        }
        None => (0, 0),
    };
    if fields.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    instant(year, month, day, hour, minute, second, nanos, offset)
}

fn two_digits(s: &str) -> Option<i64> {
    if s.len() == 2 {
        number(s)
    } else {
        None
    }
}

/// Splits `hh:mm:ss…(Z|±hh:mm)` into the clock and the offset in seconds east of UTC.
fn split_zone(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let Some(i) = time.find(['+', '-']) else {
        return Some((time, 0));
    };
    let (clock, zone) = time.split_at(i);
    let sign = if zone.starts_with('-') { -1 } else { 1 };
    let zone = zone.get(1..)?;
    let (h, m) = match zone.split_once(':') {
        Some((h, m)) => (two_digits(h)?, two_digits(m)?),
        None if zone.len() == 4 => (two_digits(zone.get(..2)?)?, two_digits(zone.get(2..)?)?),
        None => (two_digits(zone)?, 0),
    };
    if h > 23 || m > 59 {
        return None;
    }
    Some((clock, sign * (h * 3600 + m * 60)))
}

#[allow(clippy::too_many_arguments)]
fn instant(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    nanos: i128,
    offset: i64,
) -> Option<Instant> {
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    Some(i128::from(secs) * NANOS + nanos)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Instant {
        parse_date(s).expect("test date parses")
    }

    #[test]
    fn c6_profiles_read_the_same_instant() {
        assert_eq!(at("1970-01-01T00:00:00Z"), 0);
        assert_eq!(at("2020"), at("2020-01-01T00:00:00Z"));
        assert_eq!(at("2020-03"), at("2020-03-01T00:00Z"));
        assert_eq!(at("2020-03-05"), at("2020-03-05T00:00:00.000Z"));
        assert_eq!(at("2020-03-05T10:00:00+02:00"), at("2020-03-05T08:00:00Z"));
        assert_eq!(at("2020-03-05T10:00:00-0130"), at("2020-03-05T11:30:00Z"));
        assert_eq!(at("2019-07-16T12:00:00Z"), at("1563278400"));
        assert_eq!(at("1563278400.5") - at("1563278400"), NANOS / 2);
        assert!(at("2020-02-29T23:59:59.999Z") < at("2020-03-01"));
    }

    #[test]
    fn c6_invalid_dates_do_not_parse() {
        for s in [
            "",
            "2021-02-29",
            "2020-13-01",
            "2020-1-01",
            "2020-01-01T25:00Z",
            "2020-01-01T10",
            "2020-01T10:00Z",
            "yesterday",
            "2020-01-01T10:00:00.Z",
            "99999999999999999999",
        ] {
            assert!(parse_date(s).is_none(), "{s:?}");
        }
    }
}

//! Typed context values (C5, C6, C8, C9, C16): what a typed value reads as, checked as the user
//! types. Nothing is ever rewritten: an invalid value stays in the input with a message beside it
//! (the evaluator then warns and conditions on it do not match, as in AWS).

use iamsim_core::catalog::{KeyType, ValueType};
use iamsim_core::condition::{
    binary::decode_base64, date::parse_date, ip::parse_request_ip, ip::Cidr, numeric::Decimal,
};

/// The values of a row: one for a single-valued key, comma-separated ones for a multi-valued key
/// (empty pieces dropped, as `ContextRow::to_json` does).
pub fn split_values(value: &str, multi: bool) -> Vec<&str> {
    if multi {
        value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    } else {
        vec![value]
    }
}

/// Why one value does not read as `ty`; `None` when it does.
pub fn value_problem(value: &str, ty: ValueType) -> Option<String> {
    let v = value.trim();
    let expected = match ty {
        ValueType::Bool if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false") => {
            return None
        }
        ValueType::Bool => "`true` or `false`",
        // A request address may be written as a CIDR; its prefix must still be valid.
        ValueType::IpAddress if v.contains('/') && Cidr::parse(v).is_some() => return None,
        ValueType::IpAddress if !v.contains('/') && parse_request_ip(v).is_some() => return None,
        ValueType::IpAddress => "an IPv4 or IPv6 address (a CIDR such as `10.0.0.0/8` also reads)",
        ValueType::Date if parse_date(v).is_some() => return None,
        ValueType::Date => "an ISO 8601 date (`2026-11-29T12:00:00Z`) or epoch seconds",
        ValueType::Numeric if Decimal::parse(v).is_some() => return None,
        ValueType::Numeric => "a number",
        ValueType::Binary if decode_base64(v).is_some() => return None,
        ValueType::Binary => "base64",
        ValueType::Arn if v.starts_with("arn:") || v.contains(['*', '?']) => return None,
        ValueType::Arn => "an ARN (`arn:partition:service:region:account:resource`)",
        ValueType::String => return None,
    };
    Some(format!("`{v}` is not {expected}"))
}

/// The first problem of a row's value for the key's type; `None` when every value reads, the
/// value is empty (nothing typed yet), or the key is unknown (any text goes).
pub fn row_problem(value: &str, multi: bool, ty: Option<KeyType>) -> Option<String> {
    let ty = ty?;
    if value.trim().is_empty() {
        return None;
    }
    split_values(value, multi)
        .into_iter()
        .find_map(|v| value_problem(v, ty.value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c9_ip_values_read_addresses_and_cidrs() {
        assert_eq!(value_problem("203.0.113.7", ValueType::IpAddress), None);
        assert_eq!(value_problem("10.0.0.0/8", ValueType::IpAddress), None);
        assert_eq!(value_problem("2001:db8::1", ValueType::IpAddress), None);
        let bad = value_problem("10.0.0.300", ValueType::IpAddress).expect("invalid");
        assert!(bad.contains("10.0.0.300"), "{bad}");
        assert!(value_problem("10.0.0.0/33", ValueType::IpAddress).is_some());
    }

    #[test]
    fn c6_c5_c8_dates_numbers_and_booleans() {
        assert_eq!(value_problem("2026-11-29T12:00:00Z", ValueType::Date), None);
        assert_eq!(value_problem("1700000000", ValueType::Date), None);
        assert!(value_problem("yesterday", ValueType::Date).is_some());
        assert_eq!(value_problem("-1.5e3", ValueType::Numeric), None);
        assert!(value_problem("ten", ValueType::Numeric).is_some());
        assert_eq!(value_problem("TRUE", ValueType::Bool), None);
        assert!(value_problem("yes", ValueType::Bool).is_some());
        assert!(value_problem("user/alice", ValueType::Arn).is_some());
        assert_eq!(value_problem("anything", ValueType::String), None);
    }

    #[test]
    fn c16_multi_valued_rows_check_every_value() {
        let tags = Some(KeyType::multi(ValueType::String));
        assert_eq!(split_values("a, b,,c ", true), vec!["a", "b", "c"]);
        assert_eq!(split_values("a, b", false), vec!["a, b"]);
        assert_eq!(row_problem("a, b", true, tags), None);
        let ips = Some(KeyType::multi(ValueType::IpAddress));
        let bad = row_problem("10.0.0.1, nope", true, ips).expect("second value is bad");
        assert!(bad.contains("nope"));
        // Nothing typed yet, or an unknown key: no message.
        assert_eq!(
            row_problem("", false, Some(KeyType::single(ValueType::Bool))),
            None
        );
        assert_eq!(row_problem("x", false, None), None);
    }
}

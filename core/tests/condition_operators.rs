//! Condition operators (C1–C16).

mod match_helpers;
use iamsim_core::matching::{MatchOptions, Request};
use match_helpers::*;

/// Whether a statement with the single condition `op {key: values}` applies.
fn holds(op: &str, key: &str, values: &[&str], c: &[(&str, V)]) -> bool {
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond(op, key, values)
        .compile();
    applies(&s, "x:Y", "*", &ctx(c))
}

fn one(op: &str, policy: &str, request: &str) -> bool {
    holds(op, "k", &[policy], &[("k", V::S(request))])
}

#[test]
fn c1_and_across_operators_and_keys() {
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("StringEquals", "a", &["1"])
        .cond("StringEquals", "b", &["2"])
        .compile();
    assert!(applies(
        &s,
        "x:Y",
        "*",
        &ctx(&[("a", V::S("1")), ("b", V::S("2"))])
    ));
    assert!(!applies(
        &s,
        "x:Y",
        "*",
        &ctx(&[("a", V::S("1")), ("b", V::S("3"))])
    ));
}

#[test]
fn c1_or_across_values_of_one_key() {
    assert!(holds("StringEquals", "k", &["a", "b"], &[("k", V::S("b"))]));
    assert!(!holds(
        "StringEquals",
        "k",
        &["a", "b"],
        &[("k", V::S("c"))]
    ));
}

#[test]
fn c1_nor_across_values_for_negated_operators() {
    assert!(!holds(
        "StringNotEquals",
        "k",
        &["a", "b"],
        &[("k", V::S("b"))]
    ));
    assert!(holds(
        "StringNotEquals",
        "k",
        &["a", "b"],
        &[("k", V::S("c"))]
    ));
    assert!(!holds(
        "NumericNotEquals",
        "k",
        &["1", "2"],
        &[("k", V::S("2"))]
    ));
    assert!(!holds(
        "NotIpAddress",
        "k",
        &["10.0.0.0/8", "192.168.0.0/16"],
        &[("k", V::S("192.168.1.1"))]
    ));
    assert!(holds(
        "NotIpAddress",
        "k",
        &["10.0.0.0/8", "192.168.0.0/16"],
        &[("k", V::S("8.8.8.8"))]
    ));
    assert!(!holds(
        "DateNotEquals",
        "k",
        &["2020-01-01", "2021-01-01"],
        &[("k", V::S("2021-01-01T00:00:00Z"))]
    ));
    assert!(!holds(
        "ArnNotEquals",
        "k",
        &["arn:aws:s3:::a", "arn:aws:s3:::b"],
        &[("k", V::S("arn:aws:s3:::b"))]
    ));
    assert!(!holds(
        "StringNotEqualsIgnoreCase",
        "k",
        &["A", "B"],
        &[("k", V::S("b"))]
    ));
    assert!(!holds(
        "StringNotLike",
        "k",
        &["a*", "b*"],
        &[("k", V::S("bx"))]
    ));
}

#[test]
fn c2_condition_keys_are_case_insensitive() {
    assert!(holds(
        "IpAddress",
        "aws:SourceIP",
        &["203.0.113.0/24"],
        &[("AWS:sourceip", V::S("203.0.113.7"))]
    ));
    assert!(holds(
        "StringEquals",
        "aws:ResourceTag/Team",
        &["red"],
        &[("aws:resourcetag/team", V::S("red"))]
    ));
}

#[test]
fn c3_missing_key_per_operator_class() {
    let none: &[(&str, V)] = &[];
    for op in [
        "StringEquals",
        "StringLike",
        "NumericEquals",
        "DateEquals",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "ArnLike",
    ] {
        assert!(
            !holds(op, "k", &["x"], none),
            "{op} is false on a missing key"
        );
    }
    for op in [
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "NumericNotEquals",
        "DateNotEquals",
        "NotIpAddress",
        "ArnNotEquals",
        "ArnNotLike",
    ] {
        assert!(
            holds(op, "k", &["x"], none),
            "{op} is true on a missing key"
        );
    }
}

#[test]
fn c4_string_equals_is_exact_and_star_is_literal() {
    assert!(one("StringEquals", "Red", "Red"));
    assert!(!one("StringEquals", "Red", "red"));
    assert!(!one("StringEquals", "r*", "red"));
    assert!(one("StringEquals", "r*", "r*"));
}

#[test]
fn c4_ignore_case_and_like() {
    assert!(one("StringEqualsIgnoreCase", "Red", "rED"));
    assert!(!one("StringEqualsIgnoreCase", "Red", "rEDs"));
    assert!(one("StringNotEqualsIgnoreCase", "Red", "blue"));
    assert!(one("StringLike", "home/*/?.txt", "home/alice/a.txt"));
    assert!(!one("StringLike", "home/*", "Home/alice"));
    assert!(one("StringNotLike", "home/*", "work/x"));
}

#[test]
fn c5_numeric_operators() {
    assert!(one("NumericEquals", "10", "10.0"));
    assert!(one("NumericNotEquals", "10", "11"));
    assert!(one("NumericLessThan", "10", "9.99"));
    assert!(!one("NumericLessThan", "10", "10"));
    assert!(one("NumericLessThanEquals", "10", "10"));
    assert!(one("NumericGreaterThan", "-1", "0"));
    assert!(one("NumericGreaterThanEquals", "3600", "3600"));
    assert!(!one("NumericGreaterThanEquals", "3600", "3599"));
    assert!(one(
        "NumericGreaterThan",
        "99999999999999999999999999",
        "100000000000000000000000000"
    ));
}

#[test]
fn c5_unparseable_numbers_match_nothing() {
    assert!(!one("NumericEquals", "ten", "10"));
    assert!(!one("NumericEquals", "10", "ten"));
    assert!(
        !one("NumericNotEquals", "10", "ten"),
        "unparseable: no match for the negated form either"
    );
    assert!(!one("NumericLessThan", "10", ""));
}

#[test]
fn c6_date_operators_compare_instants_across_formats() {
    assert!(one("DateEquals", "2020-01-01T00:00:00Z", "1577836800"));
    assert!(one("DateEquals", "2020", "2020-01-01T00:00:00+00:00"));
    assert!(one(
        "DateLessThan",
        "2020-06-01T00:00:00Z",
        "2020-05-31T23:59:59Z"
    ));
    assert!(
        !one(
            "DateLessThan",
            "2020-06-01T00:00:00Z",
            "2020-06-01T02:00:00+02:00"
        ),
        "same instant"
    );
    assert!(one(
        "DateLessThanEquals",
        "2020-06-01T00:00:00Z",
        "2020-06-01T02:00:00+02:00"
    ));
    assert!(one("DateGreaterThan", "1577836800", "2020-01-01T00:00:01Z"));
    assert!(one("DateGreaterThanEquals", "2020-01", "2020-01-01"));
    assert!(one("DateNotEquals", "2020-01-01", "2020-01-02"));
    assert!(one(
        "DateEquals",
        "2020-01-01T00:00:00.500Z",
        "1577836800.5"
    ));
    assert!(!one("DateEquals", "not a date", "2020"));
}

#[test]
fn c6_epoch_time_also_works_with_numeric_operators() {
    assert!(holds(
        "NumericLessThan",
        "aws:EpochTime",
        &["1700000000"],
        &[("aws:EpochTime", V::S("1600000000"))]
    ));
}

#[test]
fn c7_bool() {
    assert!(one("Bool", "true", "true"));
    assert!(one("Bool", "True", "TRUE"));
    assert!(!one("Bool", "true", "false"));
    assert!(!one("Bool", "true", "yes"));
}

#[test]
fn c7_missing_bool_key_is_false_so_deny_needs_if_exists() {
    let s = deny()
        .action(&["*"])
        .resource(&["*"])
        .cond("Bool", "aws:MultiFactorAuthPresent", &["false"])
        .compile();
    assert!(
        !applies(&s, "x:Y", "*", &ctx(&[])),
        "long-term keys: no MFA key, the Deny does not apply"
    );
    let s = deny()
        .action(&["*"])
        .resource(&["*"])
        .cond("BoolIfExists", "aws:MultiFactorAuthPresent", &["false"])
        .compile();
    assert!(applies(&s, "x:Y", "*", &ctx(&[])));
    assert!(!applies(
        &s,
        "x:Y",
        "*",
        &ctx(&[("aws:MultiFactorAuthPresent", V::S("true"))])
    ));
}

#[test]
fn c8_binary_equals_compares_bytes() {
    assert!(one(
        "BinaryEquals",
        "QmluYXJ5VmFsdWVJbkJhc2U2NA==",
        "QmluYXJ5VmFsdWVJbkJhc2U2NA=="
    ));
    assert!(
        one("BinaryEquals", "YQ==", "YQ"),
        "padding does not change the bytes"
    );
    assert!(!one("BinaryEquals", "YQ==", "Yg=="));
    assert!(!one("BinaryEquals", "not base64!", "not base64!"));
}

#[test]
fn c9_ip_address_v4_and_v6() {
    assert!(one("IpAddress", "203.0.113.0/24", "203.0.113.7"));
    assert!(!one("IpAddress", "203.0.113.0/24", "203.0.114.7"));
    assert!(
        one("IpAddress", "203.0.113.7", "203.0.113.7"),
        "a bare address is /32"
    );
    assert!(one("IpAddress", "2001:db8::/32", "2001:db8::1"));
    assert!(
        one("IpAddress", "2001:db8::1", "2001:db8::1"),
        "a bare IPv6 address is /128"
    );
    assert!(!one("IpAddress", "2001:db8::1", "2001:db8::2"));
}

#[test]
fn c9_ip_versions_never_mix() {
    assert!(!one("IpAddress", "::/0", "203.0.113.7"));
    assert!(!one("IpAddress", "0.0.0.0/0", "2001:db8::1"));
    assert!(one("NotIpAddress", "0.0.0.0/0", "2001:db8::1"));
}

#[test]
fn c9_missing_source_ip_vpc_endpoint_deny_with_not_ip_address_applies() {
    let s = deny()
        .action(&["*"])
        .resource(&["*"])
        .cond("NotIpAddress", "aws:SourceIp", &["54.240.143.0/24"])
        .compile();
    assert!(applies(&s, "ecr:PutImage", "*", &ctx(&[])));
    assert!(!holds("IpAddress", "aws:SourceIp", &["0.0.0.0/0"], &[]));
}

#[test]
fn c11_if_exists_true_when_missing_else_base_operator() {
    assert!(holds("StringEqualsIfExists", "k", &["a"], &[]));
    assert!(!holds(
        "StringEqualsIfExists",
        "k",
        &["a"],
        &[("k", V::S("b"))]
    ));
    assert!(holds(
        "NumericLessThanIfExists",
        "k",
        &["5"],
        &[("k", V::S("4"))]
    ));
    // A Deny with StringNotEqualsIfExists still applies on a missing key.
    assert!(holds("StringNotEqualsIfExists", "k", &["a"], &[]));
}

#[test]
fn c12_null_tests_presence() {
    assert!(holds("Null", "k", &["true"], &[]));
    assert!(!holds("Null", "k", &["true"], &[("k", V::S("x"))]));
    assert!(holds("Null", "k", &["false"], &[("k", V::S("x"))]));
    assert!(!holds("Null", "k", &["false"], &[]));
    assert!(
        holds("Null", "k", &["true"], &[("k", V::M(&[]))]),
        "an empty set counts as absent"
    );
}

#[test]
fn c13_for_all_values_every_request_value() {
    let allowed = &["env", "team"];
    assert!(holds(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        allowed,
        &[("aws:TagKeys", V::M(&["env"]))]
    ));
    assert!(holds(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        allowed,
        &[("aws:TagKeys", V::M(&["env", "team"]))]
    ));
    assert!(!holds(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        allowed,
        &[("aws:TagKeys", V::M(&["env", "cost"]))]
    ));
}

#[test]
fn c13_for_all_values_true_when_missing_or_empty() {
    assert!(holds(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        &["env"],
        &[]
    ));
    assert!(holds(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        &["env"],
        &[("aws:TagKeys", V::M(&[]))]
    ));
}

#[test]
fn c14_for_any_value_at_least_one() {
    assert!(holds(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        &["env"],
        &[("aws:TagKeys", V::M(&["cost", "env"]))]
    ));
    assert!(!holds(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        &["env"],
        &[("aws:TagKeys", V::M(&["cost"]))]
    ));
    assert!(!holds(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        &["env"],
        &[]
    ));
    assert!(!holds(
        "ForAnyValue:StringEquals",
        "aws:TagKeys",
        &["env"],
        &[("aws:TagKeys", V::M(&[]))]
    ));
}

#[test]
fn c15_for_all_values_string_not_like() {
    let op = "ForAllValues:StringNotLike";
    assert!(!holds(
        op,
        "aws:TagKeys",
        &["key1*"],
        &[("aws:TagKeys", V::M(&["key1:legal"]))]
    ));
    assert!(holds(
        op,
        "aws:TagKeys",
        &["key1*"],
        &[("aws:TagKeys", V::M(&["key2:audit"]))]
    ));
    assert!(holds(op, "aws:TagKeys", &["key1*"], &[]));
}

#[test]
fn c15_for_any_value_string_not_equals() {
    let op = "ForAnyValue:StringNotEquals";
    assert!(holds(
        op,
        "aws:TagKeys",
        &["a", "b"],
        &[("aws:TagKeys", V::M(&["a", "c"]))]
    ));
    assert!(!holds(
        op,
        "aws:TagKeys",
        &["a", "b"],
        &[("aws:TagKeys", V::M(&["a", "b"]))]
    ));
    assert!(
        !holds(op, "aws:TagKeys", &["a"], &[]),
        "ForAnyValue is false on a missing key, negated or not"
    );
}

#[test]
fn c16_single_valued_key_is_a_set_of_one() {
    assert!(holds(
        "ForAnyValue:StringEquals",
        "aws:username",
        &["alice"],
        &[("aws:username", V::S("alice"))]
    ));
    assert!(holds(
        "ForAllValues:StringEquals",
        "aws:username",
        &["alice"],
        &[("aws:username", V::S("alice"))]
    ));
    assert!(!holds(
        "ForAllValues:StringEquals",
        "aws:username",
        &["alice"],
        &[("aws:username", V::S("bob"))]
    ));
}

#[test]
fn q4_plain_operator_on_a_multi_valued_key_does_not_match() {
    assert!(!holds(
        "StringEquals",
        "aws:TagKeys",
        &["env"],
        &[("aws:TagKeys", V::M(&["env"]))]
    ));
    assert!(!holds(
        "StringNotEquals",
        "aws:TagKeys",
        &["x"],
        &[("aws:TagKeys", V::M(&["env"]))]
    ));
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("StringEquals", "aws:TagKeys", &["env"])
        .compile();
    let p = principal(USER);
    let c = ctx(&[("aws:TagKeys", V::M(&["env"]))]);
    let req = Request {
        principal: &p,
        action: "x:Y",
        resource: "*",
        context: &c,
    };
    let t = s.explain(&req, MatchOptions::default());
    assert!(
        t.conditions[0].note.contains("Q4"),
        "{}",
        t.conditions[0].note
    );
}

#[test]
fn notes_explain_missing_keys() {
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("StringEqualsIfExists", "a", &["x"])
        .cond("ForAllValues:StringLike", "b", &["x"])
        .cond("NumericLessThan", "c", &["oops"])
        .compile();
    let p = principal(USER);
    let c = ctx(&[("c", V::S("1"))]);
    let req = Request {
        principal: &p,
        action: "x:Y",
        resource: "*",
        context: &c,
    };
    let t = s.explain(&req, MatchOptions::default());
    assert!(t.conditions[0]
        .note
        .contains("IfExists makes the condition true"));
    assert!(t.conditions[1]
        .note
        .contains("ForAllValues is true when the key is missing"));
    assert!(
        t.conditions[2].note.contains("`oops` is not a number"),
        "{}",
        t.conditions[2].note
    );
    assert_eq!(t.conditions[0].request_values, None);
    assert_eq!(t.conditions[2].request_values, Some(vec!["1".to_string()]));
    assert_eq!(
        t.missing_keys.iter().map(|k| &**k).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert!(!t.matched);
}

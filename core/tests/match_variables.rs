//! Policy variables in Resource and conditions (V1–V5, G2).

mod match_helpers;
use iamsim_core::matching::{MatchOptions, Request};
use match_helpers::*;

const HOME: &str = "arn:aws:s3:::bucket/home/${aws:username}/*";

#[test]
fn v1_variable_in_resource_part_is_substituted() {
    let s = allow().action(&["s3:*"]).resource(&[HOME]).compile();
    let c = ctx(&[("aws:username", V::S("alice"))]);
    assert!(applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/notes.txt",
        &c
    ));
    assert!(!applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/bob/notes.txt",
        &c
    ));
}

#[test]
fn v1_key_names_are_case_insensitive() {
    let s = allow()
        .action(&["s3:*"])
        .resource(&["arn:aws:s3:::bucket/home/${AWS:UserName}/*"])
        .compile();
    let c = ctx(&[("aws:username", V::S("alice"))]);
    assert!(applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/x",
        &c
    ));
}

#[test]
fn v1_multi_valued_keys_do_not_resolve() {
    let s = allow()
        .action(&["s3:*"])
        .resource(&["arn:aws:s3:::bucket/${aws:TagKeys}/*"])
        .compile();
    let c = ctx(&[("aws:TagKeys", V::M(&["a"]))]);
    assert!(!applies(&s, "s3:GetObject", "arn:aws:s3:::bucket/a/x", &c));
}

#[test]
fn v2_variables_only_after_the_fifth_colon() {
    // S3 ARNs have empty region and account: the bucket is already after the 5th colon.
    let s = allow()
        .action(&["s3:*"])
        .resource(&["arn:aws:s3:::${aws:username}"])
        .compile();
    let c = ctx(&[("aws:username", V::S("alice"))]);
    assert!(applies(&s, "s3:GetObject", "arn:aws:s3:::alice", &c));
    // In the account segment `${…}` is literal text.
    let s = allow()
        .action(&["*"])
        .resource(&["arn:aws:iam::${aws:PrincipalAccount}:user/x"])
        .compile();
    let c = ctx(&[("aws:PrincipalAccount", V::S("111122223333"))]);
    assert!(!applies(
        &s,
        "iam:GetUser",
        "arn:aws:iam::111122223333:user/x",
        &c
    ));
}

#[test]
fn v2_actions_are_never_substituted() {
    let s = allow()
        .action(&["s3:${aws:username}"])
        .resource(&["*"])
        .compile();
    let c = ctx(&[("aws:username", V::S("GetObject"))]);
    assert!(!applies(&s, "s3:GetObject", "*", &c));
}

#[test]
fn v3_escapes_are_literal_characters() {
    let s = allow()
        .action(&["s3:*"])
        .resource(&["arn:aws:s3:::bucket/${*}/x${?}"])
        .compile();
    let c = ctx(&[]);
    assert!(applies(&s, "s3:GetObject", "arn:aws:s3:::bucket/*/x?", &c));
    assert!(!applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/anything/xy",
        &c
    ));
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("StringEquals", "k", &["a${$}b"])
        .compile();
    assert!(applies(
        &s,
        "s3:GetObject",
        "*",
        &ctx(&[("k", V::S("a$b"))])
    ));
}

#[test]
fn v3_substituted_values_are_never_wildcards() {
    let s = allow().action(&["s3:*"]).resource(&[HOME]).compile();
    let c = ctx(&[("aws:username", V::S("*"))]);
    assert!(!applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/x",
        &c
    ));
    assert!(applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/*/x",
        &c
    ));
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("StringLike", "s3:prefix", &["${aws:username}/*"])
        .compile();
    let c = ctx(&[("aws:username", V::S("a?")), ("s3:prefix", V::S("ab/x"))]);
    assert!(!applies(&s, "s3:ListBucket", "*", &c));
}

#[test]
fn v4_default_value_when_the_key_is_missing() {
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond(
            "StringEquals",
            "aws:ResourceTag/team",
            &["${aws:PrincipalTag/team, 'company-wide'}"],
        )
        .compile();
    assert!(applies(
        &s,
        "x:Y",
        "*",
        &ctx(&[("aws:ResourceTag/team", V::S("company-wide"))])
    ));
    let c = ctx(&[
        ("aws:ResourceTag/team", V::S("red")),
        ("aws:PrincipalTag/team", V::S("red")),
    ]);
    assert!(applies(&s, "x:Y", "*", &c));
}

#[test]
fn v5_missing_key_makes_a_resource_entry_match_nothing() {
    let s = allow().action(&["s3:*"]).resource(&[HOME]).compile();
    assert!(!applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/home//x",
        &ctx(&[])
    ));
    // In NotResource the entry excludes nothing.
    let s = allow().action(&["s3:*"]).not_resource(&[HOME]).compile();
    assert!(applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/x",
        &ctx(&[])
    ));
}

#[test]
fn v5_missing_key_in_conditions_positive_false_negated_true() {
    let c = ctx(&[("s3:ExistingObjectTag/Team", V::S("red"))]);
    for (op, expected) in [
        ("StringEquals", false),
        ("StringLike", false),
        ("ArnLike", false),
        ("ArnEquals", false),
        ("StringNotEquals", true),
        ("StringNotLike", true),
        ("ArnNotLike", true),
    ] {
        let s = deny()
            .action(&["*"])
            .resource(&["*"])
            .cond(
                op,
                "s3:ExistingObjectTag/Team",
                &["${aws:PrincipalTag/Team}"],
            )
            .compile();
        assert_eq!(applies(&s, "s3:GetObject", "*", &c), expected, "{op}");
    }
}

#[test]
fn g2_version_2008_keeps_variables_as_text() {
    let s = allow().action(&["s3:*"]).resource(&[HOME]).compile_2008();
    let c = ctx(&[("aws:username", V::S("alice"))]);
    assert!(!applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/alice/x",
        &c
    ));
    assert!(applies(
        &s,
        "s3:GetObject",
        "arn:aws:s3:::bucket/home/${aws:username}/x",
        &c
    ));
}

#[test]
fn q3_variables_in_bool_are_substituted() {
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .cond("Bool", "aws:SecureTransport", &["${aws:ViaAWSService}"])
        .compile();
    let c = ctx(&[
        ("aws:SecureTransport", V::S("true")),
        ("aws:ViaAWSService", V::S("true")),
    ]);
    assert!(applies(&s, "x:Y", "*", &c));
}

#[test]
fn explanation_reports_resolved_values_and_missing_keys() {
    let s = allow()
        .action(&["s3:*"])
        .resource(&[HOME])
        .cond(
            "StringEquals",
            "aws:PrincipalTag/team",
            &["${aws:ResourceTag/team}"],
        )
        .compile();
    let c = ctx(&[("aws:username", V::S("alice"))]);
    let p = principal(USER);
    let req = Request {
        principal: &p,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::bucket/home/alice/x",
        context: &c,
    };
    let t = s.explain(&req, MatchOptions::default());
    let r = t.resource.as_ref().expect("resource traced");
    assert_eq!(
        r.resolved.as_deref(),
        Some("arn:aws:s3:::bucket/home/alice/*")
    );
    assert_eq!(r.pattern.as_deref(), Some(HOME));
    assert_eq!(
        t.missing_keys.iter().map(|k| &**k).collect::<Vec<_>>(),
        ["aws:PrincipalTag/team", "aws:ResourceTag/team"]
    );
    assert!(!t.matched);
    assert!(t.conditions[0].note.contains("key missing"));
}

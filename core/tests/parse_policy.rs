//! Parsing policy text into the model: spans, grammar rules (G1–G9) and per-statement errors.

use iamsim_core::policy::{
    parse_policy, parse_policy_value, BaseOperator, Effect, PolicyVersion, PrincipalKind,
    SetQualifier,
};
use iamsim_core::{Diagnostic, Span};

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": "arn:aws:s3:::b/*",
      "Condition": {
        "StringEquals": {"aws:PrincipalTag/team": ["web", "ops"]},
        "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
        "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": "env*", "aws:SecureTransport": true}
      }
    },
    {
      "Effect": "Deny",
      "Principal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:role/ci"], "Service": "codebuild.amazonaws.com"},
      "NotAction": "iam:*",
      "NotResource": "*"
    }
  ]
}"#;

/// (line, column) of a span's start and end.
fn lc(span: Span) -> ((u32, u32), (u32, u32)) {
    (
        (span.start.line, span.start.column),
        (span.end.line, span.end.column),
    )
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<(&str, Option<usize>)> {
    diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.statement))
        .collect()
}

#[test]
fn statements_and_elements_carry_exact_spans() {
    let parsed = parse_policy(POLICY);
    assert_eq!(parsed.diagnostics, []);
    let policy = parsed.policy.expect("policy");
    assert_eq!(policy.version, PolicyVersion::V2012_10_17);
    assert_eq!(policy.version_span.map(lc), Some(((2, 14), (2, 26))));
    let [read, deny] = policy.statements.as_slice() else {
        panic!("two statements")
    };

    assert_eq!(lc(read.span), ((4, 5), (14, 6)));
    assert_eq!(
        read.sid.as_ref().map(|s| (s.value.as_str(), lc(s.span))),
        Some(("Read", ((5, 14), (5, 20))))
    );
    let effect = read.effect.as_ref().expect("effect");
    assert_eq!(
        (effect.value, lc(effect.span)),
        (Effect::Allow, ((6, 17), (6, 24)))
    );
    let action = read.action.as_ref().expect("action");
    assert!(!action.negated);
    assert_eq!(lc(action.span), ((7, 7), (7, 50)));
    assert_eq!(lc(action.values[1].span), ((7, 34), (7, 49)));
    let resource = read.resource.as_ref().expect("resource");
    assert_eq!(lc(resource.values[0].span), ((8, 19), (8, 37)));
    assert_eq!(read.condition_span.map(lc), Some(((9, 7), (13, 8))));

    let deny_effect = deny.effect.as_ref().expect("effect");
    assert_eq!(
        (deny_effect.value, deny_effect.span.start.line),
        (Effect::Deny, 16)
    );
    assert_eq!(lc(deny.span), ((15, 5), (20, 6)));
    assert!(deny.action.as_ref().is_some_and(|a| a.negated));
    assert!(deny.resource.as_ref().is_some_and(|r| r.negated));
}

#[test]
fn g8_conditions_flatten_to_one_entry_per_operator_and_key_with_canonical_values() {
    let policy = parse_policy(POLICY).policy.expect("policy");
    let entries = &policy.statements[0].conditions;
    let summary: Vec<(String, &str, Vec<&str>)> = entries
        .iter()
        .map(|e| {
            let values = e.values.iter().map(|v| v.value.as_str()).collect();
            (e.operator.value.canonical(), e.key.value.as_str(), values)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "StringEquals".to_string(),
                "aws:PrincipalTag/team",
                vec!["web", "ops"]
            ),
            (
                "NumericLessThan".to_string(),
                "aws:MultiFactorAuthAge",
                vec!["3600"]
            ),
            (
                "ForAnyValue:StringLikeIfExists".to_string(),
                "aws:TagKeys",
                vec!["env*"]
            ),
            (
                "ForAnyValue:StringLikeIfExists".to_string(),
                "aws:SecureTransport",
                vec!["true"]
            ),
        ]
    );
    let last = &entries[3];
    assert_eq!(last.operator.value.set, Some(SetQualifier::ForAnyValue));
    assert_eq!(last.operator.value.base, BaseOperator::StringLike);
    assert_eq!(lc(last.operator.span), ((12, 9), (12, 41)));
    assert_eq!(lc(last.key.span), ((12, 67), (12, 88)));
    assert_eq!(lc(last.values[0].span), ((12, 90), (12, 94)));
    assert_eq!(lc(last.span), ((12, 67), (12, 94)));
}

#[test]
fn g9_principal_maps_and_star_read_as_entries() {
    let policy = parse_policy(POLICY).policy.expect("policy");
    let principal = policy.statements[1].principal.as_ref().expect("principal");
    let entries: Vec<(PrincipalKind, &str)> = principal
        .entries
        .iter()
        .map(|e| (e.kind, e.value.value.as_str()))
        .collect();
    assert_eq!(
        entries,
        [
            (PrincipalKind::Aws, "111122223333"),
            (PrincipalKind::Aws, "arn:aws:iam::111122223333:role/ci"),
            (PrincipalKind::Service, "codebuild.amazonaws.com"),
        ]
    );
    let star =
        parse_policy(r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "*"}}"#);
    let p = star.policy.expect("policy").statements[0]
        .principal
        .clone()
        .expect("principal");
    assert_eq!(
        (p.entries[0].kind, p.entries[0].value.value.as_str()),
        (PrincipalKind::Aws, "*")
    );
}

#[test]
fn g9_malformed_principals_invalidate_the_statement() {
    let table = [
        (
            r#""arn:aws:iam::111122223333:root""#,
            "invalid-principal",
            Some("write `{\"AWS\": \"arn:aws:iam::111122223333:root\"}`"),
        ),
        (r#"{"aws": "*"}"#, "invalid-principal", Some("use `AWS`")),
        (r#"{}"#, "empty-list", None),
        (r#"{"AWS": []}"#, "empty-list", None),
        (r#"{"AWS": [1]}"#, "invalid-type", None),
        ("3", "invalid-type", None),
    ];
    for (principal, code, fix) in table {
        let text = format!(
            r#"{{"Statement": {{"Effect": "Allow", "Principal": {principal}, "Action": "*"}}}}"#
        );
        let parsed = parse_policy(&text);
        let d = &parsed.diagnostics[0];
        assert_eq!(
            (d.code.as_str(), d.statement, d.fix.as_deref()),
            (code, Some(0), fix),
            "{principal}"
        );
        assert!(
            parsed.policy.expect("policy").statements[0]
                .invalid
                .is_some(),
            "{principal}"
        );
    }
}

#[test]
fn g2_version_absent_or_invalid_reads_as_2008_10_17() {
    let absent = parse_policy(r#"{"Statement": []}"#).policy.expect("policy");
    assert_eq!(
        (absent.version, absent.version_span),
        (PolicyVersion::V2008_10_17, None)
    );
    for version in [r#""2012-10-18""#, "2012", r#""2012-10-17 ""#] {
        let parsed = parse_policy(&format!(r#"{{"Version": {version}, "Statement": []}}"#));
        assert_eq!(
            parsed.policy.as_ref().map(|p| p.version),
            Some(PolicyVersion::V2008_10_17)
        );
        let d = &parsed.diagnostics[0];
        assert_eq!(
            (d.code.as_str(), d.statement, d.fix.as_deref()),
            ("invalid-version", None, Some("use `2012-10-17`"))
        );
        assert_eq!(d.span.map(|s| s.start.column), Some(13));
    }
}

#[test]
fn g3_statement_is_an_object_or_an_array_of_objects() {
    let one = parse_policy(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#);
    let many =
        parse_policy(r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#);
    let strip = |p: &iamsim_core::policy::ParsedPolicy| {
        p.policy.as_ref().map(|p| {
            (
                p.statements.len(),
                p.statements[0].effect.as_ref().map(|e| e.value),
            )
        })
    };
    assert_eq!(strip(&one), Some((1, Some(Effect::Allow))));
    assert_eq!(strip(&one), strip(&many));
    assert!(one.diagnostics.is_empty() && many.diagnostics.is_empty());

    let mixed = parse_policy(
        r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, "x"]}"#,
    );
    assert_eq!(codes(&mixed.diagnostics), [("invalid-statement", Some(1))]);
    let policy = mixed.policy.expect("policy");
    assert_eq!(
        (
            policy.statements[0].invalid.is_none(),
            policy.statements[1].invalid.is_some()
        ),
        (true, true)
    );

    let wrong = parse_policy(r#"{"Statement": "x"}"#);
    assert_eq!(codes(&wrong.diagnostics), [("invalid-type", None)]);
    let missing = parse_policy(r#"{"Version": "2012-10-17"}"#);
    assert_eq!(codes(&missing.diagnostics), [("missing-statement", None)]);
    let empty = parse_policy(r#"{"Statement": []}"#);
    assert_eq!(codes(&empty.diagnostics), [("no-statements", None)]);
}

#[test]
fn g6_effect_is_case_sensitive() {
    let table = [
        ("allow", Some("use `Allow`")),
        ("DENY", Some("use `Deny`")),
        ("Permit", None),
        ("", None),
    ];
    for (effect, fix) in table {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "{effect}", "Action": "*", "Resource": "*"}}]}}"#
        );
        let parsed = parse_policy(&text);
        let d = &parsed.diagnostics[0];
        assert_eq!(
            (d.code.as_str(), d.statement, d.fix.as_deref()),
            ("invalid-effect", Some(0), fix),
            "{effect}"
        );
        assert_eq!(
            d.message,
            format!("`Effect` must be `Allow` or `Deny` (case-sensitive), found `{effect}`")
        );
        let statement = &parsed.policy.expect("policy").statements[0];
        assert_eq!(
            (statement.effect.as_ref(), statement.invalid.is_some()),
            (None, true)
        );
    }
}

#[test]
fn g7_structural_errors_mark_only_their_statement_invalid() {
    let table = [
        (r#""Action": "*""#, "missing-effect"),
        (r#""Effect": "Allow""#, "missing-action"),
        (
            r#""Effect": "Allow", "Action": "*", "NotAction": "s3:*""#,
            "conflicting-elements",
        ),
        (
            r#""Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*""#,
            "conflicting-elements",
        ),
        (
            r#""Effect": "Allow", "Action": [], "Resource": "*""#,
            "empty-list",
        ),
        (
            r#""Effect": "Allow", "Action": "*", "Resource": ["*", 3]"#,
            "invalid-type",
        ),
        (
            r#""Effect": "Allow", "Action": {"a": 1}, "Resource": "*""#,
            "invalid-type",
        ),
        (
            r#""Effect": "Allow", "Action": "*", "Actions": "*""#,
            "unknown-element",
        ),
        (
            r#""Effect": "Allow", "Action": "*", "Sid": 1"#,
            "invalid-type",
        ),
        (
            r#""Effect": "Allow", "Action": "*", "Effect": "Allow""#,
            "duplicate-key",
        ),
    ];
    for (members, code) in table {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*"}}, {{{members}}}]}}"#
        );
        let parsed = parse_policy(&text);
        assert_eq!(codes(&parsed.diagnostics), [(code, Some(1))], "{members}");
        let policy = parsed.policy.expect("policy");
        assert!(policy.statements[0].invalid.is_none(), "{members}");
        assert!(policy.statements[1].invalid.is_some(), "{members}");
    }
}

#[test]
fn g8_invalid_condition_operators_and_values_get_did_you_mean() {
    let text = r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
        "Condition": {"StringEqual": {"aws:username": "a"}}}}"#;
    let parsed = parse_policy(text);
    let d = &parsed.diagnostics[0];
    assert_eq!(
        (
            d.code.as_str(),
            d.statement,
            d.message.as_str(),
            d.fix.as_deref()
        ),
        (
            "invalid-operator",
            Some(0),
            "`StringEqual` is not a condition operator",
            Some("did you mean `StringEquals`?")
        )
    );
    assert_eq!(
        d.span.map(|s| (s.start.line, s.start.column)),
        Some((2, 23))
    );

    for condition in [
        r#"{"StringEquals": "x"}"#,
        r#"{"StringEquals": {"k": null}}"#,
        r#"{"StringEquals": {"k": [["x"]]}}"#,
        r#"{"StringEquals": {"k": {"a": 1}}}"#,
        r#""x""#,
    ] {
        let text = format!(
            r#"{{"Statement": {{"Effect": "Allow", "Action": "*", "Condition": {condition}}}}}"#
        );
        assert_eq!(
            codes(&parse_policy(&text).diagnostics),
            [("invalid-type", Some(0))],
            "{condition}"
        );
    }
    let empty =
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Null": {"k": []}}}}"#;
    assert_eq!(
        codes(&parse_policy(empty).diagnostics),
        [("empty-list", Some(0))]
    );
}

#[test]
fn g1_unknown_and_duplicate_top_level_elements_are_errors() {
    let parsed = parse_policy(r#"{"Versoin": "2012-10-17", "Statement": [], "Statement": []}"#);
    let found: Vec<_> = parsed
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.fix.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "duplicate-key",
                Some("remove or merge one of the two members")
            ),
            ("unknown-element", Some("use `Version`")),
            ("no-statements", None),
        ]
    );
}

#[test]
fn not_an_object_or_broken_json_gives_no_policy() {
    let table = [
        ("[]", "not-an-object", (1, 1)),
        ("\"policy\"", "not-an-object", (1, 1)),
        (
            "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}",
            "json-syntax-error",
            (3, 23),
        ),
        ("", "json-syntax-error", (1, 1)),
    ];
    for (text, code, at) in table {
        let parsed = parse_policy(text);
        assert!(parsed.policy.is_none(), "{text}");
        let d = parsed.diagnostics.last().expect("diagnostic");
        assert_eq!(
            (
                d.code.as_str(),
                d.span.map(|s| (s.start.line, s.start.column))
            ),
            (code, Some(at)),
            "{text}"
        );
    }
}

#[test]
fn parse_policy_value_renders_pretty_text_that_spans_refer_to() {
    let value: serde_json::Value = serde_json::from_str(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
    )
    .expect("json");
    let parsed = parse_policy_value(&value);
    assert_eq!(
        parsed.text,
        serde_json::to_string_pretty(&value).expect("pretty")
    );
    assert!(parsed.diagnostics.is_empty());
    let policy = parsed.policy.expect("policy");
    let action = &policy.statements[0].action.as_ref().expect("action").values[0];
    let start = action.span.start.offset as usize;
    let end = action.span.end.offset as usize;
    assert_eq!(parsed.text.get(start..end), Some("\"s3:*\""));
    assert_eq!(
        action.span.start.line,
        parsed.text[..start].matches('\n').count() as u32 + 1
    );
}

//! One test (or table) per rule; the names carry the rule ids of iam-evaluation.md.

use super::*;
use crate::policy::parse_policy;

const IDENTITY: PolicyType = PolicyType::Identity;
const GENERIC: PolicyType = PolicyType::Resource(ResourceKind::Generic);
const ECR: PolicyType = PolicyType::Resource(ResourceKind::EcrRepository);
const KMS: PolicyType = PolicyType::Resource(ResourceKind::KmsKey);
const TRUST: PolicyType = PolicyType::Resource(ResourceKind::RoleTrust);

/// Validates a policy made of one statement (given as JSON members) under a type.
fn check_statement(members: &str, ty: PolicyType) -> Vec<Diagnostic> {
    check(
        &format!(r#"{{"Version": "2012-10-17", "Statement": [{{{members}}}]}}"#),
        ty,
    )
}

fn check(text: &str, ty: PolicyType) -> Vec<Diagnostic> {
    let parsed = parse_policy(text);
    assert!(
        parsed.diagnostics.is_empty(),
        "the test policy should parse cleanly: {:?}",
        parsed.diagnostics
    );
    let policy = parsed.policy.expect("an object");
    validate(&policy, ty)
}

fn codes(findings: &[Diagnostic]) -> Vec<&str> {
    findings.iter().map(|d| d.code.as_str()).collect()
}

fn find<'a>(findings: &'a [Diagnostic], code: &str) -> Option<&'a Diagnostic> {
    findings.iter().find(|d| d.code == code)
}

const ALLOW_ALL: &str = r#""Effect": "Allow", "Action": "s3:GetObject", "Resource": "*""#;
const PRINCIPAL: &str = r#""Principal": {"AWS": "arn:aws:iam::111122223333:root"}"#;

#[test]
fn clean_policies_have_no_findings_for_their_type() {
    let table: &[(&str, PolicyType)] = &[
        (ALLOW_ALL, IDENTITY),
        (ALLOW_ALL, PolicyType::PermissionsBoundary),
        (ALLOW_ALL, PolicyType::Session),
        (ALLOW_ALL, PolicyType::Scp),
        (
            r#""Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "arn:aws:s3:::b/*""#,
            GENERIC,
        ),
        (
            r#""Sid": "ECR Repository Policy", "Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage""#,
            ECR,
        ),
        (
            r#""Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*""#,
            KMS,
        ),
        (
            r#""Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/ci"}, "Action": ["sts:AssumeRole", "sts:TagSession"]"#,
            TRUST,
        ),
        (
            r#""Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": false}}"#,
            PolicyType::Rcp,
        ),
        (
            r#""Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*""#,
            PolicyType::VpcEndpoint,
        ),
    ];
    for (members, ty) in table {
        let findings = check_statement(members, *ty);
        assert!(findings.is_empty(), "{ty}: {findings:?}");
    }
}

#[test]
fn g12_principal_is_forbidden_where_the_policy_is_attached_to_the_principal() {
    for ty in [
        IDENTITY,
        PolicyType::PermissionsBoundary,
        PolicyType::Session,
        PolicyType::Scp,
    ] {
        let findings = check_statement(&format!("{ALLOW_ALL}, {PRINCIPAL}"), ty);
        let d = find(&findings, "principal-not-allowed").expect("principal-not-allowed");
        assert_eq!(
            (d.severity, d.statement),
            (Severity::Error, Some(0)),
            "{ty}"
        );
    }
}

#[test]
fn g12_principal_is_required_in_resource_policies_rcps_and_vpc_endpoint_policies() {
    for ty in [
        GENERIC,
        ECR,
        KMS,
        TRUST,
        PolicyType::Rcp,
        PolicyType::VpcEndpoint,
    ] {
        let findings = check_statement(
            r#""Effect": "Deny", "Action": "s3:GetObject", "Resource": "*""#,
            ty,
        );
        let d = find(&findings, "missing-principal").expect("missing-principal");
        assert_eq!(d.statement, Some(0), "{ty}");
    }
    let findings = check_statement(ALLOW_ALL, IDENTITY);
    assert!(find(&findings, "missing-principal").is_none());
}

#[test]
fn g7_resource_is_required_except_where_the_service_implies_it() {
    let no_resource = format!(r#""Effect": "Allow", "Action": "s3:GetObject", {PRINCIPAL}"#);
    for ty in [GENERIC, KMS, PolicyType::Rcp, PolicyType::VpcEndpoint] {
        assert!(
            find(&check_statement(&no_resource, ty), "missing-resource").is_some(),
            "{ty}"
        );
    }
    let findings = check_statement(r#""Effect": "Allow", "Action": "s3:GetObject""#, IDENTITY);
    let d = find(&findings, "missing-resource").expect("missing-resource");
    // Points at the statement's opening brace.
    let brace = r#"{"Version": "2012-10-17", "Statement": [{"#.chars().count() as u32;
    assert_eq!(
        (d.statement, d.span.map(|s| s.start.column)),
        (Some(0), Some(brace))
    );
    for ty in [ECR, TRUST] {
        assert!(
            find(&check_statement(&no_resource, ty), "missing-resource").is_none(),
            "{ty}"
        );
    }
}

#[test]
fn e3_ecr_repository_and_trust_policies_must_not_have_resource() {
    for ty in [ECR, TRUST] {
        for element in ["Resource", "NotResource"] {
            let members = format!(
                r#""Effect": "Allow", {PRINCIPAL}, "Action": "sts:AssumeRole", "{element}": "*""#
            );
            let findings = check_statement(&members, ty);
            let d = find(&findings, "resource-not-allowed").expect("resource-not-allowed");
            assert_eq!((d.severity, d.statement), (Severity::Error, Some(0)));
            assert!(d.message.contains(element));
        }
    }
}

#[test]
fn np_notprincipal_is_deny_only_and_forbidden_in_trust_policies_and_rcps() {
    let deny = r#""Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*", "Resource": "*""#;
    assert!(check_statement(deny, GENERIC).is_empty());
    let allow = deny.replace("Deny", "Allow");
    let findings = check_statement(&allow, GENERIC);
    let d = find(&findings, "notprincipal-with-allow").expect("notprincipal-with-allow");
    assert_eq!(d.severity, Severity::Error);
    for ty in [TRUST, PolicyType::Rcp] {
        let findings = check_statement(deny, ty);
        assert!(
            find(&findings, "notprincipal-not-allowed").is_some(),
            "{ty}"
        );
    }
}

#[test]
fn g5_id_is_forbidden_in_identity_based_policies_only() {
    let text = r#"{"Version": "2012-10-17", "Id": "x", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#;
    for ty in [
        IDENTITY,
        PolicyType::PermissionsBoundary,
        PolicyType::Session,
    ] {
        let findings = check(text, ty);
        let d = find(&findings, "id-not-allowed").expect("id-not-allowed");
        assert_eq!((d.severity, d.statement), (Severity::Error, None));
    }
    let text = text.replace(r#""Effect""#, &format!(r#"{PRINCIPAL}, "Effect""#));
    assert!(find(&check(&text, GENERIC), "id-not-allowed").is_none());
}

#[test]
fn g4_sid_characters_are_strict_in_iam_and_loose_in_repository_and_key_policies() {
    let members = |sid: &str, principal: bool| {
        let p = if principal {
            format!(", {PRINCIPAL}")
        } else {
            String::new()
        };
        format!(r#""Sid": "{sid}", {ALLOW_ALL}{p}"#)
    };
    let table: &[(&str, PolicyType, Option<Severity>)] = &[
        ("AllowRead1", IDENTITY, None),
        ("Allow Read", IDENTITY, Some(Severity::Error)),
        ("allow-read", PolicyType::Session, Some(Severity::Error)),
        ("Allow Read", PolicyType::Scp, Some(Severity::Warning)),
        ("Allow Read", GENERIC, None),
        ("Enable IAM User Permissions", KMS, None),
    ];
    for (sid, ty, expected) in table {
        let findings = check_statement(
            &members(sid, !ty.is_identity_like() && *ty != PolicyType::Scp),
            *ty,
        );
        let got = find(&findings, "invalid-sid").map(|d| d.severity);
        assert_eq!(got, *expected, "{sid} in {ty}");
    }
}

#[test]
fn g4_duplicate_sids_are_errors_in_iam_and_warnings_elsewhere() {
    let statement = |principal: &str| format!(r#"{{"Sid": "A", {ALLOW_ALL}{principal}}}"#);
    let identity = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{0}, {0}]}}"#,
        statement("")
    );
    let findings = check(&identity, IDENTITY);
    let d = find(&findings, "duplicate-sid").expect("duplicate-sid");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.message, "the Sid `A` is already used by statement 0");
    let resource = identity.replace(r#""Sid": "A","#, &format!(r#""Sid": "A", {PRINCIPAL},"#));
    let findings = check(&resource, GENERIC);
    assert_eq!(
        find(&findings, "duplicate-sid").map(|d| d.severity),
        Some(Severity::Warning)
    );
}

#[test]
fn g11_partial_wildcards_in_principals_are_errors() {
    for value in [
        "arn:aws:iam::*:user/*",
        "arn:aws:sts::111122223333:assumed-role/r/*",
        "*.amazonaws.com",
    ] {
        let members = format!(
            r#""Effect": "Allow", "Principal": {{"AWS": "{value}"}}, "Action": "s3:*", "Resource": "*""#
        );
        let findings = check_statement(&members, GENERIC);
        let d = find(&findings, "principal-wildcard").expect("principal-wildcard");
        assert_eq!(d.statement, Some(0), "{value}");
    }
}

#[test]
fn g9_aws_principal_values_must_be_accounts_or_principal_arns() {
    let table: &[(&str, Option<Severity>)] = &[
        ("111122223333", None),
        ("arn:aws:iam::111122223333:root", None),
        ("arn:aws:iam::111122223333:user/alice", None),
        ("arn:aws-cn:iam::111122223333:role/path/ci", None),
        ("arn:aws:sts::111122223333:assumed-role/ci/build-42", None),
        ("arn:aws:sts::111122223333:federated-user/bob", None),
        ("AIDAJQABLZS4A3QDU576Q", Some(Severity::Warning)),
        ("11112222333", Some(Severity::Error)),
        (
            "arn:aws:iam::111122223333:group/admins",
            Some(Severity::Error),
        ),
        ("arn:aws:iam::1111:root", Some(Severity::Error)),
        (
            "arn:aws:iam:us-east-1:111122223333:root",
            Some(Severity::Error),
        ),
        (
            "arn:aws:sts::111122223333:assumed-role/ci",
            Some(Severity::Error),
        ),
        ("arn:aws:s3:::bucket", Some(Severity::Error)),
        ("alice", Some(Severity::Error)),
    ];
    for (value, expected) in table {
        let members = format!(
            r#""Effect": "Deny", "Principal": {{"AWS": "{value}"}}, "Action": "s3:*", "Resource": "*""#
        );
        let findings = check_statement(&members, GENERIC);
        let got = find(&findings, "invalid-principal");
        assert_eq!(got.map(|d| d.severity), *expected, "{value}");
        if let Some(d) = got.filter(|d| d.is_error()) {
            assert_eq!(d.statement, Some(0), "{value}");
        }
    }
}

#[test]
fn m5_resources_are_star_or_six_part_arns_without_a_service_wildcard() {
    let table: &[(&str, Option<&str>)] = &[
        ("*", None),
        ("arn:aws:s3:::bucket/*", None),
        ("arn:aws:logs:us-east-1:111122223333:log-group:app:*", None),
        ("arn:aws:s3:::bucket/${aws:username}/*", None),
        ("arn:*:s3:::bucket", None),
        ("bucket", Some("invalid-arn")),
        (
            "arn:aws:*:us-east-1:111122223333:thing",
            Some("invalid-arn"),
        ),
        ("arn:aws:s3*:::b", Some("invalid-arn")),
        ("arn:aws:s3", Some("invalid-arn")),
        ("arn::s3:::b", Some("invalid-arn")),
        ("arn:aws:ec2:*", Some("short-arn")),
        (
            "arn:aws:s3:${aws:username}::b",
            Some("variable-outside-resource-part"),
        ),
        (
            "arn:${aws:partition}:s3:::b",
            Some("variable-outside-resource-part"),
        ),
        (
            "arn:aws:s3::1${x}:b",
            Some("variable-outside-resource-part"),
        ),
        ("arn:aws:s3:us-east-1$:{x}:b", None),
        ("arn:aws:s3:::${aws:username}", None),
    ];
    for (value, expected) in table {
        let members = format!(r#""Effect": "Allow", "Action": "s3:*", "Resource": "{value}""#);
        let findings = check_statement(&members, IDENTITY);
        assert_eq!(codes(&findings).first().copied(), *expected, "{value}");
        if *expected == Some("invalid-arn") {
            assert_eq!(findings[0].statement, Some(0));
            let span = findings[0].span.expect("span");
            let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{{{members}}}]}}"#);
            let column = text.find(&format!("\"{value}\"")).map(|i| i as u32 + 1);
            assert_eq!(Some(span.start.column), column, "{value}");
        }
    }
}

#[test]
fn m1_actions_are_star_or_service_colon_name() {
    for (value, ok) in [
        ("*", true),
        ("s3:Get*", true),
        ("s3", false),
        (":Get", false),
        ("s3:", false),
        ("a:b:c", false),
    ] {
        let members = format!(r#""Effect": "Allow", "Action": "{value}", "Resource": "*""#);
        let findings = check_statement(&members, IDENTITY);
        assert_eq!(find(&findings, "invalid-action").is_none(), ok, "{value}");
    }
}

#[test]
fn g12_rcp_principal_must_be_exactly_the_star_string() {
    let rcp = |principal: &str| {
        format!(r#""Effect": "Deny", "Principal": {principal}, "Action": "s3:*", "Resource": "*""#)
    };
    assert!(check_statement(&rcp(r#""*""#), PolicyType::Rcp).is_empty());
    for principal in [
        r#"{"AWS": "*"}"#,
        PRINCIPAL.trim_start_matches(r#""Principal": "#),
    ] {
        let findings = check_statement(&rcp(principal), PolicyType::Rcp);
        assert!(find(&findings, "rcp-principal").is_some(), "{principal}");
    }
}

#[test]
fn g12_rcp_is_deny_only_without_notaction_except_rcp_full_aws_access() {
    let full = r#""Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*""#;
    assert!(check_statement(full, PolicyType::Rcp).is_empty());
    let allow = r#""Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*""#;
    let findings = check_statement(allow, PolicyType::Rcp);
    assert_eq!(
        find(&findings, "rcp-allow").and_then(|d| d.statement),
        Some(0)
    );
    let not_action = r#""Effect": "Deny", "Principal": "*", "NotAction": "s3:*", "Resource": "*""#;
    assert!(find(
        &check_statement(not_action, PolicyType::Rcp),
        "rcp-notaction"
    )
    .is_some());
}

#[test]
fn q5_action_star_is_invalid_in_a_customer_rcp() {
    let deny_all = r#""Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*""#;
    let findings = check_statement(deny_all, PolicyType::Rcp);
    assert_eq!(
        find(&findings, "rcp-action-star").and_then(|d| d.statement),
        Some(0)
    );
    // The same statement is fine in an SCP… minus the principal.
    let scp = r#""Effect": "Deny", "Action": "*", "Resource": "*""#;
    assert!(check_statement(scp, PolicyType::Scp).is_empty());
}

#[test]
fn g2_missing_version_warns_and_rcps_require_2012_10_17() {
    let no_version = r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#;
    let findings = check(no_version, IDENTITY);
    let d = find(&findings, "missing-version").expect("missing-version");
    assert_eq!(
        (d.severity, d.fix.as_deref()),
        (Severity::Warning, Some("add `\"Version\": \"2012-10-17\"`"))
    );
    let rcp = r#"{"Version": "2008-10-17", "Statement": {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}}"#;
    let d = check(rcp, PolicyType::Rcp);
    assert_eq!(codes(&d), ["rcp-version"]);
    assert_eq!(d[0].severity, Severity::Error);
}

#[test]
fn g2_variables_are_literal_under_2008_10_17() {
    let text = r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${aws:username}/*"}}"#;
    assert_eq!(codes(&check(text, IDENTITY)), ["variables-need-2012"]);
    let text = text.replace("2008", "2012");
    assert!(check(&text, IDENTITY).is_empty());
}

#[test]
fn security_warnings_for_allow_with_notaction_and_public_resource_policies() {
    let not_action = r#""Effect": "Allow", "NotAction": "iam:*", "Resource": "*""#;
    let findings = check_statement(not_action, IDENTITY);
    assert_eq!(
        find(&findings, "allow-with-notaction").map(|d| d.severity),
        Some(Severity::SecurityWarning)
    );

    let public = r#""Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*""#;
    let findings = check_statement(public, GENERIC);
    assert_eq!(
        find(&findings, "public-access").map(|d| d.severity),
        Some(Severity::SecurityWarning)
    );
    let guarded =
        format!(r#"{public}, "Condition": {{"StringEquals": {{"aws:PrincipalOrgID": "o-123"}}}}"#);
    assert!(check_statement(&guarded, GENERIC).is_empty());
    let deny = public.replace("Allow", "Deny");
    assert!(check_statement(&deny, GENERIC).is_empty());
    // A VPC endpoint's default policy is `Principal: "*"` on purpose.
    let vpce = r#""Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*""#;
    assert!(check_statement(vpce, PolicyType::VpcEndpoint).is_empty());
}

#[test]
fn trust_policies_warn_about_non_sts_actions() {
    let members = format!(r#""Effect": "Allow", {PRINCIPAL}, "Action": "s3:GetObject""#);
    assert_eq!(codes(&check_statement(&members, TRUST)), ["trust-action"]);
}

#[test]
fn every_type_validates_every_shape_without_panicking() {
    let texts = [
        r#"{"Statement": []}"#,
        r#"{"Statement": [{}]}"#,
        r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": []}, "Action": [], "Resource": []}]}"#,
        r#"{"Statement": {"Effect": "Deny", "NotPrincipal": "*", "NotAction": "*", "NotResource": "arn:"}}"#,
    ];
    for text in texts {
        let parsed = parse_policy(text);
        let policy = parsed.policy.expect("object");
        for ty in PolicyType::ALL {
            let _ = validate(&policy, ty);
        }
    }
}

/// G4: every later use of a Sid names the first statement that used it, in statement order,
/// whatever the order of the Sids (they are found by a sort, not a map).
#[test]
fn g4_each_duplicate_names_the_first_use() {
    let statement = |sid: &str| format!(r#"{{"Sid": "{sid}", {ALLOW_ALL}}}"#);
    let sids = ["B", "A", "B", "", "A", "C", "B", ""];
    let list: Vec<String> = sids.iter().map(|s| statement(s)).collect();
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        list.join(", ")
    );
    let findings = check(&text, IDENTITY);
    let duplicates: Vec<(Option<usize>, &str)> = findings
        .iter()
        .filter(|d| d.code == "duplicate-sid")
        .map(|d| (d.span.map(|s| s.start.offset as usize), d.message.as_str()))
        .collect();
    let messages: Vec<&str> = duplicates.iter().map(|(_, m)| *m).collect();
    assert_eq!(
        messages,
        [
            "the Sid `B` is already used by statement 0",
            "the Sid `A` is already used by statement 1",
            "the Sid `B` is already used by statement 0",
        ]
    );
    let offsets: Vec<Option<usize>> = duplicates.iter().map(|(o, _)| *o).collect();
    assert!(offsets.windows(2).all(|w| w[0] < w[1]), "{offsets:?}");
}

/// M1: the byte scan for `service:Name` agrees with splitting on the first colon.
#[test]
fn m1_service_and_name_scan_agrees_with_split_once() {
    for text in [
        "s3:Get*", "s3", ":Get", "s3:", "a:b:c", ":", "::", "", "ä:ö", "a::", "é:x:",
    ] {
        let split = match text.split_once(':') {
            Some((service, name)) => !service.is_empty() && !name.is_empty() && !name.contains(':'),
            None => false,
        };
        assert_eq!(ActionPattern::is_service_and_name(text), split, "{text}");
    }
}

/// M5/M6: the parts validation reads of a resource ARN from one colon scan are those of
/// splitting it: the service as the third of the parts split at every colon, and for six parts
/// whether the partition is empty and whether the text before the resource part holds a
/// variable. What compiling read of a six-part value's head says the same.
#[test]
fn m5_arn_parts_agree_with_splitting() {
    use crate::matching::arn::{split6, ResourcePattern};
    let mut compiled_reads = 0;
    for value in [
        "arn:aws:ecr:us-east-1:111122223333:repository/web",
        "arn:aws:s3:::bucket/key:with:colons",
        "arn:aws:ec2:*",
        "arn:aws:ec2:us-east-1:*",
        "arn:aws:ec2:us-east-1:1:*",
        "arn:aws:*:us-east-1:1:x",
        "arn:aws:ecr:${aws:region}:1:x",
        "arn:aws:ecr:us-east-1:1:${aws:username}",
        "arn::s3:::b",
        "arn:aws::::",
        "arn:aws",
        "arn:",
        "arn",
        "",
        ":::::",
        "arn:é:ü:ß:😀:x:y",
    ] {
        let service = value.split(':').nth(2).unwrap_or("");
        let six = split6(value).map(|[_, partition, .., resource]| HeadChecks {
            partition_empty: partition.is_empty(),
            has_variable: value[..value.len() - resource.len()].contains("${"),
        });
        let expected = ArnParts {
            service,
            six_parts: six,
        };
        assert_eq!(ArnParts::read(value), expected, "{value:?}");
        for variables in [false, true] {
            let compiled = ResourcePattern::compile(value, variables);
            if let Some(parts) = ArnParts::compiled(value, &compiled) {
                assert_eq!(parts, expected, "{value:?} compiled");
                compiled_reads += 1;
            }
        }
    }
    assert!(compiled_reads >= 16, "{compiled_reads}");
}

//! Catalog lints: one test per finding, each with a policy that triggers it and one that must not.

use iamsim_core::catalog::lint::lint;
use iamsim_core::policy::{parse_policy, PolicyType, ResourceKind};
use iamsim_core::{Diagnostic, Severity};

fn run(policy_type: PolicyType, statement: &str) -> Vec<Diagnostic> {
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#);
    let parsed = parse_policy(&text);
    let policy = parsed.policy.expect("test policies parse");
    let found = lint(&policy, policy_type);
    // Every finding points into the text and names its statement.
    for d in &found {
        let span = d.span.expect("span");
        assert!(
            (span.end.offset as usize) <= text.len() && span.start.offset < span.end.offset,
            "{d:?}"
        );
        assert_eq!(d.statement, Some(0));
    }
    found
}

fn identity(statement: &str) -> Vec<Diagnostic> {
    run(PolicyType::Identity, statement)
}

fn codes(found: &[Diagnostic]) -> Vec<&str> {
    found.iter().map(|d| d.code.as_str()).collect()
}

fn only<'a>(found: &'a [Diagnostic], code: &str) -> &'a Diagnostic {
    let hits: Vec<_> = found.iter().filter(|d| d.code == code).collect();
    assert_eq!(hits.len(), 1, "expected one `{code}` in {:?}", codes(found));
    hits[0]
}

#[test]
fn m1_unknown_action_with_suggestion() {
    let found =
        identity(r#"{"Effect": "Allow", "Action": "ecr:GetAuthorisationToken", "Resource": "*"}"#);
    let d = only(&found, "unknown-action");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        d.fix.as_deref(),
        Some("did you mean `ecr:GetAuthorizationToken`?")
    );
    // Case does not matter (M1).
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "ECR:getauthorizationtoken", "Resource": "*"}"#
    )
    .is_empty());
}

#[test]
fn unknown_service_with_suggestion() {
    let found = identity(r#"{"Effect": "Allow", "Action": "ecrr:PutImage", "Resource": "*"}"#);
    assert_eq!(
        only(&found, "unknown-service").fix.as_deref(),
        Some("did you mean `ecr:PutImage`?")
    );
    assert_eq!(codes(&found), ["unknown-service"]);
}

#[test]
fn m2_wildcard_matching_nothing() {
    let found =
        identity(r#"{"Effect": "Allow", "Action": ["ecr:Gett*", "ecr:Get*"], "Resource": "*"}"#);
    assert_eq!(codes(&found), ["wildcard-matches-no-action"]);
}

#[test]
fn m5_arn_of_no_resource_type_of_the_actions() {
    let found = identity(
        r#"{"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "arn:aws:s3:::my-bucket/*"}"#,
    );
    let d = only(&found, "resource-matches-no-resource-type");
    assert!(
        d.fix.as_deref().is_some_and(|f| f.contains("repository/")),
        "{d:?}"
    );
    // Right type (with a namespace wildcard), or a resource type of another action of the statement.
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "arn:aws:ecr:*:111122223333:repository/team/*"}"#
    )
    .is_empty());
    assert!(identity(
        r#"{"Effect": "Allow", "Action": ["ecr:PutImage", "s3:GetObject"], "Resource": ["arn:aws:s3:::b/*", "arn:aws:ecr:us-east-1:1:repository/x"]}"#
    )
    .is_empty());
}

#[test]
fn m4_specific_arn_on_an_action_that_only_accepts_star() {
    let found = identity(
        r#"{"Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "Resource": "arn:aws:ecr:us-east-1:1:repository/web"}"#,
    );
    let d = only(&found, "action-needs-star-resource");
    assert!(d.message.contains("ecr:GetAuthorizationToken"));
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}"#
    )
    .is_empty());
}

#[test]
fn e2_repository_policy_cannot_grant_actions_without_resource_type() {
    let statement = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"]}"#;
    let found = run(PolicyType::Resource(ResourceKind::EcrRepository), statement);
    assert_eq!(codes(&found), ["action-not-in-repository-policy"]);
    assert!(run(PolicyType::Resource(ResourceKind::Generic), statement).is_empty());
}

#[test]
fn c2_condition_key_no_action_supports() {
    let found = identity(
        r#"{"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*", "Condition": {"StringEquals": {"ecr:AccountSetting": "x"}}}"#,
    );
    assert_eq!(codes(&found), ["unsupported-condition-key"]);
    // Supported (template, any case), and global keys apply everywhere.
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*", "Condition": {"StringEquals": {"ECR:resourcetag/Env": "prod", "aws:PrincipalOrgID": "o-1"}}}"#
    )
    .is_empty());
}

#[test]
fn unknown_condition_key_with_suggestion() {
    let found = identity(
        r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransports": "false"}}}"#,
    );
    let d = only(&found, "unknown-condition-key");
    assert_eq!(
        d.fix.as_deref(),
        Some("did you mean `aws:SecureTransport`?")
    );
}

#[test]
fn c9_operator_of_the_wrong_type() {
    let found = identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:username": "10.0.0.0/8"}}}"#,
    );
    let d = only(&found, "condition-type-mismatch");
    assert!(d.message.contains("String"), "{d:?}");
    let found = identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLessThan": {"aws:CurrentTime": "2030-01-01"}}}"#,
    );
    // `StringLessThan` is not an operator: parsing reports it, the lint has nothing to add.
    assert!(!codes(&found).contains(&"condition-type-mismatch") || found.len() == 1);
    let found = identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"aws:CurrentTime": "2030*"}}}"#,
    );
    assert_eq!(codes(&found), ["condition-type-mismatch"]);
    // Right types; String operators on ARN keys are fine; C6: aws:EpochTime takes Numeric too.
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "StringLike": {"aws:PrincipalArn": "arn:aws:iam::1:role/*"}, "NumericLessThan": {"aws:EpochTime": "1"}, "DateLessThan": {"aws:CurrentTime": "2030-01-01"}}}"#
    )
    .is_empty());
}

#[test]
fn c13_c16_set_operator_on_single_valued_key() {
    let found = identity(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-1"}}}"#,
    );
    let d = only(&found, "set-operator-on-single-valued-key");
    assert_eq!(d.severity, Severity::SecurityWarning);
    assert_eq!(d.fix.as_deref(), Some("use `StringEquals`"));
    let found = identity(
        r#"{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-1"}}}"#,
    );
    assert_eq!(
        only(&found, "set-operator-on-single-valued-key").severity,
        Severity::Warning
    );
}

#[test]
fn c16_q4_plain_operator_on_multi_valued_key() {
    let found = identity(
        r#"{"Effect": "Allow", "Action": "ecr:TagResource", "Resource": "*", "Condition": {"StringEquals": {"aws:TagKeys": "team"}}}"#,
    );
    assert_eq!(
        only(&found, "missing-set-operator").fix.as_deref(),
        Some("use `ForAnyValue:StringEquals` or `ForAllValues:StringEquals`")
    );
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "ecr:TagResource", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}, "Null": {"aws:TagKeys": "false"}}}"#
    )
    .is_empty());
}

#[test]
fn pass_role_on_every_role() {
    let found = identity(
        r#"{"Effect": "Allow", "Action": ["iam:Pass*", "s3:GetObject"], "Resource": "*"}"#,
    );
    let d = only(&found, "pass-role-with-star-resource");
    assert_eq!(d.severity, Severity::SecurityWarning);
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::1:role/app-*"}"#
    )
    .is_empty());
    assert!(
        identity(r#"{"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"}"#).is_empty()
    );
}

#[test]
fn redundant_actions() {
    let found = identity(
        r#"{"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:*", "ecr:Get*"], "Resource": "*"}"#,
    );
    let redundant: Vec<_> = found
        .iter()
        .filter(|d| d.code == "redundant-action")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(redundant.len(), 2, "{redundant:?}");
    assert!(redundant.iter().all(|m| m.contains("`ecr:*`")));
    assert_eq!(
        found
            .iter()
            .find(|d| d.code == "redundant-action")
            .map(|d| d.severity),
        Some(Severity::Suggestion)
    );
    // Equal patterns: only the later one is reported.
    let found =
        identity(r#"{"Effect": "Allow", "Action": ["ecr:Get*", "ECR:get*"], "Resource": "*"}"#);
    let d = only(&found, "redundant-action");
    assert!(d.message.starts_with("`ECR:get*`"));
    assert!(identity(
        r#"{"Effect": "Allow", "Action": ["ecr:Get*", "ecr:Put*"], "Resource": "*"}"#
    )
    .is_empty());
}

#[test]
fn not_action_and_star_skip_action_set_checks() {
    assert!(identity(
        r#"{"Effect": "Deny", "NotAction": "ecr:PutImage", "Resource": "arn:aws:s3:::b"}"#
    )
    .is_empty());
    assert!(identity(
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"ecr:AccountSetting": "x"}}}"#
    )
    .is_empty());
}

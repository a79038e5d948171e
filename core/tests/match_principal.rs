//! Request principals and Principal/NotPrincipal (M9, M10, G9–G11, V6).

mod match_helpers;
use iamsim_core::matching::{MatchOptions, PrincipalMatchKind, Request, RequestPrincipal};
use iamsim_core::policy::PrincipalKind;
use match_helpers::*;

const ACCT: &str = "111122223333";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/ci/build-42";

fn kind(s: &Stmt, p: &str) -> Option<PrincipalMatchKind> {
    kind_with(
        s,
        p,
        MatchOptions {
            check_principal: true,
            ..Default::default()
        },
    )
}

fn kind_with(s: &Stmt, p: &str, opts: MatchOptions) -> Option<PrincipalMatchKind> {
    let s = s.clone().action(&["*"]).resource(&["*"]).compile();
    let p = principal(p);
    let c = ctx(&[]);
    let req = Request {
        principal: &p,
        action: "s3:GetObject",
        resource: "*",
        context: &c,
    };
    let fast = s.applies(&req, opts).and_then(|a| a.principal);
    let slow = s.explain(&req, opts);
    assert_eq!(fast, slow.principal_match, "{slow:#?}");
    assert_eq!(s.applies(&req, opts).is_some(), slow.matched);
    fast
}

#[test]
fn parses_every_principal_form() {
    assert!(matches!(principal(USER), RequestPrincipal::User { .. }));
    assert!(matches!(
        principal("arn:aws:iam::111122223333:role/ci"),
        RequestPrincipal::Role { .. }
    ));
    assert!(matches!(
        principal(SESSION),
        RequestPrincipal::AssumedRole { .. }
    ));
    assert!(matches!(
        principal("arn:aws:sts::111122223333:federated-user/bob"),
        RequestPrincipal::FederatedUser { .. }
    ));
    assert!(matches!(
        principal("arn:aws:iam::111122223333:root"),
        RequestPrincipal::Root { .. }
    ));
    assert!(matches!(principal(ACCT), RequestPrincipal::Root { .. }));
    assert!(matches!(
        principal("codebuild.amazonaws.com"),
        RequestPrincipal::Service(_)
    ));
    assert_eq!(principal("anonymous"), RequestPrincipal::Anonymous);
    for bad in [
        "",
        "bob",
        "arn:aws:iam::111122223333:group/devs",
        "arn:aws:iam::12:user/x",
        "arn:aws:sts::111122223333:assumed-role/ci",
        "arn:aws:s3:::bucket",
    ] {
        let err = RequestPrincipal::parse(bad).expect_err(bad);
        assert!(err.contains('`'), "message names the input: {err}");
    }
}

#[test]
fn v6_principal_helpers() {
    let s = principal(SESSION);
    assert_eq!(s.account(), Some(ACCT));
    assert_eq!(
        s.principal_arn().as_deref(),
        Some("arn:aws:iam::111122223333:role/ci")
    );
    assert_eq!(s.principal_type(), Some("AssumedRole"));
    let r = principal("arn:aws:iam::111122223333:role/team/ci");
    assert_eq!(
        r.principal_arn().as_deref(),
        Some("arn:aws:iam::111122223333:role/team/ci"),
        "a role ARN keeps its path"
    );
    assert_eq!(r.principal_type(), Some("AssumedRole"));
    let u = principal("arn:aws:iam::111122223333:user/dev/alice");
    assert_eq!(u.username(), Some("alice"));
    assert_eq!(u.principal_type(), Some("User"));
    assert_eq!(
        principal(ACCT).principal_arn().as_deref(),
        Some("arn:aws:iam::111122223333:root")
    );
    assert_eq!(principal(ACCT).principal_type(), Some("Account"));
    assert_eq!(principal(ACCT).userid().as_deref(), Some(ACCT));
    assert_eq!(principal("anonymous").principal_type(), Some("Anonymous"));
    assert_eq!(
        principal("anonymous").userid().as_deref(),
        Some("anonymous")
    );
    assert_eq!(
        principal("arn:aws:sts::111122223333:federated-user/bob").principal_type(),
        Some("FederatedUser")
    );
    assert!(principal(
        "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
    )
    .is_service_linked_role());
    assert!(!principal("arn:aws:iam::111122223333:role/ci").is_service_linked_role());
    assert_eq!(principal("codebuild.amazonaws.com").principal_arn(), None);
}

#[test]
fn m9_star_matches_everyone_including_anonymous() {
    let s = allow().principal(&["*"]);
    for p in [USER, SESSION, "anonymous", "codebuild.amazonaws.com", ACCT] {
        assert_eq!(kind(&s, p), Some(PrincipalMatchKind::Star), "{p}");
    }
}

#[test]
fn g10_account_id_and_root_arn_both_mean_the_account() {
    for value in [ACCT, "arn:aws:iam::111122223333:root"] {
        let s = allow().principal(&[value]);
        assert_eq!(kind(&s, USER), Some(PrincipalMatchKind::Account));
        assert_eq!(kind(&s, SESSION), Some(PrincipalMatchKind::Account));
        assert_eq!(kind(&s, "arn:aws:iam::999999999999:user/alice"), None);
        assert_eq!(kind(&s, "anonymous"), None);
    }
}

#[test]
fn m9_user_arn_is_an_exact_match_and_g11_case_sensitive() {
    let s = allow().principal(&[USER]);
    assert_eq!(kind(&s, USER), Some(PrincipalMatchKind::Direct));
    assert_eq!(kind(&s, "arn:aws:iam::111122223333:user/Alice"), None);
    assert_eq!(kind(&s, "arn:aws:iam::111122223333:user/alice2"), None);
}

#[test]
fn m9_role_arn_matches_its_sessions() {
    let s = allow().principal(&["arn:aws:iam::111122223333:role/ci"]);
    assert_eq!(kind(&s, SESSION), Some(PrincipalMatchKind::Role));
    assert_eq!(
        kind(&s, "arn:aws:iam::111122223333:role/ci"),
        Some(PrincipalMatchKind::Role)
    );
    assert_eq!(
        kind(&s, "arn:aws:sts::111122223333:assumed-role/other/build-42"),
        None
    );
    // A role with a path still matches its sessions, whose ARN drops the path.
    let s = allow().principal(&["arn:aws:iam::111122223333:role/team/ci"]);
    assert_eq!(kind(&s, SESSION), Some(PrincipalMatchKind::Role));
}

#[test]
fn m9_session_and_federated_user_arns_are_exact() {
    let s = allow().principal(&[SESSION]);
    assert_eq!(kind(&s, SESSION), Some(PrincipalMatchKind::Direct));
    assert_eq!(
        kind(&s, "arn:aws:sts::111122223333:assumed-role/ci/build-43"),
        None
    );
    let fed = "arn:aws:sts::111122223333:federated-user/bob";
    assert_eq!(
        kind(&allow().principal(&[fed]), fed),
        Some(PrincipalMatchKind::Direct)
    );
}

#[test]
fn m9_user_arn_matches_its_federation_token_sessions() {
    let s = allow().principal(&["arn:aws:iam::111122223333:user/bob"]);
    assert_eq!(
        kind(&s, "arn:aws:sts::111122223333:federated-user/bob"),
        Some(PrincipalMatchKind::FedUser)
    );
    assert_eq!(
        kind(&s, "arn:aws:sts::111122223333:federated-user/eve"),
        None
    );
}

#[test]
fn m9_service_principal() {
    let s = allow().principal_of(&[(PrincipalKind::Service, "codebuild.amazonaws.com")]);
    assert_eq!(
        kind(&s, "codebuild.amazonaws.com"),
        Some(PrincipalMatchKind::Service)
    );
    assert_eq!(kind(&s, "lambda.amazonaws.com"), None);
    assert_eq!(kind(&s, USER), None);
}

#[test]
fn m9_strongest_kind_wins_when_several_values_match() {
    let s = allow().principal(&[ACCT, "arn:aws:iam::111122223333:role/ci", SESSION]);
    assert_eq!(kind(&s, SESSION), Some(PrincipalMatchKind::Direct));
    let s = allow().principal(&[ACCT, "arn:aws:iam::111122223333:role/ci"]);
    assert_eq!(kind(&s, SESSION), Some(PrincipalMatchKind::Role));
}

#[test]
fn g11_partial_wildcards_match_nothing() {
    let s = allow().principal(&[
        "arn:aws:iam::*:user/*",
        "arn:aws:sts::111122223333:assumed-role/ci/*",
    ]);
    assert_eq!(kind(&s, USER), None);
    assert_eq!(kind(&s, SESSION), None);
}

#[test]
fn principal_is_ignored_when_not_checked() {
    // Identity policies do not check Principal.
    let s = allow().principal(&["arn:aws:iam::999999999999:root"]);
    assert_eq!(kind_with(&s, USER, MatchOptions::default()), None);
    let compiled = s.clone().action(&["*"]).resource(&["*"]).compile();
    assert!(applies(&compiled, "s3:GetObject", "*", &ctx(&[])));
}

fn not_principal_applies(list: &[&str], p: &str, boundary: bool) -> bool {
    let s = deny()
        .not_principal(list)
        .action(&["*"])
        .resource(&["*"])
        .compile();
    let opts = MatchOptions {
        check_principal: true,
        principal_has_boundary: boundary,
        ..Default::default()
    };
    applies_with(&s, &principal(p), "s3:GetObject", "*", &ctx(&[]), opts)
}

#[test]
fn m10_not_principal_applies_to_principals_not_listed() {
    assert!(not_principal_applies(
        &[ACCT, USER],
        "arn:aws:iam::111122223333:user/bob",
        false
    ));
    assert!(!not_principal_applies(&[ACCT, USER], USER, false));
    assert!(not_principal_applies(&[ACCT, USER], "anonymous", false));
    // Listing the account does not exclude the account's other principals.
    assert!(not_principal_applies(&[ACCT], USER, false));
    assert!(
        !not_principal_applies(&[ACCT], ACCT, false),
        "the root user is the account itself"
    );
}

#[test]
fn m10_excluding_a_session_needs_the_account_too() {
    let role = "arn:aws:iam::111122223333:role/ci";
    assert!(!not_principal_applies(
        &[ACCT, role, SESSION],
        SESSION,
        false
    ));
    assert!(!not_principal_applies(&[ACCT, role], SESSION, false));
    // Without the account, AWS's account-level check is not excluded.
    assert!(not_principal_applies(&[role, SESSION], SESSION, false));
    assert!(not_principal_applies(&[USER], USER, false));
}

#[test]
fn m10_deny_with_not_principal_always_applies_to_a_principal_with_a_boundary() {
    assert!(not_principal_applies(&[ACCT, USER], USER, true));
    let role = "arn:aws:iam::111122223333:role/ci";
    assert!(not_principal_applies(&[ACCT, role, SESSION], SESSION, true));
    // The boundary rule is about IAM users and roles only.
    let fed = "arn:aws:sts::111122223333:federated-user/bob";
    assert!(!not_principal_applies(&[ACCT, fed], fed, true));
}

#[test]
fn m10_boundary_rule_is_for_deny_only() {
    let s = allow()
        .not_principal(&[ACCT, USER])
        .action(&["*"])
        .resource(&["*"])
        .compile();
    let opts = MatchOptions {
        check_principal: true,
        principal_has_boundary: true,
        ..Default::default()
    };
    assert!(!applies_with(
        &s,
        &principal(USER),
        "s3:GetObject",
        "*",
        &ctx(&[]),
        opts
    ));
}

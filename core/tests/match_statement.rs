//! The statement-level API (M11): compile once, `applies` fast, `explain` agrees.

mod match_helpers;
use iamsim_core::matching::{
    CompiledPolicy, MatchOptions, PrincipalMatchKind, Request, RequestPrincipal,
};
use iamsim_core::policy::{Effect, PolicyVersion};
use match_helpers::*;
use proptest::prelude::*;

#[test]
fn m11_every_element_and_condition_must_hold() {
    let s = allow()
        .principal(&["arn:aws:iam::111122223333:role/ci"])
        .action(&["ecr:PutImage"])
        .resource(&["arn:aws:ecr:us-east-1:111122223333:repository/web"])
        .cond("StringEquals", "aws:PrincipalAccount", &["111122223333"])
        .compile();
    let p = principal("arn:aws:sts::111122223333:assumed-role/ci/build-42");
    let c = ctx(&[("aws:PrincipalAccount", V::S("111122223333"))]);
    let opts = MatchOptions {
        check_principal: true,
        ..Default::default()
    };
    let repo = "arn:aws:ecr:us-east-1:111122223333:repository/web";
    assert!(applies_with(&s, &p, "ecr:PutImage", repo, &c, opts));
    assert!(
        !applies_with(&s, &principal(USER), "ecr:PutImage", repo, &c, opts),
        "principal"
    );
    assert!(
        !applies_with(&s, &p, "ecr:BatchGetImage", repo, &c, opts),
        "action"
    );
    assert!(
        !applies_with(
            &s,
            &p,
            "ecr:PutImage",
            "arn:aws:ecr:us-east-1:111122223333:repository/api",
            &c,
            opts
        ),
        "resource"
    );
    assert!(
        !applies_with(&s, &p, "ecr:PutImage", repo, &ctx(&[]), opts),
        "condition"
    );
    let req = Request {
        principal: &p,
        action: "ecr:PutImage",
        resource: repo,
        context: &c,
    };
    assert_eq!(
        s.applies(&req, opts).and_then(|a| a.principal),
        Some(PrincipalMatchKind::Role)
    );
}

#[test]
fn invalid_statements_are_skipped() {
    let s = allow()
        .action(&["*"])
        .resource(&["*"])
        .invalid("`Effect` must be `Allow` or `Deny`")
        .compile();
    assert!(!s.is_evaluable());
    let p = principal(USER);
    let c = ctx(&[]);
    let req = Request {
        principal: &p,
        action: "s3:GetObject",
        resource: "*",
        context: &c,
    };
    assert!(s.applies(&req, MatchOptions::default()).is_none());
    let t = s.explain(&req, MatchOptions::default());
    assert!(!t.matched);
    assert_eq!(
        t.skipped.as_deref(),
        Some("`Effect` must be `Allow` or `Deny`")
    );
    let no_action = allow().resource(&["*"]).compile();
    assert!(!no_action.is_evaluable());
}

#[test]
fn compiled_policy_keeps_statement_order_and_metadata() {
    let pol = policy(
        PolicyVersion::V2012_10_17,
        vec![
            allow().action(&["s3:*"]).resource(&["*"]),
            deny().action(&["s3:Delete*"]).resource(&["*"]),
        ],
    );
    let compiled = CompiledPolicy::compile(&pol);
    let st = compiled.statements();
    assert_eq!(st.len(), 2);
    assert_eq!((st[0].index(), st[0].effect()), (0, Some(Effect::Allow)));
    assert_eq!((st[1].index(), st[1].effect()), (1, Some(Effect::Deny)));
    // 2008-10-17 disables variables for the whole policy (G2).
    let pol = policy(
        PolicyVersion::V2008_10_17,
        vec![allow()
            .action(&["*"])
            .resource(&["arn:aws:s3:::b/${aws:username}"])],
    );
    let compiled = CompiledPolicy::compile(&pol);
    let c = ctx(&[("aws:username", V::S("x"))]);
    assert!(!applies(
        &compiled.statements()[0],
        "s3:GetObject",
        "arn:aws:s3:::b/x",
        &c
    ));
}

#[test]
fn trace_serializes_in_camel_case() {
    let s = allow()
        .principal(&["111122223333"])
        .action(&["s3:GetObject"])
        .resource(&["arn:aws:s3:::b/*"])
        .cond("StringEqualsIfExists", "aws:PrincipalTag/team", &["red"])
        .compile();
    let p = principal(USER);
    let c = ctx(&[]);
    let req = Request {
        principal: &p,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
        context: &c,
    };
    let t = s.explain(
        &req,
        MatchOptions {
            check_principal: true,
            ..Default::default()
        },
    );
    let json = serde_json::to_value(&t).expect("serializes");
    assert_eq!(json["matched"], true);
    assert_eq!(json["principalMatch"], "account");
    assert_eq!(json["action"]["pattern"], "s3:GetObject");
    assert_eq!(json["resource"]["element"], "Resource");
    assert_eq!(json["conditions"][0]["operator"], "StringEqualsIfExists");
    assert_eq!(
        json["conditions"][0]["requestValues"],
        serde_json::Value::Null
    );
    assert_eq!(json["missingKeys"][0], "aws:PrincipalTag/team");
}

// Random requests over a small vocabulary, so that matches are frequent.
fn arb_statement() -> impl Strategy<Value = Stmt> {
    let actions = prop::sample::subsequence(
        vec!["s3:GetObject", "s3:*", "S3:get*", "ec2:?unInstances", "*"],
        1..3,
    );
    let resources = prop::sample::subsequence(
        vec![
            "*",
            "arn:aws:s3:::b/*",
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:aws:ec2:*",
            "arn:aws:s3:::b/k?",
        ],
        1..3,
    );
    let principals = prop::sample::subsequence(
        vec![
            "*",
            "111122223333",
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:role/ci",
            "arn:aws:sts::111122223333:assumed-role/ci/s1",
        ],
        1..3,
    );
    let conds = prop::collection::vec(
        (
            prop::sample::select(vec![
                "StringEquals",
                "StringNotLike",
                "ForAnyValue:StringLike",
                "ForAllValues:StringEquals",
                "NumericLessThan",
                "BoolIfExists",
                "Null",
                "IpAddress",
                "ArnLike",
                "StringEqualsIgnoreCaseIfExists",
                "DateGreaterThan",
            ]),
            prop::sample::select(vec!["a", "b", "aws:TagKeys"]),
            prop::sample::subsequence(
                vec![
                    "x",
                    "X*",
                    "5",
                    "true",
                    "10.0.0.0/8",
                    "arn:aws:s3:::*",
                    "${aws:username}",
                    "2020",
                ],
                1..3,
            ),
        ),
        0..3,
    );
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        actions,
        resources,
        principals,
        conds,
    )
        .prop_map(|(deny_effect, not_action, not_principal, a, r, p, cs)| {
            let mut s = if deny_effect { deny() } else { allow() };
            s = if not_action {
                s.not_action(&a)
            } else {
                s.action(&a)
            };
            s = s.resource(&r);
            s = if not_principal {
                s.not_principal(&p)
            } else {
                s.principal(&p)
            };
            for (op, key, values) in cs {
                s = s.cond(op, key, &values);
            }
            s
        })
}

fn arb_context_value() -> impl Strategy<Value = Option<Vec<String>>> {
    let words = prop::sample::select(vec![
        "x",
        "X1",
        "3",
        "7",
        "true",
        "10.1.2.3",
        "arn:aws:s3:::q",
        "2021-05-01",
        "alice",
    ]);
    prop_oneof![
        Just(None),
        words.clone().prop_map(|w| Some(vec![w.to_string()])),
        prop::collection::vec(words, 0..3)
            .prop_map(|v| Some(v.into_iter().map(String::from).collect())),
    ]
}

proptest! {
    #[test]
    fn applies_and_explain_agree_on_random_requests(
        s in arb_statement(),
        who in prop::sample::select(vec![
            "arn:aws:iam::111122223333:user/alice", "arn:aws:sts::111122223333:assumed-role/ci/s1",
            "arn:aws:iam::111122223333:role/ci", "anonymous", "codebuild.amazonaws.com", "111122223333",
        ]),
        action in prop::sample::select(vec!["s3:GetObject", "s3:PutObject", "ec2:RunInstances"]),
        resource in prop::sample::select(vec!["*", "arn:aws:s3:::b/k1", "arn:aws:s3:::b/alice/x", "arn:aws:ec2:us-east-1:111122223333:instance/i"]),
        a in arb_context_value(), b in arb_context_value(), tags in arb_context_value(), user in arb_context_value(),
        check_principal in any::<bool>(), implicit_resource in any::<bool>(), boundary in any::<bool>(),
    ) {
        let compiled = s.compile();
        let p = RequestPrincipal::parse(who).expect("valid principal");
        let mut c = iamsim_core::RequestContext::new();
        for (k, v) in [("a", a), ("b", b), ("aws:TagKeys", tags), ("aws:username", user)] {
            match v {
                Some(vs) if vs.len() == 1 && k != "aws:TagKeys" => c.insert(k, iamsim_core::ContextValue::Single(vs[0].clone().into())),
                Some(vs) => c.insert(k, iamsim_core::ContextValue::Multi(vs)),
                None => {}
            }
        }
        let opts = MatchOptions { check_principal, implicit_resource, principal_has_boundary: boundary };
        let req = Request { principal: &p, action, resource, context: &c };
        let fast = compiled.applies(&req, opts);
        let slow = compiled.explain(&req, opts);
        prop_assert_eq!(fast.is_some(), slow.matched);
        prop_assert_eq!(fast.and_then(|f| f.principal), slow.principal_match);
        let all_conditions = slow.conditions.iter().all(|c| c.result);
        prop_assert!(!slow.matched || all_conditions);
    }
}

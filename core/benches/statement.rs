//! Statement matching for a typical scenario: 5 policies, 30 statements, 4 conditions.
//! The evaluator's budget for the whole scenario is 1 µs.

use criterion::{criterion_group, criterion_main, Criterion};
use iamsim_core::context::{ContextValue, RequestContext};
use iamsim_core::matching::{CompiledStatement, MatchOptions, Request, RequestPrincipal};
use iamsim_core::policy::{
    ConditionEntry, Effect, Operator, PrincipalElement, PrincipalEntry, PrincipalKind, Statement,
    StringElement,
};
use iamsim_core::span::{Span, Spanned};
use std::hint::black_box;

fn sp<T>(v: T) -> Spanned<T> {
    Spanned::new(v, Span::default())
}

fn strings(values: &[&str]) -> StringElement {
    StringElement {
        negated: false,
        values: values.iter().map(|v| sp(v.to_string().into())).collect(),
        span: Span::default(),
    }
}

fn statement(
    effect: Effect,
    actions: &[&str],
    resources: &[&str],
    conditions: &[(&str, &str, &str)],
    principal: Option<&str>,
) -> Statement {
    Statement {
        index: 0,
        span: Span::default(),
        sid: None,
        effect: Some(sp(effect)),
        principal: principal.map(|p| PrincipalElement {
            negated: false,
            entries: vec![PrincipalEntry {
                kind: PrincipalKind::Aws,
                value: sp(p.to_string().into()),
            }],
            span: Span::default(),
        }),
        action: Some(strings(actions)),
        resource: Some(strings(resources)),
        conditions: conditions
            .iter()
            .map(|(op, key, value)| ConditionEntry {
                operator: sp(Operator::parse(op).unwrap_or(Operator::plain(
                    iamsim_core::policy::BaseOperator::StringEquals,
                ))),
                key: sp(key.to_string().into()),
                values: vec![sp(value.to_string().into())].into(),
                span: Span::default(),
            })
            .collect(),
        condition_span: None,
        invalid: None,
    }
}

fn scenario() -> Vec<(CompiledStatement, MatchOptions)> {
    let identity = MatchOptions::default();
    let resource_policy = MatchOptions {
        check_principal: true,
        ..Default::default()
    };
    let repo = "arn:aws:ecr:us-east-1:111122223333:repository/web";
    let mut out = Vec::new();
    // Identity policies: 3 policies, 20 statements, mostly on other services.
    let services = [
        "s3", "ec2", "iam", "dynamodb", "sqs", "sns", "lambda", "logs", "kms", "ecr",
    ];
    for (i, svc) in services.iter().cycle().take(18).enumerate() {
        let action = if i % 2 == 0 {
            format!("{svc}:Get*")
        } else {
            format!("{svc}:Describe*")
        };
        let resource = format!("arn:aws:{svc}:*:111122223333:*");
        out.push((
            CompiledStatement::compile(
                &statement(Effect::Allow, &[&action], &[&resource], &[], None),
                true,
            ),
            identity,
        ));
    }
    out.push((
        CompiledStatement::compile(
            &statement(
                Effect::Allow,
                &[
                    "ecr:PutImage",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                ],
                &["arn:aws:ecr:us-east-1:111122223333:repository/web*"],
                &[(
                    "StringEquals",
                    "aws:ResourceTag/team",
                    "${aws:PrincipalTag/team}",
                )],
                None,
            ),
            true,
        ),
        identity,
    ));
    out.push((
        CompiledStatement::compile(
            &statement(Effect::Deny, &["ecr:Delete*"], &["*"], &[], None),
            true,
        ),
        identity,
    ));
    // Permissions boundary: 5 statements.
    for svc in ["s3", "ec2", "ecr", "logs"] {
        let action = format!("{svc}:*");
        out.push((
            CompiledStatement::compile(
                &statement(Effect::Allow, &[&action], &["*"], &[], None),
                true,
            ),
            identity,
        ));
    }
    out.push((
        CompiledStatement::compile(
            &statement(
                Effect::Deny,
                &["*"],
                &["*"],
                &[
                    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
                    ("StringNotEquals", "aws:RequestedRegion", "us-east-1"),
                ],
                None,
            ),
            true,
        ),
        identity,
    ));
    // SCP: 2 statements.
    out.push((
        CompiledStatement::compile(&statement(Effect::Allow, &["*"], &["*"], &[], None), true),
        identity,
    ));
    out.push((
        CompiledStatement::compile(
            &statement(
                Effect::Deny,
                &["*"],
                &["*"],
                &[("NotIpAddress", "aws:SourceIp", "203.0.113.0/24")],
                None,
            ),
            true,
        ),
        identity,
    ));
    // Repository policy: 3 statements.
    out.push((
        CompiledStatement::compile(
            &statement(
                Effect::Allow,
                &["ecr:*"],
                &[repo],
                &[],
                Some("arn:aws:iam::111122223333:role/ci"),
            ),
            true,
        ),
        resource_policy,
    ));
    out.push((
        CompiledStatement::compile(
            &statement(
                Effect::Allow,
                &["ecr:BatchGetImage"],
                &[repo],
                &[],
                Some("444455556666"),
            ),
            true,
        ),
        resource_policy,
    ));
    out.push((
        CompiledStatement::compile(
            &statement(Effect::Deny, &["ecr:*"], &[repo], &[], Some("*")),
            true,
        ),
        resource_policy,
    ));
    out
}

fn statements(c: &mut Criterion) {
    let compiled = scenario();
    let principal = RequestPrincipal::parse("arn:aws:sts::111122223333:assumed-role/ci/build-42")
        .unwrap_or(RequestPrincipal::Anonymous);
    let mut ctx = RequestContext::new();
    ctx.insert("aws:SourceIp", ContextValue::Single("203.0.113.7".into()));
    ctx.insert("aws:PrincipalTag/team", ContextValue::Single("web".into()));
    ctx.insert("aws:ResourceTag/team", ContextValue::Single("web".into()));
    ctx.insert(
        "aws:MultiFactorAuthPresent",
        ContextValue::Single("true".into()),
    );
    ctx.insert(
        "aws:RequestedRegion",
        ContextValue::Single("us-east-1".into()),
    );
    ctx.insert(
        "aws:TagKeys",
        ContextValue::Multi(vec!["team".into(), "env".into()]),
    );
    let req = Request {
        principal: &principal,
        action: "ecr:PutImage",
        resource: "arn:aws:ecr:us-east-1:111122223333:repository/web",
        context: &ctx,
    };
    c.bench_function(
        &format!("applies: {} statements, one request", compiled.len()),
        |b| {
            b.iter(|| {
                compiled
                    .iter()
                    .filter(|(s, opts)| black_box(s).applies(black_box(&req), *opts).is_some())
                    .count()
            })
        },
    );
    c.bench_function("explain: one statement with a variable condition", |b| {
        let (s, opts) = &compiled[18];
        b.iter(|| black_box(s).explain(black_box(&req), *opts))
    });
}

criterion_group!(benches, statements);
criterion_main!(benches);

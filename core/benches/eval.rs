//! Evaluation speed: the decision for already-prepared policies (what the web app does on every
//! keystroke for every matrix cell), a typical and a stress scenario, plus the explained result.

use criterion::{criterion_group, criterion_main, Criterion};
use iamsim_core::eval::{
    decide, evaluate, infer_resource_kind, EvalOptions, PolicySet, PreparedRequest,
};
use iamsim_core::scenario::Scenario;
use serde_json::{json, Value};
use std::hint::black_box;

fn statement(
    i: usize,
    effect: &str,
    action: &str,
    resource: &str,
    condition: Option<Value>,
) -> Value {
    let mut s =
        json!({ "Sid": format!("S{i}"), "Effect": effect, "Action": action, "Resource": resource });
    if let Some(c) = condition {
        s["Condition"] = c;
    }
    s
}

fn policy(statements: Vec<Value>) -> Value {
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// 5 policies, 30 statements, 4 conditions; the request is allowed by the identity policy and
/// capped by a boundary, an SCP and a repository policy.
pub fn typical() -> Scenario {
    let mut identity = Vec::new();
    for i in 0..10 {
        identity.push(statement(
            i,
            "Allow",
            &format!("s3:Get{i}*"),
            "arn:aws:s3:::bucket-{i}/*",
            None,
        ));
    }
    identity.push(statement(
        10,
        "Allow",
        "ecr:*",
        "arn:aws:ecr:us-east-1:111122223333:repository/web*",
        Some(json!({"StringEquals": {"aws:PrincipalTag/team": "web"}})),
    ));
    identity.push(statement(11, "Deny", "ecr:DeleteRepository", "*", None));
    let mut second = Vec::new();
    for i in 0..6 {
        second.push(statement(
            i,
            "Allow",
            &format!("dynamodb:Query{i}"),
            &format!("arn:aws:dynamodb:*:*:table/t{i}"),
            None,
        ));
    }
    let boundary = policy(vec![
        statement(0, "Allow", "ecr:*", "*", None),
        statement(1, "Allow", "s3:*", "*", None),
        statement(2, "Deny", "iam:*", "*", None),
    ]);
    let scp = policy(vec![
        statement(0, "Allow", "*", "*", None),
        statement(
            1,
            "Deny",
            "*",
            "*",
            Some(json!({"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}})),
        ),
        statement(2, "Deny", "organizations:*", "*", None),
        statement(
            3,
            "Deny",
            "ecr:PutImage",
            "*",
            Some(json!({"Bool": {"aws:SecureTransport": "false"}})),
        ),
    ]);
    let repo = json!({ "Version": "2012-10-17", "Statement": [
        { "Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] },
        { "Sid": "Ip", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}} },
        { "Sid": "Ci", "Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage" },
        { "Sid": "Admins", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/admin"}, "Action": "ecr:*" },
        { "Sid": "Nobody", "Effect": "Deny", "Principal": "*", "Action": "ecr:DeleteRepository" }
    ]});
    serde_json::from_value(json!({
        "format": "iamsim/scenario@1",
        "policies": {
            "identity": [ { "name": "Main", "document": policy(identity) }, { "name": "Tables", "document": policy(second) } ],
            "permissionsBoundary": { "name": "Boundary", "document": boundary },
            "resource": { "name": "web repository", "document": repo },
            "scp": [ [ { "name": "Region", "document": scp } ] ]
        },
        "request": {
            "principal": "arn:aws:sts::111122223333:assumed-role/ci/build-42",
            "action": "ecr:PutImage",
            "resource": "arn:aws:ecr:us-east-1:111122223333:repository/web",
            "context": { "aws:PrincipalTag/team": "web", "aws:SourceIp": "203.0.113.7", "aws:SecureTransport": true }
        }
    }))
    .expect("valid scenario")
}

/// 1,000 statements over 20 condition keys; nothing matches until the last statement.
pub fn stress() -> Scenario {
    let statements: Vec<Value> = (0..1000)
        .map(|i| {
            let key = format!("aws:PrincipalTag/k{}", i % 20);
            statement(
                i,
                "Allow",
                &format!("ecr:Op{i}*"),
                "arn:aws:ecr:*:111122223333:repository/*",
                Some(json!({"StringLike": {key: format!("v{i}*")}})),
            )
        })
        .chain(std::iter::once(statement(
            1000,
            "Allow",
            "ecr:PutImage",
            "*",
            None,
        )))
        .collect();
    let mut context = serde_json::Map::new();
    for k in 0..20 {
        context.insert(format!("aws:PrincipalTag/k{k}"), json!(format!("v{k}")));
    }
    serde_json::from_value(json!({
        "format": "iamsim/scenario@1",
        "policies": { "identity": [ { "name": "Big", "document": policy(statements) } ] },
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "ecr:PutImage",
            "resource": "arn:aws:ecr:us-east-1:111122223333:repository/web",
            "context": context
        }
    }))
    .expect("valid scenario")
}

fn prepared(s: &Scenario) -> (PolicySet, PreparedRequest) {
    let hint = infer_resource_kind(&s.request.action, &s.request.resource);
    (
        PolicySet::prepare(&s.policies, hint),
        PreparedRequest::prepare(&s.request, &EvalOptions::default()),
    )
}

fn benches(c: &mut Criterion) {
    for (name, scenario) in [("typical", typical()), ("stress", stress())] {
        let (set, req) = prepared(&scenario);
        c.bench_function(&format!("decide/{name}"), |b| {
            b.iter(|| decide(black_box(&set), black_box(&req)))
        });
        c.bench_function(&format!("evaluate/{name}"), |b| {
            b.iter(|| evaluate(black_box(&set), black_box(&req)))
        });
        c.bench_function(&format!("prepare+decide/{name}"), |b| {
            b.iter(|| {
                let (set, req) = prepared(black_box(&scenario));
                decide(&set, &req)
            })
        });
    }
}

criterion_group!(eval, benches);
criterion_main!(eval);

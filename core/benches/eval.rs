//! Evaluation speed: the decision for already-prepared policies (what the web app does on every
//! keystroke for every matrix cell), a typical and a stress scenario, plus the explained result.

use criterion::{criterion_group, criterion_main, Criterion};
use iamsim_core::eval::{
    decide, evaluate, evaluate_brief, evaluate_matrix, expand_actions, infer_resource_kind,
    EvalOptions, PolicySet, PreparedRequest,
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
/// capped by a boundary, an SCP and a repository policy. Shared with the wasm speed test
/// (web/tests/wasm_eval_speed.rs).
pub fn typical() -> Scenario {
    serde_json::from_str(include_str!("../tests/fixtures/typical.json")).expect("valid scenario")
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
        c.bench_function(&format!("evaluate_brief/{name}"), |b| {
            b.iter(|| evaluate_brief(black_box(&set), black_box(&req)))
        });
        c.bench_function(&format!("prepare+decide/{name}"), |b| {
            b.iter(|| {
                let (set, req) = prepared(black_box(&scenario));
                decide(&set, &req)
            })
        });
    }
}

/// The request matrix of the web app: every ECR action × 3 resources, policies prepared.
fn matrix(c: &mut Criterion) {
    let scenario = typical();
    let actions = expand_actions("ecr:*").actions;
    let resources: Vec<String> = [
        scenario.request.resource.as_str(),
        "arn:aws:ecr:eu-west-1:111122223333:repository/other",
        "*",
    ]
    .map(String::from)
    .to_vec();
    let mut sets: Vec<_> = Vec::new();
    let mut policies = |kind| {
        if let Some((_, set)) = sets.iter().find(|(k, _)| *k == kind) {
            return PolicySet::clone(set);
        }
        let set = PolicySet::prepare(&scenario.policies, kind);
        sets.push((kind, set.clone()));
        set
    };
    c.bench_function(&format!("matrix/typical {}x3", actions.len()), |b| {
        b.iter(|| {
            evaluate_matrix(
                &mut policies,
                black_box(&scenario.request),
                &actions,
                &resources,
                &EvalOptions::default(),
            )
        })
    });
}

criterion_group!(eval, benches, matrix);
criterion_main!(eval);

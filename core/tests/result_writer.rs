//! The CLI's hand-written result writer gives serde_json's bytes exactly, on every result the
//! corpus produces (the scenario's own request and every test case's request).

use iamsim_core::eval::{
    evaluate, evaluate_owned, write_result_json, EvalOptions, EvaluationResult, LayerVerdict,
    PreparedRequest,
};
use iamsim_core::scenario::{
    check, read_scenarios, simulate, PreparedScenario, RequestSpec, Scenario,
};
use iamsim_core::{Diagnostic, Severity};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            corpus_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn corpus_results() -> Vec<(String, EvaluationResult)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let mut files = Vec::new();
    corpus_files(&root, &mut files);
    files.sort();
    let options = EvalOptions::default();
    let mut results = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for scenario in read_scenarios(&text).into_iter().flatten() {
            let name = file.display().to_string();
            results.push((name.clone(), simulate(&scenario, &options)));
            for outcome in check(&scenario, &options) {
                if let Ok(result) = outcome.result {
                    results.push((format!("{name}: {}", outcome.name), result));
                }
            }
        }
    }
    // The corpus has no `suggestion` finding and few characters to escape: one result with
    // both, and a finding of every class with every optional field.
    if let Some((_, first)) = results.first() {
        let mut extra = first.clone();
        let strange = "tab\there \"quoted\" back\\slash \u{1}\u{1f}\u{7f} ünïcode 😀\nnext";
        for severity in [
            Severity::Error,
            Severity::SecurityWarning,
            Severity::Warning,
            Severity::Suggestion,
        ] {
            let mut d = Diagnostic::new(severity, "made-up", strange, None).with_fix(strange);
            d.policy = Some(strange.to_string());
            d.statement = Some(12345);
            extra.diagnostics.push(d);
        }
        extra.notes.push(strange.to_string());
        extra.missing_context_keys.push(strange.to_string());
        results.push(("extra findings".to_string(), extra));
    }
    results
}

#[test]
fn the_writer_gives_serde_jsons_bytes_on_every_corpus_result() {
    let results = corpus_results();
    assert!(results.len() >= 500, "only {} results", results.len());
    let mut all = String::new();
    for (name, result) in &results {
        let expected = serde_json::to_string(result).unwrap_or_default();
        let mut ours = Vec::new();
        write_result_json(result, &mut ours);
        assert_eq!(
            String::from_utf8_lossy(&ours),
            expected,
            "different bytes for {name}"
        );
        all.push_str(&expected);
    }
    // The corpus reaches every optional field and every enum value the writer spells, so a
    // field written under a wrong name or condition cannot pass unseen.
    for needle in [
        "\"level\":",
        "\"statement\":",
        "\"sid\":",
        "\"effect\":null",
        "\"skipped\":",
        "\"principal\":",
        "\"principalMatch\":\"star\"",
        "\"principalMatch\":\"account\"",
        "\"principalMatch\":\"direct\"",
        "\"principalMatch\":\"role\"",
        "\"principalMatch\":\"service\"",
        "\"resolved\":",
        "\"requestValues\":",
        "\"missingKeys\":",
        "\"fix\":",
        "\"policy\":",
        "\"notes\":",
        "\"type\":\"rcp\"",
        "\"type\":\"scp\"",
        "\"type\":\"vpcEndpoint\"",
        "\"type\":\"resource\"",
        "\"type\":\"permissionsBoundary\"",
        "\"type\":\"session\"",
        "\"verdict\":\"NotEvaluated\"",
        "\"verdict\":\"ExplicitDeny\"",
        "\"severity\":\"error\"",
        "\"severity\":\"securityWarning\"",
        "\"severity\":\"warning\"",
        "\"severity\":\"suggestion\"",
        "\"decision\":\"ImplicitDeny\"",
        "\"decision\":\"ExplicitDeny\"",
        "\"element\":\"Principal\"",
        "\"element\":\"NotPrincipal\"",
        "\"element\":\"NotAction\"",
        "\"element\":\"NotResource\"",
        "\"matched\":false,\"negated\":false",
        "\"matched\":true,\"negated\":true",
        "\"matched\":false,\"negated\":true",
        "\"effect\":\"Allow\",\"message\":",
        "\"effect\":\"Deny\",\"message\":",
        "\"result\":false",
        "\"evaluated\":false",
        "\"decisive\":false",
        "\"multiValued\":true,\"derived\":false",
        "\"multiValued\":false,\"derived\":false",
        "\\\"",
    ] {
        assert!(all.contains(needle), "no corpus result has {needle}");
    }
}

/// `evaluate_owned` (the CLI's path: the request's context moved into the result) gives
/// `evaluate`'s result, byte for byte, for every corpus request.
#[test]
fn evaluate_owned_agrees_with_evaluate_on_every_corpus_request() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let mut files = Vec::new();
    corpus_files(&root, &mut files);
    // A fixed clock: both paths derive the same time keys.
    let options = EvalOptions {
        now_epoch_seconds: Some(1_796_000_000),
    };
    let mut compared = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for scenario in read_scenarios(&text).into_iter().flatten() {
            let prepared = PreparedScenario::new(&scenario);
            let requests = std::iter::once(scenario.request.clone()).chain(
                scenario
                    .tests
                    .iter()
                    .filter_map(|t| scenario.test_request(t).ok()),
            );
            for request in requests {
                let req = PreparedRequest::prepare(&request, &options);
                let copied = evaluate(&prepared.policies, &req);
                let moved = evaluate_owned(&prepared.policies, req);
                assert_eq!(
                    serde_json::to_string(&moved).unwrap_or_default(),
                    serde_json::to_string(&copied).unwrap_or_default(),
                    "{}",
                    file.display()
                );
                assert_eq!(moved.context, copied.context);
                compared += 1;
            }
        }
    }
    assert!(compared >= 500, "only {compared} requests");
}

/// Requests that take every layer through its forms: each principal class (user, role
/// session, federated user, root, service, anonymous, another account's user), an action RCPs
/// govern and one they do not, with and without a resource.
fn request_variants(base: &RequestSpec) -> Vec<RequestSpec> {
    let mut out = vec![base.clone()];
    let principals = [
        "arn:aws:iam::111122223333:user/u",
        "arn:aws:sts::111122223333:assumed-role/r/s",
        "arn:aws:sts::111122223333:federated-user/f",
        "arn:aws:iam::111122223333:root",
        "ecr.amazonaws.com",
        "*",
        "arn:aws:iam::444455556666:user/x",
    ];
    for principal in principals {
        for (action, resource) in [
            (base.action.as_str(), base.resource.as_str()),
            ("ec2:DescribeInstances", "*"),
            ("s3:GetObject", "arn:aws:s3:::b\"q/k\\ü"),
        ] {
            out.push(RequestSpec {
                principal: principal.to_string(),
                action: action.to_string(),
                resource: resource.to_string(),
                ..base.clone()
            });
        }
    }
    out.extend(context_variants(base));
    out
}

/// `base` with given context keys placed before, between and after the derived ones, given
/// keys spelled as derived ones in another case (which take their place), multi-valued and
/// empty lists, and names and values JSON escapes; derived and not.
fn context_variants(base: &RequestSpec) -> Vec<RequestSpec> {
    let contexts = [
        json!({"a:first": "1", "aws:Mid": ["x", "y\"z"], "zz:last": true}),
        json!({"AWS:principalarn": "arn:aws:iam::111122223333:user/given", "aws:USERNAME": "g"}),
        json!({"aws:principaltype": ["User"], "aws:CurrentTime": "2020-01-01T00:00:00Z"}),
        json!({"k\"ey\\\t": "v\u{1}al\u{fc}", "aws:SourceIp": "203.0.113.7", "e": []}),
        json!({"aws:EpochTime": 5, "aws:PrincipalTag/t": ["a", "b"], "aws:requestedregion": "eu-west-1"}),
    ];
    let mut out = Vec::new();
    for context in contexts {
        for derive in [None, Some(false)] {
            let mut request = base.clone();
            if let Value::Object(map) = context.clone() {
                request.context.extend(map);
            }
            request.derive_context = derive;
            out.push(request);
        }
    }
    out
}

/// Scenarios with a policy in every layer (SCP and RCP levels, VPC endpoint policies, one
/// switched off), names and Sids with characters JSON escapes, with and without Sids, for
/// allows, denies and implicit denies.
fn generated_scenarios() -> Vec<Scenario> {
    let statement = |sid: Option<&str>, effect: &str, action: &str, principal: bool| {
        let mut s = json!({"Effect": effect, "Action": action, "Resource": "*"});
        if let Some(map) = s.as_object_mut() {
            if let Some(sid) = sid {
                map.insert("Sid".into(), json!(sid));
            }
            if principal {
                map.insert("Principal".into(), json!("*"));
            }
        }
        s
    };
    let policy = |name: &str, enabled: bool, statements: Vec<Value>| {
        json!({"name": name, "enabled": enabled,
            "document": {"Version": "2012-10-17", "Statement": statements}})
    };
    let mut out = Vec::new();
    for name in ["P0", "a \"quoted\\ name\tü"] {
        for sid in [None, Some("S1"), Some("q\"s\\")] {
            for (effect, action) in [("Allow", "*"), ("Deny", "s3:*"), ("Allow", "sqs:Other")] {
                for enabled in [true, false] {
                    let plain = |principal| vec![statement(sid, effect, action, principal)];
                    let scenario = json!({
                        "format": "iamsim/scenario@1",
                        "name": name,
                        "policies": {
                            "identity": [policy(name, true, plain(false)), policy("I2", enabled, plain(false))],
                            "permissionsBoundary": policy(name, enabled, plain(false)),
                            "session": policy(name, true, plain(false)),
                            "resource": policy(name, enabled, plain(true)),
                            "scp": [[policy("Root", true, vec![statement(None, "Allow", "*", false)])],
                                    [policy(name, true, plain(false))],
                                    [policy(name, enabled, plain(false))]],
                            "rcp": [[policy(name, true, plain(true))]],
                            "vpcEndpoint": [policy(name, enabled, plain(true)), policy("V2", true, plain(true))],
                        },
                        "request": {
                            "principal": "arn:aws:iam::111122223333:user/u",
                            "action": "s3:GetObject",
                            "resource": "arn:aws:s3:::bucket/key",
                            "context": {"aws:SourceVpce": "vpce-1", "x:Tag": ["a", "b\"c"]},
                        },
                    });
                    match serde_json::from_value(scenario) {
                        Ok(scenario) => out.push(scenario),
                        Err(error) => panic!("{error}"),
                    }
                }
            }
        }
    }
    out
}

/// The CLI's direct path (`PreparedScenario::write_json`: the explanation written as it is
/// worked out, no owned result) writes the bytes of `write_result_json(&evaluate(..))`, on
/// every corpus scenario's requests (its own, its tests', and variants of every principal
/// class, and given context keys among the derived ones) and on generated scenarios with a
/// policy in every layer.
#[test]
fn direct_writing_agrees_with_the_owned_results_bytes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let mut files = Vec::new();
    corpus_files(&root, &mut files);
    let options = EvalOptions {
        now_epoch_seconds: Some(1_796_000_000),
    };
    let mut scenarios = generated_scenarios();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        scenarios.extend(read_scenarios(&text).into_iter().flatten());
    }
    let (mut compared, mut with_notes, mut not_evaluated) = (0, 0, 0);
    // The cases the trace's direct writer takes on its own (statement and condition views),
    // each of which the compared results must reach.
    let mut reached = TraceCases::default();
    for scenario in &scenarios {
        let prepared = PreparedScenario::new(scenario);
        let requests = request_variants(&scenario.request).into_iter().chain(
            scenario
                .tests
                .iter()
                .filter_map(|t| scenario.test_request(t).ok()),
        );
        for request in requests {
            // `evaluate` (the request's context copied), with the scenario's own warnings as
            // `PreparedScenario::evaluate` adds them.
            let mut result = evaluate(
                &prepared.policies,
                &PreparedRequest::prepare(&request, &options),
            );
            result.diagnostics.extend(scenario.unknown_field_warnings());
            let mut owned = Vec::new();
            write_result_json(&result, &mut owned);
            // The context moved out of the request (`evaluate_owned`) lists the same entries.
            let moved = evaluate_owned(
                &prepared.policies,
                PreparedRequest::prepare(&request, &options),
            );
            assert_eq!(moved.context, result.context, "{:?}", scenario.name);
            let mut direct = Vec::new();
            prepared.write_json(&request, &options, &mut direct);
            assert_eq!(
                String::from_utf8_lossy(&direct),
                String::from_utf8_lossy(&owned),
                "{:?}",
                scenario.name
            );
            compared += 1;
            reached.count(&result);
            with_notes += usize::from(!result.notes.is_empty());
            not_evaluated += usize::from(
                result
                    .layers
                    .iter()
                    .any(|l| l.verdict == LayerVerdict::NotEvaluated),
            );
        }
    }
    assert!(compared >= 5_000, "only {compared} requests");
    reached.assert_each();
    assert!(
        with_notes >= 10 && not_evaluated >= 100,
        "{with_notes} {not_evaluated}"
    );
}

/// How often the compared traces reach each case the direct trace writer spells from a view:
/// every kind of element and note, skipped statements (by themselves and by their policy),
/// principal matches, missing keys, and conditions with request values, several policy values,
/// resolved variables and qualified operators.
#[derive(Debug, Default)]
struct TraceCases {
    own_skip: usize,
    policy_skip_with_elements: usize,
    principal: usize,
    not_principal: usize,
    principal_match: usize,
    not_action: usize,
    not_resource: usize,
    implied_resource: usize,
    resolved_resource: usize,
    unresolved_note: usize,
    missing_keys: usize,
    request_values: usize,
    several_request_values: usize,
    several_policy_values: usize,
    qualified_operator: usize,
    escaped_note: usize,
}

impl TraceCases {
    fn count(&mut self, result: &EvaluationResult) {
        for s in result.trace.iter().flat_map(|p| &p.statements) {
            let elements = [&s.principal, &s.action, &s.resource];
            let skipped = s.skipped.as_deref().unwrap_or_default();
            self.own_skip += usize::from(!skipped.is_empty() && s.action.is_none());
            self.policy_skip_with_elements +=
                usize::from(skipped.contains("this policy type") && s.action.is_some());
            self.principal_match += usize::from(s.principal_match.is_some());
            self.missing_keys += usize::from(!s.missing_keys.is_empty());
            for e in elements.into_iter().flatten() {
                let note = e.note.to_string();
                self.principal += usize::from(e.element == "Principal");
                self.not_principal += usize::from(e.element == "NotPrincipal");
                self.not_action += usize::from(e.element == "NotAction");
                self.not_resource += usize::from(e.element == "NotResource");
                self.implied_resource += usize::from(note.contains("implied by the policy"));
                self.resolved_resource += usize::from(e.resolved.is_some());
                self.unresolved_note += usize::from(note.contains("matches nothing"));
                self.escaped_note += usize::from(note.contains('"'));
            }
            for c in &s.conditions {
                let values = c.request_values.as_ref().map_or(0, Vec::len);
                self.request_values += usize::from(values > 0);
                self.several_request_values += usize::from(values > 1);
                self.several_policy_values += usize::from(c.policy_values.len() > 1);
                self.qualified_operator += usize::from(c.operator.contains(':'));
            }
        }
    }

    fn assert_each(&self) {
        let counts = [
            self.own_skip,
            self.policy_skip_with_elements,
            self.principal,
            self.not_principal,
            self.principal_match,
            self.not_action,
            self.not_resource,
            self.implied_resource,
            self.resolved_resource,
            self.unresolved_note,
            self.missing_keys,
            self.request_values,
            self.several_request_values,
            self.several_policy_values,
            self.qualified_operator,
            self.escaped_note,
        ];
        assert!(counts.iter().all(|&n| n > 0), "{self:?}");
    }
}

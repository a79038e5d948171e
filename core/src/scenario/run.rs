//! Running a scenario: its main request, and its `expect` and `tests` checks.

use super::{RequestSpec, Scenario};
use crate::eval::{
    evaluate_owned, infer_resource_kind, write_evaluation_json, Decision, EvalOptions,
    EvaluationResult, PolicySet, PreparedRequest,
};
use crate::policy::ResourceKind;
use std::cell::RefCell;

/// The scenario's policies prepared once, for any number of its requests.
pub struct PreparedScenario<'s> {
    pub scenario: &'s Scenario,
    pub policies: PolicySet,
}

impl<'s> PreparedScenario<'s> {
    pub fn new(scenario: &'s Scenario) -> Self {
        // Only the resource policy reads the hint: without one, no request is read for it.
        let hint = match scenario.policies.resource {
            Some(_) => resource_kind_hint(scenario),
            None => ResourceKind::Generic,
        };
        PreparedScenario {
            scenario,
            policies: PolicySet::prepare(&scenario.policies, hint),
        }
    }

    pub fn evaluate(&self, request: &RequestSpec, options: &EvalOptions) -> EvaluationResult {
        let req = PreparedRequest::prepare(request, options);
        let mut result = evaluate_owned(&self.policies, req);
        result
            .diagnostics
            .extend(self.scenario.unknown_field_warnings());
        result
    }

    /// [`Self::evaluate`]'s result as one line of JSON (no newline), the bytes
    /// `write_result_json` gives, written straight into `out` without the owned result (the
    /// CLI's JSON Lines).
    pub fn write_json(&self, request: &RequestSpec, options: &EvalOptions, out: &mut Vec<u8>) {
        with_prepared_requests(std::iter::once(request), options, |requests| {
            if let Some(req) = requests.first_mut() {
                self.write_prepared(req, out);
            }
        });
    }

    fn write_prepared(&self, req: &mut PreparedRequest, out: &mut Vec<u8>) {
        let warnings = self.scenario.unknown_field_warnings();
        write_evaluation_json(&self.policies, req, &warnings, out);
    }
}

/// The results of a group of scenarios, each against its own request, as JSON Lines: each
/// [`PreparedScenario::write_json`] line followed by a newline, and `error_line`'s for the
/// entries that are errors, in order. Worked out stage by stage: every request of the group is
/// prepared before any is decided and written, so that each stage's code stays in the
/// instruction cache across the group (docs/performance.md, "Tenth round").
pub fn write_json_lines<E>(
    group: &[Result<PreparedScenario<'_>, E>],
    options: &EvalOptions,
    out: &mut Vec<u8>,
    mut error_line: impl FnMut(&E, &mut Vec<u8>),
) {
    let requests = group
        .iter()
        .filter_map(|entry| entry.as_ref().ok())
        .map(|scenario| &scenario.scenario.request);
    with_prepared_requests(requests, options, |prepared| {
        let mut prepared = prepared.iter_mut();
        for entry in group {
            match entry {
                Ok(scenario) => {
                    if let Some(req) = prepared.next() {
                        scenario.write_prepared(req, out);
                        out.push(b'\n');
                    }
                }
                Err(error) => error_line(error, out),
            }
        }
    });
}

/// Prepares `requests` in the thread's kept requests and hands them to `use_them`, in order.
fn with_prepared_requests<'r>(
    requests: impl Iterator<Item = &'r RequestSpec>,
    options: &EvalOptions,
    use_them: impl FnOnce(&mut [PreparedRequest]),
) {
    let fill = |kept: &mut Vec<PreparedRequest>| {
        let mut count = 0;
        for request in requests {
            match kept.get_mut(count) {
                Some(req) => req.prepare_in_place(request, options),
                None => kept.push(PreparedRequest::prepare(request, options)),
            }
            count += 1;
        }
        use_them(kept.get_mut(..count).unwrap_or_default());
    };
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut kept) => fill(&mut kept),
        // Only if a result were written while another is (never): requests of their own.
        Err(_) => fill(&mut Vec::new()),
    });
}

thread_local! {
    /// The requests [`write_json_lines`] and [`PreparedScenario::write_json`] prepare, kept per
    /// thread and prepared again in place for the next results: a run writes thousands of
    /// results, and the requests' buffers (action, resource, folded action, lists) are then
    /// filled, not allocated and freed each time.
    static SCRATCH: RefCell<Vec<PreparedRequest>> = const { RefCell::new(Vec::new()) };
}

/// The resource policy guards one resource: its kind is taken from the first request that
/// names a resource (an action without a resource, such as ecr:GetAuthorizationToken, says
/// nothing about it).
fn resource_kind_hint(scenario: &Scenario) -> ResourceKind {
    let names_resource = |r: &RequestSpec| {
        let resource = crate::bytes::trim(&r.resource);
        resource != "*" && !resource.is_empty()
    };
    let kind_of = |r: &RequestSpec| infer_resource_kind(&r.action, &r.resource);
    if names_resource(&scenario.request) {
        kind_of(&scenario.request)
    } else {
        // Test requests are only built when the main request does not settle it.
        scenario
            .tests
            .iter()
            .filter_map(|t| scenario.test_request(t).ok())
            .find(names_resource)
            .map_or_else(|| kind_of(&scenario.request), |r| kind_of(&r))
    }
}

/// Simulates the scenario's main request.
pub fn simulate(scenario: &Scenario, options: &EvalOptions) -> EvaluationResult {
    PreparedScenario::new(scenario).evaluate(&scenario.request, options)
}

/// One checked expectation.
#[derive(Clone, Debug)]
pub struct CheckOutcome {
    /// The scenario's name for its own `expect`, the test's name for a `tests` entry.
    pub name: String,
    pub expected: Decision,
    /// The result, or why the test's request could not be built.
    pub result: Result<EvaluationResult, String>,
}

impl CheckOutcome {
    pub fn passed(&self) -> bool {
        self.result
            .as_ref()
            .is_ok_and(|r| r.decision == self.expected)
    }
}

/// Checks the scenario's `expect` and every entry of `tests`.
pub fn check(scenario: &Scenario, options: &EvalOptions) -> Vec<CheckOutcome> {
    let prepared = PreparedScenario::new(scenario);
    let mut out = Vec::new();
    if let Some(expected) = scenario.expect {
        out.push(CheckOutcome {
            name: scenario.name.clone().unwrap_or_else(|| "scenario".into()),
            expected,
            result: Ok(prepared.evaluate(&scenario.request, options)),
        });
    }
    for (i, test) in scenario.tests.iter().enumerate() {
        let name = if test.name.is_empty() {
            format!("test {}", i + 1)
        } else {
            test.name.clone()
        };
        out.push(CheckOutcome {
            name,
            expected: test.expect,
            result: scenario
                .test_request(test)
                .map(|req| prepared.evaluate(&req, options)),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::read_json_line;

    /// Without a resource policy the hint is not worked out: every hint prepares the same set,
    /// so skipping it cannot change a result. With one, the hint is the one worked out.
    #[test]
    fn e3_the_hint_matters_only_to_a_resource_policy() {
        let identity = r#"{"identity": [{"document": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}}]"#;
        let resource = r#", "resource": {"document": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}]}}"#;
        for with_resource in [false, true] {
            let policies = format!("{identity}{}}}", if with_resource { resource } else { "" });
            let text = format!(
                r#"{{"policies": {policies}, "request": {{"principal": "arn:aws:iam::111122223333:user/u",
                "action": "ecr:PutImage", "resource": "arn:aws:ecr:us-east-1:111122223333:repository/web"}}}}"#
            );
            let scenario = read_json_line(&text.replace('\n', " "), 0).expect("scenario");
            let prepared = PreparedScenario::new(&scenario);
            let kinds = [
                ResourceKind::Generic,
                ResourceKind::EcrRepository,
                ResourceKind::KmsKey,
                ResourceKind::RoleTrust,
            ];
            for kind in kinds {
                let set = PolicySet::prepare(&scenario.policies, kind);
                let same = format!("{set:?}") == format!("{:?}", prepared.policies);
                assert_eq!(
                    same,
                    !with_resource || kind == resource_kind_hint(&scenario)
                );
            }
            assert_eq!(prepared.policies.resource.is_some(), with_resource);
        }
    }
}

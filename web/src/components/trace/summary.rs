//! Pure helpers of the trace panel, tested natively: the ✓/✗ marks and the one-line "why not"
//! of a statement that did not match.

use iamsim_core::matching::{PrincipalMatchKind, StatementTrace};

/// A verdict mark: matched, not matched, or skipped (the statement has an error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Yes,
    No,
    Skipped,
}

impl Mark {
    pub fn of(matched: bool) -> Mark {
        if matched {
            Mark::Yes
        } else {
            Mark::No
        }
    }

    pub fn of_statement(s: &StatementTrace) -> Mark {
        if s.skipped.is_some() {
            Mark::Skipped
        } else {
            Mark::of(s.matched)
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Yes => "✓",
            Mark::No => "✗",
            Mark::Skipped => "–",
        }
    }

    /// For screen readers (the symbol alone reads poorly).
    pub fn words(self) -> &'static str {
        match self {
            Mark::Yes => "matched",
            Mark::No => "not matched",
            Mark::Skipped => "skipped",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Mark::Yes => "yes",
            Mark::No => "no",
            Mark::Skipped => "skipped",
        }
    }

    /// The `data-matched` value tests read.
    pub fn attr(self) -> &'static str {
        match self {
            Mark::Yes => "true",
            Mark::No => "false",
            Mark::Skipped => "skipped",
        }
    }
}

/// How a `Principal` value matched (M9), for people.
pub fn match_kind_label(kind: PrincipalMatchKind) -> &'static str {
    match kind {
        PrincipalMatchKind::Star => "everyone (*)",
        PrincipalMatchKind::Account => "account",
        PrincipalMatchKind::Direct => "direct",
        PrincipalMatchKind::Role => "role",
        PrincipalMatchKind::FedUser => "federated user",
        PrincipalMatchKind::Service => "service",
    }
}

/// Which parts of a statement that did not match failed, in the order AWS reads them (M11):
/// "principal ✗, action ✗" or "condition aws:SourceIp ✗".
pub fn why_not(s: &StatementTrace) -> String {
    let mut failed: Vec<String> = Vec::new();
    let element = |e: &Option<iamsim_core::matching::ElementTrace>| {
        e.as_ref()
            .filter(|e| !e.matched)
            .map(|e| format!("{} ✗", e.element))
    };
    failed.extend(element(&s.principal));
    match &s.action {
        Some(_) => failed.extend(element(&s.action)),
        None => failed.push("no Action ✗".into()),
    }
    failed.extend(element(&s.resource));
    for c in s.conditions.iter().filter(|c| !c.result) {
        let missing = if c.request_values.is_none() {
            " (missing)"
        } else {
            ""
        };
        failed.push(format!("{} {}{missing} ✗", c.operator, c.key));
    }
    if failed.is_empty() {
        "did not match".into()
    } else {
        failed.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamsim_core::eval::{evaluate, PolicySet, PreparedPolicy, PreparedRequest};
    use iamsim_core::eval::{EvalOptions, LayerKind};
    use iamsim_core::policy::PolicyType;
    use iamsim_core::scenario::{NamedPolicy, RequestSpec};
    use serde_json::{json, Map, Value};

    fn trace(policy: Value, action: &str) -> Vec<StatementTrace> {
        let named = NamedPolicy {
            name: "p".into(),
            document: policy.into(),
            enabled: None,
            kind: None,
            unknown: Map::new(),
        };
        let prepared =
            PreparedPolicy::prepare(&named, LayerKind::Identity, None, PolicyType::Identity);
        let set = PolicySet {
            identity: vec![std::sync::Arc::new(prepared)],
            ..PolicySet::default()
        };
        let spec: RequestSpec = serde_json::from_value(json!({
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": action,
            "resource": "arn:aws:ecr:us-east-1:111122223333:repository/web"
        }))
        .expect("request");
        let request = PreparedRequest::prepare(&spec, &EvalOptions::default());
        let result = evaluate(&set, &request);
        result
            .trace
            .into_iter()
            .flat_map(|p| p.statements)
            .collect()
    }

    #[test]
    fn m11_why_not_names_the_failing_action_and_missing_condition_key() {
        let statements = trace(
            json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "ecr:*", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}},
                {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}),
            "ecr:PutImage",
        );
        assert_eq!(statements.len(), 3);
        assert_eq!(Mark::of_statement(&statements[0]), Mark::No);
        assert_eq!(why_not(&statements[0]), "Action ✗");
        assert_eq!(
            why_not(&statements[1]),
            "Bool aws:MultiFactorAuthPresent (missing) ✗"
        );
        assert_eq!(Mark::of_statement(&statements[2]), Mark::Yes);
        assert_eq!(Mark::Yes.symbol(), "✓");
        assert_eq!(Mark::No.attr(), "false");
    }
}

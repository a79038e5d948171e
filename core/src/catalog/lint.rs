//! Catalog-aware findings about a policy: names that do not exist, resources and condition keys
//! that cannot apply to the statement's actions, operators of the wrong type, and risky or
//! redundant patterns.
//!
//! Severities: IAM accepts a policy with an unknown action or key and evaluates it (the entry just
//! never matches), so these are warnings, never errors; an `Error` would make the evaluator skip
//! the statement, which AWS does not do. Two patterns that widen access are security warnings.

use super::{catalog, Action, Catalog, KeyInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::{
    BaseOperator, ConditionEntry, Effect, OperatorClass, Policy, PolicyType, ResourceKind,
    SetQualifier, Statement, StringElement,
};
use crate::span::Spanned;
use crate::suggest::closest;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// All catalog findings for `policy`, in statement order.
pub fn lint(policy: &Policy, policy_type: PolicyType) -> Vec<Diagnostic> {
    let cat = catalog();
    let mut out = Vec::new();
    for statement in &policy.statements {
        let mut found = Vec::new();
        lint_statement(cat, statement, policy_type, &mut found);
        out.extend(found.into_iter().map(|d| d.in_statement(statement.index)));
    }
    out
}

/// The actions one `Action` entry names, shared.
type Expansion<'c> = Rc<[Action<'c>]>;

/// Expansions made on this thread, by entry text: an expansion depends on the text alone, and the
/// same entries (`ecr:Batch*`, `s3:Get*` …) come back in scenario after scenario (the CLI reads
/// thousands). Bounded: emptied when it holds `EXPANSIONS_KEPT` texts.
const EXPANSIONS_KEPT: usize = 4096;

thread_local! {
    static EXPANSIONS: RefCell<HashMap<String, Expansion<'static>>> = RefCell::new(HashMap::new());
}

/// `cat.expand(text)`, from the cache when `cat` is the shared catalog.
fn expansion<'c>(cat: &'c Catalog, text: &str) -> Expansion<'c> {
    let shared = catalog();
    if !std::ptr::eq(cat, shared) {
        return cat.expand(text).into();
    }
    EXPANSIONS.with(|cache| {
        if let Some(found) = cache.borrow().get(text) {
            return Rc::clone(found);
        }
        let fresh: Expansion<'static> = shared.expand(text).into();
        let mut cache = cache.borrow_mut();
        if cache.len() >= EXPANSIONS_KEPT {
            cache.clear();
        }
        cache.insert(text.to_string(), Rc::clone(&fresh));
        fresh
    })
}

fn lint_statement(
    cat: &Catalog,
    s: &Statement,
    policy_type: PolicyType,
    out: &mut Vec<Diagnostic>,
) {
    let Some(action) = &s.action else {
        return;
    };
    // Each entry is expanded once: every check below reads the same expansions.
    // `"*"` alone names every action: nothing below reads its expansion unless another entry
    // could be redundant with it.
    let expanded: Vec<Expansion<'_>> = action
        .values
        .iter()
        .map(|v| {
            if v.value == "*" && action.values.len() == 1 {
                Rc::from([])
            } else {
                expansion(cat, &v.value)
            }
        })
        .collect();
    for (value, actions) in action.values.iter().zip(&expanded) {
        lint_action_name(cat, value, actions, out);
    }
    lint_redundant_actions(action, &expanded, out);
    // The remaining checks need to know exactly which actions the statement names.
    let Some(actions) = named_actions(action, &expanded) else {
        return;
    };
    let allow = s.effect.as_ref().is_some_and(|e| e.value == Effect::Allow);
    if policy_type == PolicyType::Resource(ResourceKind::EcrRepository) {
        lint_repository_policy_actions(cat, action, out);
    }
    if let Some(resource) = s.resource.as_ref().filter(|r| !r.negated) {
        lint_resources(cat, action, &actions, resource, out);
        if allow {
            lint_pass_role(action, &expanded, resource, out);
        }
    }
    for entry in &s.conditions {
        lint_condition(cat, entry, &actions, allow, out);
    }
}

/// The actions an `Action` element names, or `None` when that is not a useful set: `NotAction`
/// (everything else), or `"*"` (everything).
fn named_actions<'c>(
    element: &StringElement,
    expanded: &[Expansion<'c>],
) -> Option<Vec<Action<'c>>> {
    if element.negated || element.values.iter().any(|v| v.value == "*") {
        return None;
    }
    let mut all: Vec<Action<'c>> = expanded.iter().flat_map(|e| e.iter()).copied().collect();
    all.sort_by_key(Action::id);
    all.dedup();
    Some(all)
}

fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// `unknown-service`, `unknown-action`, `wildcard-matches-no-action` (M1, M2).
fn lint_action_name(
    cat: &Catalog,
    value: &Spanned<String>,
    expanded: &[Action<'_>],
    out: &mut Vec<Diagnostic>,
) {
    let text = value.value.as_str();
    // `*` is every action; text without `service:` is the grammar validator's finding.
    let Some((prefix, _)) = text.split_once(':') else {
        return;
    };
    if !has_wildcard(prefix) && cat.service(prefix).is_none() {
        let d = Diagnostic::warning(
            "unknown-service",
            format!("`{prefix}` is not an AWS service prefix, so `{text}` matches no action"),
            Some(value.span),
        );
        let fix = cat
            .suggest_action(text)
            .or_else(|| cat.suggest_service(prefix).map(str::to_string));
        out.push(match fix {
            Some(f) => d.with_fix(format!("did you mean `{f}`?")),
            None => d,
        });
        return;
    }
    if !expanded.is_empty() {
        return;
    }
    if has_wildcard(text) {
        out.push(Diagnostic::warning(
            "wildcard-matches-no-action",
            format!("`{text}` matches no action"),
            Some(value.span),
        ));
    } else {
        let d = Diagnostic::warning(
            "unknown-action",
            format!("`{text}` is not an action, so this entry never matches"),
            Some(value.span),
        );
        out.push(match cat.suggest_action(text) {
            Some(f) => d.with_fix(format!("did you mean `{f}`?")),
            None => d,
        });
    }
}

/// `redundant-action`: an entry whose actions another entry of the same element already covers.
fn lint_redundant_actions(
    element: &StringElement,
    expanded: &[Expansion<'_>],
    out: &mut Vec<Diagnostic>,
) {
    if element.values.len() < 2 {
        return;
    }
    let sets: Vec<Vec<u32>> = expanded
        .iter()
        .map(|actions| {
            let mut ids: Vec<u32> = actions.iter().map(Action::id).collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    for (i, value) in element.values.iter().enumerate() {
        let Some(mine) = sets.get(i).filter(|s| !s.is_empty()) else {
            continue;
        };
        let cover = sets.iter().enumerate().find(|&(j, other)| {
            // When two entries cover each other, only the later one is reported.
            j != i && is_subset(mine, other) && (j < i || !is_subset(other, mine))
        });
        if let Some((j, _)) = cover {
            let by = element.values.get(j).map_or("", |v| v.value.as_str());
            out.push(
                Diagnostic::new(
                    Severity::Suggestion,
                    "redundant-action",
                    format!("`{}` is already covered by `{by}`", value.value),
                    Some(value.span),
                )
                .with_fix(format!("remove `{}`", value.value)),
            );
        }
    }
}

/// Whether sorted `a` ⊆ sorted `b`.
fn is_subset(a: &[u32], b: &[u32]) -> bool {
    let mut b = b.iter().peekable();
    a.iter().all(|x| {
        while b.next_if(|y| *y < x).is_some() {}
        b.next_if(|y| *y == x).is_some()
    })
}

/// `resource-matches-no-resource-type` and `action-needs-star-resource` (M4, M5).
fn lint_resources(
    cat: &Catalog,
    element: &StringElement,
    actions: &[Action<'_>],
    resource: &StringElement,
    out: &mut Vec<Diagnostic>,
) {
    let has_star = resource.values.iter().any(|r| r.value == "*");
    if !has_star && !resource.values.is_empty() {
        for value in element.values.iter().filter(|v| !has_wildcard(&v.value)) {
            if let Some(a) = cat.action(&value.value).filter(Action::accepts_only_star) {
                out.push(
                    Diagnostic::warning(
                        "action-needs-star-resource",
                        format!(
                            "`{}` has no resource type: only `\"Resource\": \"*\"` applies to it, so this statement never matches it",
                            a.full_name()
                        ),
                        Some(value.span),
                    )
                    .with_fix("move it to a statement with `\"Resource\": \"*\"`"),
                );
            }
        }
    }
    // The distinct resource types of all the actions: wildcards can name thousands of actions,
    // but they share a few hundred types at most.
    let mut types: Vec<super::ResourceType<'_>> = Vec::new();
    for a in actions {
        for r in a.resource_types() {
            if !types.contains(&r.resource_type) {
                types.push(r.resource_type);
            }
        }
    }
    if types.is_empty() {
        return;
    }
    for value in &resource.values {
        let arn = value.value.as_str();
        if arn == "*" || !arn.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("arn:")) {
            continue;
        }
        let pattern = super::ArnPattern::new(arn);
        if !types.iter().any(|t| t.matches_pattern(&pattern)) {
            let example = types
                .first()
                .and_then(|t| t.arn_templates().next())
                .unwrap_or("");
            out.push(
                Diagnostic::warning(
                    "resource-matches-no-resource-type",
                    format!(
                        "`{arn}` is not an ARN of any resource type of this statement's actions, so it never matches their requests"
                    ),
                    Some(value.span),
                )
                .with_fix(format!("use an ARN such as `{example}`")),
            );
        }
    }
}

/// `action-not-in-repository-policy` (E2, E3): a repository policy applies to one repository, so it
/// cannot grant actions that have no resource type, such as `ecr:GetAuthorizationToken`.
fn lint_repository_policy_actions(
    cat: &Catalog,
    element: &StringElement,
    out: &mut Vec<Diagnostic>,
) {
    for value in element.values.iter().filter(|v| !has_wildcard(&v.value)) {
        if let Some(a) = cat.action(&value.value).filter(Action::accepts_only_star) {
            out.push(
                Diagnostic::warning(
                    "action-not-in-repository-policy",
                    format!(
                        "`{}` has no resource type, so a repository policy cannot grant it",
                        a.full_name()
                    ),
                    Some(value.span),
                )
                .with_fix("grant it in an IAM policy with `\"Resource\": \"*\"`"),
            );
        }
    }
}

/// `pass-role-with-star-resource`: `iam:PassRole` on every role lets the principal hand any role,
/// including admin roles, to a service.
fn lint_pass_role(
    element: &StringElement,
    expanded: &[Expansion<'_>],
    resource: &StringElement,
    out: &mut Vec<Diagnostic>,
) {
    if !resource.values.iter().any(|r| r.value == "*") {
        return;
    }
    for (value, actions) in element.values.iter().zip(expanded) {
        if value.value == "*" {
            continue;
        }
        let passes_role = actions
            .iter()
            .any(|a| a.name() == "PassRole" && a.service().prefix() == "iam");
        if passes_role {
            out.push(
                Diagnostic::new(
                    Severity::SecurityWarning,
                    "pass-role-with-star-resource",
                    format!("`{}` with `\"Resource\": \"*\"` lets the principal pass any role to a service", value.value),
                    Some(value.span),
                )
                .with_fix("list the roles that may be passed, e.g. `arn:aws:iam::111122223333:role/app-*`"),
            );
        }
    }
}

/// Condition findings: unknown or unsupported keys (C2), operator types (C4–C10), set operators
/// on single-valued keys and plain operators on multi-valued ones (C13, C14, C16, Q4).
fn lint_condition(
    cat: &Catalog,
    entry: &ConditionEntry,
    actions: &[Action<'_>],
    allow: bool,
    out: &mut Vec<Diagnostic>,
) {
    let key = entry.key.value.as_str();
    let Some(info) = cat.condition_key(key) else {
        let d = Diagnostic::warning(
            "unknown-condition-key",
            format!("`{key}` is not a known condition key, so requests never carry it"),
            Some(entry.key.span),
        );
        out.push(match suggest_key(cat, key, actions) {
            Some(f) => d.with_fix(format!("did you mean `{f}`?")),
            None => d,
        });
        return;
    };
    if info.service.is_some()
        && !actions.is_empty()
        && !actions.iter().any(|a| a.supports_condition_key(key))
    {
        let d = Diagnostic::warning(
            "unsupported-condition-key",
            format!("none of this statement's actions supports `{key}`, so requests for them never carry it"),
            Some(entry.key.span),
        );
        out.push(match suggest_key(cat, key, actions) {
            Some(f) => d.with_fix(format!("did you mean `{f}`?")),
            None => d,
        });
    }
    lint_operator_type(entry, key, &info, out);
    lint_set_operator(entry, key, &info, allow, out);
}

fn lint_operator_type(
    entry: &ConditionEntry,
    key: &str,
    info: &KeyInfo,
    out: &mut Vec<Diagnostic>,
) {
    let op = entry.operator.value;
    let class = op.base.class();
    let numeric_epoch = class == OperatorClass::Numeric && super::global_keys::accepts_numeric(key);
    if info.ty.value.accepts(class) || numeric_epoch {
        return;
    }
    out.push(
        Diagnostic::warning(
            "condition-type-mismatch",
            format!(
                "`{}` compares {} values, but `{key}` is a {} key",
                op.base.name(),
                class_noun(class),
                info.ty.value.name()
            ),
            Some(entry.operator.span),
        )
        .with_fix(format!("use {}", operator_for(info.ty.value))),
    );
}

fn lint_set_operator(
    entry: &ConditionEntry,
    key: &str,
    info: &KeyInfo,
    allow: bool,
    out: &mut Vec<Diagnostic>,
) {
    let op = entry.operator.value;
    match op.set {
        Some(set) if !info.ty.multi => {
            // C13: ForAllValues is true when the key is missing, so in an Allow it grants too much.
            let severity = if allow && set == SetQualifier::ForAllValues {
                Severity::SecurityWarning
            } else {
                Severity::Warning
            };
            out.push(
                Diagnostic::new(
                    severity,
                    "set-operator-on-single-valued-key",
                    format!(
                        "`{key}` is single-valued: `{}:` is meant for multi-valued keys",
                        set.name()
                    ),
                    Some(entry.operator.span),
                )
                .with_fix(format!(
                    "use `{}`",
                    crate::policy::Operator { set: None, ..op }
                )),
            );
        }
        None if info.ty.multi && op.base != BaseOperator::Null => {
            out.push(
                Diagnostic::warning(
                    "missing-set-operator",
                    format!(
                        "`{key}` is multi-valued: a plain `{}` does not match a request that carries several values",
                        op.base.name()
                    ),
                    Some(entry.operator.span),
                )
                .with_fix(format!("use `ForAnyValue:{}` or `ForAllValues:{}`", op, op)),
            );
        }
        _ => {}
    }
}

fn class_noun(class: OperatorClass) -> &'static str {
    match class {
        OperatorClass::String => "string",
        OperatorClass::Numeric => "numeric",
        OperatorClass::Date => "date",
        OperatorClass::Bool => "boolean",
        OperatorClass::Binary => "binary",
        OperatorClass::Ip => "IP address",
        OperatorClass::Arn => "ARN",
        OperatorClass::Null => "no",
    }
}

fn operator_for(ty: super::ValueType) -> &'static str {
    use super::ValueType::*;
    match ty {
        String => "a String operator such as `StringEquals`",
        Arn => "an ARN operator such as `ArnLike`",
        Numeric => "a Numeric operator such as `NumericLessThan`",
        Date => "a Date operator such as `DateGreaterThan`",
        Bool => "`Bool`",
        IpAddress => "`IpAddress` or `NotIpAddress`",
        Binary => "`BinaryEquals`",
    }
}

/// The closest known key: global keys and the keys of the statement's actions (or of the key's
/// service), skipping templates, which are not spellings.
fn suggest_key(cat: &Catalog, key: &str, actions: &[Action<'_>]) -> Option<String> {
    let mut candidates: Vec<&'static str> = super::GLOBAL_KEYS.iter().map(|k| k.name).collect();
    for a in actions.iter().take(200) {
        candidates.extend(a.condition_keys().iter().map(|k| k.name()));
    }
    if let Some(service) = key.split_once(':').and_then(|(p, _)| cat.service(p)) {
        candidates.extend(service.condition_keys().map(|k| k.name()));
    }
    candidates.retain(|c| !super::template::is_template(c) && !c.eq_ignore_ascii_case(key));
    closest(key, candidates).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// M2: an expansion from the per-thread cache is the catalog's expansion of the same text,
    /// on first use, on reuse, and after the cache was emptied for being full.
    #[test]
    fn m2_cached_expansions_are_the_catalogs() {
        let cat = catalog();
        let ids = |actions: &[Action<'_>]| actions.iter().map(Action::id).collect::<Vec<_>>();
        let texts = [
            "ecr:Batch*",
            "ECR:batch*",
            "s3:GetObject",
            "s3:Nope",
            "*:Describe*",
            "x",
        ];
        for round in 0..2 {
            for text in texts {
                let plain = cat.expand(text);
                assert_eq!(
                    ids(&expansion(cat, text)),
                    ids(&plain),
                    "{text}, round {round}"
                );
            }
        }
        assert!(!cat.expand("ecr:Batch*").is_empty());
        for i in 0..EXPANSIONS_KEPT + 1 {
            let _ = expansion(cat, &format!("ecr:Get{i}*"));
        }
        for text in texts {
            assert_eq!(ids(&expansion(cat, text)), ids(&cat.expand(text)), "{text}");
        }
    }
}

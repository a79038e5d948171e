//! Catalog-aware findings about a policy: names that do not exist, resources and condition keys
//! that cannot apply to the statement's actions, operators of the wrong type, and risky or
//! redundant patterns.
//!
//! Severities: IAM accepts a policy with an unknown action or key and evaluates it (the entry just
//! never matches), so these are warnings, never errors; an `Error` would make the evaluator skip
//! the statement, which AWS does not do. Two patterns that widen access are security warnings.

mod facts;

use super::{catalog, Action, ArnPattern, Catalog, KeyInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::matching::arn::ResourcePattern;
use crate::matching::{CompiledPolicy, CompiledStatement};
use crate::policy::{
    BaseOperator, ConditionEntry, Effect, OperatorClass, Policy, PolicyType, ResourceKind,
    SetQualifier, Statement, StringElement,
};
use crate::span::Spanned;
use crate::suggest::closest;
use facts::ActionFacts;

/// All catalog findings for `policy`, in statement order.
pub fn lint(policy: &Policy, policy_type: PolicyType) -> Vec<Diagnostic> {
    lint_statements(policy, None, policy_type)
}

/// As [`lint`], for a policy already compiled (`compiled` is `CompiledPolicy::compile(policy)`):
/// resource ARNs are read from what compiling read of them rather than scanned again.
pub fn lint_compiled(
    policy: &Policy,
    compiled: &CompiledPolicy,
    policy_type: PolicyType,
) -> Vec<Diagnostic> {
    lint_statements(policy, Some(compiled), policy_type)
}

fn lint_statements(
    policy: &Policy,
    compiled: Option<&CompiledPolicy>,
    policy_type: PolicyType,
) -> Vec<Diagnostic> {
    let cat = catalog();
    let mut out = Vec::new();
    for (k, statement) in policy.statements.iter().enumerate() {
        let first = out.len();
        let compiled = compiled.and_then(|c| c.statement_at(k, statement));
        lint_statement(cat, statement, compiled, policy_type, &mut out);
        for d in out.get_mut(first..).unwrap_or_default() {
            d.statement = Some(statement.index);
        }
    }
    out
}

/// `compiled`: the statement compiled, if it was.
fn lint_statement(
    cat: &Catalog,
    s: &Statement,
    compiled: Option<&CompiledStatement>,
    policy_type: PolicyType,
    out: &mut Vec<Diagnostic>,
) {
    let Some(action) = &s.action else {
        return;
    };
    // What the checks read about the element depends on its texts alone: worked out once per
    // distinct element (see `facts`), found by what compiling found of them when it can be.
    let facts = match compiled.and_then(CompiledStatement::actions_id) {
        Some(id) => ActionFacts::of_compiled(action, id),
        None => ActionFacts::of(action),
    };
    let resources = compiled.map_or(&[][..], CompiledStatement::resource_patterns);
    for (i, value) in action.values.iter().enumerate() {
        let unknown_service = facts.unknown_service.get(i).copied().unwrap_or(false);
        let named_none = facts.expanded.get(i).is_none_or(|e| e.is_empty());
        lint_action_name(cat, value, unknown_service, named_none, out);
    }
    lint_redundant_actions(action, &facts.redundant, out);
    // The remaining checks need to know exactly which actions the statement names.
    let Some(actions) = &facts.named else {
        return;
    };
    let allow = s.effect.as_ref().is_some_and(|e| e.value == Effect::Allow);
    if policy_type == PolicyType::Resource(ResourceKind::EcrRepository) {
        lint_repository_policy_actions(action, &facts, out);
    }
    if let Some(resource) = s.resource.as_ref().filter(|r| !r.negated) {
        lint_resources(action, &facts, resource, resources, out);
        if allow {
            lint_pass_role(action, &facts, resource, out);
        }
    }
    for entry in &s.conditions {
        lint_condition(cat, entry, actions, allow, out);
    }
}

fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// `unknown-service`, `unknown-action`, `wildcard-matches-no-action` (M1, M2).
/// `unknown_service`: the prefix is plain and names no service; `named_none`: the entry names
/// no action.
fn lint_action_name(
    cat: &Catalog,
    value: &Spanned<crate::policy::PolicyStr>,
    unknown_service: bool,
    named_none: bool,
    out: &mut Vec<Diagnostic>,
) {
    if !unknown_service && !named_none {
        return;
    }
    let text = value.value.as_str();
    // `*` is every action; text without `service:` is the grammar validator's finding.
    let Some((prefix, _)) = text.split_once(':') else {
        return;
    };
    if unknown_service {
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
    if !named_none {
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

/// `redundant-action`: an entry whose actions another entry of the same element already covers
/// (`covered`: (entry, the entry that covers it)).
fn lint_redundant_actions(
    element: &StringElement,
    covered: &[(usize, usize)],
    out: &mut Vec<Diagnostic>,
) {
    for &(i, j) in covered {
        let Some(value) = element.values.get(i) else {
            continue;
        };
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

/// `resource-matches-no-resource-type` and `action-needs-star-resource` (M4, M5).
/// `compiled`: the resource values compiled, or none.
fn lint_resources(
    element: &StringElement,
    facts: &ActionFacts,
    resource: &StringElement,
    compiled: &[ResourcePattern],
    out: &mut Vec<Diagnostic>,
) {
    let has_star = resource.values.iter().any(|r| r.value == "*");
    if !has_star && !resource.values.is_empty() {
        for (value, a) in element.values.iter().zip(&facts.only_star) {
            if let Some(a) = a {
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
    let types = &facts.types;
    if types.is_empty() {
        return;
    }
    let compiled = Some(compiled).filter(|c| c.len() == resource.values.len());
    for (j, value) in resource.values.iter().enumerate() {
        let arn = value.value.as_str();
        if arn == "*" || !arn.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("arn:")) {
            continue;
        }
        let pattern = compiled
            .and_then(|c| c.get(j))
            .and_then(|c| read_as_compiled(arn, c))
            .unwrap_or_else(|| ArnPattern::new(arn));
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

/// A resource value that compiling found to be a concrete ARN with a lowercase head (most
/// values), read from what it found; `None` for other values.
fn read_as_compiled<'a>(arn: &'a str, compiled: &ResourcePattern) -> Option<ArnPattern<'a>> {
    let head = compiled.head_facts()?;
    if !(head.plain && head.lowercase && compiled.has_literal_resource_part()) {
        return None;
    }
    Some(ArnPattern::plain_lowercase(
        arn,
        arn.get(head.service.clone())?,
    ))
}

/// `action-not-in-repository-policy` (E2, E3): a repository policy applies to one repository, so it
/// cannot grant actions that have no resource type, such as `ecr:GetAuthorizationToken`.
fn lint_repository_policy_actions(
    element: &StringElement,
    facts: &ActionFacts,
    out: &mut Vec<Diagnostic>,
) {
    for (value, a) in element.values.iter().zip(&facts.only_star) {
        if let Some(a) = a {
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
    facts: &ActionFacts,
    resource: &StringElement,
    out: &mut Vec<Diagnostic>,
) {
    if !resource.values.iter().any(|r| r.value == "*") {
        return;
    }
    for (value, &passes_role) in element.values.iter().zip(&facts.passes_role) {
        if value.value == "*" {
            continue;
        }
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
    let Some(info) = facts::condition_key(key, || entry.key.value.shared()) else {
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

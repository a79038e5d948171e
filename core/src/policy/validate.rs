//! Rules that depend on where a policy is attached (G1–G12, E3, Q5), plus cheap
//! Access-Analyzer-style security warnings.
//!
//! ```
//! use iamsim_core::policy::{parse_policy, validate, PolicyType, ResourceKind};
//!
//! let parsed = parse_policy(r#"{"Version": "2012-10-17", "Statement": [{
//!     "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
//!     "Action": "ecr:BatchGetImage", "Resource": "*"}]}"#);
//! let policy = parsed.policy.expect("an object");
//! // E3: a repository policy has no `Resource` element…
//! let findings = validate(&policy, PolicyType::Resource(ResourceKind::EcrRepository));
//! assert_eq!(findings[0].code, "resource-not-allowed");
//! assert_eq!(findings[0].statement, Some(0));
//! // …and an identity policy names no principal (G12).
//! let findings = validate(&policy, PolicyType::Identity);
//! assert_eq!(findings[0].code, "principal-not-allowed");
//! ```
//!
//! Severity follows Access Analyzer's classes. A finding that makes one statement impossible to
//! evaluate faithfully for this type is an `Error` tied to the statement (`.in_statement(i)`):
//! the evaluator skips that statement. Errors that AWS would reject but whose meaning is clear
//! (a Sid with spaces in an IAM policy, `Id` in an identity policy) carry no statement index.

use super::model::*;
use super::policy_type::{PolicyType, ResourceKind};
use crate::bytes::positions;
use crate::diagnostic::{Diagnostic, Severity};
use crate::matching::action::ActionPattern;
use crate::matching::arn::ResourcePattern;
use crate::matching::variables::has_variable;
use crate::matching::{CompiledPolicy, CompiledStatement};
use crate::span::{Span, Spanned};

/// Checks a parsed policy against the rules of one policy type.
pub fn validate(policy: &Policy, policy_type: PolicyType) -> Vec<Diagnostic> {
    validate_statements(policy, None, policy_type)
}

/// As [`validate`], for a policy already compiled (`compiled` is `CompiledPolicy::compile(policy)`):
/// resource ARNs are read from what compiling read of them rather than scanned again.
pub fn validate_compiled(
    policy: &Policy,
    compiled: &CompiledPolicy,
    policy_type: PolicyType,
) -> Vec<Diagnostic> {
    validate_statements(policy, Some(compiled), policy_type)
}

fn validate_statements(
    policy: &Policy,
    compiled: Option<&CompiledPolicy>,
    policy_type: PolicyType,
) -> Vec<Diagnostic> {
    let mut v = Validator {
        ty: policy_type,
        out: Vec::new(),
    };
    v.version(policy);
    v.id(policy);
    v.sids(policy);
    for (k, statement) in policy.statements.iter().enumerate() {
        let compiled = compiled.and_then(|c| c.statement_at(k, statement));
        v.statement(policy, statement, compiled);
    }
    v.out
}

struct Validator {
    ty: PolicyType,
    out: Vec<Diagnostic>,
}

/// An error that makes statement `index` unevaluable for this policy type.
fn statement_error(index: usize, code: &str, message: String, span: Span) -> Diagnostic {
    Diagnostic::error(code, message, Some(span)).in_statement(index)
}

/// What validation reads of a resource ARN: its service part (the third, empty when there is
/// none), and when it has six parts, what it reads of the text before its resource part.
#[derive(Debug, PartialEq, Eq)]
struct ArnParts<'a> {
    service: &'a str,
    six_parts: Option<HeadChecks>,
}

/// Of a six-part ARN's text up to and including its fifth colon.
#[derive(Debug, PartialEq, Eq)]
struct HeadChecks {
    partition_empty: bool,
    /// A `${` before the resource part.
    has_variable: bool,
}

impl<'a> ArnParts<'a> {
    /// From the value's text: one byte scan finds the colons; a shorter value has only its
    /// first parts, the missing colons standing at its end.
    fn read(value: &'a str) -> Self {
        let ([first, second, third, _, fifth], found) = positions::<5>(value.as_bytes(), b':');
        ArnParts {
            service: value.get(second + 1..third).unwrap_or(""),
            six_parts: (found == 5).then(|| HeadChecks {
                partition_empty: value.get(first + 1..second).unwrap_or("").is_empty(),
                has_variable: has_variable(value.get(..fifth + 1).unwrap_or(value)),
            }),
        }
    }

    /// From what compiling the value read of its head, when it has six parts.
    fn compiled(value: &'a str, compiled: &ResourcePattern) -> Option<Self> {
        let head = compiled.head_facts()?;
        Some(ArnParts {
            service: value.get(head.service.clone()).unwrap_or(""),
            six_parts: Some(HeadChecks {
                partition_empty: head.partition_empty,
                has_variable: head.has_variable,
            }),
        })
    }
}

/// Where "missing …" findings about a statement point: its opening brace.
fn opening(span: Span) -> Span {
    let mut end = span.start;
    end.column = end.column.saturating_add(1);
    end.offset = end.offset.saturating_add(1);
    Span::new(span.start, end)
}

/// The statement's Sid, unless it is missing or empty.
fn named(s: &Statement) -> Option<&Spanned<crate::policy::PolicyStr>> {
    s.sid.as_ref().filter(|sid| !sid.value.is_empty())
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `Principal: "*"` written as a bare string, not `{"AWS": "*"}`. The model reads both the same
/// (G9); the bare string is the only entry and ends where the element ends (the map form ends
/// with a `}` after it).
fn is_bare_star(principal: &PrincipalElement) -> bool {
    match principal.entries.as_slice() {
        [only] => only.value.value == "*" && only.value.span.end == principal.span.end,
        _ => false,
    }
}

fn has_star_principal(principal: &PrincipalElement) -> bool {
    principal
        .entries
        .iter()
        .any(|e| e.kind == PrincipalKind::Aws && e.value.value == "*")
}

impl Validator {
    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    fn version(&mut self, policy: &Policy) {
        let rcp = self.ty == PolicyType::Rcp;
        match policy.version_span {
            None if rcp => self.push(
                Diagnostic::error(
                    "rcp-version",
                    "a resource control policy must have `\"Version\": \"2012-10-17\"`",
                    Some(opening(policy.span)),
                )
                .with_fix("add `\"Version\": \"2012-10-17\"`"),
            ),
            None => self.push(
                Diagnostic::warning(
                    "missing-version",
                    "the policy has no `Version`: it is read as `2008-10-17`, where policy variables are plain text",
                    Some(opening(policy.span)),
                )
                .with_fix("add `\"Version\": \"2012-10-17\"`"),
            ),
            Some(span) if rcp && policy.version != PolicyVersion::V2012_10_17 => self.push(
                Diagnostic::error(
                    "rcp-version",
                    "a resource control policy must have `\"Version\": \"2012-10-17\"`",
                    Some(span),
                )
                .with_fix("use `2012-10-17`"),
            ),
            Some(_) => {}
        }
        // G2/V1: under 2008-10-17 `${…}` is literal; people rarely mean that.
        if !policy.version.substitutes_variables() {
            let with_variables = policy.statements.iter().flat_map(|s| {
                let resources = s.resource.iter().flat_map(|r| r.values.iter());
                let conditions = s.conditions.iter().flat_map(|c| c.values.iter());
                resources.chain(conditions)
            });
            if let Some(value) = with_variables.into_iter().find(|v| v.value.contains("${")) {
                self.push(
                    Diagnostic::warning(
                        "variables-need-2012",
                        format!(
                            "`{}` uses a policy variable, but under version `2008-10-17` it is plain text",
                            value.value
                        ),
                        Some(value.span),
                    )
                    .with_fix("set `\"Version\": \"2012-10-17\"`"),
                );
            }
        }
    }

    /// G5: `Id` is for resource-based policies; IAM rejects it in identity-based ones.
    fn id(&mut self, policy: &Policy) {
        let Some(id) = &policy.id else { return };
        if self.ty.is_identity_like() {
            self.push(
                Diagnostic::error(
                    "id-not-allowed",
                    format!("`Id` is not allowed in {}", self.ty.description()),
                    Some(id.span),
                )
                .with_fix("remove `Id`"),
            );
        } else if matches!(self.ty, PolicyType::Scp | PolicyType::Rcp) {
            self.push(Diagnostic::warning(
                "id-not-allowed",
                format!(
                    "`Id` is not among the elements of {}",
                    self.ty.description()
                ),
                Some(id.span),
            ));
        }
    }

    /// G4: in IAM policies a Sid is letters and digits and unique in the policy. Other services
    /// are looser (ECR and KMS examples use spaces); there a duplicate is only a warning.
    fn sids(&mut self, policy: &Policy) {
        let strict = self.ty.is_iam_policy();
        let organizations = matches!(self.ty, PolicyType::Scp | PolicyType::Rcp);
        // Each Sid's first statement: (Sid, position) sorted, so a Sid's first use leads its
        // run (a sort of the few Sids instead of a hash map built for every policy).
        // A duplicate needs two Sids; most policies have fewer, and need no table.
        let mut by_sid: Vec<(&str, usize)> = if policy
            .statements
            .iter()
            .filter(|s| named(s).is_some())
            .nth(1)
            .is_some()
        {
            policy
                .statements
                .iter()
                .enumerate()
                .filter_map(|(pos, s)| Some((named(s)?.value.as_str(), pos)))
                .collect()
        } else {
            Vec::new()
        };
        by_sid.sort_unstable();
        let first_use = |sid: &str| {
            let i = by_sid.partition_point(|(s, _)| *s < sid);
            by_sid
                .get(i)
                .filter(|(s, _)| *s == sid)
                .map(|&(_, pos)| pos)
        };
        // Both Sid findings are errors where IAM refuses them, warnings elsewhere.
        let severity = if strict {
            Severity::Error
        } else {
            Severity::Warning
        };
        for (pos, statement) in policy.statements.iter().enumerate() {
            let Some(sid) = &statement.sid else { continue };
            if (strict || organizations) && !sid.value.bytes().all(|b| b.is_ascii_alphanumeric()) {
                let cleaned: String = sid
                    .value
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                self.push(
                    Diagnostic::new(
                        severity,
                        "invalid-sid",
                        format!(
                            "the Sid `{}` may contain only letters A-Z, a-z and digits 0-9 in {}",
                            sid.value,
                            self.ty.description()
                        ),
                        Some(sid.span),
                    )
                    .with_fix(format!("use `{cleaned}`")),
                );
            }
            if sid.value.is_empty() {
                continue;
            }
            let first = first_use(&sid.value)
                .filter(|&first| first != pos)
                .and_then(|first| policy.statements.get(first))
                .map(|s| s.index);
            if let Some(first) = first {
                self.push(
                    Diagnostic::new(
                        severity,
                        "duplicate-sid",
                        format!(
                            "the Sid `{}` is already used by statement {first}",
                            sid.value
                        ),
                        Some(sid.span),
                    )
                    .with_fix("give each statement its own Sid"),
                );
            }
        }
    }

    /// `compiled`: the statement compiled, if it was.
    fn statement(&mut self, policy: &Policy, s: &Statement, compiled: Option<&CompiledStatement>) {
        self.principal(s);
        self.resource(
            s,
            compiled.map_or(&[], CompiledStatement::resource_patterns),
        );
        self.actions(s, compiled);
        if self.ty == PolicyType::Rcp {
            self.rcp(policy, s);
        }
        self.security(s);
    }

    /// G9–G12: whether a principal may or must be named, and how.
    fn principal(&mut self, s: &Statement) {
        let i = s.index;
        let ty = self.ty;
        let Some(p) = &s.principal else {
            let required = matches!(
                ty,
                PolicyType::Resource(_) | PolicyType::Rcp | PolicyType::VpcEndpoint
            );
            if required {
                self.push(
                    statement_error(
                        i,
                        "missing-principal",
                        format!(
                            "a statement in {} must have a `Principal`",
                            ty.description()
                        ),
                        opening(s.span),
                    )
                    .with_fix("add `\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}`"),
                );
            }
            return;
        };
        let element = if p.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        if ty.is_identity_like() || ty == PolicyType::Scp {
            self.push(
                statement_error(
                    i,
                    "principal-not-allowed",
                    format!(
                        "`{element}` is not allowed in {}: it applies to whoever it is attached to",
                        ty.description()
                    ),
                    p.span,
                )
                .with_fix(format!("remove `{element}`")),
            );
            return;
        }
        if p.negated {
            if matches!(
                ty,
                PolicyType::Resource(ResourceKind::RoleTrust) | PolicyType::Rcp
            ) {
                self.push(
                    statement_error(
                        i,
                        "notprincipal-not-allowed",
                        format!("`NotPrincipal` is not allowed in {}", ty.description()),
                        p.span,
                    )
                    .with_fix("use `Principal` with a condition on `aws:PrincipalArn`"),
                );
                return;
            }
            if s.effect.as_ref().map(|e| e.value) == Some(Effect::Allow) {
                // AWS no longer accepts it, but its meaning is clear, so the statement stays
                // evaluable: it allows everyone except the listed principals.
                self.push(
                    Diagnostic::error(
                        "notprincipal-with-allow",
                        "`NotPrincipal` with `Allow` is not supported: it would allow everyone except the listed principals, anonymous callers included",
                        Some(p.span),
                    )
                    .with_fix("use `Principal` with a condition on `aws:PrincipalArn`"),
                );
            }
        }
        if ty == PolicyType::Rcp && !is_bare_star(p) {
            self.push(
                statement_error(
                    i,
                    "rcp-principal",
                    "in a resource control policy `Principal` must be exactly `\"*\"`".into(),
                    p.span,
                )
                .with_fix("use `\"Principal\": \"*\"` and a condition on `aws:PrincipalArn`"),
            );
        }
        for entry in &p.entries {
            self.principal_value(i, element, entry);
        }
    }

    fn principal_value(&mut self, i: usize, element: &str, entry: &PrincipalEntry) {
        let value = entry.value.value.as_str();
        let span = entry.value.span;
        if value == "*" {
            return;
        }
        if value.contains('*') {
            self.push(
                statement_error(
                    i,
                    "principal-wildcard",
                    format!("`{value}`: a principal may be `*` alone, but not contain a wildcard"),
                    span,
                )
                .with_fix("use `\"*\"` with a condition on `aws:PrincipalArn` (`ArnLike`)"),
            );
            return;
        }
        let problem = match entry.kind {
            PrincipalKind::Aws => aws_principal_problem(value),
            PrincipalKind::Service => service_principal_problem(value),
            PrincipalKind::Federated => federated_principal_problem(value),
            PrincipalKind::CanonicalUser => {
                if !(value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())) {
                    self.push(Diagnostic::warning(
                        "invalid-principal",
                        format!(
                            "`{value}` does not look like an S3 canonical user ID (64 hex digits)"
                        ),
                        Some(span),
                    ));
                }
                None
            }
        };
        match problem {
            Some(Problem::Error(message)) => {
                self.push(statement_error(
                    i,
                    "invalid-principal",
                    format!("{element} `{value}`: {message}"),
                    span,
                ));
            }
            Some(Problem::Warning(message)) => self.push(Diagnostic::warning(
                "invalid-principal",
                format!("{element} `{value}`: {message}"),
                Some(span),
            )),
            None => {}
        }
    }

    /// G7/E3: `Resource` is required, except where the service implies it and it must be absent.
    fn resource(&mut self, s: &Statement, compiled: &[ResourcePattern]) {
        let i = s.index;
        let ty = self.ty;
        let implied = matches!(
            ty,
            PolicyType::Resource(ResourceKind::RoleTrust | ResourceKind::EcrRepository)
        );
        match &s.resource {
            Some(r) if implied => {
                let element = if r.negated { "NotResource" } else { "Resource" };
                self.push(statement_error(
                    i,
                    "resource-not-allowed",
                    format!(
                        "`{element}` is not allowed in {}: the resource is the one the policy is attached to",
                        ty.description()
                    ),
                    r.span,
                ).with_fix(format!("remove `{element}`")));
            }
            None if !implied => {
                self.push(
                    statement_error(
                        i,
                        "missing-resource",
                        format!(
                            "a statement in {} must have `Resource` or `NotResource`",
                            ty.description()
                        ),
                        opening(s.span),
                    )
                    .with_fix("add `\"Resource\": \"*\"` or the ARNs it applies to"),
                );
            }
            Some(r) => {
                let compiled = Some(compiled).filter(|c| c.len() == r.values.len());
                for (j, value) in r.values.iter().enumerate() {
                    let compiled = compiled.and_then(|c| c.get(j));
                    self.resource_value(i, value.value.as_str(), value.span, compiled);
                }
            }
            None => {}
        }
    }

    /// M5/M6: `*`, or `arn:partition:service:region:account:resource` with no wildcard in the
    /// service; V2: variables only in the resource part.
    /// `compiled`: the value compiled, if it was.
    fn resource_value(
        &mut self,
        i: usize,
        value: &str,
        span: Span,
        compiled: Option<&ResourcePattern>,
    ) {
        if value == "*" {
            return;
        }
        if !value.starts_with("arn:") {
            self.push(statement_error(
                i,
                "invalid-arn",
                format!("resource `{value}` must be `*` or an ARN (`arn:partition:service:region:account:resource`)"),
                span,
            ));
            return;
        }
        let ArnParts { service, six_parts } = compiled
            .and_then(|c| ArnParts::compiled(value, c))
            .unwrap_or_else(|| ArnParts::read(value));
        if service.bytes().any(|b| b == b'*' || b == b'?') {
            self.push(statement_error(
                i,
                "invalid-arn",
                format!("resource `{value}`: the service part of an ARN cannot contain a wildcard"),
                span,
            ));
            return;
        }
        let Some(head) = six_parts else {
            if value.ends_with('*') && !service.is_empty() {
                self.push(
                    Diagnostic::warning(
                        "short-arn",
                        format!("resource `{value}` has fewer than 6 parts; the final `*` matches the rest"),
                        Some(span),
                    )
                    .with_fix("write every part, e.g. `arn:aws:ec2:*:*:*`"),
                );
            } else {
                self.push(statement_error(
                    i,
                    "invalid-arn",
                    format!("resource `{value}` must have 6 parts: `arn:partition:service:region:account:resource`"),
                    span,
                ));
            }
            return;
        };
        if head.partition_empty || service.is_empty() {
            self.push(statement_error(
                i,
                "invalid-arn",
                format!(
                    "resource `{value}`: the partition and the service of an ARN cannot be empty"
                ),
                span,
            ));
            return;
        }
        // A `${` never holds a `:`, so one scan of the text before the resource part finds
        // any `${` of the first five parts.
        if head.has_variable {
            self.push(Diagnostic::warning(
                "variable-outside-resource-part",
                format!("resource `{value}`: policy variables work only in the resource part, after the fifth `:`"),
                Some(span),
            ));
        }
        if self.ty == PolicyType::Resource(ResourceKind::KmsKey) {
            self.push(
                Diagnostic::warning(
                    "kms-resource",
                    format!(
                        "in a key policy `Resource` is `*`, meaning this key; `{value}` is unusual"
                    ),
                    Some(span),
                )
                .with_fix("use `\"Resource\": \"*\"`"),
            );
        }
    }

    /// M1: `*` or `service:Action`. `compiled`: the statement compiled, if it was.
    fn actions(&mut self, s: &Statement, compiled: Option<&CompiledStatement>) {
        let Some(a) = &s.action else { return };
        // Compiling found every value well formed: only a trust policy says more of them.
        let trust = self.ty == PolicyType::Resource(ResourceKind::RoleTrust);
        if !trust && compiled.is_some_and(CompiledStatement::actions_well_formed) {
            return;
        }
        let element = if a.negated { "NotAction" } else { "Action" };
        for value in &a.values {
            let text = value.value.as_str();
            if text == "*" {
                continue;
            }
            let well_formed = ActionPattern::is_service_and_name(text);
            if !well_formed {
                self.push(statement_error(
                    s.index,
                    "invalid-action",
                    format!(
                        "{element} `{text}` must be `*` or `service:Action`, e.g. `s3:GetObject`"
                    ),
                    value.span,
                ));
            } else if trust && !text.to_ascii_lowercase().starts_with("sts:") {
                self.push(Diagnostic::warning(
                    "trust-action",
                    format!("{element} `{text}`: a role trust policy only controls `sts:` actions such as `sts:AssumeRole`"),
                    Some(value.span),
                ));
            }
        }
    }

    /// G12/Q5: an RCP is Deny-only with `Principal: "*"`, except AWS's own `RCPFullAWSAccess`.
    fn rcp(&mut self, _policy: &Policy, s: &Statement) {
        let i = s.index;
        if is_rcp_full_access(s) {
            return;
        }
        if let Some(a) = s.action.as_ref().filter(|a| a.negated) {
            self.push(statement_error(
                i,
                "rcp-notaction",
                "`NotAction` is not allowed in a resource control policy".into(),
                a.span,
            ));
        }
        if let Some(e) = s.effect.as_ref().filter(|e| e.value == Effect::Allow) {
            self.push(statement_error(
                i,
                "rcp-allow",
                "a resource control policy can only `Deny`: `Allow` exists only in the AWS-managed `RCPFullAWSAccess`".into(),
                e.span,
            ).with_fix("use `\"Effect\": \"Deny\"`"));
        }
        if let Some(star) = s
            .action
            .iter()
            .filter(|a| !a.negated)
            .flat_map(|a| a.values.iter())
            .find(|v| v.value == "*")
        {
            self.push(
                statement_error(
                    i,
                    "rcp-action-star",
                    "`Action: \"*\"` is not allowed in a customer resource control policy".into(),
                    star.span,
                )
                .with_fix("list the actions, e.g. `s3:*`"),
            );
        }
    }

    /// Access-Analyzer-style security warnings that are cheap to detect.
    fn security(&mut self, s: &Statement) {
        if s.effect.as_ref().map(|e| e.value) != Some(Effect::Allow) {
            return;
        }
        if let Some(a) = s.action.as_ref().filter(|a| a.negated) {
            self.push(
                Diagnostic::new(
                    Severity::SecurityWarning,
                    "allow-with-notaction",
                    "`Allow` with `NotAction` allows every other action, of every service, now and in future",
                    Some(a.span),
                )
                .with_fix("list the actions to allow with `Action`")
                .in_statement(s.index),
            );
        }
        let resource_policy = matches!(self.ty, PolicyType::Resource(_));
        if let Some(p) = s
            .principal
            .as_ref()
            .filter(|p| !p.negated && resource_policy)
        {
            if has_star_principal(p) && s.conditions.is_empty() {
                let who = if self.ty == PolicyType::Resource(ResourceKind::RoleTrust) {
                    "anyone, in any account, can assume this role"
                } else {
                    "anyone, including anonymous callers, gets this access"
                };
                self.push(
                    Diagnostic::new(
                        Severity::SecurityWarning,
                        "public-access",
                        format!("`Principal: \"*\"` with `Allow` and no condition: {who}"),
                        Some(p.span),
                    )
                    .with_fix(
                        "name the principals, or add a condition such as `aws:PrincipalOrgID`",
                    )
                    .in_statement(s.index),
                );
            }
        }
    }
}

/// AWS's `RCPFullAWSAccess`: Allow `*` on `*` to `Principal: "*"`, with no condition.
fn is_rcp_full_access(s: &Statement) -> bool {
    let only_star = |e: &Option<StringElement>| {
        e.as_ref().is_some_and(|e| {
            !e.negated && e.values.len() == 1 && e.values.iter().all(|v| v.value == "*")
        })
    };
    s.effect.as_ref().map(|e| e.value) == Some(Effect::Allow)
        && s.principal
            .as_ref()
            .is_some_and(|p| !p.negated && is_bare_star(p))
        && only_star(&s.action)
        && only_star(&s.resource)
        && s.conditions.is_empty()
}

enum Problem {
    Error(String),
    Warning(String),
}

/// G9/G10: an account ID, or an IAM/STS principal ARN.
fn aws_principal_problem(value: &str) -> Option<Problem> {
    if is_account_id(value) {
        return None;
    }
    // IAM shows a deleted principal as its unique ID (AIDA… users, AROA… roles).
    if (value.starts_with("AIDA") || value.starts_with("AROA"))
        && value.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Some(Problem::Warning(
            "this is the unique ID of a deleted user or role; it matches no one".into(),
        ));
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else {
        return Some(Problem::Error(
            "expected a 12-digit account ID or an ARN such as `arn:aws:iam::111122223333:role/name`".into(),
        ));
    };
    if *arn != "arn" || partition.is_empty() {
        return Some(Problem::Error("expected `arn:partition:…`".into()));
    }
    if !region.is_empty() {
        return Some(Problem::Error(
            "IAM and STS principal ARNs have no region".into(),
        ));
    }
    if !is_account_id(account) {
        return Some(Problem::Error(format!(
            "`{account}` is not a 12-digit account ID"
        )));
    }
    let (kind, rest) = resource.split_once('/').unwrap_or((resource, ""));
    let ok = match (*service, kind) {
        ("iam", "root") => rest.is_empty(),
        ("iam", "user" | "role") => !rest.is_empty(),
        ("iam", "group") => return Some(Problem::Error("groups cannot be principals".into())),
        ("sts", "assumed-role") => rest
            .split_once('/')
            .is_some_and(|(r, s)| !r.is_empty() && !s.is_empty()),
        ("sts", "federated-user") => !rest.is_empty(),
        _ => false,
    };
    if ok {
        None
    } else {
        Some(Problem::Error(
            "expected `:root`, `user/…`, `role/…` (iam) or `assumed-role/…/…`, `federated-user/…` (sts)".into(),
        ))
    }
}

fn service_principal_problem(value: &str) -> Option<Problem> {
    if value.is_empty() || value.contains(char::is_whitespace) || value.starts_with("arn:") {
        return Some(Problem::Error(
            "expected a service name such as `codebuild.amazonaws.com`".into(),
        ));
    }
    if !value.contains('.') {
        return Some(Problem::Warning(
            "service principals look like `name.amazonaws.com`".into(),
        ));
    }
    None
}

fn federated_principal_problem(value: &str) -> Option<Problem> {
    if value.is_empty() || value.contains(char::is_whitespace) {
        return Some(Problem::Error("expected an identity provider".into()));
    }
    if value.starts_with("arn:")
        && !(value.contains(":saml-provider/") || value.contains(":oidc-provider/"))
    {
        return Some(Problem::Error(
            "expected a SAML provider ARN (`arn:aws:iam::111122223333:saml-provider/name`) or an OIDC provider".into(),
        ));
    }
    None
}

#[cfg(test)]
mod tests;

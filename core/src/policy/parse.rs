//! From policy text to the [`Policy`] model, keeping spans, collecting every problem.
//!
//! ```
//! use iamsim_core::policy::{parse_policy, Effect};
//!
//! let parsed = parse_policy(r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{ "Effect": "allow", "Action": "s3:GetObject", "Resource": "*" }]
//! }"#);
//! let policy = parsed.policy.expect("a JSON object");
//! let statement = &policy.statements[0];
//! // G6: `allow` is not `Allow`. The statement is kept, marked invalid, and the diagnostic
//! // says where and how to fix it.
//! assert!(statement.invalid.is_some());
//! let d = &parsed.diagnostics[0];
//! assert_eq!((d.code.as_str(), d.statement), ("invalid-effect", Some(0)));
//! assert_eq!(d.fix.as_deref(), Some("use `Allow`"));
//! assert_eq!(d.span.map(|s| (s.start.line, s.start.column)), Some((3, 29)));
//! # let _ = Effect::Allow;
//! ```
//!
//! Rules:
//! - `policy` is `None` only when the text is not a well-formed JSON object (a syntax error,
//!   or another JSON value at the top); the diagnostics say why.
//! - An error inside one statement carries `.in_statement(i)` and sets `statement.invalid`, so
//!   the evaluator can skip that statement alone (fail closed). Type-specific rules (which
//!   elements a resource policy needs, …) are [`super::validate`]'s job, not this module's.
//! - Element names are case-sensitive; a near miss gets a "did you mean".
//! - A duplicate key is an error (G1); the last occurrence is the one read.

mod from_source;
mod from_value;
mod plain;
mod pretty;
pub(crate) mod string_end;

use super::model::*;
use super::operator::Operator;
use crate::diagnostic::Diagnostic;
use crate::json::scan::Scanner;
use crate::json::{self, Member, Value, ValueKind};
use crate::span::{Span, Spanned};
use crate::suggest::closest;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

/// A policy text and what was read from it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedPolicy {
    /// The text the spans refer to.
    pub text: PolicyText,
    /// `None` only when the text is not a JSON object at all.
    pub policy: Option<Policy>,
    /// JSON and grammar findings, in text order of discovery.
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedPolicy {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The text a [`ParsedPolicy`]'s spans refer to; reads as a `str`. A plain document of a
/// scenario line is read with its positions only, and keeps its JSON source: its pretty text
/// is written from that source the first time it is read (evaluation needs the spans alone).
#[derive(Clone)]
pub struct PolicyText {
    written: OnceLock<String>,
    /// The source a plain document was read from, its text not written yet.
    source: Option<Arc<str>>,
}

impl PolicyText {
    /// The text of a plain document read from `source`, written when first read.
    fn unwritten(source: Arc<str>) -> Self {
        PolicyText {
            written: OnceLock::new(),
            source: Some(source),
        }
    }

    pub fn as_str(&self) -> &str {
        self.written.get_or_init(|| {
            // The plain reader read this source once already, so it reads it again.
            self.source
                .as_deref()
                .and_then(plain::written_text)
                .unwrap_or_default()
        })
    }

    /// The source of a plain document whose text is not written yet.
    fn unwritten_source(&self) -> Option<Arc<str>> {
        self.written.get().is_none().then(|| self.source.clone())?
    }
}

impl From<String> for PolicyText {
    fn from(text: String) -> Self {
        PolicyText {
            written: OnceLock::from(text),
            source: None,
        }
    }
}

impl std::ops::Deref for PolicyText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for PolicyText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<str> for PolicyText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for PolicyText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for PolicyText {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl std::fmt::Debug for PolicyText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl std::fmt::Display for PolicyText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

const TOP_LEVEL_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Reads a policy from its text.
pub fn parse_policy(text: &str) -> ParsedPolicy {
    let doc = json::parse(text);
    let mut diagnostics = doc.diagnostics;
    let policy = doc
        .value
        .and_then(|mut root| read_policy(&mut root, &mut diagnostics));
    ParsedPolicy {
        text: text.to_string().into(),
        policy,
        diagnostics,
    }
}

/// Reads a policy given as a JSON value (a scenario's `document` object). The value is rendered
/// as pretty-printed text (serde_json's `to_string_pretty`), which `text` holds and the spans
/// refer to.
///
/// Key order is serde_json's: sorted unless its `preserve_order` feature is on. Duplicate keys
/// were already merged by serde_json, so G1 cannot be checked on this path.
pub fn parse_policy_value(value: &serde_json::Value) -> ParsedPolicy {
    // One pass writes the text and the tree the reader would read back from it.
    if let Some((text, root)) = from_value::render(value) {
        return read_rendered(text, root);
    }
    match serde_json::to_string_pretty(value) {
        Ok(text) => parse_policy(&text),
        Err(error) => ParsedPolicy {
            text: String::new().into(),
            policy: None,
            diagnostics: vec![Diagnostic::error(
                "invalid-document",
                format!("the policy could not be rendered as text: {error}"),
                None,
            )],
        },
    }
}

/// A policy document's pretty text and what is read from it, written from its JSON source (an
/// object inside a scenario line) exactly as [`parse_policy_value`] writes them for the
/// `serde_json::Value` of that source, without building the value.
#[derive(Debug)]
pub(crate) enum RenderedSource {
    /// A plain document, read while its text was written (see `plain`).
    Read(ParsedPolicy),
    /// Any other document of the plain vocabulary of `from_source`: its text and tree.
    Tree { text: String, root: Value },
}

impl RenderedSource {
    /// Renders the whole of `source`; `None` when it is outside the plain vocabulary this path
    /// takes (see `from_source`): the caller then reads the value.
    pub(crate) fn new(source: &str) -> Option<Self> {
        let mut scanner = Scanner::new(source);
        let rendered = Self::at(&mut scanner)?;
        scanner.at_end().then_some(rendered)
    }

    /// Renders the value at the scanner, inside a longer text (a scenario line); `None` as for
    /// [`Self::new`], the scanner then left anywhere inside the value.
    pub(crate) fn at(scanner: &mut Scanner<'_>) -> Option<Self> {
        let start = scanner.clone();
        if let Some(parsed) = plain::read_at(scanner) {
            return Some(RenderedSource::Read(parsed));
        }
        *scanner = start;
        let (text, root) = from_source::render_at(scanner)?;
        Some(RenderedSource::Tree { text, root })
    }

    /// The JSON source of a plain document whose pretty text is not written yet: the
    /// scenario's document keeps the same copy.
    pub(crate) fn unwritten_source(&self) -> Option<Arc<str>> {
        match self {
            RenderedSource::Read(parsed) => parsed.text.unwritten_source(),
            RenderedSource::Tree { .. } => None,
        }
    }

    /// Reads the policy.
    pub(crate) fn parse(self) -> ParsedPolicy {
        match self {
            RenderedSource::Read(parsed) => parsed,
            RenderedSource::Tree { text, root } => read_rendered(text, root),
        }
    }
}

/// Reads the policy from a tree written together with its pretty `text`.
fn read_rendered(text: String, mut root: Value) -> ParsedPolicy {
    let mut diagnostics = Vec::new();
    let policy = read_policy(&mut root, &mut diagnostics);
    ParsedPolicy {
        text: text.into(),
        policy,
        diagnostics,
    }
}

/// The span of the first char of `span` (a `{`): where "missing …" findings point.
fn opening(span: Span) -> Span {
    let mut end = span.start;
    end.column = end.column.saturating_add(1);
    end.offset = end.offset.saturating_add(1);
    Span::new(span.start, end.min(span.end.max(span.start)))
}

fn unknown_element(name: &Spanned<Cow<'static, str>>, known: &[&str], place: &str) -> Diagnostic {
    let d = Diagnostic::error(
        "unknown-element",
        format!("unknown element `{}` {place}", name.value),
        Some(name.span),
    );
    match closest(&name.value, known.iter().copied()) {
        Some(s) => d.with_fix(format!("use `{s}`")),
        None => d.with_fix(format!("remove it; allowed here: {}", known.join(", "))),
    }
}

fn type_error(element: &str, expected: &str, found: &Value) -> Diagnostic {
    Diagnostic::error(
        "invalid-type",
        format!(
            "`{element}` must be {expected}, found {}",
            found.type_name()
        ),
        Some(found.span),
    )
}

/// The tree's strings move into the model (the tree is not read again).
fn read_policy(root: &mut Value, diagnostics: &mut Vec<Diagnostic>) -> Option<Policy> {
    let root_span = root.span;
    let Some(members) = root.as_object_mut() else {
        diagnostics.push(Diagnostic::error(
            "not-an-object",
            format!("a policy must be a JSON object, found {}", root.type_name()),
            Some(root.span),
        ));
        return None;
    };
    let mut policy = Policy {
        version: PolicyVersion::V2008_10_17,
        version_span: None,
        id: None,
        statements: Vec::new(),
        span: root_span,
    };
    // `None` until a `Statement` element is read; `Some(false)` when it had the wrong type.
    let mut statement_ok = None;
    for member in members.iter_mut() {
        match &*member.key.value {
            "Version" => {
                policy.version_span = Some(member.value.span);
                policy.version = read_version(&member.value, diagnostics);
            }
            "Id" => match member.value.take_string() {
                Some(id) => policy.id = Some(Spanned::new(id.into(), member.value.span)),
                None => diagnostics.push(type_error("Id", "a string", &member.value)),
            },
            "Statement" => {
                let statements = read_statements(&mut member.value, diagnostics);
                statement_ok = Some(statements.is_some());
                policy.statements = statements.unwrap_or_default();
            }
            _ => diagnostics.push(unknown_element(
                &member.key,
                &TOP_LEVEL_ELEMENTS,
                "at the top of the policy",
            )),
        }
    }
    if statement_ok.is_none() {
        diagnostics.push(
            Diagnostic::error(
                "missing-statement",
                "the policy has no `Statement` element",
                Some(opening(root_span)),
            )
            .with_fix("add `\"Statement\": [ … ]`"),
        );
    } else if statement_ok == Some(true) && policy.statements.is_empty() {
        diagnostics.push(Diagnostic::warning(
            "no-statements",
            "the policy has no statements: it allows and denies nothing",
            members
                .iter()
                .rev()
                .find(|m| m.key.value == "Statement")
                .map(Member::span),
        ));
    }
    attach_duplicates(&mut policy.statements, diagnostics);
    Some(policy)
}

/// G2: `2012-10-17` or `2008-10-17`. Anything else is an error and reads as `2008-10-17`, the
/// version AWS assumes when none is given, so that variables stay literal (fail closed).
fn read_version(value: &Value, diagnostics: &mut Vec<Diagnostic>) -> PolicyVersion {
    match value.as_str() {
        Some("2012-10-17") => PolicyVersion::V2012_10_17,
        Some("2008-10-17") => PolicyVersion::V2008_10_17,
        other => {
            let found = match other {
                Some(s) => format!("`{s}`"),
                None => value.type_name().to_string(),
            };
            diagnostics.push(
                Diagnostic::error(
                    "invalid-version",
                    format!("`Version` must be `2012-10-17` or `2008-10-17`, found {found}"),
                    Some(value.span),
                )
                .with_fix("use `2012-10-17`"),
            );
            PolicyVersion::V2008_10_17
        }
    }
}

/// G3: one statement object or an array of them.
fn read_statements(value: &mut Value, diagnostics: &mut Vec<Diagnostic>) -> Option<Vec<Statement>> {
    match &mut value.kind {
        ValueKind::Object(_) => Some(vec![read_statement(0, value, diagnostics)]),
        ValueKind::Array(items) => Some(
            items
                .iter_mut()
                .enumerate()
                .map(|(index, item)| read_statement(index, item, diagnostics))
                .collect(),
        ),
        _ => {
            diagnostics.push(type_error(
                "Statement",
                "an object or an array of objects",
                value,
            ));
            None
        }
    }
}

/// Duplicate keys inside a statement make it ambiguous: tie them to it and mark it invalid.
fn attach_duplicates(statements: &mut [Statement], diagnostics: &mut [Diagnostic]) {
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.code == json::DUPLICATE_KEY)
    {
        let Some(span) = d.span else { continue };
        if let Some(statement) = statements
            .iter_mut()
            .find(|s| s.span.contains_offset(span.start.offset))
        {
            d.statement = Some(statement.index);
            statement.invalid.get_or_insert_with(|| d.message.clone());
        }
    }
}

fn empty_statement(index: usize, span: Span) -> Statement {
    Statement {
        index,
        span,
        sid: None,
        effect: None,
        principal: None,
        action: None,
        resource: None,
        conditions: Vec::new(),
        condition_span: None,
        invalid: None,
    }
}

fn read_statement(index: usize, value: &mut Value, diagnostics: &mut Vec<Diagnostic>) -> Statement {
    let span = value.span;
    let mut statement = empty_statement(index, span);
    let mut errors = Vec::new();
    match value.as_object_mut() {
        Some(members) => read_statement_members(&mut statement, members, span, &mut errors),
        None => errors.push(Diagnostic::error(
            "invalid-statement",
            format!("a statement must be an object, found {}", value.type_name()),
            Some(value.span),
        )),
    }
    if let Some(first) = errors.first() {
        statement.invalid = Some(first.message.clone());
    }
    diagnostics.extend(errors.into_iter().map(|d| d.in_statement(index)));
    statement
}

fn read_statement_members(
    statement: &mut Statement,
    members: &mut [Member],
    span: Span,
    errors: &mut Vec<Diagnostic>,
) {
    // Whether the elements a statement needs were written (whatever their values).
    let (mut has_effect, mut has_action) = (false, false);
    for member in members.iter_mut() {
        let member_span = member.span();
        let Member { key: name, value } = member;
        let key = &*name.value;
        match key {
            "Sid" => match value.take_string() {
                Some(sid) => statement.sid = Some(Spanned::new(sid.into(), value.span)),
                None => errors.push(type_error("Sid", "a string", value)),
            },
            "Effect" => {
                has_effect = true;
                statement.effect = read_effect(value, errors);
            }
            "Principal" | "NotPrincipal" => {
                let negated = key == "NotPrincipal";
                if statement
                    .principal
                    .as_ref()
                    .is_some_and(|p| p.negated != negated)
                {
                    errors.push(both("Principal", "NotPrincipal", name));
                }
                statement.principal = read_principal(name, value, member_span, negated, errors);
            }
            "Action" | "NotAction" => {
                let negated = key == "NotAction";
                has_action = true;
                if statement
                    .action
                    .as_ref()
                    .is_some_and(|a| a.negated != negated)
                {
                    errors.push(both("Action", "NotAction", name));
                }
                statement.action = read_strings(name, value, member_span, negated, errors);
            }
            "Resource" | "NotResource" => {
                let negated = key == "NotResource";
                if statement
                    .resource
                    .as_ref()
                    .is_some_and(|r| r.negated != negated)
                {
                    errors.push(both("Resource", "NotResource", name));
                }
                statement.resource = read_strings(name, value, member_span, negated, errors);
            }
            "Condition" => {
                statement.condition_span = Some(member_span);
                statement.conditions = read_condition(value, errors);
            }
            _ => errors.push(unknown_element(name, &STATEMENT_ELEMENTS, "in a statement")),
        }
    }
    if !has_effect {
        errors.push(
            Diagnostic::error(
                "missing-effect",
                "the statement has no `Effect`",
                Some(opening(span)),
            )
            .with_fix("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`"),
        );
    }
    if !has_action {
        errors.push(Diagnostic::error(
            "missing-action",
            "the statement has no `Action` or `NotAction`",
            Some(opening(span)),
        ));
    }
}

fn both(plain: &str, negated: &str, second: &Spanned<Cow<'static, str>>) -> Diagnostic {
    Diagnostic::error(
        "conflicting-elements",
        format!("a statement may have `{plain}` or `{negated}`, not both"),
        Some(second.span),
    )
    .with_fix(format!("remove one of `{plain}` and `{negated}`"))
}

/// G6: exactly `Allow` or `Deny`, case-sensitive.
fn read_effect(value: &Value, errors: &mut Vec<Diagnostic>) -> Option<Spanned<Effect>> {
    let Some(text) = value.as_str() else {
        errors.push(type_error("Effect", "`Allow` or `Deny`", value));
        return None;
    };
    match text {
        "Allow" => Some(Spanned::new(Effect::Allow, value.span)),
        "Deny" => Some(Spanned::new(Effect::Deny, value.span)),
        _ => {
            let d = Diagnostic::error(
                "invalid-effect",
                format!("`Effect` must be `Allow` or `Deny` (case-sensitive), found `{text}`"),
                Some(value.span),
            );
            errors.push(match closest(text, ["Allow", "Deny"]) {
                Some(s) => d.with_fix(format!("use `{s}`")),
                None => d,
            });
            None
        }
    }
}

/// The strings of a string-or-array element; `None` (with an error) when it has another shape.
fn read_string_list(
    element: &str,
    value: &mut Value,
    errors: &mut Vec<Diagnostic>,
) -> Option<Vec<Spanned<PolicyStr>>> {
    let span = value.span;
    match &mut value.kind {
        ValueKind::String(s) => Some(vec![Spanned::new(std::mem::take(s).into(), span)]),
        ValueKind::Array(items) if items.is_empty() => {
            errors.push(Diagnostic::error(
                "empty-list",
                format!("`{element}` has an empty list"),
                Some(span),
            ));
            None
        }
        ValueKind::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter_mut() {
                match item.take_string() {
                    Some(s) => out.push(Spanned::new(s.into(), item.span)),
                    None => {
                        errors.push(type_error(element, "a string or an array of strings", item))
                    }
                }
            }
            (out.len() == items.len()).then_some(out)
        }
        _ => {
            errors.push(type_error(
                element,
                "a string or an array of strings",
                value,
            ));
            None
        }
    }
}

/// `Action`/`NotAction`, `Resource`/`NotResource` (G7).
fn read_strings(
    name: &Spanned<Cow<'static, str>>,
    value: &mut Value,
    span: Span,
    negated: bool,
    errors: &mut Vec<Diagnostic>,
) -> Option<StringElement> {
    let values = read_string_list(&name.value, value, errors)?;
    Some(StringElement {
        negated,
        values: values.into(),
        span,
    })
}

/// `Principal`/`NotPrincipal` (G9): `"*"` or a map of AWS/Service/Federated/CanonicalUser.
fn read_principal(
    name: &Spanned<Cow<'static, str>>,
    value: &mut Value,
    span: Span,
    negated: bool,
    errors: &mut Vec<Diagnostic>,
) -> Option<PrincipalElement> {
    let element = &*name.value;
    let value_span = value.span;
    let mut entries = Vec::new();
    match &mut value.kind {
        ValueKind::String(s) if s == "*" => entries.push(PrincipalEntry {
            kind: PrincipalKind::Aws,
            value: Spanned::new(std::mem::take(s).into(), value_span),
        }),
        ValueKind::String(s) => {
            errors.push(
                Diagnostic::error(
                    "invalid-principal",
                    format!("`{element}` must be `\"*\"` or an object such as `{{\"AWS\": …}}`, found `{s}`"),
                    Some(value_span),
                )
                .with_fix(format!("write `{{\"AWS\": \"{s}\"}}`")),
            );
            return None;
        }
        ValueKind::Object(kinds) if kinds.is_empty() => {
            errors.push(Diagnostic::error(
                "empty-list",
                format!("`{element}` has no principals"),
                Some(value_span),
            ));
            return None;
        }
        ValueKind::Object(kinds) => {
            let before = errors.len();
            for Member { key, value } in kinds.iter_mut() {
                let Some(kind) = principal_kind(key, errors) else {
                    continue;
                };
                let Some(values) = read_string_list(&key.value, value, errors) else {
                    continue;
                };
                entries.extend(
                    values
                        .into_iter()
                        .map(|value| PrincipalEntry { kind, value }),
                );
            }
            if errors.len() > before {
                return None;
            }
        }
        _ => {
            errors.push(type_error(
                element,
                "`\"*\"` or an object such as `{\"AWS\": …}`",
                value,
            ));
            return None;
        }
    }
    Some(PrincipalElement {
        negated,
        entries,
        span,
    })
}

fn principal_kind(
    key: &Spanned<Cow<'static, str>>,
    errors: &mut Vec<Diagnostic>,
) -> Option<PrincipalKind> {
    const KINDS: [PrincipalKind; 4] = [
        PrincipalKind::Aws,
        PrincipalKind::Service,
        PrincipalKind::Federated,
        PrincipalKind::CanonicalUser,
    ];
    if let Some(kind) = KINDS.iter().find(|k| k.as_str() == key.value) {
        return Some(*kind);
    }
    let d = Diagnostic::error(
        "invalid-principal",
        format!(
            "`{}` is not a principal type: use `AWS`, `Service`, `Federated` or `CanonicalUser`",
            key.value
        ),
        Some(key.span),
    );
    errors.push(
        match closest(&key.value, KINDS.iter().map(|k| k.as_str())) {
            Some(s) => d.with_fix(format!("use `{s}`")),
            None => d,
        },
    );
    None
}

/// G8: `{Operator: {Key: value | [values]}}`, flattened to one entry per operator and key.
fn read_condition(value: &mut Value, errors: &mut Vec<Diagnostic>) -> Vec<ConditionEntry> {
    let Some(operators) = value.as_object_mut() else {
        errors.push(type_error(
            "Condition",
            "an object of condition operators",
            value,
        ));
        return Vec::new();
    };
    let mut entries = Vec::new();
    for op_member in operators.iter_mut() {
        let operator = match Operator::parse(&op_member.key.value) {
            Ok(op) => Spanned::new(op, op_member.key.span),
            Err(e) => {
                let d = Diagnostic::error("invalid-operator", e.message, Some(op_member.key.span));
                errors.push(match e.suggestion {
                    Some(s) => d.with_fix(format!("did you mean `{s}`?")),
                    None => d,
                });
                continue;
            }
        };
        let Some(keys) = op_member.value.as_object_mut() else {
            errors.push(type_error(
                &op_member.key.value,
                "an object of condition keys and values",
                &op_member.value,
            ));
            continue;
        };
        for key_member in keys.iter_mut() {
            if let Some(values) = condition_values(key_member, errors) {
                entries.push(ConditionEntry {
                    operator: operator.clone(),
                    span: key_member.span(),
                    key: Spanned::new(PolicyStr::from(&*key_member.key.value), key_member.key.span),
                    values: values.into(),
                });
            }
        }
    }
    entries
}

/// A key's values: strings, numbers or booleans, alone or in a non-empty array, as canonical
/// strings (G8).
fn condition_values(
    member: &mut Member,
    errors: &mut Vec<Diagnostic>,
) -> Option<Vec<Spanned<PolicyStr>>> {
    let key = &member.key.value;
    let scalar = |item: &mut Value, errors: &mut Vec<Diagnostic>| match item.take_scalar_text() {
        Some(text) => Some(Spanned::new(text.into(), item.span)),
        None => {
            errors.push(
                Diagnostic::error(
                    "invalid-type",
                    format!(
                        "the value of condition key `{key}` must be a string, number or boolean (or an array of them), found {}",
                        item.type_name()
                    ),
                    Some(item.span),
                ),
            );
            None
        }
    };
    let span = member.value.span;
    match &mut member.value.kind {
        ValueKind::Array(items) if items.is_empty() => {
            errors.push(Diagnostic::error(
                "empty-list",
                format!("condition key `{key}` has an empty list of values"),
                Some(span),
            ));
            None
        }
        ValueKind::Array(items) => {
            let values: Vec<_> = items
                .iter_mut()
                .filter_map(|item| scalar(item, errors))
                .collect();
            (values.len() == items.len()).then_some(values)
        }
        _ => scalar(&mut member.value, errors).map(|v| vec![v]),
    }
}

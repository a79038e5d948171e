//! The statement-level API the evaluator calls: compile a policy once, then ask of each
//! statement whether it applies to a request (fast path) or why (explanations). M11: a statement
//! applies when the principal (where checked), the action, the resource and every condition
//! match.

use super::action::ActionPattern;
use super::arn::{ResourceMatch, ResourcePattern};
use super::cache::{cached_list, ListCache, TextsId};
pub use super::prepared::PreparedMatch;
use super::principal::{
    match_not_principal, match_principal_list, PrincipalMatchKind, PrincipalPattern,
    RequestPrincipal,
};
use super::small_list::SmallList;
use crate::concat::concat;
use crate::condition::{CompiledCondition, ConditionTrace};
use crate::context::RequestContext;
use crate::note::{shared_text, AroundNote, NamedText, Note, SharedText};
use crate::policy::{Effect, Policy, PrincipalElement, Statement, StringElement};
use crate::span::Span;
use serde::Serialize;
use std::cell::RefCell;
use std::sync::Arc;

/// What the evaluator asks about.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub principal: &'a RequestPrincipal,
    pub action: &'a str,
    /// An ARN, or `"*"` for actions without a resource type (M4).
    pub resource: &'a str,
    pub context: &'a RequestContext,
}

/// How the policy type reads a statement.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MatchOptions {
    /// Resource-based policies and RCPs: the `Principal`/`NotPrincipal` element must match.
    pub check_principal: bool,
    /// Trust and ECR repository policies: no `Resource` element, the resource is implied (E3).
    pub implicit_resource: bool,
    /// The principal has a permissions boundary (M10: Deny + NotPrincipal always applies).
    pub principal_has_boundary: bool,
}

/// A statement applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Applies {
    /// How the principal matched, when it was checked. A `NotPrincipal` that applies reports
    /// `Star` (everyone not listed) and sets `not_principal`.
    pub principal: Option<PrincipalMatchKind>,
    pub not_principal: bool,
}

/// A policy compiled for matching.
#[derive(Clone, Debug)]
pub struct CompiledPolicy {
    statements: Vec<CompiledStatement>,
}

impl CompiledPolicy {
    pub fn compile(policy: &Policy) -> Self {
        let variables = policy.version.substitutes_variables();
        CompiledPolicy {
            statements: policy
                .statements
                .iter()
                .map(|s| CompiledStatement::compile(s, variables))
                .collect(),
        }
    }

    pub fn statements(&self) -> &[CompiledStatement] {
        &self.statements
    }

    /// The compiled form of `statement`, the `k`-th of the policy this was compiled from (none
    /// if `self` was compiled from another policy): what validation and lint read instead of
    /// scanning the statement's texts again.
    pub(crate) fn statement_at(
        &self,
        k: usize,
        statement: &Statement,
    ) -> Option<&CompiledStatement> {
        self.statements
            .get(k)
            .filter(|c| c.index() == statement.index)
    }
}

/// One statement, ready to be matched many times.
#[derive(Clone, Debug)]
pub struct CompiledStatement {
    index: usize,
    sid: Option<Arc<str>>,
    effect: Option<Effect>,
    span: Span,
    invalid: Option<String>,
    principal: Option<CompiledPrincipal>,
    /// Shared by the statements with the same `Action` texts (see [`compile_actions`]).
    action: Option<Arc<Element<ActionPattern>>>,
    /// Shared by every statement whose element is a lone `"*"` (see [`compile_resources`]).
    resource: Option<Arc<Element<ResourcePattern>>>,
    conditions: Vec<CompiledCondition>,
    /// The keys the conditions and variables read (see [`KeysRead`]).
    keys_read: KeysRead,
    /// `skip_reason().is_none()`, worked out once.
    evaluable: bool,
    /// The one service (lowercase) every `Action` value names plainly, if there is one: a request
    /// for another service cannot match, whatever the rest says.
    service: Option<Arc<str>>,
    /// See [`Self::actions_well_formed`].
    actions_well_formed: bool,
    /// See [`Self::actions_id`].
    actions_id: Option<TextsId>,
}

/// The context keys a statement reads (as written, lowercased), without duplicates.
#[derive(Clone, Debug)]
enum KeysRead {
    /// Each condition's own key, in order: no variables, no key twice (the common case, kept
    /// without copying the conditions' spellings).
    ConditionKeys,
    /// Any other case, listed: each condition's key and its variables' keys, then the resource
    /// variables' keys, each first use kept.
    Listed(Vec<(Arc<str>, String)>),
}

impl KeysRead {
    fn of(conditions: &[CompiledCondition], resource: Option<&Element<ResourcePattern>>) -> Self {
        // Most resources have no template at all: then they read no key, without walking them.
        let resource_plain =
            resource.is_none_or(|r| r.patterns.iter().all(|p| p.template().is_none()));
        // The common statement: at most one condition, no resource variable.
        if let ([] | [_], true) = (conditions, resource_plain) {
            if conditions.iter().all(CompiledCondition::reads_only_own_key) {
                return KeysRead::ConditionKeys;
            }
        }
        let resource_variables = || {
            resource.into_iter().flat_map(|r| {
                r.patterns
                    .iter()
                    .filter_map(ResourcePattern::template)
                    .flat_map(|t| t.variables())
                    .filter(|v| v.default.is_none())
                    .map(|v| (v.key.as_str(), v.key_lower.as_str()))
            })
        };
        let own_keys_only = conditions.iter().all(CompiledCondition::reads_only_own_key)
            && (resource_plain || resource_variables().next().is_none())
            && conditions.iter().enumerate().all(|(i, c)| {
                conditions
                    .get(..i)
                    .is_some_and(|before| before.iter().all(|b| b.key_lower() != c.key_lower()))
            });
        if own_keys_only {
            return KeysRead::ConditionKeys;
        }
        let mut listed: Vec<(Arc<str>, String)> = Vec::with_capacity(conditions.len());
        let keys = conditions
            .iter()
            .flat_map(CompiledCondition::keys_read)
            .chain(resource_variables());
        for (key, lower) in keys {
            if !listed.iter().any(|(_, l)| l == lower) {
                listed.push((Arc::from(key), lower.to_string()));
            }
        }
        KeysRead::Listed(listed)
    }
}

#[derive(Clone, Debug)]
struct Element<P> {
    negated: bool,
    patterns: SmallList<P>,
    /// Shared with the traces that name the value that matched.
    written: SmallList<Arc<str>>,
}

#[derive(Clone, Debug)]
struct CompiledPrincipal {
    negated: bool,
    patterns: Vec<PrincipalPattern>,
    written: Vec<Arc<str>>,
}

/// An `Action`/`NotAction` element compiled, with what its texts alone tell.
#[derive(Clone, Debug)]
struct CompiledActions {
    element: Arc<Element<ActionPattern>>,
    /// The one service (lowercase) its values name plainly, if there is one.
    service: Option<Arc<str>>,
    /// Every value is `*` or `service:Name` (M1).
    well_formed: bool,
    /// The element's texts and negation, for the lints' facts of them.
    id: TextsId,
}

thread_local! {
    static ACTIONS: RefCell<ListCache<CompiledActions>> = RefCell::new(ListCache::default());
    /// The two elements [`compile_actions`] gave last (newest first), tried before the cache:
    /// a policy's statements often alternate between a few elements, and comparing their texts
    /// costs less than hashing them to find them.
    static RECENT_ACTIONS: RefCell<[Option<CompiledActions>; 2]> =
        const { RefCell::new([None, None]) };
}

/// [`compile_actions_afresh`], from this thread's cache when it compiled the same texts: the
/// same few `Action` elements come back in policy after policy.
fn compile_actions(e: &StringElement) -> CompiledActions {
    // Compiled from the same texts and negation: the cache's entry for them.
    let same = |recent: &CompiledActions| {
        recent.element.negated == e.negated
            && recent.element.written.len() == e.values.len()
            && (recent.element.written.iter())
                .zip(e.values.iter())
                .all(|(written, value)| **written == *value.value.as_str())
    };
    let recent = RECENT_ACTIONS.with(|r| r.borrow().iter().flatten().find(|c| same(c)).cloned());
    if let Some(compiled) = recent {
        return compiled;
    }
    let texts = e.values.iter().map(|v| v.value.as_str());
    let compiled = cached_list(&ACTIONS, e.negated, texts, || compile_actions_afresh(e));
    RECENT_ACTIONS.with(|r| {
        let [newest, older] = &mut *r.borrow_mut();
        *older = newest.replace(compiled.clone());
    });
    compiled
}

fn compile_actions_afresh(e: &StringElement) -> CompiledActions {
    let element = Element {
        negated: e.negated,
        patterns: SmallList::mapped(&e.values, |v| ActionPattern::compile(&v.value)),
        written: written(e),
    };
    let service = Some(e)
        .filter(|e| !e.negated && !e.values.is_empty())
        .and_then(|e| {
            let first = ActionPattern::fixed_service_as_written(&e.values.first()?.value)?;
            e.values
                .iter()
                .skip(1)
                .all(|v| {
                    ActionPattern::fixed_service_as_written(&v.value)
                        .is_some_and(|s| s.eq_ignore_ascii_case(first))
                })
                .then(|| Arc::from(first.to_ascii_lowercase()))
        });
    let well_formed = e
        .values
        .iter()
        .all(|v| v.value == "*" || ActionPattern::is_service_and_name(&v.value));
    CompiledActions {
        element: Arc::new(element),
        service,
        well_formed,
        id: TextsId::new(),
    }
}

thread_local! {
    /// `"Resource": "*"` and `"NotResource": "*"`, the most common elements, compiled once.
    static ALL_RESOURCES: [Arc<Element<ResourcePattern>>; 2] = [false, true].map(|negated| {
        Arc::new(Element {
            negated,
            patterns: SmallList::One(ResourcePattern::compile("*", false)),
            written: SmallList::One(Arc::from("*")),
        })
    });
}

/// A `Resource`/`NotResource` element compiled; a lone `"*"` (which compiles the same under
/// every version) is this thread's shared one instead of three allocations.
fn compile_resources(e: &StringElement, variables: bool) -> Arc<Element<ResourcePattern>> {
    if let [only] = e.values.as_slice() {
        if only.value == "*" {
            return ALL_RESOURCES
                .with(|[listed, excluded]| Arc::clone(if e.negated { excluded } else { listed }));
        }
    }
    compile_resources_afresh(e, variables)
}

fn compile_resources_afresh(e: &StringElement, variables: bool) -> Arc<Element<ResourcePattern>> {
    Arc::new(Element {
        negated: e.negated,
        patterns: SmallList::mapped(&e.values, |v| {
            ResourcePattern::compile_shared(&v.value.shared(), variables)
        }),
        written: written(e),
    })
}

/// The values of an element as written.
fn written(e: &StringElement) -> SmallList<Arc<str>> {
    SmallList::mapped(&e.values, |v| v.value.shared())
}

/// One element (principal, action or resource) as the explanation shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ElementTrace {
    /// `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource` or `NotResource`.
    pub element: &'static str,
    /// Whether the element is satisfied (for a `Not…` element: the request matched none).
    pub matched: bool,
    pub negated: bool,
    /// The value that matched the request (for a `Not…` element: the one that excluded it).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "shared_text"
    )]
    pub pattern: Option<Arc<str>>,
    /// That value after policy-variable substitution, when it had variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    pub note: Note,
}

/// The request's action and resource, named by the notes of every statement's trace: shared
/// by the notes of an owned trace (one allocation each per evaluation instead of one per note),
/// borrowed when the trace is written straight out.
#[derive(Clone, Debug)]
pub struct ExplainTexts<'a> {
    pub action: NamedText<'a>,
    pub resource: NamedText<'a>,
}

impl ExplainTexts<'_> {
    /// Both texts shared.
    pub fn new(req: &Request) -> ExplainTexts<'static> {
        ExplainTexts {
            action: NamedText::Shared(SharedText::new(req.action)),
            resource: NamedText::Shared(SharedText::new(req.resource)),
        }
    }
}

/// Everything about one statement and one request. In JSON, absent (`None`) and empty fields
/// are left out (about a fifth of a result line otherwise).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementTrace {
    pub index: usize,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "shared_text"
    )]
    pub sid: Option<Arc<str>>,
    pub effect: Option<Effect>,
    pub span: Span,
    pub matched: bool,
    /// Why the statement was not evaluated (`statement.invalid`), if it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<ElementTrace>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_match: Option<PrincipalMatchKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ElementTrace>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ElementTrace>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ConditionTrace>,
    /// Context keys the conditions (and policy variables) read that the request lacks.
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "crate::note::shared_strs"
    )]
    pub missing_keys: Vec<Arc<str>>,
}

/// An element's explanation before it is spelled, borrowing the statement and the request's
/// shared texts: the owned [`ElementTrace`] is made from it, and the CLI's writer writes it as
/// it is (no note or pattern built as a value).
#[derive(Debug)]
pub(crate) struct ElementView<'a> {
    pub element: ElementName,
    pub matched: bool,
    pub negated: bool,
    pub pattern: Option<&'a Arc<str>>,
    pub resolved: Option<String>,
    pub note: NoteView<'a>,
}

/// Which element an [`ElementView`] explains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ElementName {
    Principal,
    NotPrincipal,
    Action,
    NotAction,
    Resource,
    NotResource,
}

impl ElementName {
    /// Every element, for tests.
    #[cfg(test)]
    pub const ALL: [ElementName; 6] = [
        ElementName::Principal,
        ElementName::NotPrincipal,
        ElementName::Action,
        ElementName::NotAction,
        ElementName::Resource,
        ElementName::NotResource,
    ];

    /// The element's name as policies spell it (what [`ElementTrace::element`] holds).
    pub const fn as_str(self) -> &'static str {
        match self {
            ElementName::Principal => "Principal",
            ElementName::NotPrincipal => "NotPrincipal",
            ElementName::Action => "Action",
            ElementName::NotAction => "NotAction",
            ElementName::Resource => "Resource",
            ElementName::NotResource => "NotResource",
        }
    }

    /// The name of an owned trace's element, when it is one of the six.
    pub fn of(name: &str) -> Option<ElementName> {
        match name {
            "Principal" => Some(ElementName::Principal),
            "NotPrincipal" => Some(ElementName::NotPrincipal),
            "Action" => Some(ElementName::Action),
            "NotAction" => Some(ElementName::NotAction),
            "Resource" => Some(ElementName::Resource),
            "NotResource" => Some(ElementName::NotResource),
            _ => None,
        }
    }
}

/// An element's note before it is spelled.
#[derive(Debug)]
pub(crate) enum NoteView<'a> {
    /// A fixed sentence (it may hold characters JSON escapes).
    Fixed(&'static str),
    /// Fixed phrases around a shared text of the request.
    Around(AroundNote, &'a NamedText<'a>),
    /// A note assembled for this element (principals, unresolved variables: rare).
    Owned(String),
}

impl NoteView<'_> {
    fn into_note(self) -> Note {
        match self {
            NoteView::Fixed(text) => Note::fixed(text),
            NoteView::Around(note, text) => note.note(text),
            NoteView::Owned(text) => Note::from(text),
        }
    }
}

impl ElementView<'_> {
    fn into_trace(self) -> ElementTrace {
        ElementTrace {
            element: self.element.as_str(),
            matched: self.matched,
            negated: self.negated,
            pattern: self.pattern.cloned(),
            resolved: self.resolved,
            note: self.note.into_note(),
        }
    }
}

/// A statement's explanation before it is spelled: what its trace says of its elements,
/// borrowing the statement, the request and its shared texts. The conditions and the missing
/// keys are read from the statement where they are spelled. [`Self::into_trace`] makes the
/// owned [`StatementTrace`]; the CLI's writer writes the view as it is.
#[derive(Debug)]
pub(crate) struct StatementView<'a> {
    pub statement: &'a CompiledStatement,
    pub context: &'a RequestContext,
    /// Why the statement is not evaluated, if it is not.
    pub skipped: Option<&'a str>,
    /// The elements and conditions were read (the statement has no skip reason of its own).
    pub evaluated: bool,
    /// When the principal is checked: its element and how it matched.
    pub principal: Option<(ElementView<'a>, Option<PrincipalMatchKind>)>,
    pub action: Option<ElementView<'a>>,
    pub resource: Option<ElementView<'a>>,
}

impl<'a> StatementView<'a> {
    /// Whether principal, action and resource matched, whatever the conditions say.
    pub fn elements_match(&self) -> bool {
        self.evaluated
            && self.principal.as_ref().is_none_or(|(p, _)| p.matched)
            && self.action.as_ref().is_some_and(|a| a.matched)
            && self.resource.as_ref().is_none_or(|r| r.matched)
    }

    /// The conditions the trace lists (none for a statement that is not evaluated).
    pub fn conditions(&self) -> &'a [CompiledCondition] {
        if self.evaluated {
            &self.statement.conditions
        } else {
            &[]
        }
    }

    /// Whether the elements and every condition match, skipped or not (each condition's result
    /// is its explanation's: `evaluate` and `explain` share the outcome). The trace says a
    /// statement matched when it applies and is not skipped, and how its principal matched
    /// when it applies.
    pub fn applies(&self) -> bool {
        self.elements_match() && self.conditions().iter().all(|c| c.evaluate(self.context))
    }

    /// The context keys the conditions and variables read that the request lacks.
    pub fn missing_keys(&self) -> impl Iterator<Item = &'a Arc<str>> + 'a {
        let context = self.context;
        self.statement
            .keys_read()
            .filter(move |(_, lower)| context.get_lowercase(lower).is_none())
            .map(|(key, _)| key)
    }

    /// The owned trace.
    pub fn into_trace(self) -> StatementTrace {
        let s = self.statement;
        let conditions: Vec<ConditionTrace> = self
            .conditions()
            .iter()
            .map(|c| c.explain(self.context))
            .collect();
        let applies = self.elements_match() && conditions.iter().all(|c| c.result);
        let matched = applies && self.skipped.is_none();
        let missing_keys = self.missing_keys().cloned().collect();
        let (principal, principal_match) = match self.principal {
            Some((element, kind)) => (Some(element.into_trace()), kind),
            None => (None, None),
        };
        StatementTrace {
            index: s.index,
            sid: s.sid.clone(),
            effect: s.effect,
            span: s.span,
            matched,
            skipped: self.skipped.map(str::to_string),
            principal,
            principal_match: principal_match.filter(|_| applies),
            action: self.action.map(ElementView::into_trace),
            resource: self.resource.map(ElementView::into_trace),
            conditions,
            missing_keys,
        }
    }
}

impl CompiledStatement {
    /// Compiles a statement; `variables`: the policy version enables policy variables (G2).
    pub fn compile(statement: &Statement, variables: bool) -> CompiledStatement {
        let (action, service, actions_well_formed, actions_id) = match &statement.action {
            Some(e) => {
                let actions = compile_actions(e);
                let id = Some(actions.id);
                (
                    Some(actions.element),
                    actions.service,
                    actions.well_formed,
                    id,
                )
            }
            None => (None, None, false, None),
        };
        let resource = statement
            .resource
            .as_ref()
            .map(|e| compile_resources(e, variables));
        let principal =
            statement
                .principal
                .as_ref()
                .map(|p: &PrincipalElement| CompiledPrincipal {
                    negated: p.negated,
                    patterns: p.entries.iter().map(PrincipalPattern::compile).collect(),
                    written: p
                        .entries
                        .iter()
                        .map(|e| Arc::from(format!("{}: {}", e.kind.as_str(), e.value.value)))
                        .collect(),
                });
        let conditions: Vec<CompiledCondition> = statement
            .conditions
            .iter()
            .map(|c| CompiledCondition::compile(c, variables))
            .collect();
        let keys_read = KeysRead::of(&conditions, resource.as_deref());
        let effect = statement.effect.as_ref().map(|e| e.value);
        // `skip_reason().is_none()`, without spelling the reason; built in place.
        let evaluable = statement.invalid.is_none() && effect.is_some() && action.is_some();
        CompiledStatement {
            index: statement.index,
            sid: statement.sid.as_ref().map(|s| s.value.shared()),
            effect,
            span: statement.span,
            invalid: statement.invalid.clone(),
            principal,
            action,
            resource,
            conditions,
            keys_read,
            evaluable,
            service,
            actions_well_formed,
            actions_id,
        }
    }

    pub fn index(&self) -> usize {
        self.index
    }

    /// Every `Action`/`NotAction` value is `*` or `service:Name` (M1; false without the
    /// element): worked out once per thread for each element, so validation need not read them.
    pub fn actions_well_formed(&self) -> bool {
        self.actions_well_formed
    }

    /// Stands for the `Action`/`NotAction` element's texts and negation (`None` without the
    /// element): statements compiled from the same ones share it.
    pub(crate) fn actions_id(&self) -> Option<TextsId> {
        self.actions_id
    }

    /// The `Resource`/`NotResource` values compiled, in the order written (none without the
    /// element): validation and the lints read what compiling read of them.
    pub fn resource_patterns(&self) -> &[ResourcePattern] {
        self.resource.as_ref().map_or(&[], |r| &r.patterns)
    }

    /// The context keys the conditions and variables read (as written, lowercased), without
    /// duplicates, in the order they are first read.
    fn keys_read(&self) -> impl Iterator<Item = (&Arc<str>, &str)> {
        let (own, listed) = match &self.keys_read {
            KeysRead::ConditionKeys => (self.conditions.as_slice(), [].as_slice()),
            KeysRead::Listed(keys) => ([].as_slice(), keys.as_slice()),
        };
        own.iter()
            .map(CompiledCondition::key_spellings)
            .chain(listed.iter().map(|(key, lower)| (key, lower.as_str())))
    }

    /// The one service (lowercase) every `Action` value names plainly, if there is one.
    pub fn service(&self) -> Option<&str> {
        self.service.as_deref()
    }

    /// [`Self::service`], shared (the statement index keeps it without a copy).
    pub fn shared_service(&self) -> Option<&Arc<str>> {
        self.service.as_ref()
    }

    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    pub fn span(&self) -> Span {
        self.span
    }

    pub fn effect(&self) -> Option<Effect> {
        self.effect
    }

    /// A statement is evaluated only when it was read without error and has an Effect and an
    /// Action element; otherwise the evaluator skips it (fails closed).
    pub fn is_evaluable(&self) -> bool {
        self.evaluable
    }

    fn skip_reason(&self) -> Option<&str> {
        if let Some(reason) = &self.invalid {
            return Some(reason);
        }
        if self.effect.is_none() {
            return Some("the statement has no valid `Effect`");
        }
        if self.action.is_none() {
            return Some("the statement has no `Action` or `NotAction`");
        }
        None
    }

    /// Whether the statement applies (fast path, no allocation unless a policy variable must
    /// be substituted). `None`: it does not apply.
    pub fn applies(&self, req: &Request, opts: MatchOptions) -> Option<Applies> {
        self.applies_to(&PreparedMatch::new(*req, None), opts)
    }

    /// As [`Self::applies`], for a request prepared once for many statements.
    pub fn applies_to(&self, prepared: &PreparedMatch, opts: MatchOptions) -> Option<Applies> {
        // Action first: the cheapest test and the one that rules out most statements.
        if let (Some(mine), Some(theirs)) = (&self.service, prepared.service) {
            if &**mine != theirs {
                return None;
            }
        }
        self.applies_to_candidate(prepared, opts)
    }

    /// As [`Self::applies_to`], for a statement already known to suit the request's service
    /// (one of `StatementIndex::candidates`): the service pre-check is skipped.
    pub fn applies_to_candidate(
        &self,
        prepared: &PreparedMatch,
        opts: MatchOptions,
    ) -> Option<Applies> {
        let req = &prepared.request;
        if self.invalid.is_some() || self.effect.is_none() {
            return None;
        }
        let action = self.action.as_ref()?;
        let action_matches = match prepared.action_folded {
            // `action_folded` is ASCII (checked once by `PreparedMatch`).
            Some(folded) => action
                .patterns
                .iter()
                .any(|p| p.matches_ascii_folded(folded)),
            None => action.patterns.iter().any(|p| p.matches(req.action)),
        };
        if action_matches == action.negated {
            return None;
        }
        match &self.resource {
            Some(r) => {
                let any = r.patterns.iter().any(|p| {
                    p.matches_prepared(
                        req.resource,
                        prepared.arn,
                        prepared.head_folded,
                        req.context,
                    )
                });
                if any == r.negated {
                    return None;
                }
            }
            None if opts.implicit_resource => {}
            None => return None,
        }
        let mut applies = Applies {
            principal: None,
            not_principal: false,
        };
        if opts.check_principal {
            let p = self.principal.as_ref()?;
            if p.negated {
                let outcome =
                    match_not_principal(&p.patterns, req.principal, self.deny_with_boundary(opts));
                if !outcome.applies {
                    return None;
                }
                applies.principal = outcome.kind;
                applies.not_principal = true;
            } else {
                applies.principal = Some(match_principal_list(&p.patterns, req.principal)?.0);
            }
        }
        if self.conditions.iter().all(|c| c.evaluate(req.context)) {
            Some(applies)
        } else {
            None
        }
    }

    fn deny_with_boundary(&self, opts: MatchOptions) -> bool {
        self.effect == Some(Effect::Deny) && opts.principal_has_boundary
    }

    /// Every element and condition, with why (slow path). Agrees with [`Self::applies`].
    pub fn explain(&self, req: &Request, opts: MatchOptions) -> StatementTrace {
        self.explain_prepared(
            &PreparedMatch::new(*req, None),
            &ExplainTexts::new(req),
            opts,
        )
    }

    /// As [`Self::explain`], for a request prepared once for many statements (the action
    /// folded and the resource read as an ARN once); `texts` are `prepared`'s action and resource.
    pub fn explain_prepared(
        &self,
        prepared: &PreparedMatch,
        texts: &ExplainTexts,
        opts: MatchOptions,
    ) -> StatementTrace {
        self.view(prepared, texts, opts, None).into_trace()
    }

    /// What the trace says of this statement, before it is spelled; `skipped`: why the policy
    /// skips a statement that has no skip reason of its own.
    pub(crate) fn view<'a>(
        &'a self,
        prepared: &'a PreparedMatch,
        texts: &'a ExplainTexts<'a>,
        opts: MatchOptions,
        skipped: Option<&'static str>,
    ) -> StatementView<'a> {
        let req = &prepared.request;
        // An evaluable statement has no skip reason (worked out when it was compiled).
        let own = if self.evaluable {
            None
        } else {
            self.skip_reason()
        };
        let evaluated = own.is_none();
        // Built in one expression, in the caller's place (no copy of the view on return).
        StatementView {
            statement: self,
            context: req.context,
            skipped: own.or(skipped),
            evaluated,
            principal: (evaluated && opts.check_principal)
                .then(|| self.explain_principal(req, opts)),
            action: self
                .action
                .as_ref()
                .filter(|_| evaluated)
                .map(|a| explain_action(a, prepared, texts)),
            resource: evaluated.then(|| self.explain_resource(prepared, texts, opts)),
        }
    }

    fn explain_principal(
        &self,
        req: &Request,
        opts: MatchOptions,
    ) -> (ElementView<'_>, Option<PrincipalMatchKind>) {
        let Some(p) = &self.principal else {
            return (
                ElementView {
                    element: ElementName::Principal,
                    matched: false,
                    negated: false,
                    pattern: None,
                    resolved: None,
                    note: NoteView::Fixed(
                        "the statement has no `Principal`, which this policy type requires",
                    ),
                },
                None,
            );
        };
        if p.negated {
            let outcome =
                match_not_principal(&p.patterns, req.principal, self.deny_with_boundary(opts));
            return (
                ElementView {
                    element: ElementName::NotPrincipal,
                    matched: outcome.applies,
                    negated: true,
                    pattern: None,
                    resolved: None,
                    note: NoteView::Owned(outcome.note),
                },
                outcome.kind,
            );
        }
        let found = match_principal_list(&p.patterns, req.principal);
        let note = match found {
            Some((kind, _)) => match kind {
                PrincipalMatchKind::Star => "`*` matches every principal, including anonymous callers".to_string(),
                PrincipalMatchKind::Account => format!(
                    "the account of {} is named: this delegates to that account's IAM policies and does not grant by itself (G10, D4)",
                    req.principal.describe()
                ),
                PrincipalMatchKind::Direct => concat(&[&req.principal.describe(), " is named directly"]),
                PrincipalMatchKind::Role => concat(&[&req.principal.describe(), " is a session of the named role"]),
                PrincipalMatchKind::FedUser => format!(
                    "{} is a GetFederationToken session of the named user",
                    req.principal.describe()
                ),
                PrincipalMatchKind::Service => format!("{} is named", req.principal.describe()),
            },
            None => {
                let notes: Vec<&str> = p.patterns.iter().filter_map(PrincipalPattern::note).collect();
                let mut note = concat(&[&req.principal.describe(), " is not named"]);
                if !notes.is_empty() {
                    note.push_str("; ");
                    note.push_str(&notes.join("; "));
                }
                note
            }
        };
        (
            ElementView {
                element: ElementName::Principal,
                matched: found.is_some(),
                negated: false,
                pattern: found.and_then(|(_, i)| p.written.get(i)),
                resolved: None,
                note: NoteView::Owned(note),
            },
            found.map(|(k, _)| k),
        )
    }

    fn explain_resource<'a>(
        &'a self,
        prepared: &PreparedMatch,
        texts: &'a ExplainTexts<'a>,
        opts: MatchOptions,
    ) -> ElementView<'a> {
        let req = &prepared.request;
        let Some(r) = &self.resource else {
            let (matched, note) = if opts.implicit_resource {
                (
                    true,
                    NoteView::Fixed(
                        "no `Resource` element: the resource is implied by the policy (E3)",
                    ),
                )
            } else {
                (
                    false,
                    NoteView::Fixed("the statement has no `Resource` or `NotResource`"),
                )
            };
            return ElementView {
                element: ElementName::Resource,
                matched,
                negated: false,
                pattern: None,
                resolved: None,
                note,
            };
        };
        let mut hit: Option<(usize, Option<String>)> = None;
        let mut unresolved: Vec<String> = Vec::new();
        for (i, p) in r.patterns.iter().enumerate() {
            // Without variables there is nothing to resolve or report: the decision's
            // comparison (ARN head already folded) gives the answer.
            if p.template().is_none() {
                if p.matches_prepared(
                    req.resource,
                    prepared.arn,
                    prepared.head_folded,
                    req.context,
                ) {
                    hit = Some((i, None));
                    break;
                }
                continue;
            }
            let mut resolved = None;
            match p.check_parsed(req.resource, prepared.arn, req.context, Some(&mut resolved)) {
                ResourceMatch::Yes => {
                    hit = Some((i, resolved));
                    break;
                }
                ResourceMatch::No => {}
                ResourceMatch::Unresolved(u) => unresolved.push(format!(
                    "`{}`: {}, so this entry matches nothing",
                    r.written.get(i).map_or("", |w| w),
                    u.note()
                )),
            }
        }
        let element = if r.negated {
            ElementName::NotResource
        } else {
            ElementName::Resource
        };
        let any = hit.is_some();
        let resource = &texts.resource;
        let mut note = match (r.negated, any) {
            (false, true) => NoteView::Around(AroundNote::ResourceMatches, resource),
            (false, false) if req.resource == "*" => NoteView::Fixed(
                "the action has no resource type (request resource `*`): only a policy `\"*\"` matches it (M4)",
            ),
            (false, false) => NoteView::Around(AroundNote::NoResourceMatches, resource),
            (true, true) => NoteView::Around(AroundNote::ResourceExcluded, resource),
            (true, false) => NoteView::Around(AroundNote::ResourceNotExcluded, resource),
        };
        if !unresolved.is_empty() {
            let tail = concat(&["; ", &unresolved.join("; ")]);
            note = NoteView::Owned(note.into_note().into_string_with(&tail));
        }
        let (pattern, resolved) = match hit {
            Some((i, resolved)) => (r.written.get(i), resolved),
            None => (None, None),
        };
        ElementView {
            element,
            matched: any != r.negated,
            negated: r.negated,
            pattern,
            resolved,
            note,
        }
    }
}

fn explain_action<'a>(
    a: &'a Element<ActionPattern>,
    prepared: &PreparedMatch,
    texts: &'a ExplainTexts<'a>,
) -> ElementView<'a> {
    let action = prepared.request.action;
    let hit = match prepared.action_folded {
        // `action_folded` is ASCII (checked once by `PreparedMatch`).
        Some(folded) => a
            .patterns
            .iter()
            .position(|p| p.matches_ascii_folded(folded)),
        None => a.patterns.iter().position(|p| p.matches(action)),
    };
    let action = &texts.action;
    let note = match (a.negated, hit.is_some()) {
        (false, true) => NoteView::Around(AroundNote::ActionMatches, action),
        (false, false) => NoteView::Around(AroundNote::NoActionMatches, action),
        (true, true) => NoteView::Around(AroundNote::ActionExcluded, action),
        (true, false) => NoteView::Around(AroundNote::ActionNotExcluded, action),
    };
    ElementView {
        element: if a.negated {
            ElementName::NotAction
        } else {
            ElementName::Action
        },
        matched: hit.is_some() != a.negated,
        negated: a.negated,
        pattern: hit.and_then(|i| a.written.get(i)),
        resolved: None,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextValue;

    /// M1–M3, M11: an `Action` element from the per-thread cache is the element compiled
    /// afresh (patterns, texts, service), for elements that differ only in negation, order,
    /// case or where the texts split, and after the cache was emptied for being full.
    /// M3: the shared `"Resource": "*"` / `"NotResource": "*"` elements are what compiling them
    /// gives, under both versions; other elements are compiled afresh.
    #[test]
    fn m3_shared_star_resources_compile_like_fresh_ones() {
        let vocabulary: [(bool, &[&str]); 8] = [
            (false, &["*"]),
            (true, &["*"]),
            (false, &["*", "*"]),
            (false, &["**"]),
            (false, &[" *"]),
            (false, &["arn:aws:s3:::b/*"]),
            (true, &["arn:aws:s3:::${aws:username}/*"]),
            (false, &[]),
        ];
        let mut shared = 0;
        for variables in [false, true] {
            for (negated, texts) in vocabulary {
                let e = StringElement::of_texts(negated, texts);
                let compiled = compile_resources(&e, variables);
                let fresh = compile_resources_afresh(&e, variables);
                assert_eq!(
                    format!("{compiled:?}"),
                    format!("{fresh:?}"),
                    "{texts:?} {variables}"
                );
                if Arc::ptr_eq(&compiled, &compile_resources(&e, variables)) {
                    shared += 1;
                    assert_eq!(texts, ["*"]);
                }
            }
        }
        assert_eq!(shared, 4);
    }

    /// The keys a statement reads, kept in place for conditions without variables, are the keys
    /// the plain listing gives: each condition's key and its variables', then the resource's
    /// variables', first use kept (so `missingKeys` lists the same keys in the same order).
    #[test]
    fn m11_keys_read_in_place_agree_with_a_listing() {
        let listing = |s: &CompiledStatement| {
            let mut keys: Vec<(String, String)> = Vec::new();
            let resource_variables = s.resource.iter().flat_map(|r| {
                r.patterns
                    .iter()
                    .filter_map(ResourcePattern::template)
                    .flat_map(|t| t.variables())
                    .filter(|v| v.default.is_none())
                    .map(|v| (v.key.as_str(), v.key_lower.as_str()))
            });
            let all = s
                .conditions
                .iter()
                .flat_map(CompiledCondition::keys_read)
                .chain(resource_variables);
            for (key, lower) in all {
                if !keys.iter().any(|(_, l)| l == lower) {
                    keys.push((key.to_string(), lower.to_string()));
                }
            }
            keys
        };
        let mut in_place = 0;
        let mut listed = 0;
        for version in ["2012-10-17", "2008-10-17"] {
            let policy = crate::policy::parse_policy(&format!(
                r#"{{"Version": "{version}", "Statement": [
                {{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}},
                {{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*",
                 "Condition": {{"StringEquals": {{"aws:PrincipalTag/Role": "admin"}}}}}},
                {{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*",
                 "Condition": {{"StringEquals": {{"aws:PrincipalTag/Role": "a", "aws:username": "b"}},
                               "StringLike": {{"AWS:PrincipalTag/role": "x*", "s3:prefix": "p"}}}}}},
                {{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*",
                 "Condition": {{"StringEquals": {{"aws:ResourceTag/team": "${{aws:PrincipalTag/team}}"}},
                               "StringLike": {{"aws:PrincipalTag/team": "${{aws:username}}-*"}}}}}},
                {{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*",
                 "Condition": {{"StringEquals": {{"aws:username": "${{aws:userid, 'none'}}"}}}}}},
                {{"Effect": "Allow", "Action": "s3:Get*",
                 "Resource": ["arn:aws:s3:::b/${{aws:username}}/*", "arn:aws:s3:::${{s3:prefix, 'x'}}"],
                 "Condition": {{"StringEquals": {{"aws:Username": "a"}}, "IpAddress": {{"aws:SourceIp": "10.0.0.0/8"}}}}}},
                {{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/${{aws:userid}}"}}
            ]}}"#
            ));
            let compiled = CompiledPolicy::compile(policy.policy.as_ref().expect("policy"));
            for s in compiled.statements() {
                let kept: Vec<(String, String)> = s
                    .keys_read()
                    .map(|(key, lower)| (key.to_string(), lower.to_string()))
                    .collect();
                assert_eq!(kept, listing(s), "{version}, statement {}", s.index());
                match s.keys_read {
                    KeysRead::ConditionKeys => in_place += 1,
                    KeysRead::Listed(_) => listed += 1,
                }
            }
        }
        assert!(
            in_place >= 3 && listed >= 5,
            "{in_place} in place, {listed} listed"
        );
    }

    #[test]
    fn m11_cached_action_elements_compile_like_fresh_ones() {
        // The id the thread's cache holds for an element's texts, looked up there alone.
        let cached_list_id = |negated: bool, texts: &[&str]| {
            let e = StringElement::of_texts(negated, texts);
            let values = e.values.iter().map(|v| v.value.as_str());
            cached_list(&ACTIONS, negated, values, || compile_actions_afresh(&e)).id
        };
        let element = StringElement::of_texts;
        let vocabulary: [(bool, &[&str]); 10] = [
            (false, &["ecr:PutImage", "ecr:Batch*"]),
            (true, &["ecr:PutImage", "ecr:Batch*"]),
            (false, &["ecr:Batch*", "ecr:PutImage"]),
            (false, &["ECR:PutImage", "ecr:Batch*"]),
            (false, &["ecr:Put", "Image"]),
            (false, &["ecr:PutImage"]),
            (false, &["s3:Get*", "ecr:*"]),
            (false, &["*"]),
            (false, &["s?:Get", "Ä:x"]),
            (false, &[]),
        ];
        let check = |round: &str| {
            for (negated, texts) in vocabulary {
                let e = element(negated, texts);
                let cached = compile_actions(&e);
                let fresh = compile_actions_afresh(&e);
                // Alike but for the id, which only the cached one shares.
                let alike = |a: &CompiledActions| {
                    format!("{:?} {:?} {}", a.element, a.service, a.well_formed)
                };
                assert_eq!(alike(&cached), alike(&fresh), "{texts:?} {round}");
                assert_eq!(compile_actions(&e).id, cached.id, "{texts:?} {round}");
                assert_ne!(fresh.id, cached.id, "{texts:?} {round}");
            }
        };
        check("first use");
        check("reuse");
        // Neighbours alternating (the recent elements tried before the cache): each is the
        // cache's, never its neighbour (which may differ only in negation, order or case).
        for pair in vocabulary.windows(2) {
            let ids: Vec<TextsId> = pair
                .iter()
                .map(|&(negated, texts)| cached_list_id(negated, texts))
                .collect();
            for _ in 0..3 {
                for (&(negated, texts), id) in pair.iter().zip(&ids) {
                    assert_eq!(
                        compile_actions(&element(negated, texts)).id,
                        *id,
                        "{texts:?}"
                    );
                }
            }
        }
        for i in 0..super::super::cache::KEPT + 1 {
            compile_actions(&element(false, &[&format!("s3:Get{i}")]));
        }
        check("after emptying");
        let services: Vec<Option<Arc<str>>> = vocabulary
            .iter()
            .map(|&(n, t)| compile_actions_afresh(&element(n, t)).service)
            .collect();
        assert!(services.contains(&Some(Arc::from("ecr"))) && services.contains(&None));
    }

    /// M1–M5: an element keeps one compiled pattern and one written text per value, in order,
    /// each the value compiled alone, whether it holds none, one (kept inline) or several.
    #[test]
    fn m5_elements_hold_each_value_compiled_alone_however_many() {
        let vocabulary: [&[&str]; 5] = [
            &[],
            &["arn:aws:ecr:us-east-1:111122223333:repository/web"],
            &["ecr:PutImage"],
            &["arn:aws:s3:::b/*", "arn:aws:s3:::b/${aws:username}", "*"],
            &["ecr:Batch*", "s3:Get?bject"],
        ];
        for texts in vocabulary {
            for variables in [false, true] {
                let e = StringElement::of_texts(false, texts);
                let resources = compile_resources_afresh(&e, variables);
                let actions = compile_actions_afresh(&e).element;
                let written: Vec<&str> = resources.written.iter().map(|w| &**w).collect();
                assert_eq!(written, texts);
                let written: Vec<&str> = actions.written.iter().map(|w| &**w).collect();
                assert_eq!(written, texts);
                assert_eq!(resources.patterns.len(), texts.len());
                assert_eq!(actions.patterns.len(), texts.len());
                for (i, text) in texts.iter().enumerate() {
                    let alone = format!("{:?}", ResourcePattern::compile(text, variables));
                    assert_eq!(format!("{:?}", resources.patterns[i]), alone, "{text}");
                    let alone = format!("{:?}", ActionPattern::compile(text));
                    assert_eq!(format!("{:?}", actions.patterns[i]), alone, "{text}");
                }
            }
        }
    }

    /// M1–M5, M11: the prepared path (action folded once, service pre-check, ARN read once)
    /// decides and explains exactly as the plain path, for every statement and request of a
    /// small vocabulary.
    /// Whether a statement is evaluable is worked out without its skip reason: the same answer
    /// as asking for the reason, for statements with and without each part, and unreadable ones.
    #[test]
    fn m11_evaluable_statements_are_those_without_a_skip_reason() {
        let policy = crate::policy::parse_policy(
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
                {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"},
                {"Action": "s3:Get*", "Resource": "*"},
                {"Effect": "Allow", "Resource": "*"},
                {"Effect": "Maybe", "Action": "s3:Get*", "Resource": "*"},
                {"Effect": "Allow", "Action": 5, "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:Get*", "Resource": {"x": 1}},
                {}
            ]}"#,
        );
        let compiled = CompiledPolicy::compile(policy.policy.as_ref().expect("policy"));
        let mut evaluable = 0;
        for s in compiled.statements() {
            assert_eq!(s.is_evaluable(), s.skip_reason().is_none(), "{s:?}");
            evaluable += usize::from(s.is_evaluable());
        }
        assert_eq!(compiled.statements().len(), 8);
        assert_eq!(evaluable, 2);
        assert!(compiled.statements().iter().any(|s| s.invalid.is_some()));
    }

    #[test]
    fn m11_prepared_requests_decide_like_plain_ones() {
        let policy = crate::policy::parse_policy(
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"},
                {"Effect": "Allow", "Action": ["S3:getobject", "s3:Put?bject"], "Resource": "*"},
                {"Effect": "Allow", "Action": ["s3:Get*", "ecr:*"], "Resource": "arn:aws:*:*:*:*"},
                {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::b/secret"},
                {"Effect": "Allow", "Action": "s?:Get*", "Resource": "arn:aws:s3:::*"},
                {"Effect": "Allow", "Action": "ecr:Put*", "Resource": "arn:aws:ecr:us-*:111122223333:repository/${aws:username}-*"},
                {"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "arn:aws:ecr:us-east-1:*",
                 "Condition": {"StringEquals": {"aws:username": "alice"}}}
            ]}"#,
        );
        let compiled = CompiledPolicy::compile(policy.policy.as_ref().expect("policy"));
        let principal =
            RequestPrincipal::parse("arn:aws:iam::111122223333:user/alice").expect("principal");
        let mut context = RequestContext::new();
        context.insert("aws:username", ContextValue::Single("alice".into()));
        for action in [
            "s3:GetObject",
            "S3:GETOBJECT",
            "s3:PutObject",
            "ecr:PutImage",
            "ECR:putimage",
            "ec2:RunInstances",
            "sqs:GetQueueUrl",
            "nocolon",
            "s3:GetObjectK\u{212A}",
        ] {
            for resource in [
                "arn:aws:s3:::b/k",
                "arn:aws:s3:::b/secret",
                "*",
                "arn:aws:ecr:us-east-1:111122223333:repository/alice-web",
                "arn:aws:ecr:eu-west-1:111122223333:repository/x",
                "not-an-arn",
            ] {
                let req = Request {
                    principal: &principal,
                    action,
                    resource,
                    context: &context,
                };
                let lower = action.to_ascii_lowercase();
                let prepared = PreparedMatch::new(req, Some(&lower));
                let target = crate::matching::MatchTarget::new(action, resource);
                let targeted = PreparedMatch::with_target(req, &target);
                for s in compiled.statements() {
                    let opts = MatchOptions::default();
                    assert_eq!(
                        s.applies(&req, opts),
                        s.applies_to(&prepared, opts),
                        "statement {} action {action} resource {resource}",
                        s.index()
                    );
                    let plain = s.explain(&req, opts);
                    assert_eq!(s.applies(&req, opts).is_some(), plain.matched);
                    // The explanation of a prepared request is the plain one, field by field.
                    let texts = ExplainTexts::new(&req);
                    assert_eq!(s.explain_prepared(&prepared, &texts, opts), plain);
                    assert_eq!(s.explain_prepared(&targeted, &texts, opts), plain);
                }
            }
        }
    }
}

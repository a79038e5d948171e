//! Turning a summary and the matching statements into the explanation: one verdict per layer
//! with a sentence a person understands, the deciding statements, the full trace and the
//! missing context keys.
//!
//! The explanation is worked out once, borrowing the prepared policies and request
//! ([`DecisionView`], [`TraceSink`]); the owned result ([`EvaluationResult`], [`Brief`]) is
//! built from it, and the CLI's JSON writer writes it straight into its output
//! ([`super::write_evaluation_json`]). Each sentence is spelled by one function for both
//! ([`Spell`]).

use super::context::DerivedKeys;
use super::flow::{Decider, Outcome, PrincipalClass, Summary};
use super::prepare::{PolicySet, PreparedPolicy, Shared};
use super::request::PreparedRequest;
use super::result::*;
use super::{options_for, Hit, Participation};
use crate::context::{ContextValue, RequestContext, Values};
use crate::matching::small_list::SmallList;
use crate::matching::statement::StatementView;
use crate::matching::{ExplainTexts, PreparedMatch};
use crate::note::{NamedText, SharedText, Spell};
use crate::policy::Effect;
use crate::span::Span;
use std::borrow::Cow;
use std::sync::Arc;

/// A layer's label: the layer's noun, "SCP level 1 (OU 1)", "VPC endpoint policy `name`".
#[derive(Clone, Copy, Debug)]
pub(crate) enum Label<'a> {
    Noun(LayerKind),
    Level {
        kind: LayerKind,
        level: usize,
        levels: usize,
    },
    VpcEndpoint(&'a str),
}

impl Label<'_> {
    pub fn spell(self, out: &mut impl Spell) {
        match self {
            Label::Noun(kind) => out.fixed(kind.noun()),
            Label::Level {
                kind,
                level,
                levels,
            } => {
                out.fixed(if kind == LayerKind::Scp {
                    "SCP level "
                } else {
                    "RCP level "
                });
                out.number(level);
                if level == 0 {
                    out.fixed(" (organization root)");
                } else if level + 1 == levels {
                    out.fixed(" (account)");
                } else {
                    out.fixed(" (OU ");
                    out.number(level);
                    out.fixed(")");
                }
            }
            Label::VpcEndpoint(name) => {
                out.fixed("VPC endpoint policy `");
                out.text(name);
                out.fixed("`");
            }
        }
    }

    /// The label as the owned result keeps it (a layer's noun borrowed).
    fn owned(self) -> Cow<'static, str> {
        match self {
            Label::Noun(kind) => Cow::Borrowed(kind.noun()),
            _ => {
                let mut out = String::new();
                self.spell(&mut out);
                Cow::Owned(out)
            }
        }
    }
}

/// A sentence of a layer or a reason, spelled when it is written (see [`Spell`]).
#[derive(Clone, Debug)]
pub(crate) enum Sentence<'a> {
    /// "statement `Sid` of `policy` allows `action` on `resource`." (`names_request`), or
    /// "statement 2 of `policy` denies the request."
    Statement {
        hit: Hit<'a>,
        verb: Verb,
        names_request: bool,
    },
    /// A gate level with no Allow.
    NoPolicyAt(Label<'a>),
    /// A layer with no Allow.
    NoStatementIn(Label<'a>),
    /// A whole fixed sentence (it may hold characters JSON escapes).
    Fixed(&'static str),
    /// A rare sentence assembled with `format!`.
    Owned(String),
}

impl Sentence<'_> {
    pub fn spell(&self, words: RequestWords, out: &mut impl Spell) {
        match self {
            Sentence::Statement {
                hit,
                verb,
                names_request,
            } => {
                statement_name(hit, out);
                match (verb, names_request) {
                    (Verb::Allows, true) => out.fixed("` allows `"),
                    (Verb::Denies, true) => out.fixed("` denies `"),
                    (Verb::Allows, false) => out.fixed("` allows the request."),
                    (Verb::Denies, false) => out.fixed("` denies the request."),
                }
                if *names_request {
                    words.spell(out);
                    out.fixed("`.");
                }
            }
            Sentence::NoPolicyAt(label) => {
                out.fixed("no policy at ");
                label.spell(out);
                out.fixed(" allows `");
                words.spell(out);
                out.fixed("`; every level from the root to the account must allow it.");
            }
            // A layer's noun: its opening is one run.
            Sentence::NoStatementIn(Label::Noun(kind)) => {
                out.fixed(kind.no_statement_opening());
                words.spell(out);
                out.fixed("`.");
            }
            Sentence::NoStatementIn(label) => {
                out.fixed("no statement in the ");
                label.spell(out);
                out.fixed(" allows `");
                words.spell(out);
                out.fixed("`.");
            }
            Sentence::Fixed(text) => out.text(text),
            Sentence::Owned(text) => out.text(text),
        }
    }

    /// The sentence as the owned result keeps it.
    fn owned(&self, words: RequestWords) -> String {
        let mut out = String::new();
        self.spell(words, &mut out);
        out
    }
}

/// What a statement does to the request, in its sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verb {
    Allows,
    Denies,
}

/// The request's action and resource as the sentences name them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RequestWords<'a> {
    action: &'a str,
    resource: &'a str,
    /// Both are known to hold no byte JSON escapes (checked once per request, for the trace's
    /// notes): written without a scan.
    plain: bool,
}

impl<'a> RequestWords<'a> {
    pub fn of(req: &'a PreparedRequest) -> Self {
        RequestWords {
            action: &req.action,
            resource: &req.resource,
            plain: false,
        }
    }

    /// The texts the trace's notes share, already checked for bytes to escape.
    pub fn shared(texts: &'a ExplainTexts<'a>) -> Self {
        RequestWords {
            action: texts.action.as_str(),
            resource: texts.resource.as_str(),
            plain: texts.action.is_plain() && texts.resource.is_plain(),
        }
    }

    /// "action" or "action` on `resource", between the caller's backticks.
    fn spell(self, out: &mut impl Spell) {
        self.word(self.action, out);
        if self.resource != "*" {
            out.fixed("` on `");
            self.word(self.resource, out);
        }
    }

    fn word(self, text: &str, out: &mut impl Spell) {
        if self.plain {
            out.plain(text);
        } else {
            out.text(text);
        }
    }
}

/// "statement `Sid` of `policy" or "statement 2 of `policy" (the caller closes the quote).
fn statement_name(hit: &Hit, out: &mut impl Spell) {
    match hit.statement.sid() {
        Some(sid) => {
            out.fixed("statement `");
            out.text(sid);
            out.fixed("` of `");
        }
        None => {
            out.fixed("statement ");
            out.number(hit.statement.index() + 1);
            out.fixed(" of `");
        }
    }
    out.text(&hit.policy.name);
}

fn verdict_of(o: Outcome) -> LayerVerdict {
    if o.denied {
        LayerVerdict::ExplicitDeny
    } else if o.allowed {
        LayerVerdict::Allow
    } else {
        LayerVerdict::ImplicitDeny
    }
}

/// Whether a hit belongs to the layer (and level) given.
fn in_layer(hit: &Hit, kind: LayerKind, level: Option<usize>) -> bool {
    hit.policy.layer == kind && (level.is_none() || hit.policy.level == level)
}

/// The hits of one layer (and level).
fn layer_hits<'h, 'p>(
    hits: &'h [Hit<'p>],
    kind: LayerKind,
    level: Option<usize>,
) -> impl Iterator<Item = &'h Hit<'p>> + Clone {
    hits.iter().filter(move |h| in_layer(h, kind, level))
}

/// What the hits of one layer say, before the layer's own summary (gates by level).
fn outcome_of<'h, 'p: 'h>(hits: impl Iterator<Item = &'h Hit<'p>>) -> Outcome {
    let mut outcome = Outcome::default();
    for h in hits {
        match h.effect {
            Effect::Deny => outcome.denied = true,
            Effect::Allow => outcome.allowed = true,
        }
    }
    outcome
}

/// The sentence for a participating layer, from its own hits.
fn sentence<'h, 'p: 'h>(
    kind: LayerKind,
    label: Label<'p>,
    hits: impl Iterator<Item = &'h Hit<'p>> + Clone,
) -> Sentence<'p> {
    let about = |hit: &Hit<'p>, verb| Sentence::Statement {
        hit: *hit,
        verb,
        names_request: true,
    };
    if let Some(deny) = hits.clone().find(|h| h.effect == Effect::Deny) {
        return about(deny, Verb::Denies);
    }
    // Prefer a statement that grants by itself over one that only delegates to the account.
    let allows = || hits.clone().filter(|h| h.effect == Effect::Allow);
    if let Some(allow) = allows()
        .find(|h| !h.delegates_only())
        .or_else(|| allows().next())
    {
        return about(allow, Verb::Allows);
    }
    match kind {
        LayerKind::Scp | LayerKind::Rcp => Sentence::NoPolicyAt(label),
        _ => Sentence::NoStatementIn(label),
    }
}

/// Why a layer with policies does not take part in this request.
fn not_evaluated_reason(
    kind: LayerKind,
    req: &PreparedRequest,
    part: &Participation,
) -> Sentence<'static> {
    let class = req.class;
    match kind {
        LayerKind::Identity | LayerKind::PermissionsBoundary if class == PrincipalClass::Root => {
            Sentence::Fixed("no identity policy or boundary can be attached to the root user (D9).")
        }
        LayerKind::Identity | LayerKind::PermissionsBoundary | LayerKind::Session
            if !class.has_identity_policies() =>
        {
            Sentence::Fixed("service principals and anonymous callers have no identity policies: only the resource-based policy can grant (D7).")
        }
        LayerKind::Session if !class.has_session() => {
            Sentence::Fixed("session policies apply to role and federated-user sessions, not to IAM users.")
        }
        LayerKind::Resource if req.resource == "*" => Sentence::Owned(format!(
            "`{}` has no resource, so no resource-based policy applies (M4); it can only be granted by an identity-based policy.",
            req.action
        )),
        LayerKind::Scp if !class.governed_by_scps() => {
            Sentence::Fixed("SCPs do not apply to service-linked roles, service principals or anonymous callers (D3).")
        }
        LayerKind::Rcp if !class.governed_by_rcps() => Sentence::Fixed("RCPs do not apply to service-linked roles (D2)."),
        LayerKind::Rcp if !part.rcp => Sentence::Owned(format!(
            "`{}` belongs to a service that RCPs do not govern (D2).",
            req.action.split(':').next().unwrap_or("")
        )),
        _ => Sentence::Fixed("switched off."),
    }
}

/// The policies a layer (or level) is made of, named in an implicit deny's reason.
fn layer_policies(set: &PolicySet, kind: LayerKind, level: Option<usize>) -> &[Shared] {
    fn at(levels: Option<&Vec<Vec<Shared>>>, level: Option<usize>) -> &[Shared] {
        levels
            .zip(level)
            .and_then(|(levels, i)| levels.get(i))
            .map_or(&[], Vec::as_slice)
    }
    match kind {
        LayerKind::Rcp => at(set.rcp.as_ref(), level),
        LayerKind::Scp => at(set.scp.as_ref(), level),
        LayerKind::VpcEndpoint => level
            .and_then(|i| set.vpc_endpoint.get(i))
            .map_or(&[], std::slice::from_ref),
        LayerKind::Resource => set.resource.as_slice(),
        LayerKind::Identity => &set.identity,
        LayerKind::PermissionsBoundary => set.boundary.as_slice(),
        LayerKind::Session => set.session.as_slice(),
    }
}

/// The policies a reason names: one, a layer's (comma-separated), or none.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PolicyNames<'a> {
    One(&'a str),
    Layer(&'a [Shared]),
}

impl PolicyNames<'_> {
    pub fn spell(self, out: &mut impl Spell) {
        match self {
            PolicyNames::One(name) => out.text(name),
            PolicyNames::Layer(policies) => {
                for (i, p) in policies.iter().enumerate() {
                    if i > 0 {
                        out.fixed(", ");
                    }
                    out.text(&p.name);
                }
            }
        }
    }
}

/// One layer's row, as the explanation works it out.
#[derive(Clone, Debug)]
pub(crate) struct Row<'a> {
    pub kind: LayerKind,
    pub level: Option<usize>,
    pub label: Label<'a>,
    pub verdict: LayerVerdict,
    pub explanation: Sentence<'a>,
    pub decisive: bool,
}

impl Row<'_> {
    fn owned(&self, words: RequestWords) -> Layer {
        Layer {
            kind: self.kind,
            level: self.level,
            label: self.label.owned(),
            verdict: self.verdict,
            explanation: self.explanation.owned(words),
            decisive: self.decisive,
        }
    }
}

/// One reason, as the explanation works it out.
#[derive(Clone, Debug)]
pub(crate) struct ReasonView<'a> {
    pub policy: PolicyNames<'a>,
    pub kind: LayerKind,
    pub level: Option<usize>,
    pub statement: Option<usize>,
    pub sid: Option<&'a str>,
    pub span: Option<Span>,
    pub effect: Option<Effect>,
    pub message: Sentence<'a>,
    /// The layer row whose explanation the message repeats, if it does.
    pub row: Option<usize>,
}

impl ReasonView<'_> {
    fn owned(&self, words: RequestWords) -> Reason {
        let mut policy = String::new();
        self.policy.spell(&mut policy);
        Reason {
            policy,
            kind: self.kind,
            level: self.level,
            statement: self.statement,
            sid: self.sid.map(str::to_string),
            span: self.span,
            effect: self.effect,
            message: self.message.owned(words),
        }
    }
}

/// The decision, its reasons and the per-layer verdicts, borrowing the policies and the
/// request: what [`Brief`] and the result say about the decision, before anything is spelled.
#[derive(Debug)]
pub(crate) struct DecisionView<'a> {
    pub decision: Decision,
    /// Most decisions have one reason and one layer: held inline, without an allocation.
    pub reasons: SmallList<ReasonView<'a>>,
    pub rows: SmallList<Row<'a>>,
    /// The notes the decision adds after the request's own.
    pub notes: Vec<&'static str>,
}

impl DecisionView<'_> {
    /// The owned brief: every sentence spelled.
    pub fn into_brief(self, req: &PreparedRequest) -> Brief {
        let mut notes = req.notes.clone();
        notes.extend(self.notes.iter().map(|n| n.to_string()));
        let words = RequestWords::of(req);
        Brief {
            decision: self.decision,
            reasons: self.reasons.iter().map(|r| r.owned(words)).collect(),
            layers: self.rows.iter().map(|r| r.owned(words)).collect(),
            notes,
        }
    }
}

/// Builds the explained result.
pub(crate) fn explain(
    set: &PolicySet,
    req: &PreparedRequest,
    request: &PreparedMatch,
    part: Participation,
    summary: &Summary,
    decider: Decider,
    hits: &[Hit],
) -> EvaluationResult {
    let brief = explain_decision(set, req, part, summary, decider, hits).into_brief(req);
    let mut trace = Vec::with_capacity(set.all().count());
    let texts = explain_texts(request);
    let missing = traces(set, req, request, &texts, &part, &mut trace);
    let mut diagnostics: Vec<_> = req.diagnostics.clone();
    diagnostics.extend(set.diagnostics().cloned());
    EvaluationResult {
        decision: brief.decision,
        reasons: brief.reasons,
        layers: brief.layers,
        trace,
        missing_context_keys: missing.iter().map(|k| k.to_string()).collect(),
        diagnostics,
        // Filled by the caller: copied from the request or moved out of it.
        context: Vec::new(),
        notes: brief.notes,
    }
}

/// The decision, its reasons and the per-layer verdicts, without the statement trace: what
/// [`explain`] says about the decision, at a fraction of its cost (for matrices).
pub(crate) fn explain_decision<'a>(
    set: &'a PolicySet,
    req: &PreparedRequest,
    part: Participation,
    summary: &Summary,
    decider: Decider,
    hits: &[Hit<'a>],
) -> DecisionView<'a> {
    let mut rows: SmallList<Row> = SmallList::default();
    let mut push_row = |kind, level, label, verdict, explanation| {
        rows.push(Row {
            kind,
            level,
            label,
            verdict,
            explanation,
            decisive: false,
        })
    };

    // Gates by level: RCPs, SCPs, VPC endpoints.
    for (kind, levels, on) in [
        (LayerKind::Rcp, set.rcp.as_ref(), part.rcp),
        (LayerKind::Scp, set.scp.as_ref(), part.scp),
    ] {
        let Some(levels) = levels else { continue };
        for i in 0..levels.len() {
            let label = Label::Level {
                kind,
                level: i,
                levels: levels.len(),
            };
            if !on {
                let why = not_evaluated_reason(kind, req, &part);
                push_row(kind, Some(i), label, LayerVerdict::NotEvaluated, why);
                continue;
            }
            let h = layer_hits(hits, kind, Some(i));
            let text = sentence(kind, label, h.clone());
            push_row(kind, Some(i), label, verdict_of(outcome_of(h)), text);
        }
    }
    for (i, p) in set.vpc_endpoint.iter().enumerate() {
        let label = Label::VpcEndpoint(&p.name);
        let kind = LayerKind::VpcEndpoint;
        if !p.enabled {
            let off = Sentence::Fixed("switched off.");
            push_row(kind, Some(i), label, LayerVerdict::NotEvaluated, off);
            continue;
        }
        let h = layer_hits(hits, kind, Some(i));
        let text = sentence(kind, label, h.clone());
        push_row(kind, Some(i), label, verdict_of(outcome_of(h)), text);
    }

    // Single layers.
    let singles = [
        (LayerKind::Resource, summary.resource),
        (LayerKind::Identity, summary.identity),
        (LayerKind::PermissionsBoundary, summary.boundary),
        (LayerKind::Session, summary.session),
    ];
    for (kind, outcome) in singles {
        let label = Label::Noun(kind);
        match outcome {
            Some(o) => {
                let text = sentence(kind, label, layer_hits(hits, kind, None));
                push_row(kind, None, label, verdict_of(o), text);
            }
            None if !layer_policies(set, kind, None).is_empty() => {
                let why = not_evaluated_reason(kind, req, &part);
                push_row(kind, None, label, LayerVerdict::NotEvaluated, why);
            }
            // The identity layer is shown even when empty: "no identity policy" is a reason.
            None if kind == LayerKind::Identity && part.identity => {
                let text = sentence(kind, label, layer_hits(&[], kind, None));
                push_row(kind, None, label, LayerVerdict::ImplicitDeny, text);
            }
            None => {}
        }
    }

    let decision = decider.decision();
    let mut reasons = SmallList::default();
    let mut notes = Vec::new();
    mark_decisive(rows.as_mut_slice(), decider);
    match decider {
        Decider::ExplicitDeny => {
            for h in hits.iter().filter(|h| h.effect == Effect::Deny) {
                reasons.push(hit_reason(h, Verb::Denies));
            }
        }
        Decider::NoAllow(..) | Decider::NoGrant(..) => {
            for (i, row) in rows.iter().enumerate().filter(|(_, r)| r.decisive) {
                reasons.push(ReasonView {
                    policy: PolicyNames::Layer(layer_policies(set, row.kind, row.level)),
                    kind: row.kind,
                    level: row.level,
                    statement: None,
                    sid: None,
                    span: None,
                    effect: None,
                    message: row.explanation.clone(),
                    row: Some(i),
                });
            }
            if reasons.is_empty() {
                reasons.push(no_grant_reason(req, summary, decider));
            }
            if matches!(decider, Decider::NoAllow(LayerKind::Scp, _)) {
                notes.push("AWS's error message calls a missing SCP Allow an \"explicit deny in a service control policy\"; no Deny statement matched, so iamsim reports ImplicitDeny (Q2).");
            }
        }
        _ => {
            let decisive = |h: &Hit| {
                rows.iter()
                    .any(|r| r.decisive && in_layer(h, r.kind, r.level))
            };
            let deciding = hits
                .iter()
                .filter(|h| h.effect == Effect::Allow)
                .filter(|h| decisive(h))
                .filter(|h| !(decider == Decider::AllowedByResource && h.delegates_only()));
            for h in deciding {
                reasons.push(hit_reason(h, Verb::Allows));
            }
            if decider == Decider::AllowedAsRoot {
                reasons.push(ReasonView {
                    policy: PolicyNames::One(""),
                    kind: LayerKind::Identity,
                    level: None,
                    statement: None,
                    sid: None,
                    span: None,
                    effect: Some(Effect::Allow),
                    message: Sentence::Fixed(
                        "the root user has full access to its own account's resources (D9).",
                    ),
                    row: None,
                });
            }
        }
    }
    if decider == Decider::AllowedByResource
        && summary.session.is_some_and(|s| !s.allowed)
        && matches!(req.class, PrincipalClass::RoleSession)
    {
        notes.push("the resource-based policy names this session directly, so the session policy does not limit it (AWS's text; iam-simulate disagrees, Q1).");
    }

    DecisionView {
        decision,
        reasons,
        rows,
        notes,
    }
}

fn hit_reason<'a>(hit: &Hit<'a>, verb: Verb) -> ReasonView<'a> {
    ReasonView {
        policy: PolicyNames::One(&hit.policy.name),
        kind: hit.policy.layer,
        level: hit.policy.level,
        statement: Some(hit.statement.index()),
        sid: hit.statement.sid(),
        span: Some(hit.statement.span()),
        effect: Some(hit.effect),
        message: Sentence::Statement {
            hit: *hit,
            verb,
            names_request: false,
        },
        row: None,
    }
}

/// An implicit deny whose deciding layer has no row (e.g. no resource policy at all).
fn no_grant_reason(
    req: &PreparedRequest,
    summary: &Summary,
    decider: Decider,
) -> ReasonView<'static> {
    let message = match (req.class, decider) {
        (PrincipalClass::Service, _) => "only a resource-based policy that names the service principal can grant it access (D7), and none does.",
        (PrincipalClass::Anonymous, _) => "only a resource-based policy with `Principal: \"*\"` can grant an anonymous request (D7), and none does.",
        _ if !summary.same_account => "the resource is in another account: its resource-based policy must allow this principal or its account as well as the identity-based policies (D5), and none does.",
        _ => "no policy allows the request.",
    };
    ReasonView {
        policy: PolicyNames::One(""),
        kind: LayerKind::Resource,
        level: None,
        statement: None,
        sid: None,
        span: None,
        effect: None,
        message: Sentence::Fixed(message),
        row: None,
    }
}

/// Marks the rows that decided the outcome.
fn mark_decisive(rows: &mut [Row], decider: Decider) {
    let identity_path = [
        LayerKind::Identity,
        LayerKind::PermissionsBoundary,
        LayerKind::Session,
    ];
    for l in rows.iter_mut() {
        l.decisive = match decider {
            Decider::ExplicitDeny => l.verdict == LayerVerdict::ExplicitDeny,
            Decider::NoAllow(kind, level) => {
                l.kind == kind && (level.is_none() || l.level == level)
            }
            Decider::NoGrant(kind) => l.kind == kind && l.verdict != LayerVerdict::NotEvaluated,
            Decider::AllowedByResource => l.kind == LayerKind::Resource,
            Decider::AllowedByIdentity => {
                identity_path.contains(&l.kind) && l.verdict == LayerVerdict::Allow
            }
            Decider::AllowedByBoth => {
                (l.kind == LayerKind::Resource || identity_path.contains(&l.kind))
                    && l.verdict == LayerVerdict::Allow
            }
            Decider::AllowedAsRoot => false,
        };
    }
}

/// Where the trace goes, policy by policy, statement by statement, as it is worked out: into
/// the owned result's list, or written straight out.
pub(crate) trait TraceSink<'a> {
    /// The next policy; its statements follow.
    fn policy(&mut self, policy: &'a PreparedPolicy, evaluated: bool);
    /// The next statement of the last policy.
    fn statement(&mut self, view: StatementView);
}

impl<'a> TraceSink<'a> for Vec<PolicyTrace> {
    fn policy(&mut self, policy: &'a PreparedPolicy, evaluated: bool) {
        let statements = policy.compiled.as_ref().map_or(0, |c| c.statements().len());
        self.push(PolicyTrace {
            policy: policy.name.clone(),
            kind: policy.layer,
            level: policy.level,
            evaluated,
            statements: Vec::with_capacity(statements),
        });
    }

    fn statement(&mut self, view: StatementView) {
        if let Some(policy) = self.last_mut() {
            policy.statements.push(view.into_trace());
        }
    }
}

/// Every statement's trace, into `sink`; returns the context keys that otherwise-matching
/// statements of participating layers look at and the request lacks.
pub(crate) fn traces<'a>(
    set: &'a PolicySet,
    req: &PreparedRequest,
    request: &PreparedMatch,
    texts: &ExplainTexts,
    part: &Participation,
    sink: &mut impl TraceSink<'a>,
) -> Vec<Arc<str>> {
    let mut missing: Vec<Arc<str>> = Vec::new();
    for policy in set.all() {
        let participates = policy.enabled
            && match policy.layer {
                LayerKind::Identity => part.identity,
                LayerKind::PermissionsBoundary => part.boundary,
                LayerKind::Session => part.session,
                LayerKind::Resource => part.resource,
                LayerKind::Scp => part.scp,
                LayerKind::Rcp => part.rcp,
                LayerKind::VpcEndpoint => part.vpc_endpoint,
            };
        let options = options_for(policy.layer, set, req);
        sink.policy(policy, participates);
        let statements = policy.compiled.as_ref().map_or(&[][..], |c| c.statements());
        for statement in statements {
            let skipped = policy.is_skipped(statement.index()).then_some(
                "this statement has an error for this policy type (see diagnostics) and is skipped",
            );
            let view = statement.view(request, texts, options, skipped);
            if participates && view.skipped.is_none() && view.elements_match() {
                for key in view.missing_keys() {
                    if !missing.iter().any(|m| m.eq_ignore_ascii_case(key)) {
                        missing.push(Arc::clone(key));
                    }
                }
            }
            sink.statement(view);
        }
    }
    missing.sort_by_key(|k| k.to_ascii_lowercase());
    missing
}

/// The request's action and resource as the owned trace's notes share them.
pub(crate) fn explain_texts(request: &PreparedMatch) -> ExplainTexts<'static> {
    ExplainTexts {
        action: NamedText::Shared(SharedText::new(request.request.action)),
        resource: NamedText::Shared(SharedText::new(request.request.resource)),
    }
}

/// The request's action and resource as a trace written straight out names them: borrowed, not
/// copied. The resource's escape test is the match target's, made once per request.
pub(crate) fn written_texts<'r>(
    req: &PreparedRequest,
    request: &PreparedMatch<'r>,
) -> ExplainTexts<'r> {
    let resource = request.request.resource;
    ExplainTexts {
        action: NamedText::borrowed(request.request.action),
        resource: NamedText::Borrowed {
            text: resource,
            plain: req.target.resource_is_plain(resource),
        },
    }
}

/// The context as the result shows it, copied from the request.
pub(crate) fn context_entries(req: &PreparedRequest) -> Vec<ContextEntry> {
    req.context
        .iter()
        .map(|(key, value)| {
            let derived = req.derived.name_of(key);
            ContextEntry {
                // A derived key's name is fixed: borrowed when it is spelled the same.
                key: match derived {
                    Some(name) if name == key => Cow::Borrowed(name),
                    _ => Cow::Owned(key.to_string()),
                },
                values: match value {
                    Values::One(v) => ContextValues::One(v.into()),
                    Values::Many(vs) => ContextValues::Many(vs.to_vec()),
                },
                multi_valued: value.is_multi(),
                derived: derived.is_some(),
            }
        })
        .collect()
}

/// As [`context_entries`], moving names and values out of the request's context (left empty)
/// instead of copying them, into a vector of their own size.
pub(crate) fn into_context_entries(
    context: &mut RequestContext,
    derived: DerivedKeys,
) -> Vec<ContextEntry> {
    let mut entries = Vec::with_capacity(context.len());
    context.drain_each(|key, value, slot| {
        entries.push(ContextEntry {
            derived: derived.lists(&key, slot),
            multi_valued: value.is_multi(),
            values: match value {
                ContextValue::Single(v) => ContextValues::One(v),
                ContextValue::Multi(vs) => ContextValues::Many(vs),
            },
            key,
        })
    });
    entries
}

#[cfg(test)]
mod tests {
    use super::super::write_result_json;
    use super::{Label, LayerKind, RequestWords, Sentence};

    /// A layer named by its noun opens its "no statement" sentence with one run: the same text
    /// as the sentence spelled from its label, for every layer, plain request words or not.
    #[test]
    fn noun_openings_spell_what_their_labels_spell() {
        let kinds = LayerKind::ALL;
        let words = RequestWords {
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/\"k\"",
            plain: false,
        };
        for kind in kinds {
            let mut label = String::new();
            Label::Noun(kind).spell(&mut label);
            let mut spelled = String::new();
            Sentence::NoStatementIn(Label::Noun(kind)).spell(words, &mut spelled);
            assert_eq!(
                spelled,
                format!(
                    "no statement in the {label} allows `s3:GetObject` on `arn:aws:s3:::b/\"k\"`."
                )
            );
        }
    }
    use crate::scenario::{simulate, Scenario};
    use serde_json::{json, Value};

    /// The sentence a statement's layer or reason gives, as `format!` spells it: the plain path
    /// the concatenated sentences must agree with.
    fn statement_words(sid: Option<&str>, index: usize, policy: &str, verb: &str) -> String {
        let name = sid.map_or_else(|| (index + 1).to_string(), |sid| format!("`{sid}`"));
        format!("statement {name} of `{policy}` {verb}")
    }

    fn request_words(action: &str, resource: &str) -> String {
        if resource == "*" {
            format!("`{action}`")
        } else {
            format!("`{action}` on `{resource}`")
        }
    }

    fn statement(sid: Option<&str>, effect: &str, action: &str) -> Value {
        let mut s = json!({"Effect": effect, "Action": action, "Resource": "*"});
        if let (Some(sid), Some(map)) = (sid, s.as_object_mut()) {
            map.insert("Sid".into(), json!(sid));
        }
        s
    }

    fn policy(name: &str, statements: Vec<Value>) -> Value {
        json!({"name": name, "document": {"Version": "2012-10-17", "Statement": statements}})
    }

    /// Gate labels, spelled for the owned result and into JSON, give what `format!` gives
    /// (escaped as serde escapes it for JSON), for every level of every depth and for VPC
    /// endpoint policy names that JSON escapes.
    #[test]
    fn labels_spell_what_format_spells() {
        use super::super::write::JsonText;
        use super::{Label, LayerKind};
        let mut expected = Vec::new();
        for (kind, short) in [(LayerKind::Scp, "SCP"), (LayerKind::Rcp, "RCP")] {
            for levels in 1..13 {
                for level in 0..levels {
                    let place = if level == 0 {
                        "organization root".to_string()
                    } else if level + 1 == levels {
                        "account".to_string()
                    } else {
                        format!("OU {level}")
                    };
                    let label = Label::Level {
                        kind,
                        level,
                        levels,
                    };
                    expected.push((label, format!("{short} level {level} ({place})")));
                }
            }
        }
        for name in ["v", "a \"q\"\\ \u{1}ü", ""] {
            let label = Label::VpcEndpoint(name);
            expected.push((label, format!("VPC endpoint policy `{name}`")));
        }
        let noun = LayerKind::PermissionsBoundary;
        expected.push((Label::Noun(noun), noun.noun().to_string()));
        for (label, want) in expected {
            assert_eq!(label.owned(), want);
            let mut out = vec![b'"'];
            label.spell(&mut JsonText(&mut out));
            out.push(b'"');
            assert_eq!(
                String::from_utf8(out).ok(),
                serde_json::to_string(&want).ok()
            );
        }
    }

    /// Every form of the layers' and reasons' sentences, built by concatenation, spells what
    /// `format!` spells, serializes (serde and the writer) as that string and reads back as it:
    /// policy names, Sids, actions and resources with and without characters JSON escapes, with
    /// and without a Sid, a resource or `*`, for allows, denies and implicit denies, identity
    /// and gate layers.
    #[test]
    fn layer_and_reason_sentences_spell_what_format_spells() {
        let names = ["Push0", "a \"quoted\\ name\tü", ""];
        let sids = [None, Some("S1"), Some("q\"s\\")];
        let actions = ["ecr:PutImage", "s3:Get\"Obj\\ect"];
        let resources = ["*", "arn:aws:s3:::b/ü\n\"x\""];
        let mut checked = 0;
        for name in names {
            for sid in sids {
                for action in actions {
                    for resource in resources {
                        for (effect, verb, decision) in [
                            ("Allow", "allows", "Allow"),
                            ("Deny", "denies", "ExplicitDeny"),
                            ("Allow", "", "ImplicitDeny"),
                        ] {
                            // An implicit deny: the statement names another action.
                            let written = if verb.is_empty() { "sqs:Other" } else { action };
                            let mut scenario = json!({
                                "format": "iamsim/scenario@1",
                                "policies": {
                                    "identity": [policy(name, vec![
                                        statement(None, "Allow", "iam:Nothing"),
                                        statement(sid, effect, written),
                                    ])],
                                },
                                "request": {
                                    "principal": "arn:aws:iam::111122223333:user/u",
                                    "action": action,
                                    "resource": resource,
                                },
                            });
                            // With no Allow anywhere, an SCP level without one speaks too.
                            if verb.is_empty() {
                                scenario["policies"]["scp"] = json!([
                                    [policy("Root", vec![statement(None, "Allow", "*")])],
                                    [policy(name, vec![statement(sid, "Allow", "sqs:Other")])],
                                ]);
                            }
                            let scenario: Scenario =
                                serde_json::from_value(scenario).expect("a scenario");
                            let result = simulate(&scenario, &Default::default());
                            assert_eq!(result.decision.as_str(), decision);
                            let shown_name =
                                result.trace.first().map_or(name, |t| t.policy.as_str());
                            let what = request_words(action, resource);
                            let mut expected = Vec::new();
                            if let Some(l) = result
                                .layers
                                .iter()
                                .find(|l| l.kind == super::LayerKind::Identity)
                            {
                                expected.push((
                                    l.explanation.to_string(),
                                    if verb.is_empty() {
                                        format!("no statement in the identity-based policies allows {what}.")
                                    } else {
                                        format!("{} {what}.", statement_words(sid, 1, shown_name, verb))
                                    },
                                ));
                            }
                            for r in &result.reasons {
                                if r.statement.is_some() {
                                    expected.push((
                                        r.message.to_string(),
                                        format!(
                                            "{} the request.",
                                            statement_words(sid, 1, shown_name, verb)
                                        ),
                                    ));
                                }
                            }
                            for l in result
                                .layers
                                .iter()
                                .filter(|l| l.kind == super::LayerKind::Scp && l.level == Some(1))
                            {
                                expected.push((
                                    l.explanation.to_string(),
                                    format!("no policy at {} allows {what}; every level from the root to the account must allow it.", l.label),
                                ));
                            }
                            assert!(
                                expected.len() >= 2,
                                "{name} {sid:?} {action} {resource} {decision}"
                            );
                            for (got, want) in expected {
                                assert_eq!(got, want);
                                checked += 1;
                            }
                            // Serialized as the strings: serde, the writer, and read back.
                            let text = serde_json::to_string(&result).expect("serializes");
                            let value: Value = serde_json::from_str(&text).expect("reads");
                            for (i, l) in result.layers.iter().enumerate() {
                                assert_eq!(
                                    value["layers"][i]["explanation"],
                                    json!(l.explanation.to_string())
                                );
                            }
                            for (i, r) in result.reasons.iter().enumerate() {
                                assert_eq!(
                                    value["reasons"][i]["message"],
                                    json!(r.message.to_string())
                                );
                                let back: super::Reason =
                                    serde_json::from_value(value["reasons"][i].clone())
                                        .expect("a reason");
                                assert_eq!(&back, r);
                            }
                            let mut written = Vec::new();
                            write_result_json(&result, &mut written);
                            assert_eq!(String::from_utf8(written).ok(), Some(text));
                        }
                    }
                }
            }
        }
        assert!(checked > 100);
    }
}

//! AWS's authorization decision across every policy type (D1–D10, E1–E8), explained.
//!
//! Two entry points share one decision flow ([`flow::decide_summary`]):
//! - [`decide`]: the decision only, for matrices and benchmarks (no allocation per statement);
//! - [`evaluate`]: the decision with reasons, per-layer verdicts, the full trace and the
//!   missing context keys ([`evaluate_owned`]: the same, moving the request's context into the
//!   result);
//! - [`evaluate_brief`]: the decision with reasons and per-layer verdicts, without the trace
//!   (for the request matrix, [`matrix`]);
//! - [`write_evaluation_json`]: what [`evaluate_owned`] says, written as JSON straight into an
//!   output buffer as it is worked out, without the owned result (the CLI's JSON Lines).

mod context;
mod explain;
mod flow;
mod index;
mod layers;
pub mod matrix;
mod prepare;
mod principal;
mod request;
mod result;
mod write;

pub use context::{
    arn_account, derive_context, format_epoch_iso8601, typed_context, DerivedKeys, PrincipalFacts,
};
pub use explain::explain_text;
pub use flow::{
    decide_summary, Decider, GateOutcome, KindSet, Outcome, PrincipalClass, ResourceRole, Summary,
};
pub use matrix::{
    evaluate_matrix, expand_actions, parse_resources, resource_help, ActionList, Matrix,
    MatrixCell, ResourceHelp, MAX_CELLS,
};
pub use prepare::{
    declared_resource_kind, infer_resource_kind, is_trust_action, prepare_resource_policy,
    PolicySet, PreparedPolicy, Shared,
};
pub use request::{EvalOptions, PreparedRequest};
pub use result::*;
pub use write::write_result_json;

use crate::diagnostic::Diagnostic;
use crate::matching::small_list::SmallList;
use crate::matching::{
    Applies, CompiledStatement, MatchOptions, PreparedMatch, PrincipalMatchKind,
};
use crate::policy::{Effect, ResourceKind};

/// One statement that matched the request, recorded while summarizing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit<'p> {
    pub policy: &'p PreparedPolicy,
    pub statement: &'p CompiledStatement,
    pub effect: Effect,
    /// How the statement's principal matched the caller (policies with a Principal element).
    pub kind: Option<PrincipalMatchKind>,
}

impl Hit<'_> {
    /// An account principal only delegates to the account's own policies (G10, D4.3, D6): it
    /// never grants by itself, so it is not named as the reason when the resource policy decides.
    pub fn delegates_only(&self) -> bool {
        self.kind == Some(PrincipalMatchKind::Account)
    }
}

fn kind_bit(kind: Option<PrincipalMatchKind>) -> KindSet {
    match kind {
        Some(PrincipalMatchKind::Star) => KindSet::STAR,
        Some(PrincipalMatchKind::Account) => KindSet::ACCOUNT,
        Some(PrincipalMatchKind::Direct) => KindSet::DIRECT,
        Some(PrincipalMatchKind::Role) => KindSet::ROLE,
        Some(PrincipalMatchKind::FedUser) => KindSet::FED_USER,
        Some(PrincipalMatchKind::Service) => KindSet::SERVICE,
        None => KindSet::default(),
    }
}

/// The services whose resources RCPs govern (IDATA data/rcpSupportedServices.json; RCP page).
const RCP_SERVICES: [&str; 10] = [
    "s3",
    "sts",
    "sqs",
    "secretsmanager",
    "kms",
    "ecr",
    "aoss",
    "cognito-identity",
    "logs",
    "dynamodb",
];

pub(crate) fn rcp_supported(action: &str) -> bool {
    let service = action.split(':').next().unwrap_or("");
    RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service))
}

/// Which layers take part in this request, before any statement is read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Participation {
    pub identity: bool,
    pub boundary: bool,
    pub session: bool,
    pub resource: bool,
    pub scp: bool,
    pub rcp: bool,
    pub vpc_endpoint: bool,
}

impl Participation {
    pub fn of(set: &PolicySet, req: &PreparedRequest) -> Participation {
        let class = req.class;
        let enabled = |p: &Option<Shared>| p.as_ref().is_some_and(|p| p.enabled);
        Participation {
            identity: class.has_identity_policies(),
            boundary: class.has_identity_policies() && enabled(&set.boundary),
            session: class.has_session() && enabled(&set.session),
            // M4/E2: an action without a resource has no resource-based policy.
            resource: enabled(&set.resource) && req.resource != "*",
            scp: set.scp.is_some() && class.governed_by_scps(),
            rcp: set.rcp.is_some() && class.governed_by_rcps() && rcp_supported(&req.action),
            vpc_endpoint: set.vpc_endpoint.iter().any(|p| p.enabled),
        }
    }
}

fn resource_role(set: &PolicySet, req: &PreparedRequest) -> ResourceRole {
    match set.resource_kind {
        Some(ResourceKind::KmsKey) => ResourceRole::KeyPolicy,
        Some(ResourceKind::RoleTrust) if is_trust_action(&req.action_lower()) => {
            ResourceRole::TrustPolicy
        }
        _ => ResourceRole::Ordinary,
    }
}

/// Reads every statement of one policy; `on_hit` sees each matching statement.
fn policy_outcome<'p>(
    policy: &'p PreparedPolicy,
    request: &PreparedMatch,
    options: MatchOptions,
    on_hit: &mut dyn FnMut(Hit<'p>),
) -> Outcome {
    let mut outcome = Outcome::default();
    let Some(compiled) = policy.compiled.as_ref().filter(|_| policy.enabled) else {
        return outcome;
    };
    // Only the statements that can match the request's service (evaluable, not skipped), in
    // document order.
    for &position in policy.index.candidates_hashed(request.service_hashed()) {
        let Some(statement) = compiled.statements().get(position) else {
            continue;
        };
        let Some(Applies { principal, .. }) = statement.applies_to_candidate(request, options)
        else {
            continue;
        };
        let Some(effect) = statement.effect() else {
            continue;
        };
        match effect {
            Effect::Deny => outcome.denied = true,
            Effect::Allow => {
                outcome.allowed = true;
                outcome.kinds.insert(kind_bit(principal));
            }
        }
        on_hit(Hit {
            policy,
            statement,
            effect,
            kind: principal,
        });
    }
    outcome
}

fn gate_outcome<'p>(
    levels: &'p [Vec<Shared>],
    request: &PreparedMatch,
    options: MatchOptions,
    on_hit: &mut dyn FnMut(Hit<'p>),
) -> GateOutcome {
    let mut gate = GateOutcome::default();
    for (i, level) in levels.iter().enumerate() {
        let mut level_outcome = Outcome::default();
        for policy in level {
            level_outcome.merge(policy_outcome(policy, request, options, on_hit));
        }
        gate.denied |= level_outcome.denied;
        if !level_outcome.allowed && gate.first_without_allow.is_none() {
            gate.first_without_allow = Some(i);
        }
    }
    gate
}

/// The match options for each layer.
pub(crate) fn options_for(
    layer: LayerKind,
    set: &PolicySet,
    req: &PreparedRequest,
) -> MatchOptions {
    let principal_has_boundary = set.boundary.as_ref().is_some_and(|b| b.enabled)
        && matches!(
            req.class,
            PrincipalClass::IamUser | PrincipalClass::RoleSession
        );
    match layer {
        LayerKind::Resource => MatchOptions {
            check_principal: true,
            implicit_resource: matches!(
                set.resource_kind,
                Some(ResourceKind::EcrRepository | ResourceKind::RoleTrust)
            ),
            principal_has_boundary,
        },
        LayerKind::Rcp | LayerKind::VpcEndpoint => MatchOptions {
            check_principal: true,
            implicit_resource: false,
            principal_has_boundary,
        },
        _ => MatchOptions::default(),
    }
}

/// The request prepared for matching: the action folded and the resource read as an ARN once,
/// for every statement.
fn prepared_match(req: &PreparedRequest) -> PreparedMatch<'_> {
    PreparedMatch::with_target(req.as_request(), &req.target)
}

/// Summarizes every participating layer; `on_hit` sees each matching statement.
pub(crate) fn summarize<'p>(
    set: &'p PolicySet,
    req: &PreparedRequest,
    request: &PreparedMatch,
    part: Participation,
    on_hit: &mut dyn FnMut(Hit<'p>),
) -> Summary {
    let opts = |layer| options_for(layer, set, req);
    let identity = part.identity.then(|| {
        let mut o = Outcome::default();
        for p in &set.identity {
            o.merge(policy_outcome(
                p,
                request,
                opts(LayerKind::Identity),
                on_hit,
            ));
        }
        o
    });
    let single = |p: &'p Option<Shared>, on: bool, layer, on_hit: &mut dyn FnMut(Hit<'p>)| {
        p.as_ref()
            .filter(|_| on)
            .map(|p| policy_outcome(p, request, opts(layer), on_hit))
    };
    let boundary = single(
        &set.boundary,
        part.boundary,
        LayerKind::PermissionsBoundary,
        on_hit,
    );
    let session = single(&set.session, part.session, LayerKind::Session, on_hit);
    let resource = single(&set.resource, part.resource, LayerKind::Resource, on_hit);
    let scp = set
        .scp
        .as_ref()
        .filter(|_| part.scp)
        .map(|levels| gate_outcome(levels, request, opts(LayerKind::Scp), on_hit));
    let rcp = set
        .rcp
        .as_ref()
        .filter(|_| part.rcp)
        .map(|levels| gate_outcome(levels, request, opts(LayerKind::Rcp), on_hit));
    let vpc_endpoint = part.vpc_endpoint.then(|| {
        let mut gate = GateOutcome::default();
        for (i, p) in set
            .vpc_endpoint
            .iter()
            .enumerate()
            .filter(|(_, p)| p.enabled)
        {
            let o = policy_outcome(p, request, opts(LayerKind::VpcEndpoint), on_hit);
            gate.denied |= o.denied;
            if !o.allowed && gate.first_without_allow.is_none() {
                gate.first_without_allow = Some(i);
            }
        }
        gate
    });
    Summary {
        class: req.class,
        same_account: req.same_account(),
        resource_role: resource_role(set, req),
        identity,
        boundary,
        session,
        resource,
        scp,
        rcp,
        vpc_endpoint,
    }
}

/// The decision alone: the fast path.
pub fn decide(set: &PolicySet, req: &PreparedRequest) -> Decision {
    if req.is_malformed() {
        return Decision::ImplicitDeny;
    }
    let part = Participation::of(set, req);
    decide_summary(&summarize(
        set,
        req,
        &prepared_match(req),
        part,
        &mut |_| {},
    ))
    .decision()
}

/// The decision with its reasons and per-layer verdicts, without the statement trace: agrees with
/// [`evaluate`] on every field they share.
pub fn evaluate_brief(set: &PolicySet, req: &PreparedRequest) -> Brief {
    let d = decided(set, req);
    layers::explain_decision(set, req, d.part, &d.summary, d.decider, &d.hits).into_brief(req)
}

/// The decision with its explanation.
pub fn evaluate(set: &PolicySet, req: &PreparedRequest) -> EvaluationResult {
    let mut result = explained(set, req);
    result.context = layers::context_entries(req);
    result
}

/// As [`evaluate`], for a request used once: its context moves into the result instead of
/// being copied (the CLI's case, one request per scenario).
pub fn evaluate_owned(set: &PolicySet, mut req: PreparedRequest) -> EvaluationResult {
    let mut result = explained(set, &req);
    // The context's names and values move on, taken in place: the request is not copied.
    result.context = layers::into_context_entries(&mut req.context, req.derived);
    result
}

/// As [`evaluate_owned`] then [`write_result_json`], the same bytes, without the owned result:
/// the sentences, the trace's notes and the policies' names are written into `out` where they
/// are worked out, borrowing the policies and the request. `extra` diagnostics follow the
/// evaluation's (the scenario's own warnings).
pub fn write_evaluation_json(
    set: &PolicySet,
    req: &mut PreparedRequest,
    extra: &[Diagnostic],
    out: &mut Vec<u8>,
) {
    // The request's notes come last, after its context has moved out of it.
    let request_notes = std::mem::take(&mut req.notes);
    let d = decided(set, req);
    let view = layers::explain_decision(set, req, d.part, &d.summary, d.decider, &d.hits);
    // The request's texts are checked for escapes once, for the sentences and the notes.
    let texts = layers::written_texts(req, &d.request);
    let reason_span = write::write_decision(out, &view, layers::RequestWords::shared(&texts));
    out.extend_from_slice(b",\"trace\":");
    let mut trace = write::TraceWriter::new(out, reason_span);
    let missing = layers::traces(set, req, &d.request, &texts, &d.part, &mut trace);
    // The trace visits every policy: the set is walked for diagnostics only when one has some.
    let diagnosed = trace.finish();
    let policies_diagnostics = diagnosed.then(|| set.diagnostics()).into_iter().flatten();
    write::write_tail(
        out,
        &missing,
        req.diagnostics
            .iter()
            .chain(policies_diagnostics)
            .chain(extra),
        // Written from the request's own context: no entries to build and drop.
        |out| write::request_context(out, &req.context, req.derived),
        request_notes
            .iter()
            .map(String::as_str)
            .chain(view.notes.iter().copied()),
    );
}

/// Everything [`evaluate`] says but the context.
fn explained(set: &PolicySet, req: &PreparedRequest) -> EvaluationResult {
    let d = decided(set, req);
    layers::explain(set, req, &d.request, d.part, &d.summary, d.decider, &d.hits)
}

/// What both explanations start from: the layers summarized with every matching statement
/// recorded, and the decider (a malformed request is denied, fail closed).
struct Decided<'p, 'r> {
    request: PreparedMatch<'r>,
    part: Participation,
    summary: Summary,
    decider: Decider,
    /// Most requests match one statement or none: held inline, without an allocation.
    hits: SmallList<Hit<'p>>,
}

fn decided<'p, 'r>(set: &'p PolicySet, req: &'r PreparedRequest) -> Decided<'p, 'r> {
    let request = prepared_match(req);
    let part = Participation::of(set, req);
    let mut hits = SmallList::default();
    let summary = summarize(set, req, &request, part, &mut |h| hits.push(h));
    let decider = if req.is_malformed() {
        Decider::NoGrant(LayerKind::Identity)
    } else {
        decide_summary(&summary)
    };
    Decided {
        request,
        part,
        summary,
        decider,
        hits,
    }
}

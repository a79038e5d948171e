//! Turning a summary and the matching statements into the explained result: one verdict per
//! layer with a sentence a person understands, the deciding statements, the full trace and the
//! missing context keys.

use super::context::DerivedKeys;
use super::flow::{Decider, Outcome, PrincipalClass, Summary};
use super::prepare::{PolicySet, Shared};
use super::request::PreparedRequest;
use super::result::*;
use super::{options_for, Hit, Participation};
use crate::concat::{concat, decimal};
use crate::context::{ContextValue, RequestContext};
use crate::matching::{ExplainTexts, PreparedMatch};
use crate::note::SharedText;
use crate::policy::Effect;
use std::borrow::Cow;

/// "SCP level 1 (OU)", "RCP level 0 (root)", "VPC endpoint policy 2".
fn level_label(kind: LayerKind, level: usize, levels: usize) -> String {
    let short = if kind == LayerKind::Scp { "SCP" } else { "RCP" };
    let place = if level == 0 {
        "organization root".to_string()
    } else if level + 1 == levels {
        "account".to_string()
    } else {
        format!("OU {level}")
    };
    format!("{short} level {level} ({place})")
}

/// Appends "`action`" or "`action` on `resource`".
fn push_request_phrase(out: &mut String, req: &PreparedRequest) {
    out.push('`');
    out.push_str(&req.action);
    if req.resource != "*" {
        out.push_str("` on `");
        out.push_str(&req.resource);
    }
    out.push('`');
}

/// Appends "statement `Sid` of `policy`" or "statement 2 of `policy`".
fn push_statement_name(out: &mut String, hit: &Hit) {
    match hit.statement.sid() {
        Some(sid) => {
            out.push_str("statement `");
            out.push_str(sid);
        }
        None => {
            out.push_str("statement ");
            out.push_str(&decimal(hit.statement.index() + 1));
            out.push_str(" of `");
            out.push_str(&hit.policy.name);
            out.push('`');
            return;
        }
    }
    out.push_str("` of `");
    out.push_str(&hit.policy.name);
    out.push('`');
}

/// "statement … of `policy` VERB TAIL": one allocation, sized for the usual sentence.
fn statement_sentence(hit: &Hit, verb: &str, tail: impl FnOnce(&mut String)) -> String {
    let mut out = String::with_capacity(
        48 + hit.policy.name.len() + hit.statement.sid().map_or(0, str::len) + verb.len() + 96,
    );
    push_statement_name(&mut out, hit);
    out.push_str(verb);
    tail(&mut out);
    out
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
    label: &str,
    hits: impl Iterator<Item = &'h Hit<'p>> + Clone,
    req: &PreparedRequest,
) -> String {
    let what = |out: &mut String| {
        push_request_phrase(out, req);
        out.push('.');
    };
    if let Some(deny) = hits.clone().find(|h| h.effect == Effect::Deny) {
        return statement_sentence(deny, " denies ", what);
    }
    // Prefer a statement that grants by itself over one that only delegates to the account.
    let allows = || hits.clone().filter(|h| h.effect == Effect::Allow);
    if let Some(allow) = allows()
        .find(|h| !h.delegates_only())
        .or_else(|| allows().next())
    {
        return statement_sentence(allow, " allows ", what);
    }
    let mut out = String::with_capacity(label.len() + req.action.len() + req.resource.len() + 80);
    match kind {
        LayerKind::Scp | LayerKind::Rcp => {
            out.push_str("no policy at ");
            out.push_str(label);
            out.push_str(" allows ");
            push_request_phrase(&mut out, req);
            out.push_str("; every level from the root to the account must allow it.");
        }
        _ => {
            out.push_str("no statement in the ");
            out.push_str(label);
            out.push_str(" allows ");
            what(&mut out);
        }
    }
    out
}

/// Why a layer with policies does not take part in this request.
fn not_evaluated_reason(kind: LayerKind, req: &PreparedRequest, part: &Participation) -> String {
    let class = req.class;
    match kind {
        LayerKind::Identity | LayerKind::PermissionsBoundary if class == PrincipalClass::Root => {
            "no identity policy or boundary can be attached to the root user (D9).".into()
        }
        LayerKind::Identity | LayerKind::PermissionsBoundary | LayerKind::Session
            if !class.has_identity_policies() =>
        {
            "service principals and anonymous callers have no identity policies: only the resource-based policy can grant (D7).".into()
        }
        LayerKind::Session if !class.has_session() => {
            "session policies apply to role and federated-user sessions, not to IAM users.".into()
        }
        LayerKind::Resource if req.resource == "*" => format!(
            "`{}` has no resource, so no resource-based policy applies (M4); it can only be granted by an identity-based policy.",
            req.action
        ),
        LayerKind::Scp if !class.governed_by_scps() => {
            "SCPs do not apply to service-linked roles, service principals or anonymous callers (D3).".into()
        }
        LayerKind::Rcp if !class.governed_by_rcps() => "RCPs do not apply to service-linked roles (D2).".into(),
        LayerKind::Rcp if !part.rcp => format!(
            "`{}` belongs to a service that RCPs do not govern (D2).",
            req.action.split(':').next().unwrap_or("")
        ),
        _ => "switched off.".into(),
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

/// The policies' names, comma-separated.
fn policy_names(policies: &[Shared]) -> String {
    let mut names = String::new();
    for (i, p) in policies.iter().enumerate() {
        if i > 0 {
            names.push_str(", ");
        }
        names.push_str(&p.name);
    }
    names
}

fn push_row(
    rows: &mut Vec<Layer>,
    kind: LayerKind,
    level: Option<usize>,
    label: impl Into<Cow<'static, str>>,
    verdict: LayerVerdict,
    explanation: String,
) {
    rows.push(Layer {
        kind,
        level,
        label: label.into(),
        verdict,
        explanation,
        decisive: false,
    });
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
    let brief = explain_decision(set, req, part, summary, decider, hits);
    let (trace, missing) = traces(set, req, request, &part);
    let mut diagnostics: Vec<_> = req.diagnostics.clone();
    diagnostics.extend(set.diagnostics().cloned());
    EvaluationResult {
        decision: brief.decision,
        reasons: brief.reasons,
        layers: brief.layers,
        trace,
        missing_context_keys: missing,
        diagnostics,
        // Filled by the caller: copied from the request or moved out of it.
        context: Vec::new(),
        notes: brief.notes,
    }
}

/// The decision, its reasons and the per-layer verdicts, without the statement trace: what
/// [`explain`] says about the decision, at a fraction of its cost (for matrices).
pub(crate) fn explain_decision(
    set: &PolicySet,
    req: &PreparedRequest,
    part: Participation,
    summary: &Summary,
    decider: Decider,
    hits: &[Hit],
) -> Brief {
    let mut rows: Vec<Layer> = Vec::with_capacity(4);

    // Gates by level: RCPs, SCPs, VPC endpoints.
    for (kind, levels, on) in [
        (LayerKind::Rcp, set.rcp.as_ref(), part.rcp),
        (LayerKind::Scp, set.scp.as_ref(), part.scp),
    ] {
        let Some(levels) = levels else { continue };
        for i in 0..levels.len() {
            let label = level_label(kind, i, levels.len());
            if !on {
                let why = not_evaluated_reason(kind, req, &part);
                push_row(
                    &mut rows,
                    kind,
                    Some(i),
                    label,
                    LayerVerdict::NotEvaluated,
                    why,
                );
                continue;
            }
            let h = layer_hits(hits, kind, Some(i));
            let text = sentence(kind, &label, h.clone(), req);
            push_row(
                &mut rows,
                kind,
                Some(i),
                label,
                verdict_of(outcome_of(h)),
                text,
            );
        }
    }
    for (i, p) in set.vpc_endpoint.iter().enumerate() {
        let label = concat(&["VPC endpoint policy `", &p.name, "`"]);
        if !p.enabled {
            push_row(
                &mut rows,
                LayerKind::VpcEndpoint,
                Some(i),
                label,
                LayerVerdict::NotEvaluated,
                "switched off.".into(),
            );
            continue;
        }
        let h = layer_hits(hits, LayerKind::VpcEndpoint, Some(i));
        let text = sentence(LayerKind::VpcEndpoint, &label, h.clone(), req);
        push_row(
            &mut rows,
            LayerKind::VpcEndpoint,
            Some(i),
            label,
            verdict_of(outcome_of(h)),
            text,
        );
    }

    // Single layers.
    let singles = [
        (LayerKind::Resource, summary.resource),
        (LayerKind::Identity, summary.identity),
        (LayerKind::PermissionsBoundary, summary.boundary),
        (LayerKind::Session, summary.session),
    ];
    for (kind, outcome) in singles {
        let label = Cow::Borrowed(kind.noun());
        let policies = layer_policies(set, kind, None);
        match outcome {
            Some(o) => {
                let text = sentence(kind, &label, layer_hits(hits, kind, None), req);
                push_row(&mut rows, kind, None, label, verdict_of(o), text);
            }
            None if !policies.is_empty() => {
                let why = not_evaluated_reason(kind, req, &part);
                push_row(
                    &mut rows,
                    kind,
                    None,
                    label,
                    LayerVerdict::NotEvaluated,
                    why,
                );
            }
            // The identity layer is shown even when empty: "no identity policy" is a reason.
            None if kind == LayerKind::Identity && part.identity => {
                let text = sentence(kind, &label, layer_hits(&[], kind, None), req);
                push_row(
                    &mut rows,
                    kind,
                    None,
                    label,
                    LayerVerdict::ImplicitDeny,
                    text,
                );
            }
            None => {}
        }
    }

    let decision = decider.decision();
    let mut reasons = Vec::new();
    let mut notes = req.notes.clone();
    mark_decisive(&mut rows, decider);
    match decider {
        Decider::ExplicitDeny => {
            reasons.extend(
                hits.iter()
                    .filter(|h| h.effect == Effect::Deny)
                    .map(|h| hit_reason(h, " denies")),
            );
        }
        Decider::NoAllow(..) | Decider::NoGrant(..) => {
            for row in rows.iter().filter(|r| r.decisive) {
                reasons.push(Reason {
                    policy: policy_names(layer_policies(set, row.kind, row.level)),
                    kind: row.kind,
                    level: row.level,
                    statement: None,
                    sid: None,
                    span: None,
                    effect: None,
                    message: row.explanation.clone(),
                });
            }
            if reasons.is_empty() {
                reasons.push(no_grant_reason(req, summary, decider));
            }
            if matches!(decider, Decider::NoAllow(LayerKind::Scp, _)) {
                notes.push("AWS's error message calls a missing SCP Allow an \"explicit deny in a service control policy\"; no Deny statement matched, so iamsim reports ImplicitDeny (Q2).".into());
            }
        }
        _ => {
            let decisive = |h: &Hit| {
                rows.iter()
                    .any(|r| r.decisive && in_layer(h, r.kind, r.level))
            };
            reasons.extend(
                hits.iter()
                    .filter(|h| h.effect == Effect::Allow)
                    .filter(|h| decisive(h))
                    .filter(|h| !(decider == Decider::AllowedByResource && h.delegates_only()))
                    .map(|h| hit_reason(h, " allows")),
            );
            if decider == Decider::AllowedAsRoot {
                reasons.push(Reason {
                    policy: String::new(),
                    kind: LayerKind::Identity,
                    level: None,
                    statement: None,
                    sid: None,
                    span: None,
                    effect: Some(Effect::Allow),
                    message: "the root user has full access to its own account's resources (D9)."
                        .into(),
                });
            }
        }
    }
    if decider == Decider::AllowedByResource
        && summary.session.is_some_and(|s| !s.allowed)
        && matches!(req.class, PrincipalClass::RoleSession)
    {
        notes.push("the resource-based policy names this session directly, so the session policy does not limit it (AWS's text; iam-simulate disagrees, Q1).".into());
    }

    Brief {
        decision,
        reasons,
        layers: rows,
        notes,
    }
}

fn hit_reason(hit: &Hit, verb: &str) -> Reason {
    Reason {
        policy: hit.policy.name.clone(),
        kind: hit.policy.layer,
        level: hit.policy.level,
        statement: Some(hit.statement.index()),
        sid: hit.statement.sid().map(str::to_string),
        span: Some(hit.statement.span()),
        effect: Some(hit.effect),
        message: statement_sentence(hit, verb, |out| out.push_str(" the request.")),
    }
}

/// An implicit deny whose deciding layer has no row (e.g. no resource policy at all).
fn no_grant_reason(req: &PreparedRequest, summary: &Summary, decider: Decider) -> Reason {
    let message = match (req.class, decider) {
        (PrincipalClass::Service, _) => "only a resource-based policy that names the service principal can grant it access (D7), and none does.".to_string(),
        (PrincipalClass::Anonymous, _) => "only a resource-based policy with `Principal: \"*\"` can grant an anonymous request (D7), and none does.".to_string(),
        _ if !summary.same_account => "the resource is in another account: its resource-based policy must allow this principal or its account as well as the identity-based policies (D5), and none does.".to_string(),
        _ => "no policy allows the request.".to_string(),
    };
    Reason {
        policy: String::new(),
        kind: LayerKind::Resource,
        level: None,
        statement: None,
        sid: None,
        span: None,
        effect: None,
        message,
    }
}

/// Marks the rows that decided the outcome.
fn mark_decisive(rows: &mut [Layer], decider: Decider) {
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

/// Every statement's trace, and the context keys that otherwise-matching statements of
/// participating layers look at and the request lacks.
fn traces(
    set: &PolicySet,
    req: &PreparedRequest,
    request: &PreparedMatch,
    part: &Participation,
) -> (Vec<PolicyTrace>, Vec<String>) {
    let mut missing: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(set.all().count());
    // The resource comes shared from the request's match target, made once per request.
    let texts = ExplainTexts {
        action: SharedText::new(request.request.action),
        resource: req.target.shared_resource(request.request.resource),
    };
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
        // Each trace goes straight into the list; skipped statements are marked afterwards (a
        // closure that changed a trace before returning it would move it once more).
        let mut statements = policy
            .compiled
            .iter()
            .flat_map(|c| c.statements())
            .map(|s| s.explain_prepared(request, &texts, options))
            .collect::<Vec<_>>();
        for t in statements
            .iter_mut()
            .filter(|t| policy.is_skipped(t.index) && t.skipped.is_none())
        {
            t.skipped = Some(
                "this statement has an error for this policy type (see diagnostics) and is skipped"
                    .into(),
            );
            t.matched = false;
        }
        if participates {
            for t in statements
                .iter()
                .filter(|t| t.skipped.is_none() && elements_match(t))
            {
                for key in &t.missing_keys {
                    if !missing.iter().any(|m| m.eq_ignore_ascii_case(key)) {
                        missing.push(key.to_string());
                    }
                }
            }
        }
        out.push(PolicyTrace {
            policy: policy.name.clone(),
            kind: policy.layer,
            level: policy.level,
            evaluated: participates,
            statements,
        });
    }
    missing.sort_by_key(|k| k.to_ascii_lowercase());
    (out, missing)
}

/// Whether principal, action and resource matched, whatever the conditions said.
fn elements_match(t: &crate::matching::StatementTrace) -> bool {
    [&t.principal, &t.action, &t.resource]
        .iter()
        .all(|e| e.as_ref().is_none_or(|e| e.matched))
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
                    ContextValue::Single(v) => ContextValues::One(v.clone()),
                    ContextValue::Multi(vs) => ContextValues::Many(vs.clone()),
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
            // A derived slot's key is derived when this request's derivation filled it; a given
            // key when it is spelled as one derived (only a context built by hand has those).
            derived: match slot {
                Some(at) => derived.has(at),
                None => derived.name_of(&key).is_some(),
            },
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

//! The verdict: a banner with the decision, the layer that decided and why; how long the
//! evaluation took; a lane per layer; the deciding statements (click one to see it in the
//! editor); the notes and the count of missing context keys.

use crate::state::Action;
use crate::timing::format_ms;
use iamsim_core::eval::{Decision, EvaluationResult, LayerVerdict, Reason};
use iamsim_core::policy::Effect;
use std::rc::Rc;
use yew::prelude::*;

/// The banner's headline for a decision.
pub fn headline(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "Allowed",
        Decision::ExplicitDeny => "Denied explicitly",
        Decision::ImplicitDeny => "Denied implicitly",
    }
}

/// A layer verdict as a mark and a word, as the sidebar and the lanes show it.
pub fn verdict_mark(v: LayerVerdict) -> (&'static str, &'static str, &'static str) {
    // (symbol, words, css class)
    match v {
        LayerVerdict::Allow => ("✓", "allow", "allow"),
        LayerVerdict::ExplicitDeny => ("✗", "deny", "deny"),
        LayerVerdict::ImplicitDeny => ("–", "no allow", "none"),
        LayerVerdict::NotEvaluated => ("○", "not evaluated", "skipped"),
    }
}

/// The sentence under the headline: the first reason, or the deciding layer's explanation.
fn reason_sentence(result: &EvaluationResult) -> String {
    let sentence = result
        .reasons
        .first()
        .map(|r| r.message.clone())
        .or_else(|| {
            result
                .layers
                .iter()
                .find(|l| l.decisive)
                .map(|l| l.explanation.clone())
        })
        .unwrap_or_default();
    capitalize(&sentence)
}

/// Text with `backticked` parts (core's messages quote names that way) shown as code.
pub fn rich_text(text: &str) -> Html {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                html! { <code>{ part }</code> }
            } else {
                html! { { part } }
            }
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn reveal(reason: &Reason) -> Option<Action> {
    reason.span.map(|span| Action::Reveal {
        layer: reason.kind,
        level: reason.level,
        policy: reason.policy.clone(),
        span,
    })
}

#[derive(Properties)]
pub struct VerdictProps {
    pub result: Rc<EvaluationResult>,
    /// How long the evaluation took, in milliseconds.
    pub eval_ms: f64,
    pub dispatch: Callback<Action>,
}

// `EvaluationResult` has no `PartialEq`; the app makes a new `Rc` only when it re-evaluates, so
// pointer identity is the right test.
impl PartialEq for VerdictProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.result, &other.result)
            && self.eval_ms.to_bits() == other.eval_ms.to_bits()
            && self.dispatch == other.dispatch
    }
}

#[function_component(Verdict)]
pub fn verdict(props: &VerdictProps) -> Html {
    let r = &props.result;
    let decision = r.decision;
    let decider = r.layers.iter().find(|l| l.decisive);
    let request_errors = r
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.policy.is_none())
        .count();

    let banner = html! {
        <div class={classes!("banner", decision.as_str())} data-testid="decision"
             data-decision={decision.as_str()} role="status" aria-live="polite">
            <div class="banner-head">
                <span class="banner-mark" aria-hidden="true">
                    { if decision == Decision::Allow { "✓" } else { "✗" } }
                </span>
                <span class="banner-decision">{ headline(decision) }</span>
                <code class="banner-code">{ decision.as_str() }</code>
            </div>
            if let Some(layer) = decider {
                <div class="banner-layer">{ "Decided by " }<strong>{ layer.label.to_string() }</strong></div>
            }
            <p class="banner-reason" data-testid="decision-reason">{ rich_text(&reason_sentence(r)) }</p>
        </div>
    };

    let lanes = r.layers.iter().map(|layer| {
        let (mark, words, class) = verdict_mark(layer.verdict);
        html! {
            <li class={classes!("lane", class, layer.decisive.then_some("decisive"))}
                data-testid="layer-lane">
                <span class="lane-label">{ layer.label.to_string() }</span>
                <span class={classes!("verdict-chip", class)}>
                    <span aria-hidden="true">{ mark }</span>{ " " }{ words }
                </span>
                <span class="lane-explanation">{ rich_text(&capitalize(&layer.explanation)) }</span>
            </li>
        }
    });

    let reasons = r.reasons.iter().map(|reason| {
        let effect = match reason.effect {
            Some(Effect::Allow) => "allow",
            Some(Effect::Deny) => "deny",
            None => "none",
        };
        let place = match (&reason.sid, reason.statement, reason.span) {
            (Some(sid), _, _) => format!("{} · {sid}", reason.policy),
            (None, Some(i), _) => format!("{} · statement {}", reason.policy, i + 1),
            _ => reason.policy.clone(),
        };
        let line = reason
            .span
            .map(|s| format!("line {}", s.start.line))
            .unwrap_or_default();
        match reveal(reason) {
            Some(action) => {
                let dispatch = props.dispatch.clone();
                let onclick = Callback::from(move |_: MouseEvent| dispatch.emit(action.clone()));
                html! {
                    <li>
                        <button type="button" class={classes!("reason", effect)} data-testid="reason"
                                title="Show this statement in the editor" {onclick}>
                            <span class="reason-place">{ place }<span class="reason-line">{ line }</span></span>
                            <span class="reason-message">{ rich_text(&capitalize(&reason.message)) }</span>
                        </button>
                    </li>
                }
            }
            None => html! {
                <li>
                    <div class={classes!("reason", effect)} data-testid="reason">
                        <span class="reason-place">{ place }</span>
                        <span class="reason-message">{ rich_text(&capitalize(&reason.message)) }</span>
                    </div>
                </li>
            },
        }
    });

    let missing = r.missing_context_keys.len();
    // The banner and its timing are a direct child of the column so that they can stick to its
    // bottom edge: the verdict stays in sight while the request above it is edited.
    html! {
        <>
        <div class="verdict-sticky">
            { banner }
            <p class="eval-meta">
                <span data-testid="eval-time" data-ms={format!("{:.4}", props.eval_ms)}>
                    { format!("evaluated in {}", format_ms(props.eval_ms)) }
                </span>
                if missing > 0 {
                    <span class="missing-count" data-testid="missing-count">
                        { format!(" · {missing} context key{} missing", if missing == 1 { "" } else { "s" }) }
                    </span>
                }
                if request_errors > 0 {
                    <span class="request-errors">
                        { format!(" · the request has {request_errors} error{}", if request_errors == 1 { "" } else { "s" }) }
                    </span>
                }
            </p>
        </div>
        <section class="verdict" aria-label="Why">
            if !r.reasons.is_empty() {
                <h3 class="section-title">{ "Deciding statements" }</h3>
                <ul class="reasons">{ for reasons }</ul>
            }
            if !r.layers.is_empty() {
                <h3 class="section-title">{ "Layers" }</h3>
                <ul class="lanes">{ for lanes }</ul>
            }
            if !r.notes.is_empty() {
                <h3 class="section-title">{ "Notes" }</h3>
                <ul class="notes">
                    { for r.notes.iter().map(|n| html! { <li>{ rich_text(n) }</li> }) }
                </ul>
            }
        </section>
        </>
    }
}

//! The trace panel: every policy of every layer, statement by statement, with why each element
//! and each condition did or did not match. A click on a statement reveals it in the editor.

mod expansion;
pub mod summary;

use crate::state::Action;
use expansion::PatternHover;
use iamsim_core::eval::{EvaluationResult, LayerKind, PolicyTrace};
use iamsim_core::matching::{ElementTrace, StatementTrace};
use iamsim_core::policy::Effect;
use std::collections::HashSet;
use std::rc::Rc;
use summary::{match_kind_label, why_not, Mark};
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct TraceProps {
    pub result: Rc<EvaluationResult>,
    pub dispatch: Callback<Action>,
}

impl PartialEq for TraceProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.result, &other.result) && self.dispatch == other.dispatch
    }
}

/// Policies with more statements than this show their non-matching statements collapsed.
const COLLAPSE_ABOVE: usize = 4;

#[function_component(TracePanel)]
pub fn trace_panel(props: &TraceProps) -> Html {
    let matched_only = use_state(|| false);
    // Statements the user opened or closed, flipping their default: (policy index, statement).
    let flipped = use_state(HashSet::<(usize, usize)>::new);
    let result = &props.result;
    let on_filter = {
        let matched_only = matched_only.clone();
        Callback::from(move |_: Event| matched_only.set(!*matched_only))
    };
    let mut groups: Vec<Html> = Vec::new();
    let mut current: Option<(LayerKind, Option<usize>)> = None;
    let mut policies: Vec<Html> = Vec::new();
    let flush =
        |groups: &mut Vec<Html>, key: Option<(LayerKind, Option<usize>)>, items: Vec<Html>| {
            if let Some((kind, level)) = key {
                let label = result
                    .layers
                    .iter()
                    .find(|l| l.kind == kind && l.level == level)
                    .map_or_else(|| kind.noun().to_string(), |l| l.label.to_string());
                groups.push(html! {
                    <section class="tr-layer" data-testid="trace-layer" aria-label={label.clone()}>
                        <h3 class="tr-layer-title">{ label }</h3>
                        { for items }
                    </section>
                });
            }
        };
    for (pi, policy) in result.trace.iter().enumerate() {
        let key = (policy.kind, policy.level);
        if current != Some(key) {
            flush(&mut groups, current, std::mem::take(&mut policies));
            current = Some(key);
        }
        policies.push(policy_html(
            pi,
            policy,
            result,
            *matched_only,
            &flipped,
            &props.dispatch,
        ));
    }
    flush(&mut groups, current, policies);
    html! {
        <section class="tr" aria-labelledby="tr-title" data-testid="trace">
            <div class="tr-head">
                <h2 id="tr-title" class="tr-title">{ "Trace" }</h2>
                <label class="tr-filter">
                    <input type="checkbox" data-testid="trace-matched-only"
                           checked={*matched_only} onchange={on_filter} />
                    { " matched only" }
                </label>
            </div>
            if result.trace.is_empty() {
                <p class="tr-empty">{ "No policy to evaluate." }</p>
            } else {
                { for groups }
            }
        </section>
    }
}

fn policy_html(
    pi: usize,
    policy: &PolicyTrace,
    result: &EvaluationResult,
    matched_only: bool,
    flipped: &UseStateHandle<HashSet<(usize, usize)>>,
    dispatch: &Callback<Action>,
) -> Html {
    let why_dim = (!policy.evaluated).then(|| {
        result
            .layers
            .iter()
            .find(|l| l.kind == policy.kind && l.level == policy.level)
            .filter(|l| l.verdict == iamsim_core::eval::LayerVerdict::NotEvaluated)
            .map_or_else(|| "switched off".to_string(), |l| l.explanation.clone())
    });
    let big = policy.statements.len() > COLLAPSE_ABOVE;
    let shown: Vec<&StatementTrace> = policy
        .statements
        .iter()
        .filter(|s| !matched_only || s.matched)
        .collect();
    let hidden = policy.statements.len() - shown.len();
    let rows = shown.into_iter().map(|s| {
        // Open by default: matched statements, and every statement of a small policy.
        let open_default = s.matched || !big;
        let open = open_default != flipped.contains(&(pi, s.index));
        statement_html(pi, policy, s, open, flipped, dispatch)
    });
    html! {
        <article class={classes!("tr-policy", why_dim.is_some().then_some("dim"))}
                 data-testid="trace-policy" data-policy={policy.policy.clone()}
                 data-evaluated={policy.evaluated.to_string()}>
            <header class="tr-policy-head">
                <span class="tr-policy-name">{ &policy.policy }</span>
                if let Some(why) = &why_dim {
                    <span class="tr-not-evaluated">{ "not evaluated — " }{ why }</span>
                }
            </header>
            if policy.statements.is_empty() {
                <p class="tr-empty">{ "No statements (the policy does not parse)." }</p>
            }
            <ol class="tr-statements">{ for rows }</ol>
            if hidden > 0 {
                <p class="tr-hidden">{ format!("{hidden} statement(s) that did not match hidden") }</p>
            }
        </article>
    }
}

fn statement_html(
    pi: usize,
    policy: &PolicyTrace,
    s: &StatementTrace,
    open: bool,
    flipped: &UseStateHandle<HashSet<(usize, usize)>>,
    dispatch: &Callback<Action>,
) -> Html {
    let mark = Mark::of_statement(s);
    let on_reveal = {
        let dispatch = dispatch.clone();
        let action = Action::Reveal {
            layer: policy.kind,
            // Only SCP and RCP levels name a slot; a VPC endpoint's index does not.
            level: matches!(policy.kind, LayerKind::Scp | LayerKind::Rcp)
                .then_some(policy.level)
                .flatten(),
            policy: policy.policy.clone(),
            span: s.span,
        };
        Callback::from(move |_: MouseEvent| dispatch.emit(action.clone()))
    };
    let on_toggle = {
        let flipped = flipped.clone();
        let key = (pi, s.index);
        Callback::from(move |_: MouseEvent| {
            let mut set = (*flipped).clone();
            if !set.remove(&key) {
                set.insert(key);
            }
            flipped.set(set);
        })
    };
    let label = match &s.sid {
        Some(sid) if !sid.is_empty() => sid.to_string(),
        _ => format!("#{}", s.index + 1),
    };
    let effect = match s.effect {
        Some(Effect::Allow) => html! { <span class="tr-effect allow">{ "Allow" }</span> },
        Some(Effect::Deny) => html! { <span class="tr-effect deny">{ "Deny" }</span> },
        None => html! { <span class="tr-effect">{ "?" }</span> },
    };
    let summary = match (&s.skipped, s.matched) {
        (Some(why), _) => format!("skipped: {why}"),
        (None, true) => "matched".to_string(),
        (None, false) => why_not(s),
    };
    let details_id = format!("tr-d-{pi}-{}", s.index);
    html! {
        <li class={classes!("tr-stmt", mark.class())} data-testid="trace-statement"
            data-matched={mark.attr()} data-index={s.index.to_string()}>
            <div class="tr-row">
                <button type="button" class="tr-reveal" data-testid="trace-reveal" onclick={on_reveal}
                        title={format!("Show {label} in the editor (line {})", s.span.start.line)}>
                    <span class="tr-mark" aria-label={mark.words()}>{ mark.symbol() }</span>
                    <span class="tr-sid">{ label }</span>
                    { effect }
                    <span class="tr-summary">{ summary }</span>
                </button>
                if s.skipped.is_none() {
                    <button type="button" class="tr-toggle" aria-expanded={open.to_string()}
                            aria-controls={details_id.clone()} onclick={on_toggle}
                            aria-label="Details">
                        { if open { "▾" } else { "▸" } }
                    </button>
                }
            </div>
            if open && s.skipped.is_none() {
                <div id={details_id} class="tr-details">
                    <ul class="tr-elements">
                        if let Some(p) = &s.principal {
                            { element_html(p, s.principal_match.map(match_kind_label), pi, s.index) }
                        }
                        if let Some(a) = &s.action {
                            { element_html(a, None, pi, s.index) }
                        }
                        if let Some(r) = &s.resource {
                            { element_html(r, None, pi, s.index) }
                        }
                    </ul>
                    if !s.conditions.is_empty() {
                        { conditions_html(s) }
                    }
                </div>
            }
        </li>
    }
}

fn element_html(e: &ElementTrace, kind: Option<&'static str>, pi: usize, si: usize) -> Html {
    let mark = Mark::of(e.matched);
    let is_action = e.element.ends_with("Action");
    let pattern = e.pattern.as_ref().map(|p| {
        if is_action {
            html! { <PatternHover pattern={p.to_string()} id={format!("tr-x-{pi}-{si}")} /> }
        } else {
            html! { <code class="tr-pattern">{ p.to_string() }</code> }
        }
    });
    html! {
        <li class={classes!("tr-element", mark.class())} data-testid="trace-element" data-element={e.element}>
            <span class="tr-mark" aria-label={mark.words()}>{ mark.symbol() }</span>
            <span class="tr-element-name">{ e.element }</span>
            if let Some(kind) = kind {
                <span class="tr-kind" data-testid="principal-match">{ kind }</span>
            }
            if let Some(p) = pattern { { p } }
            if let Some(r) = &e.resolved {
                <span class="tr-resolved">{ "→ " }<code>{ r }</code></span>
            }
            <span class="tr-note">{ e.note.to_string() }</span>
        </li>
    }
}

fn conditions_html(s: &StatementTrace) -> Html {
    let rows = s.conditions.iter().map(|c| {
        let mark = Mark::of(c.result);
        let request = match &c.request_values {
            None => html! { <span class="tr-missing">{ "missing" }</span> },
            Some(v) if v.is_empty() => html! { <span class="tr-missing">{ "empty set" }</span> },
            Some(v) => html! { <code>{ v.join(", ") }</code> },
        };
        html! {
            <li class={classes!("tr-condition", mark.class())} data-testid="trace-condition"
                data-key={c.key.to_string()} data-result={c.result.to_string()}>
                <div class="tr-cond-head">
                    <span class="tr-mark" aria-label={mark.words()}>{ mark.symbol() }</span>
                    <code class="tr-operator">{ c.operator.to_string() }</code>
                    <code class="tr-key">{ c.key.to_string() }</code>
                </div>
                <dl class="tr-cond-values">
                    <dt>{ "request" }</dt><dd>{ request }</dd>
                    <dt>{ "policy" }</dt><dd><code>{ c.policy_values.join(", ") }</code></dd>
                </dl>
                if !c.note.is_empty() {
                    <p class="tr-note">{ c.note.to_string() }</p>
                }
            </li>
        }
    });
    html! {
        <ul class="tr-conditions" aria-label="Conditions">{ for rows }</ul>
    }
}

//! The root component: owns the one reducer, evaluates the workspace when it changes (timed), and
//! lays out the three columns: the workspace sidebar, the editor of the selected policy, and the
//! request, verdict and trace.

use crate::components::editor::{Editor, Highlight, HighlightKind};
use crate::components::examples::ExamplesGallery;
use crate::components::matrix::{view_switch, MatrixInputs, MatrixView, View};
use crate::components::request::RequestBuilder;
use crate::components::share::FileMenu;
use crate::components::trace::TracePanel;
use crate::components::verdict::Verdict;
use crate::components::workspace::{layer_badge, layer_class, level_name, WorkspacePanel};
use crate::state::{Action, PolicyDoc, Slot, State, Theme};
use crate::timing;
use iamsim_core::eval::{EvalOptions, EvaluationResult};
use iamsim_core::policy::{Effect, ResourceKind};
use std::rc::Rc;
use yew::prelude::*;

/// One evaluation and how long it took.
pub struct Evaluated {
    pub result: Rc<EvaluationResult>,
    pub millis: f64,
}

/// Evaluates the state, timed with `performance.now()`.
pub fn evaluate_timed(state: &State) -> Evaluated {
    let options = EvalOptions {
        now_epoch_seconds: timing::epoch_seconds(),
    };
    let start = timing::now_ms();
    let result = state.evaluate(&options);
    let millis = timing::now_ms() - start;
    Evaluated {
        result: Rc::new(result),
        millis,
    }
}

/// Whether a reason or trace entry names this policy (same layer, level and name).
fn names_doc(
    doc: &PolicyDoc,
    kind: iamsim_core::eval::LayerKind,
    level: Option<usize>,
    policy: &str,
) -> bool {
    kind == doc.slot.layer() && level == doc.prepared.level && policy == doc.prepared.name
}

/// The editor's highlights for one policy: its deciding statements (allow or deny), then the
/// statements that matched without deciding, drawn faintly.
pub fn highlights_for(doc: &PolicyDoc, result: &EvaluationResult) -> Vec<Highlight> {
    let mut out: Vec<Highlight> = result
        .reasons
        .iter()
        .filter(|r| names_doc(doc, r.kind, r.level, &r.policy))
        .filter_map(|r| {
            let kind = match r.effect? {
                Effect::Allow => HighlightKind::Allow,
                Effect::Deny => HighlightKind::Deny,
            };
            Some(Highlight {
                span: r.span?,
                kind,
            })
        })
        .collect();
    let matched: Vec<Highlight> = result
        .trace
        .iter()
        .filter(|t| t.evaluated && names_doc(doc, t.kind, t.level, &t.policy))
        .flat_map(|t| t.statements.iter())
        .filter(|s| s.matched && !out.iter().any(|h| h.span == s.span))
        .map(|s| Highlight {
            span: s.span,
            kind: HighlightKind::Matched,
        })
        .collect();
    out.extend(matched);
    out
}

/// Sets `data-theme` on `<html>` (none: follow the system) and remembers the choice.
fn apply_theme(theme: Theme) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = match theme {
            Theme::System => root.remove_attribute("data-theme"),
            Theme::Light => root.set_attribute("data-theme", "light"),
            Theme::Dark => root.set_attribute("data-theme", "dark"),
        };
    }
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.set_item(THEME_KEY, theme_name(theme));
    }
}

const THEME_KEY: &str = "iamsim.theme";

fn theme_name(theme: Theme) -> &'static str {
    match theme {
        Theme::System => "system",
        Theme::Light => "light",
        Theme::Dark => "dark",
    }
}

fn stored_theme() -> Option<Theme> {
    let storage = web_sys::window()?.local_storage().ok()??;
    match storage.get_item(THEME_KEY).ok()??.as_str() {
        "light" => Some(Theme::Light),
        "dark" => Some(Theme::Dark),
        _ => None,
    }
}

fn kind_label(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::Generic => "bucket / generic",
        ResourceKind::EcrRepository => "ECR repository",
        ResourceKind::KmsKey => "KMS key",
        ResourceKind::RoleTrust => "role trust",
    }
}

/// The line above the editor: name, layer badge, on/off, kind (resource policy). The editor
/// has its own toolbar (Format, Undo, Redo).
fn policy_header(state: &State, doc: &PolicyDoc, dispatch: &Callback<Action>) -> Html {
    let id = doc.id;
    let kind = doc.slot.layer();
    let badge = match doc.slot {
        Slot::Scp(l) => format!(
            "SCP · {}",
            level_name(l, state.workspace.scp_levels.unwrap_or(l + 1))
        ),
        Slot::Rcp(l) => format!(
            "RCP · {}",
            level_name(l, state.workspace.rcp_levels.unwrap_or(l + 1))
        ),
        _ => layer_badge(kind).to_string(),
    };
    let toggle = dispatch.reform(move |_: Event| Action::Toggle(id));
    let kind_chooser = (doc.slot == Slot::Resource).then(|| {
        let onchange = dispatch.reform(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            let value = select.value();
            Action::SetKind {
                id,
                kind: (!value.is_empty()).then_some(value),
            }
        });
        let current = doc.kind.clone().unwrap_or_default();
        let inferred = doc.prepared_kind.map(kind_label).unwrap_or("generic");
        let opt = |value: &str, label: String| {
            html! { <option value={value.to_string()} selected={current == value}>{ label }</option> }
        };
        html! {
            <label class="kind-chooser">
                <span>{ "Kind" }</span>
                <select {onchange} data-testid="resource-kind">
                    { opt("", if doc.kind.is_none() { format!("from the request ({inferred})") } else { "from the request".into() }) }
                    { opt("generic", "bucket / generic".into()) }
                    { opt("ecr", "ECR repository".into()) }
                    { opt("kms", "KMS key".into()) }
                    { opt("trust", "role trust".into()) }
                </select>
            </label>
        }
    });
    html! {
        <div class="policy-header">
            <span class={classes!("layer-badge", layer_class(kind))}>{ badge }</span>
            <h2 class="policy-title" data-testid="policy-title">{ &doc.name }</h2>
            if !doc.enabled {
                <span class="off-note">{ "switched off" }</span>
            }
            <span class="spacer"></span>
            { kind_chooser }
            <label class="switch labelled" title="On / off (what-if)">
                <input type="checkbox" role="switch" checked={doc.enabled} onchange={toggle}
                       data-testid="editor-toggle" />
                <span class="switch-track" aria-hidden="true"></span>
                <span>{ if doc.enabled { "On" } else { "Off" } }</span>
            </label>
        </div>
    }
}

fn theme_switch(theme: Theme, dispatch: &Callback<Action>) -> Html {
    let button = |t: Theme, label: &str, icon: &str| {
        let onclick = dispatch.reform(move |_: MouseEvent| Action::SetTheme(t));
        html! {
            <button type="button" class="seg" aria-pressed={(theme == t).to_string()} title={label.to_string()}
                    aria-label={format!("{label} theme")} data-testid={format!("theme-{}", theme_name(t))} {onclick}>
                <span aria-hidden="true">{ icon }</span>
            </button>
        }
    };
    html! {
        <div class="segmented" role="group" aria-label="Theme">
            { button(Theme::System, "System", "◐") }
            { button(Theme::Light, "Light", "☀") }
            { button(Theme::Dark, "Dark", "☾") }
        </div>
    }
}

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    // Saved work: the reducer starts from the saved (or shared) workspace.
    let boot = crate::saved::use_saved_boot();
    let state = use_reducer(|| boot.initial_state());
    let keeping = crate::saved::use_keeping(&boot, &state);
    let dispatch: Callback<Action> = {
        let state = state.clone();
        Callback::from(move |action| state.dispatch(action))
    };
    // What the last undoable change was, for the Undo bar ("Loaded example …").
    let undo_label = use_state(|| None::<String>);

    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            // The first render is on screen: the end-to-end test reads this mark as the
            // load-to-usable time (ms since navigation start).
            timing::mark("iamsim-ready");
            if let Some(theme) = stored_theme() {
                dispatch.emit(Action::SetTheme(theme));
            }
        });
    }
    use_effect_with(state.theme, |theme| apply_theme(*theme));

    // Re-evaluated only when something that can change the verdict changed (`revision` is bumped
    // by every such action, request edits included).
    let evaluated = {
        let state = state.clone();
        use_memo(state.revision, move |_| evaluate_timed(&state))
    };
    let result = evaluated.result.clone();

    let on_undoable = {
        let undo_label = undo_label.clone();
        Callback::from(move |label: String| undo_label.set(Some(label)))
    };
    let undo_bar = match (&*undo_label, &state.previous) {
        (Some(label), Some(_)) => {
            let undo = {
                let dispatch = dispatch.clone();
                let undo_label = undo_label.clone();
                Callback::from(move |_: MouseEvent| {
                    dispatch.emit(Action::Undo);
                    undo_label.set(None);
                })
            };
            let dismiss = {
                let undo_label = undo_label.clone();
                Callback::from(move |_: MouseEvent| undo_label.set(None))
            };
            html! {
                <div class="bar undo-bar" role="status">
                    <span>{ label }{ ". Your previous work is kept." }</span>
                    <button type="button" class="button primary" onclick={undo} data-testid="undo">{ "Undo" }</button>
                    <button type="button" class="icon-button" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
                </div>
            }
        }
        _ => html! {},
    };
    let notice = state.notice.as_ref().map(|n| {
        let dismiss = dispatch.reform(|_: MouseEvent| Action::DismissNotice);
        html! {
            <div class="bar notice" role="alert" data-testid="notice">
                <span>{ n }</span>
                <button type="button" class="icon-button" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
            </div>
        }
    });
    let on_loaded = {
        let on_undoable = on_undoable.clone();
        Callback::from(move |title: String| {
            on_undoable.emit(format!("Loaded the example “{title}”"))
        })
    };

    let centre = match state.selected_policy() {
        Some(doc) => {
            let id = doc.id;
            let on_change = dispatch.reform(move |text: String| Action::EditText { id, text });
            let on_format = dispatch.reform(move |()| Action::Format(id));
            let flash = state
                .flash
                .filter(|f| f.policy == id)
                .map(|f| (f.span, f.seq));
            html! {
                <>
                    { policy_header(&state, doc, &dispatch) }
                    <Editor text={AttrValue::from(doc.text.clone())} policy_id={id} {on_change}
                            diagnostics={Rc::new(doc.prepared.diagnostics.clone())}
                            highlights={Rc::new(highlights_for(doc, &result))}
                            {flash} {on_format} label={AttrValue::from(format!("Policy document: {}", doc.name))} />
                </>
            }
        }
        None => html! {
            <div class="empty-editor">
                <h2>{ "No policy selected" }</h2>
                <p>{ "Add a policy in the sidebar, or load an example." }</p>
            </div>
        },
    };

    // The second view (issue #7): local UI state, kept here so that switching views keeps it.
    let view = use_state(View::default);
    let matrix_inputs = use_state(MatrixInputs::default);
    let on_view = {
        let (view, matrix_inputs) = (view.clone(), matrix_inputs.clone());
        let request = state.workspace.request.clone();
        Callback::from(move |v: View| {
            if v == View::Matrix && matrix_inputs.is_empty() {
                matrix_inputs.set(MatrixInputs::starting_from(&request));
            }
            view.set(v);
        })
    };
    let verdict_column = match *view {
        View::Request => html! {
            <section class="col col-verdict" aria-label="Request and verdict">
                <RequestBuilder request={state.workspace.request.clone()} result={result.clone()}
                                tested_keys={Rc::new(state.tested_keys())} dispatch={dispatch.clone()} />
                <Verdict result={result.clone()} eval_ms={evaluated.millis} dispatch={dispatch.clone()} />
                <TracePanel result={result.clone()} dispatch={dispatch.clone()} />
            </section>
        },
        View::Matrix => {
            let on_inputs = {
                let matrix_inputs = matrix_inputs.clone();
                Callback::from(move |inputs| matrix_inputs.set(inputs))
            };
            let on_open = {
                let (dispatch, view) = (dispatch.clone(), view.clone());
                Callback::from(move |(action, resource): (String, String)| {
                    dispatch.emit(Action::SetAction(action));
                    dispatch.emit(Action::SetResource(resource));
                    view.set(View::Request);
                })
            };
            let on_edit_request = on_view.reform(|()| View::Request);
            html! {
                <section class="col col-matrix" aria-label="Request matrix">
                    <MatrixView state={Rc::new((*state).clone())} inputs={(*matrix_inputs).clone()}
                                {on_inputs} {on_open} {on_edit_request} />
                </section>
            }
        }
    };

    let title = state.workspace.meta.name.clone();
    html! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{ "◆" }</span>
                    <h1>{ "iamsim" }</h1>
                    <span class="tagline">{ "AWS IAM policy simulator" }</span>
                </div>
                if let Some(title) = title {
                    <span class="scenario-name" title={title.clone()}>{ title }</span>
                }
                <span class="spacer"></span>
                { view_switch(*view, &on_view) }
                <FileMenu state={state.clone()} dispatch={dispatch.clone()} on_undoable={on_undoable.clone()} />
                { keeping.switcher }
                <ExamplesGallery dispatch={dispatch.clone()} {on_loaded} />
                { theme_switch(state.theme, &dispatch) }
            </header>
            { undo_bar }
            { for notice }
            { keeping.notices }
            <main class={classes!("columns", (*view == View::Matrix).then_some("view-matrix"))}>
                <aside class="col col-workspace">
                    <WorkspacePanel state={Rc::new((*state).clone())} result={result.clone()}
                                    dispatch={dispatch.clone()} {on_undoable} />
                </aside>
                <section class="col col-editor" aria-label="Policy editor">
                    { centre }
                </section>
                { verdict_column }
            </main>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::examples::state_with;
    use yew::Reducible;

    fn load(id: &str) -> State {
        state_with(id)
    }

    fn kinds(state: &State) -> Vec<HighlightKind> {
        let doc = state.selected_policy().expect("a selected policy");
        let result = state.evaluate(&EvalOptions::default());
        highlights_for(doc, &result)
            .iter()
            .map(|h| h.kind)
            .collect()
    }

    // D1: an explicit deny decides; the Allow that also matched is drawn faintly, not as a decider.
    #[test]
    fn d1_the_deciding_deny_is_highlighted_and_the_matching_allow_is_faint() {
        let s = load("mfa-required");
        assert_eq!(kinds(&s), vec![HighlightKind::Deny, HighlightKind::Matched]);
        let doc = s.selected_policy().expect("policy");
        let result = s.evaluate(&EvalOptions::default());
        let deny = highlights_for(doc, &result)[0].span;
        let text = doc
            .text
            .get(deny.start.offset as usize..deny.end.offset as usize);
        assert!(text.is_some_and(|t| t.contains("DenyStopAndTerminate")));
    }

    // C11: plain Bool on a missing key does not match, so the Deny drops out and the Allow decides.
    #[test]
    fn c11_an_edit_that_flips_the_verdict_moves_the_highlight() {
        let s = load("mfa-required");
        let doc = s.selected_policy().expect("policy");
        let text = doc.text.replace("BoolIfExists", "Bool");
        let s = (*Rc::new(s.clone()).reduce(Action::EditText { id: doc.id, text })).clone();
        assert_eq!(kinds(&s), vec![HighlightKind::Allow]);
    }

    #[test]
    fn another_policy_gets_no_highlight_from_a_reason_it_does_not_hold() {
        let s = load("permissions-boundary");
        let result = s.evaluate(&EvalOptions::default());
        for doc in &s.workspace.policies {
            for h in highlights_for(doc, &result) {
                // Every highlight lies inside its own policy's text.
                assert!(
                    (h.span.end.offset as usize) <= doc.text.len(),
                    "{}",
                    doc.name
                );
            }
        }
        let none = PolicyDoc {
            name: "not in the result".into(),
            ..s.workspace.policies[0].clone()
        };
        let mut prepared = (*none.prepared).clone();
        prepared.name = none.name.clone();
        let none = PolicyDoc {
            prepared: std::sync::Arc::new(prepared),
            ..none
        };
        assert!(highlights_for(&none, &result).is_empty());
    }
}

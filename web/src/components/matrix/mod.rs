//! The request matrix view: the main request's principal and context, evaluated for several
//! actions (a list, or patterns such as `ecr:*` expanded through the catalog) × several
//! resources. Each cell is coloured by its decision (and marked with a symbol), says on hover
//! which layer and statement decided, and opens its request in the main view when clicked. The
//! matrix is re-evaluated when the state revision or its inputs change, so it follows every
//! policy edit.

mod grid;
mod inputs;
pub mod model;

use crate::components::verdict::{headline, rich_text};
use crate::state::State;
use crate::timing::format_ms;
use grid::{cell_mark, MatrixGrid};
use iamsim_core::eval::Decision;
use inputs::MatrixInputsForm;
pub use model::MatrixInputs;
use model::{evaluate, EvaluatedMatrix};
use std::rc::Rc;
use yew::prelude::*;

/// Which view the app shows beside the policy editor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// One request: the request builder, its verdict and trace.
    #[default]
    Request,
    /// Many requests: actions × resources.
    Matrix,
}

/// The header's switch between the two views.
pub fn view_switch(view: View, on_change: &Callback<View>) -> Html {
    let button = |v: View, label: &str, testid: &str, hint: &str| {
        let onclick = on_change.reform(move |_: MouseEvent| v);
        html! {
            <button type="button" class="seg view-seg" aria-pressed={(view == v).to_string()}
                    title={hint.to_string()} data-testid={testid.to_string()} {onclick}>
                { label }
            </button>
        }
    };
    html! {
        <div class="segmented view-switch" role="group" aria-label="View">
            { button(View::Request, "Request", "view-request", "One request: its verdict and trace") }
            { button(View::Matrix, "Matrix", "view-matrix", "Many actions × resources at once") }
        </div>
    }
}

#[derive(Properties)]
pub struct MatrixProps {
    pub state: Rc<State>,
    pub inputs: MatrixInputs,
    pub on_inputs: Callback<MatrixInputs>,
    /// Opens a cell's request (action, resource) in the main view.
    pub on_open: Callback<(String, String)>,
    /// Shows the main view, to edit the principal and context.
    pub on_edit_request: Callback<()>,
}

// The matrix depends on the state only through what bumps its revision.
impl PartialEq for MatrixProps {
    fn eq(&self, other: &Self) -> bool {
        self.state.revision == other.state.revision
            && self.inputs == other.inputs
            && self.on_inputs == other.on_inputs
            && self.on_open == other.on_open
            && self.on_edit_request == other.on_edit_request
    }
}

#[function_component(MatrixView)]
pub fn matrix_view(props: &MatrixProps) -> Html {
    let evaluated: Rc<EvaluatedMatrix> = {
        let state = props.state.clone();
        use_memo(
            (props.state.revision, props.inputs.clone()),
            move |(_, inputs)| evaluate(&state, inputs),
        )
    };
    // The cell under the pointer or with the focus, for the detail line.
    let pointed = use_state(|| None::<(usize, usize)>);
    let on_point = {
        let pointed = pointed.clone();
        use_callback((), move |cell: Option<(usize, usize)>, ()| {
            pointed.set(cell)
        })
    };
    let m = &evaluated.matrix;
    let (allowed, denied, implicit) = m.counts();
    let request = &props.state.workspace.request;
    let context_keys = request
        .context
        .iter()
        .filter(|r| !r.key.trim().is_empty())
        .count();
    let edit_request = props.on_edit_request.reform(|_: MouseEvent| ());

    let empty = if evaluated.actions.actions.is_empty() {
        Some("Type actions above: a list, or a pattern such as `ecr:*`.")
    } else if evaluated.resource_count == 0 {
        Some("Add at least one resource above, one per line.")
    } else {
        None
    };
    let detail = pointed
        .and_then(|(row, column)| {
            Some((
                m.actions.get(row)?,
                m.resources.get(column)?,
                m.cell(row, column)?,
            ))
        })
        .map(|(action, resource, cell)| {
            let decision = cell.brief.decision;
            let fits = cell.fits == Some(false);
            html! {
                <>
                    <span class={classes!("mx-chip", grid::decision_class(decision))}>
                        <span aria-hidden="true">{ cell_mark(decision) }</span>{ " " }{ headline(decision) }
                    </span>
                    { " " }<code>{ action }</code>{ " on " }<code class="mx-detail-resource">{ resource }</code>
                    <ul class="mx-because">
                        { for cell.because().iter().map(|line| html! { <li>{ rich_text(line) }</li> }) }
                        if fits {
                            <li class="mx-unfit-note">{ rich_text(&grid::unfit_note(action)) }</li>
                        }
                    </ul>
                </>
            }
        });

    html! {
        <div class="matrix-view" data-testid="matrix-view"
             data-eval-ms={format!("{:.4}", evaluated.millis)} data-revision={evaluated.revision.to_string()}
             data-cells={m.cells.len().to_string()}>
            <div class="mx-head">
                <h2 class="mx-title">{ "Request matrix" }</h2>
                <p class="mx-from">
                    { "As " }<code title={request.principal.clone()}>{ &request.principal }</code>
                    { format!(" with {context_keys} context key{}", if context_keys == 1 { "" } else { "s" }) }
                    { ", from the request. " }
                    <button type="button" class="link-button" onclick={edit_request}
                            data-testid="matrix-edit-request">{ "Edit the request" }</button>
                </p>
            </div>
            <MatrixInputsForm inputs={props.inputs.clone()} on_inputs={props.on_inputs.clone()}
                              actions={Rc::new(evaluated.actions.clone())} principal={request.principal.clone()} />
            { for m.notes.iter().map(|n| html! { <p class="mx-note" role="status">{ rich_text(n) }</p> }) }
            if let Some(text) = empty {
                <p class="mx-empty" data-testid="matrix-empty">{ rich_text(text) }</p>
            } else {
                <div class="mx-summary" data-testid="matrix-summary" role="status">
                    <span class="mx-chip allow" data-testid="matrix-count-allow" data-count={allowed.to_string()}>
                        <span aria-hidden="true">{ cell_mark(Decision::Allow) }</span>{ format!(" {allowed} allowed") }
                    </span>
                    <span class="mx-chip deny" data-testid="matrix-count-explicit" data-count={denied.to_string()}>
                        <span aria-hidden="true">{ cell_mark(Decision::ExplicitDeny) }</span>{ format!(" {denied} denied explicitly") }
                    </span>
                    <span class="mx-chip none" data-testid="matrix-count-implicit" data-count={implicit.to_string()}>
                        <span aria-hidden="true">{ cell_mark(Decision::ImplicitDeny) }</span>{ format!(" {implicit} denied implicitly") }
                    </span>
                    <span class="mx-time" data-testid="matrix-eval-time" data-ms={format!("{:.4}", evaluated.millis)}>
                        { format!("{} cells evaluated in {}", m.cells.len(), format_ms(evaluated.millis)) }
                    </span>
                </div>
                <div class="mx-detail" data-testid="matrix-detail" aria-live="polite">
                    if let Some(detail) = detail {
                        { detail }
                    } else {
                        <span class="mx-hint">{ "Point at a cell (or focus it) to see which layer decided; click it to open that request." }</span>
                    }
                </div>
                <MatrixGrid evaluated={evaluated.clone()} on_point={on_point} on_open={props.on_open.clone()} />
            }
        </div>
    }
}

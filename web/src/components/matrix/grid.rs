//! The matrix grid: one row per action, one column per resource, a button per cell coloured by
//! its decision and marked with a symbol (colour is never the only cue). The header row and the
//! action column stay in view while the grid scrolls. Pointer, focus and clicks are handled once
//! on the table (one listener, not three per cell).

use super::model::{resource_heading, EvaluatedMatrix};
use crate::components::verdict::headline;
use iamsim_core::eval::Decision;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The symbol of a decision, as the verdict lanes use them.
pub fn cell_mark(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "✓",
        Decision::ExplicitDeny => "✗",
        Decision::ImplicitDeny => "–",
    }
}

/// The CSS class of a decision (the colours of the verdict chips).
pub fn decision_class(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::ExplicitDeny => "deny",
        Decision::ImplicitDeny => "none",
    }
}

/// Said of a cell whose action does not act on its resource (the catalog's resource types).
pub fn unfit_note(action: &str) -> String {
    format!("`{action}` does not act on this kind of resource (per the service authorization reference); AWS evaluates the request as written.")
}

/// The service prefix every action shares, if they all share one.
fn common_service(actions: &[String]) -> Option<&str> {
    let first = actions.first()?.split_once(':')?.0;
    actions
        .iter()
        .all(|a| a.split_once(':').is_some_and(|(s, _)| s == first))
        .then_some(first)
}

/// The corner's text: "64 ecr actions", "3 actions".
fn corner(count: usize, service: Option<&str>) -> String {
    let plural = if count == 1 { "" } else { "s" };
    match service {
        Some(s) => format!("{count} {s} action{plural}"),
        None => format!("{count} action{plural}"),
    }
}

#[derive(Properties)]
pub struct GridProps {
    pub evaluated: Rc<EvaluatedMatrix>,
    /// The cell pointed at or focused (row, column), `None` when the pointer leaves the grid.
    pub on_point: Callback<Option<(usize, usize)>>,
    pub on_open: Callback<(String, String)>,
}

impl PartialEq for GridProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.evaluated, &other.evaluated)
            && self.on_point == other.on_point
            && self.on_open == other.on_open
    }
}

/// The (row, column) of the cell button an event came from.
fn cell_of(e: &Event) -> Option<(usize, usize)> {
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let cell = target.closest("[data-row]").ok()??;
    let row = cell.get_attribute("data-row")?.parse().ok()?;
    let column = cell.get_attribute("data-column")?.parse().ok()?;
    Some((row, column))
}

/// Arrow keys move the focus to the neighbouring cell, Home and End to the row's ends.
fn move_focus(e: KeyboardEvent) {
    let Some((row, column)) = cell_of(&e) else {
        return;
    };
    let (row, column) = match e.key().as_str() {
        "ArrowUp" => (row.checked_sub(1), Some(column)),
        "ArrowDown" => (row.checked_add(1), Some(column)),
        "ArrowLeft" => (Some(row), column.checked_sub(1)),
        "ArrowRight" => (Some(row), column.checked_add(1)),
        "Home" => (Some(row), Some(0)),
        "End" => (Some(row), None),
        _ => return,
    };
    let Some(table) = e
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Some(row) = row else { return };
    let selector = match column {
        Some(c) => format!("[data-row=\"{row}\"][data-column=\"{c}\"]"),
        None => format!("tr:has([data-row=\"{row}\"]) td:last-child [data-row]"),
    };
    let next = table
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(next) = next {
        e.prevent_default();
        let _ = next.focus();
    }
}

/// Makes `cell` the grid's one Tab stop (a roving tabindex): Tab enters the grid at the cell
/// last focused and leaves it in one press, however many cells there are; arrow keys move
/// within. Done on the elements, so moving the focus re-renders nothing.
fn rove(e: &FocusEvent, active: &RefCell<(usize, usize)>, cell: (usize, usize)) {
    let before = active.replace(cell);
    if before == cell {
        return;
    }
    let Some(table) = e
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    for ((row, column), tabindex) in [(before, "-1"), (cell, "0")] {
        let selector = format!("[data-row=\"{row}\"][data-column=\"{column}\"]");
        if let Ok(Some(button)) = table.query_selector(&selector) {
            let _ = button.set_attribute("tabindex", tabindex);
        }
    }
}

#[function_component(MatrixGrid)]
pub fn matrix_grid(props: &GridProps) -> Html {
    let m = &props.evaluated.matrix;
    let active = use_mut_ref(|| (0usize, 0usize));
    {
        // A smaller matrix may have lost the cell: start again at the first.
        let mut active = active.borrow_mut();
        if active.0 >= m.actions.len() || active.1 >= m.resources.len() {
            *active = (0, 0);
        }
    }
    let tab_stop = *active.borrow();
    let onclick = {
        let evaluated = props.evaluated.clone();
        let on_open = props.on_open.clone();
        Callback::from(move |e: MouseEvent| {
            let m = &evaluated.matrix;
            if let Some((row, column)) = cell_of(&e) {
                if let (Some(a), Some(r)) = (m.actions.get(row), m.resources.get(column)) {
                    on_open.emit((a.clone(), r.clone()));
                }
            }
        })
    };
    let onmouseover = props.on_point.reform(|e: MouseEvent| cell_of(&e));
    let onfocusin = {
        let on_point = props.on_point.clone();
        let active = active.clone();
        Callback::from(move |e: FocusEvent| {
            let cell = cell_of(&e);
            if let Some(cell) = cell {
                rove(&e, &active, cell);
            }
            on_point.emit(cell);
        })
    };
    let onmouseleave = props.on_point.reform(|_: MouseEvent| None);
    let onkeydown = Callback::from(move_focus);

    let headings = m.resources.iter().map(|r| {
        let (main, place) = resource_heading(r);
        html! {
            <th scope="col" class="mx-col" title={r.clone()} data-testid="matrix-column">
                <span class="mx-col-main">{ main }</span>
                if !place.is_empty() {
                    <span class="mx-col-place">{ place }</span>
                }
            </th>
        }
    });
    // One service for every row: its prefix goes in the corner, the rows name the actions only.
    let service = common_service(&m.actions);
    let rows = m.actions.iter().enumerate().map(|(row, action)| {
        let name = service
            .and_then(|s| action.get(s.len() + 1..))
            .unwrap_or(action);
        let cells = m.resources.iter().enumerate().map(|(column, resource)| {
            let Some(cell) = m.cell(row, column) else {
                return html! { <td></td> };
            };
            let d = cell.brief.decision;
            let unfit = cell.fits == Some(false);
            let mut title = format!("{}: {action} on {resource}", headline(d));
            for line in cell.because() {
                title.push('\n');
                title.push_str(&line.replace('`', ""));
            }
            if unfit {
                title.push('\n');
                title.push_str(&unfit_note(action).replace('`', ""));
            }
            html! {
                <td class={classes!("mx-cell", decision_class(d), unfit.then_some("unfit"))}>
                    <button type="button" data-testid="matrix-cell" data-decision={d.as_str()}
                            data-action={action.clone()} data-resource={resource.clone()}
                            data-row={row.to_string()} data-column={column.to_string()}
                            tabindex={if tab_stop == (row, column) { "0" } else { "-1" }}
                            title={title} aria-label={format!("{action} on {resource}: {}", headline(d))}>
                        <span aria-hidden="true">{ cell_mark(d) }</span>
                    </button>
                </td>
            }
        });
        html! {
            <tr>
                <th scope="row" class="mx-action" data-testid="matrix-row" title={action.clone()}>{ name }</th>
                { for cells }
            </tr>
        }
    });
    html! {
        <div class="mx-scroll" tabindex="-1">
            <table class="mx-grid" data-testid="matrix-grid" {onclick} {onmouseover} {onfocusin} {onmouseleave} {onkeydown}>
                <caption class="visually-hidden">
                    { "Decision for each action (rows) on each resource (columns)" }
                </caption>
                <thead>
                    <tr>
                        <th scope="col" class="mx-corner">{ corner(m.actions.len(), service) }</th>
                        { for headings }
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_one_service_leave_its_prefix_to_the_corner() {
        let one = [
            "ecr:PutImage".to_string(),
            "ecr:GetAuthorizationToken".to_string(),
        ];
        assert_eq!(common_service(&one), Some("ecr"));
        assert_eq!(corner(2, Some("ecr")), "2 ecr actions");
        let two = ["ecr:PutImage".to_string(), "s3:GetObject".to_string()];
        assert_eq!(common_service(&two), None);
        assert_eq!(corner(1, None), "1 action");
        assert_eq!(common_service(&[]), None);
    }
}

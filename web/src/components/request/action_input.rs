//! The action input: a combobox over the catalog (WAI-ARIA combobox with a listbox popup, the
//! active option named by `aria-activedescendant`), with "did you mean" for unknown actions.

use super::input_value;
use super::suggest::{self, ActionHit, MAX_ITEMS};
use crate::state::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ActionInputProps {
    pub value: String,
    pub dispatch: Callback<Action>,
}

const LIST_ID: &str = "rq-action-list";

fn option_id(i: usize) -> String {
    format!("rq-action-opt-{i}")
}

#[function_component(ActionInput)]
pub fn action_input(props: &ActionInputProps) -> Html {
    let open = use_state(|| false);
    let active = use_state(|| None::<usize>);
    let input = use_node_ref();
    // Computed only while the list is open: closed, typing costs nothing.
    let hits: std::rc::Rc<Vec<ActionHit>> = {
        let key = (*open).then(|| props.value.clone());
        use_memo(key, |k| {
            k.as_deref()
                .map(|q| suggest::complete_action(q, MAX_ITEMS))
                .unwrap_or_default()
        })
    };
    let choose = {
        let (dispatch, open, active, input) = (
            props.dispatch.clone(),
            open.clone(),
            active.clone(),
            input.clone(),
        );
        Callback::from(move |name: String| {
            if let Some(el) = input.cast::<HtmlInputElement>() {
                el.set_value(&name);
            }
            dispatch.emit(Action::SetAction(name));
            open.set(false);
            active.set(None);
        })
    };
    let oninput = {
        let (dispatch, open, active) = (props.dispatch.clone(), open.clone(), active.clone());
        Callback::from(move |e: InputEvent| {
            dispatch.emit(Action::SetAction(input_value(&e)));
            open.set(true);
            active.set(None);
        })
    };
    let onkeydown = {
        let (open, active, hits, choose) =
            (open.clone(), active.clone(), hits.clone(), choose.clone());
        Callback::from(move |e: KeyboardEvent| {
            let n = hits.len();
            match e.key().as_str() {
                "ArrowDown" | "ArrowUp" => {
                    e.prevent_default();
                    if !*open {
                        open.set(true);
                        return;
                    }
                    if n == 0 {
                        return;
                    }
                    let down = e.key() == "ArrowDown";
                    let next = match (*active, down) {
                        (None, true) => 0,
                        (None, false) => n - 1,
                        (Some(i), true) => (i + 1) % n,
                        (Some(i), false) => (i + n - 1) % n,
                    };
                    active.set(Some(next));
                    scroll_into_view(&option_id(next));
                }
                "Enter" => {
                    if let Some(hit) = (*open)
                        .then(|| (*active).and_then(|i| hits.get(i)))
                        .flatten()
                    {
                        e.prevent_default();
                        choose.emit(hit.name.clone());
                    }
                }
                "Escape" if *open => {
                    e.prevent_default();
                    open.set(false);
                    active.set(None);
                }
                _ => {}
            }
        })
    };
    let onblur = {
        let (open, active) = (open.clone(), active.clone());
        Callback::from(move |_: FocusEvent| {
            open.set(false);
            active.set(None);
        })
    };
    let onfocus = {
        let open = open.clone();
        Callback::from(move |_: FocusEvent| {
            suggest::warm_up();
            open.set(true)
        })
    };
    let expanded = *open && !hits.is_empty();
    let options = hits.iter().enumerate().map(|(i, hit)| {
        let selected = *active == Some(i);
        // mousedown, not click: it comes before the input's blur closes the list.
        let onmousedown = {
            let (choose, name) = (choose.clone(), hit.name.clone());
            Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                choose.emit(name.clone());
            })
        };
        html! {
            <li id={option_id(i)} role="option" class={classes!("rq-option", selected.then_some("active"))}
                aria-selected={selected.to_string()} data-testid="action-option"
                data-action={hit.name.clone()} {onmousedown}>
                <span class="mono">{ &hit.name }</span>
                <span class="rq-access">{ &hit.access }</span>
            </li>
        }
    });
    let value = props.value.trim();
    let known = suggest::is_known_action(value);
    // While the list offers completions, "unknown action" would only be noise.
    let status = if value.is_empty() || value.contains(['*', '?']) || expanded {
        Html::default()
    } else if known {
        let access = iamsim_core::catalog::catalog()
            .action(value)
            .map(|a| a.access_levels().to_string())
            .unwrap_or_default();
        html! { <p id="rq-action-hint" class="rq-hint"><span class="rq-kind">{ access }</span>{ " access level" }</p> }
    } else {
        match suggest::did_you_mean(value) {
            Some(fix) => {
                let onclick = {
                    let choose = choose.clone();
                    let fix = fix.clone();
                    Callback::from(move |_: MouseEvent| choose.emit(fix.clone()))
                };
                html! {
                    <p id="rq-action-hint" class="rq-error" data-testid="action-did-you-mean">
                        { "Unknown action. Did you mean " }
                        <button type="button" class="rq-link mono" {onclick}>{ fix }</button>{ "?" }
                    </p>
                }
            }
            None => html! {
                <p id="rq-action-hint" class="rq-error">{ "The catalog does not know this action." }</p>
            },
        }
    };
    html! {
        <div class="rq-field rq-combo">
            <label for="rq-action">{ "Action" }</label>
            <input
                id="rq-action"
                ref={input}
                data-testid="request-action"
                class="rq-input mono"
                role="combobox"
                spellcheck="false"
                autocomplete="off"
                placeholder="ecr:PutImage"
                aria-autocomplete="list"
                aria-expanded={expanded.to_string()}
                aria-controls={LIST_ID}
                aria-describedby="rq-action-hint"
                aria-activedescendant={(*active).filter(|_| expanded).map(option_id)}
                value={props.value.clone()}
                {oninput}
                {onkeydown}
                {onblur}
                {onfocus}
            />
            if expanded {
                <ul id={LIST_ID} role="listbox" class="rq-listbox" aria-label="Actions">
                    { for options }
                </ul>
            }
            { status }
        </div>
    }
}

fn scroll_into_view(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

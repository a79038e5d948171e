//! The workspace switcher in the top bar: the saved workspaces, the current one marked; switch,
//! new, rename (inline), duplicate, delete (at once: the saving hook's notice offers Undo). It
//! only shows and asks: the saving hook (`crate::saved`) does the work through the callbacks.

use crate::storage::workspaces::Entry;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SwitcherProps {
    pub workspaces: Rc<Vec<Entry>>,
    pub current: AttrValue,
    /// The current workspace's name; given because it may not be listed (another tab
    /// deleted it while this one shows it). Empty: taken from the list.
    #[prop_or_default]
    pub current_name: AttrValue,
    pub on_switch: Callback<String>,
    pub on_new: Callback<()>,
    /// (id, new name)
    pub on_rename: Callback<(String, String)>,
    pub on_duplicate: Callback<String>,
    pub on_delete: Callback<String>,
}

/// What one row is doing besides being listed.
#[derive(Clone, PartialEq)]
enum RowMode {
    Renaming(String),
}

#[function_component(WorkspaceSwitcher)]
pub fn workspace_switcher(props: &SwitcherProps) -> Html {
    let open = use_state(|| false);
    let mode = use_state(|| None::<RowMode>);
    let rename_ref = use_node_ref();
    {
        // The rename field gets its first value here, once: a Yew `value` would put the old name
        // back over what is being typed whenever the switcher re-renders (a save does).
        let rename_ref = rename_ref.clone();
        let workspaces = props.workspaces.clone();
        use_effect_with((*mode).clone(), move |m| {
            if let Some(RowMode::Renaming(id)) = m {
                let entry = workspaces.iter().find(|e| e.id == *id);
                if let (Some(entry), Some(input)) = (entry, rename_ref.cast::<HtmlInputElement>()) {
                    input.set_value(&entry.name);
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }
    let listed = props.workspaces.iter().find(|e| *e.id == *props.current);
    let current_name = match (props.current_name.as_str(), listed) {
        ("", Some(entry)) => entry.name.clone(),
        ("", None) => "Workspace".to_string(),
        (given, _) => given.to_string(),
    };
    let close = {
        let open = open.clone();
        let mode = mode.clone();
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            mode.set(None);
        })
    };
    let toggle = {
        let open = open.clone();
        let mode = mode.clone();
        Callback::from(move |_: MouseEvent| {
            open.set(!*open);
            mode.set(None);
        })
    };
    let on_escape = {
        let open = open.clone();
        let mode = mode.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                if mode.is_some() {
                    mode.set(None);
                } else {
                    open.set(false);
                }
            }
        })
    };

    let rows = props.workspaces.iter().map(|entry| {
        let id = entry.id.clone();
        let is_current = *entry.id == *props.current;
        let row_mode = (*mode).clone();
        let body = match row_mode {
            Some(RowMode::Renaming(ref r)) if *r == id => {
                let commit = {
                    let on_rename = props.on_rename.clone();
                    let mode = mode.clone();
                    let open = open.clone();
                    let id = id.clone();
                    let old = entry.name.clone();
                    move |input: HtmlInputElement| {
                        let name = input.value().trim().to_string();
                        if !name.is_empty() && name != old {
                            on_rename.emit((id.clone(), name));
                            // The toggle shows the new name; the list has done its job.
                            open.set(false);
                        }
                        mode.set(None);
                    }
                };
                let onkeydown = {
                    let commit = commit.clone();
                    let mode = mode.clone();
                    Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                        "Enter" => commit(e.target_unchecked_into()),
                        "Escape" => {
                            e.stop_propagation();
                            mode.set(None)
                        }
                        _ => {}
                    })
                };
                let onblur = Callback::from(move |e: FocusEvent| commit(e.target_unchecked_into()));
                html! {
                    <input class="rename workspace-rename" ref={rename_ref.clone()}
                           aria-label="Workspace name" data-testid="workspace-rename-input" {onkeydown} {onblur} />
                }
            }
            _ => {
                let switch = {
                    let on_switch = props.on_switch.clone();
                    let open = open.clone();
                    let id = id.clone();
                    Callback::from(move |_: MouseEvent| {
                        on_switch.emit(id.clone());
                        open.set(false);
                    })
                };
                let rename = {
                    let mode = mode.clone();
                    let id = id.clone();
                    Callback::from(move |_: MouseEvent| mode.set(Some(RowMode::Renaming(id.clone()))))
                };
                let duplicate = {
                    let on_duplicate = props.on_duplicate.clone();
                    let open = open.clone();
                    let id = id.clone();
                    Callback::from(move |_: MouseEvent| {
                        on_duplicate.emit(id.clone());
                        open.set(false);
                    })
                };
                // At once, without asking: the notice that follows offers to undo it.
                let delete = {
                    let on_delete = props.on_delete.clone();
                    let open = open.clone();
                    let id = id.clone();
                    Callback::from(move |_: MouseEvent| {
                        on_delete.emit(id.clone());
                        open.set(false);
                    })
                };
                let name = &entry.name;
                html! {
                    <>
                    <button type="button" class="workspace-switch" onclick={switch}
                            aria-current={is_current.then_some("true")} data-testid="workspace-switch"
                            title={if is_current { format!("{name} (open)") } else { format!("Open {name}") }}>
                        <span class="workspace-check" aria-hidden="true">{ if is_current { "●" } else { "" } }</span>
                        <span class="workspace-name">{ name }</span>
                    </button>
                    <button type="button" class="icon-button" onclick={rename} title="Rename"
                            aria-label={format!("Rename {name}")} data-testid="workspace-rename">{ "✎" }</button>
                    <button type="button" class="icon-button" onclick={duplicate} title="Duplicate"
                            aria-label={format!("Duplicate {name}")} data-testid="workspace-duplicate">{ "❐" }</button>
                    <button type="button" class="icon-button" onclick={delete} title="Delete"
                            aria-label={format!("Delete {name}")} data-testid="workspace-delete">{ "×" }</button>
                    </>
                }
            }
        };
        html! {
            <li class={classes!("workspace-row", is_current.then_some("current"))} key={id.clone()}
                data-testid="workspace-item" data-name={entry.name.clone()}>
                { body }
            </li>
        }
    });

    // Always one node (empty when closed): Yew matches unkeyed children from the end, so a
    // child that comes and goes after the toggle would replace the toggle and lose its focus.
    let panel = if *open {
        let new = {
            let on_new = props.on_new.clone();
            let open = open.clone();
            Callback::from(move |_: MouseEvent| {
                on_new.emit(());
                open.set(false);
            })
        };
        html! {
            <>
            <div class="examples-backdrop" aria-hidden="true" onclick={close}></div>
            <div class="workspaces-panel" id="workspaces-panel" role="region" aria-label="Saved workspaces"
                 data-testid="workspaces-panel">
                <p class="examples-hint">{ "Kept in this browser as you type. Nothing leaves the page." }</p>
                <ul class="workspace-list">{ for rows }</ul>
                <button type="button" class="button workspace-new" onclick={new} data-testid="workspace-new">
                    { "+ New workspace" }
                </button>
            </div>
            </>
        }
    } else {
        html! {}
    };
    html! {
        <div class="workspaces" onkeydown={on_escape}>
            <button type="button" class="button workspaces-toggle" data-testid="workspaces-toggle"
                    aria-expanded={(*open).to_string()} aria-controls="workspaces-panel"
                    title="Saved workspaces" aria-label={format!("Saved workspaces: {current_name}")}
                    onclick={toggle}>
                <span class="workspaces-icon" aria-hidden="true">{ "☰" }</span>
                <span class="workspaces-label">{ current_name }</span>
                <span aria-hidden="true">{ if *open { " ▴" } else { " ▾" } }</span>
            </button>
            { panel }
        </div>
    }
}

//! The workspace sidebar: every layer of the scenario format with its policies, each layer with
//! its colour and its verdict for the current request. Per policy: select, rename inline, switch
//! on/off (what-if), remove (undo brings it back). SCPs and RCPs come in levels (root, OUs,
//! account); the account can be outside an organization (no levels).

use crate::components::verdict::verdict_mark;
use crate::state::{Action, Org, PolicyDoc, PolicyId, Slot, State};
use iamsim_core::eval::{EvaluationResult, Layer, LayerKind};
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The CSS class that gives a layer its colour.
pub fn layer_class(kind: LayerKind) -> &'static str {
    match kind {
        LayerKind::Identity => "layer-identity",
        LayerKind::PermissionsBoundary => "layer-boundary",
        LayerKind::Session => "layer-session",
        LayerKind::Resource => "layer-resource",
        LayerKind::Scp => "layer-scp",
        LayerKind::Rcp => "layer-rcp",
        LayerKind::VpcEndpoint => "layer-vpce",
    }
}

/// A short badge for a layer ("SCP", "Boundary").
pub fn layer_badge(kind: LayerKind) -> &'static str {
    match kind {
        LayerKind::Identity => "Identity",
        LayerKind::PermissionsBoundary => "Boundary",
        LayerKind::Session => "Session",
        LayerKind::Resource => "Resource",
        LayerKind::Scp => "SCP",
        LayerKind::Rcp => "RCP",
        LayerKind::VpcEndpoint => "VPC endpoint",
    }
}

/// Where a level sits in the organization: the root, an OU, or the account.
pub fn level_name(level: usize, levels: usize) -> String {
    if level == 0 {
        "Root".into()
    } else if level + 1 == levels {
        "Account".into()
    } else {
        format!("OU {level}")
    }
}

/// The layer of the result that a slot (and, for VPC endpoint policies, its index) reports to.
pub fn layer_for(
    result: &EvaluationResult,
    kind: LayerKind,
    level: Option<usize>,
) -> Option<&Layer> {
    result
        .layers
        .iter()
        .find(|l| l.kind == kind && l.level == level)
}

fn verdict_pill(layer: Option<&Layer>) -> Html {
    match layer {
        Some(layer) => {
            let (mark, words, class) = verdict_mark(layer.verdict);
            html! {
                <span class={classes!("verdict-chip", "small", class, layer.decisive.then_some("decisive"))}
                      title={layer.explanation.clone()} data-testid="layer-verdict">
                    <span aria-hidden="true">{ mark }</span>{ " " }{ words }
                </span>
            }
        }
        None => html! {},
    }
}

#[derive(Properties)]
pub struct WorkspaceProps {
    pub state: Rc<State>,
    pub result: Rc<EvaluationResult>,
    pub dispatch: Callback<Action>,
    /// Called with a description of a change that undo can revert ("Removed policy X").
    pub on_undoable: Callback<String>,
}

// `EvaluationResult` has no `PartialEq`: a new `Rc` means a new evaluation.
impl PartialEq for WorkspaceProps {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
            && Rc::ptr_eq(&self.result, &other.result)
            && self.dispatch == other.dispatch
            && self.on_undoable == other.on_undoable
    }
}

#[function_component(WorkspacePanel)]
pub fn workspace_panel(props: &WorkspaceProps) -> Html {
    let renaming = use_state(|| None::<PolicyId>);
    let rename_ref = use_node_ref();
    {
        // The inline rename field gets its first value here, once, and is left alone after: a
        // Yew `value` would put the old name back over what is being typed whenever anything
        // re-renders the panel (a save, an evaluation).
        let rename_ref = rename_ref.clone();
        let state = props.state.clone();
        use_effect_with(*renaming, move |r| {
            if let Some(doc) = r.and_then(|id| state.policy(id)) {
                if let Some(input) = rename_ref.cast::<HtmlInputElement>() {
                    input.set_value(&doc.name);
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }
    let state = &props.state;
    let ws = &state.workspace;
    let ctx = RowCtx {
        selected: state.selected,
        renaming: renaming.clone(),
        rename_ref,
        dispatch: props.dispatch.clone(),
        on_undoable: props.on_undoable.clone(),
    };

    let simple = |slot: Slot, title: &str, hint: &str| -> Html {
        let kind = slot.layer();
        let docs: Vec<&PolicyDoc> = state.policies_in(slot).collect();
        let can_add = !slot.is_single() || docs.is_empty();
        let add = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |_: MouseEvent| dispatch.emit(Action::Add(slot)))
        };
        html! {
            <section class={classes!("layer-group", layer_class(kind))} aria-label={title.to_string()}>
                <header class="layer-head">
                    <span class="layer-dot" aria-hidden="true"></span>
                    <h3>{ title }</h3>
                    { verdict_pill(layer_for(&props.result, kind, None)) }
                </header>
                if docs.is_empty() {
                    <p class="layer-empty">{ hint }</p>
                }
                <ul class="policy-list">{ for docs.iter().map(|d| ctx.row(d, html! {})) }</ul>
                if can_add {
                    <button type="button" class="add-policy" onclick={add}
                            data-testid={format!("add-{}", layer_class(kind))}>
                        { "+ Add" }
                    </button>
                }
            </section>
        }
    };

    let org = |org: Org| -> Html {
        let (kind, levels, title, long) = match org {
            Org::Scp => (
                LayerKind::Scp,
                ws.scp_levels,
                "Service control policies",
                "The account is governed by SCPs",
            ),
            Org::Rcp => (
                LayerKind::Rcp,
                ws.rcp_levels,
                "Resource control policies",
                "The account is governed by RCPs",
            ),
        };
        let slot_at = move |l: usize| match org {
            Org::Scp => Slot::Scp(l),
            Org::Rcp => Slot::Rcp(l),
        };
        let set_levels = |n: Option<usize>| {
            let dispatch = props.dispatch.clone();
            let on_undoable = props.on_undoable.clone();
            let label = title.to_string();
            Callback::from(move |_| {
                dispatch.emit(Action::SetOrgLevels { org, levels: n });
                if n.unwrap_or(0) < levels.unwrap_or(0) {
                    on_undoable.emit(format!(
                        "Changed the levels of the {}",
                        label.to_lowercase()
                    ));
                }
            })
        };
        let toggle = set_levels(if levels.is_some() { None } else { Some(1) });
        let level_blocks = levels.map(|n| {
            (0..n)
                .map(|l| {
                    let slot = slot_at(l);
                    let docs: Vec<&PolicyDoc> = state.policies_in(slot).collect();
                    let add = {
                        let dispatch = props.dispatch.clone();
                        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Add(slot)))
                    };
                    html! {
                        <div class="org-level" data-testid={format!("{}-level-{l}", layer_class(kind))}>
                            <div class="org-level-head">
                                <span class="org-level-name">{ level_name(l, n) }</span>
                                { verdict_pill(layer_for(&props.result, kind, Some(l))) }
                            </div>
                            if docs.is_empty() {
                                <p class="layer-empty">{ "No policy: this level allows nothing." }</p>
                            }
                            <ul class="policy-list">{ for docs.iter().map(|d| ctx.row(d, html! {})) }</ul>
                            <button type="button" class="add-policy" onclick={add}>
                                { format!("+ Add {}", layer_badge(kind)) }
                            </button>
                        </div>
                    }
                })
                .collect::<Html>()
        });
        let n = levels.unwrap_or(0);
        html! {
            <section class={classes!("layer-group", layer_class(kind))} aria-label={title}>
                <header class="layer-head">
                    <span class="layer-dot" aria-hidden="true"></span>
                    <h3>{ title }</h3>
                </header>
                <label class="check">
                    <input type="checkbox" role="switch" checked={levels.is_some()}
                           onchange={toggle.reform(|_: Event| ())} />
                    { long }
                </label>
                { level_blocks.unwrap_or_default() }
                if levels.is_some() {
                    <div class="org-level-buttons">
                        <button type="button" class="add-policy" disabled={n >= 7}
                                onclick={set_levels(Some(n + 1)).reform(|_: MouseEvent| ())}>
                            { "+ Level" }
                        </button>
                        <button type="button" class="add-policy" disabled={n <= 1}
                                onclick={set_levels(Some(n.saturating_sub(1))).reform(|_: MouseEvent| ())}>
                            { "− Level" }
                        </button>
                    </div>
                }
            </section>
        }
    };

    let vpce: Vec<&PolicyDoc> = state.policies_in(Slot::VpcEndpoint).collect();
    let add_vpce = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Add(Slot::VpcEndpoint)))
    };
    let vpce_rows = vpce.iter().enumerate().map(|(i, d)| {
        ctx.row(
            d,
            verdict_pill(layer_for(&props.result, LayerKind::VpcEndpoint, Some(i))),
        )
    });

    html! {
        <nav class="workspace" aria-label="Policies">
            { simple(Slot::Identity, "Identity policies", "No identity policy: nothing is allowed by identity.") }
            { simple(Slot::PermissionsBoundary, "Permissions boundary", "None: the identity policies are not capped.") }
            { simple(Slot::Session, "Session policy", "None: the session is not scoped down.") }
            { simple(Slot::Resource, "Resource policy", "None: only identity policies can allow.") }
            { org(Org::Scp) }
            { org(Org::Rcp) }
            <section class={classes!("layer-group", "layer-vpce")} aria-label="VPC endpoint policies">
                <header class="layer-head">
                    <span class="layer-dot" aria-hidden="true"></span>
                    <h3>{ "VPC endpoint policies" }</h3>
                </header>
                if vpce.is_empty() {
                    <p class="layer-empty">{ "None: the request does not go through an endpoint." }</p>
                }
                <ul class="policy-list">{ for vpce_rows }</ul>
                <button type="button" class="add-policy" onclick={add_vpce}>{ "+ Add" }</button>
            </section>
        </nav>
    }
}

/// What every policy row needs.
struct RowCtx {
    selected: Option<PolicyId>,
    renaming: UseStateHandle<Option<PolicyId>>,
    rename_ref: NodeRef,
    dispatch: Callback<Action>,
    on_undoable: Callback<String>,
}

impl RowCtx {
    /// One policy; `extra` goes after the name (a VPC endpoint policy's own verdict).
    fn row(&self, doc: &PolicyDoc, extra: Html) -> Html {
        let id = doc.id;
        let selected = self.selected == Some(id);
        let errors = doc
            .prepared
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .count();
        let dispatch = &self.dispatch;
        let select = {
            let dispatch = dispatch.clone();
            Callback::from(move |_: MouseEvent| dispatch.emit(Action::Select(id)))
        };
        let start_rename = {
            let renaming = self.renaming.clone();
            Callback::from(move |_: MouseEvent| renaming.set(Some(id)))
        };
        let toggle = {
            let dispatch = dispatch.clone();
            Callback::from(move |_: Event| dispatch.emit(Action::Toggle(id)))
        };
        let remove = {
            let dispatch = dispatch.clone();
            let on_undoable = self.on_undoable.clone();
            let name = doc.name.clone();
            Callback::from(move |_: MouseEvent| {
                dispatch.emit(Action::Remove(id));
                on_undoable.emit(format!("Removed “{name}”"));
            })
        };
        let name_part = if *self.renaming == Some(id) {
            let commit = {
                let dispatch = dispatch.clone();
                let renaming = self.renaming.clone();
                let old = doc.name.clone();
                move |input: HtmlInputElement| {
                    let name = input.value().trim().to_string();
                    if !name.is_empty() && name != old {
                        dispatch.emit(Action::Rename { id, name });
                    }
                    renaming.set(None);
                }
            };
            let onkeydown = {
                let commit = commit.clone();
                let renaming = self.renaming.clone();
                Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                    "Enter" => commit(e.target_unchecked_into()),
                    "Escape" => renaming.set(None),
                    _ => {}
                })
            };
            let onblur = Callback::from(move |e: FocusEvent| commit(e.target_unchecked_into()));
            html! {
                <input class="rename" ref={self.rename_ref.clone()}
                       aria-label="Policy name" data-testid="rename-input" {onkeydown} {onblur} />
            }
        } else {
            html! {
                <button type="button" class="policy-select" onclick={select} ondblclick={start_rename.clone()}
                        aria-current={selected.then_some("true")} data-testid="policy-select"
                        title={format!("{}{}", doc.name, if doc.enabled { " (double-click to rename)" } else { " (switched off)" })}>
                    <span class="policy-name">{ &doc.name }</span>
                    if errors > 0 {
                        <span class="error-dot" title={format!("{errors} error(s)")}
                              aria-label={format!("{errors} errors")}>{ "!" }</span>
                    }
                </button>
            }
        };
        html! {
            <li class={classes!("policy-row", selected.then_some("selected"), (!doc.enabled).then_some("off"))}
                key={id}>
                { name_part }
                { extra }
                <label class="switch" title="On / off (what-if)">
                    <input type="checkbox" role="switch" checked={doc.enabled} onchange={toggle}
                           aria-label={format!("Use “{}”", doc.name)} data-testid="policy-toggle" />
                    <span class="switch-track" aria-hidden="true"></span>
                </label>
                <button type="button" class="icon-button" onclick={start_rename}
                        aria-label={format!("Rename “{}”", doc.name)} title="Rename">{ "✎" }</button>
                <button type="button" class="icon-button" onclick={remove}
                        aria-label={format!("Remove “{}”", doc.name)} title="Remove (undo is offered)"
                        data-testid="policy-remove">{ "×" }</button>
            </li>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::level_name;

    #[test]
    fn levels_read_root_ous_account() {
        assert_eq!(level_name(0, 1), "Root");
        assert_eq!(level_name(0, 3), "Root");
        assert_eq!(level_name(1, 3), "OU 1");
        assert_eq!(level_name(2, 3), "Account");
    }
}

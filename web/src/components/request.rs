//! The request builder: principal (with a hint of its kind), action (autocomplete from the
//! catalog), resource (ARN templates of the action's resource types), resource account, the
//! derive-context switch and the context-key table. Every edit is dispatched at once: the verdict
//! follows the text, there is no "run" button.

mod action_input;
mod context_table;
pub mod suggest;
pub mod value;

use crate::state::{Action, RequestDraft};
use action_input::ActionInput;
use context_table::ContextTable;
use iamsim_core::eval::EvaluationResult;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct RequestProps {
    pub request: RequestDraft,
    pub result: Rc<EvaluationResult>,
    /// The condition keys the enabled policies test (`State::tested_keys`).
    pub tested_keys: Rc<Vec<String>>,
    pub dispatch: Callback<Action>,
}

impl PartialEq for RequestProps {
    fn eq(&self, other: &Self) -> bool {
        // The result is re-computed on every change: a new Rc is a new result.
        self.request == other.request
            && Rc::ptr_eq(&self.result, &other.result)
            && self.tested_keys == other.tested_keys
            && self.dispatch == other.dispatch
    }
}

/// The value of the input an event came from.
pub(crate) fn input_value(e: &Event) -> String {
    e.target_dyn_into::<HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

#[function_component(RequestBuilder)]
pub fn request_builder(props: &RequestProps) -> Html {
    let request = &props.request;
    let dispatch = &props.dispatch;
    let text = |make: fn(String) -> Action| {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| dispatch.emit(make(input_value(&e))))
    };
    let on_derive = {
        let dispatch = dispatch.clone();
        let on = request.derive_context;
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::SetDeriveContext(!on)))
    };
    html! {
        <section class="rq" aria-labelledby="rq-title">
            <h2 id="rq-title" class="rq-title">{ "Request" }</h2>
            <PrincipalField value={request.principal.clone()} dispatch={dispatch.clone()} />
            <ActionInput value={request.action.clone()} dispatch={dispatch.clone()} />
            <ResourceField
                value={request.resource.clone()}
                action={request.action.clone()}
                principal={request.principal.clone()}
                dispatch={dispatch.clone()}
            />
            <div class="rq-row">
                <div class="rq-field rq-account">
                    <label for="rq-resource-account">{ "Resource account" }</label>
                    <input
                        id="rq-resource-account"
                        data-testid="request-resource-account"
                        class="rq-input mono"
                        placeholder="from the resource ARN"
                        spellcheck="false"
                        autocomplete="off"
                        value={request.resource_account.clone()}
                        oninput={text(Action::SetResourceAccount)}
                    />
                </div>
                <div class="rq-field rq-derive">
                    <span class="rq-label" id="rq-derive-label">{ "Derive context" }</span>
                    <button
                        type="button"
                        role="switch"
                        class="rq-switch"
                        data-testid="derive-context"
                        aria-checked={request.derive_context.to_string()}
                        aria-labelledby="rq-derive-label"
                        title="Fill the keys AWS adds itself (aws:PrincipalArn, aws:CurrentTime, …)"
                        onclick={on_derive}
                    >
                        <span class="rq-switch-knob" aria-hidden="true"></span>
                    </button>
                </div>
            </div>
            <ContextTable
                rows={request.context.clone()}
                action={request.action.clone()}
                result={props.result.clone()}
                tested_keys={props.tested_keys.clone()}
                dispatch={dispatch.clone()}
            />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PrincipalProps {
    value: String,
    dispatch: Callback<Action>,
}

/// The principal input, its live kind hint (or parse error) and chips for common forms.
#[function_component(PrincipalField)]
fn principal_field(props: &PrincipalProps) -> Html {
    let oninput = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| dispatch.emit(Action::SetPrincipal(input_value(&e))))
    };
    let hint = suggest::principal_hint(&props.value);
    let account = suggest::principal_account(&props.value)
        .map_or_else(|| "111122223333".to_string(), |(a, _)| a);
    let chips = suggest::principal_examples(&account).map(|(label, text)| {
        let dispatch = props.dispatch.clone();
        let current = text.eq_ignore_ascii_case(props.value.trim());
        let onclick = {
            let text = text.clone();
            Callback::from(move |_: MouseEvent| dispatch.emit(Action::SetPrincipal(text.clone())))
        };
        html! {
            <button type="button" class={classes!("rq-chip", current.then_some("current"))}
                    title={text.clone()} aria-pressed={current.to_string()} {onclick}>
                { label }
            </button>
        }
    });
    let (hint_html, invalid) = match &hint {
        Ok((kind, detail)) => (
            html! {
                <p id="rq-principal-hint" class="rq-hint" data-testid="principal-hint" data-kind={*kind}>
                    <span class="rq-kind">{ *kind }</span>{ " " }{ detail }
                </p>
            },
            false,
        ),
        Err(message) => (
            html! {
                <p id="rq-principal-hint" class="rq-error" data-testid="principal-hint" data-kind="invalid" role="alert">
                    { message }
                </p>
            },
            true,
        ),
    };
    html! {
        <div class="rq-field">
            <label for="rq-principal">{ "Principal" }</label>
            <input
                id="rq-principal"
                data-testid="request-principal"
                class="rq-input mono"
                spellcheck="false"
                autocomplete="off"
                placeholder="arn:aws:iam::111122223333:user/alice"
                aria-describedby="rq-principal-hint"
                aria-invalid={invalid.to_string()}
                value={props.value.clone()}
                {oninput}
            />
            { hint_html }
            <div class="rq-chips" role="group" aria-label="Common principals">{ for chips }</div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ResourceProps {
    value: String,
    action: String,
    principal: String,
    dispatch: Callback<Action>,
}

/// The resource input and the ARN templates of the action's resource types: a click fills a
/// concrete example and selects its made-up name, so typing replaces it.
#[function_component(ResourceField)]
fn resource_field(props: &ResourceProps) -> Html {
    let input = use_node_ref();
    let oninput = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| dispatch.emit(Action::SetResource(input_value(&e))))
    };
    let offers = {
        let (action, principal) = (props.action.clone(), props.principal.clone());
        use_memo((action, principal), |(a, p)| suggest::arn_offers(a, p))
    };
    let buttons = offers.iter().map(|offer| {
        let dispatch = props.dispatch.clone();
        let input = input.clone();
        let offer_c = offer.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatch.emit(Action::SetResource(offer_c.example.clone()));
            if let Some(el) = input.cast::<HtmlInputElement>() {
                // Set now (the re-render writes the same value, which keeps the selection).
                el.set_value(&offer_c.example);
                let _ = el.focus();
                if let Some((from, to)) = offer_c.select {
                    let _ = el.set_selection_range(from as u32, to as u32);
                }
            }
        });
        let current = offer.example == props.value;
        html! {
            <li>
                <button type="button" class={classes!("rq-offer", current.then_some("current"))}
                        data-testid="arn-offer" title={offer.template.clone()} {onclick}>
                    <span class="rq-offer-type">
                        { &offer.resource_type }
                        if !offer.required { <span class="rq-muted">{ " (optional)" }</span> }
                    </span>
                    <code class="rq-offer-template">{ &offer.template }</code>
                </button>
            </li>
        }
    });
    html! {
        <div class="rq-field">
            <label for="rq-resource">{ "Resource" }</label>
            <input
                id="rq-resource"
                ref={input.clone()}
                data-testid="request-resource"
                class="rq-input mono"
                spellcheck="false"
                autocomplete="off"
                placeholder="arn:aws:ecr:us-east-1:111122223333:repository/web, or * (M4)"
                value={props.value.clone()}
                {oninput}
            />
            if !offers.is_empty() {
                <ul class="rq-offers" aria-label="Resource types of the action">{ for buttons }</ul>
            }
        </div>
    }
}

//! When a whole scenario is pasted into a policy editor, the paste happens as usual and a small
//! offer appears: open it as a scenario instead. Accepting puts the policy's text back as it was
//! before the paste and opens the scenario (Undo returns to that workspace).

use crate::scenario_file::pasted_scenario;
use crate::state::{Action, PolicyId, State};
use gloo_events::EventListener;
use iamsim_core::scenario::Scenario;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PasteOfferProps {
    pub state: UseReducerHandle<State>,
    pub dispatch: Callback<Action>,
    pub on_undoable: Callback<String>,
}

/// A pasted scenario and the policy text it was pasted into, before the paste.
#[derive(Clone, PartialEq)]
struct Offer {
    scenario: Box<Scenario>,
    policy: PolicyId,
    text_before: String,
}

#[function_component(PasteOffer)]
pub fn paste_offer(props: &PasteOfferProps) -> Html {
    let offer = use_state(|| None::<Offer>);
    let latest = use_mut_ref(|| props.state.clone());
    *latest.borrow_mut() = props.state.clone();
    {
        let offer = offer.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .and_then(|w| w.document())
                .map(|document| {
                    // `paste` fires before the text is inserted: the state still holds the text before.
                    EventListener::new(&document, "paste", move |e| {
                        let in_editor = e
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .is_some_and(|t| {
                                t.get_attribute("data-testid").as_deref() == Some("policy-editor")
                            });
                        let pasted = e
                            .dyn_ref::<web_sys::ClipboardEvent>()
                            .and_then(|c| c.clipboard_data())
                            .and_then(|d| d.get_data("text").ok());
                        let (true, Some(pasted)) = (in_editor, pasted) else {
                            return;
                        };
                        let Some(scenario) = pasted_scenario(&pasted) else {
                            return;
                        };
                        let state = latest.borrow();
                        if let Some(doc) = state.selected_policy() {
                            offer.set(Some(Offer {
                                scenario: Box::new(scenario),
                                policy: doc.id,
                                text_before: doc.text.clone(),
                            }));
                        }
                    })
                });
            move || drop(listener)
        });
    }
    let Some(current) = (*offer).clone() else {
        return html! {};
    };
    let accept = {
        let offer = offer.clone();
        let dispatch = props.dispatch.clone();
        let on_undoable = props.on_undoable.clone();
        Callback::from(move |_: MouseEvent| {
            let current = current.clone();
            dispatch.emit(Action::EditText {
                id: current.policy,
                text: current.text_before,
            });
            dispatch.emit(Action::Load(current.scenario));
            on_undoable.emit("Opened the pasted scenario".into());
            offer.set(None);
        })
    };
    let dismiss = {
        let offer = offer.clone();
        Callback::from(move |_: MouseEvent| offer.set(None))
    };
    html! {
        <div class="toast" role="status" data-testid="paste-offer">
            <span>{ "You pasted a whole scenario into a policy. Open it as a scenario instead?" }</span>
            <button type="button" class="button primary" onclick={accept} data-testid="paste-offer-open">
                { "Open as scenario" }
            </button>
            <button type="button" class="button" onclick={dismiss} data-testid="paste-offer-keep">
                { "Keep as policy text" }
            </button>
        </div>
    }
}

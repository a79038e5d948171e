//! The "Paste a scenario" dialog: a whole scenario's JSON pasted into a text box, opened on
//! "Open". A problem is shown in the dialog, and the workspace stays as it was.

use super::modal::Modal;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PasteDialogProps {
    /// Opens the text; `Err` is the message to show (nothing was changed).
    pub on_open: Callback<String, Result<(), String>>,
    pub on_close: Callback<()>,
}

#[function_component(PasteDialog)]
pub fn paste_dialog(props: &PasteDialogProps) -> Html {
    let text = use_state(String::new);
    let error = use_state(|| None::<String>);
    let area = use_node_ref();
    {
        let area = area.clone();
        use_effect_with((), move |_| {
            if let Some(a) = area.cast::<web_sys::HtmlElement>() {
                let _ = a.focus();
            }
        });
    }
    let oninput = {
        let text = text.clone();
        let error = error.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
            error.set(None);
        })
    };
    let open = {
        let text = text.clone();
        let error = error.clone();
        let on_open = props.on_open.clone();
        let on_close = props.on_close.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match on_open.emit((*text).clone()) {
                Ok(()) => on_close.emit(()),
                Err(message) => error.set(Some(message)),
            }
        })
    };
    html! {
        <Modal title="Paste a scenario" testid="paste-dialog" on_close={props.on_close.clone()}>
            <form class="paste-form" onsubmit={open}>
                <label for="paste-scenario-text">
                    { "The whole scenario's JSON (an " }<code>{ "iamsim/scenario@1" }</code>
                    { " document, as saved or as the CLI reads it). It replaces the workspace; Undo brings your work back." }
                </label>
                <textarea id="paste-scenario-text" ref={area} class="paste-text" rows="14" spellcheck="false"
                          value={(*text).clone()} {oninput} data-testid="paste-text"
                          aria-invalid={error.is_some().to_string()}
                          placeholder="{ \"format\": \"iamsim/scenario@1\", \"policies\": { … }, \"request\": { … } }" />
                if let Some(message) = &*error {
                    <p class="dialog-error" role="alert" data-testid="paste-error">{ message }</p>
                }
                <div class="dialog-actions">
                    <button type="submit" class="button primary" disabled={text.trim().is_empty()}
                            data-testid="paste-open">{ "Open" }</button>
                </div>
            </form>
        </Modal>
    }
}

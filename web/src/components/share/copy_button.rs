//! A Copy button that says whether the copy worked. Where the clipboard is unavailable it says
//! so, and the text stays on screen to be selected by hand.

use crate::files::copy_text;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    pub text: AttrValue,
    pub label: AttrValue,
    pub testid: AttrValue,
    /// Called with the outcome (e.g. to select a text field when copying failed).
    #[prop_or_default]
    pub on_result: Callback<Result<(), String>>,
}

#[function_component(CopyButton)]
pub fn copy_button(props: &CopyButtonProps) -> Html {
    let status = use_state(|| None::<Result<(), String>>);
    let onclick = {
        let status = status.clone();
        let text = props.text.clone();
        let on_result = props.on_result.clone();
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            let text = text.clone();
            let on_result = on_result.clone();
            yew::platform::spawn_local(async move {
                let outcome = copy_text(&text).await;
                status.set(Some(outcome.clone()));
                on_result.emit(outcome);
            });
        })
    };
    let message = match &*status {
        None => html! {},
        Some(Ok(())) => html! { <span class="copy-status ok" role="status">{ "Copied" }</span> },
        Some(Err(e)) => html! {
            <span class="copy-status failed" role="status">{ format!("Not copied ({e}): select it and press Ctrl+C or ⌘C") }</span>
        },
    };
    html! {
        <>
            { message }
            <button type="button" class="button primary" data-testid={props.testid.clone()} {onclick}>
                { props.label.clone() }
            </button>
        </>
    }
}

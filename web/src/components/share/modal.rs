//! A modal dialog on the native `<dialog>`: the browser traps focus, closes on Escape and draws
//! the backdrop. The owner shows it by rendering it and learns of every close through `on_close`.

use web_sys::HtmlDialogElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    pub title: AttrValue,
    /// `data-testid` of the dialog.
    pub testid: AttrValue,
    pub on_close: Callback<()>,
    #[prop_or_default]
    pub children: Html,
    /// Extra class for the dialog (its width).
    #[prop_or_default]
    pub class: Classes,
}

#[function_component(Modal)]
pub fn modal(props: &ModalProps) -> Html {
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                if !d.open() {
                    let _ = d.show_modal();
                }
            }
        });
    }
    // Escape, the × button and the browser all end in the `close` event.
    let onclose = props.on_close.reform(|_: Event| ());
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                d.close();
            }
        })
    };
    let heading = format!("{}-title", props.testid);
    html! {
        <dialog ref={dialog} class={classes!("modal", props.class.clone())} data-testid={props.testid.clone()}
                aria-labelledby={heading.clone()} {onclose}>
            <header class="modal-header">
                <h2 id={heading}>{ props.title.clone() }</h2>
                <button type="button" class="icon-button" aria-label="Close" onclick={close}
                        data-testid="modal-close">{ "×" }</button>
            </header>
            <div class="modal-body">{ props.children.clone() }</div>
        </dialog>
    }
}

//! The "Share link" dialog: the whole scenario in the link's fragment (browsers never send the
//! fragment to a server), copied on opening, with its length and a warning when chat tools
//! would cut it.

use super::copy_button::CopyButton;
use super::modal::Modal;
use crate::files::copy_text;
use iamsim_core::scenario::share::{encode_fragment, length_advice};
use iamsim_core::scenario::Scenario;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A share link and what to say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareLink {
    pub url: String,
    /// Its length in characters (what chat tools count).
    pub chars: usize,
    pub advice: Option<String>,
}

impl ShareLink {
    /// The link to the page at `base` (origin and path, no query or fragment) holding `scenario`.
    pub fn new(base: &str, scenario: &Scenario) -> ShareLink {
        let url = format!("{base}#{}", encode_fragment(scenario));
        let chars = url.chars().count();
        ShareLink {
            advice: length_advice(chars),
            url,
            chars,
        }
    }
}

/// This page's address without query or fragment: where a share link points.
pub fn page_base() -> String {
    web_sys::window()
        .map(|w| w.location())
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct ShareDialogProps {
    pub link: Rc<ShareLink>,
    pub on_close: Callback<()>,
}

fn select(field: &NodeRef) {
    if let Some(input) = field.cast::<HtmlInputElement>() {
        let _ = input.focus();
        input.select();
    }
}

#[function_component(ShareDialog)]
pub fn share_dialog(props: &ShareDialogProps) -> Html {
    let field = use_node_ref();
    // The Share button's promise: the link is on the clipboard as the dialog opens.
    let copied = use_state(|| None::<Result<(), String>>);
    {
        let copied = copied.clone();
        let field = field.clone();
        let url = props.link.url.clone();
        use_effect_with((), move |_| {
            yew::platform::spawn_local(async move {
                let outcome = copy_text(&url).await;
                if outcome.is_err() {
                    select(&field);
                }
                copied.set(Some(outcome));
            });
        });
    }
    let on_result = {
        let field = field.clone();
        Callback::from(move |outcome: Result<(), String>| {
            if outcome.is_err() {
                select(&field);
            }
        })
    };
    let onfocus = Callback::from(|e: FocusEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.select();
    });
    let link = &props.link;
    let status = match &*copied {
        None => html! { <span>{ "Copying…" }</span> },
        Some(Ok(())) => html! { <span class="ok">{ "✓ Copied to the clipboard." }</span> },
        Some(Err(e)) => html! {
            <span class="failed">{ format!("Not copied: {e}. The link is selected: press Ctrl+C or ⌘C.") }</span>
        },
    };
    html! {
        <Modal title="Share link" testid="share-dialog" class="wide" on_close={props.on_close.clone()}>
            <p class="dialog-lead">
                { "Anyone with this link sees this scenario exactly: the whole scenario is inside the link, after the " }
                <code>{ "#" }</code>{ ", which browsers never send to a server." }
            </p>
            <p class="copy-state" role="status" data-testid="share-copy-status">{ status }</p>
            <label class="visually-hidden" for="share-link-field">{ "Share link" }</label>
            <input id="share-link-field" ref={field} class="link-field" type="text" readonly=true
                   value={link.url.clone()} {onfocus} data-testid="share-link" spellcheck="false" />
            <p class="link-length">
                <span data-testid="share-length" data-chars={link.chars.to_string()}>
                    { format!("{} characters", group_digits(link.chars)) }
                </span>
            </p>
            if let Some(advice) = &link.advice {
                <p class="dialog-warning" role="alert" data-testid="share-warning">{ "⚠ " }{ advice }</p>
            }
            <div class="dialog-actions">
                <CopyButton text={AttrValue::from(link.url.clone())} label="Copy again" testid="share-copy"
                            {on_result} />
            </div>
        </Modal>
    }
}

/// 12345 → "12,345".
fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(7), "7");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_000), "1,000");
        assert_eq!(group_digits(1_234_567), "1,234,567");
    }
}

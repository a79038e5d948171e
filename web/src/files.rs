//! The browser's side of files and the clipboard: reading a picked or dropped file, downloading
//! text as a file, copying text. Nothing here leaves the machine: files are read in the page,
//! downloads are `blob:` URLs of this page, and the clipboard is the user's own.

use crate::scenario_file::too_large;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The text of a file the user picked or dropped. Refuses files over the size limit before
/// reading a byte of them.
pub async fn read_file(file: &web_sys::File) -> Result<String, String> {
    let source = format!("`{}`", file.name());
    if let Some(message) = too_large(&source, file.size()) {
        return Err(message);
    }
    let text = JsFuture::from(file.text())
        .await
        .map_err(|e| format!("{source} could not be read: {}", js_message(&e)))?;
    text.as_string()
        .ok_or_else(|| format!("{source} could not be read as text"))
}

/// Offers `text` as a download named `name` (the browser saves it; no request is made).
pub fn download(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let fail = |e: JsValue| format!("the file could not be saved: {}", js_message(&e));
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("the file could not be saved: no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(fail)?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    let body = document
        .body()
        .ok_or("the file could not be saved: no body")?;
    body.append_child(&link).map_err(fail)?;
    link.click();
    link.remove();
    // Revoking at once can cancel the download in some browsers: give it a moment.
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_secs(30)).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}

/// Copies text to the clipboard. Fails (without throwing) where the Clipboard API is missing
/// (pages not served over HTTPS or localhost) or the browser refuses.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null())
        .ok_or("the clipboard is not available on this page")?;
    let clipboard: web_sys::Clipboard = clipboard.unchecked_into();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| format!("the browser did not allow copying: {}", js_message(&e)))
}

/// A JS error's message, lowercased at the start like our own messages.
fn js_message(error: &JsValue) -> String {
    let text = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into());
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

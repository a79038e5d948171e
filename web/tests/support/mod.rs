//! What the browser tests share: waiting for Yew's render, and DOM events built the way a
//! browser fires them. Each test file is its own crate: `mod support;` includes this one.
// Each test crate uses a part of it.
#![allow(dead_code)]

use std::time::Duration;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::js_sys::{Array, Function, Object, Reflect};

/// Yew renders on its scheduler: yield to the event loop so the render lands.
pub async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

/// An event of a DOM class built through its JS constructor (no extra web-sys features needed);
/// it bubbles, so Yew's delegated listeners see it.
pub fn construct(class: &str, kind: &str, fields: &[(&str, JsValue)]) -> web_sys::Event {
    let window = web_sys::window().expect("a window");
    let init = Object::new();
    Reflect::set(&init, &"bubbles".into(), &JsValue::TRUE).expect("set");
    Reflect::set(&init, &"cancelable".into(), &JsValue::TRUE).expect("set");
    for (k, v) in fields {
        Reflect::set(&init, &(*k).into(), v).expect("set");
    }
    let ctor: Function = Reflect::get(&window, &class.into())
        .expect("constructor")
        .dyn_into()
        .expect("a function");
    Reflect::construct(&ctor, &Array::of2(&kind.into(), &init.into()))
        .expect("constructed")
        .unchecked_into()
}

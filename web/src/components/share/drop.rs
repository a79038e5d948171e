//! Scenario files dropped anywhere on the page: while files are dragged over the window an
//! overlay says what a drop does; a drop opens the first file. Drags of text (e.g. within the
//! editor) are left to the browser.

use gloo_events::{EventListener, EventListenerOptions};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DragEvent;
use yew::prelude::*;

/// Called with the dropped file, and a note when several were dropped.
pub type OnFile = Callback<(web_sys::File, Option<String>)>;

#[derive(Properties, PartialEq)]
pub struct DropTargetProps {
    pub on_file: OnFile,
}

/// Whether a drag carries files (not text or a link).
fn carries_files(event: &Event) -> Option<DragEvent> {
    let drag = event.dyn_ref::<DragEvent>()?;
    let types = drag.data_transfer()?.types();
    types
        .includes(&JsValue::from_str("Files"), 0)
        .then(|| drag.clone())
}

#[function_component(DropTarget)]
pub fn drop_target(props: &DropTargetProps) -> Html {
    let dragging = use_state(|| false);
    // Listeners live as long as the component; they call the latest `on_file`.
    let on_file = use_mut_ref(|| props.on_file.clone());
    *on_file.borrow_mut() = props.on_file.clone();
    {
        let dragging = dragging.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|window| listen(&window, dragging, on_file));
            move || drop(listeners)
        });
    }
    if !*dragging {
        return html! {};
    }
    html! {
        <div class="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
            <div class="drop-message">
                <strong>{ "Drop a scenario file to open it" }</strong>
                <span>{ "It replaces the workspace; Undo brings your work back. The file stays on this computer." }</span>
            </div>
        </div>
    }
}

fn listen(
    window: &web_sys::Window,
    dragging: UseStateHandle<bool>,
    on_file: Rc<RefCell<OnFile>>,
) -> [EventListener; 4] {
    // dragenter/dragleave fire for every element crossed: count them to know when the drag left.
    let depth = Rc::new(Cell::new(0_i32));
    let active = EventListenerOptions::enable_prevent_default();
    let enter = {
        let (depth, dragging) = (depth.clone(), dragging.clone());
        EventListener::new_with_options(window, "dragenter", active, move |e| {
            if carries_files(e).is_some() {
                e.prevent_default();
                depth.set(depth.get() + 1);
                dragging.set(true);
            }
        })
    };
    // Without preventDefault on dragover the browser would navigate to the dropped file.
    let over = EventListener::new_with_options(window, "dragover", active, move |e| {
        if let Some(drag) = carries_files(e) {
            e.prevent_default();
            if let Some(dt) = drag.data_transfer() {
                dt.set_drop_effect("copy");
            }
        }
    });
    let leave = {
        let (depth, dragging) = (depth.clone(), dragging.clone());
        EventListener::new(window, "dragleave", move |e| {
            if carries_files(e).is_some() {
                depth.set((depth.get() - 1).max(0));
                if depth.get() == 0 {
                    dragging.set(false);
                }
            }
        })
    };
    let dropped = EventListener::new_with_options(window, "drop", active, move |e| {
        let Some(drag) = carries_files(e) else { return };
        e.prevent_default();
        depth.set(0);
        dragging.set(false);
        let Some(files) = drag.data_transfer().and_then(|dt| dt.files()) else {
            return;
        };
        let note = (files.length() > 1)
            .then(|| format!("{} files were dropped: opened the first", files.length()));
        if let Some(file) = files.get(0) {
            on_file.borrow().emit((file, note));
        }
    });
    [enter, over, leave, dropped]
}

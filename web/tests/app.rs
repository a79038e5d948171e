//! Mounts the App in a real browser and reads the banner, as the end-to-end test does on the
//! built page. Runs only on wasm32 (`make test` runs it in headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use iamsim_web::{demo_decision, App};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn app_renders_the_decision_core_computed() {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("root appended");

    yew::Renderer::<App>::with_root(root.clone()).render();
    // Yew renders on its scheduler: yield to the event loop once so the first render lands.
    yew::platform::time::sleep(Duration::from_millis(10)).await;

    let banner = root
        .query_selector("[data-testid=decision]")
        .expect("a valid selector")
        .expect("the banner is rendered");
    assert_eq!(
        banner.get_attribute("data-decision").as_deref(),
        Some(demo_decision())
    );
    assert_eq!(
        banner.text_content().unwrap_or_default().trim(),
        demo_decision()
    );
}

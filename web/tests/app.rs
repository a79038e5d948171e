//! Mounts the App in a real browser and drives it as a person would: reads the banner, loads
//! every example from the gallery, undoes a load, switches a policy off, switches the theme.
//! Runs only on wasm32 (`make test` runs it in headless Chromium).
#![cfg(target_arch = "wasm32")]

use iamsim_web::components::examples::examples;
use iamsim_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};

mod support;
use support::settle;

wasm_bindgen_test_configure!(run_in_browser);

async fn mount() -> Element {
    let window = web_sys::window().expect("a browser window");
    // Every test starts from the starter workspace, not from what an earlier test saved.
    if let Ok(Some(storage)) = window.local_storage() {
        storage.clear().expect("storage cleared");
    }
    let document = window.document().expect("a browser document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("root appended");
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    root
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("{selector} is rendered"))
}

async fn click(root: &Element, selector: &str) {
    for _ in 0..100 {
        if root.query_selector(selector).ok().flatten().is_some() {
            break;
        }
        settle().await;
    }
    find(root, selector)
        .dyn_into::<HtmlElement>()
        .expect("an HTML element")
        .click();
    settle().await;
}

fn decision(root: &Element) -> String {
    find(root, "[data-testid=decision]")
        .get_attribute("data-decision")
        .unwrap_or_default()
}

/// Waits (up to two seconds: the runner shares the machine) until the banner says `expected`,
/// then checks it.
async fn expect_decision(root: &Element, expected: &str, what: &str) {
    for _ in 0..100 {
        if decision(root) == expected {
            return;
        }
        settle().await;
    }
    assert_eq!(decision(root), expected, "{what}");
}

#[wasm_bindgen_test]
async fn the_starter_workspace_is_allowed_and_timed() {
    let root = mount().await;
    expect_decision(&root, "Allow", "").await;
    let time = find(&root, "[data-testid=eval-time]")
        .text_content()
        .unwrap_or_default();
    assert!(time.starts_with("evaluated in "), "{time}");
    // One lane per layer that takes part, the identity layer deciding.
    assert!(root
        .query_selector_all("[data-testid=layer-lane]")
        .map(|l| l.length() > 0)
        .unwrap_or(false));
    assert!(root
        .query_selector("[data-testid=policy-editor]")
        .ok()
        .flatten()
        .is_some());
    root.remove();
}

// The issue requires each example's expected decision to be tested: here through the UI, as a
// person loads them (tests/examples.rs checks them, and their test cases, through the reducer).
#[wasm_bindgen_test]
async fn every_example_loads_from_the_gallery_with_its_expected_decision() {
    let root = mount().await;
    assert_eq!(examples().len(), 16);
    for ex in examples() {
        click(&root, "[data-testid=examples-toggle]").await;
        click(&root, &format!("[data-testid=example-{}]", ex.id)).await;
        let expected = ex
            .expect()
            .expect("every example states its expected decision");
        expect_decision(&root, expected.as_str(), &ex.id).await;
        assert!(
            root.query_selector("[data-testid=undo]")
                .ok()
                .flatten()
                .is_some(),
            "undo offered after loading {}",
            ex.id
        );
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn undo_brings_back_the_work_replaced_by_an_example() {
    let root = mount().await;
    let ex = examples()
        .iter()
        .find(|e| e.expect().is_some_and(|d| d.as_str() == "ExplicitDeny"))
        .expect("a denying example");
    click(&root, "[data-testid=examples-toggle]").await;
    click(&root, &format!("[data-testid=example-{}]", ex.id)).await;
    expect_decision(&root, "ExplicitDeny", "").await;
    click(&root, "[data-testid=undo]").await;
    expect_decision(&root, "Allow", "").await;
    assert!(root
        .query_selector("[data-testid=undo]")
        .ok()
        .flatten()
        .is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn switching_the_only_allowing_policy_off_denies_implicitly() {
    let root = mount().await;
    click(&root, "[data-testid=policy-toggle]").await;
    expect_decision(&root, "ImplicitDeny", "").await;
    // The identity layer's chip in the sidebar says so too.
    let chip = find(&root, ".layer-identity [data-testid=layer-verdict]");
    assert!(chip.class_list().contains("none") || chip.class_list().contains("skipped"));
    click(&root, "[data-testid=policy-toggle]").await;
    expect_decision(&root, "Allow", "").await;
    root.remove();
}

#[wasm_bindgen_test]
async fn removing_a_policy_can_be_undone() {
    let root = mount().await;
    click(&root, "[data-testid=policy-remove]").await;
    assert!(root
        .query_selector("[data-testid=policy-select]")
        .ok()
        .flatten()
        .is_none());
    expect_decision(&root, "ImplicitDeny", "").await;
    click(&root, "[data-testid=undo]").await;
    expect_decision(&root, "Allow", "").await;
    root.remove();
}

#[wasm_bindgen_test]
async fn the_theme_switch_sets_data_theme_on_the_root_element() {
    let root = mount().await;
    let html = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .expect("<html>");
    for (button, expected) in [
        ("dark", Some("dark")),
        ("light", Some("light")),
        ("system", None),
    ] {
        click(&root, &format!("[data-testid=theme-{button}]")).await;
        // The attribute is set by an effect, after the render: wait for it.
        for _ in 0..100 {
            if html.get_attribute("data-theme").as_deref() == expected {
                break;
            }
            settle().await;
        }
        assert_eq!(
            html.get_attribute("data-theme").as_deref(),
            expected,
            "{button}"
        );
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn a_reason_reveals_its_policy_in_the_editor() {
    let root = mount().await;
    // Add a second identity policy (selected on creation), then click the deciding reason: the
    // editor goes back to the policy that decided.
    click(&root, "[data-testid=add-layer-identity]").await;
    let title = || {
        find(&root, "[data-testid=policy-title]")
            .text_content()
            .unwrap_or_default()
    };
    assert_ne!(title(), "PushWeb");
    click(&root, "button[data-testid=reason]").await;
    assert_eq!(title(), "PushWeb");
    root.remove();
}

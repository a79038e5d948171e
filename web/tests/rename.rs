//! The inline rename fields (a policy's name, a workspace's name) keep what is being typed when
//! something else re-renders them before Enter: a save or an evaluation does, at any moment. A
//! Yew `value` attribute would put the old name back on every render (the lost rename that once
//! made the workspace e2e test fail now and then). Runs only on wasm32, in headless Chromium.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use iamsim_core::eval::EvalOptions;
use iamsim_web::components::workspace::WorkspacePanel;
use iamsim_web::components::workspaces::WorkspaceSwitcher;
use iamsim_web::state::{Action, State};
use iamsim_web::storage::workspaces::Entry;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

mod support;
use support::{construct, settle};

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Properties, Clone)]
struct HarnessProps {
    /// Set by the harness: re-renders it (new evaluation, new callbacks), as the app does often.
    rerender: Rc<RefCell<Option<Callback<()>>>>,
    /// Every (id, name) the switcher asked to rename.
    renamed: Rc<RefCell<Vec<(String, String)>>>,
}

impl PartialEq for HarnessProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.renamed, &other.renamed)
    }
}

#[function_component(Harness)]
fn harness(p: &HarnessProps) -> Html {
    let state = use_reducer(State::default);
    let ticks = use_state(|| 0u32);
    {
        let ticks = ticks.clone();
        *p.rerender.borrow_mut() = Some(Callback::from(move |()| ticks.set(*ticks + 1)));
    }
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    let result = Rc::new(state.evaluate(&EvalOptions::default()));
    let workspaces = Rc::new(vec![
        Entry {
            id: "w1".into(),
            name: "Workspace 1".into(),
        },
        Entry {
            id: "w2".into(),
            name: "Workspace 2".into(),
        },
    ]);
    let on_rename = {
        let renamed = p.renamed.clone();
        Callback::from(move |r: (String, String)| renamed.borrow_mut().push(r))
    };
    html! {
        <>
            <WorkspaceSwitcher {workspaces} current="w1" {on_rename} on_switch={Callback::noop()}
                               on_new={Callback::noop()} on_duplicate={Callback::noop()}
                               on_delete={Callback::noop()} />
            <WorkspacePanel state={Rc::new((*state).clone())} {result} {dispatch} on_undoable={Callback::noop()} />
        </>
    }
}

struct Mounted {
    root: Element,
    rerender: Rc<RefCell<Option<Callback<()>>>>,
    renamed: Rc<RefCell<Vec<(String, String)>>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

impl Mounted {
    fn maybe(&self, selector: &str) -> Option<Element> {
        self.root
            .query_selector(selector)
            .expect("a valid selector")
    }

    fn one(&self, selector: &str) -> Element {
        self.maybe(selector)
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn input(&self, selector: &str) -> HtmlInputElement {
        self.one(selector).dyn_into().expect("an input")
    }

    async fn click(&self, selector: &str) {
        self.one(selector)
            .dyn_into::<HtmlElement>()
            .expect("an element")
            .click();
        settle().await;
    }

    /// Types `text` as the whole value, as a person replacing the selected name would.
    async fn type_over(&self, selector: &str, text: &str) {
        let input = self.input(selector);
        input.set_value(text);
        input
            .dispatch_event(&construct("InputEvent", "input", &[]))
            .expect("dispatched");
        settle().await;
    }

    async fn press_enter(&self, selector: &str) {
        self.input(selector)
            .dispatch_event(&construct(
                "KeyboardEvent",
                "keydown",
                &[("key", JsValue::from_str("Enter"))],
            ))
            .expect("dispatched");
        settle().await;
    }

    async fn rerender(&self) {
        let rerender = self
            .rerender
            .borrow()
            .clone()
            .expect("the harness rendered");
        rerender.emit(());
        settle().await;
    }
}

async fn mount() -> Mounted {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = doc.create_element("div").expect("a div");
    doc.body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    let m = Mounted {
        root: root.clone(),
        rerender: Rc::new(RefCell::new(None)),
        renamed: Rc::new(RefCell::new(Vec::new())),
    };
    let props = HarnessProps {
        rerender: m.rerender.clone(),
        renamed: m.renamed.clone(),
    };
    yew::Renderer::<Harness>::with_root_and_props(root, props).render();
    for _ in 0..100 {
        settle().await;
        if m.maybe("[data-testid=policy-select]").is_some() {
            break;
        }
    }
    m
}

#[wasm_bindgen_test]
async fn a_workspace_rename_keeps_what_is_typed_over_a_render() {
    let m = mount().await;
    m.click("[data-testid=workspaces-toggle]").await;
    m.click("[data-testid=workspace-item][data-name='Workspace 2'] [data-testid=workspace-rename]")
        .await;
    let field = "[data-testid=workspace-rename-input]";
    assert_eq!(
        m.input(field).value(),
        "Workspace 2",
        "starts from the old name"
    );

    m.type_over(field, "Prod roles").await;
    m.rerender().await;
    assert_eq!(m.input(field).value(), "Prod roles");
    m.press_enter(field).await;
    assert_eq!(
        *m.renamed.borrow(),
        vec![("w2".to_string(), "Prod roles".to_string())]
    );
}

#[wasm_bindgen_test]
async fn a_policy_rename_keeps_what_is_typed_over_a_render() {
    let m = mount().await;
    let name = m
        .one("[data-testid=policy-select] .policy-name")
        .text_content();
    m.click("button[aria-label^='Rename “']").await;
    let field = "[data-testid=rename-input]";
    assert_eq!(
        Some(m.input(field).value()),
        name,
        "starts from the old name"
    );

    m.type_over(field, "Deploy role").await;
    m.rerender().await;
    assert_eq!(m.input(field).value(), "Deploy role");
    m.press_enter(field).await;
    assert!(m.maybe(field).is_none(), "Enter ends the rename");
    assert_eq!(
        m.one("[data-testid=policy-select] .policy-name")
            .text_content(),
        Some("Deploy role".to_string())
    );
}

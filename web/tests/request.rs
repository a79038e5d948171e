//! The request builder and the trace panel in a real browser, over the app's own reducer: the
//! principal hint follows the text, the action combobox sets the action, a missing key is added
//! in one click, an invalid IP is reported, and the trace shows a row per statement that reveals
//! it. Runs only on wasm32 (`make test` runs it in headless Chromium).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use iamsim_core::eval::{EvalOptions, LayerKind};
use iamsim_web::components::request::RequestBuilder;
use iamsim_web::components::trace::TracePanel;
use iamsim_web::state::{Action, State};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

mod support;
use support::{construct, settle};

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Properties, Clone)]
struct HarnessProps {
    /// Applied to the reducer once, before the test acts (not logged).
    setup: Rc<Vec<Action>>,
    /// Every action the components dispatched.
    log: Rc<RefCell<Vec<Action>>>,
}

impl PartialEq for HarnessProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.log, &other.log)
    }
}

/// The two components over the app's reducer, as app.rs wires them.
#[function_component(Harness)]
fn harness(p: &HarnessProps) -> Html {
    let state = use_reducer(State::default);
    {
        let (state, setup) = (state.clone(), p.setup.clone());
        use_effect_with((), move |_| {
            for action in setup.iter() {
                state.dispatch(action.clone());
            }
        });
    }
    let dispatch = {
        let (state, log) = (state.clone(), p.log.clone());
        Callback::from(move |action: Action| {
            log.borrow_mut().push(action.clone());
            state.dispatch(action);
        })
    };
    let result = Rc::new(state.evaluate(&EvalOptions::default()));
    html! {
        <>
            <RequestBuilder request={state.workspace.request.clone()} result={result.clone()}
                            tested_keys={Rc::new(state.tested_keys())} dispatch={dispatch.clone()} />
            <TracePanel {result} {dispatch} />
        </>
    }
}

struct Mounted {
    root: Element,
    log: Rc<RefCell<Vec<Action>>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

impl Mounted {
    fn one(&self, selector: &str) -> Element {
        self.root
            .query_selector(selector)
            .expect("a valid selector")
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn maybe(&self, selector: &str) -> Option<Element> {
        self.root
            .query_selector(selector)
            .expect("a valid selector")
    }

    fn all(&self, selector: &str) -> Vec<Element> {
        let list = self
            .root
            .query_selector_all(selector)
            .expect("a valid selector");
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect()
    }

    fn input(&self, selector: &str) -> HtmlInputElement {
        self.one(selector).dyn_into().expect("an input")
    }

    fn logged(&self) -> Vec<Action> {
        self.log.borrow().clone()
    }

    /// Types `text` as the whole value of the input, as a user replacing it would.
    async fn type_into(&self, selector: &str, text: &str) {
        let input = self.input(selector);
        let _ = input.focus();
        input.set_value(text);
        input
            .dispatch_event(&construct("InputEvent", "input", &[]))
            .expect("dispatched");
        settle().await;
    }

    async fn click(&self, el: &Element) {
        el.dyn_ref::<HtmlElement>().expect("an element").click();
        settle().await;
    }

    /// Waits (up to 4 s) until `cond` holds: renders are slower on a busy machine.
    async fn until(&self, what: &str, cond: impl Fn(&Mounted) -> bool) {
        for _ in 0..200 {
            if cond(self) {
                return;
            }
            settle().await;
        }
        panic!("timed out waiting for {what}");
    }

    fn attr(&self, selector: &str, name: &str) -> Option<String> {
        self.maybe(selector).and_then(|e| e.get_attribute(name))
    }

    fn text(&self, selector: &str) -> String {
        self.one(selector).text_content().unwrap_or_default()
    }
}

async fn mount(setup: Vec<Action>) -> Mounted {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = doc.create_element("div").expect("a div");
    doc.body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    let log = Rc::new(RefCell::new(Vec::new()));
    let props = HarnessProps {
        setup: Rc::new(setup),
        log: log.clone(),
    };
    yew::Renderer::<Harness>::with_root_and_props(root.clone(), props).render();
    let m = Mounted { root, log };
    for _ in 0..100 {
        settle().await;
        if m.maybe("[data-testid=request-principal]").is_some() {
            break;
        }
    }
    settle().await;
    m
}

/// The starter workspace's one policy (id 1) replaced by `text`.
fn policy(text: &str) -> Action {
    Action::EditText {
        id: 1,
        text: text.to_string(),
    }
}

#[wasm_bindgen_test]
async fn the_principal_hint_follows_the_text() {
    let m = mount(Vec::new()).await;
    let hint = || m.one("[data-testid=principal-hint]");
    assert_eq!(
        hint().get_attribute("data-kind").as_deref(),
        Some("IAM user")
    );

    m.type_into("[data-testid=request-principal]", "codebuild.amazonaws.com")
        .await;
    m.until("the service hint", |m| {
        m.attr("[data-testid=principal-hint]", "data-kind")
            .as_deref()
            == Some("service principal")
    })
    .await;
    assert_eq!(
        hint().get_attribute("data-kind").as_deref(),
        Some("service principal")
    );
    assert_eq!(
        m.logged().last(),
        Some(&Action::SetPrincipal("codebuild.amazonaws.com".into()))
    );

    m.type_into(
        "[data-testid=request-principal]",
        "arn:aws:sts::111122223333:assumed-role/deploy/ci",
    )
    .await;
    m.until("the role session hint", |m| {
        m.attr("[data-testid=principal-hint]", "data-kind")
            .as_deref()
            == Some("role session")
    })
    .await;

    m.type_into("[data-testid=request-principal]", "alice")
        .await;
    assert_eq!(
        hint().get_attribute("data-kind").as_deref(),
        Some("invalid")
    );
    assert!(m
        .text("[data-testid=principal-hint]")
        .contains("is not a principal"));
    assert_eq!(
        m.input("[data-testid=request-principal]")
            .get_attribute("aria-invalid")
            .as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn choosing_an_autocomplete_item_sets_the_action() {
    let m = mount(Vec::new()).await;
    m.type_into("[data-testid=request-action]", "ecr:batchget")
        .await;
    let options = m.all("[data-testid=action-option]");
    assert!(!options.is_empty(), "the list opens while typing");
    assert!(options.len() <= 50);
    assert_eq!(
        options[0].get_attribute("data-action").as_deref(),
        Some("ecr:BatchGetImage")
    );

    // Keyboard: ArrowDown makes the first option active (aria-activedescendant), Enter picks it.
    let input = m.input("[data-testid=request-action]");
    let key = |k: &str| construct("KeyboardEvent", "keydown", &[("key", k.into())]);
    input.dispatch_event(&key("ArrowDown")).expect("dispatched");
    m.until("an active option", |m| {
        m.attr("[data-testid=request-action]", "aria-activedescendant")
            .is_some()
    })
    .await;
    let active = input
        .get_attribute("aria-activedescendant")
        .expect("an active option");
    assert_eq!(Some(active), options[0].get_attribute("id"));
    input.dispatch_event(&key("Enter")).expect("dispatched");
    m.until("the list to close", |m| m.maybe("[role=listbox]").is_none())
        .await;
    assert_eq!(
        m.logged().last(),
        Some(&Action::SetAction("ecr:BatchGetImage".into()))
    );
    assert_eq!(input.value(), "ecr:BatchGetImage");
    assert!(m.maybe("[role=listbox]").is_none(), "the list closes");

    // Mouse: pressing an option picks it.
    m.type_into("[data-testid=request-action]", "ecr:getauth")
        .await;
    let option = m.one("[data-action='ecr:GetAuthorizationToken']");
    option
        .dispatch_event(&construct("MouseEvent", "mousedown", &[]))
        .expect("dispatched");
    m.until("the star offer", |m| {
        m.all("[data-testid=arn-offer]").len() == 1
    })
    .await;
    assert_eq!(
        m.logged().last(),
        Some(&Action::SetAction("ecr:GetAuthorizationToken".into()))
    );
    // M4: the action has no resource type, so `*` is offered.
    let offers = m.all("[data-testid=arn-offer]");
    assert_eq!(offers.len(), 1);
    m.click(&offers[0]).await;
    assert_eq!(m.logged().last(), Some(&Action::SetResource("*".into())));
}

#[wasm_bindgen_test]
async fn an_unknown_action_gets_a_did_you_mean() {
    let m = mount(Vec::new()).await;
    m.type_into("[data-testid=request-action]", "ecr:GetAuthorisationToken")
        .await;
    m.until("the suggestion", |m| {
        m.maybe("[data-testid=action-did-you-mean] button")
            .is_some()
    })
    .await;
    let fix = m.one("[data-testid=action-did-you-mean] button");
    assert_eq!(
        fix.text_content().as_deref(),
        Some("ecr:GetAuthorizationToken")
    );
    m.click(&fix).await;
    assert_eq!(
        m.logged().last(),
        Some(&Action::SetAction("ecr:GetAuthorizationToken".into()))
    );
}

const MFA_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PushWithMfa",
      "Effect": "Allow",
      "Action": "ecr:PutImage",
      "Resource": "*",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    }
  ]
}"#;

#[wasm_bindgen_test]
async fn a_missing_key_is_added_in_one_click() {
    let m = mount(vec![policy(MFA_POLICY)]).await;
    m.until("the missing key", |m| {
        m.maybe("[data-testid=add-missing-key][data-key='aws:MultiFactorAuthPresent']")
            .is_some()
    })
    .await;
    let add = m.one("[data-testid=add-missing-key][data-key='aws:MultiFactorAuthPresent']");
    m.click(&add).await;
    assert_eq!(
        m.logged().last(),
        Some(&Action::AddContextKey("aws:MultiFactorAuthPresent".into()))
    );
    m.until("the new row", |m| {
        m.maybe("[data-testid=context-row][data-key='aws:MultiFactorAuthPresent']")
            .is_some()
    })
    .await;
    // The row is there, typed Bool (a select), and the key is no longer offered.
    let row = m.one("[data-testid=context-row][data-key='aws:MultiFactorAuthPresent']");
    assert_eq!(
        row.query_selector("[data-testid=context-value]")
            .expect("selector")
            .map(|e| e.tag_name()),
        Some("SELECT".to_string())
    );
    assert!(m
        .maybe("[data-testid=add-missing-key][data-key='aws:MultiFactorAuthPresent']")
        .is_none());
    // Derived keys are listed greyed (the starter request derives aws:PrincipalArn and more).
    assert!(m
        .maybe("[data-testid=derived-key][data-key='aws:PrincipalArn']")
        .is_some());
}

#[wasm_bindgen_test]
async fn an_invalid_ip_shows_a_message_and_keeps_the_text() {
    let m = mount(vec![Action::AddContextKey("aws:SourceIp".into())]).await;
    m.until("the row", |m| {
        m.maybe("[data-testid=context-row][data-key='aws:SourceIp']")
            .is_some()
    })
    .await;
    let selector = "[data-testid=context-row][data-key='aws:SourceIp'] [data-testid=context-value]";
    m.type_into(selector, "10.0.0.300").await;
    m.until("the message", |m| {
        m.maybe("[data-testid=context-error]").is_some()
    })
    .await;
    let error = m.one("[data-testid=context-error]");
    assert!(error
        .text_content()
        .unwrap_or_default()
        .contains("10.0.0.300"));
    let input = m.input(selector);
    assert_eq!(input.value(), "10.0.0.300");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));

    m.type_into(selector, "10.0.0.3").await;
    m.until("the message to go", |m| {
        m.maybe("[data-testid=context-error]").is_none()
    })
    .await;
    assert_eq!(
        m.input(selector).get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
}

const THREE_STATEMENTS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Push",
      "Effect": "Allow",
      "Action": "ecr:PutImage",
      "Resource": "*"
    },
    {
      "Sid": "Reads",
      "Effect": "Allow",
      "Action": "ecr:Get*",
      "Resource": "*"
    },
    {
      "Sid": "NoProd",
      "Effect": "Deny",
      "Action": "ecr:*",
      "Resource": "arn:aws:ecr:*:*:repository/prod"
    }
  ]
}"#;

#[wasm_bindgen_test]
async fn the_trace_has_a_row_per_statement_that_reveals_it() {
    let m = mount(vec![policy(THREE_STATEMENTS)]).await;
    m.until("three rows", |m| {
        m.all("[data-testid=trace-statement]").len() == 3
    })
    .await;
    let rows = m.all("[data-testid=trace-statement]");
    assert_eq!(rows.len(), 3);
    let matched: Vec<Option<String>> = rows
        .iter()
        .map(|r| r.get_attribute("data-matched"))
        .collect();
    assert_eq!(
        matched,
        vec![
            Some("true".into()),
            Some("false".into()),
            Some("false".into())
        ]
    );
    let mark = |r: &Element| {
        r.query_selector(".tr-mark")
            .expect("selector")
            .and_then(|e| e.text_content())
    };
    assert_eq!(mark(&rows[0]).as_deref(), Some("✓"));
    assert_eq!(mark(&rows[1]).as_deref(), Some("✗"));

    // A click on the third statement reveals it: its layer, policy and span (line 16).
    let reveal = rows[2]
        .query_selector("[data-testid=trace-reveal]")
        .expect("selector")
        .expect("a reveal button");
    m.click(&reveal).await;
    match m.logged().last() {
        Some(Action::Reveal {
            layer,
            level,
            policy,
            span,
        }) => {
            assert_eq!(*layer, LayerKind::Identity);
            assert_eq!(*level, None);
            assert_eq!(policy, "PushWeb");
            assert_eq!(span.start.line, 16);
        }
        other => panic!("expected a Reveal, got {other:?}"),
    }

    // The matched statement is open: its action pattern expands on hover (M2).
    let pattern = m.one("[data-testid=trace-statement] [data-testid=action-pattern]");
    pattern
        .dispatch_event(&construct("MouseEvent", "mouseenter", &[]))
        .expect("dispatched");
    m.until("the expansion", |m| {
        m.maybe("[data-testid=action-expansion]").is_some()
    })
    .await;
    let popup = m.one("[data-testid=action-expansion]");
    assert_eq!(popup.get_attribute("data-count").as_deref(), Some("1"));

    // "Matched only" hides the two others.
    let filter = m.one("[data-testid=trace-matched-only]");
    m.click(&filter).await;
    m.until("one row", |m| {
        m.all("[data-testid=trace-statement]").len() == 1
    })
    .await;
}

#[wasm_bindgen_test]
async fn conditions_show_missing_request_values() {
    let m = mount(vec![policy(MFA_POLICY)]).await;
    m.until("the condition", |m| {
        m.maybe("[data-testid=trace-condition]").is_some()
    })
    .await;
    let condition = m.one("[data-testid=trace-condition]");
    assert_eq!(
        condition.get_attribute("data-key").as_deref(),
        Some("aws:MultiFactorAuthPresent")
    );
    assert_eq!(
        condition.get_attribute("data-result").as_deref(),
        Some("false")
    );
    assert!(condition
        .text_content()
        .unwrap_or_default()
        .contains("missing"));
}

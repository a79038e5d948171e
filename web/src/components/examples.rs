//! The examples gallery: the scenarios of tests/corpus/examples/, bundled at build time and
//! parsed once, grouped by category. Loading one replaces the workspace (undo restores it).

use crate::state::Action;
use iamsim_core::eval::Decision;
use iamsim_core::scenario::Scenario;
use serde_json::Value;
use std::sync::OnceLock;
use yew::prelude::*;

/// `index.json` and every file it lists. A file missing here makes `examples()` skip it, and the
/// test that compares the count with the index fails.
const INDEX: &str = include_str!("../../../tests/corpus/examples/index.json");
const FILES: &[(&str, &str)] = &[
    (
        "ecr-push-pull.json",
        include_str!("../../../tests/corpus/examples/ecr-push-pull.json"),
    ),
    (
        "ecr-cross-account-push.json",
        include_str!("../../../tests/corpus/examples/ecr-cross-account-push.json"),
    ),
    (
        "ecr-pull-users-admin.json",
        include_str!("../../../tests/corpus/examples/ecr-pull-users-admin.json"),
    ),
    (
        "ecr-deny-pull-everyone.json",
        include_str!("../../../tests/corpus/examples/ecr-deny-pull-everyone.json"),
    ),
    (
        "ecr-deny-outside-ip-range.json",
        include_str!("../../../tests/corpus/examples/ecr-deny-outside-ip-range.json"),
    ),
    (
        "ecr-codebuild-source-arn.json",
        include_str!("../../../tests/corpus/examples/ecr-codebuild-source-arn.json"),
    ),
    (
        "ecr-tag-based-create-repository.json",
        include_str!("../../../tests/corpus/examples/ecr-tag-based-create-repository.json"),
    ),
    (
        "ecr-deny-prod-tagged.json",
        include_str!("../../../tests/corpus/examples/ecr-deny-prod-tagged.json"),
    ),
    (
        "ecr-single-repository.json",
        include_str!("../../../tests/corpus/examples/ecr-single-repository.json"),
    ),
    (
        "mfa-required.json",
        include_str!("../../../tests/corpus/examples/mfa-required.json"),
    ),
    (
        "permissions-boundary.json",
        include_str!("../../../tests/corpus/examples/permissions-boundary.json"),
    ),
    (
        "cross-account-assume-role.json",
        include_str!("../../../tests/corpus/examples/cross-account-assume-role.json"),
    ),
    (
        "session-policy.json",
        include_str!("../../../tests/corpus/examples/session-policy.json"),
    ),
    (
        "kms-key-policy.json",
        include_str!("../../../tests/corpus/examples/kms-key-policy.json"),
    ),
    (
        "scp-region-lock.json",
        include_str!("../../../tests/corpus/examples/scp-region-lock.json"),
    ),
    (
        "rcp-deny-outside-org.json",
        include_str!("../../../tests/corpus/examples/rcp-deny-outside-org.json"),
    ),
];

/// One example of the gallery.
#[derive(Debug)]
pub struct Example {
    /// The file name without `.json`: a stable id (`data-testid="example-<id>"`).
    pub id: String,
    pub category: String,
    pub title: String,
    pub description: String,
    pub scenario: Scenario,
}

impl Example {
    pub fn expect(&self) -> Option<Decision> {
        self.scenario.expect
    }
}

/// The examples in the order of `index.json`, parsed on first use.
pub fn examples() -> &'static [Example] {
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    EXAMPLES.get_or_init(parse_all)
}

/// The starting state with example `id` loaded, for tests of what the app shows for it.
#[cfg(test)]
pub fn state_with(id: &str) -> crate::state::State {
    use yew::Reducible;
    let ex = examples()
        .iter()
        .find(|e| e.id == id)
        .expect("the example is bundled");
    let start = std::rc::Rc::new(crate::state::State::default());
    (*start.reduce(Action::Load(Box::new(ex.scenario.clone())))).clone()
}

/// How many entries `index.json` lists (for the test that nothing was skipped).
pub fn index_len() -> usize {
    serde_json::from_str::<Vec<Value>>(INDEX).map_or(0, |v| v.len())
}

fn parse_all() -> Vec<Example> {
    let Ok(index) = serde_json::from_str::<Vec<Value>>(INDEX) else {
        return Vec::new();
    };
    index
        .iter()
        .filter_map(|entry| {
            let field = |k: &str| entry.get(k).and_then(Value::as_str).unwrap_or_default();
            let file = field("file");
            let (_, text) = FILES.iter().find(|(name, _)| *name == file)?;
            let scenario: Scenario = serde_json::from_str(text).ok()?;
            Some(Example {
                id: file.trim_end_matches(".json").to_string(),
                category: field("category").to_string(),
                title: field("title").to_string(),
                description: scenario.description.clone().unwrap_or_default(),
                scenario,
            })
        })
        .collect()
}

/// The categories in first-seen order, each with its examples.
fn grouped() -> Vec<(&'static str, Vec<&'static Example>)> {
    let mut groups: Vec<(&str, Vec<&Example>)> = Vec::new();
    for ex in examples() {
        match groups.iter_mut().find(|(c, _)| *c == ex.category) {
            Some((_, list)) => list.push(ex),
            None => groups.push((ex.category.as_str(), vec![ex])),
        }
    }
    groups
}

fn decision_label(d: Decision) -> &'static str {
    match d {
        Decision::Allow => "allow",
        Decision::ExplicitDeny => "explicit deny",
        Decision::ImplicitDeny => "implicit deny",
    }
}

#[derive(Properties, PartialEq)]
pub struct ExamplesProps {
    /// Called with the example's title after dispatching `Action::Load`, so the app can offer undo.
    pub on_loaded: Callback<String>,
    pub dispatch: Callback<Action>,
}

/// A button that opens the gallery; picking an example loads it and closes the gallery.
#[function_component(ExamplesGallery)]
pub fn examples_gallery(props: &ExamplesProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close_on_escape = {
        let open = open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                open.set(false);
            }
        })
    };
    let panel = if *open {
        let groups = grouped().into_iter().map(|(category, list)| {
            let cards = list.into_iter().map(|ex| {
                let onclick = {
                    let dispatch = props.dispatch.clone();
                    let on_loaded = props.on_loaded.clone();
                    let open = open.clone();
                    Callback::from(move |_: MouseEvent| {
                        dispatch.emit(Action::Load(Box::new(ex.scenario.clone())));
                        on_loaded.emit(ex.title.clone());
                        open.set(false);
                    })
                };
                let expect = ex.expect().map(|d| {
                    html! { <span class={classes!("expect", d.as_str())}>{ decision_label(d) }</span> }
                });
                html! {
                    <li>
                        <button type="button" class="example-card" data-testid={format!("example-{}", ex.id)}
                                {onclick}>
                            <span class="example-title">{ &ex.title }{ expect }</span>
                            <span class="example-description">{ &ex.description }</span>
                        </button>
                    </li>
                }
            });
            html! {
                <section class="example-group" aria-label={category}>
                    <h3>{ category }</h3>
                    <ul>{ for cards }</ul>
                </section>
            }
        });
        let close = {
            let open = open.clone();
            Callback::from(move |_: MouseEvent| open.set(false))
        };
        html! {
            <>
            <div class="examples-backdrop" aria-hidden="true" onclick={close}></div>
            <div class="examples-panel" id="examples-panel" role="region" aria-label="Examples">
                <p class="examples-hint">
                    { "Loading an example replaces the workspace; an Undo button brings your work back." }
                </p>
                { for groups }
            </div>
            </>
        }
    } else {
        html! {}
    };
    html! {
        <div class="examples" data-testid="example-picker" onkeydown={close_on_escape}>
            <button type="button" class="button examples-toggle" data-testid="examples-toggle"
                    aria-expanded={(*open).to_string()} aria-controls="examples-panel" onclick={toggle}>
                { "Examples" }<span aria-hidden="true">{ if *open { " ▴" } else { " ▾" } }</span>
            </button>
            { panel }
        </div>
    }
}

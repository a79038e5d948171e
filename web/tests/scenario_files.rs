//! Saving and opening scenario files through the reducer, as the app does: for every example,
//! open(save(x)) is x, and the saved file is the example file itself (same JSON value).
//! Native: no browser needed.
#![cfg(not(target_arch = "wasm32"))]

use iamsim_web::components::examples::examples;
use iamsim_web::scenario_file::{open_text, save_text};
use iamsim_web::state::{Action, State};
use serde_json::Value;
use std::rc::Rc;
use yew::Reducible;

fn load(state: State, scenario: iamsim_core::scenario::Scenario) -> State {
    (*Rc::new(state).reduce(Action::Load(Box::new(scenario)))).clone()
}

const FILES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/examples");

#[test]
fn every_example_saves_as_its_own_file_and_opens_back_unchanged() {
    assert!(!examples().is_empty());
    for ex in examples() {
        let state = load(State::default(), ex.scenario.clone());
        let saved = save_text(&state.to_scenario());

        let original = std::fs::read_to_string(format!("{FILES}/{}.json", ex.id))
            .unwrap_or_else(|e| panic!("{}: {e}", ex.id));
        let original: Value = serde_json::from_str(&original).expect("example JSON");
        let saved_value: Value = serde_json::from_str(&saved).expect("saved JSON");
        assert_eq!(saved_value, original, "example {} saved", ex.id);

        let opened = open_text(&saved, "`saved.json`").expect("the saved file opens");
        assert!(opened.notes.is_empty(), "{}: {:?}", ex.id, opened.notes);
        let reopened = load(State::default(), opened.scenario);
        assert_eq!(
            reopened.to_scenario(),
            state.to_scenario(),
            "example {}",
            ex.id
        );
    }
}

#[test]
fn text_typed_in_the_editor_survives_save_and_open_exactly() {
    let state = State::default();
    let id = state.selected.expect("a policy");
    let typed = "{\"Version\": \"2012-10-17\",\n\t\"Statement\": []}  // unfinished";
    let state = (*Rc::new(state).reduce(Action::EditText {
        id,
        text: typed.into(),
    }))
    .clone();
    let opened = open_text(&save_text(&state.to_scenario()), "`x.json`").expect("opens");
    let reopened = load(State::default(), opened.scenario);
    let doc = reopened.selected_policy().expect("the policy");
    assert_eq!(doc.text, typed);
}

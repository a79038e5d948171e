//! Every example of the gallery, loaded through the reducer as the app loads it, decides as its
//! `expect` says, and so does each of its test cases (the issue: "each example's expected
//! decision is checked by the tests"). Native: no browser needed.
#![cfg(not(target_arch = "wasm32"))]

use iamsim_core::eval::EvalOptions;
use iamsim_web::components::examples::{examples, index_len};
use iamsim_web::state::{Action, State};
use std::rc::Rc;
use yew::Reducible;

fn load(scenario: iamsim_core::scenario::Scenario) -> State {
    (*Rc::new(State::default()).reduce(Action::Load(Box::new(scenario)))).clone()
}

#[test]
fn every_listed_example_is_bundled_and_parses() {
    assert_eq!(index_len(), 16);
    assert_eq!(
        examples().len(),
        index_len(),
        "an example of index.json failed to parse or is not bundled"
    );
    for ex in examples() {
        assert!(!ex.title.is_empty() && !ex.category.is_empty(), "{}", ex.id);
        assert!(!ex.description.is_empty(), "{} has a description", ex.id);
    }
}

#[test]
fn every_example_decides_as_it_expects_once_loaded() {
    for ex in examples() {
        let expected = ex
            .expect()
            .unwrap_or_else(|| panic!("{} states `expect`", ex.id));
        let state = load(ex.scenario.clone());
        let result = state.evaluate(&EvalOptions::default());
        assert_eq!(result.decision, expected, "example {}", ex.id);
    }
}

#[test]
fn every_test_case_of_every_example_decides_as_it_expects_once_loaded() {
    let mut cases = 0;
    for ex in examples() {
        for case in &ex.scenario.tests {
            let request = ex
                .scenario
                .test_request(case)
                .unwrap_or_else(|e| panic!("{} / {}: {e}", ex.id, case.name));
            let mut scenario = ex.scenario.clone();
            scenario.request = request;
            let result = load(scenario).evaluate(&EvalOptions::default());
            assert_eq!(result.decision, case.expect, "{} / {}", ex.id, case.name);
            cases += 1;
        }
    }
    assert!(cases >= 16, "only {cases} test cases");
}

//! The typical scenario of core/benches/eval.rs, compiled to wasm32 and run in the browser (or
//! Node): checks the decision, then prints the time per evaluation measured with
//! `performance.now()`. No timing assertion: the figures go to docs/performance.md.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test --release --target wasm32-unknown-unknown -p iamsim-web --test wasm_eval_speed -- --nocapture`
#![cfg(target_arch = "wasm32")]

use iamsim_core::eval::{
    decide, evaluate, infer_resource_kind, Decision, EvalOptions, PolicySet, PreparedRequest,
};
use iamsim_core::scenario::{simulate, Scenario};
use std::hint::black_box;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const TYPICAL: &str = include_str!("../../core/tests/fixtures/typical.json");

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Average microseconds per call of `f`, over enough calls to fill about 200 ms.
fn per_call_us(mut f: impl FnMut()) -> f64 {
    let mut calls = 1u32;
    loop {
        let start = now_ms();
        for _ in 0..calls {
            f();
        }
        let elapsed = now_ms() - start;
        if elapsed > 200.0 || calls >= 1 << 24 {
            return elapsed * 1000.0 / f64::from(calls);
        }
        calls *= 4;
    }
}

#[wasm_bindgen_test]
fn typical_scenario_speed_in_wasm() {
    let scenario: Scenario = serde_json::from_str(TYPICAL).expect("the fixture is a scenario");
    let hint = infer_resource_kind(&scenario.request.action, &scenario.request.resource);
    let set = PolicySet::prepare(&scenario.policies, hint);
    let req = PreparedRequest::prepare(&scenario.request, &EvalOptions::default());
    // D1–D5: allowed by the identity policy, within the boundary, the SCP and the repository
    // policy, which names neither the role nor denies the source address.
    assert_eq!(decide(&set, &req), Decision::Allow);
    assert_eq!(evaluate(&set, &req).decision, Decision::Allow);
    assert_eq!(scenario.expect, Some(Decision::Allow));

    let decide_us = per_call_us(|| {
        black_box(decide(black_box(&set), black_box(&req)));
    });
    let evaluate_us = per_call_us(|| {
        black_box(evaluate(black_box(&set), black_box(&req)));
    });
    let prepare_us = per_call_us(|| {
        let set = PolicySet::prepare(black_box(&scenario.policies), hint);
        let req = PreparedRequest::prepare(black_box(&scenario.request), &EvalOptions::default());
        black_box(decide(&set, &req));
    });
    let simulate_us = per_call_us(|| {
        black_box(simulate(black_box(&scenario), &EvalOptions::default()));
    });
    console_log!(
        "wasm typical scenario: decide {decide_us:.2} µs, evaluate {evaluate_us:.1} µs, prepare+decide {prepare_us:.1} µs, simulate (prepare+evaluate) {simulate_us:.1} µs"
    );
}

/// Issue 5's budget: the catalog's first use in the browser, as the app meets it: the index of
/// services read from the embedded text, then ECR's tables on its first lookup.
#[wasm_bindgen_test]
fn catalog_first_use_in_wasm() {
    let start = now_ms();
    let catalog = iamsim_core::catalog::parse_embedded();
    let ecr_actions = catalog.service("ecr").map(|s| s.actions().len());
    let first_ms = now_ms() - start;
    assert_eq!(ecr_actions, Some(64));
    // Every service read: the real catalog, not an empty one.
    assert!(catalog.error().is_none());
    let start = now_ms();
    let lookups = 10_000u32;
    for _ in 0..lookups {
        black_box(catalog.action(black_box("ecr:GetAuthorizationToken")));
    }
    let lookup_us = (now_ms() - start) * 1000.0 / f64::from(lookups);
    console_log!(
        "wasm catalog: first use (index + ECR) {first_ms:.1} ms, {} actions; action lookup {lookup_us:.3} µs",
        catalog.action_count()
    );
}

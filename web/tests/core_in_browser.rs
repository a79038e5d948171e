//! iamsim-core compiled to wasm32 and run in a real browser: the same functions the page calls.
//! Core's own tests run natively; these check that the wasm build behaves the same.
#![cfg(target_arch = "wasm32")]

use iamsim_core::context::{ContextValue, RequestContext, Values};
use iamsim_core::matching::wildcard::glob_match;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

// M2: `*` matches any run (including none), `?` exactly one character, anchored at both ends.
#[wasm_bindgen_test]
fn m2_wildcards_match_in_the_browser() {
    assert!(glob_match("ecr:*", "ecr:putimage"));
    assert!(glob_match("ecr:*", "ecr:"));
    assert!(glob_match("s3:get?bject", "s3:getobject"));
    assert!(!glob_match("s3:get?bject", "s3:getbject"));
    assert!(!glob_match("ecr:*", "xecr:putimage"));
    assert!(!glob_match("ecr:put", "ecr:putimage"));
}

// M2 on non-ASCII text: `?` is one character, not one byte (wasm32 has the same char semantics).
#[wasm_bindgen_test]
fn m2_question_mark_is_one_character_in_the_browser() {
    assert!(glob_match("a?c", "aéc"));
    assert!(!glob_match("a?c", "aééc"));
}

// C2: condition key names are case-insensitive.
#[wasm_bindgen_test]
fn c2_context_keys_are_case_insensitive_in_the_browser() {
    let mut ctx = RequestContext::new();
    ctx.insert("aws:SourceIp", ContextValue::Single("10.0.0.1".into()));
    let value = ctx.get("AWS:SOURCEIP").and_then(Values::single);
    assert_eq!(value, Some("10.0.0.1"));
    assert!(ctx.get("aws:SourceVpc").is_none());
}

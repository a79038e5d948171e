//! Share links as the Share dialog makes them, read back with core's decoder; and links made by
//! the README's recipes (Python's and Node's zlib) read by iamsim. Native: no browser needed.
//! (Kept out of `web/src`: the e2e test looks there for `decode_fragment(` to know whether the
//! app reads incoming links.)
#![cfg(not(target_arch = "wasm32"))]

use iamsim_core::scenario::share::decode_fragment;
use iamsim_core::scenario::Scenario;
use iamsim_web::components::share::ShareLink;

#[test]
fn the_link_holds_the_scenario_after_the_page_address() {
    let scenario: Scenario = serde_json::from_str(
        r#"{"name":"ünï","request":{"principal":"anonymous","action":"s3:GetObject","resource":"*"}}"#,
    )
    .expect("scenario");
    let link = ShareLink::new("https://example.test/iamsim/", &scenario);
    let (base, fragment) = link.url.split_once('#').expect("a fragment");
    assert_eq!(base, "https://example.test/iamsim/");
    assert_eq!(
        decode_fragment(fragment).expect("decodes").scenario,
        scenario
    );
    assert_eq!(link.chars, link.url.chars().count());
    assert_eq!(link.advice, None);
}

#[test]
fn a_long_link_carries_advice() {
    let scenario: Scenario = serde_json::from_str(
        r#"{"request":{"principal":"anonymous","action":"s3:GetObject","resource":"*"}}"#,
    )
    .expect("scenario");
    let link = ShareLink::new(&"x".repeat(5_000), &scenario);
    assert!(link
        .advice
        .is_some_and(|a| a.contains(&link.chars.to_string())));
}

// The README's recipes (Python's zlib, Node's zlib) make links that iamsim reads.
#[test]
fn links_made_by_the_readme_recipes_decode() {
    let python = "s=dY9Ba8MwDIX_SvBxtKRODwOf1sPosWODXcYOqqMwtbGdyTYlhPz3ymk3dtnDF0uf3pMm1QV2kJSpFIGL5Opo0QNTeNJqVSkPDkuz4-CqlzF9BV_KQ-jJEkZpTYpa9InSKJ-P6XfiFaHd9X2h22CzE2ah35EjiYsgzUY3a71Z68dCvSVIeMfE57nr0C6LiUu4FGJn030ybs0e0-F4KsiqhMWQ2S7BD2r-nOVJmfE7Y7zlDkze0gB9YYC9gUs0crMxWtSItiKTI3INch0WX_g3kf8k_rgJY8wx2zOm-oyjmucr&v=0.1.0";
    let node = "#s=HcwxCgJBDAXQq8gvZUHELpWdYGPhCeKQhYhJ1mSmkGXvLnqA91bMkcYdBGUrtUM1cU6N8xETnE1AmDNsd71jQsp7SHXQiiXVmy78AoE9_GMxChO4dQ0HoU50kX57PKX1P60Y2X7fHtv2BQ&v=0.1.0";
    let from_python = decode_fragment(python).expect("python's link");
    assert_eq!(from_python.scenario.name.as_deref(), Some("from Python"));
    assert_eq!(from_python.scenario.policies.identity.len(), 1);
    assert_eq!(from_python.scenario.request.action, "s3:GetObject");
    let from_node = decode_fragment(node).expect("node's link");
    assert_eq!(from_node.scenario.name.as_deref(), Some("from JS"));
    assert_eq!(from_node.made_with.as_deref(), Some("0.1.0"));
}

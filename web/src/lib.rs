//! iamsim-web: the playground, a Yew single-page app over `iamsim-core`.
//!
//! For now the page only proves the chain works: it builds one request in Rust, asks core for a
//! decision in the browser and shows it in a banner that the end-to-end test reads.

pub mod state;

use yew::prelude::*;

/// The request the page evaluates: one action, as a caller would send it.
pub const DEMO_ACTION: &str = "ecr:PutImage";
/// The `Action` element of the one statement the page evaluates it against.
pub const DEMO_ACTION_PATTERN: &str = "ecr:*";

/// The decision core computes for the demo request, spelled as the banner shows it.
pub fn demo_decision() -> &'static str {
    // TEMPORARY: replaced by iamsim_core::eval once it lands.
    // Action names match case-insensitively (M1), so both sides are lowercased before the glob.
    let matched = iamsim_core::matching::wildcard::glob_match(
        &DEMO_ACTION_PATTERN.to_ascii_lowercase(),
        &DEMO_ACTION.to_ascii_lowercase(),
    );
    if matched {
        "Allow"
    } else {
        "ImplicitDeny"
    }
}

/// The root component.
#[function_component(App)]
pub fn app() -> Html {
    let decision = demo_decision();
    html! {
        <main>
            <h1>{ "iamsim" }</h1>
            <p class="request">
                { "Action " }<code>{ DEMO_ACTION }</code>
                { " against " }<code>{ DEMO_ACTION_PATTERN }</code>
            </p>
            <div data-testid="decision" data-decision={decision} class="decision">
                { decision }
            </div>
        </main>
    }
}

//! The list of problems under the editor: severity badge, `line:col`, message, fix. A click on a
//! problem with a span asks the editor to select it.

use super::view::severity_info;
use iamsim_core::diagnostic::Diagnostic;
use iamsim_core::span::Span;
use std::rc::Rc;
use yew::prelude::*;

/// A message with `user input` in backticks, the backticked parts as code.
fn message_html(message: &str) -> Html {
    message
        .split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                html! { <code>{ part.to_string() }</code> }
            } else {
                html! { { part.to_string() } }
            }
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    pub diagnostics: Rc<Vec<Diagnostic>>,
    pub on_pick: Callback<Span>,
}

#[function_component(Problems)]
pub fn problems(props: &ProblemsProps) -> Html {
    if props.diagnostics.is_empty() {
        return html! {
            <p class="ed-problems ed-no-problems" data-testid="editor-problems">
                { "No problems found" }
            </p>
        };
    }
    // Top to bottom, as the text reads; problems of the whole policy first.
    let mut order: Vec<&Diagnostic> = props.diagnostics.iter().collect();
    order.sort_by_key(|d| d.span.map(|s| (s.start.line, s.start.column)));
    let items = order.into_iter().map(|d| {
        let (label, badge, class) = severity_info(d.severity);
        let body = html! {
            <>
                <span class={classes!("ed-sev", class)} role="img" aria-label={label}>{ badge }</span>
                if let Some(span) = d.span {
                    <span class="ed-pos">{ format!("{}:{}", span.start.line, span.start.column) }</span>
                }
                <span class="ed-msg">{ message_html(&d.message) }</span>
                if let Some(fix) = &d.fix {
                    <span class="ed-fix">{ "Fix: " }{ message_html(fix) }</span>
                }
            </>
        };
        match d.span {
            Some(span) => {
                let on_pick = props.on_pick.clone();
                let onclick = Callback::from(move |_: MouseEvent| on_pick.emit(span));
                html! {
                    <li class={classes!("ed-problem", class)}>
                        <button type="button" class="ed-problem-btn" {onclick}
                                title="Select this in the editor">{ body }</button>
                    </li>
                }
            }
            None => html! {
                <li class={classes!("ed-problem", class)}>
                    <div class="ed-problem-btn">{ body }</div>
                </li>
            },
        }
    });
    html! {
        <ul class="ed-problems" aria-label="Problems in this policy" data-testid="editor-problems">
            { for items }
        </ul>
    }
}

//! The matrix's inputs: the actions (literals and patterns, with how many actions they expand to
//! and what matched nothing) and the resources (one per line, with the ARN templates of the
//! actions' resource types offered as one-click lines).

use super::model::MatrixInputs;
use crate::components::request::suggest::{fill_template, principal_account};
use crate::components::verdict::rich_text;
use iamsim_core::eval::{resource_help, ActionList};
use std::rc::Rc;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// How many resource types to offer (the most used first): enough for a service, short enough
/// to read.
const OFFERS: usize = 6;

#[derive(Properties)]
pub struct InputsProps {
    pub inputs: MatrixInputs,
    pub on_inputs: Callback<MatrixInputs>,
    /// The actions as read from `inputs.actions`.
    pub actions: Rc<ActionList>,
    /// The main request's principal: its account and partition fill the ARN templates.
    pub principal: String,
}

impl PartialEq for InputsProps {
    fn eq(&self, other: &Self) -> bool {
        self.inputs == other.inputs
            && self.on_inputs == other.on_inputs
            && self.actions == other.actions
            && self.principal == other.principal
    }
}

fn textarea_value(e: &InputEvent) -> String {
    e.target_dyn_into::<HtmlTextAreaElement>()
        .map(|t| t.value())
        .unwrap_or_default()
}

/// `resources` with `line` added at the end, unless it is already there.
fn with_line(resources: &str, line: &str) -> String {
    if resources.lines().any(|l| l.trim() == line) {
        return resources.to_string();
    }
    let trimmed = resources.trim_end();
    if trimmed.is_empty() {
        line.to_string()
    } else {
        format!("{trimmed}\n{line}")
    }
}

#[function_component(MatrixInputsForm)]
pub fn matrix_inputs_form(props: &InputsProps) -> Html {
    let on_actions = {
        let inputs = props.inputs.clone();
        props.on_inputs.reform(move |e: InputEvent| MatrixInputs {
            actions: textarea_value(&e),
            ..inputs.clone()
        })
    };
    let on_resources = {
        let inputs = props.inputs.clone();
        props.on_inputs.reform(move |e: InputEvent| MatrixInputs {
            resources: textarea_value(&e),
            ..inputs.clone()
        })
    };
    let help = use_memo(props.actions.clone(), |actions| {
        resource_help(&actions.actions)
    });
    let (account, partition) = principal_account(&props.principal)
        .unwrap_or_else(|| ("111122223333".into(), "aws".into()));
    let offers = help
        .iter()
        .take(OFFERS)
        .flat_map(|h| h.templates.iter().map(move |t| (h, *t)))
        .map(|(h, template)| {
            let (example, _) = fill_template(template, &partition, &account);
            let onclick = {
                let inputs = props.inputs.clone();
                let example = example.clone();
                props.on_inputs.reform(move |_: MouseEvent| MatrixInputs {
                    resources: with_line(&inputs.resources, &example),
                    ..inputs.clone()
                })
            };
            let label = if h.resource_type == "*" {
                "* (no resource type)".to_string()
            } else {
                format!("{} {}", h.service, h.resource_type)
            };
            let title = format!("{template}: {} of these actions. Adds {example}", h.actions);
            html! {
                <button type="button" class="mx-offer" data-testid="matrix-resource-offer"
                        data-example={example.clone()} {title} {onclick}>
                    { "+ " }{ label }
                </button>
            }
        });
    let count = props.actions.actions.len();
    let problems = props.actions.problems.iter().map(|p| {
        html! { <li data-testid="matrix-problem">{ rich_text(p) }</li> }
    });
    html! {
        <div class="mx-inputs">
            <div class="mx-field">
                <label for="matrix-actions">{ "Actions" }</label>
                <textarea id="matrix-actions" class="rq-input mx-textarea" rows="2" spellcheck="false"
                          placeholder="ecr:* or ecr:Get*, s3:GetObject …" data-testid="matrix-actions"
                          aria-describedby="matrix-actions-count"
                          value={props.inputs.actions.clone()} oninput={on_actions} />
                <span id="matrix-actions-count" class="mx-count" data-testid="matrix-action-count"
                      data-count={count.to_string()}>
                    { format!("→ {count} action{}", if count == 1 { "" } else { "s" }) }
                </span>
                if !props.actions.problems.is_empty() {
                    <ul class="mx-problems">{ for problems }</ul>
                }
            </div>
            <div class="mx-field">
                <label for="matrix-resources">{ "Resources, one per line" }</label>
                <textarea id="matrix-resources" class="rq-input mx-textarea" rows="3" spellcheck="false"
                          placeholder="arn:aws:ecr:us-east-1:111122223333:repository/web" data-testid="matrix-resources"
                          value={props.inputs.resources.clone()} oninput={on_resources} />
                if !help.is_empty() {
                    <div class="mx-offers" aria-label="Resource types of these actions">{ for offers }</div>
                }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offered_resource_is_added_once_on_its_own_line() {
        assert_eq!(with_line("", "*"), "*");
        assert_eq!(with_line("a\n", "b"), "a\nb");
        assert_eq!(with_line("a\n b \n", "b"), "a\n b \n");
    }
}

//! The "AWS CLI command" dialog: the scenario as `aws iam simulate-custom-policy`, to confirm a
//! decision against AWS's own simulator, with what that simulator cannot express listed first.

use super::copy_button::CopyButton;
use super::modal::Modal;
use iamsim_core::scenario::aws_cli::AwsCliExport;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AwsCliDialogProps {
    pub export: Rc<AwsCliExport>,
    pub on_close: Callback<()>,
}

#[function_component(AwsCliDialog)]
pub fn aws_cli_dialog(props: &AwsCliDialogProps) -> Html {
    let export = &props.export;
    let notes = (!export.notes.is_empty()).then(|| {
        html! {
            <div class="aws-notes">
                <h3>{ "What AWS's simulator cannot check here" }</h3>
                <ul data-testid="aws-cli-notes">
                    { for export.notes.iter().map(|n| html! { <li>{ with_code(n) }</li> }) }
                </ul>
            </div>
        }
    });
    html! {
        <Modal title="Check with AWS: simulate-custom-policy" testid="aws-cli-dialog" class="wide"
               on_close={props.on_close.clone()}>
            <p class="dialog-lead">
                { "Run this with the AWS CLI (credentials with " }<code>{ "iam:SimulateCustomPolicy" }</code>
                { ") to compare AWS's decision with iamsim's. Nothing is sent from this page." }
            </p>
            { notes }
            <pre class="command" tabindex="0" aria-label="The AWS CLI command"
                 data-testid="aws-cli-command">{ &export.command }</pre>
            <div class="dialog-actions">
                <CopyButton text={AttrValue::from(export.command.clone())} label="Copy command"
                            testid="aws-cli-copy" />
            </div>
        </Modal>
    }
}

/// A note's `quoted` parts (commands, keys, ARNs) as code, the rest as text.
fn with_code(note: &str) -> Html {
    let parts = note.split('`').enumerate().map(|(i, part)| {
        if i % 2 == 1 {
            html! { <code>{ part }</code> }
        } else {
            html! { { part } }
        }
    });
    html! { <>{ for parts }</> }
}

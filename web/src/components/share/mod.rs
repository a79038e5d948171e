//! Open, save, share and export the scenario: the "File" menu and the Share button of the top
//! bar, the page-wide drop target for scenario files, and the offer to open a whole scenario
//! pasted into a policy editor. Every open goes through `scenario_file::open_text` and
//! `Action::Load` (Undo restores the previous workspace); a problem goes to the notice bar and
//! leaves the workspace as it was.

mod aws_cli;
mod copy_button;
mod drop;
mod link;
mod modal;
mod paste;
mod paste_offer;

pub use link::ShareLink;

use crate::files::{download, read_file};
use crate::scenario_file::{file_name, open_text, save_text};
use crate::state::{Action, State};
use aws_cli::AwsCliDialog;
use iamsim_core::scenario::aws_cli::{simulate_custom_policy, AwsCliExport};
use link::{page_base, ShareDialog};
use paste::PasteDialog;
use std::rc::Rc;
use yew::prelude::*;

/// What the menu opens with: the app's reducer and its undo bar.
#[derive(Clone)]
struct Opener {
    dispatch: Callback<Action>,
    on_undoable: Callback<String>,
}

impl Opener {
    /// Opens scenario text from `source` (e.g. "`x.json`") in place of the workspace; `note`
    /// is one more thing to say in the Undo bar.
    fn open(&self, text: &str, source: &str, note: Option<String>) -> Result<(), String> {
        let mut opened = open_text(text, source)?;
        opened.notes.extend(note);
        let label = if opened.notes.is_empty() {
            format!("Opened {source}")
        } else {
            format!("Opened {source} ({})", opened.notes.join("; "))
        };
        self.dispatch.emit(Action::Load(Box::new(opened.scenario)));
        self.on_undoable.emit(label);
        Ok(())
    }

    /// Reads a picked or dropped file and opens it; a problem goes to the notice bar.
    fn open_file(&self, file: web_sys::File, note: Option<String>) {
        let opener = self.clone();
        yew::platform::spawn_local(async move {
            let source = format!("`{}`", file.name());
            let outcome = match read_file(&file).await {
                Ok(text) => opener.open(&text, &source, note),
                Err(e) => Err(e),
            };
            if let Err(message) = outcome {
                opener.dispatch.emit(Action::Notify(message));
            }
        });
    }
}

#[derive(Properties, PartialEq)]
pub struct FileMenuProps {
    pub state: UseReducerHandle<State>,
    pub dispatch: Callback<Action>,
    /// Called with a label ("Opened `x.json`") after an open, for the Undo bar.
    pub on_undoable: Callback<String>,
}

/// Which dialog is open.
#[derive(Clone, PartialEq)]
enum Dialog {
    None,
    Paste,
    Share(Rc<ShareLink>),
    AwsCli(Rc<AwsCliExport>),
}

#[function_component(FileMenu)]
pub fn file_menu(props: &FileMenuProps) -> Html {
    let menu_open = use_state(|| false);
    let dialog = use_state(|| Dialog::None);
    let file_input = use_node_ref();
    let opener = Opener {
        dispatch: props.dispatch.clone(),
        on_undoable: props.on_undoable.clone(),
    };

    let close_menu = {
        let menu_open = menu_open.clone();
        Callback::from(move |_: MouseEvent| menu_open.set(false))
    };
    let toggle = {
        let menu_open = menu_open.clone();
        Callback::from(move |_: MouseEvent| menu_open.set(!*menu_open))
    };
    let on_escape = {
        let menu_open = menu_open.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                menu_open.set(false);
            }
        })
    };
    let pick_file = {
        let file_input = file_input.clone();
        let menu_open = menu_open.clone();
        Callback::from(move |_: MouseEvent| {
            menu_open.set(false);
            if let Some(input) = file_input.cast::<web_sys::HtmlElement>() {
                input.click();
            }
        })
    };
    let on_file_picked = {
        let opener = opener.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                opener.open_file(file, None);
            }
            // Picking the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let show = |d: fn(&State) -> Dialog| {
        let dialog = dialog.clone();
        let menu_open = menu_open.clone();
        let state = props.state.clone();
        Callback::from(move |_: MouseEvent| {
            menu_open.set(false);
            dialog.set(d(&state));
        })
    };
    let open_paste = show(|_| Dialog::Paste);
    let open_aws = show(|s| Dialog::AwsCli(Rc::new(simulate_custom_policy(&s.to_scenario()))));
    let share = show(|s| Dialog::Share(Rc::new(ShareLink::new(&page_base(), &s.to_scenario()))));
    let save = {
        let state = props.state.clone();
        let menu_open = menu_open.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            menu_open.set(false);
            let scenario = state.to_scenario();
            let name = file_name(scenario.name.as_deref());
            if let Err(message) = download(&name, &save_text(&scenario), "application/json") {
                dispatch.emit(Action::Notify(message));
            }
        })
    };
    let close_dialog = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(Dialog::None))
    };
    let dialog_html = match &*dialog {
        Dialog::None => html! {},
        Dialog::Paste => {
            let opener = opener.clone();
            let on_open =
                Callback::from(move |text: String| opener.open(&text, "the pasted text", None));
            html! { <PasteDialog {on_open} on_close={close_dialog} /> }
        }
        Dialog::Share(link) => {
            html! { <ShareDialog link={link.clone()} on_close={close_dialog} /> }
        }
        Dialog::AwsCli(export) => {
            html! { <AwsCliDialog export={export.clone()} on_close={close_dialog} /> }
        }
    };
    let item = |label: &str, hint: &str, testid: &str, onclick: Callback<MouseEvent>| {
        html! {
            <li role="none">
                <button type="button" role="menuitem" class="menu-item" data-testid={testid.to_string()} {onclick}>
                    <span class="menu-label">{ label }</span>
                    <span class="menu-hint">{ hint }</span>
                </button>
            </li>
        }
    };
    html! {
        <div class="file-menu" onkeydown={on_escape}>
            <button type="button" class="button" data-testid="file-menu" aria-haspopup="menu"
                    aria-expanded={(*menu_open).to_string()} aria-controls="file-menu-list" onclick={toggle}>
                { "File" }<span aria-hidden="true">{ if *menu_open { " ▴" } else { " ▾" } }</span>
            </button>
            if *menu_open {
                <div class="menu-backdrop" aria-hidden="true" onclick={close_menu}></div>
                <ul class="menu" id="file-menu-list" role="menu" aria-label="File">
                    { item("Open file…", "a scenario .json; or drop it on the page", "file-open", pick_file) }
                    { item("Paste scenario…", "a whole scenario's JSON", "file-paste", open_paste) }
                    { item("Save as file", "download this scenario as .json", "file-save", save) }
                    { item("Check with AWS…", "the aws iam simulate-custom-policy command", "file-aws-cli", open_aws) }
                </ul>
            }
            <input type="file" accept=".json,.jsonl,application/json" class="visually-hidden" tabindex="-1"
                   aria-hidden="true" ref={file_input} onchange={on_file_picked} data-testid="open-file-input" />
            <button type="button" class="button primary share-button" data-testid="share-button" onclick={share}
                    title="Copy a link that holds the whole scenario">
                { "Share" }
            </button>
            <drop::DropTarget on_file={Callback::from({
                let opener = opener.clone();
                move |(file, note): (web_sys::File, Option<String>)| opener.open_file(file, note)
            })} />
            <paste_offer::PasteOffer state={props.state.clone()} dispatch={props.dispatch.clone()}
                                     on_undoable={props.on_undoable.clone()} />
            { dialog_html }
        </div>
    }
}

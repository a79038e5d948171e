//! Wires the saved workspaces into the app: the state to start with (the current saved
//! workspace, or an incoming share link), saving as the user types (debounced, and at once when
//! the page is hidden or left), the switcher's actions, the notices about storage and links, and
//! what other tabs change (the browser's `storage` event).

use crate::components::workspaces::WorkspaceSwitcher;
use crate::incoming::open_link;
use crate::state::{Action, State};
use crate::storage::local::LocalStore;
use crate::storage::workspaces::{Deleted, Keeper};
use iamsim_core::scenario::share::is_share_fragment;
use iamsim_core::scenario::Scenario;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// How long typing must pause before the workspace is written.
const SAVE_DELAY: Duration = Duration::from_millis(300);

type SharedKeeper = Rc<RefCell<Keeper<LocalStore>>>;

/// What the app starts with, made once per app.
pub struct Boot {
    keeper: SharedKeeper,
    initial: RefCell<Option<Scenario>>,
    notices: RefCell<Vec<String>>,
}

impl Boot {
    /// The reducer's first state: the saved (or shared) workspace, else the starter.
    pub fn initial_state(&self) -> State {
        let state = State::default();
        match self.initial.borrow_mut().take() {
            Some(scenario) => {
                use yew::Reducible;
                (*Rc::new(state).reduce(Action::Restore(Box::new(scenario)))).clone()
            }
            None => state,
        }
    }
}

/// The location's fragment when it carries a share link.
fn incoming_fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    is_share_fragment(&hash).then_some(hash)
}

/// Drops the fragment from the address (no reload, no history entry), so a reload opens the
/// saved workspace rather than the link again.
fn clear_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let path = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
}

/// Opens the saved workspaces and reads what to start with. Call before `use_reducer`.
#[hook]
pub fn use_saved_boot() -> Rc<Boot> {
    use_memo((), |_| {
        let mut keeper = Keeper::open(LocalStore::open());
        let mut initial = keeper.load_current();
        let mut notices = keeper.take_notices();
        if let Some(fragment) = incoming_fragment() {
            let opened = open_link(&mut keeper, &fragment);
            if opened.scenario.is_some() {
                initial = opened.scenario;
            }
            notices.extend(opened.notices);
            notices.extend(keeper.take_notices());
            clear_fragment();
        }
        Boot {
            keeper: Rc::new(RefCell::new(keeper)),
            initial: RefCell::new(initial),
            notices: RefCell::new(notices),
        }
    })
}

/// One-off messages, each dismissable; a deletion's can be undone.
#[derive(Default, PartialEq)]
struct Notes {
    items: Vec<Note>,
    next: u32,
}

#[derive(Clone, PartialEq)]
struct Note {
    id: u32,
    text: String,
    /// The deleted workspace this note offers to put back.
    undo: Option<Rc<Deleted>>,
}

enum NoteAction {
    Push(Vec<String>),
    Deleted(Deleted),
    Dismiss(u32),
}

impl Reducible for Notes {
    type Action = NoteAction;

    fn reduce(self: Rc<Self>, action: NoteAction) -> Rc<Self> {
        let mut items = self.items.clone();
        let mut next = self.next;
        let mut push = |text: String, undo: Option<Rc<Deleted>>| {
            items.push(Note {
                id: next,
                text,
                undo,
            });
            next = next.wrapping_add(1);
        };
        match action {
            NoteAction::Push(texts) => {
                for text in texts {
                    push(text, None);
                }
            }
            NoteAction::Deleted(deleted) => {
                let text = format!("Deleted “{}”.", deleted.entry.name);
                push(text, Some(Rc::new(deleted)));
            }
            NoteAction::Dismiss(id) => items.retain(|n| n.id != id),
        }
        Rc::new(Notes { items, next })
    }
}

/// What the app shows of the saved workspaces.
pub struct Keeping {
    /// The switcher, for the top bar.
    pub switcher: Html,
    /// The storage and link notices, for under the top bar.
    pub notices: Html,
}

/// Everything the handlers need; every part is stable across renders, so listeners registered
/// once can hold a copy.
#[derive(Clone)]
struct Ctx {
    keeper: SharedKeeper,
    latest: Rc<RefCell<Option<UseReducerHandle<State>>>>,
    generation: Rc<RefCell<u64>>,
    notes: UseReducerDispatcher<Notes>,
    refresh: UseForceUpdateHandle,
    /// The workspace last said to be deleted in another tab (said once).
    told_deleted: Rc<RefCell<Option<String>>>,
}

impl Ctx {
    /// Runs `f` on the keeper, then shows its notices and re-renders. The borrow ends before
    /// anything is dispatched (a dispatch can render, and rendering reads the keeper).
    fn with_keeper<T>(&self, f: impl FnOnce(&mut Keeper<LocalStore>) -> T) -> Option<T> {
        let (out, notices) = {
            let mut keeper = self.keeper.try_borrow_mut().ok()?;
            let out = f(&mut keeper);
            (out, keeper.take_notices())
        };
        if !notices.is_empty() {
            self.notes.dispatch(NoteAction::Push(notices));
        }
        self.refresh.force_update();
        Some(out)
    }

    /// Writes the current workspace now (cancels a pending delayed save).
    fn flush(&self) {
        *self.generation.borrow_mut() += 1;
        let scenario = self.latest.borrow().as_ref().map(|s| s.to_scenario());
        if let Some(scenario) = scenario {
            self.with_keeper(|k| k.save_current(&scenario));
        }
    }

    /// Shows `scenario` (or the starter) as the workspace, with nothing to undo.
    fn show(&self, scenario: Option<Scenario>) {
        let scenario = scenario.unwrap_or_else(|| State::default().to_scenario());
        let handle = self.latest.borrow().clone();
        if let Some(state) = handle {
            state.dispatch(Action::Restore(Box::new(scenario)));
        }
    }

    /// Saves the open workspace, runs `f`, then opens the workspace that is current after it.
    fn change(&self, f: impl FnOnce(&mut Keeper<LocalStore>)) {
        self.flush();
        if let Some(scenario) = self.with_keeper(|k| {
            f(k);
            k.load_current()
        }) {
            self.show(scenario);
        }
    }

    /// Another tab wrote to the store: show its list, and its version of the open workspace
    /// when this tab has no edits of its own. When it has, neither version is lost: the other
    /// tab's stays under the workspace's name, this tab's goes on in a new workspace.
    fn take_other_tabs_changes(&self) {
        let mine = self.latest.borrow().as_ref().map(|s| s.to_scenario());
        let Some((seen, loaded, forked, id, name)) = self.with_keeper(|k| {
            // The starter is only made when the text is not what was saved.
            let unedited = mine
                .as_ref()
                .is_none_or(|m| k.is_saved(m) || *m == State::default().to_scenario());
            let seen = k.refresh();
            let name = k.shown_name();
            let (mut loaded, mut forked) = (None, None);
            match (&mine, seen.current_changed, unedited) {
                (_, true, true) => loaded = Some(k.load_current()),
                (Some(mine), true, false) => {
                    let copy = format!("{name} (this tab)");
                    k.create(&copy, Some(mine));
                    forked = Some(copy);
                }
                _ => {}
            }
            (seen, loaded, forked, k.current_id().to_string(), name)
        }) else {
            return;
        };
        if let Some(scenario) = loaded {
            self.show(scenario);
        }
        if let Some(copy) = forked {
            self.notes.dispatch(NoteAction::Push(vec![format!(
                "“{name}” was changed in another tab while you were editing it here: that \
                 version stays as “{name}”, and yours goes on as “{copy}”"
            )]));
            return;
        }
        let mut told = self.told_deleted.borrow_mut();
        if seen.current_deleted && told.as_ref() != Some(&id) {
            *told = Some(id);
            self.notes.dispatch(NoteAction::Push(vec![format!(
                "“{name}” was deleted in another tab; it stays open here, and is listed again \
                 if you change it"
            )]));
        }
    }

    /// Puts a deleted workspace back; it opens again if it was open.
    fn undo_delete(&self, deleted: &Deleted) {
        if deleted.was_current {
            self.change(|k| {
                k.restore(deleted);
            });
        } else {
            self.with_keeper(|k| k.restore(deleted));
        }
    }

    fn open_incoming_link(&self) {
        let Some(fragment) = incoming_fragment() else {
            return;
        };
        self.flush();
        let opened = self.with_keeper(|k| open_link(k, &fragment));
        clear_fragment();
        if let Some(opened) = opened {
            self.notes.dispatch(NoteAction::Push(opened.notices));
            if opened.scenario.is_some() {
                self.show(opened.scenario);
            }
        }
    }
}

/// Listens to `event` on `target` until the returned guard is dropped.
struct Listener {
    target: web_sys::EventTarget,
    event: &'static str,
    callback: Closure<dyn FnMut(web_sys::Event)>,
}

impl Listener {
    fn new(target: web_sys::EventTarget, event: &'static str, f: impl FnMut() + 'static) -> Self {
        let mut f = f;
        let callback = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| f());
        let _ = target.add_event_listener_with_callback(event, callback.as_ref().unchecked_ref());
        Listener {
            target,
            event,
            callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(
            self.event,
            self.callback.as_ref().unchecked_ref(),
        );
    }
}

/// Keeps the workspace saved and gives the switcher and notices to show.
#[hook]
pub fn use_keeping(boot: &Rc<Boot>, state: &UseReducerHandle<State>) -> Keeping {
    let notes = use_reducer(Notes::default);
    let latest = use_mut_ref(|| None::<UseReducerHandle<State>>);
    *latest.borrow_mut() = Some(state.clone());
    let ctx = Ctx {
        keeper: boot.keeper.clone(),
        latest,
        generation: use_mut_ref(|| 0u64),
        notes: notes.dispatcher(),
        refresh: use_force_update(),
        told_deleted: use_mut_ref(|| None::<String>),
    };
    let dismissed_off = use_state(|| None::<String>);

    {
        // Once: the notices of the start, and the listeners.
        let ctx = ctx.clone();
        let boot = boot.clone();
        use_effect_with((), move |_| {
            let start = std::mem::take(&mut *boot.notices.borrow_mut());
            if !start.is_empty() {
                ctx.notes.dispatch(NoteAction::Push(start));
            }
            let window = web_sys::window();
            let document = window.as_ref().and_then(|w| w.document());
            let mut listeners = Vec::new();
            if let Some(window) = &window {
                let c = ctx.clone();
                listeners.push(Listener::new(
                    window.clone().into(),
                    "pagehide",
                    move || c.flush(),
                ));
                let c = ctx.clone();
                listeners.push(Listener::new(
                    window.clone().into(),
                    "hashchange",
                    move || c.open_incoming_link(),
                ));
                // Fired when another tab of this site writes to the storage.
                let c = ctx.clone();
                listeners.push(Listener::new(window.clone().into(), "storage", move || {
                    c.take_other_tabs_changes()
                }));
            }
            if let Some(document) = document {
                let c = ctx.clone();
                let doc = document.clone();
                listeners.push(Listener::new(
                    document.into(),
                    "visibilitychange",
                    move || {
                        if doc.hidden() {
                            c.flush();
                        }
                    },
                ));
            }
            move || drop(listeners)
        });
    }
    {
        // Every change that can alter the workspace bumps `revision`: save once typing pauses.
        let ctx = ctx.clone();
        use_effect_with(state.revision, move |_| {
            let generation = {
                let mut g = ctx.generation.borrow_mut();
                *g += 1;
                *g
            };
            yew::platform::spawn_local(async move {
                yew::platform::time::sleep(SAVE_DELAY).await;
                if *ctx.generation.borrow() == generation {
                    ctx.flush();
                }
            });
        });
    }

    let (list, current, current_name, off) = match boot.keeper.try_borrow() {
        Ok(k) => (
            Rc::new(k.list().to_vec()),
            AttrValue::from(k.current_id().to_string()),
            AttrValue::from(k.shown_name()),
            k.saving_off().map(|e| e.saving_off_notice()),
        ),
        Err(_) => (
            Rc::new(Vec::new()),
            AttrValue::default(),
            AttrValue::default(),
            None,
        ),
    };
    let switcher = {
        let c = ctx.clone();
        let on_switch = Callback::from(move |id: String| {
            c.change(|k| {
                k.switch(&id);
            })
        });
        let c = ctx.clone();
        let on_new = Callback::from(move |()| {
            c.change(|k| {
                k.create("", None);
            })
        });
        let c = ctx.clone();
        let on_rename = Callback::from(move |(id, name): (String, String)| {
            c.with_keeper(|k| k.rename(&id, &name));
        });
        let c = ctx.clone();
        let on_duplicate = Callback::from(move |id: String| {
            c.change(|k| {
                k.duplicate(&id);
            })
        });
        let c = ctx.clone();
        let on_delete = Callback::from(move |id: String| {
            let was_current = c.keeper.try_borrow().is_ok_and(|k| k.current_id() == id);
            let mut deleted = None;
            if was_current {
                c.change(|k| deleted = k.delete(&id));
            } else {
                deleted = c.with_keeper(|k| k.delete(&id)).flatten();
            }
            if let Some(deleted) = deleted {
                c.notes.dispatch(NoteAction::Deleted(deleted));
            }
        });
        html! {
            <WorkspaceSwitcher workspaces={list} {current} {current_name} {on_switch} {on_new} {on_rename}
                               {on_duplicate} {on_delete} />
        }
    };

    let off_bar = off.filter(|text| dismissed_off.as_ref() != Some(text)).map(|text| {
        let dismiss = {
            let dismissed_off = dismissed_off.clone();
            let text = text.clone();
            Callback::from(move |_: MouseEvent| dismissed_off.set(Some(text.clone())))
        };
        html! {
            <div class="bar notice" role="alert" data-testid="saving-off">
                <span>{ text }</span>
                <button type="button" class="icon-button" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
            </div>
        }
    });
    let bars = notes.items.iter().map(|note| {
        let id = note.id;
        let dispatcher = notes.dispatcher();
        let dismiss = {
            let dispatcher = dispatcher.clone();
            Callback::from(move |_: MouseEvent| dispatcher.dispatch(NoteAction::Dismiss(id)))
        };
        let undo = note.undo.clone().map(|deleted| {
            let c = ctx.clone();
            let onclick = Callback::from(move |_: MouseEvent| {
                dispatcher.dispatch(NoteAction::Dismiss(id));
                c.undo_delete(&deleted);
            });
            html! {
                <button type="button" class="button primary" {onclick}
                        data-testid="workspace-undo-delete">{ "Undo" }</button>
            }
        });
        html! {
            <div class="bar notice" role="status" data-testid="storage-notice" key={id}>
                <span>{ &note.text }</span>
                { for undo }
                <button type="button" class="icon-button" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
            </div>
        }
    });
    Keeping {
        switcher,
        notices: html! { <>{ for off_bar }{ for bars }</> },
    }
}

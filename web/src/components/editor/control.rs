//! The textarea's side of the editor: its value kept in line with the props without moving the
//! caret, the edits the editor makes itself, undo/redo per policy, and the layers' scroll.
//! Event handlers hold a clone of `Handles`; no `RefCell` borrow is held across a DOM call or a
//! callback (either may re-enter the editor).

use super::edit;
use super::geometry::{byte_of_utf16, span_utf16, textarea_form, utf16_of_byte, Lines};
use super::history::{History, Selection};
use iamsim_core::span::Span;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

/// Texts sent through `on_change` that may still come back as props (see `sync_text`).
const MAX_PENDING: usize = 16;
/// The text of the overlay's width probe (`.ed-probe`), which gives the char width.
pub const PROBE: &str = "0000000000";

/// What the editor remembers of one policy.
pub struct Session {
    pub history: History,
    selection: Selection,
    scroll: (i32, i32),
}

impl Session {
    fn new(text: String) -> Self {
        Session {
            history: History::new(text),
            selection: (0, 0),
            scroll: (0, 0),
        }
    }
}

/// The editor's own state, outside Yew's render cycle (none of it is drawn directly).
#[derive(Default)]
pub struct Local {
    pub sessions: HashMap<u32, Session>,
    /// The policy whose text is in the textarea.
    pub shown: Option<u32>,
    /// Texts this editor sent through `on_change` that have not come back as props yet.
    pub pending: Vec<String>,
    /// The selection before the next edit (an input event only sees the one after).
    pub selection: Selection,
    /// Escape was pressed: the next Tab moves the focus on instead of indenting.
    pub tab_leaves: bool,
    /// The tooltip the textarea shows for the diagnostic under the pointer.
    pub hover_title: String,
    /// The last flash seen, so that a timer only ends its own flash.
    pub flash_seq: Option<u32>,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

pub fn selection_of(ta: &HtmlTextAreaElement) -> Selection {
    let start = ta.selection_start().ok().flatten().unwrap_or(0);
    let end = ta.selection_end().ok().flatten().unwrap_or(start);
    (start, end)
}

/// Keeps a selection inside a text of `len` UTF-16 units.
fn clamp_selection((a, b): Selection, len: u32) -> Selection {
    (a.min(len), b.min(len))
}

fn utf16_len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}

/// The element handles and callbacks every event handler needs, cloned into each of them.
#[derive(Clone)]
pub struct Handles {
    pub textarea: NodeRef,
    pub layer: NodeRef,
    pub gutter: NodeRef,
    pub local: Rc<RefCell<Local>>,
    pub on_change: Callback<String>,
    pub policy_id: u32,
}

impl Handles {
    pub fn textarea(&self) -> Option<HtmlTextAreaElement> {
        self.textarea.cast::<HtmlTextAreaElement>()
    }

    /// Moves the coloured layer and the line numbers with the textarea's scroll (transforms, not
    /// scrolling: exact whatever either layer's own scroll extent is).
    pub fn sync_scroll(&self) {
        let Some(ta) = self.textarea() else { return };
        let (top, left) = (ta.scroll_top(), ta.scroll_left());
        if let Some(layer) = self.layer.cast::<HtmlElement>() {
            let _ = layer
                .style()
                .set_property("transform", &format!("translate({}px, {}px)", -left, -top));
        }
        if let Some(gutter) = self.gutter.cast::<HtmlElement>() {
            let _ = gutter
                .style()
                .set_property("transform", &format!("translateY({}px)", -top));
        }
    }

    /// Puts a text into the textarea, keeping the scroll, and shows `selection`.
    fn show(&self, ta: &HtmlTextAreaElement, text: &str, selection: Selection) {
        let (top, left) = (ta.scroll_top(), ta.scroll_left());
        if ta.value() != text {
            ta.set_value(text);
        }
        ta.set_scroll_top(top);
        ta.set_scroll_left(left);
        let (a, b) = clamp_selection(selection, utf16_len(text));
        let _ = ta.set_selection_range(a, b);
        self.sync_scroll();
    }

    /// Scrolls the textarea so that the caret is in view: the browser does not when the value
    /// and selection are set from code. Line height and char width come from the overlay.
    fn reveal_caret(&self, ta: &HtmlTextAreaElement) {
        let Some(layer) = self.layer.cast::<Element>() else {
            return;
        };
        let element = |selector: &str| {
            layer
                .query_selector(selector)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        };
        let (Some(first), Some(probe)) = (element(".ed-line"), element(".ed-probe")) else {
            return;
        };
        let value = ta.value();
        let caret = byte_of_utf16(&value, selection_of(ta).1);
        let before = value.get(..caret).unwrap_or_default();
        let line = before.matches('\n').count() as i32;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as f64;

        let (pad_top, line_height) = (first.offset_top(), first.offset_height().max(1));
        let top = pad_top + line * line_height;
        let (scroll_top, view_height) = (ta.scroll_top(), ta.client_height());
        if top < scroll_top {
            ta.set_scroll_top(top - pad_top);
        } else if top + line_height > scroll_top + view_height {
            ta.set_scroll_top(top + line_height + pad_top - view_height);
        }

        let pad_left = probe.offset_left();
        let char_width = f64::from(probe.offset_width()) / PROBE.len() as f64;
        let x = pad_left + (column * char_width).round() as i32;
        let (scroll_left, view_width) = (ta.scroll_left(), ta.client_width());
        if x < scroll_left + pad_left {
            ta.set_scroll_left((x - pad_left).max(0));
        } else if x > scroll_left + view_width - pad_left {
            ta.set_scroll_left(x + pad_left - view_width);
        }
        self.sync_scroll();
    }

    /// Reports a text to the app, remembering it so that its echo does not reset the textarea.
    fn emit(&self, text: String) {
        {
            let mut local = self.local.borrow_mut();
            local.pending.push(text.clone());
            if local.pending.len() > MAX_PENDING {
                local.pending.remove(0);
            }
        }
        self.on_change.emit(text);
    }

    /// After the textarea's value changed by typing, pasting, cutting or dropping.
    pub fn on_input(&self) {
        let Some(ta) = self.textarea() else { return };
        let value = ta.value();
        let after = selection_of(&ta);
        {
            let mut local = self.local.borrow_mut();
            let before = std::mem::replace(&mut local.selection, after);
            let id = local.shown.unwrap_or(self.policy_id);
            local
                .sessions
                .entry(id)
                .or_insert_with(|| Session::new(value.clone()))
                .history
                .edit(value.clone(), before, after, now_ms());
        }
        // No scroll sync here: reading the scroll would force a layout mid-keystroke; a typed
        // char that scrolls the textarea fires `scroll`, which syncs.
        self.emit(value);
    }

    /// An edit the editor makes itself (Tab, Enter): its own undo step.
    fn commit(&self, ta: &HtmlTextAreaElement, text: String, before: Selection, after: Selection) {
        self.show(ta, &text, after);
        self.reveal_caret(ta);
        {
            let mut local = self.local.borrow_mut();
            local.selection = after;
            let id = local.shown.unwrap_or(self.policy_id);
            if let Some(session) = local.sessions.get_mut(&id) {
                session.history.replace(text.clone(), before, after);
            }
        }
        self.emit(text);
    }

    /// Undo (or redo) in the shown policy's history.
    pub fn step(&self, redo: bool) {
        let Some(ta) = self.textarea() else { return };
        let snapshot = {
            let mut local = self.local.borrow_mut();
            let id = local.shown.unwrap_or(self.policy_id);
            let Some(session) = local.sessions.get_mut(&id) else {
                return;
            };
            let snapshot = if redo {
                session.history.redo()
            } else {
                session.history.undo()
            };
            let Some(snapshot) = snapshot.cloned() else {
                return;
            };
            local.selection = snapshot.selection;
            snapshot
        };
        self.show(&ta, &snapshot.text, snapshot.selection);
        self.reveal_caret(&ta);
        self.emit(snapshot.text);
    }

    /// Brings the text in line with the props after a render (see the module docs).
    /// Returns whether the history changed (so the toolbar's buttons may need a render).
    pub fn sync_text(&self, id: u32, text: &str) -> bool {
        let Some(ta) = self.textarea() else {
            return false;
        };
        let wanted = textarea_form(text);
        let mut local = self.local.borrow_mut();
        if local.shown != Some(id) {
            // Another policy: remember where the last one was, restore where this one was.
            if let Some(old) = local.shown {
                let selection = selection_of(&ta);
                let scroll = (ta.scroll_top(), ta.scroll_left());
                if let Some(session) = local.sessions.get_mut(&old) {
                    session.selection = selection;
                    session.scroll = scroll;
                }
            }
            local.shown = Some(id);
            local.pending.clear();
            let session = local
                .sessions
                .entry(id)
                .or_insert_with(|| Session::new(wanted.to_string()));
            // The text may have changed while another policy was shown (an undo of the app).
            let selection = session.selection;
            if session.history.present() != wanted {
                session
                    .history
                    .replace(wanted.to_string(), selection, selection);
            }
            let scroll = session.scroll;
            local.selection = selection;
            drop(local);
            ta.set_value(&wanted);
            ta.set_scroll_top(scroll.0);
            ta.set_scroll_left(scroll.1);
            self.show(&ta, &wanted, selection);
            return true;
        }
        if ta.value() == *wanted {
            // Our own edit came back.
            local.pending.clear();
            return false;
        }
        if let Some(i) = local.pending.iter().position(|p| *p == *wanted) {
            // An older edit of ours came back while the user typed on: the textarea is ahead.
            local.pending.drain(..=i);
            return false;
        }
        // A change from outside (format, example, the app's undo): in it goes, as an undo step,
        // with the caret kept where it was as far as the new text allows.
        local.pending.clear();
        let before = selection_of(&ta);
        let after = clamp_selection(before, utf16_len(&wanted));
        local.selection = after;
        let value = ta.value();
        local
            .sessions
            .entry(id)
            .or_insert_with(|| Session::new(value))
            .history
            .replace(wanted.to_string(), before, after);
        drop(local);
        self.show(&ta, &wanted, after);
        true
    }

    /// Selects a span of `text` (the props' text) and brings it into view.
    pub fn select_span(&self, text: &str, span: &Span) {
        let Some(ta) = self.textarea() else { return };
        let (a, b) = span_utf16(text, span);
        let _ = ta.focus();
        let _ = ta.set_selection_range(a, b);
        self.local.borrow_mut().selection = (a, b);
        let lines = Lines::new(text);
        let range = lines.span_bytes(span);
        let (first, _) = lines.line_span(&range);
        self.scroll_to_lines(first, first);
    }

    /// Shows a diagnostic's message as the textarea's tooltip (empty: none).
    pub fn show_title(&self, title: String) {
        let Some(ta) = self.textarea() else { return };
        let changed = {
            let mut local = self.local.borrow_mut();
            let changed = local.hover_title != title;
            if changed {
                local.hover_title = title.clone();
            }
            changed
        };
        if changed {
            ta.set_title(&title);
        }
    }

    /// Scrolls the textarea so that lines `first..=last` (0-based) are in view, a third down
    /// from the top when they were not. The overlay's line elements give exact positions.
    pub fn scroll_to_lines(&self, first: usize, last: usize) {
        let (Some(ta), Some(layer)) = (self.textarea(), self.layer.cast::<Element>()) else {
            return;
        };
        let line_top = |n: usize| {
            layer
                .query_selector(&format!("[data-line=\"{}\"]", n + 1))
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<HtmlElement>().ok())
                .map(|e| (e.offset_top(), e.offset_height()))
        };
        let Some((top, _)) = line_top(first) else {
            return;
        };
        let bottom = line_top(last).map_or(top, |(t, h)| t + h);
        let view = ta.client_height();
        let scrolled = ta.scroll_top();
        if top < scrolled || bottom > scrolled + view {
            let target = if bottom - top < view {
                top - (view - (bottom - top)) / 3
            } else {
                top - 8
            };
            ta.set_scroll_top(target.max(0));
        }
        self.sync_scroll();
    }
}

/// An edit of `edit.rs`: the text and a byte selection in, the edited text out (if any).
type EditFn = dyn Fn(&str, (usize, usize)) -> Option<edit::Edited>;

/// The editor's keys: Tab/Shift+Tab, Enter, undo/redo, format, and Escape to let Tab leave.
pub fn on_key(h: &Handles, on_format: &Callback<()>, e: &KeyboardEvent) {
    if e.is_composing() {
        return;
    }
    let Some(ta) = h.textarea() else { return };
    let key = e.key();
    let command = e.ctrl_key() || e.meta_key();
    let (shift, alt) = (e.shift_key(), e.alt_key());
    let selection = selection_of(&ta);
    let tab_leaves = {
        let mut local = h.local.borrow_mut();
        local.selection = selection;
        let was = local.tab_leaves;
        if key == "Escape" {
            local.tab_leaves = true;
        } else if key != "Shift" && key != "Tab" {
            local.tab_leaves = false;
        }
        was
    };
    // Edits on the textarea's own value (its line breaks are `\n`, as the edits expect).
    let edit_with = |f: &EditFn| {
        let value = ta.value();
        let bytes = (
            byte_of_utf16(&value, selection.0),
            byte_of_utf16(&value, selection.1),
        );
        if let Some(edited) = f(&value, bytes) {
            let after = (
                utf16_of_byte(&edited.text, edited.selection.0),
                utf16_of_byte(&edited.text, edited.selection.1),
            );
            h.commit(&ta, edited.text, selection, after);
        }
    };
    match key.as_str() {
        "Tab" if !command && !alt && !tab_leaves => {
            e.prevent_default();
            if shift {
                edit_with(&edit::outdent);
            } else {
                edit_with(&|t, s| Some(edit::indent(t, s)));
            }
        }
        "Enter" if !command && !alt => {
            e.prevent_default();
            edit_with(&|t, s| Some(edit::newline(t, s)));
        }
        "z" | "Z" if command && !alt => {
            e.prevent_default();
            h.step(shift);
        }
        "y" | "Y" if command && !alt && !shift => {
            e.prevent_default();
            h.step(true);
        }
        "f" | "F" if command && shift && !alt => {
            e.prevent_default();
            on_format.emit(());
        }
        _ => {}
    }
}

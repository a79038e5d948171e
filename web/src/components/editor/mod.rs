//! The policy editor: a transparent `<textarea>` (the caret, the selection, typing, IME, the
//! clipboard: all native) over a `<pre>` that draws the same text coloured, with the diagnostics
//! underlined, the deciding statements banded and a flash on request. Both layers use the same
//! font metrics and padding, never wrap (long lines scroll sideways) and scroll together.
//!
//! The textarea is uncontrolled: its value is only set when the text changes from outside (another
//! policy, a format, an example, undo), never to echo what was just typed, so the caret never
//! jumps. Because setting the value wipes the browser's undo stack, the editor keeps its own
//! history per policy (`history.rs`).

mod edit;
mod geometry;
mod highlight;
mod history;
mod layout;

use geometry::{byte_of_utf16, span_utf16, textarea_form, utf16_of_byte, Lines};
use history::{History, Selection};
use iamsim_core::diagnostic::{Diagnostic, Severity};
use iamsim_core::span::Span;
use layout::{LineView, Mark};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, MouseEvent};
use yew::prelude::*;

/// How a statement is banded in the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    /// A statement whose Allow decided.
    Allow,
    /// A statement whose Deny decided.
    Deny,
    /// A statement that matched but did not decide (drawn faintly).
    Matched,
}

/// A statement to band, by its span in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub span: Span,
    pub kind: HighlightKind,
}

#[derive(Properties, PartialEq, Clone)]
pub struct EditorProps {
    /// The policy text; the editor reports edits through `on_change` and expects them back here.
    pub text: AttrValue,
    /// Which policy this is: undo history, caret and scroll are kept per policy.
    pub policy_id: u32,
    pub on_change: Callback<String>,
    #[prop_or_default]
    pub diagnostics: Rc<Vec<Diagnostic>>,
    #[prop_or_default]
    pub highlights: Rc<Vec<Highlight>>,
    /// A span to scroll to and flash; a new `seq` flashes again.
    #[prop_or_default]
    pub flash: Option<(Span, u32)>,
    #[prop_or_default]
    pub on_format: Callback<()>,
    /// The textarea's accessible name (e.g. "Identity policy PushWeb").
    pub label: AttrValue,
}

/// How long a flash stays (the CSS animation is a little shorter).
const FLASH_MS: u64 = 1600;
/// Texts sent through `on_change` that may still come back as props (see `sync_text`).
const MAX_PENDING: usize = 16;

/// What the editor remembers of one policy.
struct Session {
    history: History,
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
struct Local {
    sessions: HashMap<u32, Session>,
    /// The policy whose text is in the textarea.
    shown: Option<u32>,
    /// Texts this editor sent through `on_change` that have not come back as props yet.
    pending: Vec<String>,
    /// The selection before the next edit (an input event only sees the one after).
    selection: Selection,
    /// Escape was pressed: the next Tab moves the focus on instead of indenting.
    tab_leaves: bool,
    /// The tooltip the textarea shows for the diagnostic under the pointer.
    hover_title: String,
    /// The last flash seen, so that a timer only ends its own flash.
    flash_seq: Option<u32>,
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn selection_of(ta: &HtmlTextAreaElement) -> Selection {
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
struct Handles {
    textarea: NodeRef,
    layer: NodeRef,
    gutter: NodeRef,
    local: Rc<RefCell<Local>>,
    on_change: Callback<String>,
    policy_id: u32,
}

impl Handles {
    fn textarea(&self) -> Option<HtmlTextAreaElement> {
        self.textarea.cast::<HtmlTextAreaElement>()
    }

    /// Moves the coloured layer and the line numbers with the textarea's scroll (transforms, not
    /// scrolling: exact whatever either layer's own scroll extent is).
    fn sync_scroll(&self) {
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
    fn on_input(&self) {
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
        self.sync_scroll();
        self.emit(value);
    }

    /// An edit the editor makes itself (Tab, Enter): its own undo step.
    fn commit(&self, ta: &HtmlTextAreaElement, text: String, before: Selection, after: Selection) {
        self.show(ta, &text, after);
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
    fn step(&self, redo: bool) {
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
        self.emit(snapshot.text);
    }

    /// Brings the text in line with the props after a render (see the module docs).
    /// Returns whether the history changed (so the toolbar's buttons may need a render).
    fn sync_text(&self, id: u32, text: &str) -> bool {
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

    /// Scrolls the textarea so that lines `first..=last` (0-based) are in view, a third down
    /// from the top when they were not. The overlay's line elements give exact positions.
    fn scroll_to_lines(&self, first: usize, last: usize) {
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

/// The label, icon and class of a severity.
fn severity_info(severity: Severity) -> (&'static str, &'static str, &'static str) {
    match severity {
        Severity::Error => ("Error", "×", "sev-error"),
        Severity::SecurityWarning => ("Security warning", "!!", "sev-security"),
        Severity::Warning => ("Warning", "!", "sev-warning"),
        Severity::Suggestion => ("Suggestion", "i", "sev-suggestion"),
    }
}

fn band_class(kind: HighlightKind) -> &'static str {
    match kind {
        HighlightKind::Allow => "band-allow",
        HighlightKind::Deny => "band-deny",
        HighlightKind::Matched => "band-matched",
    }
}

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

/// The text of a segment as drawn: a `\r` is not drawn (the textarea turns `\r\n` into `\n`).
fn segment_text(text: &str, range: std::ops::Range<usize>) -> String {
    let piece = text.get(range).unwrap_or_default();
    if piece.contains('\r') {
        piece.replace('\r', "")
    } else {
        piece.to_string()
    }
}

/// The overlay's model for one text, its diagnostics and highlights.
struct Model {
    lines: Vec<LineView>,
    marks: Vec<Mark>,
    /// For each mark, its diagnostic's tooltip.
    titles: Vec<AttrValue>,
}

fn build_model(text: &str, diagnostics: &[Diagnostic], highlights: &[Highlight]) -> Model {
    let lines = Lines::new(text);
    let mut marks = Vec::new();
    let mut titles = Vec::new();
    for d in diagnostics {
        if let Some(span) = &d.span {
            marks.push(Mark {
                range: lines.span_bytes(span),
                severity: d.severity,
            });
            let (label, _, _) = severity_info(d.severity);
            let title = match &d.fix {
                Some(fix) => format!("{label}: {} (fix: {fix})", d.message),
                None => format!("{label}: {}", d.message),
            };
            titles.push(AttrValue::from(title));
        }
    }
    let bands: Vec<_> = highlights
        .iter()
        .map(|h| (lines.span_bytes(&h.span), h.kind))
        .collect();
    let tokens = highlight::tokenize(text);
    Model {
        lines: layout::layout(text, &tokens, &marks, &bands),
        marks,
        titles,
    }
}

fn render_line(
    text: &str,
    model: &Model,
    index: usize,
    line: &LineView,
    flash: Option<&'static str>,
) -> Html {
    let mark_class = |m: usize| {
        model
            .marks
            .get(m)
            .map_or("", |mark| severity_info(mark.severity).2)
    };
    let title = |m: usize| model.titles.get(m).cloned();
    let segments = line.segments.iter().map(|s| {
        let piece = segment_text(text, s.range.clone());
        match (s.token, s.mark) {
            (None, None) => html! { { piece } },
            (token, None) => html! { <span class={token.map(|t| t.class())}>{ piece }</span> },
            (token, Some(m)) => html! {
                <span class={classes!(token.map(|t| t.class()), "ed-mark", mark_class(m))}
                      title={title(m)}>{ piece }</span>
            },
        }
    });
    let eol = line.eol_mark.map(|m| {
        html! { <span class={classes!("ed-mark", "ed-mark-eol", mark_class(m))} title={title(m)}></span> }
    });
    html! {
        <div key={line.key.clone()}
             class={classes!("ed-line", line.band.map(band_class), flash)}
             data-line={(index + 1).to_string()}>
            { for segments }
            { for eol }
        </div>
    }
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let local = use_mut_ref(Local::default);
    let handles = Handles {
        textarea: use_node_ref(),
        layer: use_node_ref(),
        gutter: use_node_ref(),
        local: local.clone(),
        on_change: props.on_change.clone(),
        policy_id: props.policy_id,
    };
    let root = use_node_ref();
    let force_update = use_force_update();
    // The flash being shown: its seq and lines (0-based), cleared by a timer.
    let flashing = use_state(|| None::<(u32, usize, usize)>);

    let model = use_memo(
        (
            props.text.clone(),
            props.diagnostics.clone(),
            props.highlights.clone(),
        ),
        |(text, diagnostics, highlights)| build_model(text, diagnostics, highlights),
    );

    // Effects run in order: the text is in place before a flash scrolls to it.
    {
        let h = handles.clone();
        let force_update = force_update.clone();
        use_effect_with(
            (props.policy_id, props.text.clone()),
            move |(id, text)| {
                if h.sync_text(*id, text) {
                    force_update.force_update();
                }
            },
        );
    }
    {
        let h = handles.clone();
        let flashing = flashing.clone();
        let text = props.text.clone();
        let root = root.clone();
        use_effect_with(props.flash, move |flash| {
            let Some((span, seq)) = *flash else { return };
            let lines = Lines::new(&text);
            let (first, last) = lines.line_span(&lines.span_bytes(&span));
            h.local.borrow_mut().flash_seq = Some(seq);
            flashing.set(Some((seq, first, last)));
            if let Some(root) = root.cast::<Element>() {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                root.scroll_into_view_with_scroll_into_view_options(&options);
            }
            h.scroll_to_lines(first, last);
            if let Some(ta) = h.textarea() {
                ta.set_scroll_left(0);
                h.sync_scroll();
            }
            let local = h.local.clone();
            yew::platform::spawn_local(async move {
                yew::platform::time::sleep(Duration::from_millis(FLASH_MS)).await;
                if local.borrow().flash_seq == Some(seq) {
                    flashing.set(None);
                }
            });
        });
    }

    let oninput = {
        let h = handles.clone();
        Callback::from(move |_: InputEvent| h.on_input())
    };
    let onscroll = {
        let h = handles.clone();
        Callback::from(move |_: Event| h.sync_scroll())
    };
    // Remembers the selection as it is before an edit (clicks, arrows, shift-selections).
    let remember_selection = {
        let h = handles.clone();
        move || {
            if let Some(ta) = h.textarea() {
                h.local.borrow_mut().selection = selection_of(&ta);
            }
        }
    };
    let onselect = {
        let remember = remember_selection.clone();
        Callback::from(move |_: Event| remember())
    };
    let onkeyup = {
        let remember = remember_selection.clone();
        Callback::from(move |_: KeyboardEvent| remember())
    };
    let onmouseup = {
        let remember = remember_selection.clone();
        Callback::from(move |_: MouseEvent| remember())
    };
    let onblur = {
        let h = handles.clone();
        Callback::from(move |_: FocusEvent| h.local.borrow_mut().tab_leaves = false)
    };
    let onkeydown = {
        let h = handles.clone();
        let on_format = props.on_format.clone();
        Callback::from(move |e: KeyboardEvent| on_key(&h, &on_format, &e))
    };
    // The textarea covers the marks, so it shows the tooltip of the mark under the pointer.
    let onmousemove = {
        let h = handles.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(ta) = h.textarea() else { return };
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let title = document
                .elements_from_point(e.client_x() as f32, e.client_y() as f32)
                .iter()
                .filter_map(|v| v.dyn_into::<Element>().ok())
                .find(|el| el.class_list().contains("ed-mark"))
                .and_then(|el| el.get_attribute("title"))
                .unwrap_or_default();
            let mut local = h.local.borrow_mut();
            if local.hover_title != title {
                ta.set_title(&title);
                local.hover_title = title;
            }
        })
    };

    let on_format_click = {
        let on_format = props.on_format.clone();
        Callback::from(move |_: MouseEvent| on_format.emit(()))
    };
    let on_undo_click = {
        let h = handles.clone();
        Callback::from(move |_: MouseEvent| h.step(false))
    };
    let on_redo_click = {
        let h = handles.clone();
        Callback::from(move |_: MouseEvent| h.step(true))
    };
    let (can_undo, can_redo) = local
        .borrow()
        .sessions
        .get(&props.policy_id)
        .map_or((false, false), |s| {
            (s.history.can_undo(), s.history.can_redo())
        });

    let flash_class = flashing.as_ref().map(|(seq, first, last)| {
        let class = if seq % 2 == 0 { "ed-flash-a" } else { "ed-flash-b" };
        (class, *first, *last)
    });
    let text: &str = &props.text;
    let lines = model.lines.iter().enumerate().map(|(i, line)| {
        let flash = flash_class
            .filter(|(_, first, last)| (*first..=*last).contains(&i))
            .map(|(class, _, _)| class);
        render_line(text, &model, i, line, flash)
    });
    let gutter = model.lines.iter().enumerate().map(|(i, line)| {
        let worst = line
            .segments
            .iter()
            .filter_map(|s| s.mark)
            .chain(line.eol_mark)
            .filter_map(|m| model.marks.get(m).map(|mark| mark.severity))
            .min();
        html! {
            <div key={i} class={classes!("ed-ln", line.band.map(band_class), worst.map(|s| severity_info(s).2))}>
                { i + 1 }
            </div>
        }
    });

    html! {
        <div class="ed" ref={root.clone()} data-testid="editor">
            <div class="ed-toolbar">
                <button type="button" class="ed-btn" onclick={on_format_click}
                        title="Format the policy (Ctrl+Shift+F)" data-testid="editor-format">
                    { "Format" }
                </button>
                <button type="button" class="ed-btn" onclick={on_undo_click} disabled={!can_undo}
                        title="Undo (Ctrl+Z)" data-testid="editor-undo">{ "Undo" }</button>
                <button type="button" class="ed-btn" onclick={on_redo_click} disabled={!can_redo}
                        title="Redo (Ctrl+Shift+Z or Ctrl+Y)" data-testid="editor-redo">{ "Redo" }</button>
                <span class="ed-hint" id="ed-hint">{ "Tab indents · Esc then Tab leaves the editor" }</span>
            </div>
            <div class="ed-body">
                <div class="ed-gutter" aria-hidden="true">
                    <div class="ed-gutter-inner" ref={handles.gutter.clone()}>{ for gutter }</div>
                </div>
                <div class="ed-main">
                    <pre class="ed-overlay" aria-hidden="true">
                        <div class="ed-layer" ref={handles.layer.clone()}>{ for lines }</div>
                    </pre>
                    <textarea
                        ref={handles.textarea.clone()}
                        class="ed-input"
                        data-testid="policy-editor"
                        aria-label={props.label.clone()}
                        aria-describedby="ed-hint"
                        spellcheck="false"
                        autocapitalize="off"
                        autocomplete="off"
                        autocorrect="off"
                        wrap="off"
                        {oninput} {onscroll} {onkeydown} {onkeyup} {onmouseup} {onselect}
                        {onblur} {onmousemove}
                    />
                </div>
            </div>
            { problems(&props.text, &props.diagnostics, &handles) }
        </div>
    }
}

/// The editor's keys: Tab/Shift+Tab, Enter, undo/redo, format, and Escape to let Tab leave.
fn on_key(h: &Handles, on_format: &Callback<()>, e: &KeyboardEvent) {
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
    let edit_with = |f: &dyn Fn(&str, (usize, usize)) -> Option<edit::Edited>| {
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

/// The list of problems under the editor; a click puts the caret on the problem's span.
fn problems(text: &AttrValue, diagnostics: &[Diagnostic], h: &Handles) -> Html {
    if diagnostics.is_empty() {
        return html! {
            <p class="ed-problems ed-no-problems" data-testid="editor-problems">{ "No problems found" }</p>
        };
    }
    let mut order: Vec<&Diagnostic> = diagnostics.iter().collect();
    order.sort_by_key(|d| d.span.map(|s| (s.start.line, s.start.column)));
    let items = order.into_iter().map(|d| {
        let (label, icon, class) = severity_info(d.severity);
        let body = html! {
            <>
                <span class={classes!("ed-sev", class)} role="img" aria-label={label}>{ icon }</span>
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
                let h = h.clone();
                let text = text.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    let Some(ta) = h.textarea() else { return };
                    let (a, b) = span_utf16(&text, &span);
                    let _ = ta.focus();
                    let _ = ta.set_selection_range(a, b);
                    h.local.borrow_mut().selection = (a, b);
                    let lines = Lines::new(&text);
                    let line = lines.line_of(lines.span_bytes(&span).start);
                    h.scroll_to_lines(line, line);
                });
                html! {
                    <li class={classes!("ed-problem", class)}>
                        <button type="button" class="ed-problem-btn" {onclick}>{ body }</button>
                    </li>
                }
            }
            None => html! { <li class={classes!("ed-problem", class)}><div class="ed-problem-btn">{ body }</div></li> },
        }
    });
    html! {
        <ul class="ed-problems" aria-label="Problems in this policy" data-testid="editor-problems">
            { for items }
        </ul>
    }
}

//! The policy editor: a transparent `<textarea>` (the caret, the selection, typing, IME, the
//! clipboard: all native) over a `<pre>` that draws the same text coloured, with the diagnostics
//! underlined, the deciding statements banded and a flash on request. Both layers use the same
//! font metrics and padding, never wrap (long lines scroll sideways) and scroll together.
//!
//! The textarea is uncontrolled: its value is only set when the text changes from outside (another
//! policy, a format, an example, undo), never to echo what was just typed, so the caret never
//! jumps. Because setting the value wipes the browser's undo stack, the editor keeps its own
//! history per policy (`history.rs`).
//!
//! Keys: Tab / Shift+Tab indent and outdent, Enter keeps the indentation, Ctrl/Cmd+Z undoes,
//! Ctrl+Shift+Z or Ctrl+Y redoes, Ctrl+Shift+F asks for a format, Escape lets the next Tab leave
//! the editor (as in CodeMirror: Tab itself indents).
//!
//! Modules: `geometry` (spans ↔ bytes ↔ UTF-16, clamped), `highlight` (JSON tokens), `layout`
//! (lines cut into coloured and underlined segments), `view` (memoized line components),
//! `problems` (the list under the editor), `history` (undo), `edit` (Tab/Enter edits),
//! `control` (the textarea: value sync, keys, scroll). Styles: web/style/editor.css, all under
//! `.ed`; the editor's height is `--ed-height` on `.ed`.

mod control;
mod edit;
mod geometry;
mod highlight;
mod history;
mod layout;
mod problems;
mod view;

use control::{on_key, selection_of, Handles, Local};
use geometry::Lines;
use iamsim_core::diagnostic::Diagnostic;
use iamsim_core::span::Span;
use problems::Problems;
use std::rc::Rc;
use std::time::Duration;
use view::{build_model, EdLine, Gutter};
use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent, MouseEvent};
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
    // The flash being shown: its seq and lines (0-based); a timer ends it.
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
        use_effect_with((props.policy_id, props.text.clone()), move |(id, text)| {
            if h.sync_text(*id, text) {
                // The undo/redo buttons follow the history.
                force_update.force_update();
            }
        });
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
            if let Some(ta) = h.textarea() {
                ta.set_scroll_left(0);
            }
            h.scroll_to_lines(first, last);
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
    // The selection as it is before an edit (clicks, arrows, shift-selections).
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
    let onmouseup = Callback::from(move |_: MouseEvent| remember_selection());
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
            h.show_title(title);
        })
    };
    let on_pick = {
        let h = handles.clone();
        let text = props.text.clone();
        Callback::from(move |span: Span| h.select_span(&text, &span))
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

    // Two animation names, alternated by seq, so that a new flash of the same lines restarts.
    let flash = flashing.as_ref().map(|&(seq, first, last)| {
        let class = if seq % 2 == 0 {
            "ed-flash-a"
        } else {
            "ed-flash-b"
        };
        (class, first..=last)
    });
    let lines = model
        .lines
        .iter()
        .enumerate()
        .map(|(i, (key, line, band))| {
            let flash = flash
                .as_ref()
                .filter(|(_, lines)| lines.contains(&i))
                .map(|(class, _)| *class);
            html! {
                <EdLine key={key.clone()} number={i + 1} line={line.clone()} band={*band} {flash} />
            }
        });

    html! {
        <div class="ed" ref={root} data-testid="editor">
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
                    <div class="ed-gutter-inner" ref={handles.gutter.clone()}>
                        <Gutter rows={model.gutter.clone()} />
                    </div>
                </div>
                <div class="ed-main">
                    <pre class="ed-overlay" aria-hidden="true">
                        <div class="ed-layer" ref={handles.layer.clone()}>
                            { for lines }
                            <span class="ed-probe">{ control::PROBE }</span>
                        </div>
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
            <Problems diagnostics={props.diagnostics.clone()} {on_pick} />
        </div>
    }
}

//! Undo and redo, kept by the editor itself: setting `textarea.value` from code (a format, an
//! example, a Tab) wipes the browser's own undo stack, so the editor keeps one per policy.
//! A burst of typing (or of deleting) at one place is one step; anything else is a step of its own.

use super::geometry::floor_boundary;

/// A textarea selection, in UTF-16 units (start, end).
pub type Selection = (u32, u32);

/// A state to return to: the text and where the selection was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub text: String,
    pub selection: Selection,
}

/// What a user edit did, for coalescing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Burst {
    Insert,
    Delete,
}

/// Keystrokes further apart than this start a new undo step.
const BURST_GAP_MS: f64 = 1000.0;
/// At most this many chars typed or deleted at once still count as typing (an IME may commit a few).
const BURST_CHARS: usize = 4;
/// Undo steps kept per policy (each holds the whole text: policies are small).
const MAX_STEPS: usize = 100;

#[derive(Clone, Debug)]
pub struct History {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    present: Snapshot,
    /// The burst in progress: its kind, the time and the caret of its last edit.
    burst: Option<(Burst, f64, u32)>,
}

impl History {
    pub fn new(text: String) -> Self {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            present: Snapshot {
                text,
                selection: (0, 0),
            },
            burst: None,
        }
    }

    /// The text as of the last edit, undo or redo.
    pub fn present(&self) -> &str {
        &self.present.text
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// A user's edit: the selection `before` it, the new text and the selection `after` it, at
    /// time `now` (ms). Typing or deleting on at the caret of the previous edit, soon enough,
    /// joins its step.
    pub fn edit(&mut self, text: String, before: Selection, after: Selection, now: f64) {
        if text == self.present.text {
            self.present.selection = after;
            return;
        }
        let kind = classify(&self.present.text, &text);
        let joins = match (kind, self.burst) {
            (Some(kind), Some((last, at, caret))) => {
                kind == last && now - at < BURST_GAP_MS && now >= at && before == (caret, caret)
            }
            _ => false,
        };
        if !joins {
            self.push_undo(before);
        }
        self.redo.clear();
        self.present = Snapshot {
            text,
            selection: after,
        };
        self.burst = kind.map(|k| (k, now, after.1));
    }

    /// A change that is a step of its own: a Tab, an Enter, a format, a new text from outside.
    pub fn replace(&mut self, text: String, before: Selection, after: Selection) {
        if text == self.present.text {
            self.present.selection = after;
            return;
        }
        self.push_undo(before);
        self.redo.clear();
        self.present = Snapshot {
            text,
            selection: after,
        };
        self.burst = None;
    }

    /// Steps back; returns the state to show.
    pub fn undo(&mut self) -> Option<&Snapshot> {
        let previous = self.undo.pop()?;
        self.redo
            .push(std::mem::replace(&mut self.present, previous));
        self.burst = None;
        Some(&self.present)
    }

    /// Steps forward again; returns the state to show.
    pub fn redo(&mut self) -> Option<&Snapshot> {
        let next = self.redo.pop()?;
        self.undo.push(std::mem::replace(&mut self.present, next));
        self.burst = None;
        Some(&self.present)
    }

    fn push_undo(&mut self, before: Selection) {
        self.undo.push(Snapshot {
            text: self.present.text.clone(),
            selection: before,
        });
        if self.undo.len() > MAX_STEPS {
            self.undo.remove(0);
        }
    }
}

/// Whether going from `old` to `new` is typing (a few chars inserted, no line break) or deleting
/// (a few chars removed), or something else.
fn classify(old: &str, new: &str) -> Option<Burst> {
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let prefix = floor_boundary(old, prefix).min(floor_boundary(new, prefix));
    let max_suffix = old.len().min(new.len()) - prefix;
    let suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    let removed = old.get(prefix..old.len() - suffix)?;
    let inserted = new.get(prefix..new.len() - suffix)?;
    match (removed.is_empty(), inserted.is_empty()) {
        (true, false) if !inserted.contains('\n') && inserted.chars().count() <= BURST_CHARS => {
            Some(Burst::Insert)
        }
        (false, true) if removed.chars().count() <= BURST_CHARS => Some(Burst::Delete),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Types `chars` one by one at the end of the present text, `gap` ms apart from `start`.
    fn type_chars(h: &mut History, chars: &str, start: f64, gap: f64) -> f64 {
        let mut now = start;
        for c in chars.chars() {
            let caret = h.present().encode_utf16().count() as u32;
            let text = format!("{}{c}", h.present());
            h.edit(text, (caret, caret), (caret + 1, caret + 1), now);
            now += gap;
        }
        now
    }

    #[test]
    fn a_burst_of_typing_is_one_undo_step() {
        let mut h = History::new("{}".into());
        type_chars(&mut h, "abc", 0.0, 100.0);
        assert_eq!(h.present(), "{}abc");
        let back = h.undo().cloned();
        assert_eq!(
            back,
            Some(Snapshot {
                text: "{}".into(),
                selection: (2, 2)
            })
        );
        assert!(!h.can_undo());
        assert_eq!(h.redo().map(|s| s.text.clone()), Some("{}abc".into()));
    }

    #[test]
    fn a_pause_starts_a_new_step() {
        let mut h = History::new(String::new());
        let now = type_chars(&mut h, "ab", 0.0, 100.0);
        type_chars(&mut h, "cd", now + BURST_GAP_MS, 100.0);
        assert_eq!(h.undo().map(|s| s.text.clone()), Some("ab".into()));
        assert_eq!(h.undo().map(|s| s.text.clone()), Some(String::new()));
    }

    #[test]
    fn moving_the_caret_starts_a_new_step() {
        let mut h = History::new("xy".into());
        h.edit("xyz".into(), (2, 2), (3, 3), 0.0);
        // Typing at the start, not where the last edit left the caret.
        h.edit("axyz".into(), (0, 0), (1, 1), 50.0);
        assert_eq!(h.undo().map(|s| s.text.clone()), Some("xyz".into()));
    }

    #[test]
    fn typing_after_deleting_is_a_new_step() {
        let mut h = History::new("abc".into());
        h.edit("ab".into(), (3, 3), (2, 2), 0.0);
        h.edit("a".into(), (2, 2), (1, 1), 50.0);
        h.edit("aX".into(), (1, 1), (2, 2), 100.0);
        assert_eq!(h.undo().map(|s| s.text.clone()), Some("a".into()));
        assert_eq!(h.undo().map(|s| s.text.clone()), Some("abc".into()));
    }

    #[test]
    fn a_line_break_or_paste_is_a_step_of_its_own() {
        let mut h = History::new(String::new());
        type_chars(&mut h, "a", 0.0, 10.0);
        h.edit("a\n".into(), (1, 1), (2, 2), 20.0);
        h.edit("a\nb".into(), (2, 2), (3, 3), 30.0);
        h.edit("a\nbpasted text".into(), (3, 3), (14, 14), 40.0);
        let steps: Vec<String> = std::iter::from_fn(|| h.undo().map(|s| s.text.clone())).collect();
        assert_eq!(steps, ["a\nb", "a\n", "a", ""]);
    }

    #[test]
    fn replace_is_always_its_own_step_and_clears_redo() {
        let mut h = History::new("a".into());
        h.replace("{ \"formatted\": 1 }".into(), (1, 1), (0, 0));
        h.undo();
        assert!(h.can_redo());
        h.replace("b".into(), (0, 0), (1, 1));
        assert!(!h.can_redo(), "a new change forgets what was undone");
        assert_eq!(h.undo().map(|s| s.text.clone()), Some("a".into()));
    }

    #[test]
    fn the_same_text_is_no_step() {
        let mut h = History::new("a".into());
        h.replace("a".into(), (0, 0), (1, 1));
        h.edit("a".into(), (0, 0), (1, 1), 0.0);
        assert!(!h.can_undo());
        assert!(h.undo().is_none());
        assert!(h.redo().is_none());
    }

    #[test]
    fn undo_restores_the_selection_before_the_edit() {
        let mut h = History::new("hello".into());
        h.replace("  hello".into(), (0, 5), (2, 7));
        assert_eq!(h.undo().map(|s| s.selection), Some((0, 5)));
        assert_eq!(h.redo().map(|s| s.selection), Some((2, 7)));
    }

    #[test]
    fn the_number_of_steps_is_bounded() {
        let mut h = History::new(String::new());
        for i in 0..(MAX_STEPS + 20) {
            h.replace(i.to_string(), (0, 0), (0, 0));
        }
        assert_eq!(
            std::iter::from_fn(|| h.undo().map(|_| ())).count(),
            MAX_STEPS
        );
    }

    #[test]
    fn classify_handles_multibyte_edits() {
        assert_eq!(classify("é", "è"), None, "a replacement is neither");
        assert_eq!(classify("a", "a😀"), Some(Burst::Insert));
        assert_eq!(classify("a😀b", "ab"), Some(Burst::Delete));
        assert_eq!(classify("aa", "aaa"), Some(Burst::Insert), "overlap");
    }
}

//! The edits the editor makes itself (the textarea would do something else): Tab indents,
//! Shift+Tab outdents, Enter keeps the indentation. Pure functions over the text and a byte
//! selection, so they are tested natively.

use super::geometry::{floor_boundary, Lines};

/// Two spaces: the indentation of AWS's own policy examples.
pub const INDENT: &str = "  ";

/// A text after an edit, with the selection to show (byte offsets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub selection: (usize, usize),
}

/// One replacement: `remove` bytes at `at` give way to `insert`.
struct Change {
    at: usize,
    remove: usize,
    insert: String,
}

/// Applies sorted, non-overlapping changes and moves the selection with them.
fn apply(text: &str, changes: &[Change], selection: (usize, usize)) -> Edited {
    let mut out = String::with_capacity(text.len() + changes.len() * INDENT.len());
    let mut copied = 0;
    for c in changes {
        out.push_str(text.get(copied..c.at).unwrap_or_default());
        out.push_str(&c.insert);
        copied = c.at + c.remove;
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    let map = |pos: usize| -> usize {
        let mut shifted = pos as isize;
        for c in changes {
            let delta = c.insert.len() as isize - c.remove as isize;
            if pos >= c.at + c.remove {
                shifted += delta;
            } else if pos > c.at {
                // Inside removed text: to where it was removed.
                shifted -= (pos - c.at) as isize;
            }
        }
        shifted.max(0) as usize
    };
    Edited {
        text: out,
        selection: (map(selection.0), map(selection.1)),
    }
}

/// The selection in bytes, ordered and on char boundaries.
fn clean(text: &str, (a, b): (usize, usize)) -> (usize, usize) {
    let (a, b) = (floor_boundary(text, a), floor_boundary(text, b));
    (a.min(b), a.max(b))
}

/// The 0-based lines a selection touches.
fn touched(lines: &Lines, (start, end): (usize, usize)) -> std::ops::RangeInclusive<usize> {
    let (first, last) = lines.line_span(&(start..end));
    first..=last
}

/// Tab: a caret (or a selection within one line) becomes two spaces; a selection over several
/// lines indents each of them that is not empty.
pub fn indent(text: &str, selection: (usize, usize)) -> Edited {
    let (start, end) = clean(text, selection);
    let selected = text.get(start..end).unwrap_or_default();
    if !selected.contains('\n') {
        let changes = [Change {
            at: start,
            remove: end - start,
            insert: INDENT.into(),
        }];
        let after = start + INDENT.len();
        return Edited {
            selection: (after, after),
            ..apply(text, &changes, (start, start))
        };
    }
    let lines = Lines::new(text);
    let changes: Vec<Change> = touched(&lines, (start, end))
        .map(|l| lines.range(l))
        .filter(|r| !r.is_empty())
        .map(|r| Change {
            at: r.start,
            remove: 0,
            insert: INDENT.into(),
        })
        .collect();
    let mut edited = apply(text, &changes, (start, end));
    if changes.first().is_some_and(|c| c.at == start) {
        // A selection from a line's start keeps covering whole lines, new indentation included.
        edited.selection.0 = start;
    }
    edited
}

/// Shift+Tab: each line the selection touches loses up to one indentation step (two spaces, or
/// one tab). `None` when there is nothing to remove.
pub fn outdent(text: &str, selection: (usize, usize)) -> Option<Edited> {
    let (start, end) = clean(text, selection);
    let lines = Lines::new(text);
    let changes: Vec<Change> = touched(&lines, (start, end))
        .filter_map(|l| {
            let r = lines.range(l);
            let line = text.get(r.clone())?;
            let remove = if line.starts_with('\t') {
                1
            } else {
                line.bytes()
                    .take(INDENT.len())
                    .take_while(|&b| b == b' ')
                    .count()
            };
            (remove > 0).then(|| Change {
                at: r.start,
                remove,
                insert: String::new(),
            })
        })
        .collect();
    (!changes.is_empty()).then(|| apply(text, &changes, (start, end)))
}

/// Enter: a line break, then the indentation of the current line; one step more after an opening
/// `{` or `[`, and when the caret sits right before its closer, that moves to a line of its own.
pub fn newline(text: &str, selection: (usize, usize)) -> Edited {
    let (start, end) = clean(text, selection);
    let lines = Lines::new(text);
    let line = lines.range(lines.line_of(start));
    let before = text.get(line.start..start).unwrap_or_default();
    let indent: String = before
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let opener = before.trim_end().chars().last();
    let closer = text.get(end..).and_then(|rest| rest.chars().next());
    let mut insert = format!("\n{indent}");
    let mut caret = start + insert.len();
    if matches!(opener, Some('{' | '[')) {
        insert.push_str(INDENT);
        caret += INDENT.len();
        if matches!(
            (opener, closer),
            (Some('{'), Some('}')) | (Some('['), Some(']'))
        ) {
            insert.push('\n');
            insert.push_str(&indent);
        }
    }
    let changes = [Change {
        at: start,
        remove: end - start,
        insert,
    }];
    Edited {
        selection: (caret, caret),
        ..apply(text, &changes, (start, start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Marks the selection of an edit with `[` and `]` (or `|` for a caret), for readable asserts.
    fn show(e: &Edited) -> String {
        let (a, b) = e.selection;
        if a == b {
            format!("{}|{}", &e.text[..a], &e.text[a..])
        } else {
            format!("{}[{}]{}", &e.text[..a], &e.text[a..b], &e.text[b..])
        }
    }

    #[test]
    fn tab_inserts_two_spaces_at_the_caret() {
        assert_eq!(show(&indent("ab", (1, 1))), "a  |b");
        assert_eq!(
            show(&indent("abc", (1, 2))),
            "a  |c",
            "a one-line selection is replaced"
        );
    }

    #[test]
    fn tab_over_several_lines_indents_each_non_empty_line() {
        let text = "a\n\nb\nc";
        assert_eq!(show(&indent(text, (0, 4))), "[  a\n\n  b]\nc");
    }

    #[test]
    fn shift_tab_outdents_every_touched_line() {
        let text = "    a\n b\n\tc";
        let e = outdent(text, (6, 11)).expect("something to remove");
        assert_eq!(show(&e), "    a\n[b\nc]");
        assert_eq!(show(&outdent("    x", (5, 5)).expect("spaces")), "  x|");
        assert_eq!(outdent("x\ny", (0, 0)), None);
    }

    #[test]
    fn shift_tab_keeps_a_caret_inside_the_removed_indentation_on_its_line() {
        let e = outdent("a\n   b", (3, 3)).expect("spaces");
        assert_eq!(show(&e), "a\n| b");
    }

    #[test]
    fn enter_keeps_the_indentation() {
        assert_eq!(
            show(&newline("    \"a\": 1,", (11, 11))),
            "    \"a\": 1,\n    |"
        );
        assert_eq!(
            show(&newline("  ab", (3, 4))),
            "  a\n  |",
            "replaces the selection"
        );
    }

    #[test]
    fn enter_after_an_opener_indents_one_step_more() {
        assert_eq!(show(&newline("  \"S\": [", (8, 8))), "  \"S\": [\n    |");
        assert_eq!(
            show(&newline("  {}", (3, 3))),
            "  {\n    |\n  }",
            "the closer moves to its own line"
        );
    }

    #[test]
    fn edits_clamp_a_selection_outside_the_text() {
        assert_eq!(show(&indent("é", (99, 99))), "é  |");
        assert_eq!(
            show(&indent("é", (1, 1))),
            "  |é",
            "inside a char rounds down"
        );
        assert_eq!(show(&newline("", (5, 0))), "\n|");
    }
}

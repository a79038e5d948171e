//! Where things are in the text. Core's spans carry a byte `offset` and a 1-based line and column
//! counted in chars; the textarea counts UTF-16 units and turns every line break into one `\n`.
//! Everything here clamps: a span from a stale or foreign text lands somewhere sensible, never
//! outside the text (a panic in wasm kills the app).

use iamsim_core::span::{Position, Span};
use std::ops::Range;

/// The line starts of a text, for line lookups by binary search.
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of the first char of every line (0, then one past every `\n`).
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { text, starts }
    }

    /// Number of lines; a text ending in `\n` has an empty last line, as the textarea shows it.
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of a 0-based line, without its `\n` (clamped to the last line).
    pub fn range(&self, line: usize) -> Range<usize> {
        let line = line.min(self.count() - 1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        start..end
    }

    /// The 0-based line holding a byte offset (offsets past the end are on the last line).
    pub fn line_of(&self, byte: usize) -> usize {
        match self.starts.binary_search(&byte) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// The byte offset of a position. The offset core measured wins when it agrees with the line
    /// (a default `0`, or an offset from another text, does not); otherwise line and column count.
    pub fn byte_of(&self, pos: Position) -> usize {
        let len = self.text.len();
        let offset = pos.offset as usize;
        if offset <= len
            && self.text.is_char_boundary(offset)
            && self.line_of(offset) + 1 == pos.line as usize
        {
            return offset;
        }
        let line = pos.line.max(1) as usize - 1;
        if line >= self.count() {
            return len;
        }
        let range = self.range(line);
        let column = pos.column.max(1) as usize - 1;
        self.text
            .get(range.clone())
            .and_then(|s| s.char_indices().nth(column))
            .map_or(range.end, |(i, _)| range.start + i)
    }

    /// The byte range of a span, start ≤ end, inside the text.
    pub fn span_bytes(&self, span: &Span) -> Range<usize> {
        let start = self.byte_of(span.start);
        let end = self.byte_of(span.end).max(start);
        start..end
    }

    /// The 0-based lines a range covers, first..=last. A range that ends at the very start of a
    /// line does not cover that line (a statement span ends after its `}`, not on the next line).
    pub fn line_span(&self, range: &Range<usize>) -> (usize, usize) {
        let first = self.line_of(range.start);
        let mut last = self.line_of(range.end);
        if last > first && self.starts.get(last) == Some(&range.end) {
            last -= 1;
        }
        (first, last)
    }
}

/// The largest char boundary at or before `byte`, within the text.
pub fn floor_boundary(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    b
}

/// UTF-16 units a char takes in the textarea's value: `\r\n` becomes one `\n`, so its `\r` takes none.
fn units(c: char, next: Option<&u8>) -> u32 {
    if c == '\r' && next == Some(&b'\n') {
        0
    } else {
        c.len_utf16() as u32
    }
}

/// The textarea index (UTF-16) of a byte offset of the text.
pub fn utf16_of_byte(text: &str, byte: usize) -> u32 {
    let end = floor_boundary(text, byte);
    let bytes = text.as_bytes();
    text.get(..end)
        .unwrap_or_default()
        .char_indices()
        .map(|(i, c)| units(c, bytes.get(i + 1)))
        .sum()
}

/// The byte offset of a textarea index (UTF-16); an index inside a surrogate pair or past the end
/// rounds down to the char.
pub fn byte_of_utf16(text: &str, index: u32) -> usize {
    let bytes = text.as_bytes();
    let mut seen = 0u32;
    for (i, c) in text.char_indices() {
        let next = seen + units(c, bytes.get(i + 1));
        if next > index {
            return i;
        }
        seen = next;
    }
    text.len()
}

/// A span as a textarea selection (UTF-16 start and end).
pub fn span_utf16(text: &str, span: &Span) -> (u32, u32) {
    let range = Lines::new(text).span_bytes(span);
    (
        utf16_of_byte(text, range.start),
        utf16_of_byte(text, range.end),
    )
}

/// The text as the textarea holds it: every `\r\n` or lone `\r` is one `\n`.
pub fn textarea_form(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, column: u32, offset: u32) -> Position {
        Position {
            line,
            column,
            offset,
        }
    }

    #[test]
    fn lines_split_on_newlines_and_keep_a_trailing_empty_line() {
        let lines = Lines::new("ab\ncd\n");
        assert_eq!(lines.count(), 3);
        assert_eq!(lines.range(0), 0..2);
        assert_eq!(lines.range(1), 3..5);
        assert_eq!(lines.range(2), 6..6);
        assert_eq!(lines.range(99), 6..6, "clamped to the last line");
        assert_eq!(lines.line_of(2), 0, "the newline belongs to its line");
        assert_eq!(lines.line_of(3), 1);
        assert_eq!(lines.line_of(100), 2);
    }

    #[test]
    fn byte_of_trusts_an_offset_that_agrees_with_its_line() {
        let text = "{\n  \"é\": 1\n}";
        let lines = Lines::new(text);
        // `1` is at line 2, column 8 (chars), byte 10 (é is two bytes).
        assert_eq!(lines.byte_of(pos(2, 8, 10)), 10);
        assert_eq!(&text[10..11], "1");
    }

    #[test]
    fn byte_of_falls_back_to_line_and_column_counted_in_chars() {
        let text = "{\n  \"é\": 1\n}";
        let lines = Lines::new(text);
        // A default offset of 0 disagrees with line 2: the column (in chars, not bytes) decides.
        assert_eq!(lines.byte_of(pos(2, 8, 0)), 10);
        // An offset inside a char is not trusted either.
        assert_eq!(lines.byte_of(pos(2, 4, 6)), 5);
        assert_eq!(&text[5..7], "é");
    }

    #[test]
    fn byte_of_clamps_positions_outside_the_text() {
        let text = "ab\ncd";
        let lines = Lines::new(text);
        assert_eq!(lines.byte_of(pos(9, 1, 999)), 5, "past the last line");
        assert_eq!(lines.byte_of(pos(1, 40, 999)), 2, "past the end of a line");
        assert_eq!(lines.byte_of(pos(0, 0, 999)), 0, "line and column 0");
        let span = Span::new(pos(2, 2, 4), pos(1, 1, 0));
        assert_eq!(lines.span_bytes(&span), 4..4, "an inverted span is empty");
    }

    #[test]
    fn line_span_excludes_a_line_the_range_only_touches() {
        let lines = Lines::new("{\n  x\n}\nnext");
        assert_eq!(lines.line_span(&(0..7)), (0, 2));
        assert_eq!(
            lines.line_span(&(0..8)),
            (0, 2),
            "ends at the start of line 3"
        );
        assert_eq!(lines.line_span(&(2..2)), (1, 1));
    }

    #[test]
    fn utf16_counts_surrogate_pairs_and_crlf_as_the_textarea_does() {
        let text = "a😀b\r\nc";
        // bytes: a=0, 😀=1..5, b=5, \r=6, \n=7, c=8
        assert_eq!(utf16_of_byte(text, 1), 1);
        assert_eq!(utf16_of_byte(text, 5), 3, "the emoji is two UTF-16 units");
        assert_eq!(
            utf16_of_byte(text, 8),
            5,
            "\\r\\n is one unit in the textarea"
        );
        assert_eq!(utf16_of_byte(text, 3), 1, "inside a char rounds down");
        assert_eq!(utf16_of_byte(text, 99), 6);
        assert_eq!(byte_of_utf16(text, 3), 5);
        assert_eq!(
            byte_of_utf16(text, 2),
            1,
            "inside the surrogate pair rounds down"
        );
        assert_eq!(byte_of_utf16(text, 5), 8);
        assert_eq!(byte_of_utf16(text, 99), text.len());
    }

    #[test]
    fn utf16_and_bytes_round_trip_on_every_char_boundary() {
        let text = "{\"ключ\": \"😀\", \"k\": [1, 2]}\n";
        for (b, _) in text.char_indices() {
            assert_eq!(byte_of_utf16(text, utf16_of_byte(text, b)), b);
        }
    }

    #[test]
    fn span_utf16_converts_a_core_span() {
        let text = "{\"😀\": \"x\"}";
        // `"x"` starts at char column 7, byte 9.
        let span = Span::new(pos(1, 7, 9), pos(1, 10, 12));
        assert_eq!(span_utf16(text, &span), (7, 10));
    }

    #[test]
    fn textarea_form_normalizes_line_breaks() {
        assert_eq!(textarea_form("a\r\nb\rc"), "a\nb\nc");
        assert!(matches!(
            textarea_form("a\nb"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}

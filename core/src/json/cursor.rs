//! A forward-only cursor over the text that keeps line, column (in chars) and byte offset
//! up to date as it moves, so every position costs O(1).

use crate::span::{Position, Span};

#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    column: u32,
}

/// Offsets are `u32` in spans; texts beyond 4 GiB saturate rather than wrap.
fn offset_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl<'a> Cursor<'a> {
    /// Starts at the beginning, after a byte-order mark if there is one. The mark keeps its
    /// bytes in the offset but takes no column: editors do not show it.
    pub(crate) fn new(text: &'a str) -> Self {
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Cursor {
            text,
            pos,
            line: 1,
            column: 1,
        }
    }

    pub(crate) fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
            offset: offset_u32(self.pos),
        }
    }

    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    pub(crate) fn peek_char(&self) -> Option<char> {
        self.text.get(self.pos..)?.chars().next()
    }

    /// The text between two byte offsets the cursor has visited (always char boundaries).
    pub(crate) fn slice(&self, start: usize, end: usize) -> &'a str {
        self.text.get(start..end).unwrap_or("")
    }

    /// Moves past one byte. Only `\n` starts a line; a column counts the first byte of each
    /// UTF-8 sequence, so columns count chars.
    pub(crate) fn bump(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        if byte == b'\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else if byte & 0xC0 != 0x80 {
            self.column = self.column.saturating_add(1);
        }
        Some(byte)
    }

    /// Moves past one whole char.
    pub(crate) fn bump_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        for _ in 0..c.len_utf8() {
            self.bump();
        }
        Some(c)
    }

    /// JSON whitespace: space, tab, line feed, carriage return.
    pub(crate) fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.bump();
        }
    }

    /// The span of the char under the cursor (empty at the end of the text).
    pub(crate) fn char_span(&self) -> Span {
        let start = self.position();
        let mut after = self.clone();
        after.bump_char();
        Span::new(start, after.position())
    }
}

//! Writes serde_json's pretty layout (`to_string_pretty`: two-space indent, `": "`, `{}`/`[]` for
//! empty containers, its string escapes) while keeping the line, column and offset that
//! [`crate::json::parse`] would give each value of the text. The walkers over a
//! `serde_json::Value` ([`super::from_value`]) and over a document's source text
//! ([`super::from_source`]) share it.

use crate::json::escape::first_escaped_and_ascii;
use crate::json::{Value, ValueKind};
use crate::span::{Position, Span, Spanned};
use std::borrow::Cow;

/// Where a [`Writer`] puts the text: a `String`, or only its length when the positions alone
/// are wanted (the text is written later, if ever asked for).
pub(super) trait Sink {
    fn push_str(&mut self, s: &str);
    /// Bytes written so far.
    fn len(&self) -> usize;
    fn reserve(&mut self, additional: usize);
    /// A line break and `indent` spaces.
    fn push_break(&mut self, indent: usize);
    /// A line or column moved on by `count`: saturating, unless the sink knows its text stays
    /// far below `u32::MAX` ([`Measure`]).
    fn advance(at: u32, count: usize) -> u32 {
        at.saturating_add(u32_of(count))
    }
}

impl Sink for String {
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }
    fn push_break(&mut self, indent: usize) {
        /// A line break and the indentation of a policy's deepest usual level, written in one
        /// copy; deeper levels add the rest.
        const BREAK: &str = "\n                ";
        let first = indent.min(BREAK.len() - 1);
        self.push_str(BREAK.get(..first + 1).unwrap_or("\n"));
        let mut rest = indent - first;
        while rest > 0 {
            let more = rest.min(BREAK.len() - 1);
            self.push_str(BREAK.get(1..more + 1).unwrap_or(""));
            rest -= more;
        }
    }
    fn len(&self) -> usize {
        String::len(self)
    }
    fn reserve(&mut self, additional: usize) {
        String::reserve(self, additional);
    }
}

/// The length of the text that would be written, without the text. Only measures the text of
/// a source of at most [`Measure::MAX_SOURCE`] bytes, whose pretty text stays below 2^31 bytes
/// (a source byte writes at most `2 + 2 * MAX_DEPTH`: a comma, a line break and the deepest
/// indentation): lengths, lines and columns then add without overflow checks.
#[derive(Default)]
pub(super) struct Measure(u32);

impl Measure {
    pub(super) const MAX_SOURCE: usize = 1 << 22;
}

const _: () = assert!(Measure::MAX_SOURCE * (2 + 2 * crate::json::MAX_DEPTH) < 1 << 31);

impl Sink for Measure {
    fn push_str(&mut self, s: &str) {
        self.0 = Self::advance(self.0, s.len());
    }
    fn len(&self) -> usize {
        self.0 as usize
    }
    fn reserve(&mut self, _: usize) {}
    fn push_break(&mut self, indent: usize) {
        self.0 = Self::advance(self.0, 1 + indent);
    }
    fn advance(at: u32, count: usize) -> u32 {
        at.wrapping_add(count as u32)
    }
}

pub(super) struct Writer<S = String> {
    pub(super) text: S,
    line: u32,
    /// 1-based, in chars.
    column: u32,
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A key of the tree: the policy grammar's names (most keys of a policy, and read only to be
/// compared) are static, other keys (condition keys, operators, mistakes) are copied.
fn tree_key(key: &str) -> Cow<'static, str> {
    let name = match key {
        "Version" => "Version",
        "Id" => "Id",
        "Statement" => "Statement",
        "Sid" => "Sid",
        "Effect" => "Effect",
        "Principal" => "Principal",
        "NotPrincipal" => "NotPrincipal",
        "Action" => "Action",
        "NotAction" => "NotAction",
        "Resource" => "Resource",
        "NotResource" => "NotResource",
        "Condition" => "Condition",
        "AWS" => "AWS",
        "Service" => "Service",
        "Federated" => "Federated",
        "CanonicalUser" => "CanonicalUser",
        _ => return Cow::Owned(key.to_string()),
    };
    Cow::Borrowed(name)
}

impl Writer {
    pub(super) fn new(capacity: usize) -> Self {
        Writer::to(String::with_capacity(capacity))
    }
}

/// Chars in `s`: the bytes that do not continue a UTF-8 sequence.
fn chars(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.bytes().filter(|b| b & 0xC0 != 0x80).count()
    }
}

impl<S: Sink> Writer<S> {
    pub(super) fn to(text: S) -> Self {
        Writer {
            text,
            line: 1,
            column: 1,
        }
    }

    pub(super) fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
            offset: S::advance(0, self.text.len()),
        }
    }

    /// ASCII without line breaks (punctuation, literals, numbers).
    pub(super) fn raw(&mut self, s: &str) {
        self.text.push_str(s);
        self.column = S::advance(self.column, s.len());
    }

    fn newline(&mut self, depth: usize) {
        let indent = depth * 2;
        self.text.push_break(indent);
        self.line = S::advance(self.line, 1);
        self.column = S::advance(1, indent);
    }

    /// Before element `index` of a container whose own depth is `depth`.
    pub(super) fn element(&mut self, index: usize, depth: usize) {
        if index > 0 {
            self.raw(",");
        }
        self.newline(depth + 1);
    }

    /// Closes a container of `count` elements (`close` is `]` or `}`).
    pub(super) fn close(&mut self, count: usize, depth: usize, close: &str) {
        if count > 0 {
            self.newline(depth);
        }
        self.raw(close);
    }

    /// An object key and the `": "` after it.
    pub(super) fn key(&mut self, key: &str) -> Spanned<Cow<'static, str>> {
        let span = self.key_span(key, false);
        Spanned::new(tree_key(key), span)
    }

    /// Writes an object key and the `": "` after it; returns the key's span. `plain` when the
    /// caller knows the key needs no escape.
    pub(super) fn key_span(&mut self, key: &str, plain: bool) -> Span {
        let span = if plain {
            self.plain_string(key)
        } else {
            self.string(key)
        };
        self.raw(": ");
        span
    }

    /// A string value.
    pub(super) fn string_value(&mut self, s: &str) -> Value {
        let span = self.string(s);
        Value {
            kind: ValueKind::String(s.to_string()),
            span,
        }
    }

    /// As [`Self::key`], for a key known to need no escape.
    pub(super) fn plain_key(&mut self, key: &str) -> Spanned<Cow<'static, str>> {
        let span = self.key_span(key, true);
        Spanned::new(tree_key(key), span)
    }

    /// As [`Self::string_value`], for a string known to need no escape.
    pub(super) fn plain_string_value(&mut self, s: &str) -> Value {
        let span = self.plain_string(s);
        Value {
            kind: ValueKind::String(s.to_string()),
            span,
        }
    }

    /// A finished value that started at `start`.
    pub(super) fn finish(&self, start: Position, kind: ValueKind) -> Value {
        Value {
            kind,
            span: Span::new(start, self.position()),
        }
    }

    /// A quoted string without escapes (the caller knows it needs none); returns its span.
    pub(super) fn plain_string(&mut self, s: &str) -> Span {
        self.quoted(s, chars(s))
    }

    /// A key known to be ASCII without escapes (one of the grammar's names, or a key the
    /// scanner found so), with `": "`.
    pub(super) fn ascii_key_span(&mut self, key: &str) -> Span {
        let span = self.ascii_string(key);
        self.raw(": ");
        span
    }

    /// A string known to be ASCII without escapes (one of the grammar's names, or a string
    /// the scanner found so).
    pub(super) fn ascii_string(&mut self, s: &str) -> Span {
        self.quoted(s, s.len())
    }

    /// `s` quoted as is, `chars` being its length in chars.
    fn quoted(&mut self, s: &str, chars: usize) -> Span {
        let start = self.position();
        self.text.reserve(s.len() + 2);
        self.text.push_str("\"");
        self.text.push_str(s);
        self.text.push_str("\"");
        self.column = S::advance(self.column, chars + 2);
        Span::new(start, self.position())
    }

    /// A quoted string with serde_json's escapes; returns its span.
    pub(super) fn string(&mut self, s: &str) -> Span {
        // Most policy strings need no escape: copy them whole, their chars counted by the same
        // pass when they are ASCII.
        let (escaped, ascii) = first_escaped_and_ascii(s.as_bytes(), 0);
        if escaped == s.len() {
            return if ascii {
                self.ascii_string(s)
            } else {
                self.plain_string(s)
            };
        }
        let start = self.position();
        // Escapes are ASCII: the new chars are the escapes' bytes and the plain runs' chars.
        let mut written_chars = 2;
        self.text.push_str("\"");
        let mut plain = 0;
        for (i, b) in s.bytes().enumerate() {
            let escape: Option<&str> = match b {
                b'"' => Some("\\\""),
                b'\\' => Some("\\\\"),
                b'\n' => Some("\\n"),
                b'\r' => Some("\\r"),
                b'\t' => Some("\\t"),
                0x08 => Some("\\b"),
                0x0c => Some("\\f"),
                0..=0x1f => Some(""),
                _ => None,
            };
            let Some(escape) = escape else { continue };
            let run = s.get(plain..i).unwrap_or("");
            self.text.push_str(run);
            written_chars += chars(run);
            plain = i + 1;
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let digit = |nibble: u8| HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
                let code = [b'\\', b'u', b'0', b'0', digit(b >> 4), digit(b & 0xf)];
                self.text
                    .push_str(std::str::from_utf8(&code).unwrap_or("\\u0000"));
                written_chars += code.len();
            } else {
                self.text.push_str(escape);
                written_chars += escape.len();
            }
        }
        let rest = s.get(plain..).unwrap_or("");
        self.text.push_str(rest);
        written_chars += chars(rest);
        self.text.push_str("\"");
        self.column = S::advance(self.column, written_chars);
        Span::new(start, self.position())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Writer::string` (escape and ASCII found in one pass) writes serde_json's spelling and
    /// counts its chars, whatever the string holds before and after a sixteen-byte step.
    #[test]
    fn strings_are_written_as_serde_spells_them_with_their_chars_counted() {
        let pieces = ["", "a", "é", "😀", "\"", "\\", "\n", "\u{1}", "\u{7f}", "/"];
        let fillers = [
            "",
            "abcdefghijklmnop",
            "abcdefghijklmnopqrstuvw",
            "ééééééééé",
        ];
        for before in fillers {
            for piece in pieces {
                for after in fillers {
                    for tail in pieces {
                        let s = format!("{before}{piece}{after}{tail}");
                        let mut writer = Writer::new(0);
                        writer.raw("x");
                        let span = writer.string(&s);
                        let expected = serde_json::to_string(&s).expect("a string serializes");
                        assert_eq!(writer.text, format!("x{expected}"), "{s:?}");
                        assert_eq!(span.start.column, 2, "{s:?}");
                        let chars =
                            u32::try_from(expected.chars().count()).expect("a short string");
                        assert_eq!(span.end.column, 2 + chars, "{s:?}");
                        assert_eq!(span.end.offset as usize, 1 + expected.len(), "{s:?}");
                        assert_eq!(span.end.line, 1);
                    }
                }
            }
        }
    }

    #[test]
    fn tree_keys_are_static_for_the_grammar_and_copied_otherwise() {
        for name in [
            "Version",
            "Statement",
            "Effect",
            "NotResource",
            "CanonicalUser",
        ] {
            assert!(matches!(tree_key(name), Cow::Borrowed(n) if n == name));
        }
        for other in [
            "version",
            "StringEquals",
            "aws:PrincipalTag/role",
            "",
            "Effect ",
        ] {
            assert!(matches!(tree_key(other), Cow::Owned(n) if n == other));
        }
    }
}

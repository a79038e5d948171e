//! A JSON reader that keeps positions, for policy text as people type it.
//!
//! ```
//! use iamsim_core::json::{self, ValueKind};
//!
//! let doc = json::parse("{\n  \"Effect\": \"Allow\"\n}");
//! let root = doc.value.expect("well-formed");
//! let effect = root.get("Effect").expect("present");
//! assert_eq!(effect.as_str(), Some("Allow"));
//! assert_eq!((effect.span.start.line, effect.span.start.column), (2, 13));
//!
//! let broken = json::parse("{\"a\": 1 \"b\": 2}");
//! assert!(broken.value.is_none());
//! assert_eq!(broken.diagnostics[0].message, "expected `,` or `}` after an object member, found `\"`");
//! # let _ = ValueKind::Null;
//! ```
//!
//! Why our own reader rather than serde_json: every value, key and element needs a span
//! (line, column in chars, byte offset), duplicate keys must be reported rather than silently
//! merged (G1), and the wasm bundle should not pay for a second JSON crate.
//!
//! Behaviour:
//! - The first syntax error stops reading; the document then has no value, and the error says
//!   where (lowercase message, user text in backticks).
//! - Duplicate keys are reported (code `duplicate-key`) and reading goes on; both members are
//!   kept in text order, and [`Value::get`] returns the last, as most JSON readers do.
//! - Nesting deeper than [`MAX_DEPTH`] is an error (`json-too-deep`). Reading never recurses.
//! - Numbers keep their text (`1e999` stays `"1e999"`); lone surrogates in `\u` escapes are
//!   errors; a leading byte-order mark is skipped.
//! - Only `\n` starts a new line; `\r\n` therefore counts as one line break.

mod cursor;
pub(crate) mod escape;
mod reader;
pub(crate) mod scan;
mod value;

pub use reader::{DUPLICATE_KEY, INVALID_UTF8, SYNTAX_ERROR, TOO_DEEP};
pub use value::{Member, Value, ValueKind};

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Deepest nesting of arrays and objects accepted. A policy needs 7.
pub const MAX_DEPTH: usize = 64;

/// The result of reading a text: its value when it is well-formed JSON, and the findings.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonDocument {
    /// `None` when the text has a syntax error, is too deep or is not UTF-8.
    pub value: Option<Value>,
    /// The syntax error (at most one, last) and every duplicate key met before it.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a JSON text. Never panics; linear in the length of the text.
pub fn parse(text: &str) -> JsonDocument {
    reader::read(text)
}

/// Reads JSON from raw bytes, reporting invalid UTF-8 with its position.
pub fn parse_bytes(bytes: &[u8]) -> JsonDocument {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(error) => {
            let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
            // The prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let mut cursor = cursor::Cursor::new(prefix);
            while cursor.bump().is_some() {}
            let start = cursor.position();
            let mut end = start;
            let bad_len = error.error_len().unwrap_or(1);
            end.offset = end
                .offset
                .saturating_add(u32::try_from(bad_len).unwrap_or(1));
            end.column = end.column.saturating_add(1);
            let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
            let message = if utf16 {
                "the text is UTF-16: save it as UTF-8".to_string()
            } else {
                format!(
                    "invalid UTF-8 at line {}, column {} (byte {}): the text must be UTF-8",
                    start.line, start.column, start.offset
                )
            };
            JsonDocument {
                value: None,
                diagnostics: vec![Diagnostic::error(
                    INVALID_UTF8,
                    message,
                    Some(Span::new(start, end)),
                )],
            }
        }
    }
}

#[cfg(test)]
mod tests;

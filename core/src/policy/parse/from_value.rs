//! A policy given as a `serde_json::Value` (a scenario's `document` object) to the text it is
//! shown as and the spanned JSON tree the grammar reads, in one pass.
//!
//! The text is exactly `serde_json::to_string_pretty`'s (two-space indent, `": "`, `{}`/`[]` for
//! empty containers, serde_json's string escapes and number spelling), and the tree is exactly what
//! [`crate::json::parse`] reads back from that text: same values, same spans. Writing both at once
//! saves rendering the text and reading it again (a large share of preparing a scenario).

use crate::json::{Member, Value, ValueKind, MAX_DEPTH};
use crate::span::{Position, Span, Spanned};

/// The pretty text and its tree; `None` when the document nests deeper than the reader accepts
/// (the caller then takes the slow path, which reports it).
pub(super) fn render(value: &serde_json::Value) -> Option<(String, Value)> {
    let mut w = Writer {
        text: String::with_capacity(512),
        line: 1,
        column: 1,
    };
    let tree = w.value(value, 0)?;
    Some((w.text, tree))
}

struct Writer {
    text: String,
    line: u32,
    /// 1-based, in chars.
    column: u32,
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Writer {
    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
            offset: u32_of(self.text.len()),
        }
    }

    /// ASCII punctuation without line breaks.
    fn raw(&mut self, s: &str) {
        self.text.push_str(s);
        self.column = self.column.saturating_add(u32_of(s.len()));
    }

    fn newline(&mut self, depth: usize) {
        self.text.push('\n');
        self.line = self.line.saturating_add(1);
        self.column = 1;
        for _ in 0..depth {
            self.raw("  ");
        }
    }

    /// A quoted string with serde_json's escapes; returns its span.
    fn string(&mut self, s: &str) -> Span {
        let start = self.position();
        // Most policy strings need no escape: copy them whole.
        if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
            self.text.push('"');
            self.text.push_str(s);
            self.text.push('"');
            let chars = if s.is_ascii() {
                s.len()
            } else {
                s.chars().count()
            };
            self.column = self.column.saturating_add(u32_of(chars + 2));
            return Span::new(start, self.position());
        }
        let from = self.text.len();
        self.text.push('"');
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
            self.text.push_str(s.get(plain..i).unwrap_or(""));
            plain = i + 1;
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.text.push_str("\\u00");
                for nibble in [b >> 4, b & 0xf] {
                    self.text.push(char::from(
                        HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
                    ));
                }
            } else {
                self.text.push_str(escape);
            }
        }
        self.text.push_str(s.get(plain..).unwrap_or(""));
        self.text.push('"');
        // Escapes are ASCII, so the new chars are the bytes that do not continue a UTF-8 sequence.
        let written = self.text.get(from..).unwrap_or("");
        let chars = written.bytes().filter(|b| b & 0xC0 != 0x80).count();
        self.column = self.column.saturating_add(u32_of(chars));
        Span::new(start, self.position())
    }

    fn value(&mut self, v: &serde_json::Value, depth: usize) -> Option<Value> {
        let start = self.position();
        let kind = match v {
            serde_json::Value::Null => {
                self.raw("null");
                ValueKind::Null
            }
            serde_json::Value::Bool(b) => {
                self.raw(if *b { "true" } else { "false" });
                ValueKind::Bool(*b)
            }
            serde_json::Value::Number(n) => {
                // serde_json writes numbers as their Display form (itoa / ryu): ASCII.
                let text = n.to_string();
                self.raw(&text);
                ValueKind::Number(text)
            }
            serde_json::Value::String(s) => {
                let span = self.string(s);
                return Some(Value {
                    kind: ValueKind::String(s.clone()),
                    span,
                });
            }
            serde_json::Value::Array(items) => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.raw("[");
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(",");
                    }
                    self.newline(depth + 1);
                    out.push(self.value(item, depth + 1)?);
                }
                if !items.is_empty() {
                    self.newline(depth);
                }
                self.raw("]");
                ValueKind::Array(out)
            }
            serde_json::Value::Object(members) => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.raw("{");
                let mut out = Vec::with_capacity(members.len());
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        self.raw(",");
                    }
                    self.newline(depth + 1);
                    let key_span = self.string(key);
                    self.raw(": ");
                    let value = self.value(value, depth + 1)?;
                    out.push(Member {
                        key: Spanned::new(key.clone(), key_span),
                        value,
                    });
                }
                if !members.is_empty() {
                    self.newline(depth);
                }
                self.raw("}");
                ValueKind::Object(out)
            }
        };
        Some(Value {
            kind,
            span: Span::new(start, self.position()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The one-pass rendering equals rendering with serde_json and reading the text back.
    fn same_as_slow_path(value: &serde_json::Value) {
        let slow_text = serde_json::to_string_pretty(value).expect("renders");
        let slow = crate::json::parse(&slow_text);
        match render(value) {
            Some((text, tree)) => {
                assert_eq!(text, slow_text);
                assert_eq!(Some(tree), slow.value);
                assert!(slow.diagnostics.is_empty());
            }
            None => assert!(slow.value.is_none()),
        }
    }

    #[test]
    fn g1_text_and_spans_match_the_reader() {
        let cases = [
            json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:Put*"], "Resource": "*",
                "Condition": {"NumericLessThan": {"s3:max-keys": 10.5, "x": -3, "y": 1e300},
                "Bool": {"aws:SecureTransport": true}, "Null": {"k": null}}}]}),
            json!({"Statement": {}, "Id": [], "x": [[], {}, [1, [2, {"a": []}]]]}),
            json!({"é\"\\\n\t\r\u{8}\u{c}\u{1}\u{1f}\u{7f}": "Straße 😀 \u{0}\u{1b}"}),
            json!("just a string"),
            json!([1, "two", null, false]),
            json!(12345678901234567890u64),
            json!({}),
        ];
        for case in &cases {
            same_as_slow_path(case);
        }
    }

    #[test]
    fn too_deep_documents_take_the_slow_path() {
        let mut deep = json!(1);
        for _ in 0..MAX_DEPTH {
            deep = json!([deep]);
        }
        assert!(render(&deep).is_some());
        same_as_slow_path(&deep);
        let deeper = json!({ "a": deep });
        assert!(render(&deeper).is_none());
        same_as_slow_path(&deeper);
    }
}

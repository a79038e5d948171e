//! A policy document given as JSON source text (an object inside a scenario line) to the pretty
//! text and spanned tree that [`super::from_value`] writes for the `serde_json::Value` read from
//! that source — without building the `Value`.
//!
//! Only a plain vocabulary is taken: integers as written (serde_json writes other numbers in its
//! own spelling), objects without repeated keys (serde_json keeps the first position and the last
//! value), nesting within [`MAX_DEPTH`], well-formed text. Anything else gives `None`, and the
//! caller takes the `Value` path, so the result is the same either way.

use super::pretty::Writer;
use crate::json::scan::{is_plain_integer, Scanner};
use crate::json::{Member, Value, ValueKind, MAX_DEPTH};
use std::borrow::Cow;

/// Objects with more members than this take the `Value` path (repeated keys are checked by a
/// scan of the members read so far).
const MAX_MEMBERS: usize = 256;

/// The pretty text and its tree, or `None` when `source` is outside the plain vocabulary.
#[cfg(test)]
pub(super) fn render(source: &str) -> Option<(String, Value)> {
    let mut scanner = Scanner::new(source);
    let rendered = render_at(&mut scanner)?;
    scanner.at_end().then_some(rendered)
}

/// Renders the value at the scanner (inside a longer text); `None` when it is outside the plain
/// vocabulary, the scanner then left anywhere inside it.
pub(super) fn render_at(scanner: &mut Scanner<'_>) -> Option<(String, Value)> {
    // The pretty text is about twice the compact source (indentation, `": "`); the rest of the
    // text bounds the source.
    let mut w = Writer::new(scanner.rest_len().min(1 << 16) * 2 + 64);
    let tree = write_value(scanner, &mut w, 0)?;
    Some((w.text, tree))
}

fn write_value(s: &mut Scanner<'_>, w: &mut Writer, depth: usize) -> Option<Value> {
    s.skip_whitespace();
    let start = w.position();
    let kind = match s.peek()? {
        b'"' => {
            return Some(match s.string()? {
                // A string read without escapes needs none when written.
                Cow::Borrowed(plain) => w.plain_string_value(plain),
                Cow::Owned(decoded) => w.string_value(&decoded),
            });
        }
        b'-' | b'0'..=b'9' => {
            let number = s.number()?;
            if !is_plain_integer(number) {
                return None;
            }
            w.raw(number);
            ValueKind::Number(number.to_string())
        }
        b't' if s.eat_word("true") => {
            w.raw("true");
            ValueKind::Bool(true)
        }
        b'f' if s.eat_word("false") => {
            w.raw("false");
            ValueKind::Bool(false)
        }
        b'n' if s.eat_word("null") => {
            w.raw("null");
            ValueKind::Null
        }
        b'[' if depth < MAX_DEPTH => {
            s.eat(b'[');
            w.raw("[");
            // Room for a short list of actions or resources without growing.
            let mut items = Vec::with_capacity(4);
            if !s.eat(b']') {
                loop {
                    w.element(items.len(), depth);
                    items.push(write_value(s, w, depth + 1)?);
                    if s.eat(b']') {
                        break;
                    }
                    if !s.eat(b',') {
                        return None;
                    }
                }
            }
            w.close(items.len(), depth, "]");
            ValueKind::Array(items)
        }
        b'{' if depth < MAX_DEPTH => {
            s.eat(b'{');
            w.raw("{");
            // Room for a statement's elements without growing.
            let mut members: Vec<Member> = Vec::with_capacity(8);
            if !s.eat(b'}') {
                loop {
                    let key = s.string()?;
                    let repeated = members.iter().any(|m| m.key.value == *key);
                    if repeated || members.len() >= MAX_MEMBERS || !s.eat(b':') {
                        return None;
                    }
                    w.element(members.len(), depth);
                    let key = match key {
                        Cow::Borrowed(plain) => w.plain_key(plain),
                        Cow::Owned(decoded) => w.key(&decoded),
                    };
                    let value = write_value(s, w, depth + 1)?;
                    members.push(Member { key, value });
                    if s.eat(b'}') {
                        break;
                    }
                    if !s.eat(b',') {
                        return None;
                    }
                }
            }
            w.close(members.len(), depth, "}");
            ValueKind::Object(members)
        }
        _ => return None,
    };
    Some(w.finish(start, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The source path equals the `Value` path on the value serde_json reads from the source.
    fn same_as_value_path(source: &str) -> bool {
        let value: serde_json::Value = serde_json::from_str(source).expect("valid JSON");
        let expected = super::super::from_value::render(&value);
        match render(source) {
            Some(rendered) => {
                assert_eq!(Some(&rendered), expected.as_ref(), "{source}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn g1_source_renders_like_the_value() {
        let taken = [
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:Put*"],"Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":10,"x":-3,"y":12345678901234567},"Bool":{"aws:SecureTransport":true},"Null":{"k":null}}}]}"#,
            " { \"Statement\" : {} , \"Id\" : [ ] , \"x\" : [[], {}, [1, [2, {\"a\": []}]]] } ",
            r#"{"é\"\\\n\t\r\b\f\u0001\u001f\u007f\/": "Straße 😀 \u0000\u001b\u00e9"}"#,
            r#""just a string""#,
            r#"[1, "two", null, false, true]"#,
            "0",
            "{}",
        ];
        for source in taken {
            assert!(same_as_value_path(source), "not taken: {source}");
        }
        let left_to_the_value_path = [
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": 10.5}"#,
            r#"{"a": 1e3}"#,
            r#"{"a": -0}"#,
            r#"{"a": 12345678901234567890}"#,
            r#"{"a": "\ud83d\ude00"}"#,
        ];
        for source in left_to_the_value_path {
            assert!(!same_as_value_path(source), "taken: {source}");
        }
    }

    #[test]
    fn too_deep_or_malformed_sources_are_left_to_the_value_path() {
        let deep = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(same_as_value_path(&deep));
        let deeper = format!("{{\"a\": {deep}}}");
        assert!(render(&deeper).is_none());
        for bad in [
            "{\"a\" 1}",
            "[1,]",
            "{\"a\":1} x",
            "",
            "tru",
            "{\"a\":1,}",
            "\"\u{1}\"",
        ] {
            assert!(render(bad).is_none(), "{bad}");
        }
    }
}

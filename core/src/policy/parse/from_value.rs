//! A policy given as a `serde_json::Value` (a scenario's `document` object) to the text it is
//! shown as and the spanned JSON tree the grammar reads, in one pass.
//!
//! The text is exactly `serde_json::to_string_pretty`'s (two-space indent, `": "`, `{}`/`[]` for
//! empty containers, serde_json's string escapes and number spelling), and the tree is exactly what
//! [`crate::json::parse`] reads back from that text: same values, same spans. Writing both at once
//! saves rendering the text and reading it again (a large share of preparing a scenario).

use super::pretty::Writer;
use crate::json::{Member, Value, ValueKind, MAX_DEPTH};

/// The pretty text and its tree; `None` when the document nests deeper than the reader accepts
/// (the caller then takes the slow path, which reports it).
pub(super) fn render(value: &serde_json::Value) -> Option<(String, Value)> {
    let mut w = Writer::new(512);
    let tree = write_value(&mut w, value, 0)?;
    Some((w.text, tree))
}

fn write_value(w: &mut Writer, v: &serde_json::Value, depth: usize) -> Option<Value> {
    let start = w.position();
    let kind = match v {
        serde_json::Value::Null => {
            w.raw("null");
            ValueKind::Null
        }
        serde_json::Value::Bool(b) => {
            w.raw(if *b { "true" } else { "false" });
            ValueKind::Bool(*b)
        }
        serde_json::Value::Number(n) => {
            // serde_json writes numbers as their Display form (itoa / ryu): ASCII.
            let text = n.to_string();
            w.raw(&text);
            ValueKind::Number(text)
        }
        serde_json::Value::String(s) => return Some(w.string_value(s)),
        serde_json::Value::Array(items) => {
            if depth >= MAX_DEPTH {
                return None;
            }
            w.raw("[");
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                w.element(i, depth);
                out.push(write_value(w, item, depth + 1)?);
            }
            w.close(items.len(), depth, "]");
            ValueKind::Array(out)
        }
        serde_json::Value::Object(members) => {
            if depth >= MAX_DEPTH {
                return None;
            }
            w.raw("{");
            let mut out = Vec::with_capacity(members.len());
            for (i, (key, value)) in members.iter().enumerate() {
                w.element(i, depth);
                let key = w.key(key);
                let value = write_value(w, value, depth + 1)?;
                out.push(Member { key, value });
            }
            w.close(members.len(), depth, "}");
            ValueKind::Object(out)
        }
    };
    Some(w.finish(start, kind))
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

//! A result as one line of JSON, written straight into a byte buffer: the CLI's output.
//!
//! The bytes are exactly those of `serde_json::to_writer(result)` (same field order, same
//! skipped fields, same escaping), at about a third of the cost: strings are escaped by copying
//! whole runs of plain bytes (found eight bytes at a time) instead of through serde's
//! formatter, and numbers are written without `fmt`. `tests/result_writer.rs` checks the bytes
//! against serde_json on every corpus result.

use super::result::{
    ContextEntry, EvaluationResult, Layer, LayerKind, LayerVerdict, PolicyTrace, Reason,
};
use crate::condition::ConditionTrace;
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::escape::escape_mask;
use crate::matching::{ElementTrace, PrincipalMatchKind, StatementTrace};
use crate::policy::Effect;
use crate::span::{Position, Span};

/// Appends `result` as compact JSON (no newline).
pub fn write_result_json(result: &EvaluationResult, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"decision\":");
    string(out, result.decision.as_str());
    out.extend_from_slice(b",\"reasons\":");
    list(out, &result.reasons, reason);
    out.extend_from_slice(b",\"layers\":");
    list(out, &result.layers, layer);
    out.extend_from_slice(b",\"trace\":");
    list(out, &result.trace, policy_trace);
    out.extend_from_slice(b",\"missingContextKeys\":");
    strings(out, &result.missing_context_keys);
    out.extend_from_slice(b",\"diagnostics\":");
    list(out, &result.diagnostics, diagnostic);
    out.extend_from_slice(b",\"context\":");
    list(out, &result.context, context_entry);
    if !result.notes.is_empty() {
        out.extend_from_slice(b",\"notes\":");
        strings(out, &result.notes);
    }
    out.push(b'}');
}

fn reason(out: &mut Vec<u8>, r: &Reason) {
    out.extend_from_slice(b"{\"policy\":");
    string(out, &r.policy);
    out.extend_from_slice(b",\"type\":");
    string(out, layer_kind(r.kind));
    if let Some(level) = r.level {
        out.extend_from_slice(b",\"level\":");
        number(out, level as u64);
    }
    if let Some(statement) = r.statement {
        out.extend_from_slice(b",\"statement\":");
        number(out, statement as u64);
    }
    if let Some(sid) = &r.sid {
        out.extend_from_slice(b",\"sid\":");
        string(out, sid);
    }
    if let Some(s) = &r.span {
        out.extend_from_slice(b",\"span\":");
        span(out, s);
    }
    if let Some(e) = r.effect {
        out.extend_from_slice(b",\"effect\":");
        string(out, effect(e));
    }
    out.extend_from_slice(b",\"message\":");
    string(out, &r.message);
    out.push(b'}');
}

fn layer(out: &mut Vec<u8>, l: &Layer) {
    out.extend_from_slice(b"{\"type\":");
    string(out, layer_kind(l.kind));
    if let Some(level) = l.level {
        out.extend_from_slice(b",\"level\":");
        number(out, level as u64);
    }
    out.extend_from_slice(b",\"label\":");
    string(out, &l.label);
    out.extend_from_slice(b",\"verdict\":");
    string(out, verdict(l.verdict));
    out.extend_from_slice(b",\"explanation\":");
    string(out, &l.explanation);
    out.extend_from_slice(b",\"decisive\":");
    boolean(out, l.decisive);
    out.push(b'}');
}

fn policy_trace(out: &mut Vec<u8>, p: &PolicyTrace) {
    out.extend_from_slice(b"{\"policy\":");
    string(out, &p.policy);
    out.extend_from_slice(b",\"type\":");
    string(out, layer_kind(p.kind));
    if let Some(level) = p.level {
        out.extend_from_slice(b",\"level\":");
        number(out, level as u64);
    }
    out.extend_from_slice(b",\"evaluated\":");
    boolean(out, p.evaluated);
    out.extend_from_slice(b",\"statements\":");
    list(out, &p.statements, statement_trace);
    out.push(b'}');
}

fn statement_trace(out: &mut Vec<u8>, s: &StatementTrace) {
    out.extend_from_slice(b"{\"index\":");
    number(out, s.index as u64);
    if let Some(sid) = &s.sid {
        out.extend_from_slice(b",\"sid\":");
        string(out, sid);
    }
    out.extend_from_slice(b",\"effect\":");
    match s.effect {
        Some(e) => string(out, effect(e)),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"span\":");
    span(out, &s.span);
    out.extend_from_slice(b",\"matched\":");
    boolean(out, s.matched);
    if let Some(skipped) = &s.skipped {
        out.extend_from_slice(b",\"skipped\":");
        string(out, skipped);
    }
    if let Some(p) = &s.principal {
        out.extend_from_slice(b",\"principal\":");
        element_trace(out, p);
    }
    if let Some(kind) = s.principal_match {
        out.extend_from_slice(b",\"principalMatch\":");
        string(out, principal_match(kind));
    }
    if let Some(a) = &s.action {
        out.extend_from_slice(b",\"action\":");
        element_trace(out, a);
    }
    if let Some(r) = &s.resource {
        out.extend_from_slice(b",\"resource\":");
        element_trace(out, r);
    }
    if !s.conditions.is_empty() {
        out.extend_from_slice(b",\"conditions\":");
        list(out, &s.conditions, condition_trace);
    }
    if !s.missing_keys.is_empty() {
        out.extend_from_slice(b",\"missingKeys\":");
        strings(out, &s.missing_keys);
    }
    out.push(b'}');
}

fn element_trace(out: &mut Vec<u8>, e: &ElementTrace) {
    out.extend_from_slice(b"{\"element\":");
    string(out, e.element);
    out.extend_from_slice(b",\"matched\":");
    boolean(out, e.matched);
    out.extend_from_slice(b",\"negated\":");
    boolean(out, e.negated);
    if let Some(pattern) = &e.pattern {
        out.extend_from_slice(b",\"pattern\":");
        string(out, pattern);
    }
    if let Some(resolved) = &e.resolved {
        out.extend_from_slice(b",\"resolved\":");
        string(out, resolved);
    }
    out.extend_from_slice(b",\"note\":");
    string(out, &e.note);
    out.push(b'}');
}

fn condition_trace(out: &mut Vec<u8>, c: &ConditionTrace) {
    out.extend_from_slice(b"{\"operator\":");
    string(out, &c.operator);
    out.extend_from_slice(b",\"key\":");
    string(out, &c.key);
    if let Some(values) = &c.request_values {
        out.extend_from_slice(b",\"requestValues\":");
        strings(out, values);
    }
    out.extend_from_slice(b",\"policyValues\":");
    strings(out, &c.policy_values);
    out.extend_from_slice(b",\"result\":");
    boolean(out, c.result);
    out.extend_from_slice(b",\"note\":");
    string(out, &c.note);
    out.extend_from_slice(b",\"span\":");
    span(out, &c.span);
    out.push(b'}');
}

fn diagnostic(out: &mut Vec<u8>, d: &Diagnostic) {
    out.extend_from_slice(b"{\"severity\":");
    string(out, severity(d.severity));
    out.extend_from_slice(b",\"code\":");
    string(out, &d.code);
    out.extend_from_slice(b",\"message\":");
    string(out, &d.message);
    if let Some(s) = &d.span {
        out.extend_from_slice(b",\"span\":");
        span(out, s);
    }
    if let Some(fix) = &d.fix {
        out.extend_from_slice(b",\"fix\":");
        string(out, fix);
    }
    if let Some(policy) = &d.policy {
        out.extend_from_slice(b",\"policy\":");
        string(out, policy);
    }
    if let Some(statement) = d.statement {
        out.extend_from_slice(b",\"statement\":");
        number(out, statement as u64);
    }
    out.push(b'}');
}

fn context_entry(out: &mut Vec<u8>, c: &ContextEntry) {
    out.extend_from_slice(b"{\"key\":");
    string(out, &c.key);
    out.extend_from_slice(b",\"values\":");
    strings(out, &c.values);
    out.extend_from_slice(b",\"multiValued\":");
    boolean(out, c.multi_valued);
    out.extend_from_slice(b",\"derived\":");
    boolean(out, c.derived);
    out.push(b'}');
}

fn span(out: &mut Vec<u8>, s: &Span) {
    out.extend_from_slice(b"{\"start\":");
    position(out, &s.start);
    out.extend_from_slice(b",\"end\":");
    position(out, &s.end);
    out.push(b'}');
}

fn position(out: &mut Vec<u8>, p: &Position) {
    out.extend_from_slice(b"{\"line\":");
    number(out, u64::from(p.line));
    out.extend_from_slice(b",\"column\":");
    number(out, u64::from(p.column));
    out.extend_from_slice(b",\"offset\":");
    number(out, u64::from(p.offset));
    out.push(b'}');
}

// The enums' serde names (`rename_all = "camelCase"` where the type says so).

fn layer_kind(kind: LayerKind) -> &'static str {
    match kind {
        LayerKind::Rcp => "rcp",
        LayerKind::Scp => "scp",
        LayerKind::VpcEndpoint => "vpcEndpoint",
        LayerKind::Resource => "resource",
        LayerKind::Identity => "identity",
        LayerKind::PermissionsBoundary => "permissionsBoundary",
        LayerKind::Session => "session",
    }
}

fn verdict(v: LayerVerdict) -> &'static str {
    match v {
        LayerVerdict::Allow => "Allow",
        LayerVerdict::ExplicitDeny => "ExplicitDeny",
        LayerVerdict::ImplicitDeny => "ImplicitDeny",
        LayerVerdict::NotEvaluated => "NotEvaluated",
    }
}

fn effect(e: Effect) -> &'static str {
    match e {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    }
}

fn principal_match(kind: PrincipalMatchKind) -> &'static str {
    match kind {
        PrincipalMatchKind::Star => "star",
        PrincipalMatchKind::Account => "account",
        PrincipalMatchKind::Direct => "direct",
        PrincipalMatchKind::Role => "role",
        PrincipalMatchKind::FedUser => "fedUser",
        PrincipalMatchKind::Service => "service",
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::SecurityWarning => "securityWarning",
        Severity::Warning => "warning",
        Severity::Suggestion => "suggestion",
    }
}

// JSON primitives.

fn list<T>(out: &mut Vec<u8>, items: &[T], write: fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

fn strings(out: &mut Vec<u8>, items: &[String]) {
    list(out, items, |out, s| string(out, s));
}

fn boolean(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// A decimal number, as serde_json (itoa) writes it.
fn number(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// serde_json's escape for `byte`, if it needs one (`None` for plain bytes).
fn escape(byte: u8) -> Option<&'static [u8]> {
    Some(match byte {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        b'\n' => b"\\n",
        b'\t' => b"\\t",
        b'\r' => b"\\r",
        0x08 => b"\\b",
        0x0c => b"\\f",
        0x00..=0x1f => b"",
        _ => return None,
    })
}

/// Writes the escape of `bytes[i]` after the plain run `bytes[*run_start..i]`.
fn escape_at(out: &mut Vec<u8>, bytes: &[u8], run_start: &mut usize, i: usize, code: &[u8]) {
    out.extend_from_slice(bytes.get(*run_start..i).unwrap_or_default());
    if code.is_empty() {
        // Other control characters: `\u00xx`, lowercase hex as serde_json writes it.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let byte = bytes.get(i).copied().unwrap_or_default();
        out.extend_from_slice(b"\\u00");
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0xf)]);
    } else {
        out.extend_from_slice(code);
    }
    *run_start = i + 1;
}

/// A JSON string with serde_json's escapes: `\\"`, `\\\\`, `\\b \\t \\n \\f \\r`, other control
/// characters as `\\u00xx`; everything else (DEL and non-ASCII included) as is. Plain bytes are
/// skipped eight at a time and copied as whole runs.
fn string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run_start = 0;
    let mut i = 0;
    while let Some(word) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let mask = escape_mask(u64::from_le_bytes(*word));
        if mask == 0 {
            i += 8;
            continue;
        }
        i += (mask.trailing_zeros() / 8) as usize;
        let byte = bytes.get(i).copied().unwrap_or_default();
        escape_at(
            out,
            bytes,
            &mut run_start,
            i,
            escape(byte).unwrap_or_default(),
        );
        i += 1;
    }
    while let Some(&byte) = bytes.get(i) {
        if let Some(code) = escape(byte) {
            escape_at(out, bytes, &mut run_start, i, code);
        }
        i += 1;
    }
    out.extend_from_slice(bytes.get(run_start..).unwrap_or_default());
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde_string(text: &str) -> String {
        serde_json::to_string(text).unwrap_or_default()
    }

    fn ours(text: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, text);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        // Every ASCII byte and some non-ASCII, alone and at every place of a run longer than
        // a word (the eight-byte skip must not step over a byte to escape).
        let mut specials: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        specials.extend(["é", "\u{2028}", "😀", "\u{7f}", "日本"].map(String::from));
        for special in &specials {
            assert_eq!(ours(special), serde_string(special), "{special:?}");
            for before in 0..20 {
                for after in [0, 1, 7, 8, 9, 17] {
                    let text = format!("{}{special}{}", "a".repeat(before), "b".repeat(after));
                    assert_eq!(ours(&text), serde_string(&text), "{text:?}");
                }
            }
        }
        let mixed = "line\none\t\"quoted\" back\\slash \u{1}\u{1f} ünïcode ${aws:username}/*";
        assert_eq!(ours(mixed), serde_string(mixed));
        // Several escapes within one eight-byte word.
        let dense = "\"\\\"\\\n\u{0}x\"y\t\\\"\\\"z";
        assert_eq!(ours(dense), serde_string(dense));
        assert_eq!(ours(""), serde_string(""));
    }

    #[test]
    fn numbers_are_written_as_serde_json_writes_them() {
        for n in [
            0u64,
            1,
            9,
            10,
            99,
            100,
            12345,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let mut out = Vec::new();
            number(&mut out, n);
            assert_eq!(out, serde_json::to_vec(&n).unwrap_or_default());
        }
    }
}

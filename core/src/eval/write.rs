//! A result as one line of JSON, written straight into a byte buffer: the CLI's output.
//!
//! The bytes are exactly those of `serde_json::to_writer(result)` (same field order, same
//! skipped fields, same escaping), at about a third of the cost: strings are escaped by copying
//! whole runs of plain bytes (found eight bytes at a time) instead of through serde's
//! formatter, and numbers are written without `fmt`. `tests/result_writer.rs` checks the bytes
//! against serde_json on every corpus result.
//!
//! The same pieces write an explanation that was never an owned result
//! ([`super::write_evaluation_json`], the CLI's path): its decision view ([`write_decision`]),
//! its trace as it is worked out ([`TraceWriter`]) and the rest ([`write_tail`]). The test
//! `direct_writing_agrees_with_the_owned_results_bytes` checks that both give the same bytes.

use super::context::DerivedKeys;
use super::layers::{DecisionView, RequestWords, TraceSink};
use super::prepare::PreparedPolicy;
use super::result::{
    ContextEntry, ContextValues, Decision, EvaluationResult, Layer, LayerKind, LayerVerdict,
    PolicyTrace, Reason,
};
use crate::condition::{ConditionTrace, ConditionView};
use crate::context::{
    ContextStep, ContextValue, RequestContext, SlotRun, Values, DERIVED, DERIVED_BETWEEN,
    DERIVED_CLOSING, DERIVED_OPENINGS,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::escape::escape_mask;
use crate::matching::small_list::SmallList;
use crate::matching::statement::{ElementName, ElementView, NoteView, StatementView};
use crate::matching::{ElementTrace, PrincipalMatchKind, StatementTrace};
use crate::note::{around_notes, AroundNote, Note, SharedText, Spell};
use crate::policy::Effect;
use crate::span::Span;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

/// Appends `result` as compact JSON (no newline).
///
/// Fixed text is written in runs as long as the format allows (a key with the quote that opens
/// its value, the closing quote with the next key, enum values with their keys), so most fields
/// cost one copy of known length besides their escaped text.
pub fn write_result_json(result: &EvaluationResult, out: &mut Vec<u8>) {
    decision_head(out, result.decision);
    list(out, &result.reasons, reason);
    out.extend_from_slice(b",\"layers\":");
    list(out, &result.layers, layer);
    out.extend_from_slice(b",\"trace\":");
    list(out, &result.trace, policy_trace);
    write_tail(
        out,
        &result.missing_context_keys,
        result.diagnostics.iter(),
        |out| list(out, &result.context, context_entry),
        result.notes.iter().map(String::as_str),
    );
}

/// `{"decision":"…","reasons":`
fn decision_head(out: &mut Vec<u8>, decision: Decision) {
    match decision {
        Decision::Allow => out.extend_from_slice(b"{\"decision\":\"Allow\",\"reasons\":"),
        Decision::ExplicitDeny => {
            out.extend_from_slice(b"{\"decision\":\"ExplicitDeny\",\"reasons\":")
        }
        Decision::ImplicitDeny => {
            out.extend_from_slice(b"{\"decision\":\"ImplicitDeny\",\"reasons\":")
        }
    }
}

/// The decision, its reasons and its layers, their sentences spelled straight into `out`:
/// the start of a result, up to `"trace"`. Returns the first reason's span as written, which
/// the trace copies for its statement.
pub(crate) fn write_decision(
    out: &mut Vec<u8>,
    view: &DecisionView,
    words: RequestWords,
) -> Option<WrittenSpan> {
    decision_head(out, view.decision);
    // Where each reason that repeats a layer's explanation wrote it (by the layer's row): the
    // layer copies those bytes instead of spelling the sentence again.
    let mut repeated: SmallList<(usize, Range<usize>)> = SmallList::default();
    let mut first_span = None;
    list(out, &view.reasons, |out, r| {
        let written = reason_fields(
            out,
            |out| r.policy.spell(&mut JsonText(out)),
            (r.kind, r.level, r.statement),
            r.sid,
            r.span.as_ref(),
            r.effect,
            |out| {
                let start = out.len();
                r.message.spell(words, &mut JsonText(out));
                if let Some(row) = r.row {
                    repeated.push((row, start..out.len()));
                }
            },
        );
        if first_span.is_none() {
            first_span = r
                .span
                .zip(written)
                .map(|(span, bytes)| WrittenSpan { span, bytes });
        }
    });
    out.extend_from_slice(b",\"layers\":[");
    for (i, l) in view.rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        layer_fields(
            out,
            (l.kind, l.level),
            |out| l.label.spell(&mut JsonText(out)),
            l.verdict,
            |out| match repeated.iter().find(|(row, _)| *row == i) {
                Some((_, written)) => out.extend_from_within(written.clone()),
                None => l.explanation.spell(words, &mut JsonText(out)),
            },
            l.decisive,
        );
    }
    out.push(b']');
    first_span
}

/// A span as a reason wrote it, and where: a statement of the trace with the same span copies
/// those bytes instead of writing the numbers again (the reason names a deciding statement).
#[derive(Clone, Debug)]
pub(crate) struct WrittenSpan {
    span: Span,
    bytes: Range<usize>,
}

/// `s` written, or copied from where a reason wrote the same span.
fn span_or_copy(out: &mut Vec<u8>, s: &Span, written: Option<&WrittenSpan>) {
    match written.filter(|w| w.span == *s) {
        Some(w) => out.extend_from_within(w.bytes.clone()),
        None => span(out, s),
    }
}

/// What follows the trace: the missing keys, the diagnostics, the context and the notes, and
/// the result's closing brace.
pub(crate) fn write_tail<'d, 'n, K: std::ops::Deref<Target = str>>(
    out: &mut Vec<u8>,
    missing: &[K],
    diagnostics: impl Iterator<Item = &'d Diagnostic>,
    context: impl FnOnce(&mut Vec<u8>),
    mut notes: impl Iterator<Item = &'n str>,
) {
    out.extend_from_slice(b",\"missingContextKeys\":");
    strings(out, missing);
    out.extend_from_slice(b",\"diagnostics\":[");
    for (i, d) in diagnostics.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        diagnostic(out, d);
    }
    out.extend_from_slice(b"],\"context\":");
    context(out);
    if let Some(first) = notes.next() {
        out.extend_from_slice(b",\"notes\":[\"");
        body(out, first);
        for note in notes {
            out.extend_from_slice(b"\",\"");
            body(out, note);
        }
        out.extend_from_slice(b"\"]");
    }
    out.push(b'}');
}

/// A sentence spelled inside a JSON string: the input's texts escaped, fixed phrases copied.
pub(crate) struct JsonText<'o>(pub &'o mut Vec<u8>);

impl Spell for JsonText<'_> {
    fn fixed(&mut self, phrase: &'static str) {
        debug_assert!(
            !crate::note::needs_escape(phrase),
            "fixed phrases are copied as they are: {phrase}"
        );
        self.0.extend_from_slice(phrase.as_bytes());
    }

    fn text(&mut self, text: &str) {
        body(self.0, text);
    }

    fn plain(&mut self, text: &str) {
        debug_assert!(!crate::note::needs_escape(text));
        self.0.extend_from_slice(text.as_bytes());
    }

    fn number(&mut self, n: usize) {
        number(self.0, n as u64);
    }
}

/// The trace written straight into the output, policy by policy, as it is worked out.
pub(crate) struct TraceWriter<'o> {
    out: &'o mut Vec<u8>,
    /// The first reason's span, as written before the trace.
    reason_span: Option<WrittenSpan>,
    policies: usize,
    statements: usize,
    /// A policy written has diagnostics (most have none: the tail then need not walk the
    /// policies again for them).
    diagnosed: bool,
}

impl<'o> TraceWriter<'o> {
    /// Opens the trace's list.
    pub fn new(out: &'o mut Vec<u8>, reason_span: Option<WrittenSpan>) -> Self {
        out.push(b'[');
        TraceWriter {
            out,
            reason_span,
            policies: 0,
            statements: 0,
            diagnosed: false,
        }
    }

    /// Closes the last policy and the list; returns whether a policy written has diagnostics.
    #[must_use]
    pub fn finish(self) -> bool {
        if self.policies > 0 {
            self.out.extend_from_slice(b"]}");
        }
        self.out.push(b']');
        self.diagnosed
    }
}

impl<'a> TraceSink<'a> for TraceWriter<'_> {
    fn policy(&mut self, policy: &'a PreparedPolicy, evaluated: bool) {
        if self.policies > 0 {
            self.out.extend_from_slice(b"]},");
        }
        policy_trace_head(
            self.out,
            &policy.name,
            (policy.layer, policy.level),
            evaluated,
        );
        self.out.push(b'[');
        self.policies += 1;
        self.statements = 0;
        self.diagnosed |= !policy.diagnostics.is_empty();
    }

    fn statement(&mut self, view: StatementView) {
        if self.statements > 0 {
            self.out.push(b',');
        }
        statement_view(self.out, &view, self.reason_span.as_ref());
        self.statements += 1;
    }
}

fn reason(out: &mut Vec<u8>, r: &Reason) {
    reason_fields(
        out,
        |out| body(out, &r.policy),
        (r.kind, r.level, r.statement),
        r.sid.as_deref(),
        r.span.as_ref(),
        r.effect,
        |out| body(out, &r.message),
    );
}

/// A reason's object; `policy` and `message` write their texts' escaped bodies. Returns where
/// its span was written, if it has one.
fn reason_fields(
    out: &mut Vec<u8>,
    policy: impl FnOnce(&mut Vec<u8>),
    (kind, level, statement): (LayerKind, Option<usize>, Option<usize>),
    sid: Option<&str>,
    at: Option<&Span>,
    effect: Option<Effect>,
    message: impl FnOnce(&mut Vec<u8>),
) -> Option<Range<usize>> {
    out.extend_from_slice(b"{\"policy\":\"");
    policy(out);
    out.extend_from_slice(b"\",");
    layer_type(out, kind);
    optional_number(out, b",\"level\":", level);
    optional_number(out, b",\"statement\":", statement);
    if let Some(sid) = sid {
        out.extend_from_slice(b",\"sid\":\"");
        body(out, sid);
        out.push(b'"');
    }
    let written = at.map(|s| {
        out.extend_from_slice(b",\"span\":");
        let start = out.len();
        span(out, s);
        start..out.len()
    });
    match effect {
        Some(Effect::Allow) => out.extend_from_slice(b",\"effect\":\"Allow\",\"message\":\""),
        Some(Effect::Deny) => out.extend_from_slice(b",\"effect\":\"Deny\",\"message\":\""),
        None => out.extend_from_slice(b",\"message\":\""),
    }
    message(out);
    out.extend_from_slice(b"\"}");
    written
}

fn layer(out: &mut Vec<u8>, l: &Layer) {
    layer_fields(
        out,
        (l.kind, l.level),
        |out| fixed_or_body(out, &l.label, std::iter::once(l.kind.noun())),
        l.verdict,
        |out| body(out, &l.explanation),
        l.decisive,
    );
}

/// A layer's object; `label` and `explanation` write their texts' escaped bodies.
fn layer_fields(
    out: &mut Vec<u8>,
    (kind, level): (LayerKind, Option<usize>),
    label: impl FnOnce(&mut Vec<u8>),
    verdict: LayerVerdict,
    explanation: impl FnOnce(&mut Vec<u8>),
    decisive: bool,
) {
    out.push(b'{');
    layer_type(out, kind);
    optional_number(out, b",\"level\":", level);
    out.extend_from_slice(b",\"label\":\"");
    label(out);
    match verdict {
        LayerVerdict::Allow => {
            out.extend_from_slice(b"\",\"verdict\":\"Allow\",\"explanation\":\"")
        }
        LayerVerdict::ExplicitDeny => {
            out.extend_from_slice(b"\",\"verdict\":\"ExplicitDeny\",\"explanation\":\"")
        }
        LayerVerdict::ImplicitDeny => {
            out.extend_from_slice(b"\",\"verdict\":\"ImplicitDeny\",\"explanation\":\"")
        }
        LayerVerdict::NotEvaluated => {
            out.extend_from_slice(b"\",\"verdict\":\"NotEvaluated\",\"explanation\":\"")
        }
    }
    explanation(out);
    if decisive {
        out.extend_from_slice(b"\",\"decisive\":true}");
    } else {
        out.extend_from_slice(b"\",\"decisive\":false}");
    }
}

fn policy_trace(out: &mut Vec<u8>, p: &PolicyTrace) {
    policy_trace_head(out, &p.policy, (p.kind, p.level), p.evaluated);
    list(out, &p.statements, statement_trace);
    out.push(b'}');
}

/// A policy's trace up to its statements' list.
fn policy_trace_head(
    out: &mut Vec<u8>,
    name: &str,
    (kind, level): (LayerKind, Option<usize>),
    evaluated: bool,
) {
    out.extend_from_slice(b"{\"policy\":\"");
    body(out, name);
    out.extend_from_slice(b"\",");
    layer_type(out, kind);
    optional_number(out, b",\"level\":", level);
    if evaluated {
        out.extend_from_slice(b",\"evaluated\":true,\"statements\":");
    } else {
        out.extend_from_slice(b",\"evaluated\":false,\"statements\":");
    }
}

fn statement_trace(out: &mut Vec<u8>, s: &StatementTrace) {
    statement_head(
        out,
        (s.index, s.sid.as_deref(), s.effect, &s.span),
        s.matched,
        s.skipped.as_deref(),
        None,
    );
    if let Some(p) = &s.principal {
        out.extend_from_slice(b",\"principal\":");
        element_trace(out, p);
    }
    if let Some(kind) = s.principal_match {
        principal_match(out, kind);
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

/// A statement's trace written from its view, as [`statement_trace`] writes the owned trace
/// made from it: no trace, note or list built. `reason_span`: a span the reasons wrote.
fn statement_view(out: &mut Vec<u8>, v: &StatementView, reason_span: Option<&WrittenSpan>) {
    let s = v.statement;
    let applies = v.applies();
    statement_head(
        out,
        (s.index(), s.sid(), s.effect(), &s.span()),
        applies && v.skipped.is_none(),
        v.skipped,
        reason_span,
    );
    if let Some((p, kind)) = &v.principal {
        out.extend_from_slice(b",\"principal\":");
        element_view(out, p);
        if let Some(kind) = kind.filter(|_| applies) {
            principal_match(out, kind);
        }
    }
    if let Some(a) = &v.action {
        out.extend_from_slice(b",\"action\":");
        element_view(out, a);
    }
    if let Some(r) = &v.resource {
        out.extend_from_slice(b",\"resource\":");
        element_view(out, r);
    }
    let conditions = v.conditions();
    if !conditions.is_empty() {
        out.extend_from_slice(b",\"conditions\":");
        list(out, conditions, |out, c| {
            condition_view(out, &c.view(v.context))
        });
    }
    let mut missing = v.missing_keys();
    if let Some(first) = missing.next() {
        out.extend_from_slice(b",\"missingKeys\":[\"");
        body(out, first);
        for key in missing {
            out.extend_from_slice(b"\",\"");
            body(out, key);
        }
        out.extend_from_slice(b"\"]");
    }
    out.push(b'}');
}

/// A statement's trace up to its elements: index, Sid, effect, span (copied when a reason
/// wrote the same one), matched, skipped.
fn statement_head(
    out: &mut Vec<u8>,
    (index, sid, effect, at): (usize, Option<&str>, Option<Effect>, &Span),
    matched: bool,
    skipped: Option<&str>,
    reason_span: Option<&WrittenSpan>,
) {
    out.extend_from_slice(b"{\"index\":");
    number(out, index as u64);
    if let Some(sid) = sid {
        out.extend_from_slice(b",\"sid\":\"");
        body(out, sid);
        out.push(b'"');
    }
    match effect {
        Some(Effect::Allow) => out.extend_from_slice(b",\"effect\":\"Allow\",\"span\":"),
        Some(Effect::Deny) => out.extend_from_slice(b",\"effect\":\"Deny\",\"span\":"),
        None => out.extend_from_slice(b",\"effect\":null,\"span\":"),
    }
    span_or_copy(out, at, reason_span);
    if matched {
        out.extend_from_slice(b",\"matched\":true");
    } else {
        out.extend_from_slice(b",\"matched\":false");
    }
    if let Some(skipped) = skipped {
        out.extend_from_slice(b",\"skipped\":\"");
        body(out, skipped);
        out.push(b'"');
    }
}

fn principal_match(out: &mut Vec<u8>, kind: PrincipalMatchKind) {
    match kind {
        PrincipalMatchKind::Star => out.extend_from_slice(b",\"principalMatch\":\"star\""),
        PrincipalMatchKind::Account => out.extend_from_slice(b",\"principalMatch\":\"account\""),
        PrincipalMatchKind::Direct => out.extend_from_slice(b",\"principalMatch\":\"direct\""),
        PrincipalMatchKind::Role => out.extend_from_slice(b",\"principalMatch\":\"role\""),
        PrincipalMatchKind::FedUser => out.extend_from_slice(b",\"principalMatch\":\"fedUser\""),
        PrincipalMatchKind::Service => out.extend_from_slice(b",\"principalMatch\":\"service\""),
    }
}

fn element_trace(out: &mut Vec<u8>, e: &ElementTrace) {
    element_fields(
        out,
        (
            ElementName::of(e.element).ok_or(e.element),
            e.matched,
            e.negated,
        ),
        e.pattern.as_deref(),
        e.resolved.as_deref(),
        |out, text_open| {
            note_key(out, text_open);
            note(out, &e.note);
            out.extend_from_slice(b"\"}");
        },
    );
}

fn element_view(out: &mut Vec<u8>, e: &ElementView) {
    element_fields(
        out,
        (Ok(e.element), e.matched, e.negated),
        e.pattern.map(|p| &**p),
        e.resolved.as_deref(),
        |out, text_open| match &e.note {
            NoteView::Around(note, text) => {
                around_note_opening(out, *note, text_open);
                named_text(out, text.as_str(), text.is_plain());
                around_note_closing(out, *note);
            }
            NoteView::Fixed(text) => last_note(out, text, text_open),
            NoteView::Owned(text) => last_note(out, text, text_open),
        },
    );
}

/// A note as an element's last field, and the element's closing brace.
fn last_note(out: &mut Vec<u8>, text: &str, text_open: bool) {
    note_key(out, text_open);
    body(out, text);
    out.extend_from_slice(b"\"}");
}

/// An element's `,"note":"`, after the closing quote of the text before it when `text_open`
/// (see [`element_fields`]).
fn note_key(out: &mut Vec<u8>, text_open: bool) {
    if text_open {
        out.extend_from_slice(b"\",\"note\":\"");
    } else {
        out.extend_from_slice(b",\"note\":\"");
    }
}

/// The runs around the request's text in a templated note written as an element's last field:
/// the field's key with the phrase before (after the closing quote of the text before it when
/// `text_open`), the phrase after with the element's closing brace. Each is copied at its own
/// length (no `memcpy` call, no scan: the phrases are ours).
macro_rules! around_note_runs {
    ($($name:ident: $before:literal, $after:literal;)*) => {
        fn around_note_opening(out: &mut Vec<u8>, note: AroundNote, text_open: bool) {
            match (note, text_open) {
                $((AroundNote::$name, false) => {
                    out.extend_from_slice(concat!(",\"note\":\"", $before).as_bytes())
                }
                (AroundNote::$name, true) => {
                    out.extend_from_slice(concat!("\",\"note\":\"", $before).as_bytes())
                })*
            }
        }

        fn around_note_closing(out: &mut Vec<u8>, note: AroundNote) {
            match note {
                $(AroundNote::$name => out.extend_from_slice(concat!($after, "\"}").as_bytes())),*
            }
        }
    };
}
around_notes!(around_note_runs);

/// An element's object; `note_and_close` writes its note field (the last) and closing brace,
/// told whether the pattern's or resolved text's closing quote is still to write (it is written
/// with the next key: one run fewer).
fn element_fields(
    out: &mut Vec<u8>,
    (element, matched, negated): (Result<ElementName, &str>, bool, bool),
    pattern: Option<&str>,
    resolved: Option<&str>,
    note_and_close: impl FnOnce(&mut Vec<u8>, bool),
) {
    match element {
        Ok(name) => element_head(out, name, (matched, negated), pattern.is_some()),
        Err(other) => {
            out.extend_from_slice(b"{\"element\":");
            string(out, other);
            match (matched, negated) {
                (true, false) => out.extend_from_slice(b",\"matched\":true,\"negated\":false"),
                (false, false) => out.extend_from_slice(b",\"matched\":false,\"negated\":false"),
                (true, true) => out.extend_from_slice(b",\"matched\":true,\"negated\":true"),
                (false, true) => out.extend_from_slice(b",\"matched\":false,\"negated\":true"),
            }
            if pattern.is_some() {
                out.extend_from_slice(b",\"pattern\":\"");
            }
        }
    }
    if let Some(pattern) = pattern {
        body(out, pattern);
    }
    if let Some(resolved) = resolved {
        if pattern.is_some() {
            out.extend_from_slice(b"\",\"resolved\":\"");
        } else {
            out.extend_from_slice(b",\"resolved\":\"");
        }
        body(out, resolved);
    }
    note_and_close(out, pattern.is_some() || resolved.is_some());
}

/// A known element's opening up to its pattern's text: `{"element":"…","matched":…,
/// "negated":…` and `,"pattern":"` when it has one, each form one run of its own length (no
/// `memcpy` call).
macro_rules! element_heads {
    ($($name:ident)*) => {
        fn element_head(
            out: &mut Vec<u8>,
            name: ElementName,
            (matched, negated): (bool, bool),
            pattern: bool,
        ) {
            macro_rules! head {
                ($n:ident, $m:literal, $g:literal, $rest:literal) => {
                    out.extend_from_slice(
                        concat!(
                            "{\"element\":\"", stringify!($n), "\",\"matched\":", $m,
                            ",\"negated\":", $g, $rest
                        )
                        .as_bytes(),
                    )
                };
            }
            match (name, matched, negated, pattern) {
                $(
                    (ElementName::$name, true, false, false) => head!($name, "true", "false", ""),
                    (ElementName::$name, false, false, false) => head!($name, "false", "false", ""),
                    (ElementName::$name, true, true, false) => head!($name, "true", "true", ""),
                    (ElementName::$name, false, true, false) => head!($name, "false", "true", ""),
                    (ElementName::$name, true, false, true) => {
                        head!($name, "true", "false", ",\"pattern\":\"")
                    }
                    (ElementName::$name, false, false, true) => {
                        head!($name, "false", "false", ",\"pattern\":\"")
                    }
                    (ElementName::$name, true, true, true) => {
                        head!($name, "true", "true", ",\"pattern\":\"")
                    }
                    (ElementName::$name, false, true, true) => {
                        head!($name, "false", "true", ",\"pattern\":\"")
                    }
                )*
            }
        }
    };
}
element_heads!(Action Resource Principal NotAction NotResource NotPrincipal);

fn condition_trace(out: &mut Vec<u8>, c: &ConditionTrace) {
    condition_fields(
        out,
        (&c.operator, &c.key),
        c.request_values.as_ref().map(|values| Values::Many(values)),
        &c.policy_values,
        c.result,
        &c.note,
        &c.span,
    );
}

/// A condition written from its view, as [`condition_trace`] writes the owned trace made
/// from it.
fn condition_view(out: &mut Vec<u8>, c: &ConditionView) {
    condition_fields(
        out,
        (&c.operator, c.key()),
        c.request_values,
        &c.policy_values,
        c.result,
        &c.note,
        &c.span(),
    );
}

/// A condition's object.
fn condition_fields(
    out: &mut Vec<u8>,
    (operator, key): (&Cow<'static, str>, &str),
    request_values: Option<Values>,
    policy_values: &[Arc<str>],
    result: bool,
    n: &Note,
    at: &Span,
) {
    out.extend_from_slice(b"{\"operator\":\"");
    match operator {
        // A base operator's fixed name: letters only, nothing to escape.
        Cow::Borrowed(name) => {
            debug_assert!(!crate::note::needs_escape(name));
            out.extend_from_slice(name.as_bytes());
        }
        Cow::Owned(name) => body(out, name),
    }
    out.extend_from_slice(b"\",\"key\":\"");
    body(out, key);
    out.push(b'"');
    if let Some(values) = request_values {
        out.extend_from_slice(b",\"requestValues\":[");
        for (i, value) in values.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\"" } else { b",\"" });
            body(out, value);
            out.push(b'"');
        }
        out.push(b']');
    }
    out.extend_from_slice(b",\"policyValues\":");
    strings(out, policy_values);
    if result {
        out.extend_from_slice(b",\"result\":true,\"note\":\"");
    } else {
        out.extend_from_slice(b",\"result\":false,\"note\":\"");
    }
    note(out, n);
    out.extend_from_slice(b"\",\"span\":");
    span(out, at);
    out.push(b'}');
}

fn diagnostic(out: &mut Vec<u8>, d: &Diagnostic) {
    match d.severity {
        Severity::Error => out.extend_from_slice(b"{\"severity\":\"error\",\"code\":\""),
        Severity::SecurityWarning => {
            out.extend_from_slice(b"{\"severity\":\"securityWarning\",\"code\":\"")
        }
        Severity::Warning => out.extend_from_slice(b"{\"severity\":\"warning\",\"code\":\""),
        Severity::Suggestion => out.extend_from_slice(b"{\"severity\":\"suggestion\",\"code\":\""),
    }
    body(out, &d.code);
    out.extend_from_slice(b"\",\"message\":\"");
    body(out, &d.message);
    out.push(b'"');
    if let Some(s) = &d.span {
        out.extend_from_slice(b",\"span\":");
        span(out, s);
    }
    if let Some(fix) = &d.fix {
        out.extend_from_slice(b",\"fix\":\"");
        body(out, fix);
        out.push(b'"');
    }
    if let Some(policy) = &d.policy {
        out.extend_from_slice(b",\"policy\":\"");
        body(out, policy);
        out.push(b'"');
    }
    optional_number(out, b",\"statement\":", d.statement);
    out.push(b'}');
}

fn context_entry(out: &mut Vec<u8>, c: &ContextEntry) {
    out.extend_from_slice(b"{\"key\":\"");
    fixed_or_body(out, &c.key, DERIVED.iter().map(|key| key.name));
    let values = match &c.values {
        ContextValues::One(value) => EntryValues::One(value, value.is_plain()),
        ContextValues::Many(values) => EntryValues::Many(values),
    };
    entry_values_and_flags(out, values, c.multi_valued, c.derived);
}

/// The context's entries as a result lists them, written from the request's context itself
/// (its given keys and derived slots): the same bytes as its [`ContextEntry`]s give, without
/// moving them into entries first.
pub(crate) fn request_context(out: &mut Vec<u8>, context: &RequestContext, derived: DerivedKeys) {
    out.push(b'[');
    let mut first = true;
    context.each_step(|step| match step {
        ContextStep::Given(key, value) => {
            let values = match value {
                ContextValue::Single(value) => EntryValues::One(value, value.is_plain()),
                ContextValue::Multi(values) => EntryValues::Many(values),
            };
            given_entry(out, first, key, values, derived.lists(key, None));
            first = false;
        }
        ContextStep::Slots(run) => derived_run(out, &mut first, &run, derived),
    });
    out.push(b']');
}

/// A context entry written in full: its key escaped, its values and flags.
fn given_entry(out: &mut Vec<u8>, first: bool, key: &str, values: EntryValues, derived: bool) {
    if !first {
        out.push(b',');
    }
    out.extend_from_slice(b"{\"key\":\"");
    body(out, key);
    let multi_valued = matches!(values, EntryValues::Many(_));
    entry_values_and_flags(out, values, multi_valued, derived);
}

/// A run of derived slots. A slot's value listed as derived (every one a request derives) is
/// written between two fixed runs, and between two such values the first one's closing and
/// the next one's opening are one run ([`DERIVED_BETWEEN`]): one copy per entry besides its
/// value.
fn derived_run(out: &mut Vec<u8>, first: &mut bool, run: &SlotRun, derived: DerivedKeys) {
    // The usual case, every slot filled by this request's derivation and no key given: the
    // entries as the context keeps them.
    if let Some(entries) = run.listed_entries(derived.bits()) {
        if let Some(entries) = entries.get(usize::from(*first)..).filter(|e| !e.is_empty()) {
            out.extend_from_slice(entries.as_bytes());
            out.extend_from_slice(DERIVED_CLOSING.as_bytes());
            *first = false;
        }
        return;
    }
    // Whether the last entry written is a derived single value still to be closed.
    let mut open = false;
    for (at, text, plain) in run.filled() {
        let listed = derived.has(at);
        match (DERIVED_OPENINGS.get(at), DERIVED_BETWEEN.get(at)) {
            (Some(opening), Some(between)) if listed => {
                let run = if open {
                    between
                } else {
                    opening.get(usize::from(*first)..).unwrap_or_default()
                };
                out.extend_from_slice(run.as_bytes());
                plain_or_body(out, text, plain);
                open = true;
            }
            _ => {
                if open {
                    out.extend_from_slice(DERIVED_CLOSING.as_bytes());
                    open = false;
                }
                let name = DERIVED.get(at).map_or("", |key| key.name);
                given_entry(out, *first, name, EntryValues::One(text, plain), listed);
            }
        }
        *first = false;
    }
    if open {
        out.extend_from_slice(DERIVED_CLOSING.as_bytes());
    }
}

/// A context entry's values, borrowed from an owned entry or from the request's context: one
/// text, with whether JSON escapes none of its bytes (known without reading them), or several.
enum EntryValues<'a> {
    One(&'a str, bool),
    Many(&'a [String]),
}

/// What follows a context entry's key: its values, its flags and the closing brace.
fn entry_values_and_flags(
    out: &mut Vec<u8>,
    values: EntryValues,
    multi_valued: bool,
    derived: bool,
) {
    match values {
        // Most keys: the list's brackets and quotes written with the key's runs.
        EntryValues::One(value, plain) => {
            out.extend_from_slice(b"\",\"values\":[\"");
            single_value(out, value, plain, multi_valued, derived);
        }
        EntryValues::Many(values) => {
            out.extend_from_slice(b"\",\"values\":");
            strings(out, values);
            out.extend_from_slice(match (multi_valued, derived) {
                (false, true) => b",\"multiValued\":false,\"derived\":true}",
                (false, false) => b",\"multiValued\":false,\"derived\":false}",
                (true, true) => b",\"multiValued\":true,\"derived\":true}",
                (true, false) => b",\"multiValued\":true,\"derived\":false}",
            });
        }
    }
}

/// A single value's text, the list's closing bracket and the entry's flags.
fn single_value(out: &mut Vec<u8>, value: &str, plain: bool, multi_valued: bool, derived: bool) {
    plain_or_body(out, value, plain);
    out.extend_from_slice(match (multi_valued, derived) {
        (false, true) => b"\"],\"multiValued\":false,\"derived\":true}",
        (false, false) => b"\"],\"multiValued\":false,\"derived\":false}",
        (true, true) => b"\"],\"multiValued\":true,\"derived\":true}",
        (true, false) => b"\"],\"multiValued\":true,\"derived\":false}",
    });
}

/// A context value's text: copied as it is when known to need no escape (`plain`: a fixed
/// spelling such as "User", or a text read once: the instant, an account, a region), else
/// escaped.
fn plain_or_body(out: &mut Vec<u8>, value: &str, plain: bool) {
    if plain {
        debug_assert!(value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\'));
        out.extend_from_slice(value.as_bytes());
    } else {
        body(out, value);
    }
}

/// `text` when it is one of `fixed` itself (the same static text, not an equal one: a copy
/// lives elsewhere), whose texts need no escape (tests check each table).
fn fixed_text(text: &str, mut fixed: impl Iterator<Item = &'static str>) -> Option<&'static str> {
    fixed.find(|known| std::ptr::eq(*known, text))
}

/// `text` escaped by [`body`], or copied as it is when it is one of `fixed` (the derived
/// context keys' names, the layers' fixed labels): most of them are, and need no scan.
fn fixed_or_body(out: &mut Vec<u8>, text: &str, fixed: impl Iterator<Item = &'static str>) {
    match fixed_text(text, fixed) {
        Some(text) => out.extend_from_slice(text.as_bytes()),
        None => body(out, text),
    }
}

/// A note's text escaped: only the shared request text of a templated note is scanned; its
/// fixed phrases and plain notes need no escape (`Note::around` and `Note::plain` check).
fn note(out: &mut Vec<u8>, n: &Note) {
    match n {
        Note::Text(text) => body(out, text),
        Note::Plain(text) => out.extend_from_slice(text.as_bytes()),
        Note::Around {
            before,
            text,
            after,
        } => around(out, before, text, after),
    }
}

/// `before`, a shared text of the request, `after`: only the text is scanned, and only when it
/// is not known to be plain (the phrases need no escape: `Note::around` checks).
fn around(out: &mut Vec<u8>, before: &str, text: &SharedText, after: &str) {
    out.extend_from_slice(before.as_bytes());
    named_text(out, text.as_str(), text.is_plain());
    out.extend_from_slice(after.as_bytes());
}

/// A text of the request: copied as it is when known to be `plain`, else escaped.
fn named_text(out: &mut Vec<u8>, text: &str, plain: bool) {
    if plain {
        out.extend_from_slice(text.as_bytes());
    } else {
        body(out, text);
    }
}

/// A span as serde writes it: built in a buffer on the stack (fixed runs and each number's
/// digits as whole words) and copied into `out` once.
fn span(out: &mut Vec<u8>, s: &Span) {
    let mut bytes = [0; SPAN_ROOM];
    let mut text = SpanText {
        bytes: &mut bytes,
        len: 0,
    };
    text.put(b"{\"start\":{\"line\":");
    text.number(s.start.line);
    text.put(b",\"column\":");
    text.number(s.start.column);
    text.put(b",\"offset\":");
    text.number(s.start.offset);
    text.put(b"},\"end\":{\"line\":");
    text.number(s.end.line);
    text.put(b",\"column\":");
    text.number(s.end.column);
    text.put(b",\"offset\":");
    text.number(s.end.offset);
    text.put(b"}}");
    // The whole buffer copied at its fixed length (no `memcpy` call), then cut to the text.
    let end = out.len() + text.len;
    out.extend_from_slice(&bytes);
    out.truncate(end);
}

/// Room for a span's text: 75 fixed bytes, six numbers of at most ten digits, and the last
/// word's bytes past its digits.
const SPAN_ROOM: usize = 160;

/// A span's text being built in a buffer of the caller's. Short numbers are written as a
/// whole eight-byte word (the bytes past their digits are overwritten next). Every step is
/// inlined and the buffer is not part of this struct, so the length stays in a register
/// instead of being stored and loaded again around each write to the buffer.
struct SpanText<'b> {
    bytes: &'b mut [u8; SPAN_ROOM],
    len: usize,
}

impl SpanText<'_> {
    #[inline(always)]
    fn put<const N: usize>(&mut self, run: &[u8; N]) {
        if let Some(room) = self.bytes.get_mut(self.len..self.len + N) {
            room.copy_from_slice(run);
            self.len += N;
        }
    }

    /// `value` in decimal, as itoa writes it. Lines, columns and offsets are nearly always
    /// under 10,000: their digits are one word, looked up two at a time.
    #[inline(always)]
    fn number(&mut self, value: u32) {
        match value {
            0..=9 => self.word(u64::from(b'0' + value as u8), 1),
            10..=99 => self.word(u64::from(u16::from_le_bytes(pair(u64::from(value)))), 2),
            100..=9_999 => {
                let ([a, b], [c, d]) = (pair(u64::from(value / 100)), pair(u64::from(value)));
                let word = u64::from(u32::from_le_bytes([a, b, c, d]));
                // Under 1,000: the leading zero shifted out.
                if value < 1_000 {
                    self.word(word >> 8, 3);
                } else {
                    self.word(word, 4);
                }
            }
            _ => {
                let (digits, start) = decimal(u64::from(value));
                let digits = digits.get(start..).unwrap_or_default();
                if let Some(room) = self.bytes.get_mut(self.len..self.len + digits.len()) {
                    room.copy_from_slice(digits);
                    self.len += digits.len();
                }
            }
        }
    }

    /// The first `len` bytes of `word` (little-endian), written as the whole word.
    #[inline(always)]
    fn word(&mut self, word: u64, len: usize) {
        if let Some(room) = self.bytes.get_mut(self.len..self.len + 8) {
            room.copy_from_slice(&word.to_le_bytes());
            self.len += len;
        }
    }
}

/// `"type":"…"`, the layer kind's serde name (`rename_all = "camelCase"`).
fn layer_type(out: &mut Vec<u8>, kind: LayerKind) {
    match kind {
        LayerKind::Rcp => out.extend_from_slice(b"\"type\":\"rcp\""),
        LayerKind::Scp => out.extend_from_slice(b"\"type\":\"scp\""),
        LayerKind::VpcEndpoint => out.extend_from_slice(b"\"type\":\"vpcEndpoint\""),
        LayerKind::Resource => out.extend_from_slice(b"\"type\":\"resource\""),
        LayerKind::Identity => out.extend_from_slice(b"\"type\":\"identity\""),
        LayerKind::PermissionsBoundary => {
            out.extend_from_slice(b"\"type\":\"permissionsBoundary\"")
        }
        LayerKind::Session => out.extend_from_slice(b"\"type\":\"session\""),
    }
}

// JSON primitives.

fn list<T>(out: &mut Vec<u8>, items: &[T], mut write: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

fn strings<S: std::ops::Deref<Target = str>>(out: &mut Vec<u8>, items: &[S]) {
    out.push(b'[');
    for (i, s) in items.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\"" } else { b",\"" });
        body(out, s);
        out.push(b'"');
    }
    out.push(b']');
}

/// `key` and the number, when there is one (serde's `skip_serializing_if = "Option::is_none"`).
fn optional_number(out: &mut Vec<u8>, key: &[u8], value: Option<usize>) {
    if let Some(value) = value {
        out.extend_from_slice(key);
        number(out, value as u64);
    }
}

/// The two digits of every number under 100, as itoa keeps them.
const PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// The digits of `value % 100`, two of them.
fn pair(value: u64) -> [u8; 2] {
    let at = (value % 100) as usize * 2;
    [PAIRS[at], PAIRS[at + 1]]
}

/// A decimal number, as serde_json (itoa) writes it. Lines, columns and indexes are mostly
/// under 10,000: their digits are written without a loop, two at a time (inline: a call
/// costs about as much as the digits).
#[inline]
fn number(out: &mut Vec<u8>, value: u64) {
    match value {
        0..=9 => out.push(b'0' + value as u8),
        10..=99 => out.extend_from_slice(&pair(value)),
        100..=999 => {
            let [tens, ones] = pair(value);
            out.extend_from_slice(&[b'0' + (value / 100) as u8, tens, ones]);
        }
        1000..=9999 => {
            let ([a, b], [c, d]) = (pair(value / 100), pair(value));
            out.extend_from_slice(&[a, b, c, d]);
        }
        _ => {
            let (digits, start) = decimal(value);
            out.extend_from_slice(digits.get(start..).unwrap_or_default());
        }
    }
}

/// The decimal digits of `value`, at the end of the array, and where they start (for long
/// numbers, which are rare: a digit a step).
#[inline(never)]
fn decimal(value: u64) -> ([u8; 20], usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = value;
    while let Some(slot) = start.checked_sub(1).and_then(|s| digits.get_mut(s)) {
        *slot = b'0' + (rest % 10) as u8;
        start -= 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    (digits, start)
}

/// serde_json's escape for a byte that needs one (`b""`: `\\u00xx`, written by `escape_at`).
fn escape(byte: u8) -> &'static [u8] {
    match byte {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        b'\n' => b"\\n",
        b'\t' => b"\\t",
        b'\r' => b"\\r",
        0x08 => b"\\b",
        0x0c => b"\\f",
        _ => b"",
    }
}

/// Writes the plain run `bytes[*run_start..i]`, then the escape of `bytes[i]`.
fn escape_at(out: &mut Vec<u8>, bytes: &[u8], run_start: &mut usize, i: usize) {
    out.extend_from_slice(bytes.get(*run_start..i).unwrap_or_default());
    let byte = bytes.get(i).copied().unwrap_or_default();
    let code = escape(byte);
    if code.is_empty() {
        // Other control characters: `\u00xx`, lowercase hex as serde_json writes it.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        out.extend_from_slice(b"\\u00");
        out.push(HEX[usize::from(byte >> 4)]);
        out.push(HEX[usize::from(byte & 0xf)]);
    } else {
        out.extend_from_slice(code);
    }
    *run_start = i + 1;
}

/// Escapes every byte that `mask` (from `escape_mask(word)`, limited to `valid`) flags in the
/// word that starts at `bytes[start]`. After each escape the word is looked at again above the
/// escaped byte, shifted down so that the byte's borrow cannot raise a false alarm.
fn escape_word(
    out: &mut Vec<u8>,
    bytes: &[u8],
    run_start: &mut usize,
    start: usize,
    (word, valid): (u64, u64),
    mut mask: u64,
) {
    while mask != 0 {
        let seen = mask.trailing_zeros() / 8 + 1;
        escape_at(out, bytes, run_start, start + seen as usize - 1);
        if seen == 8 {
            break;
        }
        // The zero bytes shifted in at the top are flagged, and shifted out again.
        mask = (escape_mask(word >> (8 * seen)) << (8 * seen)) & valid;
    }
}

/// `text` with serde_json's escapes, without the quotes: `\\"`, `\\\\`, `\\b \\t \\n \\f \\r`,
/// other control characters as `\\u00xx`; everything else (DEL and non-ASCII included) as is.
/// The bytes are tested sixteen at a time as two words (the last few as one zero-padded word)
/// and plain runs are copied whole. Texts of up to sixteen bytes (most names, Sids and context
/// values) are tested as one or two words and, when plain, written as those words.
fn body(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if bytes.len() < 8 {
        return short_body(out, bytes);
    }
    if bytes.len() <= 16 && two_words_plain(out, bytes) {
        return;
    }
    long_body(out, bytes);
}

/// [`body`] for a text of more than sixteen bytes, or a shorter one with a byte to escape: out
/// of line, so that the common short texts pay for none of its registers.
#[inline(never)]
fn long_body(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut run_start = 0;
    // Escapes what `mask` flags in the word at `start` (`valid`: its bytes that are text's).
    let mut escape_flagged = |out: &mut Vec<u8>, start: usize, word: u64, valid: u64, mask| {
        if mask != 0 {
            escape_word(out, bytes, &mut run_start, start, (word, valid), mask);
        }
    };
    // Two words a step: one test for sixteen plain bytes.
    let mut pairs = bytes.chunks_exact(16);
    for (n, pair) in pairs.by_ref().enumerate() {
        let (Some(low), Some(high)) = (pair.first_chunk::<8>(), pair.last_chunk::<8>()) else {
            continue;
        };
        let (low, high) = (u64::from_le_bytes(*low), u64::from_le_bytes(*high));
        let (low_mask, high_mask) = (escape_mask(low), escape_mask(high));
        if low_mask | high_mask != 0 {
            escape_flagged(out, n * 16, low, !0, low_mask);
            escape_flagged(out, n * 16 + 8, high, !0, high_mask);
        }
    }
    let mut rest = pairs.remainder();
    let mut start = bytes.len() - rest.len();
    if let Some((word, after)) = rest.split_first_chunk::<8>() {
        let word = u64::from_le_bytes(*word);
        escape_flagged(out, start, word, !0, escape_mask(word));
        rest = after;
        start += 8;
    }
    if !rest.is_empty() {
        // Padding above the last bytes: flagged as control characters, masked off. The last
        // bytes are the top of the text's last word (one load) when the text has one.
        let word = match bytes.last_chunk::<8>() {
            Some(last) => u64::from_le_bytes(*last) >> (8 * (8 - rest.len())),
            None => padded_word(rest),
        };
        let valid = (1u64 << (8 * rest.len())) - 1;
        escape_flagged(out, start, word, valid, escape_mask(word) & valid);
    }
    out.extend_from_slice(bytes.get(run_start..).unwrap_or_default());
}

/// [`body`] for a text of under eight bytes (names, Sids, most context values): one
/// zero-padded word, tested once and, when plain, written whole with the padding taken off
/// again (no `memcpy` call).
fn short_body(out: &mut Vec<u8>, bytes: &[u8]) {
    let word = padded_word(bytes);
    // Padding above the text: flagged as control characters, masked off.
    let valid = (1u64 << (8 * bytes.len())) - 1;
    let mask = escape_mask(word) & valid;
    if mask == 0 {
        let end = out.len() + bytes.len();
        out.extend_from_slice(&word.to_le_bytes());
        out.truncate(end);
        return;
    }
    short_escaped(out, bytes, (word, valid), mask);
}

/// [`short_body`] for a text with a byte to escape (rare): out of line.
#[inline(never)]
fn short_escaped(out: &mut Vec<u8>, bytes: &[u8], (word, valid): (u64, u64), mask: u64) {
    let mut run_start = 0;
    escape_word(out, bytes, &mut run_start, 0, (word, valid), mask);
    out.extend_from_slice(bytes.get(run_start..).unwrap_or_default());
}

/// For a text of eight to sixteen bytes: when its first and last words (overlapping) hold no
/// byte to escape, writes it as those two words (no `memcpy` call) and says so; otherwise
/// writes nothing.
fn two_words_plain(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    let (Some(first), Some(last)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) else {
        return false;
    };
    // The last word's bytes that the first one already holds, shifted out (zeros come in at
    // the top: flagged as control characters, masked off).
    let overlap = 16usize.saturating_sub(bytes.len()) as u32 * 8;
    let tail = u64::from_le_bytes(*last).checked_shr(overlap).unwrap_or(0);
    let valid = u64::MAX.checked_shr(overlap).unwrap_or(0);
    if escape_mask(u64::from_le_bytes(*first)) | (escape_mask(tail) & valid) != 0 {
        return false;
    }
    let end = out.len() + bytes.len();
    out.extend_from_slice(first);
    out.truncate(end - 8);
    out.extend_from_slice(last);
    true
}

/// The bytes of `bytes` (under eight) as a little-endian word, zero above them: read four, two
/// and one at a time.
fn padded_word(bytes: &[u8]) -> u64 {
    let (mut word, mut shift, mut rest) = (0u64, 0, bytes);
    if let Some((four, after)) = rest.split_first_chunk::<4>() {
        word = u64::from(u32::from_le_bytes(*four));
        (shift, rest) = (32, after);
    }
    if let Some((two, after)) = rest.split_first_chunk::<2>() {
        word |= u64::from(u16::from_le_bytes(*two)) << shift;
        (shift, rest) = (shift + 16, after);
    }
    if let Some(&one) = rest.first() {
        word |= u64::from(one) << shift;
    }
    word
}

/// A JSON string: `text` between quotes, escaped by [`body`].
fn string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    body(out, text);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Position;

    fn serde_string(text: &str) -> String {
        serde_json::to_string(text).unwrap_or_default()
    }

    /// Each derived key's opening is its entry's start as serde writes it, after a comma.
    #[test]
    fn derived_openings_spell_each_derived_key() {
        for ((key, opening), between) in DERIVED.iter().zip(DERIVED_OPENINGS).zip(DERIVED_BETWEEN) {
            let expected = format!(",{{\"key\":{},\"values\":[\"", serde_string(key.name));
            assert_eq!(opening, expected);
            assert_eq!(between, format!("{DERIVED_CLOSING}{opening}"));
        }
    }

    /// The context written from the request (the derived entries as the context keeps them, or
    /// runs of derived slots with one copy between two values) is serde's text of the entries
    /// a result lists (read through the context's lookups), for contexts whose derived keys are
    /// listed or not (a set from another derivation, or none), with given keys before, between
    /// and after the slots, values JSON escapes, keys given or removed after derivation, and
    /// requests prepared fresh or in the place of the ones before (refilled buffers).
    #[test]
    fn derived_runs_write_what_context_entries_serialize() {
        use crate::eval::{EvalOptions, PreparedRequest};
        use crate::scenario::RequestSpec;
        let principals = [
            "arn:aws:iam::111122223333:user/dev/al\"ice",
            "arn:aws:iam::111122223333:user/u0",
            "arn:aws:iam::111122223333:user/b\\ob",
            "arn:aws:sts::111122223333:assumed-role/ci/s",
            "arn:aws:sts::111122223333:federated-user/bob",
            "arn:AWS:iam::111122223333:root",
            "111122223333",
            "codebuild.amazonaws.com",
            "anonymous",
        ];
        let resources = [
            "arn:aws:ecr:us-east-1:111122223333:repository/w\"eb",
            "arn:aws:ecr:eu-west-1:444455556666:repository/web",
            "arn:aws:ecr:us-\"x:444455556666:repository/web",
            "*",
        ];
        let givens: [&[(&str, &str)]; 4] = [
            &[],
            &[("a:first", "1")],
            &[("aws:Mid", "x\ty"), ("zz:last", "z")],
            &[
                ("aws:principalaccount", "given"),
                ("aws:PrincipalTag/t", "t"),
            ],
        ];
        let afterwards: [&dyn Fn(&mut RequestContext); 3] = [
            &|_| {},
            &|c| c.insert("AWS:USERNAME", ContextValue::Single("later".into())),
            &|c| {
                c.remove("aws:PRINCIPALTYPE");
            },
        ];
        let options = EvalOptions {
            now_epoch_seconds: Some(1_796_000_508),
        };
        let spec = |principal: &str, resource: &str, given: &[(&str, &str)], derive| RequestSpec {
            principal: principal.into(),
            action: "ecr:PutImage".into(),
            resource: resource.into(),
            context: given
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
                .collect(),
            derive_context: Some(derive),
            ..Default::default()
        };
        let written = |req: &PreparedRequest| {
            let mut out = Vec::new();
            request_context(&mut out, &req.context, req.derived);
            let entries = super::super::layers::context_entries(req);
            let expected = serde_json::to_string(&entries).unwrap_or_default();
            assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
        };
        let other =
            PreparedRequest::prepare(&spec(principals[7], "*", &[], true), &options).derived;
        let mut kept = PreparedRequest::prepare(&spec(principals[0], "*", &[], true), &options);
        let mut kept_entries = 0;
        for principal in principals {
            for resource in resources {
                for given in givens {
                    for derive in [true, false] {
                        let spec = spec(principal, resource, given, derive);
                        kept.prepare_in_place(&spec, &options);
                        written(&kept);
                        kept.context.each_step(|step| {
                            if let ContextStep::Slots(run) = step {
                                let listed = run.listed_entries(kept.derived.bits());
                                kept_entries += usize::from(listed.is_some_and(|e| !e.is_empty()));
                            }
                        });
                        for then in afterwards {
                            let mut req = PreparedRequest::prepare(&spec, &options);
                            then(&mut req.context);
                            // Listed as derived: the keys the slots still hold.
                            let mut held = 0;
                            req.context.each_step(|step| {
                                if let ContextStep::Slots(run) = step {
                                    run.filled().for_each(|(at, _, _)| held |= 1 << at);
                                }
                            });
                            let held = DerivedKeys::from_bits(held);
                            for derived in [req.derived, DerivedKeys::default(), other, held] {
                                req.derived = derived;
                                written(&req);
                            }
                        }
                    }
                }
            }
        }
        // The kept entries were written for every request that derived keys and gave none
        // among them (none, or one that sorts before them all).
        assert_eq!(kept_entries, principals.len() * resources.len() * 2);
    }

    /// Derived slots filled in any order, and some emptied by a key given later, are written
    /// as the same keys inserted as fixed entries are: the kept entries are copied only when
    /// they are in the context's order and list the filled slots.
    #[test]
    fn derived_slots_filled_in_any_order_write_what_fixed_entries_write() {
        use crate::context::DerivedText;
        let values = [
            "arn:aws:iam::1:user/u",
            "1",
            "User",
            "u\"x",
            "AIDA",
            "false",
        ];
        let orders: [&[usize]; 4] = [
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            &[10, 9, 1, 0, 5, 6, 2, 8, 7, 4, 3],
            &[10, 9, 1, 0, 5, 6, 2, 3],
            &[3, 10],
        ];
        let mut kept = 0;
        for order in orders {
            for later in [None, Some("aws:CurrentTime"), Some("aws:username")] {
                let (mut fixed, mut slots) = (RequestContext::new(), RequestContext::new());
                let mut listed = 0;
                for &at in order {
                    let key = &DERIVED[at];
                    let value = values[at % values.len()];
                    let single = ContextValue::Single(value.into());
                    fixed.insert_static_if_absent(key.name, key.lower, single);
                    slots.insert_derived_if_absent(at, &DerivedText::checked(value));
                    listed |= 1 << at;
                }
                if let Some(name) = later {
                    let at = DERIVED.iter().position(|k| k.name == name).unwrap_or(0);
                    for c in [&mut fixed, &mut slots] {
                        c.remove(name);
                    }
                    listed &= !(1 << at);
                }
                let listed = DerivedKeys::from_bits(listed);
                slots.each_step(|step| {
                    if let ContextStep::Slots(run) = step {
                        kept += usize::from(run.listed_entries(listed.bits()).is_some());
                    }
                });
                let written = |c: &RequestContext| {
                    let mut out = Vec::new();
                    request_context(&mut out, c, listed);
                    String::from_utf8(out).unwrap_or_default()
                };
                assert_eq!(written(&slots), written(&fixed), "{order:?} {later:?}");
            }
        }
        // Only the contexts filled in the context's order (every slot or some), with nothing
        // emptied since, keep their entries.
        assert_eq!(kept, 2);
    }

    fn ours(text: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, text);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Texts that notes are written around: empty, plain, and with bytes to escape.
    const NOTE_TEXTS: [&str; 5] = [
        "",
        "ecr:PutImage",
        "arn:aws:s3:::b/k\"q",
        "a\\b\nc\u{1}d\u{7f}é",
        "arn:aws:ecr:us-east-1:111122223333:repository/team0-web-0",
    ];

    /// A note is written as serde writes the string it spells, whether its shared text is plain
    /// (copied as it is) or has bytes to escape, in every form of note.
    #[test]
    fn notes_are_written_as_serde_writes_their_text() {
        for text in NOTE_TEXTS {
            let shared = crate::note::SharedText::new(text);
            assert_eq!(
                shared.is_plain(),
                serde_string(text) == format!("\"{text}\"")
            );
            for n in [
                Note::around("`", &shared, "` matches"),
                Note::around("", &shared, ""),
                Note::from(text.to_string()),
                Note::plain("key missing: the negated operator StringNotEquals is true"),
            ] {
                let mut out = vec![b'"'];
                note(&mut out, &n);
                out.push(b'"');
                let expected = serde_json::to_string(&n).unwrap_or_default();
                assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
                assert_eq!(expected, serde_string(&n.to_string()));
            }
        }
    }

    /// Each templated note, written as an element's last field from its runs, gives the bytes
    /// serde gives for the element holding that note, around plain texts and texts to escape,
    /// shared or borrowed.
    #[test]
    fn templated_notes_are_written_as_serde_writes_their_elements() {
        use crate::note::NamedText;
        for text in NOTE_TEXTS {
            let shared = NamedText::Shared(SharedText::new(text));
            let borrowed = NamedText::borrowed(text);
            assert_eq!(borrowed.is_plain(), shared.is_plain());
            for (&kind, named) in AroundNote::ALL
                .iter()
                .flat_map(|k| [(k, &shared), (k, &borrowed)])
            {
                let view = ElementView {
                    element: ElementName::Action,
                    matched: true,
                    negated: false,
                    pattern: None,
                    resolved: None,
                    note: NoteView::Around(kind, named),
                };
                let owned = ElementTrace {
                    element: "Action",
                    matched: true,
                    negated: false,
                    pattern: None,
                    resolved: None,
                    note: kind.note(named),
                };
                let mut out = Vec::new();
                element_view(&mut out, &view);
                let expected = serde_json::to_string(&owned).unwrap_or_default();
                assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
                let spelled = format!("{}{text}{}", kind.before(), kind.after());
                assert!(expected.ends_with(&format!(",\"note\":{}}}", serde_string(&spelled))));
            }
        }
    }

    /// Each element's name is written from its view as serde writes the owned element, and an
    /// owned element's name reads back as the same one.
    #[test]
    fn element_names_are_written_as_serde_writes_them() {
        for name in ElementName::ALL {
            assert_eq!(ElementName::of(name.as_str()), Some(name));
            let view = ElementView {
                element: name,
                matched: false,
                negated: true,
                pattern: None,
                resolved: None,
                note: NoteView::Fixed("a \"fixed\" note"),
            };
            let owned = ElementTrace {
                element: name.as_str(),
                matched: false,
                negated: true,
                pattern: None,
                resolved: None,
                note: Note::fixed("a \"fixed\" note"),
            };
            let (mut from_view, mut from_owned) = (Vec::new(), Vec::new());
            element_view(&mut from_view, &view);
            element_trace(&mut from_owned, &owned);
            let expected = serde_json::to_string(&owned).unwrap_or_default();
            assert_eq!(String::from_utf8(from_view).unwrap_or_default(), expected);
            assert_eq!(String::from_utf8(from_owned).unwrap_or_default(), expected);
        }
        assert_eq!(ElementName::of("Condition"), None);
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
    fn escapes_close_together_are_each_found() {
        // Two bytes to escape at every pair of places in 24 bytes, over a filler of the bytes a
        // borrow from an escaped byte below could wrongly flag (space after a control
        // character, `#` after `"`, `]` after `\\`): each escape found in a word must lead to
        // the next one, and no false alarm may be escaped.
        let filler: Vec<char> = " #]a !\u{7f}\u{80}".chars().collect();
        for first in ['"', '\\', '\u{1}', '\n', '\u{1f}'] {
            for second in ['"', '\\', '\u{0}', '\t'] {
                for i in 0..24 {
                    for j in i + 1..24 {
                        let text: String = (0..24)
                            .map(|k| match k {
                                _ if k == i => first,
                                _ if k == j => second,
                                _ => filler[k % filler.len()],
                            })
                            .collect();
                        for len in [j + 1, 24] {
                            let text: String = text.chars().take(len).collect();
                            assert_eq!(ours(&text), serde_string(&text), "{text:?}");
                        }
                    }
                }
            }
        }
    }

    /// The derived keys' names and the layers' fixed labels are copied without the escape
    /// scan: they must need none, and only the tables' own texts are taken for them.
    #[test]
    fn fixed_texts_need_no_escape() {
        let kinds = LayerKind::ALL;
        let derived = || DERIVED.iter().map(|key| key.name);
        let nouns = || kinds.iter().map(|kind| kind.noun());
        for text in derived().chain(nouns()) {
            assert_eq!(ours(text), serde_string(text));
            assert_eq!(ours(text), format!("\"{text}\""));
            for fixed in [derived().collect::<Vec<_>>(), nouns().collect()] {
                let found = fixed_text(text, fixed.iter().copied());
                assert_eq!(found.is_some(), fixed.contains(&text));
                let owned = text.to_string();
                assert_eq!(fixed_text(&owned, fixed.iter().copied()), None);
                let mut out = Vec::new();
                fixed_or_body(&mut out, &owned, fixed.iter().copied());
                assert_eq!(out, text.as_bytes());
            }
        }
        let quoted = "aws:\"quoted\"";
        assert_eq!(fixed_text(quoted, derived()), None);
        let mut out = Vec::new();
        fixed_or_body(&mut out, quoted, derived());
        assert_eq!(out, b"aws:\\\"quoted\\\"");
    }

    #[test]
    fn padded_words_hold_the_bytes_and_zeros_above() {
        let bytes = [0x01, 0x22, 0x5c, 0x7f, 0x80, 0xff, 0x41];
        for len in 0..bytes.len() {
            let fold = bytes[..len]
                .iter()
                .rev()
                .fold(0, |w, &b| w << 8 | u64::from(b));
            assert_eq!(padded_word(&bytes[..len]), fold, "{len}");
        }
        // Appended after earlier output, the padding is taken off again.
        let mut out = b"ab".to_vec();
        short_body(&mut out, b"xyz");
        short_body(&mut out, b"");
        short_body(&mut out, b"\"q");
        assert_eq!(out, b"abxyz\\\"q");
    }

    /// Spans are written as serde writes them, for numbers of every length up to `u32::MAX`.
    #[test]
    fn spans_are_written_as_serde_json_writes_them() {
        let numbers = [
            0u32,
            1,
            9,
            10,
            99,
            100,
            101,
            999,
            1_000,
            1_001,
            9_999,
            10_000,
            12_345,
            9_999_999,
            10_000_000,
            99_999_999,
            100_000_000,
            100_000_001,
            1_234_567_890,
            u32::MAX,
        ];
        for (i, &n) in numbers.iter().enumerate() {
            let other = numbers[(i * 7 + 3) % numbers.len()];
            let s = Span {
                start: Position {
                    line: n,
                    column: other,
                    offset: n,
                },
                end: Position {
                    line: other,
                    column: n,
                    offset: other,
                },
            };
            let mut out = b"x".to_vec();
            span(&mut out, &s);
            let expected = format!("x{}", serde_json::to_string(&s).unwrap_or_default());
            assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
        }
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
            999,
            1000,
            9999,
            10000,
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

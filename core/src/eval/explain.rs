//! A readable explanation of a result, for people at a terminal (`iamsim simulate --explain`).

use super::result::{EvaluationResult, LayerVerdict};
use std::fmt::Write;

fn mark(verdict: LayerVerdict) -> &'static str {
    match verdict {
        LayerVerdict::Allow => "allow",
        LayerVerdict::ExplicitDeny => "DENY",
        LayerVerdict::ImplicitDeny => "no allow",
        LayerVerdict::NotEvaluated => "not evaluated",
    }
}

/// Several lines: the decision, why, each layer, notes and diagnostics.
pub fn explain_text(result: &EvaluationResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Decision: {}", result.decision);
    for reason in &result.reasons {
        let place = reason
            .span
            .map(|s| format!(" (line {}, column {})", s.start.line, s.start.column))
            .unwrap_or_default();
        let _ = writeln!(out, "  because {}{place}", reason.message);
    }
    if !result.layers.is_empty() {
        let _ = writeln!(out, "Layers:");
        for layer in &result.layers {
            let star = if layer.decisive { "*" } else { " " };
            let _ = writeln!(
                out,
                " {star} {:<34} {:<13} {}",
                layer.label,
                mark(layer.verdict),
                layer.explanation
            );
        }
    }
    if !result.missing_context_keys.is_empty() {
        let _ = writeln!(
            out,
            "Missing context keys: {}",
            result.missing_context_keys.join(", ")
        );
    }
    for note in &result.notes {
        let _ = writeln!(out, "Note: {note}");
    }
    for d in &result.diagnostics {
        let place = d
            .span
            .map(|s| format!(":{}:{}", s.start.line, s.start.column))
            .unwrap_or_default();
        let policy = d.policy.as_deref().unwrap_or("request");
        let _ = writeln!(
            out,
            "{:?} {policy}{place} [{}] {}",
            d.severity, d.code, d.message
        );
    }
    out
}

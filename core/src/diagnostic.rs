//! Findings about a policy or a scenario, in the four classes IAM Access Analyzer uses.

use crate::span::Span;
use serde::{Deserialize, Serialize};

/// Access Analyzer's finding classes, most severe first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Error,
    SecurityWarning,
    Warning,
    Suggestion,
}

/// One finding: a stable code, a plain-words message, where it is, and a fix when one is obvious.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable, kebab-case identifier, e.g. `invalid-effect`. Tests and docs refer to it.
    pub code: String,
    /// Lowercase sentence; user input in backticks.
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// A one-line fix ("use `Allow`").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The policy this finding is about, when it is reported outside the policy's own list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The 0-based statement index, when the finding is about one statement. The evaluator skips
    /// statements that carry an `Error` (fails closed) and says so in its result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: &str,
        message: impl Into<String>,
        span: Option<Span>,
    ) -> Self {
        Diagnostic {
            severity,
            code: code.to_string(),
            message: message.into(),
            span,
            fix: None,
            policy: None,
            statement: None,
        }
    }

    pub fn error(code: &str, message: impl Into<String>, span: Option<Span>) -> Self {
        Self::new(Severity::Error, code, message, span)
    }

    pub fn warning(code: &str, message: impl Into<String>, span: Option<Span>) -> Self {
        Self::new(Severity::Warning, code, message, span)
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn in_statement(mut self, index: usize) -> Self {
        self.statement = Some(index);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

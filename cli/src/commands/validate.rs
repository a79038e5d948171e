//! `iamsim validate`: a policy's diagnostics with positions, for a given policy type.

use iamsim_core::catalog::lint::lint;
use iamsim_core::policy::{parse_policy, validate, PolicyType};
use iamsim_core::Severity;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(path: &Path, policy_type: &str, json: bool, out: &mut impl Write) -> ExitCode {
    let policy_type: PolicyType = match policy_type.parse() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iamsim: {e}");
            return ExitCode::from(2);
        }
    };
    let text = match super::read_input(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iamsim: {e}");
            return ExitCode::from(2);
        }
    };
    let parsed = parse_policy(&text);
    let mut diagnostics = parsed.diagnostics.clone();
    if let Some(policy) = &parsed.policy {
        diagnostics.extend(validate(policy, policy_type));
        diagnostics.extend(lint(policy, policy_type));
    }
    diagnostics.sort_by_key(|d| d.span.map(|s| (s.start.line, s.start.column)));
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string(&diagnostics).unwrap_or_else(|_| "[]".into())
        );
    } else {
        let shown = path.display();
        for d in &diagnostics {
            let place = d
                .span
                .map(|s| format!(":{}:{}", s.start.line, s.start.column))
                .unwrap_or_default();
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::SecurityWarning => "security warning",
                Severity::Warning => "warning",
                Severity::Suggestion => "suggestion",
            };
            let _ = writeln!(out, "{shown}{place}: {severity} [{}] {}", d.code, d.message);
            if let Some(fix) = &d.fix {
                let _ = writeln!(out, "    fix: {fix}");
            }
        }
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let _ = writeln!(
            out,
            "{errors} errors, {} other findings",
            diagnostics.len() - errors
        );
    }
    let _ = out.flush();
    if diagnostics.iter().any(|d| d.is_error()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

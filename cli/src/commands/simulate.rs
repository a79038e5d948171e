//! `iamsim simulate`: one JSON result per scenario, one per line, in input order.

use iamsim_core::eval::{explain_text, EvalOptions};
use iamsim_core::scenario::{read_scenarios, simulate, Scenario, ScenarioError};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Evaluates one scenario into its output line.
fn render(item: &Result<Scenario, ScenarioError>, options: &EvalOptions, explain: bool) -> String {
    match item {
        Ok(scenario) => {
            let result = simulate(scenario, options);
            if explain {
                let title = scenario.name.as_deref().unwrap_or("scenario");
                format!("== {title}\n{}", explain_text(&result))
            } else {
                serde_json::to_string(&result).unwrap_or_else(|e| {
                    format!("{{\"error\":{{\"message\":\"cannot render result: {e}\"}}}}")
                })
            }
        }
        Err(error) => {
            if explain {
                format!("== unreadable scenario\nError: {error}\n")
            } else {
                serde_json::json!({ "error": error }).to_string()
            }
        }
    }
}

pub fn run(path: &Path, explain: bool, out: &mut impl Write) -> ExitCode {
    let text = match super::read_input(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iamsim: {e}");
            return ExitCode::from(2);
        }
    };
    let scenarios = read_scenarios(&text);
    let options = EvalOptions {
        now_epoch_seconds: super::now_epoch_seconds(),
    };
    // Scenarios are independent: evaluate them on every core, print in input order.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(scenarios.len().max(1));
    let chunk = scenarios.len().div_ceil(threads).max(1);
    let lines: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = scenarios
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|s| render(s, &options, explain))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for line in &lines {
        if writeln!(out, "{line}").is_err() {
            return ExitCode::from(2);
        }
    }
    let _ = out.flush();
    if scenarios.iter().any(Result::is_err) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

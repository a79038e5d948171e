//! `iamsim test`: policy unit tests. Runs the `expect` and `tests` of every scenario file and
//! ends with `N passed, N failed`.

use iamsim_core::eval::{explain_text, EvalOptions};
use iamsim_core::scenario::{check, read_scenarios};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Every `.json`/`.jsonl` file under the given paths, sorted for a stable order.
fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            for entry in entries.flatten() {
                pending.push(entry.path());
            }
        } else if path.is_file() {
            let is_scenario = path
                .extension()
                .is_some_and(|e| e == "json" || e == "jsonl");
            // `index.json` lists a folder's scenarios (the examples gallery); it is not one.
            let is_manifest = path.file_name().is_some_and(|n| n == "index.json");
            // Files named on the command line are read whatever their extension.
            if (is_scenario && !is_manifest) || paths.contains(&path) {
                files.push(path);
            }
        } else {
            return Err(format!("`{}` does not exist", path.display()));
        }
    }
    files.sort();
    Ok(files)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

pub fn run(paths: &[PathBuf], verbose: bool, out: &mut impl Write) -> ExitCode {
    let files = match scenario_files(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("iamsim: {e}");
            return ExitCode::from(2);
        }
    };
    let options = EvalOptions {
        now_epoch_seconds: super::now_epoch_seconds(),
    };
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in &files {
        let report = run_file(file, &options, verbose, out);
        passed += report.0;
        failed += report.1;
    }
    let _ = writeln!(out, "{passed} passed, {failed} failed");
    let _ = out.flush();
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn run_file(
    file: &Path,
    options: &EvalOptions,
    verbose: bool,
    out: &mut impl Write,
) -> (usize, usize) {
    let shown = file.display();
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(out, "FAIL {shown}: cannot read: {e}");
            return (0, 1);
        }
    };
    let (mut passed, mut failed) = (0, 0);
    for scenario in read_scenarios(&text) {
        let scenario = match scenario {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(out, "FAIL {shown}: unreadable scenario: {e}");
                failed += 1;
                continue;
            }
        };
        if scenario.expect.is_none() && scenario.tests.is_empty() {
            let _ = writeln!(
                out,
                "FAIL {shown}: the scenario has no `expect` and no `tests`"
            );
            failed += 1;
            continue;
        }
        for outcome in check(&scenario, options) {
            if outcome.passed() {
                passed += 1;
                if verbose {
                    let _ = writeln!(out, "ok   {shown}: {}", outcome.name);
                }
                continue;
            }
            failed += 1;
            match &outcome.result {
                Ok(result) => {
                    let _ = writeln!(
                        out,
                        "FAIL {shown}: {}: expected {}, got {}\n{}",
                        outcome.name,
                        outcome.expected,
                        result.decision,
                        indent(&explain_text(result))
                    );
                }
                Err(e) => {
                    let _ = writeln!(out, "FAIL {shown}: {}: {e}", outcome.name);
                }
            }
        }
    }
    (passed, failed)
}

//! `iamsim test`: policy unit tests. Runs the `expect` and `tests` of every scenario file and
//! ends with `N passed, N failed`.

use iamsim_core::eval::{explain_text, EvalOptions};
use iamsim_core::scenario::{check, read_scenarios};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a folder walk finds: the scenario files, and the JSON files passed over because they
/// are plainly something else (a `package.json`), each with why.
#[derive(Debug, Default, PartialEq)]
struct Found {
    files: Vec<PathBuf>,
    passed_over: Vec<(PathBuf, &'static str)>,
}

/// Folders a walk does not enter: installed packages and hidden folders (`.git`), which hold
/// JSON that is not ours. A folder named on the command line is walked whatever its name.
fn skipped_folder(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n == "node_modules" || n.starts_with('.'))
}

/// Why a JSON file found by a walk is not a scenario file, if it plainly is not: a JSON object
/// with none of a scenario's own members. Anything else (a scenario, an array of them, JSON
/// Lines, text that is not JSON) is read, so that a broken scenario fails rather than hides.
fn not_a_scenario(text: &str) -> Option<&'static str> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let object = value.as_object()?;
    let own = ["format", "policies", "request"];
    (!own.iter().any(|k| object.contains_key(*k)))
        .then_some("a JSON object without `format`, `policies` or `request`")
}

/// Every `.json`/`.jsonl` scenario file under the given paths, sorted for a stable order.
fn scenario_files(paths: &[PathBuf]) -> Result<Found, String> {
    let mut found = Found::default();
    let mut pending: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = pending.pop() {
        let named = paths.contains(&path);
        if path.is_dir() {
            if !named && skipped_folder(&path) {
                continue;
            }
            let entries = std::fs::read_dir(&path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            for entry in entries.flatten() {
                pending.push(entry.path());
            }
        } else if path.is_file() {
            // Files named on the command line are read whatever they are.
            if named {
                found.files.push(path);
                continue;
            }
            let is_json = path
                .extension()
                .is_some_and(|e| e == "json" || e == "jsonl");
            // `index.json` lists a folder's scenarios (the examples gallery); it is not one.
            let is_manifest = path.file_name().is_some_and(|n| n == "index.json");
            if !is_json || is_manifest {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            match not_a_scenario(&text) {
                Some(why) => found.passed_over.push((path, why)),
                None => found.files.push(path),
            }
        } else {
            return Err(format!("`{}` does not exist", path.display()));
        }
    }
    found.files.sort();
    found.passed_over.sort();
    Ok(found)
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

pub fn run(paths: &[PathBuf], verbose: bool, out: &mut impl Write) -> ExitCode {
    let Found { files, passed_over } = match scenario_files(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("iamsim: {e}");
            return ExitCode::from(2);
        }
    };
    for (path, why) in &passed_over {
        let _ = writeln!(out, "skip {}: not a scenario ({why})", path.display());
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_reads_scenarios_and_passes_over_packages_and_hidden_folders() {
        let root = std::env::temp_dir().join(format!("iamsim-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let files = [
            (
                "a.json",
                r#"{"format": "iamsim/scenario@1", "request": {}}"#,
            ),
            ("broken.json", "{not json"),
            ("index.json", "[]"),
            ("notes.txt", "text"),
            ("package.json", r#"{"name": "x", "scripts": {}}"#),
            ("sub/b.jsonl", "{}\n{}\n"),
            ("sub/list.json", "[{}]"),
            ("sub/c.json", r#"{"policies": {}}"#),
            ("node_modules/p/package.json", r#"{"request": {}}"#),
            (".git/x.json", r#"{"request": {}}"#),
            ("packages/node_modules/q.json", r#"{"request": {}}"#),
        ];
        for (name, text) in files {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(&path, text).expect("write");
        }
        let found = scenario_files(std::slice::from_ref(&root)).expect("walk");
        let names = |paths: Vec<&PathBuf>| -> Vec<String> {
            paths
                .iter()
                .map(|p| {
                    p.strip_prefix(&root)
                        .expect("under root")
                        .display()
                        .to_string()
                })
                .collect()
        };
        assert_eq!(
            names(found.files.iter().collect()),
            [
                "a.json",
                "broken.json",
                "sub/b.jsonl",
                "sub/c.json",
                "sub/list.json"
            ]
        );
        assert_eq!(
            names(found.passed_over.iter().map(|(p, _)| p).collect()),
            ["package.json"]
        );
        // Named on the command line, a folder is walked and a file read whatever they are.
        let named = [root.join("node_modules"), root.join("package.json")];
        let found = scenario_files(&named).expect("walk");
        assert_eq!(
            names(found.files.iter().collect()),
            ["node_modules/p/package.json", "package.json"]
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}

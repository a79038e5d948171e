//! The conformance corpus: every scenario file under `tests/corpus` must decide as it expects.
//! The CLI (`iamsim test tests/`) and the browser tests run the same files.

use iamsim_core::eval::EvalOptions;
use iamsim_core::scenario::{check, read_scenarios};
use std::path::{Path, PathBuf};

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            corpus_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json")
            // `index.json` lists the examples gallery's scenarios; it is not one.
            && path.file_name().is_none_or(|n| n != "index.json")
        {
            out.push(path);
        }
    }
}

#[test]
fn every_corpus_scenario_decides_as_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let mut files = Vec::new();
    corpus_files(&root, &mut files);
    files.sort();
    assert!(
        files.len() >= 200,
        "the corpus has only {} files",
        files.len()
    );
    let options = EvalOptions::default();
    let mut failures = Vec::new();
    let mut checks = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable corpus file");
        for scenario in read_scenarios(&text) {
            let scenario = match scenario {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!("{}: unreadable: {e}", file.display()));
                    continue;
                }
            };
            for outcome in check(&scenario, &options) {
                checks += 1;
                if !outcome.passed() {
                    let got = outcome
                        .result
                        .as_ref()
                        .map(|r| r.decision.to_string())
                        .unwrap_or_else(|e| e.clone());
                    failures.push(format!(
                        "{}: {}: expected {}, got {got}",
                        file.strip_prefix(&root).unwrap_or(file).display(),
                        outcome.name,
                        outcome.expected
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checks} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every rule id of the rules document (sections 1–7) is named by at least one corpus scenario
/// (its `name` or `description`), so a reader can see which rules are pinned down.
#[test]
fn every_rule_id_is_covered_by_the_corpus() {
    let ids = [
        ("G", 12),
        ("M", 11),
        ("C", 16),
        ("V", 6),
        ("D", 10),
        ("E", 8),
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    let mut files = Vec::new();
    corpus_files(&root, &mut files);
    let mut named = String::new();
    for file in &files {
        for scenario in read_scenarios(&std::fs::read_to_string(file).expect("readable"))
            .into_iter()
            .flatten()
        {
            named.push_str(scenario.name.as_deref().unwrap_or(""));
            named.push(' ');
            named.push_str(scenario.description.as_deref().unwrap_or(""));
            named.push('\n');
        }
    }
    let mentions = |id: &str| {
        named.match_indices(id).any(|(at, _)| {
            let next = named[at + id.len()..].chars().next();
            let prev = named[..at].chars().next_back();
            !next.is_some_and(|c| c.is_ascii_digit())
                && !prev.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    };
    let missing: Vec<String> = ids
        .iter()
        .flat_map(|(prefix, count)| (1..=*count).map(move |n| format!("{prefix}{n}")))
        .filter(|id| !mentions(id))
        .collect();
    assert!(
        missing.is_empty(),
        "rule ids no corpus scenario names: {missing:?}"
    );
}

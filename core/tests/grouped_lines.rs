//! `write_json_lines`: a group of scenarios written stage by stage (every request prepared before
//! any result is written, in the thread's kept requests) gives the lines that writing each
//! scenario alone gives, in order, with the error entries where they were.

use iamsim_core::eval::EvalOptions;
use iamsim_core::scenario::{read_scenarios, write_json_lines, PreparedScenario, Scenario};
use std::path::Path;

fn corpus_scenarios() -> Vec<Scenario> {
    fn walk(dir: &Path, out: &mut Vec<Scenario>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.extend(read_scenarios(&text).into_iter().flatten());
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus"),
        &mut out,
    );
    out
}

/// Each scenario alone, each line followed by a newline; `None` entries as `error!` lines.
fn one_by_one(group: &[Option<&Scenario>], options: &EvalOptions) -> String {
    let mut out = Vec::new();
    for entry in group {
        match entry {
            Some(scenario) => {
                PreparedScenario::new(scenario).write_json(&scenario.request, options, &mut out);
                out.push(b'\n');
            }
            None => out.extend_from_slice(b"error!\n"),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn grouped(group: &[Option<&Scenario>], options: &EvalOptions) -> String {
    let prepared: Vec<Result<PreparedScenario, ()>> = group
        .iter()
        .map(|entry| entry.map(PreparedScenario::new).ok_or(()))
        .collect();
    let mut out = Vec::new();
    write_json_lines(&prepared, options, &mut out, |_, out| {
        out.extend_from_slice(b"error!\n")
    });
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn groups_write_the_lines_scenarios_alone_write() {
    let scenarios = corpus_scenarios();
    assert!(scenarios.len() > 200, "the corpus is read");
    let options = EvalOptions {
        now_epoch_seconds: Some(1_796_000_000),
    };
    // Groups of several sizes, so that the kept requests are both reused (a smaller group after
    // a larger one) and added to (a larger one after a smaller one), with errors at the start,
    // in the middle and at the end of groups.
    let mut at = 0;
    for (round, size) in [32, 5, 1, 40, 7, 32, 2, 64].into_iter().cycle().enumerate() {
        if at >= scenarios.len() {
            break;
        }
        let end = (at + size).min(scenarios.len());
        let mut group: Vec<Option<&Scenario>> = scenarios[at..end].iter().map(Some).collect();
        match round % 3 {
            0 => group.insert(0, None),
            1 => group.insert(group.len() / 2, None),
            _ => group.push(None),
        }
        assert_eq!(
            grouped(&group, &options),
            one_by_one(&group, &options),
            "scenarios {at}..{end}"
        );
        at = end;
    }
}

//! `iamsim simulate`: one JSON result per scenario, one per line, in input order.
//!
//! JSON Lines input is split into batches of lines; worker threads read, evaluate and render a
//! batch each into a byte buffer (results through `write_result_json`, serde_json's exact bytes
//! without serde's cost), and the main thread writes the buffers in input order as they
//! arrive. So reading, evaluating and writing all run on every core, and output starts before the
//! last scenario is evaluated. A JSON array or a single scenario is read first, then evaluated the
//! same way.

use iamsim_core::eval::{explain_text, write_result_json, EvalOptions};
use iamsim_core::scenario::{
    is_json_lines, read_json_line, read_scenarios, simulate, Scenario, ScenarioError,
};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// Scenarios per batch: large enough to amortize the hand-over, small enough to balance the
/// threads and start writing early.
const BATCH: usize = 256;

/// Appends one scenario's output line(s) to `out`.
fn render(
    item: &Result<Scenario, ScenarioError>,
    options: &EvalOptions,
    explain: bool,
    out: &mut Vec<u8>,
) {
    match item {
        Ok(scenario) => {
            let result = simulate(scenario, options);
            if explain {
                let title = scenario.name.as_deref().unwrap_or("scenario");
                let _ = write!(out, "== {title}\n{}", explain_text(&result));
            } else {
                write_result_json(&result, out);
            }
        }
        Err(error) => {
            if explain {
                let _ = write!(out, "== unreadable scenario\nError: {error}\n");
            } else {
                let _ = serde_json::to_writer(&mut *out, &serde_json::json!({ "error": error }));
            }
        }
    }
    out.push(b'\n');
}

/// The work to split: raw JSON lines (read on the workers) or scenarios already read.
enum Items<'a> {
    /// (0-based line index, line text), non-empty lines only.
    Lines(Vec<(usize, &'a str)>),
    Read(Vec<Result<Scenario, ScenarioError>>),
}

impl Items<'_> {
    fn len(&self) -> usize {
        match self {
            Items::Lines(l) => l.len(),
            Items::Read(r) => r.len(),
        }
    }

    /// Renders items `range` into one buffer; sets `failed` when a scenario cannot be read.
    fn render_batch(
        &self,
        range: std::ops::Range<usize>,
        options: &EvalOptions,
        explain: bool,
        failed: &AtomicBool,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(range.len() * 4096);
        match self {
            Items::Lines(lines) => {
                for &(n, line) in lines.get(range).unwrap_or_default() {
                    let item = read_json_line(line, n);
                    if item.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    render(&item, options, explain, &mut out);
                }
            }
            Items::Read(read) => {
                for item in read.get(range).unwrap_or_default() {
                    if item.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    render(item, options, explain, &mut out);
                }
            }
        }
        out
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
    let items = if is_json_lines(&text) {
        Items::Lines(
            text.lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .collect(),
        )
    } else {
        Items::Read(read_scenarios(&text))
    };
    let options = EvalOptions {
        now_epoch_seconds: super::now_epoch_seconds(),
    };
    let failed = AtomicBool::new(false);
    let batches = items.len().div_ceil(BATCH);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(batches.max(1));
    let next = AtomicUsize::new(0);
    let write_ok = std::thread::scope(|scope| {
        let (send, receive) = mpsc::channel::<(usize, Vec<u8>)>();
        for _ in 0..workers {
            let send = send.clone();
            let (items, next, failed, options) = (&items, &next, &failed, &options);
            scope.spawn(move || loop {
                let batch = next.fetch_add(1, Ordering::Relaxed);
                if batch >= batches {
                    break;
                }
                let start = batch * BATCH;
                let end = (start + BATCH).min(items.len());
                let buffer = items.render_batch(start..end, options, explain, failed);
                if send.send((batch, buffer)).is_err() {
                    break;
                }
            });
        }
        drop(send);
        // Write in input order: hold batches that arrive early until their turn.
        let mut pending: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
        let mut turn = 0;
        let mut ok = true;
        for (batch, buffer) in receive {
            pending.insert(batch, buffer);
            while let Some(buffer) = pending.remove(&turn) {
                ok = ok && out.write_all(&buffer).is_ok();
                turn += 1;
            }
        }
        ok && turn == batches
    });
    if !write_ok || out.flush().is_err() {
        return ExitCode::from(2);
    }
    if failed.load(Ordering::Relaxed) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

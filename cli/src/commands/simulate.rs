//! `iamsim simulate`: one JSON result per scenario, one per line, in input order.
//!
//! JSON Lines input is cut into chunks of whole lines; worker threads split, read, evaluate and
//! render a chunk each into a byte buffer (results through `write_result_json`, serde_json's exact bytes
//! without serde's cost), and the main thread writes the buffers in input order as they
//! arrive. So reading, evaluating and writing all run on every core, and output starts before the
//! last scenario is evaluated. A JSON array or a single scenario is read first, then evaluated the
//! same way.

use iamsim_core::bytes::{count_byte, find_byte, split_byte};
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

/// Scenarios per work item when they are read first (a JSON array or one scenario): large enough
/// to amortize the hand-over, small enough to balance the threads and start writing early.
const BATCH: usize = 256;

/// Bytes of JSON Lines per work item (≈ 230 small scenarios), for the same reasons.
const CHUNK_BYTES: usize = 128 * 1024;

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

/// Whole lines of JSON Lines input, and the 0-based index of the first one.
struct Chunk<'a> {
    first_line: usize,
    text: &'a str,
}

/// Cuts JSON Lines input into chunks of about [`CHUNK_BYTES`] that end at a line end. Only the
/// cut points are searched and the line ends counted, a word at a time: the workers split the
/// lines, so the main thread hands out work at once.
fn chunks(text: &str, chunk_bytes: usize) -> Vec<Chunk<'_>> {
    let chunk_bytes = chunk_bytes.max(1);
    let mut out = Vec::with_capacity(text.len() / chunk_bytes + 1);
    let (mut start, mut first_line) = (0, 0);
    while start < text.len() {
        let end = text
            .as_bytes()
            .get(start + chunk_bytes..)
            .and_then(|rest| find_byte(rest, b'\n'))
            .map_or(text.len(), |at| start + chunk_bytes + at + 1);
        let piece = text.get(start..end).unwrap_or_default();
        out.push(Chunk {
            first_line,
            text: piece,
        });
        first_line += count_byte(piece.as_bytes(), b'\n');
        start = end;
    }
    out
}

impl<'a> Chunk<'a> {
    /// The chunk's non-blank lines with their 0-based indices in the whole input, as
    /// `str::lines` gives them (a `\r` before a `\n` is dropped).
    fn lines(&self) -> impl Iterator<Item = (usize, &'a str)> + 'a {
        let mut pieces = split_byte(self.text, b'\n').peekable();
        let first_line = self.first_line;
        let mut index = 0;
        std::iter::from_fn(move || {
            let piece = pieces.next()?;
            let terminated = pieces.peek().is_some();
            let line = if terminated {
                piece.strip_suffix('\r').unwrap_or(piece)
            } else {
                piece
            };
            index += 1;
            Some((first_line + index - 1, line))
        })
        .filter(|(_, line)| !line.trim().is_empty())
    }
}

/// The work to split: chunks of raw JSON lines (read on the workers) or scenarios already read.
enum Items<'a> {
    Lines(Vec<Chunk<'a>>),
    Read(Vec<Result<Scenario, ScenarioError>>),
}

impl Items<'_> {
    /// How many work items there are.
    fn units(&self) -> usize {
        match self {
            Items::Lines(chunks) => chunks.len(),
            Items::Read(read) => read.len().div_ceil(BATCH),
        }
    }

    /// Renders work item `unit` into one buffer; sets `failed` when a scenario cannot be read.
    fn render_unit(
        &self,
        unit: usize,
        options: &EvalOptions,
        explain: bool,
        failed: &AtomicBool,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            Items::Lines(chunks) => {
                if let Some(chunk) = chunks.get(unit) {
                    out.reserve(chunk.text.len() * 6);
                    for (n, line) in chunk.lines() {
                        let item = read_json_line(line, n);
                        if item.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        render(&item, options, explain, &mut out);
                    }
                }
            }
            Items::Read(read) => {
                let start = unit * BATCH;
                let range = start..(start + BATCH).min(read.len());
                out.reserve(range.len() * 4096);
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
    // Every scenario is linted against the catalog: read it while the input is read.
    std::thread::spawn(|| {
        iamsim_core::catalog::catalog();
    });
    let text = match super::read_input(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("iamsim: {e}");
            return ExitCode::from(2);
        }
    };
    let items = if is_json_lines(&text) {
        Items::Lines(chunks(&text, CHUNK_BYTES))
    } else {
        Items::Read(read_scenarios(&text))
    };
    let options = EvalOptions {
        now_epoch_seconds: super::now_epoch_seconds(),
    };
    let failed = AtomicBool::new(false);
    let batches = items.units();
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
                let buffer = items.render_unit(batch, options, explain, failed);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunked lines are `str::lines` with blank lines left out, numbered in the whole input.
    #[test]
    fn chunked_lines_agree_with_str_lines() {
        let inputs = [
            "",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "a\r\n\r\nb\r",
            "\n\n  \nx\n\ty\n",
            "é\n€€\n\u{1F600}\nlast",
            "one line that is longer than a chunk\nshort\n\nanother long line here\r\n",
        ];
        for text in inputs {
            let plain: Vec<(usize, &str)> = text
                .lines()
                .enumerate()
                .filter(|(_, line)| !line.trim().is_empty())
                .collect();
            for size in [1, 2, 3, 5, 8, 64, CHUNK_BYTES] {
                let pieces = chunks(text, size);
                let joined: String = pieces.iter().map(|c| c.text).collect();
                assert_eq!(joined, text, "chunks cover the input ({size})");
                let ours: Vec<(usize, &str)> = pieces.iter().flat_map(Chunk::lines).collect();
                assert_eq!(ours, plain, "{text:?} in chunks of {size}");
            }
        }
    }
}

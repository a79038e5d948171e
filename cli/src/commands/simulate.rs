//! `iamsim simulate`: one JSON result per scenario, one per line, in input order.
//!
//! Three kinds of thread share the work. A reader cuts the input into work items: chunks of
//! whole JSON Lines (see [`input`]: parts of the mapped file, or read as they arrive from a
//! pipe), or batches of scenarios when the input is a JSON array or one scenario, read whole
//! first. Workers read, evaluate and render one item each into a byte buffer (each result
//! written as it is worked out, `PreparedScenario::write_json`: serde_json's exact bytes without
//! serde's cost or an owned result). Within an item, scenarios go through the stages in small
//! groups ([`STAGE`]): a group is read, its policies prepared, its requests prepared, then each
//! result decided and written, so each stage's code stays in the instruction cache across the
//! group instead of every scenario pulling all of it through again. The main thread writes the
//! buffers in input order as they arrive. So reading, evaluating and writing overlap on every
//! core, evaluation starts with the first chunk, and output starts before the last scenario is
//! evaluated. Buffers go back to pools once used, and at most two output buffers per worker are
//! ever made: the run touches a few buffers' worth of fresh memory (the kernel zeroes every page
//! on first touch), not its whole output, however slowly the output is read.

mod input;

use iamsim_core::eval::{explain_text, EvalOptions};
use iamsim_core::scenario::{
    read_json_line, read_json_line_into, read_scenarios, simulate, write_json_lines,
    PreparedScenario, Scenario, ScenarioError,
};
use iamsim_core::span::Position;
use input::{Chunk, ChunkBytes, Input, Line, Lines};
use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Condvar, Mutex};

/// Scenarios per work item when they are read first (a JSON array or one scenario): large enough
/// to amortize the hand-over, small enough to balance the threads and start writing early.
const BATCH: usize = 256;

/// Scenarios taken through each stage together. The path from a JSON line to its written result
/// runs through far more code than the 32 KiB instruction cache holds, so one scenario at a time
/// misses in it about once every 22 instructions (cachegrind). In groups of 32, with the requests
/// prepared as a stage of their own, the misses fall by two thirds and the run is ≈ 1.14× as fast;
/// larger groups hold more data than the caches keep (docs/performance.md, "Tenth round").
const STAGE: usize = 32;

/// Appends one scenario's readable explanation (`--explain`) to `out`.
fn render_explained(
    item: &Result<Scenario, ScenarioError>,
    options: &EvalOptions,
    out: &mut Vec<u8>,
) {
    match item {
        Ok(scenario) => {
            let title = scenario.name.as_deref().unwrap_or("scenario");
            let result = simulate(scenario, options);
            let _ = write!(out, "== {title}\n{}", explain_text(&result));
        }
        Err(error) => {
            let _ = write!(out, "== unreadable scenario\nError: {error}\n");
        }
    }
    out.push(b'\n');
}

/// Appends the result line of a scenario that could not be read.
fn render_error(error: &ScenarioError, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, &serde_json::json!({ "error": error }));
    out.push(b'\n');
}

/// The error for a JSON Lines line that is not UTF-8: the other lines are still evaluated.
fn not_utf8(index: usize, valid_up_to: usize) -> ScenarioError {
    let number = |n: usize| u32::try_from(n.saturating_add(1)).unwrap_or(u32::MAX);
    ScenarioError {
        message: "the line is not valid UTF-8".to_string(),
        position: Some(Position {
            line: number(index),
            column: number(valid_up_to),
            offset: 0,
        }),
    }
}

/// A worker's scenarios of one group, kept from group to group (see [`Shared::render`]).
type Group = Vec<Result<Scenario, ScenarioError>>;

/// One work item.
enum Work<'a> {
    /// Whole JSON lines, read on the worker.
    Lines(Chunk<'a>),
    /// Scenarios already read, by index.
    Scenarios(Range<usize>),
}

/// What a worker hands to the writer: the item's index, its output, and the input buffer to
/// reuse.
type Done = (usize, Vec<u8>, Option<Vec<u8>>);

/// Buffers handed back for reuse, at most `limit` of them made (none: no limit). Each buffer
/// made is fresh memory that the kernel zeroes page by page on first touch (≈ 150 faults for an
/// output buffer): with a limit, a worker that runs ahead of the writer waits for a buffer
/// instead of touching a new one, and the writer, which needs the core, gets it.
#[derive(Default)]
struct Pool {
    buffers: Mutex<(Vec<Vec<u8>>, usize)>,
    given_back: Condvar,
    limit: Option<usize>,
}

impl Pool {
    fn with_limit(limit: usize) -> Pool {
        Pool {
            limit: Some(limit),
            ..Pool::default()
        }
    }

    /// A free buffer, a new one while fewer than the limit were made, or else the next one
    /// given back.
    fn take(&self) -> Vec<u8> {
        let Ok(mut buffers) = self.buffers.lock() else {
            return Vec::new();
        };
        loop {
            let (free, made) = &mut *buffers;
            if let Some(buffer) = free.pop() {
                return buffer;
            }
            if self.limit.is_none_or(|limit| *made < limit) {
                *made += 1;
                return Vec::new();
            }
            buffers = match self.given_back.wait(buffers) {
                Ok(buffers) => buffers,
                Err(_) => return Vec::new(),
            };
        }
    }

    fn give(&self, mut buffer: Vec<u8>) {
        buffer.clear();
        if let Ok(mut buffers) = self.buffers.lock() {
            buffers.0.push(buffer);
        }
        self.given_back.notify_one();
    }
}

/// What the workers share.
struct Shared<'a> {
    scenarios: &'a [Result<Scenario, ScenarioError>],
    options: EvalOptions,
    explain: bool,
    /// Set when a scenario cannot be read (exit code 1).
    failed: AtomicBool,
    /// Set when output cannot be written: the reader stops.
    stop: AtomicBool,
    inputs: Pool,
    outputs: Pool,
}

impl Shared<'_> {
    /// Renders one work item into `out`. `group` is the worker's own: each line is read into a
    /// slot a previous line used (`read_json_line_into`: the scenario is read where it stays,
    /// and the previous one's strings and lists lend their buffers).
    fn render(&self, work: &Work, group: &mut Group, out: &mut Vec<u8>) {
        match work {
            Work::Lines(chunk) => {
                // A power of two, so that a reused buffer rarely grows: growing one touches
                // fresh memory again.
                out.reserve((chunk.bytes.len() * 6).next_power_of_two());
                let mut lines = chunk.lines();
                loop {
                    let mut count = 0;
                    for line in lines.by_ref().take(STAGE) {
                        match (group.get_mut(count), line) {
                            (Some(slot), Line::Text(index, text)) => {
                                read_json_line_into(text, index, slot)
                            }
                            (Some(slot), Line::NotUtf8 { index, valid_up_to }) => {
                                *slot = Err(not_utf8(index, valid_up_to))
                            }
                            (None, Line::Text(index, text)) => {
                                group.push(read_json_line(text, index))
                            }
                            (None, Line::NotUtf8 { index, valid_up_to }) => {
                                group.push(Err(not_utf8(index, valid_up_to)))
                            }
                        }
                        count += 1;
                    }
                    let Some(read) = group.get(..count).filter(|read| !read.is_empty()) else {
                        break;
                    };
                    self.render_group(read, out);
                }
            }
            Work::Scenarios(range) => {
                out.reserve(range.len() * 4096);
                let scenarios = self.scenarios.get(range.clone()).unwrap_or_default();
                for group in scenarios.chunks(STAGE) {
                    self.render_group(group, out);
                }
            }
        }
    }

    /// Renders a group of scenarios stage by stage: every policy set of the group is prepared
    /// before any result is written (see [`STAGE`]). `--explain` is for people, not throughput:
    /// it renders one scenario at a time.
    fn render_group(&self, group: &[Result<Scenario, ScenarioError>], out: &mut Vec<u8>) {
        if group.iter().any(Result::is_err) {
            self.failed.store(true, Ordering::Relaxed);
        }
        if self.explain {
            for item in group {
                render_explained(item, &self.options, out);
            }
            return;
        }
        let prepared: Vec<Result<PreparedScenario, &ScenarioError>> = group
            .iter()
            .map(|item| item.as_ref().map(PreparedScenario::new))
            .collect();
        write_json_lines(&prepared, &self.options, out, |error, out| {
            render_error(error, out)
        });
    }

    /// A worker: renders items until there are none left.
    fn work(&self, items: &Mutex<Receiver<(usize, Work<'_>)>>, done: &mpsc::Sender<Done>) {
        let mut group = Group::with_capacity(STAGE);
        loop {
            // The output buffer first, then the item: the worker of the item the writer waits
            // for always holds a buffer, so a limited pool cannot stall the run.
            let mut out = self.outputs.take();
            let next = match items.lock() {
                Ok(items) => items.recv(),
                Err(_) => return,
            };
            let Ok((index, work)) = next else { return };
            self.render(&work, &mut group, &mut out);
            let input = match work {
                Work::Lines(Chunk {
                    bytes: ChunkBytes::Read(buffer),
                    ..
                }) => Some(buffer),
                Work::Lines(_) | Work::Scenarios(_) => None,
            };
            if done.send((index, out, input)).is_err() {
                return;
            }
        }
    }

    /// The reader: hands out the work items in order; the read error, if any.
    fn feed<'i>(
        &self,
        lines: Option<Lines<'i>>,
        items: SyncSender<(usize, Work<'i>)>,
    ) -> Option<std::io::Error> {
        let Some(mut lines) = lines else {
            let batches = self.scenarios.len().div_ceil(BATCH);
            for (index, start) in (0..batches).map(|b| (b, b * BATCH)) {
                let range = start..(start + BATCH).min(self.scenarios.len());
                if items.send((index, Work::Scenarios(range))).is_err() {
                    break;
                }
            }
            return None;
        };
        let mut index = 0;
        while !self.stop.load(Ordering::Relaxed) {
            match lines.next_chunk(|| self.inputs.take()) {
                Ok(Some(chunk)) => {
                    if items.send((index, Work::Lines(chunk))).is_err() {
                        break;
                    }
                    index += 1;
                }
                Ok(None) => break,
                Err(e) => return Some(e),
            }
        }
        None
    }
}

pub fn run(path: &Path, explain: bool, out: &mut impl Write) -> ExitCode {
    // Every scenario is linted against the catalog: read it while the input is opened.
    std::thread::spawn(|| {
        iamsim_core::catalog::catalog();
    });
    // Kept until the run ends: the chunks of a mapped input are parts of it.
    let mapped = input::map(path);
    let input = match &mapped {
        Some(map) => input::from_bytes(map),
        None => super::open_input(path).and_then(input::open),
    };
    let input = match input {
        Ok(input) => input,
        Err(e) => {
            eprintln!("iamsim: {}", super::read_error(path, &e));
            return ExitCode::from(2);
        }
    };
    let (scenarios, lines) = match input {
        Input::Lines(lines) => (Vec::new(), Some(lines)),
        Input::Whole(text) => (read_scenarios(&text), None),
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let shared = Shared {
        scenarios: &scenarios,
        options: EvalOptions {
            now_epoch_seconds: super::now_epoch_seconds(),
        },
        explain,
        failed: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        inputs: Pool::default(),
        outputs: Pool::with_limit(2 * workers),
    };
    let (written, read_error) = std::thread::scope(|scope| {
        let shared = &shared;
        // A short queue: the reader stays a few chunks ahead, so buffers circulate.
        let (item_send, item_receive) = mpsc::sync_channel(workers * 2);
        let reader = scope.spawn(move || shared.feed(lines, item_send));
        // Shared by the workers and dropped with the last of them, so the reader cannot wait
        // on a queue nobody reads.
        let items = Arc::new(Mutex::new(item_receive));
        let (done_send, done_receive) = mpsc::channel::<Done>();
        for _ in 0..workers {
            let (items, done) = (Arc::clone(&items), done_send.clone());
            scope.spawn(move || shared.work(&items, &done));
        }
        drop((items, done_send));
        // Write in input order: hold items that arrive early until their turn.
        let mut pending: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
        let (mut turn, mut ok) = (0, true);
        for (index, buffer, input) in done_receive {
            if let Some(input) = input {
                shared.inputs.give(input);
            }
            pending.insert(index, buffer);
            while let Some(buffer) = pending.remove(&turn) {
                if ok && out.write_all(&buffer).is_err() {
                    ok = false;
                    shared.stop.store(true, Ordering::Relaxed);
                }
                shared.outputs.give(buffer);
                turn += 1;
            }
        }
        let read_error = reader
            .join()
            .unwrap_or_else(|_| Some(std::io::Error::other("the reader stopped")));
        (ok && pending.is_empty(), read_error)
    });
    if let Some(error) = read_error {
        let _ = out.flush();
        eprintln!("iamsim: {}", super::read_error(path, &error));
        return ExitCode::from(2);
    }
    if !written || out.flush().is_err() {
        return ExitCode::from(2);
    }
    if shared.failed.load(Ordering::Relaxed) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::Pool;

    /// A limited pool makes no more buffers than its limit: a third taker gets the buffer given
    /// back (a new one would have no capacity), whether it asked before or after the give.
    #[test]
    fn a_limited_pool_hands_on_a_buffer_given_back() {
        let pool = Pool::with_limit(2);
        let (first, _second) = (pool.take(), pool.take());
        let third = std::thread::scope(|scope| {
            let waiting = scope.spawn(|| pool.take());
            let mut given = first;
            given.reserve(77);
            pool.give(given);
            waiting.join().expect("the taker ends")
        });
        assert!(
            third.capacity() >= 77,
            "the third buffer is the one given back"
        );
        let unlimited = Pool::default();
        assert!((0..5).map(|_| unlimited.take()).all(|b| b.capacity() == 0));
    }
}

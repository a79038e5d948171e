//! `iamsim simulate`'s input. JSON Lines are cut into chunks of whole lines, so evaluation
//! starts with the first chunk: a regular file is mapped into memory and cut in place (the
//! workers read the page cache's own pages, with no copy), anything else (a pipe, a terminal) is
//! read chunk by chunk as it arrives. Other input (a JSON array, a single scenario) is read whole
//! first.

use iamsim_core::bytes::find_byte;
use iamsim_core::scenario::is_json_lines;
use memchr::{memchr, memchr_iter, memrchr};
use memmap2::Mmap;
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read, Seek};
use std::ops::Deref;
use std::path::Path;

/// Bytes of JSON Lines per chunk (≈ 230 small scenarios): large enough to amortize the hand-over,
/// small enough to balance the threads and start writing early.
pub const CHUNK_BYTES: usize = 128 * 1024;

/// What the input turned out to be.
pub enum Input<'a> {
    /// JSON Lines, to be cut chunk by chunk.
    Lines(Lines<'a>),
    /// Anything else, read whole.
    Whole(Cow<'a, str>),
}

/// How much of the input is read, at most, to decide what it is from its start; past that
/// (a very long first line) the whole input is read and decides.
const HEAD_LIMIT: usize = 8 * CHUNK_BYTES;

/// The input file (or the regular file standard input is redirected from) mapped into memory;
/// `None` for a pipe, a terminal, an empty file or anything that cannot be mapped, which are read
/// instead (an input that cannot be opened is reported by the reading path).
pub fn map(path: &Path) -> Option<Mmap> {
    let mut file = if path.as_os_str() == "-" {
        use std::os::fd::AsFd;
        File::from(io::stdin().as_fd().try_clone_to_owned().ok()?)
    } else {
        File::open(path).ok()?
    };
    let metadata = file.metadata().ok()?;
    // Standard input may have been read from already: mapping it would read that part again.
    if !metadata.is_file() || metadata.len() == 0 || file.stream_position().ok()? != 0 {
        return None;
    }
    map_file(&file)
}

/// Maps a regular file for reading.
#[allow(unsafe_code)]
fn map_file(file: &File) -> Option<Mmap> {
    // SAFETY: the map is only read, as bytes, and lives until the run ends. Another process
    // truncating the file during the run can make the kernel end this one with SIGBUS (as it
    // would ripgrep or any reader of a mapped file); changing its bytes changes what is read, as
    // it would with read(2).
    let map = unsafe { Mmap::map(file) }.ok()?;
    // The workers read the file front to back: ask the kernel to read ahead (a hint: failing is
    // harmless).
    let _ = map.advise(memmap2::Advice::Sequential);
    Some(map)
}

/// Decides what the mapped input `bytes` is, as [`open`] decides for a stream.
pub fn from_bytes(bytes: &[u8]) -> io::Result<Input<'_>> {
    if decide_from_head(bytes) == Some(true) {
        return Ok(Input::Lines(Lines::Mapped(MappedLines {
            rest: bytes,
            next_line: 0,
            size: CHUNK_BYTES,
        })));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| not_utf8_error())?;
    if is_json_lines(text) {
        return Ok(Input::Lines(Lines::Mapped(MappedLines {
            rest: bytes,
            next_line: 0,
            size: CHUNK_BYTES,
        })));
    }
    Ok(Input::Whole(Cow::Borrowed(text)))
}

/// Reads the start of `source` and decides what it is, reading no more than it needs to: the
/// decision is [`is_json_lines`]'s on the whole text, which only looks at the first two
/// non-blank lines.
pub fn open(mut source: Box<dyn Read + Send>) -> io::Result<Input<'static>> {
    let mut head = Vec::with_capacity(CHUNK_BYTES * 2);
    loop {
        let ended = read_up_to(&mut source, &mut head, CHUNK_BYTES)?;
        let decision = if ended { None } else { decide_from_head(&head) };
        match decision {
            Some(true) => {
                return Ok(Input::Lines(Lines::Read(LineChunks::starting_with(
                    source, head,
                ))))
            }
            None if !ended && head.len() < HEAD_LIMIT => continue,
            _ => {}
        }
        source.read_to_end(&mut head)?;
        let text = into_text(head)?;
        if is_json_lines(&text) {
            let empty = Box::new(io::empty());
            return Ok(Input::Lines(Lines::Read(LineChunks::starting_with(
                empty,
                text.into_bytes(),
            ))));
        }
        return Ok(Input::Whole(Cow::Owned(text)));
    }
}

/// [`is_json_lines`] on the whole text, decided from its start when the start holds two whole
/// non-blank lines (a line is whole when a `\n` ends it); `None` when it does not, or when those
/// lines are not UTF-8 (the whole text is then read, and fails as a whole).
fn decide_from_head(head: &[u8]) -> Option<bool> {
    let mut start = 0;
    let mut non_blank = 0;
    while let Some(at) = head.get(start..).and_then(|rest| find_byte(rest, b'\n')) {
        let end = start + at;
        let line = std::str::from_utf8(head.get(start..end)?).ok()?;
        if !line.trim().is_empty() {
            non_blank += 1;
            if non_blank == 2 {
                return Some(is_json_lines(std::str::from_utf8(head.get(..end)?).ok()?));
            }
        }
        start = end + 1;
    }
    None
}

/// Appends up to `limit` bytes from `source` to `buffer`; true when the source has ended.
fn read_up_to(source: &mut dyn Read, buffer: &mut Vec<u8>, limit: usize) -> io::Result<bool> {
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    let read = source.take(limit).read_to_end(buffer)?;
    Ok((read as u64) < limit)
}

/// The text, or the error `read_to_string` gives for bytes that are not UTF-8.
fn into_text(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes).map_err(|_| not_utf8_error())
}

fn not_utf8_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "stream did not contain valid UTF-8",
    )
}

/// Whole lines of JSON Lines input, and the 0-based index of the first one.
pub struct Chunk<'a> {
    pub first_line: usize,
    pub bytes: ChunkBytes<'a>,
}

/// A chunk's bytes: read into a buffer (handed back for reuse once used), or a part of the
/// mapped input.
pub enum ChunkBytes<'a> {
    Read(Vec<u8>),
    Mapped(&'a [u8]),
}

impl Deref for ChunkBytes<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            ChunkBytes::Read(buffer) => buffer,
            ChunkBytes::Mapped(bytes) => bytes,
        }
    }
}

/// One line of a chunk: its 0-based index in the whole input and its text, or where it stops
/// being UTF-8.
pub enum Line<'a> {
    Text(usize, &'a str),
    NotUtf8 { index: usize, valid_up_to: usize },
}

/// JSON Lines input cut into chunks of about [`CHUNK_BYTES`] that end at a line end.
pub enum Lines<'a> {
    Read(LineChunks),
    Mapped(MappedLines<'a>),
}

impl<'a> Lines<'a> {
    /// The next chunk (read into `buffer()` if it is read); `None` at the end.
    pub fn next_chunk(
        &mut self,
        buffer: impl FnOnce() -> Vec<u8>,
    ) -> io::Result<Option<Chunk<'a>>> {
        match self {
            Lines::Read(chunks) => chunks.next_chunk(buffer()),
            Lines::Mapped(lines) => Ok(lines.next_chunk()),
        }
    }
}

/// Mapped JSON Lines, cut in place.
pub struct MappedLines<'a> {
    /// The input after the last chunk.
    rest: &'a [u8],
    next_line: usize,
    /// [`CHUNK_BYTES`] (smaller in tests).
    size: usize,
}

impl<'a> MappedLines<'a> {
    fn next_chunk(&mut self) -> Option<Chunk<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        // Cut after the last line end in the chunk's size; a line longer than that makes the
        // chunk longer.
        let size = self.size.max(1);
        let cut = match self.rest.get(..size) {
            None => self.rest.len(),
            Some(start) => memrchr(b'\n', start)
                .or_else(|| {
                    let after = self.rest.get(size..)?;
                    memchr(b'\n', after).map(|at| size + at)
                })
                .map_or(self.rest.len(), |at| at + 1),
        };
        let (bytes, rest) = self.rest.split_at(cut);
        self.rest = rest;
        let first_line = self.next_line;
        self.next_line += memchr_iter(b'\n', bytes).count();
        Some(Chunk {
            first_line,
            bytes: ChunkBytes::Mapped(bytes),
        })
    }
}

/// Streamed JSON Lines, read into chunks.
pub struct LineChunks {
    source: Box<dyn Read + Send>,
    /// Bytes read past the last chunk's last line end.
    carry: Vec<u8>,
    ended: bool,
    next_line: usize,
}

impl LineChunks {
    fn starting_with(source: Box<dyn Read + Send>, head: Vec<u8>) -> LineChunks {
        LineChunks {
            source,
            carry: head,
            ended: false,
            next_line: 0,
        }
    }

    /// The next chunk, read into `buffer` (whose allocation is reused); `None` at the end.
    fn next_chunk(&mut self, mut buffer: Vec<u8>) -> io::Result<Option<Chunk<'static>>> {
        buffer.clear();
        // Room for a chunk and the line that crosses its end, so that a reused buffer does not
        // grow (growing touches fresh memory, which the kernel zeroes).
        buffer.reserve(2 * CHUNK_BYTES);
        buffer.append(&mut self.carry);
        loop {
            if !self.ended && buffer.len() < CHUNK_BYTES {
                let want = CHUNK_BYTES - buffer.len();
                self.ended = read_up_to(&mut self.source, &mut buffer, want)?;
            }
            // Cut after the last line end; a line longer than a chunk makes the chunk longer.
            let cut = memrchr(b'\n', &buffer).map(|at| at + 1);
            match cut {
                _ if self.ended => break,
                Some(cut) => {
                    self.carry
                        .extend_from_slice(buffer.get(cut..).unwrap_or_default());
                    buffer.truncate(cut);
                    break;
                }
                None => self.ended = read_up_to(&mut self.source, &mut buffer, CHUNK_BYTES)?,
            }
        }
        if buffer.is_empty() {
            return Ok(None);
        }
        let first_line = self.next_line;
        self.next_line += memchr_iter(b'\n', &buffer).count();
        Ok(Some(Chunk {
            first_line,
            bytes: ChunkBytes::Read(buffer),
        }))
    }
}

impl Chunk<'_> {
    /// The chunk's non-blank lines with their 0-based indices in the whole input, as
    /// `str::lines` gives them (a `\r` before a `\n` is dropped). A line that is not UTF-8 is
    /// reported as such (a chunk that is all UTF-8, the usual case, is checked once).
    pub fn lines(&self) -> Box<dyn Iterator<Item = Line<'_>> + '_> {
        let first_line = self.first_line;
        let bytes: &[u8] = &self.bytes;
        // The whole chunk at once, with SIMD; a chunk that fails is checked again line by line
        // (with std, which says where each line stops being UTF-8).
        match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => Box::new(
                pieces(split_lines(text), first_line)
                    .filter(|(_, line)| !line.trim().is_empty())
                    .map(|(index, line)| Line::Text(index, line)),
            ),
            Err(_) => Box::new(pieces(split_lines(bytes), first_line).filter_map(
                |(index, line)| match std::str::from_utf8(line) {
                    Ok(text) if text.trim().is_empty() => None,
                    Ok(text) => Some(Line::Text(index, text)),
                    Err(e) => Some(Line::NotUtf8 {
                        index,
                        valid_up_to: e.valid_up_to(),
                    }),
                },
            )),
        }
    }
}

/// A text's or byte string's `\n`-separated pieces with their indices from `first_line`, each
/// without the `\r` before its `\n` (the last piece, which no `\n` ends, keeps it).
fn pieces<'a, T: Piece + ?Sized + 'a>(
    split: impl Iterator<Item = &'a T>,
    first_line: usize,
) -> impl Iterator<Item = (usize, &'a T)> {
    let mut split = split.peekable();
    let mut index = first_line;
    std::iter::from_fn(move || {
        let piece = split.next()?;
        let line = if split.peek().is_some() {
            piece.without_cr()
        } else {
            piece
        };
        index += 1;
        Some((index - 1, line))
    })
}

/// The `\n`-separated pieces of a text or byte string, as `split('\n')` gives them; the line
/// ends are found with SIMD (a byte at a time, this was ≈ 650 instructions per small scenario).
fn split_lines<T: Piece + ?Sized>(text: &T) -> impl Iterator<Item = &T> {
    let mut ends = memchr_iter(b'\n', text.as_bytes());
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        let end = ends.next();
        start = end.map(|at| at + 1);
        text.piece(from, end.unwrap_or(text.as_bytes().len()))
    })
}

/// A line's text as `str` or bytes.
trait Piece {
    fn without_cr(&self) -> &Self;
    fn as_bytes(&self) -> &[u8];
    /// The piece between two byte offsets (a `\n`'s, so a `str` is cut at a boundary).
    fn piece(&self, from: usize, to: usize) -> Option<&Self>;
}

impl Piece for str {
    fn without_cr(&self) -> &str {
        self.strip_suffix('\r').unwrap_or(self)
    }
    fn as_bytes(&self) -> &[u8] {
        str::as_bytes(self)
    }
    fn piece(&self, from: usize, to: usize) -> Option<&str> {
        self.get(from..to)
    }
}

impl Piece for [u8] {
    fn without_cr(&self) -> &[u8] {
        self.strip_suffix(b"\r").unwrap_or(self)
    }
    fn as_bytes(&self) -> &[u8] {
        self
    }
    fn piece(&self, from: usize, to: usize) -> Option<&[u8]> {
        self.get(from..to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTS: [&str; 11] = [
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
        "{\"a\":1}\n\n{\"b\":2}\r\n  \n[3]\n",
    ];

    /// `str::lines` without the blank ones, numbered from `first`: what a chunk's lines must be.
    fn non_blank_lines(text: &str, first: usize) -> Vec<(usize, String)> {
        text.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| (i + first, line.to_string()))
            .collect()
    }

    fn text_lines(chunk: &Chunk) -> Vec<(usize, String)> {
        chunk
            .lines()
            .map(|line| match line {
                Line::Text(index, text) => (index, text.to_string()),
                Line::NotUtf8 { index, valid_up_to } => {
                    (index, format!("<not UTF-8 after {valid_up_to}>"))
                }
            })
            .collect()
    }

    /// A chunk's lines are `str::lines` with blank lines left out, numbered in the whole input,
    /// whether the chunk is checked as a whole or line by line.
    #[test]
    fn chunk_lines_agree_with_str_lines() {
        for text in TEXTS {
            let plain = non_blank_lines(text, 7);
            let chunk = Chunk {
                first_line: 7,
                bytes: ChunkBytes::Read(text.as_bytes().to_vec()),
            };
            assert_eq!(text_lines(&chunk), plain, "{text:?}");
            // The same text with a line that is not UTF-8 after it: the other lines read alike.
            let mut bytes = text.as_bytes().to_vec();
            bytes.extend_from_slice(b"\n\xff\n");
            let with_bad = Chunk {
                first_line: 7,
                bytes: ChunkBytes::Mapped(&bytes),
            };
            let lines = text_lines(&with_bad);
            let bad_index = 7 + text.split('\n').count();
            let mut expected = non_blank_lines(&format!("{text}\n"), 7);
            expected.push((bad_index, "<not UTF-8 after 0>".to_string()));
            assert_eq!(lines, expected, "{text:?} then a byte that is not UTF-8");
        }
    }

    /// Reading in chunks gives every line once, in order, numbered in the whole input, for any
    /// chunk size and any size of the reads the source answers.
    #[test]
    fn chunks_cover_the_input_in_order() {
        let long: String = (0..2000).map(|i| format!("{{\"n\":{i}}}\r\n\n")).collect();
        let longest = format!("{}\n{}\n", "x".repeat(CHUNK_BYTES * 3), "y");
        for text in TEXTS
            .iter()
            .copied()
            .chain([long.as_str(), longest.as_str()])
        {
            let plain = non_blank_lines(text, 0);
            for head in [0, 1, 5, text.len()] {
                let head = head.min(text.len());
                let mut chunks = LineChunks::starting_with(
                    Box::new(Trickle(
                        text.as_bytes().get(head..).unwrap_or_default().to_vec(),
                        0,
                    )),
                    text.as_bytes().get(..head).unwrap_or_default().to_vec(),
                );
                let mut seen = Vec::new();
                let mut joined = Vec::new();
                while let Some(chunk) = chunks.next_chunk(Vec::new()).expect("in memory") {
                    assert!(
                        chunk.bytes.ends_with(b"\n")
                            || joined.len() + chunk.bytes.len() == text.len(),
                        "a chunk ends at a line end unless it is the last"
                    );
                    joined.extend_from_slice(&chunk.bytes);
                    seen.extend(text_lines(&chunk));
                }
                assert_eq!(joined, text.as_bytes(), "chunks cover the input");
                assert_eq!(seen, plain, "{head} bytes read ahead");
            }
        }
    }

    /// Mapped input cut in place gives every line once, in order, numbered in the whole input,
    /// for any chunk size, as reading it does.
    #[test]
    fn mapped_chunks_cover_the_input_in_order() {
        let long: String = (0..2000).map(|i| format!("{{\"n\":{i}}}\r\n\n")).collect();
        for text in TEXTS.iter().copied().chain([long.as_str()]) {
            let plain = non_blank_lines(text, 0);
            for size in [1, 2, 5, 17, 1000, CHUNK_BYTES] {
                let mut lines = MappedLines {
                    rest: text.as_bytes(),
                    next_line: 0,
                    size,
                };
                let (mut seen, mut joined) = (Vec::new(), Vec::new());
                while let Some(chunk) = lines.next_chunk() {
                    assert!(
                        chunk.bytes.ends_with(b"\n")
                            || joined.len() + chunk.bytes.len() == text.len(),
                        "a chunk ends at a line end unless it is the last"
                    );
                    assert!(
                        chunk.bytes.len() <= size || !chunk.bytes[..size].contains(&b'\n'),
                        "a chunk is longer than its size only for a line that long"
                    );
                    joined.extend_from_slice(&chunk.bytes);
                    seen.extend(text_lines(&chunk));
                }
                assert_eq!(joined, text.as_bytes(), "chunks cover the input");
                assert_eq!(seen, plain, "{text:?} in chunks of {size}");
            }
        }
    }

    /// A source that answers each read with a few bytes, as a pipe may.
    struct Trickle(Vec<u8>, usize);

    impl Read for Trickle {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let rest = self.0.get(self.1..).unwrap_or_default();
            let n = rest.len().min(buffer.len()).min(7 + self.1 % 5000);
            buffer
                .get_mut(..n)
                .unwrap_or_default()
                .copy_from_slice(rest.get(..n).unwrap_or_default());
            self.1 += n;
            Ok(n)
        }
    }

    /// The decision from the head is `is_json_lines` on the whole text, whatever the head's length.
    #[test]
    fn the_head_decides_like_the_whole_text() {
        let texts = [
            "{\"a\":1}\n{\"b\":2}\n",
            "{\"a\":1}\n\n  \n{\"b\":2}",
            "{\n  \"a\": 1\n}\n",
            "[{\"a\":1},\n{\"b\":2}]\n",
            "\u{feff}{\"a\":1}\n{\"b\":2}\n",
            "{\"a\":1}\n",
            "not json\nat all\n",
            "{\"a\":1}\r\n{\"b\"",
        ];
        for text in texts {
            for end in 0..=text.len() {
                let Some(head) = text.as_bytes().get(..end) else {
                    continue;
                };
                if let Some(decision) = decide_from_head(head) {
                    assert_eq!(
                        decision,
                        is_json_lines(text),
                        "{text:?} decided from {end} bytes"
                    );
                }
            }
            let input =
                open(Box::new(io::Cursor::new(text.as_bytes().to_vec()))).expect("in memory");
            assert_eq!(
                matches!(input, Input::Lines(_)),
                is_json_lines(text),
                "{text:?}"
            );
            let mapped = from_bytes(text.as_bytes()).expect("UTF-8");
            assert_eq!(
                matches!(mapped, Input::Lines(_)),
                is_json_lines(text),
                "{text:?} mapped"
            );
        }
        // A first line longer than the head's limit: the whole text decides.
        let long = "x".repeat(HEAD_LIMIT + 10);
        for (text, lines) in [
            (format!("{{\"a\":\"{long}\"}}\n{{\"b\":1}}\n"), true),
            (format!("[{{\"a\":\"{long}\"}},\n{{\"b\":1}}]\n"), false),
        ] {
            let mapped = from_bytes(text.as_bytes()).expect("UTF-8");
            assert_eq!(matches!(mapped, Input::Lines(_)), lines);
            let input = open(Box::new(io::Cursor::new(text.into_bytes()))).expect("in memory");
            assert_eq!(matches!(input, Input::Lines(_)), lines);
        }
    }
}

//! Reads one service's records (`k`, `r`, `a`) of the generated catalog text (format:
//! docs/catalog.md, scripts/gen-catalog.py) into flat tables, on that service's first lookup
//! (the first use reads only the service index: `index.rs`). Strings are slices of the embedded
//! text, so reading allocates only the tables: one pass, no hashing, no lowercasing. Lookups
//! binary-search the tables, which the generator sorted. Indices in the tables are the service's
//! own (from 0).
//!
//! The text has 28,000 short lines (22,000 of them actions), and the generic `str` splitters and
//! `parse` cost about 1,000 instructions a line. So fields are found a word at a time
//! ([`Cursor`]), and runs of key, resource type and action lines of the usual shape are read in
//! one loop ([`read_usual_lines`]: names and ARNs a word at a time, the few other bytes one by
//! one); any other line is read field by field, which also words the errors of a damaged text.

use super::types::{AccessLevels, KeyType};
use crate::bytes::split_byte;
use std::fmt;
use std::ops::Range;

/// A run `[start, start + len)` of one of the flat tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Run {
    pub start: u32,
    pub len: u32,
}

impl Run {
    pub const EMPTY: Run = Run { start: 0, len: 0 };

    pub fn range(self) -> Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

#[derive(Debug, PartialEq)]
pub(crate) struct KeyRec {
    pub name: &'static str,
    pub ty: KeyType,
}

#[derive(Debug, PartialEq)]
pub(crate) struct ResourceTypeRec {
    pub name: &'static str,
    /// ARN templates separated by `|`.
    pub arns: &'static str,
    /// Into `refs`.
    pub keys: Run,
}

#[derive(Debug, PartialEq)]
pub(crate) struct ActionRec {
    pub name: &'static str,
    pub access: AccessLevels,
    /// Into `action_resource_types`.
    pub resource_types: Run,
    /// Into `refs`: the keys on the action's own row.
    pub keys: Run,
}

#[derive(Debug, PartialEq)]
pub(crate) struct ActionResourceTypeRec {
    /// Index into `resource_types`.
    pub resource_type: u32,
    pub required: bool,
    /// Into `refs`: keys the action supports on this resource type.
    pub keys: Run,
}

/// The tables of one service.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Tables {
    pub keys: Vec<KeyRec>,
    pub resource_types: Vec<ResourceTypeRec>,
    pub actions: Vec<ActionRec>,
    pub action_resource_types: Vec<ActionResourceTypeRec>,
    /// Indices into `keys`.
    pub refs: Vec<u32>,
}

impl Tables {
    /// No rows (a damaged service's, and the fallback of a view whose id is out of range).
    pub const EMPTY: Tables = Tables {
        keys: Vec::new(),
        resource_types: Vec::new(),
        actions: Vec::new(),
        action_resource_types: Vec::new(),
        refs: Vec::new(),
    };
}

/// Why the embedded catalog could not be read (only possible if the generated file is damaged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "catalog line {}: {}", self.line, self.message)
    }
}

/// Rows one service may have of each kind: views pack a row's index into 16 bits of their id.
pub(crate) const MAX_ROWS: usize = 1 << 16;

/// Reads the records of one service: the lines in `records` (from just after its `s` line to
/// the next service's). Errors give the line's number in the whole text.
pub(crate) fn parse_service(
    text: &'static str,
    records: Range<usize>,
) -> Result<Tables, CatalogError> {
    parse_service_with::<true>(text, records)
}

/// [`parse_service`], with the shortcut for the usual lines ([`read_usual_lines`]) or, for
/// comparing it in tests, without.
fn parse_service_with<const USUAL_LINES: bool>(
    text: &'static str,
    records: Range<usize>,
) -> Result<Tables, CatalogError> {
    let start = records.start;
    read_records::<USUAL_LINES>(text, records).map_err(|e| CatalogError {
        // Numbered from the block's start so far: the lines before it are counted only here.
        line: e.line + line_number(text, start) - 1,
        message: e.message,
    })
}

/// The number (from 1) of the line `at` is on.
pub(crate) fn line_number(text: &str, at: usize) -> usize {
    let before = text.as_bytes().get(..at).unwrap_or_default();
    1 + before.iter().filter(|b| **b == b'\n').count()
}

/// [`parse_service_with`], lines numbered from the block's first (1).
fn read_records<const USUAL_LINES: bool>(
    text: &'static str,
    records: Range<usize>,
) -> Result<Tables, CatalogError> {
    // Capacities from the records' length, by the data's bytes per row (about 47 per action, 400
    // per key): most services then fill their tables without regrowth.
    let bytes = records.len();
    let mut t = Tables {
        keys: Vec::with_capacity(bytes / 256),
        resource_types: Vec::with_capacity(bytes / 256),
        actions: Vec::with_capacity(bytes / 40),
        action_resource_types: Vec::with_capacity(bytes / 40),
        refs: Vec::with_capacity(bytes / 32),
    };
    let mut cursor = Cursor {
        text,
        pos: records.start,
    };
    let mut n = 0;
    while cursor.pos < records.end {
        if USUAL_LINES {
            let (next, lines) = read_usual_lines(&mut t, text, cursor.pos);
            cursor.pos = next;
            n += lines;
            if lines > 0 {
                continue;
            }
        }
        n += 1;
        let (tag, end) = cursor.tag();
        let mut line = Line {
            cursor: &mut cursor,
            end,
            n,
        };
        match tag {
            "a" => {
                let action = read_action_by_fields(&mut t, &mut line)?;
                t.actions.push(action);
            }
            "k" => {
                let name = line.field("key")?;
                let code = line.field("type")?;
                let ty = KeyType::from_code(code)
                    .ok_or_else(|| err(n, format!("unknown type code `{code}`")))?;
                t.keys.push(KeyRec { name, ty });
            }
            "r" => {
                let name = line.field("name")?;
                let arns = line.field("arn")?;
                let keys = push_refs(&mut t, line.field("keys")?, b',', n)?;
                t.resource_types.push(ResourceTypeRec { name, arns, keys });
            }
            "u" | "v" => return Err(err(n, format!("`{tag}` record after the first service"))),
            "" => {}
            other => return Err(err(n, format!("unknown record `{other}`"))),
        }
        line.skip_rest();
    }
    if [t.keys.len(), t.resource_types.len(), t.actions.len()]
        .iter()
        .any(|&rows| rows > MAX_ROWS)
    {
        return Err(err(
            n,
            format!("more than {MAX_ROWS} rows of a kind in one service"),
        ));
    }
    Ok(t)
}

/// An action line after its tag (`Name\tW\t0!=2.4,3\t1,5`), field by field: the plain reading,
/// which also says what is wrong with a damaged line.
fn read_action_by_fields(t: &mut Tables, line: &mut Line<'_>) -> Result<ActionRec, CatalogError> {
    let n = line.n;
    let name = line.field("name")?;
    let code = line.field("access")?;
    let access = AccessLevels::from_codes(code.as_bytes())
        .ok_or_else(|| err(n, format!("unknown access level `{code}`")))?;
    let rts = line.field("resource types")?;
    let keys = line.field("keys")?;
    let resource_types = push_action_resource_types(t, rts, n)?;
    let keys = push_refs(t, keys, b',', n)?;
    Ok(ActionRec {
        name,
        access,
        resource_types,
        keys,
    })
}

/// The plain reading's shortcut for the run of `k`, `r` and `a` lines of the usual shape that
/// starts at `at` (`k\tx:Key\t[S\n`, `r\tname\tarn:…\t0,2\n`, `a\tName\tW\t0!=2.4,3\t1,5\n`),
/// in one pass over each line: long fields (names, ARNs) found a word at a time, the short ones
/// read byte by byte. Where the run ends and how many lines it has. It ends before any other
/// line: another record, or a line of another shape (extra or missing fields, a CR, empty list
/// items, an unknown code, an index out of range, no LF), which the plain reading then reads, so
/// errors and odd but valid lines read as before.
fn read_usual_lines(t: &mut Tables, text: &'static str, mut at: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut runs = ServiceRuns {
        keys: Run {
            start: 0,
            len: len(&t.keys),
        },
        resource_types: Run {
            start: 0,
            len: len(&t.resource_types),
        },
    };
    let mut lines = 0;
    loop {
        let (refs, rows) = (t.refs.len(), t.action_resource_types.len());
        let read = match bytes.get(at..at + 2) {
            Some(b"a\t") => read_usual_action_line(t, runs, text, at + 2),
            Some(b"r\t") => read_usual_resource_type_line(t, runs, text, at + 2)
                .inspect(|_| runs.resource_types.len += 1),
            Some(b"k\t") => read_usual_key_line(t, text, at + 2).inspect(|_| runs.keys.len += 1),
            _ => None,
        };
        match read {
            Some(next) => {
                at = next;
                lines += 1;
            }
            None => {
                t.refs.truncate(refs);
                t.action_resource_types.truncate(rows);
                return (at, lines);
            }
        }
    }
}

/// A `k` line after its tag, for [`read_usual_lines`]: its row appended, and where the next line
/// starts.
fn read_usual_key_line(t: &mut Tables, text: &'static str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let name_end = tab_at_field_end(bytes, start)?;
    let code_end = next_control_byte(bytes, name_end + 1)?;
    (bytes.get(code_end) == Some(&b'\n')).then_some(())?;
    t.keys.push(KeyRec {
        name: text.get(start..name_end)?,
        ty: KeyType::from_code(text.get(name_end + 1..code_end)?)?,
    });
    Some(code_end + 1)
}

/// An `r` line after its tag, for [`read_usual_lines`]: its row appended (with its keys), and
/// where the next line starts. On `None` some of its keys may be appended.
fn read_usual_resource_type_line(
    t: &mut Tables,
    runs: ServiceRuns,
    text: &'static str,
    start: usize,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let name_end = tab_at_field_end(bytes, start)?;
    let arns_end = tab_at_field_end(bytes, name_end + 1)?;
    let (keys, next_line) = push_keys_to_line_end(&mut t.refs, runs.keys, bytes, arns_end + 1)?;
    t.resource_types.push(ResourceTypeRec {
        name: text.get(start..name_end)?,
        arns: text.get(name_end + 1..arns_end)?,
        keys,
    });
    Some(next_line)
}

/// The end of the field that starts at `start`, if a TAB ends it.
fn tab_at_field_end(bytes: &[u8], start: usize) -> Option<usize> {
    next_control_byte(bytes, start).filter(|&end| bytes.get(end) == Some(&b'\t'))
}

/// Appends the comma-separated key indices from `at` to the LF that must end them (none if the
/// LF is at `at`); their run, and where the next line starts.
fn push_keys_to_line_end(
    refs: &mut Vec<u32>,
    keys: Run,
    bytes: &[u8],
    mut at: usize,
) -> Option<(Run, usize)> {
    let mut run = Run {
        start: len(refs),
        len: 0,
    };
    if bytes.get(at) != Some(&b'\n') {
        (run, at) = push_key_list(refs, keys, bytes, at, b',')?;
        (bytes.get(at) == Some(&b'\n')).then_some(())?;
    }
    Some((run, at + 1))
}

/// The service's keys and resource types read so far.
#[derive(Clone, Copy)]
struct ServiceRuns {
    keys: Run,
    resource_types: Run,
}

/// An `a` line after its tag, for [`read_usual_lines`]: its row appended (with its resource
/// types and keys), and where the next line starts. On `None` the action is not appended, but
/// some of its resource types and keys may be.
fn read_usual_action_line(
    t: &mut Tables,
    runs: ServiceRuns,
    text: &'static str,
    start: usize,
) -> Option<usize> {
    let (refs, rows) = (&mut t.refs, &mut t.action_resource_types);
    let (keys, rts) = (runs.keys, runs.resource_types);
    let bytes = text.as_bytes();
    let name_end = tab_at_field_end(bytes, start)?;
    let name = text.get(start..name_end)?;
    let byte = |at: usize| bytes.get(at).copied();
    // Access codes, up to the TAB.
    let mut at = name_end + 1;
    let mut access = AccessLevels::default();
    loop {
        match byte(at)? {
            b'\t' => break,
            code => access = access.with_code(code)?,
        }
        at += 1;
    }
    at += 1;
    // Resource types: `<index>[!][=<key>.<key>…]`, separated by commas, up to the TAB.
    let mut resource_types = Run {
        start: len(rows),
        len: 0,
    };
    if byte(at) != Some(b'\t') {
        loop {
            let (local, next) = read_digits(bytes, at)?;
            at = next;
            let required = byte(at) == Some(b'!');
            at += usize::from(required);
            let mut type_keys = Run {
                start: len(refs),
                len: 0,
            };
            if byte(at) == Some(b'=') {
                (type_keys, at) = push_key_list(refs, keys, bytes, at + 1, b'.')?;
            }
            rows.push(ActionResourceTypeRec {
                resource_type: rts.start + (local < rts.len).then_some(local)?,
                required,
                keys: type_keys,
            });
            resource_types.len += 1;
            match byte(at) {
                Some(b',') => at += 1,
                Some(b'\t') => break,
                _ => return None,
            }
        }
    }
    // The action's own keys, up to the LF.
    let (keys, next_line) = push_keys_to_line_end(refs, keys, bytes, at + 1)?;
    t.actions.push(ActionRec {
        name,
        access,
        resource_types,
        keys,
    });
    Some(next_line)
}

/// Appends the key indices `3.7` (with `separator` between them) that start at `at` in `list`,
/// as global indices: their run in `refs`, and where the list stops (at its end or a byte that is
/// neither a digit nor the separator). `None` for an empty item (a separator at the end too) or an
/// index out of range.
fn push_key_list(
    refs: &mut Vec<u32>,
    keys: Run,
    list: &[u8],
    mut at: usize,
    separator: u8,
) -> Option<(Run, usize)> {
    let mut run = Run {
        start: len(refs),
        len: 0,
    };
    loop {
        let (key, next) = read_digits(list, at)?;
        refs.push(keys.start + (key < keys.len).then_some(key)?);
        run.len += 1;
        match list.get(next) {
            Some(b) if *b == separator => at = next + 1,
            _ => return Some((run, next)),
        }
    }
}

/// The decimal number at `at` (at least one digit; `None` past `u32`, as [`read_index`]) and
/// where it ends.
fn read_digits(bytes: &[u8], mut at: usize) -> Option<(u32, usize)> {
    let start = at;
    let mut n = 0u32;
    while let Some(digit) = bytes
        .get(at)
        .and_then(|b| b.checked_sub(b'0'))
        .filter(|d| *d < 10)
    {
        n = n.checked_mul(10)?.checked_add(u32::from(digit))?;
        at += 1;
    }
    (at > start).then_some((n, at))
}

/// What ends a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum End {
    Tab,
    Line,
    Text,
}

/// Reads the text field by field: what splitting it at LF and each line at TAB gives (a
/// trailing CR removed from a line's last field, as from the line), with one word-at-a-time scan
/// per field. Splitting lines and then fields read every byte twice and paid a generic search's
/// set-up for each of the 130,000 short fields.
pub(super) struct Cursor {
    pub text: &'static str,
    /// Where the next field starts.
    pub pos: usize,
}

impl Cursor {
    /// The next field and what ends it; after the text's end, empty fields ended by [`End::Text`].
    #[inline]
    pub fn field(&mut self) -> (&'static str, End) {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut at = start;
        // The first TAB or LF at or after `at` (other control bytes, such as a CR, are passed).
        let end = loop {
            match next_control_byte(bytes, at) {
                Some(i) if matches!(bytes.get(i), Some(b'\t' | b'\n')) => {
                    at = i;
                    break bytes.get(i);
                }
                Some(i) => at = i + 1,
                None => {
                    self.pos = bytes.len();
                    return (self.line_end(start, bytes.len()), End::Text);
                }
            }
        };
        self.pos = at + 1;
        match end {
            Some(b'\t') => (self.text.get(start..at).unwrap_or(""), End::Tab),
            _ => (self.line_end(start, at), End::Line),
        }
    }

    /// The first field of a line: [`Cursor::field`], with a shortcut for the one-letter tags.
    #[inline]
    pub fn tag(&mut self) -> (&'static str, End) {
        let at = self.pos;
        let bytes = self.text.as_bytes();
        match (bytes.get(at), bytes.get(at + 1), self.text.get(at..at + 1)) {
            (Some(letter), Some(b'\t'), Some(tag)) if letter.is_ascii_graphic() => {
                self.pos = at + 2;
                (tag, End::Tab)
            }
            _ => self.field(),
        }
    }

    /// The last field of a line, without a trailing CR.
    fn line_end(&self, start: usize, end: usize) -> &'static str {
        let text = self.text.get(start..end).unwrap_or("");
        text.strip_suffix('\r').unwrap_or(text)
    }
}

/// The position of the first control byte at or after `from`, eight bytes a step.
fn next_control_byte(bytes: &[u8], from: usize) -> Option<usize> {
    let mut words = bytes.get(from..)?.chunks_exact(8);
    let mut base = from;
    for chunk in &mut words {
        let controls = control_bytes(chunk.try_into().map_or(0, u64::from_le_bytes));
        if controls != 0 {
            return Some(base + controls.trailing_zeros() as usize / 8);
        }
        base += 8;
    }
    let tail = words.remainder().iter().position(|b| *b < 0x20)?;
    Some(base + tail)
}

/// The high bit of each byte of `word` below 0x20 (a control byte: TAB, LF, CR), and no other
/// bit: adding 0x60 to a byte's low seven bits sets its high bit exactly when they are 0x20 or
/// more, without a carry into the next byte.
fn control_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    !(((word & (ONES * 0x7f)) + ONES * 0x60) | word) & (ONES * 0x80)
}

/// The fields of one line after its tag.
pub(super) struct Line<'c> {
    pub cursor: &'c mut Cursor,
    /// What ended the last field read.
    pub end: End,
    /// The line number (from 1), for errors.
    pub n: usize,
}

impl Line<'_> {
    #[inline]
    pub fn field(&mut self, what: &str) -> Result<&'static str, CatalogError> {
        if self.end != End::Tab {
            return Err(err(self.n, format!("missing {what}")));
        }
        let (text, end) = self.cursor.field();
        self.end = end;
        Ok(text)
    }

    /// Passes over fields the record does not read.
    pub fn skip_rest(&mut self) {
        while self.end == End::Tab {
            self.end = self.cursor.field().1;
        }
    }
}

/// A decimal index (ASCII digits only, no sign), or `None`.
fn read_index(text: &str) -> Option<u32> {
    read_digits(text.as_bytes(), 0)
        .filter(|&(_, end)| end == text.len())
        .map(|(n, _)| n)
}

pub(super) fn err(line: usize, message: String) -> CatalogError {
    CatalogError { line, message }
}

fn len<T>(v: &[T]) -> u32 {
    u32::try_from(v.len()).unwrap_or(u32::MAX)
}

/// Appends key indices (`3,7`) to `refs`.
fn push_refs(t: &mut Tables, list: &str, sep: u8, n: usize) -> Result<Run, CatalogError> {
    let start = len(&t.refs);
    if list.is_empty() {
        // Most rows list no keys.
        return Ok(Run { start, len: 0 });
    }
    let keys = len(&t.keys);
    for item in split_byte(list, sep).filter(|s| !s.is_empty()) {
        let local = read_index(item).ok_or_else(|| err(n, format!("bad key index `{item}`")))?;
        if local >= keys {
            return Err(err(n, format!("key index {local} out of range")));
        }
        t.refs.push(local);
    }
    Ok(Run {
        start,
        len: len(&t.refs) - start,
    })
}

/// Reads `0!,3=1.4` (resource type 0 required; type 3 optional with keys 1 and 4).
fn push_action_resource_types(t: &mut Tables, list: &str, n: usize) -> Result<Run, CatalogError> {
    let start = len(&t.action_resource_types);
    if list.is_empty() {
        return Ok(Run { start, len: 0 });
    }
    let rts = len(&t.resource_types);
    for item in split_byte(list, b',').filter(|s| !s.is_empty()) {
        let mut parts = split_byte(item, b'=');
        let head = parts.next().unwrap_or("");
        let keys = parts.next().unwrap_or("");
        let (index, required) = match head.strip_suffix('!') {
            Some(index) => (index, true),
            None => (head, false),
        };
        let local =
            read_index(index).ok_or_else(|| err(n, format!("bad resource type `{item}`")))?;
        if local >= rts {
            return Err(err(n, format!("resource type index {local} out of range")));
        }
        let keys = push_refs(t, keys, b'.', n)?;
        t.action_resource_types.push(ActionResourceTypeRec {
            resource_type: local,
            required,
            keys,
        });
    }
    Ok(Run {
        start,
        len: len(&t.action_resource_types) - start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every service's tables, read with or without the shortcut for the usual lines; the
    /// first error (of the index, else of the first damaged service).
    fn parse_with<const USUAL_LINES: bool>(
        text: &'static str,
    ) -> Result<Vec<Tables>, CatalogError> {
        super::super::index::read_index(text)?
            .services
            .into_iter()
            .map(|s| parse_service_with::<USUAL_LINES>(text, s.records))
            .collect()
    }

    fn parse(text: &'static str) -> Result<Vec<Tables>, CatalogError> {
        parse_with::<true>(text)
    }

    #[test]
    fn reads_a_small_catalog() {
        let text = "iamsim-catalog 1\nv\t1\tdate\ns\tx\tService X\nk\tx:Key\t[S\nr\tthing\tarn:a|arn:b\t0\na\tDo\tTW\t0!=0\t0\n";
        let services = parse(text).expect("valid");
        assert_eq!(services.len(), 1);
        let t = &services[0];
        assert_eq!(t.actions.len(), 1);
        assert_eq!(t.action_resource_types.len(), 1);
        assert!(t.action_resource_types[0].required);
        assert_eq!(t.refs, vec![0, 0, 0]);
    }

    #[test]
    fn read_index_agrees_with_parse_on_digits() {
        for text in [
            "0",
            "7",
            "42",
            "0042",
            "4294967295",
            "4294967296",
            "",
            "-1",
            "1a",
            " 1",
            "१",
        ] {
            let plain = text.parse::<u32>().ok();
            assert_eq!(read_index(text), plain, "{text:?}");
        }
    }

    /// The cursor gives what splitting at LF, removing a CR that ends a line and splitting at
    /// TAB gives, for the embedded data and for texts with every delimiter at every offset of a
    /// word (CRs and other control bytes inside fields, empty fields and lines, no final LF).
    #[test]
    fn cursor_fields_agree_with_splitting_lines_then_tabs() {
        let plain = |text: &str| -> Vec<(String, bool)> {
            text.split('\n')
                .flat_map(|line| {
                    let line = line.strip_suffix('\r').unwrap_or(line);
                    let fields: Vec<&str> = line.split('\t').collect();
                    let last = fields.len() - 1;
                    fields
                        .into_iter()
                        .enumerate()
                        .map(move |(i, f)| (f.to_string(), i == last))
                })
                .collect()
        };
        let read = |text: &'static str, tags: bool| -> Vec<(String, bool)> {
            let mut cursor = Cursor { text, pos: 0 };
            let mut out = Vec::new();
            let mut line_start = true;
            loop {
                let (field, end) = match line_start && tags {
                    true => cursor.tag(),
                    false => cursor.field(),
                };
                out.push((field.to_string(), end != End::Tab));
                line_start = end != End::Tab;
                if end == End::Text || cursor.pos >= text.len() && end == End::Line {
                    if end == End::Line {
                        // A final LF: `split` gives one more, empty line.
                        out.push((String::new(), true));
                    }
                    return out;
                }
            }
        };
        let mut texts: Vec<String> = vec![
            String::new(),
            "\n".into(),
            "\t".into(),
            "\r".into(),
            "\r\n\r\n".into(),
            "a\r\tb\r".into(),
            "\t\tfoo\n".into(),
            "a\tb\tc\nd\te\n".into(),
            "é\tü\n\u{1}\tx\u{1f}y\r\rz\r\n".into(),
        ];
        for len in 0..20 {
            for at in 0..len {
                for delimiter in ['\t', '\n', '\r', '\u{1}'] {
                    let mut text: String = (0..len).map(|i| ['a', 'Z', '0', '~'][i % 4]).collect();
                    text.replace_range(at..at + 1, &delimiter.to_string());
                    texts.push(text.clone());
                    texts.push(format!("{text}\r\n{text}\t"));
                }
            }
        }
        for text in texts {
            let text: &'static str = Box::leak(text.into_boxed_str());
            assert_eq!(read(text, false), plain(text), "{text:?}");
            assert_eq!(read(text, true), plain(text), "{text:?} (tags)");
        }
        let data = super::super::DATA;
        assert_eq!(read(data, true), plain(data));
    }

    /// The shortcut for usual lines gives the rows, or the error, that reading every line field
    /// by field gives: the whole embedded data, and lines of every shape the shortcut declines.
    #[test]
    fn usual_line_shortcut_agrees_with_reading_fields() {
        let data = super::super::DATA;
        let fast = parse_with::<true>(data).expect("embedded data");
        assert_eq!(fast, parse_with::<false>(data).expect("embedded data"));
        let rows = |rows: fn(&Tables) -> usize| fast.iter().map(rows).sum::<usize>();
        assert!(rows(|t| t.actions.len()) > 20_000 && rows(|t| t.refs.len()) > 20_000);
        assert!(rows(|t| t.keys.len()) > 2_000);
        let head = "iamsim-catalog 1\ns\tx\tX\nk\tx:A\tS\nk\tx:B\t[S\nk\tx:C\tN\n\
                    r\tone\tarn:1\t0\nr\ttwo\tarn:2\t\n";
        let rests = [
            "W\t\t",
            "W\t\t\n",
            "RT\t0!,1=0.2\t1,2\n",
            "L\t1!=2\t\r\n",
            "P\t0=0.1.2,1!\t0\r",
            "W\t007!=00\t02\n",
            "\t\t\n",
            "W\t0!,,1\t\n",
            "W\t0!=\t\n",
            "W\t0!=1..2\t\n",
            "W\t0!!\t\n",
            "W\t!\t\n",
            "W\t0=1=2\t\n",
            "W\t2!\t\n",
            "W\t0=3\t\n",
            "W\t\t3\n",
            "W\t\t1,\n",
            "W\t\t,1\n",
            "W\t\t1\textra\n",
            "W\t\t1\r\r\n",
            "W\t0\n",
            "W\n",
            "w\t\t\n",
            "WQ\t\t\n",
            "W \t\t\n",
            "W\t0\t99999999999\n",
            "W\t-1\t\n",
            "W\t0 \t\n",
            "W\t\t1 \n",
            "W\t१\t\n",
            "W\t0!,\t\n",
            "W\t,0!\t\n",
            "W\t\t1,,2\n",
            "W\t\t1 ,2\n",
            "W\t0!\t\t\n",
            "W\t0!\r\t\n",
            "W\t0!=1.\t\n",
            "RW\t0!=0.1.2,1=2\t0,1,2\n",
        ];
        let lines = rests.iter().map(|rest| format!("a\tDo\t{rest}")).chain(
            [
                "k\tx:E\tS\n",
                "k\tx:E\t[Y\n",
                "k\tx:E\tQ\n",
                "k\tx:E\t\n",
                "k\tx:E\n",
                "k\tx:E",
                "k\tx:E\tS",
                "k\tx:E\tS\textra\n",
                "k\tx:E\tS\r\n",
                "k\tx:E\t[[S\n",
                "k\t\tS\n",
                "k\tx:E\tS\nk\tx:F\tN\na\tUse\tR\t\t3,4\n",
                "r\tthree\tarn:3\t\n",
                "r\tthree\tarn:3|arn:4\t0,2\n",
                "r\tthree\tarn:3\t9\n",
                "r\tthree\tarn:3\t1,\n",
                "r\tthree\tarn:3\t,1\n",
                "r\tthree\tarn:3\n",
                "r\tthree\tarn:3\t0\textra\n",
                "r\tthree\tarn:3\t0\r\n",
                "r\tthree\t\t\n",
                "r\tthree\tarn:3\t\na\tUse\tR\t2!=1\t\n",
            ]
            .map(String::from),
        );
        for line in lines {
            for (before, after) in [
                ("", ""),
                ("", "a\tNext\tW\t\t\n"),
                ("a\tFirst\tR\t0!\t1\n", "z\n"),
                ("a\tFirst\tR\t\t\n", "a\tNext\tW\t1\t2\nk\tx:D\tS\n"),
            ] {
                let text: &'static str =
                    Box::leak(format!("{head}{before}{line}{after}").into_boxed_str());
                assert_eq!(
                    parse_with::<true>(text),
                    parse_with::<false>(text),
                    "{text:?}"
                );
            }
        }
    }

    /// Every byte value at every position of a word, among bytes that a borrow or carry could
    /// disturb: exactly the control bytes are marked.
    #[test]
    fn control_bytes_agree_with_a_plain_test() {
        for at in 0..8 {
            for value in 0..=255u8 {
                for filler in [0x00, 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xa0, 0xff] {
                    let mut bytes = [filler; 8];
                    bytes[at] = value;
                    let plain = bytes
                        .iter()
                        .enumerate()
                        .filter(|(_, b)| **b < 0x20)
                        .fold(0u64, |mask, (i, _)| mask | 0x80 << (8 * i));
                    let word = u64::from_le_bytes(bytes);
                    assert_eq!(control_bytes(word), plain, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn damaged_text_is_an_error_not_a_panic() {
        for text in [
            "",
            "nope",
            "iamsim-catalog 1\nk\tx\tS",
            "iamsim-catalog 1\ns\tx\tX\nk\tx\tQ",
            "iamsim-catalog 1\ns\tx\tX\na\tDo\tR\t5!\t",
            "iamsim-catalog 1\ns\tx\tX\na\tDo\tR\t\t9",
            "iamsim-catalog 1\ns\tx\tX\na\tDo",
            "iamsim-catalog 1\nz\t1",
            "iamsim-catalog 1\ns",
            "iamsim-catalog 1\ns\tx",
            "iamsim-catalog 1\nsx\tx\tX",
            "iamsim-catalog 1\ns\tx\tX\nv\t1\t2",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }

    /// An error names the damaged line of the whole text, in the index or in a service's records.
    #[test]
    fn errors_name_the_damaged_line() {
        let head = "iamsim-catalog 1\nv\t1\tdate\n\ns\ta\tA\nk\ta:K\tS\ns\tb\tB\nk\tb:K\tS\n";
        for (rest, line, message) in [
            ("a\tDo\tR\t\t9\n", 8, "key index 9 out of range"),
            (
                "a\tDo\tR\t\t0\n\nr\tt\tarn\t2\n",
                10,
                "key index 2 out of range",
            ),
            (
                "a\tDo\tR\t\t0\nu\tp\tb\n",
                9,
                "`u` record after the first service",
            ),
            ("a\tDo\tQ\t\t\n", 8, "unknown access level `Q`"),
            ("a\tDo\tR\t\t\ns\n", 9, "missing prefix"),
            ("s\tc\tC\nx\n", 9, "unknown record `x`"),
        ] {
            let text: &'static str = Box::leak(format!("{head}{rest}").into_boxed_str());
            let e = parse_with::<false>(text).expect_err(text);
            assert_eq!((e.line, e.message.as_str()), (line, message), "{text:?}");
            assert_eq!(parse(text), Err(e), "{text:?}");
        }
        let e = parse("iamsim-catalog 1\nv\t1\td\n\nk\ta:K\tS\n").expect_err("before a service");
        assert_eq!(
            (e.line, e.message.as_str()),
            (4, "record before the first service")
        );
    }
}

//! The catalog's first use: the header, the `v` and `u` records, and each service's prefix, name
//! and where its records are. A service's `k`, `r` and `a` records (all but 457 of the 28,000
//! lines) are read on its first lookup (`parse.rs`), so finding the services must cost far less
//! than reading every line: the `s` lines are found by one test per 64 bytes that compilers
//! vectorize ([`service_line_starts`]).

use super::parse::{err, line_number, CatalogError, Cursor, End, Line, MAX_ROWS};
use std::ops::Range;

const HEADER: &str = "iamsim-catalog 1";

/// What every lookup needs at once.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Index {
    pub version: &'static str,
    pub updated_at: &'static str,
    /// Condition-key prefixes owned by other services (OIDC and SAML providers): (prefix, services).
    pub unassociated: Vec<(&'static str, &'static str)>,
    pub services: Vec<ServiceEntry>,
}

/// A service's `s` record and the byte range of the records that follow it.
#[derive(Debug, PartialEq)]
pub(crate) struct ServiceEntry {
    pub prefix: &'static str,
    pub name: &'static str,
    pub records: Range<usize>,
}

/// Reads the header, the records before the first service (`v`, `u`, empty lines) and every `s`
/// line. A damaged one of these is an error here; a damaged `k`, `r` or `a` record is found when
/// its service is read.
pub(crate) fn read_index(text: &'static str) -> Result<Index, CatalogError> {
    let mut cursor = Cursor { text, pos: 0 };
    match cursor.field() {
        (HEADER, end) if end != End::Tab => {}
        _ => return Err(err(1, format!("expected the header `{HEADER}`"))),
    }
    let starts = service_line_starts(text.as_bytes(), cursor.pos);
    let mut index = Index {
        services: Vec::with_capacity(starts.len()),
        ..Index::default()
    };
    read_preamble(
        &mut index,
        &mut cursor,
        starts.first().map_or(text.len(), |s| *s),
    )?;
    for (i, &start) in starts.iter().enumerate() {
        cursor.pos = start;
        let (prefix, name) = read_service_line(&mut cursor).map_err(|e| CatalogError {
            line: line_number(text, start),
            message: e.message,
        })?;
        let end = starts.get(i + 1).map_or(text.len(), |next| *next);
        index.services.push(ServiceEntry {
            prefix,
            name,
            records: cursor.pos.min(end)..end,
        });
    }
    if index.services.len() > MAX_ROWS {
        let line = line_number(text, text.len());
        return Err(err(line, format!("more than {MAX_ROWS} services")));
    }
    Ok(index)
}

/// The lines from the cursor to `end` (the first service's `s` line), each a `v` or `u` record
/// or empty.
fn read_preamble(index: &mut Index, cursor: &mut Cursor, end: usize) -> Result<(), CatalogError> {
    let mut n = 1;
    while cursor.pos < end {
        n += 1;
        let (tag, end) = cursor.tag();
        let mut line = Line { cursor, end, n };
        match tag {
            "u" => {
                let prefix = line.field("prefix")?;
                index.unassociated.push((prefix, line.field("services")?));
            }
            "v" => {
                index.version = line.field("version")?;
                index.updated_at = line.field("date")?;
            }
            "k" | "r" | "a" => return Err(err(n, "record before the first service".into())),
            "" => {}
            other => return Err(err(n, format!("unknown record `{other}`"))),
        }
        line.skip_rest();
    }
    Ok(())
}

/// An `s` line (any line that starts with `s`): its prefix and name; errors numbered 0.
fn read_service_line(cursor: &mut Cursor) -> Result<(&'static str, &'static str), CatalogError> {
    let (tag, end) = cursor.tag();
    let mut line = Line { cursor, end, n: 0 };
    if tag != "s" {
        return Err(err(0, format!("unknown record `{tag}`")));
    }
    let prefix = line.field("prefix")?;
    let name = line.field("name")?;
    line.skip_rest();
    Ok((prefix, name))
}

/// Bytes tested at once by [`service_line_starts`], and in a block that has a hit, at once again
/// before byte by byte.
const BLOCK: usize = 128;
const SUB_BLOCK: usize = 16;

/// Where the lines that start with `s` begin, at or after `from`, in order: one test of each
/// 128 bytes (an LF followed by `s` anywhere in them?), which compilers turn into a few vector
/// instructions, then the same test of each 16 bytes and byte by byte only where there is one
/// (the `s` lines are 457 of 28,000).
fn service_line_starts(bytes: &[u8], from: usize) -> Vec<usize> {
    let mut starts = Vec::with_capacity(512);
    // An LF at `at` starts a line at `at + 1`: the LF that ends the line before `from` counts.
    let mut at = from.saturating_sub(1);
    while let Some(block) = bytes
        .get(at..at + BLOCK + 1)
        .and_then(|b| <&[u8; BLOCK + 1]>::try_from(b).ok())
    {
        if has_service_line_start(block) {
            for sub in (0..BLOCK).step_by(SUB_BLOCK) {
                let sub_block = block
                    .get(sub..sub + SUB_BLOCK + 1)
                    .and_then(|b| <&[u8; SUB_BLOCK + 1]>::try_from(b).ok());
                if sub_block.is_some_and(has_service_line_start) {
                    let lfs = at + sub..at + sub + SUB_BLOCK;
                    push_service_line_starts(&mut starts, bytes, lfs);
                }
            }
        }
        at += BLOCK;
    }
    push_service_line_starts(&mut starts, bytes, at..bytes.len());
    starts.retain(|&start| start >= from);
    starts
}

/// Whether an LF in the first `N - 1` bytes is followed by `s`.
#[inline(always)]
fn has_service_line_start<const N: usize>(block: &[u8; N]) -> bool {
    let Some((_, next)) = block.split_first() else {
        return false;
    };
    // No early exit: a branch-free loop over the whole block is what vectorizes.
    let hit = block.iter().zip(next).fold(0u8, |hit, (lf, s)| {
        hit | (u8::from(*lf == b'\n') & u8::from(*s == b's'))
    });
    hit != 0
}

/// The byte-by-byte test of [`service_line_starts`], for the LFs at `lfs`.
fn push_service_line_starts(starts: &mut Vec<usize>, bytes: &[u8], lfs: Range<usize>) {
    for at in lfs {
        if bytes.get(at) == Some(&b'\n') && bytes.get(at + 1) == Some(&b's') {
            starts.push(at + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block test finds every line that starts with `s`, and only those: the embedded data,
    /// and texts with such a line (and decoys) at every offset around a block's edges.
    #[test]
    fn service_line_starts_agree_with_a_plain_scan() {
        let plain = |text: &str, from: usize| -> Vec<usize> {
            let mut at = 0;
            let mut starts = Vec::new();
            for line in text.split_inclusive('\n') {
                if at >= from && at > 0 && line.starts_with('s') {
                    starts.push(at);
                }
                at += line.len();
            }
            starts
        };
        let data = super::super::DATA;
        assert_eq!(service_line_starts(data.as_bytes(), 17), plain(data, 17));
        assert_eq!(service_line_starts(data.as_bytes(), 17).len(), 457);
        for len in 0..2 * BLOCK + 2 * SUB_BLOCK {
            for at in 0..len {
                for (put, from) in [("\ns", 0), ("\ns", 1), ("s\n", 0), ("\n\ns\ts", 2)] {
                    let mut text: String = (0..len).map(|i| ['a', 's', '\t', 'x'][i % 4]).collect();
                    let end = (at + put.len()).min(len);
                    text.replace_range(at..end, &put[..end - at]);
                    let from = from.min(text.len());
                    assert_eq!(
                        service_line_starts(text.as_bytes(), from),
                        plain(&text, from),
                        "{text:?} from {from}"
                    );
                }
            }
        }
    }
}

//! The catalog's first use: the header, the `v` and `u` records, and each service's prefix, name
//! and where its records are. A service's `k`, `r` and `a` records (all but 457 of the 28,000
//! lines) are read on its first lookup (`parse.rs`), so finding the services must cost far less
//! than reading every line: the `s` lines are found by one test per 128 bytes, in vector
//! instructions where the compiler has them and a word at a time elsewhere
//! ([`service_line_starts`]).

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
// The word-at-a-time test reads whole words.
const _: () = assert!(BLOCK % 8 == 0 && SUB_BLOCK % 8 == 0);

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

/// Whether an LF in the first `N - 1` bytes is followed by `s`, by the test that is fastest where
/// the code runs (both are plain Rust, and tests compare both everywhere).
#[inline(always)]
fn has_service_line_start<const N: usize>(block: &[u8; N]) -> bool {
    if VECTOR_UNITS {
        has_service_line_start_bytewise(block)
    } else {
        has_service_line_start_wordwise(block)
    }
}

/// Whether the compiler turns the bytewise test into vector instructions here (x86-64 and
/// AArch64 always have them; wasm only with `simd128`). Without them (the playground's wasm) the
/// bytewise test costs several instructions a byte and the word-at-a-time one less than two.
const VECTOR_UNITS: bool = cfg!(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_feature = "simd128"
));

#[inline(always)]
fn has_service_line_start_bytewise<const N: usize>(block: &[u8; N]) -> bool {
    let Some((_, next)) = block.split_first() else {
        return false;
    };
    // No early exit: a branch-free loop over the whole block is what vectorizes.
    let hit = block.iter().zip(next).fold(0u8, |hit, (lf, s)| {
        hit | (u8::from(*lf == b'\n') & u8::from(*s == b's'))
    });
    hit != 0
}

/// The same test eight bytes a step (`N - 1` a multiple of 8): for each word, the bytes that may
/// be an LF and, one byte on, may be an `s`. The zero-byte test flags every zero byte (and may
/// flag a byte above one, which only costs the bytewise look that follows), so no LF followed
/// by `s` is missed.
#[inline(always)]
fn has_service_line_start_wordwise<const N: usize>(block: &[u8; N]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let maybe_zero = |word: u64| word.wrapping_sub(ONES) & !word & (ONES * 0x80);
    let word_at = |at: usize| {
        let bytes = block
            .get(at..at + 8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok());
        bytes.map_or(0, u64::from_le_bytes)
    };
    let mut hit = 0;
    for at in (0..N.saturating_sub(1)).step_by(8) {
        let lfs = maybe_zero(word_at(at) ^ (ONES * u64::from(b'\n')));
        let s = maybe_zero(word_at(at + 1) ^ (ONES * u64::from(b's')));
        hit |= lfs & s;
    }
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

    /// Both block tests answer as a plain look at each LF: every block of 17 and 129 bytes with
    /// an LF and an `s` (or a decoy: `\x01`, which the zero-byte test may flag, and `r`) at every
    /// pair of offsets.
    #[test]
    fn block_tests_agree_with_a_plain_look() {
        fn agree<const N: usize>() {
            let plain = |block: &[u8; N]| block.windows(2).any(|w| w == b"\ns");
            for filler in [b'a', 0, 1, b's', b'\n'] {
                for i in 0..N {
                    for j in 0..N {
                        for (x, y) in [(b'\n', b's'), (0, 1), (b'\n', 1), (1, b's'), (b'\n', b'r')]
                        {
                            let mut block = [filler; N];
                            block[i] = x;
                            block[j] = y;
                            let want = plain(&block);
                            assert_eq!(has_service_line_start_bytewise(&block), want);
                            assert_eq!(has_service_line_start_wordwise(&block), want, "{block:?}");
                        }
                    }
                }
            }
        }
        agree::<{ SUB_BLOCK + 1 }>();
        agree::<{ BLOCK + 1 }>();
    }

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

//! Byte search a word at a time: `str::find(char)` and `Iterator::position` look at one byte per
//! step, which dominated reading the 1 MB embedded catalog (35,000 lines of short fields),
//! splitting the CLI's JSON Lines input and splitting ARNs at their colons.

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The little-endian word at `chunk` (eight bytes).
fn word(chunk: &[u8]) -> u64 {
    chunk.try_into().map_or(0, u64::from_le_bytes)
}

/// The high bit of each byte of `word` that equals `byte`, and no other bit (exact: no carry
/// crosses a byte), so every match of a word can be read from one mask.
fn equal_mask(word: u64, byte: u8) -> u64 {
    let x = word ^ (u64::from(byte) * ONES);
    !(((x & LOW7) + LOW7) | x | LOW7)
}

/// The position of the first `needle` in `haystack`.
pub fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    match positions::<1>(haystack, needle) {
        ([at], 1) => Some(at),
        _ => None,
    }
}

/// Whether any of `needles` occurs in `haystack`, a word at a time (the tail as one
/// zero-padded word: callers look for printable bytes, never for zero).
pub fn contains_any(haystack: &[u8], needles: &[u8]) -> bool {
    // Whether, not where: the cheaper zero-byte test of each needle's xor (its carries can
    // flag a byte after a true zero, never a word without one), the needles' tests gathered
    // without a branch each.
    any_word(haystack, |w| {
        needles.iter().fold(0, |hits, &n| {
            let x = w ^ (u64::from(n) * ONES);
            hits | (x.wrapping_sub(ONES) & !x & !LOW7)
        }) != 0
    })
}

/// Whether `bytes` holds an ASCII capital letter, a word at a time.
pub fn has_ascii_uppercase(bytes: &[u8]) -> bool {
    // Per byte, without carries between bytes: the high bit of `0x7f + b'Z' + 1 - low` is set
    // when `low <= b'Z'`, that of `low + 0x7f - (b'A' - 1)` when `low >= b'A'`; `!w` drops
    // the bytes that are not ASCII.
    any_word(bytes, |w| {
        let low = w & LOW7;
        let at_most_z = (ONES * (0x7f + u64::from(b'Z') + 1)) - low;
        let at_least_a = low + ONES * (0x7f - u64::from(b'A' - 1));
        at_most_z & at_least_a & !w & !LOW7 != 0
    })
}

/// Whether `hit` holds for a word of `bytes` (the tail as one zero-padded word).
fn any_word(bytes: &[u8], hit: impl Fn(u64) -> bool) -> bool {
    let mut words = bytes.chunks_exact(8);
    if words.by_ref().any(|chunk| hit(word(chunk))) {
        return true;
    }
    !words.remainder().is_empty() && hit(tail_word(bytes))
}

/// The bytes that `chunks_exact(8)` leaves after the last whole word (the last
/// `bytes.len() % 8`) as a little-endian word, zero above them. A text of eight bytes or more
/// has them at the top of its last eight bytes: one load and a shift, where copying them into a
/// zeroed buffer is a call to `memcpy` (which word scans and hashes of short texts paid for
/// every text).
pub fn tail_word(bytes: &[u8]) -> u64 {
    let rest = bytes.len() % 8;
    if rest == 0 {
        return 0;
    }
    match bytes
        .len()
        .checked_sub(8)
        .and_then(|start| bytes.get(start..))
    {
        Some(last) => word(last) >> (8 * (8 - rest)),
        None => bytes.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b)),
    }
}

/// The positions of the first `N` occurrences of `needle` in `bytes` (`bytes.len()` for those
/// missing) and how many there are, up to `N`.
pub fn positions<const N: usize>(bytes: &[u8], needle: u8) -> ([usize; N], usize) {
    let mut cuts = [bytes.len(); N];
    let found = fill_positions(&mut cuts, bytes, needle);
    (cuts, found)
}

/// Fills `cuts` with the first positions of `needle` in `bytes`, a word at a time, and returns
/// how many it found. It stops at the word that fills the last slot, and reads the tail as one
/// word (its padding masked off, so even a zero needle is exact) rather than byte by byte.
#[inline]
fn fill_positions<const N: usize>(cuts: &mut [usize; N], bytes: &[u8], needle: u8) -> usize {
    let mut found = 0;
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut words {
        let matches = equal_mask(word(chunk), needle);
        if matches != 0 {
            found = note_matches(cuts, found, base, matches);
            if found == N {
                return found;
            }
        }
        base += 8;
    }
    let rest = words.remainder().len();
    if rest == 0 {
        return found;
    }
    // `rest` is 1 to 7: the shift stays below 64.
    let padding_off = (1u64 << (8 * rest)) - 1;
    let matches = equal_mask(tail_word(bytes), needle) & padding_off;
    note_matches(cuts, found, base, matches)
}

/// Notes the matches of one word (high bits of `matches`, the word at `base`) in the slots of
/// `cuts` from `found` on, while slots are left; returns how many slots are filled.
#[inline]
fn note_matches<const N: usize>(
    cuts: &mut [usize; N],
    mut found: usize,
    base: usize,
    mut matches: u64,
) -> usize {
    while matches != 0 {
        let Some(slot) = cuts.get_mut(found) else {
            break;
        };
        *slot = base + matches.trailing_zeros() as usize / 8;
        found += 1;
        matches &= matches - 1;
    }
    found
}

/// The pieces of `text` between occurrences of the ASCII byte `separator`, as `str::split` gives
/// them. Splitting at an ASCII byte keeps every piece valid UTF-8.
pub fn split_byte(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match find_byte(current.as_bytes(), separator) {
            Some(at) => {
                rest = current.get(at + 1..);
                current.get(..at)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// `text.trim()`, without its per-character Unicode test when both ends are ASCII bytes that
/// are not whitespace (request fields as written): then there is nothing to trim.
pub fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every position of a few lengths, among bytes next to the range.
    #[test]
    fn has_ascii_uppercase_agrees_with_a_plain_scan() {
        for len in [1, 7, 8, 9, 17] {
            for at in 0..len {
                for byte in 0..=255u8 {
                    let mut bytes: Vec<u8> = (0..len)
                        .map(|i| [b'@', b'[', b'a', b'z', 0xc1, 0xda, b'0'][i % 7])
                        .collect();
                    if let Some(b) = bytes.get_mut(at) {
                        *b = byte;
                    }
                    let plain = bytes.iter().any(u8::is_ascii_uppercase);
                    assert_eq!(has_ascii_uppercase(&bytes), plain, "{bytes:?}");
                }
            }
        }
        assert!(!has_ascii_uppercase(b""));
    }

    /// Each needle at every position (the padded tail included) among near misses, and none.
    #[test]
    fn contains_any_agrees_with_a_plain_scan_at_every_position() {
        let needles = b"*?";
        for len in 0..40 {
            for at in 0..=len {
                for needle in [b'*', b'?', b'+', b')', b'*' | 0x80, b'?' + 1] {
                    let mut bytes: Vec<u8> = (0..len)
                        .map(|i| [b'*' + 1, b'*' - 1, b'?' | 0x80, b'a', 0][i % 5])
                        .collect();
                    if let Some(b) = bytes.get_mut(at) {
                        *b = needle;
                    }
                    let plain = bytes.iter().any(|b| needles.contains(b));
                    assert_eq!(contains_any(&bytes, needles), plain, "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn trim_agrees_with_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\n",
            "\u{a0}a",
            "a\u{3000}",
            "é",
            "\u{85}x\u{85}",
            "arn:aws:iam::111122223333:user/u0",
            " arn:aws:iam::111122223333:user/u0 ",
            "\x7f",
            "\x0b",
            "\x0c x \x0c",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
        // Every pair of ends, ASCII and not, visible and not, around a few middles.
        let ends = [
            "", " ", "\t", "\u{a0}", "\u{2003}", "\u{85}", "*", "a", "é", "~", "\u{7f}",
        ];
        for first in ends {
            for last in ends {
                for middle in ["", "x", " ", "arn:aws:s3:::b"] {
                    let text = format!("{first}{middle}{last}");
                    assert_eq!(trim(&text), text.trim(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn find_byte_agrees_with_a_plain_scan_at_every_position() {
        for len in 0..40 {
            for at in 0..=len {
                let mut bytes = vec![b'a'; len];
                // A near miss (needle ± 1, and its high-bit twin) everywhere else.
                for (i, b) in bytes.iter_mut().enumerate() {
                    *b = [b'\t' + 1, b'\t' - 1, b'\t' | 0x80, b'x'][i % 4];
                }
                if at < len {
                    bytes[at] = b'\t';
                    if at + 1 < len {
                        bytes[at + 1] = b'\t';
                    }
                }
                let plain = bytes.iter().position(|&b| b == b'\t');
                assert_eq!(find_byte(&bytes, b'\t'), plain, "len {len}, at {at}");
            }
        }
    }

    /// The first `N` positions a byte loop finds, for needles at every pair of positions of
    /// texts across word boundaries (the tail included), among near misses; a zero needle too,
    /// which the tail's zero padding must not match.
    #[test]
    fn positions_agree_with_a_plain_scan_at_every_position() {
        fn plain<const N: usize>(bytes: &[u8], needle: u8) -> ([usize; N], usize) {
            let mut cuts = [bytes.len(); N];
            let mut found = 0;
            for (at, _) in bytes.iter().enumerate().filter(|&(_, &b)| b == needle) {
                if found == N {
                    break;
                }
                cuts[found] = at;
                found += 1;
            }
            (cuts, found)
        }
        fn agree<const N: usize>(bytes: &[u8], needle: u8) {
            assert_eq!(
                positions::<N>(bytes, needle),
                plain(bytes, needle),
                "{bytes:?}"
            );
        }
        fn check(bytes: &[u8], needle: u8) {
            agree::<1>(bytes, needle);
            agree::<2>(bytes, needle);
            agree::<5>(bytes, needle);
            agree::<6>(bytes, needle);
        }
        for needle in [b':', 0, 0xff] {
            let misses = [
                needle ^ 1,
                needle.wrapping_sub(1),
                needle ^ 0x80,
                b'a',
                0xc3,
            ];
            for len in 0..34 {
                let base: Vec<u8> = (0..len)
                    .map(|i| misses[(i * 7 + i / 3) % misses.len()])
                    .filter(|&b| b != needle)
                    .chain(std::iter::repeat(b'x'))
                    .take(len)
                    .collect();
                check(&base, needle);
                for first in 0..len {
                    for second in first..len {
                        let mut bytes = base.clone();
                        bytes[first] = needle;
                        bytes[second] = needle;
                        check(&bytes, needle);
                        // Three more after them: five and six needles, across words.
                        for extra in [second + 1, second + 3, second + 8] {
                            let mut more = bytes.clone();
                            for at in [extra, extra + 1, extra + 5] {
                                if let Some(b) = more.get_mut(at) {
                                    *b = needle;
                                }
                            }
                            check(&more, needle);
                        }
                    }
                }
            }
        }
    }

    /// The tail read as one word is the zero-padded copy of the bytes left after whole words,
    /// at every length and with every byte value at its ends.
    #[test]
    fn tail_word_agrees_with_a_padded_copy() {
        for len in 0..27 {
            for byte in [0u8, 1, 0x7f, 0x80, 0xff, b':'] {
                let bytes: Vec<u8> = (0..len)
                    .map(|i| {
                        if i == 0 || i + 1 == len {
                            byte
                        } else {
                            i as u8 + 1
                        }
                    })
                    .collect();
                let rest = bytes.chunks_exact(8).remainder();
                let mut padded = [0u8; 8];
                padded[..rest.len()].copy_from_slice(rest);
                assert_eq!(tail_word(&bytes), u64::from_le_bytes(padded), "{bytes:?}");
            }
        }
    }

    #[test]
    fn split_byte_agrees_with_str_split() {
        for text in [
            "",
            "a",
            "\t",
            "a\tb",
            "\ta\t",
            "a\t\tb\t",
            "é\tü\t€",
            "no tab",
            "a longer field of text\tand another long one\t\t",
        ] {
            let ours: Vec<&str> = split_byte(text, b'\t').collect();
            let plain: Vec<&str> = text.split('\t').collect();
            assert_eq!(ours, plain, "{text:?}");
        }
    }
}

//! Finding the bytes JSON escapes — control characters, `"` and `\` — eight at a time: the
//! scanner looks for the end of a string with it, and the writers for the bytes to escape.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;
const HIGHS_128: u128 = (HIGHS as u128) << 64 | HIGHS as u128;

/// The high bit of each byte of `word` (little-endian) that JSON escapes: control characters,
/// `"` and `\\`. The lowest set bit is exact (borrows only run upwards from a flagged byte), so
/// it gives the first byte to escape.
pub(crate) fn escape_mask(word: u64) -> u64 {
    // Flipping bit 1 maps the control characters onto themselves and `"` (0x22) onto 0x20, so
    // one "below 0x21" test finds both.
    let flipped = word ^ (ONES * 0x02);
    let control_or_quote = flipped.wrapping_sub(ONES * 0x21) & !flipped & HIGHS;
    let backslash = word ^ (ONES * u64::from(b'\\'));
    control_or_quote | (backslash.wrapping_sub(ONES) & !backslash & HIGHS)
}

/// The offset of the first byte at or after `from` that JSON escapes, or `bytes.len()`.
pub(crate) fn first_escaped(bytes: &[u8], from: usize) -> usize {
    scan::<false>(bytes, from).0
}

/// [`first_escaped`], and whether the bytes from `from` up to it are all ASCII (their chars
/// are then their bytes): one pass over a string instead of two.
pub(crate) fn first_escaped_and_ascii(bytes: &[u8], from: usize) -> (usize, bool) {
    scan::<true>(bytes, from)
}

/// The bits of `word` below bit `bit` (`bit` < the word's width).
fn below(word: u128, bit: u32) -> u128 {
    word & ((1u128 << bit) - 1)
}

/// The first escaped byte at or after `from`, and (when `ASCII`, else `true`) whether the bytes
/// before it have no high bit.
fn scan<const ASCII: bool>(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut i = from;
    // The high bits of the bytes passed so far.
    let mut high = 0u128;
    // Sixteen bytes a step (two words, one branch): scanned strings run up to the end of their
    // line, so the step is rarely too long.
    while let Some(pair) = bytes.get(i..).and_then(|rest| rest.first_chunk::<16>()) {
        let pair = u128::from_le_bytes(*pair);
        let (low, high_half) = (escape_mask(pair as u64), escape_mask((pair >> 64) as u64));
        if low | high_half != 0 {
            let first = if low != 0 {
                low.trailing_zeros()
            } else {
                64 + high_half.trailing_zeros()
            };
            if ASCII {
                high |= below(pair, first);
            }
            return (i + (first / 8) as usize, high & HIGHS_128 == 0);
        }
        if ASCII {
            high |= pair;
        }
        i += 16;
    }
    while let Some(word) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*word);
        let mask = escape_mask(word);
        if mask != 0 {
            let first = mask.trailing_zeros();
            if ASCII {
                high |= below(u128::from(word), first);
            }
            return (i + (first / 8) as usize, high & HIGHS_128 == 0);
        }
        if ASCII {
            high |= u128::from(word);
        }
        i += 8;
    }
    while let Some(&byte) = bytes.get(i) {
        if byte < 0x20 || byte == b'"' || byte == b'\\' {
            return (i, high & HIGHS_128 == 0);
        }
        if ASCII {
            high |= u128::from(byte);
        }
        i += 1;
    }
    (bytes.len(), high & HIGHS_128 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_escaped_agrees_with_a_plain_scan() {
        let plain = |bytes: &[u8], from: usize| {
            (from..bytes.len())
                .find(|&i| bytes[i] < 0x20 || bytes[i] == b'"' || bytes[i] == b'\\')
                .unwrap_or(bytes.len())
        };
        let with_ascii = |bytes: &[u8], from: usize| {
            let end = plain(bytes, from);
            (end, bytes.get(from..end).is_none_or(|run| run.is_ascii()))
        };
        // Every ASCII byte and a few others at every position of texts around word boundaries.
        let specials: Vec<u8> = (0u8..=0x7f).chain([0x80, 0xc3, 0xa9, 0xff]).collect();
        for len in 0..36 {
            for at in 0..len {
                for &special in &specials {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = special;
                    for from in 0..=len {
                        assert_eq!(first_escaped(&bytes, from), plain(&bytes, from));
                        assert_eq!(
                            first_escaped_and_ascii(&bytes, from),
                            with_ascii(&bytes, from)
                        );
                    }
                }
            }
        }
        // Two bytes near the boundaries of the tests (a borrow from one must not hide or fake
        // the other).
        let edges = [
            0x00, 0x01, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xa2, 0xff,
        ];
        for at in 0..24 {
            for second in at + 1..24 {
                for &a in &edges {
                    for &b in &edges {
                        let mut bytes = [b'a'; 24];
                        bytes[at] = a;
                        bytes[second] = b;
                        assert_eq!(first_escaped(&bytes, 0), plain(&bytes, 0));
                        assert_eq!(first_escaped_and_ascii(&bytes, 0), with_ascii(&bytes, 0));
                    }
                }
            }
        }
        assert_eq!(first_escaped(b"ab", 5), 2);
        assert_eq!(first_escaped_and_ascii(b"ab", 5), (2, true));
        // A wide char on each side of an escape: only the one before it counts.
        for len in 0..40 {
            for at in 0..len {
                let mut bytes = vec![b'a'; len + 2];
                bytes[at] = b'"';
                for wide in [at.checked_sub(1), Some(at + 1)].into_iter().flatten() {
                    let mut bytes = bytes.clone();
                    bytes[wide] = 0xc3;
                    assert_eq!(first_escaped_and_ascii(&bytes, 0), (at, wide > at));
                }
            }
        }
    }
}

//! Finding the bytes JSON escapes — control characters, `"` and `\` — eight at a time: the
//! scanner looks for the end of a string with it, and the writers for the bytes to escape.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

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

/// Whether JSON escapes none of `bytes`. Texts of eight to sixteen bytes (actions, names, Sids)
/// are tested as two overlapping words and shorter ones byte by byte, without the scan's set-up.
pub(crate) fn is_plain(bytes: &[u8]) -> bool {
    match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(first), Some(last)) if bytes.len() <= 16 => {
            escape_mask(u64::from_le_bytes(*first)) | escape_mask(u64::from_le_bytes(*last)) == 0
        }
        (Some(_), _) => first_escaped(bytes, 0) == bytes.len(),
        _ => bytes.iter().all(|&b| b >= 0x20 && b != b'"' && b != b'\\'),
    }
}

/// [`first_escaped`], and whether the bytes from `from` up to it are all ASCII (their chars
/// are then their bytes): one pass over a string instead of two.
pub(crate) fn first_escaped_and_ascii(bytes: &[u8], from: usize) -> (usize, bool) {
    scan::<true>(bytes, from)
}

/// The bytes of `word` before the lowest byte flagged in `mask` (as [`escape_mask`] flags them:
/// on their high bit), all of `word` when none is: only their high bits are kept, for the ASCII
/// test.
fn high_bits_before(word: u64, mask: u64) -> u64 {
    // `mask - 1` without `mask` is every bit below the lowest flagged one.
    word & mask.wrapping_sub(1) & !mask & HIGHS
}

/// The first escaped byte at or after `from`, and (when `ASCII`, else `true`) whether the bytes
/// before it have no high bit.
fn scan<const ASCII: bool>(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut i = from;
    // The high bits of the bytes passed so far.
    let mut high = 0u64;
    // Sixteen bytes a step (two words, one branch): scanned strings run up to the end of their
    // line, so the step is rarely too long.
    while let Some(pair) = bytes.get(i..).and_then(|rest| rest.first_chunk::<16>()) {
        let pair = u128::from_le_bytes(*pair);
        let (low, upper) = (pair as u64, (pair >> 64) as u64);
        let (low_mask, upper_mask) = (escape_mask(low), escape_mask(upper));
        if low_mask | upper_mask != 0 {
            let (at, ascii_high) = if low_mask != 0 {
                (low_mask.trailing_zeros(), high_bits_before(low, low_mask))
            } else {
                (
                    64 + upper_mask.trailing_zeros(),
                    (low & HIGHS) | high_bits_before(upper, upper_mask),
                )
            };
            if ASCII {
                high |= ascii_high;
            }
            return (i + (at / 8) as usize, high == 0);
        }
        if ASCII {
            high |= (low | upper) & HIGHS;
        }
        i += 16;
    }
    while let Some(word) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let word = u64::from_le_bytes(*word);
        let mask = escape_mask(word);
        if mask != 0 {
            if ASCII {
                high |= high_bits_before(word, mask);
            }
            return (i + (mask.trailing_zeros() / 8) as usize, high == 0);
        }
        if ASCII {
            high |= word & HIGHS;
        }
        i += 8;
    }
    while let Some(&byte) = bytes.get(i) {
        if byte < 0x20 || byte == b'"' || byte == b'\\' {
            return (i, high == 0);
        }
        if ASCII {
            high |= u64::from(byte) << 56 & HIGHS;
        }
        i += 1;
    }
    (bytes.len(), high == 0)
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
                    assert_eq!(is_plain(&bytes), plain(&bytes, 0) == len);
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
                        for len in 0..=24 {
                            let text = &bytes[..len];
                            assert_eq!(is_plain(text), plain(text, 0) == len);
                        }
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

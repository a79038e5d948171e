//! Byte search a word at a time: `str::find(char)` and `Iterator::position` look at one byte per
//! step, which dominated reading the 1 MB embedded catalog (35,000 lines of short fields) and
//! splitting the CLI's JSON Lines input.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The position of the first `needle` in `haystack`.
pub fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    let spread = ONES * u64::from(needle);
    let mut chunks = haystack.chunks_exact(8);
    let mut offset = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ spread;
        // A zero byte of `x` is a match; the lowest flagged byte is exact (bytes above a match
        // may be flagged falsely, those below never are).
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(offset + (zeros.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|at| offset + at)
}

/// How many times `needle` occurs in `haystack`.
pub fn count_byte(haystack: &[u8], needle: u8) -> usize {
    const LOWS: u64 = !HIGHS;
    let spread = ONES * u64::from(needle);
    let mut chunks = haystack.chunks_exact(8);
    let mut count = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ spread;
        // Exact per byte (no borrow between bytes): the high bit is set where the byte is not 0.
        let nonzero = ((x & LOWS).wrapping_add(LOWS) | x) & HIGHS;
        count += 8 - nonzero.count_ones() as usize;
    }
    count + chunks.remainder().iter().filter(|&&b| b == needle).count()
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn count_byte_agrees_with_a_plain_count() {
        let vocabulary = [b'\n', b'\n' + 1, b'\n' - 1, b'\n' | 0x80, 0, 0xff, b'a'];
        for len in 0..40 {
            for seed in 0..7 {
                let bytes: Vec<u8> = (0..len)
                    .map(|i| vocabulary[(i * 3 + seed + i / 5) % vocabulary.len()])
                    .collect();
                let plain = bytes.iter().filter(|&&b| b == b'\n').count();
                assert_eq!(count_byte(&bytes, b'\n'), plain, "{bytes:?}");
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

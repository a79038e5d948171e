//! The end of a JSON string found with its first sixteen bytes tested in line: most strings of a
//! policy and of a scenario line (names, actions, Sids, short values) end within them, and a
//! call to the general scan costs more than such a string's test (its constants and its frame).

use crate::json::escape::{escape_mask, first_escaped_and_ascii};
use crate::json::scan::Scanner;

/// The high bit of every byte of a sixteen-byte word.
const HIGHS: u128 = 0x8080_8080_8080_8080_8080_8080_8080_8080;

/// The offset of the first byte at or after `from` that JSON escapes (as
/// [`first_escaped_and_ascii`]), and whether the bytes from `from` up to it are ASCII.
#[inline(always)]
fn run_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let Some(head) = bytes.get(from..).and_then(|rest| rest.first_chunk::<16>()) else {
        return first_escaped_and_ascii(bytes, from);
    };
    let word = u128::from_le_bytes(*head);
    let mask =
        u128::from(escape_mask(word as u64)) | u128::from(escape_mask((word >> 64) as u64)) << 64;
    if mask == 0 {
        let (end, ascii) = first_escaped_and_ascii(bytes, from + 16);
        return (end, ascii && word & HIGHS == 0);
    }
    // The mask's lowest flag is exact: the bits below it cover the bytes before the escaped one.
    let before = mask.wrapping_sub(1) & !mask;
    (
        from + (mask.trailing_zeros() / 8) as usize,
        word & before & HIGHS == 0,
    )
}

/// The string right at the scanner's cursor when it has no escape, consumed with its quotes, and
/// whether it is all ASCII; `None` (nothing consumed) for anything else — whitespace first, an
/// escape, no string — which the scanner's own reading then takes.
#[inline(always)]
pub(crate) fn plain_string<'a>(s: &mut Scanner<'a>) -> Option<(&'a str, bool)> {
    if s.peek() != Some(b'"') {
        return None;
    }
    let start = s.offset() + 1;
    let bytes = s.bytes();
    let (end, ascii) = run_end(bytes, start);
    if bytes.get(end) != Some(&b'"') {
        return None;
    }
    let text = s.slice(start, end)?;
    s.skip_to(end + 1);
    Some((text, ascii))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The in-line test agrees with the general scan and with the scanner's own reading, for
    /// every byte that matters at every place around the sixteen-byte step, with and without
    /// room for the step after the string.
    #[test]
    fn plain_strings_read_like_the_scanner_reads_them() {
        let specials = [
            "a", "\"", "\\", "\n", "\u{1}", "\u{1f}", " ", "\u{7f}", "é", "😀", "/", "\\u0041",
        ];
        let mut texts = Vec::new();
        for len in 0..40 {
            for at in 0..=len {
                for special in specials {
                    let mut body: String = "a".repeat(len);
                    body.insert_str(at, special);
                    for tail in ["", ",\"more\":1}", ",\"padding to pass sixteen bytes\":1}"] {
                        for lead in ["", " "] {
                            texts.push(format!("{lead}\"{body}\"{tail}"));
                        }
                    }
                }
            }
        }
        texts.extend(["", "\"", "x", "\"abc", "\"abcdefghijklmnopqrstuvwxyz"].map(String::from));
        let mut taken = 0;
        for text in &texts {
            let bytes = text.as_bytes();
            for from in 0..=bytes.len() {
                assert_eq!(
                    run_end(bytes, from),
                    first_escaped_and_ascii(bytes, from),
                    "{text:?} from {from}"
                );
            }
            let mut fast = Scanner::new(text);
            let mut general = Scanner::new(text);
            let read = general.string_and_ascii();
            match plain_string(&mut fast) {
                Some((plain, ascii)) => {
                    taken += 1;
                    assert_eq!(read, Some((plain.into(), ascii)), "{text:?}");
                    assert_eq!(fast.offset(), general.offset(), "{text:?}");
                }
                None => {
                    assert_eq!(fast.offset(), 0, "{text:?}");
                    let borrowed_at_cursor = text.starts_with('"')
                        && matches!(read, Some((std::borrow::Cow::Borrowed(_), _)));
                    assert!(!borrowed_at_cursor, "{text:?}");
                }
            }
        }
        assert!(
            taken * 4 > texts.len(),
            "taken for only {taken} of {}",
            texts.len()
        );
    }
}

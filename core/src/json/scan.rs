//! A byte scanner for fast paths over JSON that is expected to be well-formed (a scenario line,
//! a policy document inside it). It gives up (`None`) on anything outside a plain vocabulary —
//! malformed text, lone surrogates, numbers that are not short — so that the caller can hand the
//! input to the complete reader, which then gives the exact value or the exact error.

use super::escape::{first_escaped, first_escaped_and_ascii};
use std::borrow::Cow;

/// Most digits a fast-path number may have before or after its decimal point: such numbers fit
/// an `u64`/`i64` or read as a finite `f64` with any reader.
const MAX_NUMBER_DIGITS: usize = 18;

/// A string a reader expects (an object key of the grammar, an `Effect`), compared in place —
/// the name and its closing quote in one sixteen-byte test — instead of searching for the end
/// of the string: most keys of a scenario line are the grammar's names.
///
/// A name carries a tag, what the reader makes of it (an element, an effect), so that a name
/// recognised by the test is not told apart again by comparing strings.
pub(crate) struct KnownName<T = ()> {
    name: &'static str,
    /// The name's bytes and the closing quote, little-endian, and the mask of those bytes.
    pattern: u128,
    mask: u128,
    tag: T,
}

impl<T: Copy> KnownName<T> {
    /// `name` must be at most 15 bytes with nothing JSON escapes (checked when compiling, as
    /// the keys are constants): then text equal to the name and a quote is exactly that string.
    pub(crate) const fn tagged(name: &'static str, tag: T) -> Self {
        let bytes = name.as_bytes();
        assert!(
            bytes.len() < 16,
            "a known key fits a sixteen-byte test with its quote"
        );
        let mut pattern = 0u128;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            assert!(
                b >= 0x20 && b != b'"' && b != b'\\',
                "a known key has no escape"
            );
            pattern |= (b as u128) << (8 * i);
            i += 1;
        }
        pattern |= (b'"' as u128) << (8 * bytes.len());
        let mask = if bytes.len() == 15 {
            u128::MAX
        } else {
            (1u128 << (8 * (bytes.len() + 1))) - 1
        };
        KnownName {
            name,
            pattern,
            mask,
            tag,
        }
    }

    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    pub(crate) fn tag(&self) -> T {
        self.tag
    }

    /// The name of `names` that `text` spells (a name read as a string: escaped, or too near
    /// the end of the text for the in-place test).
    pub(crate) fn find<'k>(names: &'k [KnownName<T>], text: &str) -> Option<&'k KnownName<T>> {
        names.iter().find(|known| known.name == text)
    }
}

#[derive(Clone)]
pub(crate) struct Scanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Scanner { text, pos: 0 }
    }

    /// Bytes not read yet.
    pub(crate) fn rest_len(&self) -> usize {
        self.text.len().saturating_sub(self.pos)
    }

    pub(crate) fn offset(&self) -> usize {
        self.pos
    }

    /// The text between two offsets the scanner has visited.
    pub(crate) fn slice(&self, start: usize, end: usize) -> Option<&'a str> {
        self.text.get(start..end)
    }

    /// The whole text's bytes, for a reader's own scan from [`Scanner::offset`]; it then moves
    /// the cursor with [`Scanner::skip_to`].
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// Moves the cursor to `offset` (a byte after a token the caller has read itself).
    pub(crate) fn skip_to(&mut self, offset: usize) {
        self.pos = offset;
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    pub(crate) fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    pub(crate) fn at_end(&mut self) -> bool {
        self.skip_whitespace();
        self.pos >= self.text.len()
    }

    /// Skips whitespace, then consumes `byte` if it is next. (Scenario lines are compact: the
    /// byte is tested before any whitespace is looked for.)
    #[inline]
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        if self.peek() != Some(byte) {
            self.skip_whitespace();
            if self.peek() != Some(byte) {
                return false;
            }
        }
        self.pos += 1;
        true
    }

    /// Consumes `word` (`true`, `false`, `null`) if it is next.
    pub(crate) fn eat_word(&mut self, word: &str) -> bool {
        self.skip_whitespace();
        let found = self
            .text
            .as_bytes()
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word.as_bytes()));
        if found {
            self.pos += word.len();
        }
        found
    }

    /// A string at the cursor (after whitespace), escapes decoded; borrowed when it has none.
    /// Most strings start right at the cursor and have no escape: the rare escaped case is out
    /// of line, so that the common one is a few instructions besides the search for the quote
    /// (and is inlined where the callers are small).
    #[inline]
    pub(crate) fn string(&mut self) -> Option<Cow<'a, str>> {
        self.scanned_string::<false>().map(|(text, _)| text)
    }

    /// [`Scanner::string`], and whether it is borrowed and all ASCII (its chars are then its
    /// bytes), found in the same pass.
    #[inline]
    pub(crate) fn string_and_ascii(&mut self) -> Option<(Cow<'a, str>, bool)> {
        self.scanned_string::<true>()
    }

    /// A string, and (when `ASCII`) whether it is borrowed and all ASCII.
    #[inline]
    fn scanned_string<const ASCII: bool>(&mut self) -> Option<(Cow<'a, str>, bool)> {
        if self.peek() != Some(b'"') {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return None;
            }
        }
        let start = self.pos + 1;
        let (end, ascii) = if ASCII {
            first_escaped_and_ascii(self.text.as_bytes(), start)
        } else {
            (first_escaped(self.text.as_bytes(), start), false)
        };
        if self.text.as_bytes().get(end) == Some(&b'"') {
            let s = self.text.get(start..end)?;
            self.pos = end + 1;
            return Some((Cow::Borrowed(s), ascii));
        }
        self.pos = end;
        Some((self.escaped_string(start)?, false))
    }

    /// A string at the cursor (after whitespace) that is one of `keys` as written, consumed with
    /// its quotes; `None` (nothing consumed but whitespace) for any other text, an escaped
    /// spelling or fewer than sixteen bytes left, which [`Scanner::string`] then reads.
    #[inline]
    pub(crate) fn known_name<'k, T: Copy>(
        &mut self,
        keys: &'k [KnownName<T>],
    ) -> Option<&'k KnownName<T>> {
        if self.peek() != Some(b'"') {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return None;
            }
        }
        let after_quote = self.text.as_bytes().get(self.pos + 1..)?;
        let word = u128::from_le_bytes(*after_quote.first_chunk::<16>()?);
        let key = keys.iter().find(|key| word & key.mask == key.pattern)?;
        self.pos += key.name.len() + 2;
        Some(key)
    }

    /// A key read by [`Scanner::known_name`] when it is one of `keys`, else by
    /// [`Scanner::string`], with the tag of the name of `keys` it spells, if any.
    #[inline]
    pub(crate) fn key<T: Copy>(
        &mut self,
        keys: &[KnownName<T>],
    ) -> Option<(Option<T>, Cow<'a, str>)> {
        match self.known_name(keys) {
            Some(known) => Some((Some(known.tag), Cow::Borrowed(known.name))),
            None => {
                let text = self.string()?;
                Some((KnownName::find(keys, &text).map(KnownName::tag), text))
            }
        }
    }

    /// The rest of a string that has an escape (or a control character, which ends the fast
    /// path) at the cursor; `start` is where its text began.
    fn escaped_string(&mut self, start: usize) -> Option<Cow<'a, str>> {
        let bytes = self.text.as_bytes();
        let mut out = String::from(self.text.get(start..self.pos)?);
        loop {
            match bytes.get(self.pos).copied()? {
                b'"' => {
                    self.pos += 1;
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    self.pos += 1;
                    out.push(self.escape()?);
                    let run = self.pos;
                    self.pos = first_escaped(bytes, run);
                    out.push_str(self.text.get(run..self.pos)?);
                }
                _ => return None,
            }
        }
    }

    /// The char of the escape after a backslash; surrogates give up.
    fn escape(&mut self) -> Option<char> {
        let c = match self.peek()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hex = self.text.get(self.pos + 1..self.pos + 5)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                let code = u32::from_str_radix(hex, 16).ok()?;
                self.pos += 5;
                // `char::from_u32` refuses surrogates: pairs are left to the complete reader.
                return char::from_u32(code);
            }
            _ => return None,
        };
        self.pos += 1;
        Some(c)
    }

    /// A number at the cursor (after whitespace), as written: JSON's grammar with at most
    /// [`MAX_NUMBER_DIGITS`] digits in the integer and the fraction parts and a one- or two-digit
    /// exponent. Anything longer gives up.
    pub(crate) fn number(&mut self) -> Option<&'a str> {
        self.skip_whitespace();
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let integer = self.digits();
        let leading_zero = integer > 1
            && self
                .text
                .as_bytes()
                .get(self.pos - integer)
                .is_some_and(|&b| b == b'0');
        if integer == 0 || integer > MAX_NUMBER_DIGITS || leading_zero {
            return None;
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let fraction = self.digits();
            if fraction == 0 || fraction > MAX_NUMBER_DIGITS {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !(1..=2).contains(&self.digits()) {
                return None;
            }
        }
        self.text.get(start..self.pos)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// Skips one value (after whitespace), checking it is well-formed and nests at most
    /// `depth_left` levels; returns where it starts.
    pub(crate) fn skip_value(&mut self, depth_left: usize) -> Option<usize> {
        self.skip_whitespace();
        let start = self.pos;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'-' | b'0'..=b'9' => {
                self.number()?;
            }
            b't' => self.eat_word("true").then_some(())?,
            b'f' => self.eat_word("false").then_some(())?,
            b'n' => self.eat_word("null").then_some(())?,
            open @ (b'[' | b'{') => {
                let depth_left = depth_left.checked_sub(1)?;
                self.pos += 1;
                let close = if open == b'[' { b']' } else { b'}' };
                if !self.eat(close) {
                    loop {
                        if open == b'{' {
                            self.string()?;
                            if !self.eat(b':') {
                                return None;
                            }
                        }
                        self.skip_value(depth_left)?;
                        if self.eat(close) {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
            }
            _ => return None,
        }
        Some(start)
    }
}

/// Puts `list` in the place of `empty`, a list with no room yet (a fast reader's list read
/// once). Nothing is dropped: such a list owns nothing, and a call to drop it (which assigning
/// over it makes) costs more than making the new one; `Vec::reserve_exact` on it would take the
/// allocator's growing path, dearer still.
pub(crate) fn set_empty<T>(empty: &mut Vec<T>, list: Vec<T>) {
    debug_assert!(empty.capacity() == 0, "the list has no room yet");
    std::mem::forget(std::mem::replace(empty, list));
}

/// Whether a number the scanner accepted is an integer that every reader keeps exactly and
/// writes back as it is (no fraction, no exponent, not `-0`).
pub(crate) fn is_plain_integer(number: &str) -> bool {
    !number.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) && number != "-0"
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name is recognised in place exactly when it is written plainly with room for the
    /// test after it, and read as a key it gives the string's text and the tag of the name the
    /// text spells (however it was read).
    #[test]
    fn known_names_read_like_strings() {
        const KEYS: [KnownName<usize>; 4] = [
            KnownName::tagged("Effect", 0),
            KnownName::tagged("Eff", 1),
            KnownName::tagged("format", 2),
            KnownName::tagged("StringNotEquals", 3),
        ];
        let names = ["Effect", "Eff", "format", "StringNotEquals", "E", ""];
        // Each name as written, escaped, cut short, run on, in another case, with and without
        // room for the sixteen-byte test after it.
        let mut texts = Vec::new();
        for name in names {
            for spelling in [
                name.to_string(),
                name.replacen('f', "\\u0066", 1),
                name.replacen('E', "\\u0045", 1),
                format!("{name}x"),
                format!("{name}\\\""),
                name.get(..name.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
                name.to_uppercase(),
                format!("{name}\u{e9}"),
            ] {
                for tail in ["", ":1}", ": \"a long enough value\"}"] {
                    for lead in ["", " ", "\n\t"] {
                        texts.push(format!("{lead}\"{spelling}\"{tail}"));
                    }
                }
            }
        }
        texts.extend(["", "x", "\"", "  ", "{\"Effect\":1}"].map(String::from));
        let mut found = 0;
        for text in &texts {
            let mut plain = Scanner::new(text);
            let string = plain.string();
            let mut known = Scanner::new(text);
            match known.known_name(&KEYS).map(KnownName::name) {
                Some(name) => {
                    found += 1;
                    assert_eq!(string.as_deref(), Some(name), "{text}");
                    assert_eq!(known.offset(), plain.offset(), "{text}");
                }
                None => {
                    let mut after_whitespace = Scanner::new(text);
                    after_whitespace.skip_whitespace();
                    assert_eq!(known.offset(), after_whitespace.offset(), "{text}");
                    let name_fits = text.len() >= known.offset() + 17;
                    let is_name = string.as_deref().is_some_and(|s| names[..4].contains(&s));
                    let escaped = text.contains('\\');
                    assert!(!(name_fits && is_name && !escaped), "missed: {text}");
                }
            }
            let mut via_key = Scanner::new(text);
            let (tag, key) = via_key.key(&KEYS).unzip();
            assert_eq!(key, string, "{text}");
            assert_eq!(via_key.offset(), plain.offset(), "{text}");
            let spelled = string
                .as_deref()
                .and_then(|s| names[..4].iter().position(|name| *name == s));
            assert_eq!(tag.flatten(), spelled, "{text}");
        }
        assert!(found >= 8, "only {found} known keys found");
    }

    #[test]
    fn strings_decode_like_serde_json_or_give_up() {
        let cases = [
            r#""plain""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u0041\u0000 Straße 😀""#,
            r#""""#,
        ];
        for case in cases {
            let expected: String = serde_json::from_str(case).expect("valid");
            assert_eq!(Scanner::new(case).string().as_deref(), Some(&*expected));
        }
        for gives_up in [
            r#""\ud83d\ude00""#,
            r#""\udc00""#,
            "\"a\nb\"",
            r#""\x""#,
            r#""open"#,
            r#""\u12""#,
        ] {
            assert_eq!(Scanner::new(gives_up).string(), None, "{gives_up}");
        }
    }

    #[test]
    fn numbers_follow_the_grammar_and_stay_short() {
        for ok in [
            "0",
            "-1",
            "10.5",
            "1e9",
            "1E+2",
            "-0.0",
            "123456789012345678",
        ] {
            assert_eq!(Scanner::new(ok).number(), Some(ok));
        }
        for bad in [
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "1e100",
            "1234567890123456789",
            "+1",
        ] {
            let mut s = Scanner::new(bad);
            assert!(s.number().is_none() || !s.at_end(), "{bad}");
        }
        assert!(is_plain_integer("-12") && !is_plain_integer("-0") && !is_plain_integer("1e2"));
    }

    #[test]
    fn skip_value_checks_nesting_and_syntax() {
        let mut s = Scanner::new(r#" {"a": [1, {"b": null}, true, false, "x"], "c": {}} "#);
        assert_eq!(s.skip_value(3), Some(1));
        assert!(s.at_end());
        assert_eq!(Scanner::new("[[[]]]").skip_value(2), None);
        for bad in ["[1,]", "{\"a\" 1}", "{\"a\":1,}", "[1 2]", "tru", "{1:2}"] {
            let mut s = Scanner::new(bad);
            assert!(s.skip_value(10).is_none() || !s.at_end(), "{bad}");
        }
    }
}

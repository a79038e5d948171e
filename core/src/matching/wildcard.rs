//! Glob matching with `*` (any run, including none) and `?` (exactly one character), anchored at
//! both ends (M2), in time linear in the text for literal segments.
//!
//! A pattern is compiled from [`Token`]s, so text substituted from policy variables can be kept
//! literal (V3: `${*}` is a literal `*`, a substituted value never acts as a wildcard).
//!
//! Algorithm (no regex, no backtracking): split the pattern on `*` into segments of fixed length.
//! The first segment is anchored at the start, the last at the end, and each middle segment is
//! found greedily at its leftmost position after the previous one. Greedy-leftmost is optimal
//! because every later segment only needs *some* room to its right, and leftmost leaves the most.
//! Literal segments are searched with Knuth–Morris–Pratt (linear); segments with `?` with the
//! bit-parallel Shift-And algorithm (linear for segments up to 64 characters, `n·⌈m/64⌉` beyond).

use crate::bytes::contains_any;

/// One element of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// A character that must appear as is (already case-folded when the pattern folds case).
    Lit(char),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters, including none.
    Star,
}

/// Tokens of a glob text: `*` and `?` are wildcards, everything else is literal.
pub fn glob_tokens(text: &str) -> impl Iterator<Item = Token> + '_ {
    text.chars().map(|c| match c {
        '*' => Token::Star,
        '?' => Token::One,
        c => Token::Lit(c),
    })
}

/// Tokens of a text where every character is literal (substituted values, StringEquals).
pub fn literal_tokens(text: &str) -> impl Iterator<Item = Token> + '_ {
    text.chars().map(Token::Lit)
}

/// Case folding used by every case-insensitive comparison: ASCII lowercase, and for other
/// characters their lowercase form when it is a single character.
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Folds a whole string (done once, when a policy is compiled).
pub fn fold_str(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Whether two strings are equal ignoring case, without allocating.
pub fn eq_fold(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    a.chars().map(fold_char).eq(b.chars().map(fold_char))
}

/// A compiled glob pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// Compare case-insensitively: the pattern is folded, text characters are folded on the fly.
    fold: bool,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    /// Only `*`s: matches every text.
    Any,
    /// No wildcard at all (`bool`: the literal is ASCII, precomputed for the fast path).
    Exact(String, bool),
    /// `literal*`: the most common action and resource form.
    Prefix(String, bool),
    General(General),
}

#[derive(Clone, Debug)]
struct General {
    /// Segments between stars; `segments.len() >= 2` (there is at least one star).
    segments: Vec<Segment>,
    /// Sum of the segment lengths: the shortest text that can match.
    min_len: usize,
}

/// A run of literals and `?`s between two stars, compared at a fixed length.
#[derive(Clone, Debug)]
struct Segment {
    /// Code points; `None` is `?`.
    syms: Vec<Option<u32>>,
    search: Search,
}

#[derive(Clone, Debug)]
enum Search {
    /// KMP failure table for a literal segment.
    Kmp(Vec<usize>),
    /// Shift-And masks for a segment with `?`.
    ShiftAnd(ShiftAnd),
}

#[derive(Clone, Debug)]
struct ShiftAnd {
    words: usize,
    /// Bits of the `?` positions: set in every character's mask.
    any: Vec<u64>,
    /// (code point, bits of its positions), sorted by code point.
    chars: Vec<(u32, Vec<u64>)>,
}

/// Text units the matcher walks: bytes for ASCII text, chars otherwise.
trait Unit: Copy {
    fn code(self, fold: bool) -> u32;
}

impl Unit for u8 {
    #[inline]
    fn code(self, fold: bool) -> u32 {
        u32::from(if fold {
            self.to_ascii_lowercase()
        } else {
            self
        })
    }
}

impl Unit for char {
    #[inline]
    fn code(self, fold: bool) -> u32 {
        u32::from(if fold { fold_char(self) } else { self })
    }
}

impl Pattern {
    /// Compiles a glob text (`*` and `?` are wildcards).
    pub fn new(glob: &str, fold: bool) -> Pattern {
        // Most policy values are a literal, `prefix*` or `*`: build those directly, without the
        // segment tables (compiling is on the path of every scenario the CLI reads).
        // The text before the trailing stars must hold no wildcard (a word scan; `*` is ASCII,
        // so the cut is a char boundary).
        let stars = glob.bytes().rev().take_while(|&b| b == b'*').count();
        let head = glob.get(..glob.len() - stars).unwrap_or(glob);
        if !contains_any(head.as_bytes(), b"*?") {
            let kind = if head.is_empty() && !glob.is_empty() {
                Kind::Any
            } else if head.len() == glob.len() {
                Kind::exact(head, fold)
            } else {
                Kind::prefix(head, fold)
            };
            return Pattern { fold, kind };
        }
        Pattern::from_tokens(glob_tokens(glob), fold)
    }

    /// Compiles a pattern that matches `text` exactly (no wildcards).
    pub fn literal(text: &str, fold: bool) -> Pattern {
        Pattern {
            fold,
            kind: Kind::exact(text, fold),
        }
    }

    /// Compiles tokens. With `fold`, literal tokens are case-folded here, once.
    pub fn from_tokens(tokens: impl IntoIterator<Item = Token>, fold: bool) -> Pattern {
        let mut segments: Vec<Vec<Option<u32>>> = vec![Vec::new()];
        for token in tokens {
            match token {
                Token::Star => {
                    // Consecutive stars are one star.
                    if !(segments.len() > 1 && segments.last().is_some_and(Vec::is_empty)) {
                        segments.push(Vec::new());
                    }
                }
                Token::One => push_sym(&mut segments, None),
                Token::Lit(c) => {
                    let c = if fold { fold_char(c) } else { c };
                    push_sym(&mut segments, Some(u32::from(c)));
                }
            }
        }
        Pattern {
            fold,
            kind: Kind::from_segments(segments),
        }
    }

    /// Whether the pattern is made of `*` only (matches everything, including `"*"`).
    pub fn is_match_all(&self) -> bool {
        matches!(self.kind, Kind::Any)
    }

    /// Whether the whole `text`, already folded (ASCII text, ASCII-lowercased), matches. Same
    /// answer as [`Self::matches`] on the unfolded text, without folding on every comparison.
    pub fn matches_prefolded(&self, folded: &str) -> bool {
        if !self.fold || !folded.is_ascii() {
            return self.matches(folded);
        }
        match &self.kind {
            Kind::Any => true,
            Kind::Exact(lit, _) => folded == lit,
            Kind::Prefix(lit, _) => folded.starts_with(lit.as_str()),
            // Folding folded ASCII text changes nothing.
            Kind::General(g) => g.matches(folded.as_bytes(), false),
        }
    }

    /// As [`Self::matches_prefolded`], the caller having checked that `folded` is ASCII.
    pub(crate) fn matches_ascii_folded(&self, folded: &str) -> bool {
        if !self.fold {
            return self.matches(folded);
        }
        match &self.kind {
            Kind::Any => true,
            Kind::Exact(lit, _) => folded == lit,
            Kind::Prefix(lit, _) => folded.starts_with(lit.as_str()),
            Kind::General(g) => g.matches(folded.as_bytes(), false),
        }
    }

    /// Whether the whole `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        match &self.kind {
            Kind::Any => true,
            Kind::Exact(lit, ascii) => {
                if !self.fold {
                    text == lit
                } else if *ascii && text.is_ascii() {
                    text.eq_ignore_ascii_case(lit)
                } else {
                    eq_fold_one_side(text, lit)
                }
            }
            Kind::Prefix(lit, ascii) => {
                if !self.fold {
                    text.starts_with(lit.as_str())
                } else {
                    starts_with_fold(text, lit, *ascii)
                }
            }
            Kind::General(g) => {
                if text.is_ascii() {
                    g.matches(text.as_bytes(), self.fold)
                } else {
                    let chars: Vec<char> = text.chars().collect();
                    g.matches(&chars, self.fold)
                }
            }
        }
    }
}

fn push_sym(segments: &mut [Vec<Option<u32>>], sym: Option<u32>) {
    if let Some(last) = segments.last_mut() {
        last.push(sym);
    }
}

/// `text` (folded on the fly) equals `folded` (already folded).
fn eq_fold_one_side(text: &str, folded: &str) -> bool {
    if text.is_ascii() {
        return text.len() == folded.len()
            && text
                .bytes()
                .zip(folded.bytes())
                .all(|(a, b)| a.to_ascii_lowercase() == b);
    }
    text.chars().map(fold_char).eq(folded.chars())
}

/// `text` (folded on the fly) starts with `folded` (already folded).
fn starts_with_fold(text: &str, folded: &str, folded_is_ascii: bool) -> bool {
    // ASCII fast path; a non-ASCII character may fold to ASCII (e.g. the Kelvin sign), so any
    // non-ASCII byte takes the general path.
    if let Some(head) = text.as_bytes().get(..folded.len()) {
        if folded_is_ascii && head.is_ascii() {
            return head.eq_ignore_ascii_case(folded.as_bytes());
        }
    }
    let mut t = text.chars();
    folded
        .chars()
        .all(|p| t.next().is_some_and(|c| fold_char(c) == p))
}

fn to_string(syms: &[Option<u32>]) -> Option<String> {
    syms.iter()
        .map(|s| s.and_then(char::from_u32))
        .collect::<Option<String>>()
}

/// `text` as the pattern stores it (folded once when the pattern folds case), and whether that
/// is ASCII.
fn stored(text: &str, fold: bool) -> (String, bool) {
    let ascii = text.is_ascii();
    let lit = match fold {
        true if ascii => text.to_ascii_lowercase(),
        true => fold_str(text),
        false => text.to_string(),
    };
    // Folding ASCII text keeps it ASCII; other text may fold to ASCII (the Kelvin sign).
    let ascii = ascii || lit.is_ascii();
    (lit, ascii)
}

impl Kind {
    fn exact(text: &str, fold: bool) -> Kind {
        let (lit, ascii) = stored(text, fold);
        Kind::Exact(lit, ascii)
    }

    fn prefix(text: &str, fold: bool) -> Kind {
        let (lit, ascii) = stored(text, fold);
        Kind::Prefix(lit, ascii)
    }

    fn from_segments(segments: Vec<Vec<Option<u32>>>) -> Kind {
        match segments.as_slice() {
            [] => Kind::Exact(String::new(), true),
            [only] => match to_string(only) {
                Some(lit) => {
                    let ascii = lit.is_ascii();
                    Kind::Exact(lit, ascii)
                }
                None => Kind::general(segments),
            },
            [first, last] if first.is_empty() && last.is_empty() => Kind::Any,
            [first, last] if last.is_empty() => match to_string(first) {
                Some(lit) => {
                    let ascii = lit.is_ascii();
                    Kind::Prefix(lit, ascii)
                }
                None => Kind::general(segments),
            },
            _ => Kind::general(segments),
        }
    }

    fn general(segments: Vec<Vec<Option<u32>>>) -> Kind {
        let min_len = segments.iter().map(Vec::len).sum();
        Kind::General(General {
            segments: segments.into_iter().map(Segment::new).collect(),
            min_len,
        })
    }
}

impl General {
    fn matches<T: Unit>(&self, text: &[T], fold: bool) -> bool {
        let n = text.len();
        let (first, rest) = match self.segments.split_first() {
            Some(split) => split,
            None => return n == 0,
        };
        let (last, middle) = match rest.split_last() {
            Some(split) => split,
            // No star: one segment must cover the whole text.
            None => return first.len() == n && first.matches_at(text, 0, fold),
        };
        if n < self.min_len || !first.matches_at(text, 0, fold) {
            return false;
        }
        let hi = n - last.len();
        if !last.matches_at(text, hi, fold) {
            return false;
        }
        let mut lo = first.len();
        for seg in middle {
            match text.get(lo..hi).and_then(|window| seg.find(window, fold)) {
                Some(pos) => lo += pos + seg.len(),
                None => return false,
            }
        }
        true
    }
}

impl Segment {
    fn new(syms: Vec<Option<u32>>) -> Segment {
        let search = if syms.iter().all(Option::is_some) {
            Search::Kmp(kmp_table(&syms))
        } else {
            Search::ShiftAnd(ShiftAnd::new(&syms))
        };
        Segment { syms, search }
    }

    fn len(&self) -> usize {
        self.syms.len()
    }

    fn matches_at<T: Unit>(&self, text: &[T], at: usize, fold: bool) -> bool {
        match text.get(at..at + self.len()) {
            Some(window) => self
                .syms
                .iter()
                .zip(window)
                .all(|(s, t)| s.is_none_or(|c| c == t.code(fold))),
            None => false,
        }
    }

    /// Leftmost start of this segment in `text`.
    fn find<T: Unit>(&self, text: &[T], fold: bool) -> Option<usize> {
        let m = self.len();
        if m == 0 {
            return Some(0);
        }
        if m > text.len() {
            return None;
        }
        match &self.search {
            Search::Kmp(fail) => kmp_find(&self.syms, fail, text, fold),
            Search::ShiftAnd(sa) => sa.find(m, text, fold),
        }
    }
}

/// `fail[i]`: length of the longest proper border of `syms[..=i]`.
fn kmp_table(syms: &[Option<u32>]) -> Vec<usize> {
    let mut fail = vec![0; syms.len()];
    let mut k = 0;
    for i in 1..syms.len() {
        while k > 0 && syms.get(i) != syms.get(k) {
            k = fail.get(k - 1).copied().unwrap_or(0);
        }
        if syms.get(i) == syms.get(k) {
            k += 1;
        }
        if let Some(slot) = fail.get_mut(i) {
            *slot = k;
        }
    }
    fail
}

fn kmp_find<T: Unit>(
    syms: &[Option<u32>],
    fail: &[usize],
    text: &[T],
    fold: bool,
) -> Option<usize> {
    let m = syms.len();
    let mut k = 0;
    for (i, t) in text.iter().enumerate() {
        let c = Some(t.code(fold));
        while k > 0 && syms.get(k) != Some(&c) {
            k = fail.get(k - 1).copied().unwrap_or(0);
        }
        if syms.get(k) == Some(&c) {
            k += 1;
        }
        if k == m {
            return Some(i + 1 - m);
        }
    }
    None
}

impl ShiftAnd {
    fn new(syms: &[Option<u32>]) -> ShiftAnd {
        let words = syms.len().div_ceil(64);
        let mut any = vec![0u64; words];
        let mut chars: Vec<(u32, Vec<u64>)> = Vec::new();
        for (i, sym) in syms.iter().enumerate() {
            let (w, bit) = (i / 64, 1u64 << (i % 64));
            match sym {
                None => {
                    if let Some(word) = any.get_mut(w) {
                        *word |= bit;
                    }
                }
                Some(c) => {
                    let idx = match chars.binary_search_by_key(c, |(k, _)| *k) {
                        Ok(idx) => idx,
                        Err(idx) => {
                            chars.insert(idx, (*c, vec![0u64; words]));
                            idx
                        }
                    };
                    if let Some(word) = chars.get_mut(idx).and_then(|(_, m)| m.get_mut(w)) {
                        *word |= bit;
                    }
                }
            }
        }
        ShiftAnd { words, any, chars }
    }

    fn mask_word(&self, code: u32, w: usize) -> u64 {
        let any = self.any.get(w).copied().unwrap_or(0);
        match self.chars.binary_search_by_key(&code, |(k, _)| *k) {
            Ok(idx) => {
                any | self
                    .chars
                    .get(idx)
                    .and_then(|(_, m)| m.get(w))
                    .copied()
                    .unwrap_or(0)
            }
            Err(_) => any,
        }
    }

    fn find<T: Unit>(&self, m: usize, text: &[T], fold: bool) -> Option<usize> {
        let top_word = (m - 1) / 64;
        let top_bit = 1u64 << ((m - 1) % 64);
        if self.words == 1 {
            // Single machine word: the common case, no allocation.
            let mut state = 0u64;
            for (i, t) in text.iter().enumerate() {
                state = ((state << 1) | 1) & self.mask_word(t.code(fold), 0);
                if state & top_bit != 0 {
                    return Some(i + 1 - m);
                }
            }
            return None;
        }
        let mut state = vec![0u64; self.words];
        for (i, t) in text.iter().enumerate() {
            let code = t.code(fold);
            let mut carry = 1u64;
            for (w, word) in state.iter_mut().enumerate() {
                let next_carry = *word >> 63;
                *word = ((*word << 1) | carry) & self.mask_word(code, w);
                carry = next_carry;
            }
            if state.get(top_word).is_some_and(|w| w & top_bit != 0) {
                return Some(i + 1 - m);
            }
        }
        None
    }
}

/// Whether `text` matches `pattern`, where `*` and `?` in `pattern` are wildcards.
/// Case-sensitive: callers that need case-insensitive matching use [`Pattern::new`] with `fold`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    Pattern::new(pattern, false).matches(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// M2: the direct construction of literal, `prefix*` and `*` patterns builds exactly what the
    /// general token path builds, folded or not.
    #[test]
    fn m2_simple_patterns_compile_like_the_token_path() {
        for glob in [
            "",
            "*",
            "**",
            "abc",
            "ABC",
            "s3:Get*",
            "S3:GET**",
            "a*b",
            "*a",
            "a?",
            "?",
            "\u{212A}*",
            "Straße",
            "É*",
            "arn:aws:s3:::bucket/*",
            "a**b*",
            "a?*",
            "a*?",
            "*?*",
            "?**",
            "k\u{212A}",
            "\u{212A}",
        ] {
            for fold in [false, true] {
                let fast = Pattern::new(glob, fold);
                let slow = Pattern::from_tokens(glob_tokens(glob), fold);
                assert_eq!(
                    format!("{fast:?}"),
                    format!("{slow:?}"),
                    "{glob} fold={fold}"
                );
                let lit = Pattern::literal(glob, fold);
                let lit_slow = Pattern::from_tokens(literal_tokens(glob), fold);
                assert_eq!(
                    format!("{lit:?}"),
                    format!("{lit_slow:?}"),
                    "literal {glob}"
                );
            }
        }
    }

    /// Exponential reference implementation, for small inputs only.
    fn reference(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| reference(rest, &t[i..])),
            Some(('?', rest)) => !t.is_empty() && reference(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && reference(rest, &t[1..]),
        }
    }

    #[test]
    fn agrees_with_reference_on_small_alphabet() {
        let alphabet = ['a', 'b', '*', '?'];
        let texts = [
            "", "a", "b", "ab", "ba", "aab", "abab", "bbba", "aaaa", "abba", "baab",
        ];
        // Every pattern of length <= 4 over the alphabet.
        let mut patterns = vec![String::new()];
        for len in 1..=4 {
            let mut next = Vec::new();
            for p in patterns.iter().filter(|p| p.chars().count() == len - 1) {
                for c in alphabet {
                    next.push(format!("{p}{c}"));
                }
            }
            patterns.extend(next);
        }
        for p in &patterns {
            let pc: Vec<char> = p.chars().collect();
            for t in texts {
                let tc: Vec<char> = t.chars().collect();
                assert_eq!(
                    glob_match(p, t),
                    reference(&pc, &tc),
                    "pattern {p:?} text {t:?}"
                );
            }
        }
    }

    #[test]
    fn long_question_segments_use_multiword_shift_and() {
        let seg: String = std::iter::repeat_n("a?", 40).collect();
        let pattern = format!("x*{seg}b*y");
        let text = format!("x{}b{}y", "a".repeat(200), "ab".repeat(40));
        assert!(glob_match(&pattern, &text));
        assert!(!glob_match(&pattern, &format!("x{}y", "a".repeat(300))));
    }

    #[test]
    fn non_ascii_text_and_fold() {
        assert!(glob_match("caf?", "café"));
        assert!(Pattern::new("CAFÉ*", true).matches("café au lait"));
        assert!(Pattern::new("*É", true).matches("xé"));
        assert!(!glob_match("caf?", "cafée"));
    }

    #[test]
    fn literal_tokens_keep_wildcard_characters_literal() {
        let p = Pattern::from_tokens(
            glob_tokens("a/")
                .chain(literal_tokens("*"))
                .chain(glob_tokens("*")),
            false,
        );
        assert!(p.matches("a/*xyz"));
        assert!(!p.matches("a/xyz"));
    }
}

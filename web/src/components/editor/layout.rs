//! The overlay's model: the text cut into lines, each line cut into segments that share one token
//! colour and one diagnostic mark, plus the band (deciding statement) each line carries. Pure, so
//! the cutting is tested natively; the component only turns it into elements.

use super::geometry::Lines;
use super::highlight::{Token, TokenKind};
use super::HighlightKind;
use iamsim_core::diagnostic::Severity;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

/// A diagnostic to underline: its byte range and severity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub range: Range<usize>,
    pub severity: Severity,
}

/// A run of one line with one colour and at most one mark (an index into the marks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub range: Range<usize>,
    pub token: Option<TokenKind>,
    pub mark: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineView {
    /// A key that follows the line's content, so that inserting a line moves no other line's
    /// element; unique within the text.
    pub key: String,
    pub range: Range<usize>,
    pub segments: Vec<Segment>,
    /// A mark that points past the line's last char (a missing `}` at the end of the text).
    pub eol_mark: Option<usize>,
    pub band: Option<HighlightKind>,
}

/// Which band wins where two overlap: a deny over an allow over a mere match.
fn rank(kind: HighlightKind) -> u8 {
    match kind {
        HighlightKind::Deny => 3,
        HighlightKind::Allow => 2,
        HighlightKind::Matched => 1,
    }
}

/// Of two marks, the more severe (the first on a tie).
fn worse(marks: &[Mark], a: Option<usize>, b: usize) -> Option<usize> {
    match a.and_then(|a| marks.get(a).map(|m| (a, m.severity))) {
        Some((a, sev)) if marks.get(b).is_none_or(|m| sev <= m.severity) => Some(a),
        _ => Some(b),
    }
}

/// Cuts the text into lines of segments. `tokens` are in text order (as `tokenize` returns
/// them); `marks` and `bands` are byte ranges in any order.
pub fn layout(
    text: &str,
    tokens: &[Token],
    marks: &[Mark],
    bands: &[(Range<usize>, HighlightKind)],
) -> Vec<LineView> {
    let lines = Lines::new(text);
    let count = lines.count();

    let mut band_of: Vec<Option<HighlightKind>> = vec![None; count];
    for (range, kind) in bands {
        let (first, last) = lines.line_span(range);
        for slot in band_of.iter_mut().take(last + 1).skip(first) {
            if slot.is_none_or(|k| rank(k) < rank(*kind)) {
                *slot = Some(*kind);
            }
        }
    }

    // (line, mark) pairs, sorted by line, so each line finds its marks without scanning all.
    let mut on_line: Vec<(usize, usize)> = Vec::new();
    for (i, mark) in marks.iter().enumerate() {
        let (first, last) = lines.line_span(&mark.range);
        on_line.extend((first..=last).map(|l| (l, i)));
    }
    on_line.sort_unstable();

    let mut seen: HashMap<u64, u32> = HashMap::new();
    let mut next_token = 0;
    let mut next_mark = 0;
    let mut out = Vec::with_capacity(count);
    for (l, band) in band_of.into_iter().enumerate() {
        let range = lines.range(l);
        let line_text = text.get(range.clone()).unwrap_or_default();

        let first_token = next_token;
        while tokens.get(next_token).is_some_and(|t| t.start < range.end) {
            next_token += 1;
        }
        let line_tokens = tokens.get(first_token..next_token).unwrap_or_default();

        // This line's marks, clipped to it; an empty one grows to the next char, or becomes the
        // end-of-line mark when it points past the last char.
        let mut clipped: Vec<(Range<usize>, usize)> = Vec::new();
        let mut eol_mark = None;
        while let Some(&(ml, mi)) = on_line.get(next_mark) {
            if ml > l {
                break;
            }
            next_mark += 1;
            let Some(mark) = marks.get(mi) else { continue };
            let start = mark.range.start.max(range.start);
            let end = mark.range.end.min(range.end);
            if start < end {
                clipped.push((start..end, mi));
            } else if mark.range.start >= range.end {
                eol_mark = worse(marks, eol_mark, mi);
            } else if mark.range.is_empty() {
                let width = line_text
                    .get(start - range.start..)
                    .and_then(|rest| rest.chars().next())
                    .map_or(0, char::len_utf8);
                clipped.push((start..start + width, mi));
            }
        }

        let mut cuts: Vec<usize> = Vec::with_capacity(2 + 2 * (line_tokens.len() + clipped.len()));
        cuts.push(range.start);
        cuts.push(range.end);
        for t in line_tokens {
            cuts.push(t.start.max(range.start));
            cuts.push(t.end.min(range.end));
        }
        for (r, _) in &clipped {
            cuts.push(r.start);
            cuts.push(r.end);
        }
        cuts.sort_unstable();
        cuts.dedup();

        let mut segments = Vec::with_capacity(cuts.len());
        let mut ti = 0;
        for pair in cuts.windows(2) {
            let (a, b) = match pair {
                [a, b] => (*a, *b),
                _ => continue,
            };
            while line_tokens.get(ti).is_some_and(|t| t.end <= a) {
                ti += 1;
            }
            let token = line_tokens.get(ti).filter(|t| t.start <= a).map(|t| t.kind);
            let mark = clipped
                .iter()
                .filter(|(r, _)| r.start <= a && b <= r.end)
                .fold(None, |acc, (_, mi)| worse(marks, acc, *mi));
            segments.push(Segment {
                range: a..b,
                token,
                mark,
            });
        }

        let mut hasher = DefaultHasher::new();
        line_text.hash(&mut hasher);
        let hash = hasher.finish();
        let occurrence = seen.entry(hash).or_insert(0);
        *occurrence += 1;
        out.push(LineView {
            key: format!("{hash:x}.{occurrence}"),
            range,
            segments,
            eol_mark,
            band,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::highlight::tokenize;
    use super::*;

    fn view(text: &str, marks: &[Mark], bands: &[(Range<usize>, HighlightKind)]) -> Vec<LineView> {
        layout(text, &tokenize(text), marks, bands)
    }

    /// A line as `text` pieces, each marked `[m<i>]` when a mark covers it.
    fn pieces(text: &str, line: &LineView) -> Vec<String> {
        line.segments
            .iter()
            .map(|s| {
                let piece = &text[s.range.clone()];
                match s.mark {
                    Some(m) => format!("{piece}[m{m}]"),
                    None => piece.to_string(),
                }
            })
            .collect()
    }

    fn mark(range: Range<usize>, severity: Severity) -> Mark {
        Mark { range, severity }
    }

    #[test]
    fn segments_follow_tokens_and_cover_the_line() {
        let text = "{\n  \"a\": 1\n}";
        let lines = view(text, &[], &[]);
        assert_eq!(lines.len(), 3);
        assert_eq!(pieces(text, &lines[1]), ["  ", "\"a\"", ":", " ", "1"]);
        assert_eq!(lines[1].segments[1].token, Some(TokenKind::Key));
        assert_eq!(lines[1].segments[0].token, None, "indentation is plain");
    }

    #[test]
    fn a_mark_cuts_tokens_and_the_most_severe_wins() {
        let text = "\"Allow\"";
        let marks = [mark(1..4, Severity::Warning), mark(3..6, Severity::Error)];
        let lines = view(text, &marks, &[]);
        assert_eq!(
            pieces(text, &lines[0]),
            ["\"", "Al[m0]", "l[m1]", "ow[m1]", "\""]
        );
        assert!(lines[0]
            .segments
            .iter()
            .all(|s| s.token == Some(TokenKind::String)));
    }

    #[test]
    fn a_mark_over_several_lines_marks_each_of_them() {
        let text = "ab\ncd\nef";
        let lines = view(text, &[mark(1..7, Severity::Error)], &[]);
        assert_eq!(pieces(text, &lines[0]), ["a", "b[m0]"]);
        assert_eq!(pieces(text, &lines[1]), ["cd[m0]"]);
        assert_eq!(pieces(text, &lines[2]), ["e[m0]", "f"]);
    }

    #[test]
    fn an_empty_mark_grows_to_one_char_or_marks_the_end_of_its_line() {
        let text = "ab\n{";
        let lines = view(
            text,
            &[mark(1..1, Severity::Error), mark(4..4, Severity::Warning)],
            &[],
        );
        assert_eq!(pieces(text, &lines[0]), ["a", "b[m0]"]);
        assert_eq!(lines[1].eol_mark, Some(1), "end of text");
        assert_eq!(lines[0].eol_mark, None);
    }

    #[test]
    fn bands_cover_whole_lines_and_deny_wins() {
        let text = "{\n  allow\n  deny\n}\nnext";
        let bands = [
            (0..18, HighlightKind::Allow),
            (10..16, HighlightKind::Deny),
            (19..23, HighlightKind::Matched),
        ];
        let kinds: Vec<_> = view(text, &[], &bands).iter().map(|l| l.band).collect();
        use HighlightKind::*;
        assert_eq!(
            kinds,
            [
                Some(Allow),
                Some(Allow),
                Some(Deny),
                Some(Allow),
                Some(Matched)
            ]
        );
    }

    #[test]
    fn keys_are_unique_and_follow_content() {
        let text = "}\n}\nx\n}";
        let keys: Vec<_> = view(text, &[], &[]).into_iter().map(|l| l.key).collect();
        let unique: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(unique.len(), 4);
        // Inserting a line before keeps the keys of the lines after it.
        let more = view(&format!("new\n{text}"), &[], &[]);
        assert_eq!(
            more[1..].iter().map(|l| l.key.clone()).collect::<Vec<_>>(),
            keys
        );
    }

    #[test]
    fn marks_and_bands_outside_the_text_are_clamped() {
        let text = "ab";
        let lines = view(
            text,
            &[
                mark(1..99, Severity::Error),
                mark(50..60, Severity::Warning),
            ],
            &[(40..80, HighlightKind::Deny)],
        );
        assert_eq!(lines.len(), 1);
        assert_eq!(pieces(text, &lines[0]), ["a", "b[m0]"]);
        assert_eq!(lines[0].eol_mark, Some(1));
        assert_eq!(lines[0].band, Some(HighlightKind::Deny));
    }
}

//! Matching of condition-key templates such as `aws:ResourceTag/${TagKey}` or
//! `token.actions.${Domain}.ghe.com:sub` against keys as written in a policy.

/// Whether `key` is an instance of `template`: literal parts compare ASCII case-insensitively (C2),
/// each `${…}` placeholder stands for one or more characters. Linear-time: the literal pieces
/// between placeholders are found leftmost-first, which is optimal for `*`-like gaps.
pub fn template_matches(template: &str, key: &str) -> bool {
    let mut pieces = literal_pieces(template);
    let key = key.as_bytes();
    let Some(first) = pieces.next() else {
        return false;
    };
    if !starts_with_ci(key, first.as_bytes()) {
        return false;
    }
    let mut pos = first.len();
    let mut gap = false;
    let mut last: Option<&str> = None;
    for piece in pieces {
        // A placeholder precedes every piece after the first.
        gap = true;
        if let Some(middle) = last.replace(piece) {
            match find_ci(key, middle.as_bytes(), pos + 1) {
                Some(at) => pos = at + middle.len(),
                None => return false,
            }
        }
    }
    match last {
        None => pos == key.len(),
        Some(tail) => {
            let min_end = pos + usize::from(gap) + tail.len();
            key.len() >= min_end && ends_with_ci(key, tail.as_bytes())
        }
    }
}

/// Whether a documented key name has placeholders: `${TagKey}`, or `<key>` as the S3 pages write it.
pub fn is_template(name: &str) -> bool {
    next_placeholder(name.as_bytes()).is_some()
}

/// Where the next placeholder opens, and the byte that closes it. A byte scan: cheaper than
/// `str::find` with a string needle for these short names.
fn next_placeholder(text: &[u8]) -> Option<(usize, u8)> {
    text.iter().enumerate().find_map(|(i, &b)| match b {
        b'<' => Some((i, b'>')),
        b'$' if text.get(i + 1) == Some(&b'{') => Some((i, b'}')),
        _ => None,
    })
}

/// The literal text around the placeholders: `a${X}b<y>` gives `a`, `b`, ``.
fn literal_pieces(template: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(template);
    std::iter::from_fn(move || {
        let text = rest?;
        match next_placeholder(text.as_bytes()) {
            Some((open, close)) => {
                // An unclosed placeholder runs to the end of the template.
                let end = text
                    .as_bytes()
                    .get(open..)
                    .unwrap_or_default()
                    .iter()
                    .position(|&b| b == close);
                rest = Some(match end {
                    Some(end) => text.get(open + end + 1..).unwrap_or(""),
                    None => "",
                });
                text.get(..open)
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

fn starts_with_ci(text: &[u8], prefix: &[u8]) -> bool {
    text.len() >= prefix.len() && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn ends_with_ci(text: &[u8], suffix: &[u8]) -> bool {
    text.len() >= suffix.len() && text[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

fn find_ci(text: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return (from <= text.len()).then_some(from);
    }
    (from..=text.len().checked_sub(needle.len())?)
        .find(|&i| text[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::template_matches as m;

    #[test]
    fn placeholders_need_one_character_c2() {
        assert!(m("aws:ResourceTag/${TagKey}", "AWS:resourcetag/Team"));
        assert!(!m("aws:ResourceTag/${TagKey}", "aws:ResourceTag/"));
        assert!(m("aws:TagKeys", "aws:tagkeys"));
        assert!(!m("aws:TagKeys", "aws:TagKeysX"));
    }

    #[test]
    fn placeholders_in_the_middle() {
        let t = "token.actions.${Domain}.ghe.com:sub";
        assert!(m(t, "token.actions.acme.ghe.com:sub"));
        assert!(!m(t, "token.actions..ghe.com:sub"));
        assert!(!m(t, "token.actions.acme.ghe.com:subx"));
        let t = "codebuild:secondarySources/${sourceIdentifier}.auth.type";
        assert!(m(t, "codebuild:secondarySources/src1.auth.type"));
        assert!(!m(t, "codebuild:secondarySources/.auth.type"));
    }

    #[test]
    fn overlapping_tail_is_not_double_counted() {
        // `${A}x` on "x": the placeholder needs a character before the tail.
        assert!(!m("${A}x", "x"));
        assert!(m("${A}x", "ax"));
        assert!(m("a${B}", "ab"));
    }
}

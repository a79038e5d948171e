//! Whether an ARN (or an ARN pattern from a `Resource` element) can be of a resource type, by
//! matching it against the type's ARN template(s).
//!
//! Both sides are turned into tokens and the question is whether *some* ARN matches both, i.e.
//! whether the two patterns intersect. That answers "is `arn:aws:ecr:*:*:repository/web` a
//! repository?" as well as "is this concrete ARN a repository?". The search walks the product of the
//! two token lists (at most (n+1)·(m+1) states, each visited once), so it is linear in each side's
//! length and never backtracks exponentially.

use crate::bytes::{contains_any, find_byte, has_ascii_uppercase, positions};
use crate::matching::variables::has_variable;
use std::borrow::Cow;

/// Which characters a wildcard token may stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Any,
    /// A template placeholder before the last one: stays within one `:`-segment.
    NoColon,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Lit(u8),
    /// Exactly one character.
    One(Class),
    /// Any run, including none.
    Star(Class),
}

/// Template tokens: `${…}` placeholders are one or more characters; they do not cross `:` except
/// the last one (resource names such as S3 keys or log streams may contain colons).
fn template_tokens(template: &str) -> Vec<Tok> {
    let last_placeholder = template.rfind("${");
    let mut out = Vec::with_capacity(template.len());
    let bytes = template.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'$' && bytes.get(i + 1) == Some(&b'{') {
            let class = if Some(i) == last_placeholder {
                Class::Any
            } else {
                Class::NoColon
            };
            out.push(Tok::One(class));
            out.push(Tok::Star(class));
            i = match template[i..].find('}') {
                Some(close) => i + close + 1,
                None => bytes.len(),
            };
        } else {
            out.push(Tok::Lit(b));
            i += 1;
        }
    }
    out
}

/// Tokens of an ARN or ARN pattern as written in a policy: `*`/`?` are wildcards that may cross
/// `:` (M5, M6), and a `${…}` policy variable may stand for anything (it is resolved per request).
/// Partition, service, region and account compare case-insensitively (Q6), so they are lowercased;
/// the resource part stays case-sensitive (M7).
fn pattern_tokens(pattern: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(pattern.len());
    let bytes = pattern.as_bytes();
    let mut colons = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'*' => out.push(Tok::Star(Class::Any)),
            b'?' => out.push(Tok::One(Class::Any)),
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                out.push(Tok::Star(Class::Any));
                if let Some(close) = pattern[i..].find('}') {
                    i += close;
                }
            }
            _ => {
                if b == b':' {
                    colons += 1;
                }
                out.push(Tok::Lit(if colons < 5 {
                    b.to_ascii_lowercase()
                } else {
                    b
                }));
            }
        }
        i += 1;
    }
    out
}

/// Whether one character can satisfy both token classes.
fn compatible(a: Tok, b: Tok) -> bool {
    match (a, b) {
        (Tok::Lit(x), Tok::Lit(y)) => x == y,
        (Tok::Lit(c), Tok::One(k) | Tok::Star(k)) | (Tok::One(k) | Tok::Star(k), Tok::Lit(c)) => {
            k == Class::Any || c != b':'
        }
        _ => true,
    }
}

/// Whether some string matches both token lists.
fn intersects(a: &[Tok], b: &[Tok]) -> bool {
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let Some(slot) = seen.get_mut(i * width + j) else {
            continue;
        };
        if *slot {
            continue;
        }
        *slot = true;
        let (ta, tb) = (a.get(i).copied(), b.get(j).copied());
        if ta.is_none() && tb.is_none() {
            return true;
        }
        // A star may match nothing.
        if let Some(Tok::Star(_)) = ta {
            stack.push((i + 1, j));
        }
        if let Some(Tok::Star(_)) = tb {
            stack.push((i, j + 1));
        }
        // Or both consume one common character.
        if let (Some(x), Some(y)) = (ta, tb) {
            let both_star = matches!((x, y), (Tok::Star(_), Tok::Star(_)));
            if !both_star && compatible(x, y) {
                let ni = if matches!(x, Tok::Star(_)) { i } else { i + 1 };
                let nj = if matches!(y, Tok::Star(_)) { j } else { j + 1 };
                stack.push((ni, nj));
            }
        }
    }
    false
}

/// The service segment (third field) of an ARN or template, if it has one.
fn service_segment(arn: &str) -> Option<&str> {
    arn.split(':').nth(2)
}

/// Whether `arn` (an ARN or an ARN pattern from a policy) can name a resource of the type whose
/// template is `template`, e.g. `arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`.
pub fn arn_matches_template(arn: &str, template: &str) -> bool {
    // Cheap pre-check: a literal service segment must be the template's (M5: no wildcard there).
    if let (Some(s), Some(t)) = (service_segment(arn), service_segment(template)) {
        if !s.contains(['*', '?', '$']) && !s.eq_ignore_ascii_case(t) {
            return false;
        }
    }
    intersects(&pattern_tokens(arn), &template_tokens(template))
}

/// An ARN template tokenized once, to be tested against many ARNs (the catalog keeps one per
/// template, compiled on first use).
#[derive(Debug)]
pub struct CompiledTemplate {
    service: Option<&'static str>,
    tokens: Box<[Tok]>,
    /// For a concrete ARN; `None` for templates of 64 tokens or more.
    masks: Option<Masks>,
    /// For a concrete ARN, when the template's placeholders can be placed without a search.
    chain: Option<Chain>,
    /// Whether the chain compares a concrete ARN's service segment with the template's exactly
    /// (a literal service before the last placeholder), so the pre-check would repeat it.
    chain_checks_service: bool,
}

impl CompiledTemplate {
    pub fn new(template: &'static str) -> Self {
        let tokens = template_tokens(template);
        let chain = Chain::new(template);
        CompiledTemplate {
            service: service_segment(template),
            masks: Masks::new(&tokens),
            tokens: tokens.into(),
            chain_checks_service: chain.is_some() && service_before_last_placeholder(template),
            chain,
        }
    }
}

/// Whether the template's service segment is literal and ends (at the fourth colon) before its
/// last placeholder, the only one that may hold colons: a chain then maps the template's first
/// four colons onto the ARN's, and the segment is compared as it is.
fn service_before_last_placeholder(template: &str) -> bool {
    let literal = service_segment(template).is_some_and(|s| !s.contains('$'));
    let fourth_colon = template.match_indices(':').nth(3).map(|(at, _)| at);
    literal
        && match template.rfind("${") {
            None => true,
            Some(last) => fourth_colon.is_some_and(|colon| colon < last),
        }
}

/// A template whose every placeholder but the last is followed by a literal that starts with
/// `:` (`arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`, most of the
/// catalog). Such a placeholder cannot hold a `:`, so it ends at the next colon; the last one
/// (which may hold colons) ends where the final literal begins. A concrete ARN is then read once,
/// left to right, with no set of states.
#[derive(Debug)]
struct Chain {
    /// The literal before the first placeholder (the whole template when it has none).
    first: Literal,
    /// The literal after each placeholder but the last, each starting with `:`.
    inner: Box<[Literal]>,
    /// The literal after the last placeholder; `None` when there is no placeholder.
    last: Option<&'static str>,
}

impl Chain {
    /// The template as literals between placeholders, if it has the shape described above
    /// (the placeholders and their classes as [`template_tokens`] reads them).
    fn new(template: &'static str) -> Option<Chain> {
        let last_placeholder = template.rfind("${");
        let mut literals: Vec<&'static str> = Vec::new();
        let mut start = 0;
        let mut classes: Vec<Class> = Vec::new();
        let mut i = 0;
        while let Some(open) = template.get(i..).and_then(|rest| rest.find("${")) {
            let at = i + open;
            literals.push(template.get(start..at)?);
            classes.push(if Some(at) == last_placeholder {
                Class::Any
            } else {
                Class::NoColon
            });
            // An unclosed placeholder runs to the end: left to the automaton.
            let close = template.get(at..)?.find('}')?;
            i = at + close + 1;
            start = i;
        }
        literals.push(template.get(start..)?);
        let (&last, inner) = literals.split_last()?;
        let (&first, inner) = match inner.split_first() {
            Some(split) => split,
            None => {
                return Some(Chain {
                    first: Literal::new(last),
                    inner: Box::new([]),
                    last: None,
                })
            }
        };
        let (last_class, inner_classes) = classes.split_last()?;
        let placeable = *last_class == Class::Any
            && inner_classes.iter().all(|c| *c == Class::NoColon)
            && inner.iter().all(|l| l.starts_with(':'));
        placeable.then(|| Chain {
            first: Literal::new(first),
            inner: inner.iter().map(|l| Literal::new(l)).collect(),
            last: Some(last),
        })
    }

    /// [`accepts`] for this template: whether the concrete ARN `text` (head lowercased as
    /// [`ArnPattern`] keeps it) fits.
    fn accepts(&self, text: &[u8]) -> bool {
        let Some(mut rest) = self.first.strip_from(text) else {
            return false;
        };
        let Some(last) = self.last else {
            return rest.is_empty();
        };
        for literal in self.inner.iter() {
            // A placeholder is one or more characters, none of them `:`.
            let Some(colon) = find_byte(rest, b':').filter(|&c| c > 0) else {
                return false;
            };
            match rest.get(colon..).and_then(|r| literal.strip_from(r)) {
                Some(after) => rest = after,
                None => return false,
            }
        }
        // The last placeholder: one or more characters of any kind, then the final literal.
        rest.len() > last.len() && rest.ends_with(last.as_bytes())
    }
}

/// A literal of a [`Chain`], with its first 16 bytes as one masked word: most literals
/// (`arn:`, `:ecr:`, `:repository/`) are compared with a single load instead of a call to
/// `memcmp`.
#[derive(Debug)]
struct Literal {
    text: &'static str,
    /// The literal's bytes (zero-padded) and a mask of its length, for literals of at most 16
    /// bytes.
    word: Option<(u128, u128)>,
}

impl Literal {
    fn new(text: &'static str) -> Literal {
        let word = (text.len() <= 16).then(|| {
            let mut bytes = [0u8; 16];
            let mut mask = [0u8; 16];
            for ((b, m), &t) in bytes.iter_mut().zip(mask.iter_mut()).zip(text.as_bytes()) {
                *b = t;
                *m = 0xff;
            }
            (u128::from_le_bytes(bytes), u128::from_le_bytes(mask))
        });
        Literal { text, word }
    }

    /// `text` after this literal, if it starts with it.
    fn strip_from<'t>(&self, text: &'t [u8]) -> Option<&'t [u8]> {
        match (self.word, text.first_chunk::<16>()) {
            (Some((word, mask)), Some(head)) => {
                if (u128::from_le_bytes(*head) ^ word) & mask != 0 {
                    return None;
                }
                text.get(self.text.len()..)
            }
            _ => text.strip_prefix(self.text.as_bytes()),
        }
    }
}

/// An ARN or ARN pattern from a policy, tokenized once to be tested against many templates.
pub struct ArnPattern<'a> {
    /// The service segment when it is literal (no wildcard or variable), for the pre-check.
    literal_service: Option<&'a str>,
    /// The tokens of a pattern with wildcards or variables (empty for a concrete ARN).
    tokens: Vec<Tok>,
    /// A concrete ARN's bytes (no wildcard or variable), with the partition, service, region and
    /// account lowercased as [`pattern_tokens`] does: the automaton reads them directly.
    concrete: Option<Cow<'a, [u8]>>,
}

impl<'a> ArnPattern<'a> {
    pub fn new(arn: &'a str) -> Self {
        // Where the colons are (the service segment is the third field, the resource part
        // starts at the fifth colon), and whether there is a wildcard or a variable, by word
        // scans.
        let bytes = arn.as_bytes();
        let ([_, second, third, _, fifth], found) = positions::<5>(bytes, b':');
        // One scan for the three bytes; only a `$` needs the closer look for `${`.
        let pattern =
            contains_any(bytes, b"*?$") && (contains_any(bytes, b"*?") || has_variable(arn));
        let literal_service = arn
            .get((second + 1).min(arn.len())..third)
            .filter(|_| found >= 2)
            .filter(|s| !s.bytes().any(|b| matches!(b, b'*' | b'?' | b'$')));
        if pattern {
            return ArnPattern {
                literal_service,
                tokens: pattern_tokens(arn),
                concrete: None,
            };
        }
        // Most heads are written in lowercase: those are borrowed, not copied.
        let head = bytes.get(..fifth).unwrap_or(bytes);
        let concrete = if has_ascii_uppercase(head) {
            let mut folded = bytes.to_vec();
            if let Some(head) = folded.get_mut(..fifth) {
                head.make_ascii_lowercase();
            }
            Cow::Owned(folded)
        } else {
            Cow::Borrowed(bytes)
        };
        ArnPattern {
            literal_service,
            tokens: Vec::new(),
            concrete: Some(concrete),
        }
    }

    /// [`Self::new`] of a six-part ARN that holds no `*`, `?` or `$` and no capital letter before
    /// its resource part, `service` being its service part: what compiling the value found, so
    /// that it is not scanned again.
    pub fn plain_lowercase(arn: &'a str, service: &'a str) -> Self {
        ArnPattern {
            literal_service: Some(service),
            tokens: Vec::new(),
            concrete: Some(Cow::Borrowed(arn.as_bytes())),
        }
    }

    /// [`arn_matches_template`] of this ARN and the compiled template.
    pub fn matches(&self, template: &CompiledTemplate) -> bool {
        if let (Some(s), Some(t)) = (self.literal_service, template.service) {
            let checked_by_chain = template.chain_checks_service && self.concrete.is_some();
            if !checked_by_chain && !s.eq_ignore_ascii_case(t) {
                return false;
            }
        }
        match (&self.concrete, &template.chain, &template.masks) {
            (Some(text), Some(chain), _) => chain.accepts(text),
            (Some(text), None, Some(masks)) => accepts(text, &template.tokens, masks),
            (Some(text), None, None) => {
                let tokens: Vec<Tok> = text.iter().map(|&b| Tok::Lit(b)).collect();
                intersects(&tokens, &template.tokens)
            }
            (None, _, _) => intersects(&self.tokens, &template.tokens),
        }
    }
}

/// A template of fewer than 64 tokens as bit masks of its positions, to run it as an automaton
/// over a concrete ARN with one `u64` of states.
#[derive(Debug)]
struct Masks {
    /// Stars and one-character placeholders that may stand for any character.
    star_any: u64,
    one_any: u64,
    /// Those that may not stand for `:`.
    star_no_colon: u64,
    one_no_colon: u64,
    literals: u64,
}

impl Masks {
    fn new(template: &[Tok]) -> Option<Masks> {
        if template.len() >= 64 {
            return None;
        }
        let mut m = Masks {
            star_any: 0,
            one_any: 0,
            star_no_colon: 0,
            one_no_colon: 0,
            literals: 0,
        };
        for (j, t) in template.iter().enumerate() {
            let bit = 1u64 << j;
            match t {
                Tok::Lit(_) => m.literals |= bit,
                Tok::One(Class::Any) => m.one_any |= bit,
                Tok::One(Class::NoColon) => m.one_no_colon |= bit,
                Tok::Star(Class::Any) => m.star_any |= bit,
                Tok::Star(Class::NoColon) => m.star_no_colon |= bit,
            }
        }
        Some(m)
    }
}

/// A star may match nothing: wherever the set holds a star, it also holds what follows it.
fn close(states: u64, stars: u64) -> u64 {
    let mut states = states;
    loop {
        let more = ((states & stars) << 1) & !states;
        if more == 0 {
            return states;
        }
        states |= more;
    }
}

/// [`intersects`] when `text` is all literals (a concrete ARN, the common case): the template run
/// as an automaton over the text, a set of positions per character instead of a search of the
/// product.
fn accepts(text: &[u8], template: &[Tok], m: &Masks) -> bool {
    let stars = m.star_any | m.star_no_colon;
    let mut states = close(1, stars);
    for &byte in text {
        let c = Tok::Lit(byte);
        let (stay, step) = if byte == b':' {
            (m.star_any, m.one_any)
        } else {
            (stars, m.one_any | m.one_no_colon)
        };
        let mut next = (states & stay) | ((states & step) << 1);
        let mut literals = states & m.literals;
        while literals != 0 {
            let j = literals.trailing_zeros() as usize;
            literals &= literals - 1;
            if template.get(j) == Some(&c) {
                next |= 1 << (j + 1);
            }
        }
        if next == 0 {
            return false;
        }
        states = close(next, stars);
    }
    states & (1 << template.len()) != 0
}

/// How many literal characters a template has: more means a more specific type. Used to put the
/// best candidate first when an ARN fits several templates (an S3 object ARN also fits `bucket`).
pub fn template_specificity(template: &str) -> usize {
    template_tokens(template)
        .iter()
        .filter(|t| matches!(t, Tok::Lit(_)))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPO: &str = "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}";

    #[test]
    fn e1_repository_arns_with_namespaces() {
        assert!(arn_matches_template(
            "arn:aws:ecr:us-east-1:111122223333:repository/web",
            REPO
        ));
        assert!(arn_matches_template(
            "arn:aws:ecr:us-east-1:111122223333:repository/project-a/web",
            REPO
        ));
        assert!(arn_matches_template("arn:aws:ecr:*:*:repository/*", REPO));
        assert!(!arn_matches_template(
            "arn:aws:ecr:us-east-1:111122223333:repository/",
            REPO
        ));
        assert!(!arn_matches_template(
            "arn:aws:ecr:us-east-1:111122223333:registry/x",
            REPO
        ));
        assert!(!arn_matches_template("arn:aws:s3:::bucket", REPO));
    }

    #[test]
    fn placeholders_do_not_cross_colons_except_the_last() {
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        assert!(arn_matches_template(
            "arn:aws:logs:us-east-1:1:log-group:app:log-stream:a:b",
            stream
        ));
        // The region placeholder cannot swallow `us-east-1:1`.
        assert!(!arn_matches_template(
            "arn:aws:logs:us-east-1:1:log-group:app",
            stream
        ));
        let group = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
        assert!(arn_matches_template(
            "arn:aws:logs:us-east-1:1:log-group:app",
            group
        ));
    }

    #[test]
    fn m7_resource_part_is_case_sensitive_q6_prefix_is_not() {
        assert!(arn_matches_template(
            "ARN:AWS:ECR:US-EAST-1:1:repository/Web",
            REPO
        ));
        assert!(!arn_matches_template(
            "arn:aws:ecr:us-east-1:1:Repository/web",
            REPO
        ));
    }

    #[test]
    fn empty_segments_and_wildcards() {
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        assert!(arn_matches_template("arn:aws:iam::1:role/a/b", role));
        assert!(arn_matches_template("arn:aws:iam:*:1:role/*", role));
        assert!(arn_matches_template(
            "arn:aws:iam::${aws:PrincipalAccount}:role/x",
            role
        ));
        assert!(!arn_matches_template(
            "arn:aws:iam:us-east-1:1:role/x",
            role
        ));
        assert!(arn_matches_template("*", role));
    }

    #[test]
    fn chain_literals_strip_like_strip_prefix() {
        let literals = [
            "",
            ":",
            "arn:",
            ":ecr:",
            ":repository/",
            ":0123456789abcde",
            ":0123456789abcdef",
            ":log-group:app:log-stream:",
        ];
        let texts = [
            "",
            ":",
            "arn",
            "arn:",
            "arn:aws:ecr:us-east-1:1:repository/web",
            "Arn:aws",
            ":ecr:us-east-1:1:repository/web",
            ":ecr",
            ":ecs:us-east-1:1:repository/web",
            ":repository/team0-web-0",
            ":repository/",
            ":repositorz/team0-web-0",
            ":Repository/team0-web-0",
            ":0123456789abcde",
            ":0123456789abcdef",
            ":0123456789abcdefg",
            ":0123456789abcdeF",
            ":log-group:app:log-stream:s",
            ":log-group:app:log-streaM:s",
            ":log-group:app:log-stream",
        ];
        for literal in literals {
            let compiled = Literal::new(literal);
            for text in texts {
                assert_eq!(
                    compiled.strip_from(text.as_bytes()),
                    text.as_bytes().strip_prefix(literal.as_bytes()),
                    "{literal:?} {text:?}"
                );
            }
        }
    }

    #[test]
    fn m5_compiled_templates_match_like_plain_ones() {
        let arns = [
            "*",
            "arn:aws:ecr:us-east-1:1:repository/web",
            "arn:aws:ecr:*:*:repository/*",
            "ARN:AWS:ECR:US-EAST-1:1:repository/Web",
            "arn:aws:e?r:us-east-1:1:repository/web",
            "arn:aws:${aws:username}:us-east-1:1:repository/web",
            "arn:aws:s3:::bucket",
            "arn:aws:s3:::bucket/key/*",
            "arn:aws:s3:::bucket$x",
            "arn:AWS:S3:::Bucket/Key",
            "arn:aws:logs:us-east-1:1:log-group:app:log-stream:a:b",
            "arn:aws:iam::1:role/a/b",
            "arn:aws:iam::${aws:PrincipalAccount}:role/x",
            "arn:aws",
            "",
            "arn:aws:ecs:us-east-1:1:repository/web",
            "arn:aws:Ecr:us-east-1:1:repository/web",
            "arn:aws:ecr:us-east-1:1:repositorz/web",
            "arn:aws:ecr:us-east-1::repository/web",
            "arn:aws:b:ecr",
            "arn:aws:ecr:ecr",
            "arn:a:ecr:x:ecr:s",
        ];
        let templates = [
            REPO,
            "arn:${Partition}:s3:::${BucketName}",
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
            "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}",
            "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
            "arn:${Partition}:ecr",
            "arn:${Partition}:${Service}:ecr:${Account}:s",
            "arn:aws:ecr:us-east-1:1:repository/web",
            "arn:aws:ECR:${Region}:${Account}:repository/${Name}",
            "no-arn-template",
        ];
        let mut both = 0;
        for template in templates {
            let compiled = CompiledTemplate::new(template);
            for arn in arns {
                let plain = arn_matches_template(arn, template);
                assert_eq!(
                    ArnPattern::new(arn).matches(&compiled),
                    plain,
                    "{arn} {template}"
                );
                both += usize::from(plain);
            }
        }
        // A template too long for the automaton's fixed set takes the search.
        let long: &'static str =
            Box::leak(format!("arn:${{Partition}}:s3:::{}", "b".repeat(300)).into_boxed_str());
        let arn = format!("arn:aws:s3:::{}", "b".repeat(300));
        assert!(CompiledTemplate::new(long).masks.is_none());
        assert!(ArnPattern::new(&arn).matches(&CompiledTemplate::new(long)));
        assert!(!ArnPattern::new(&arn[1..]).matches(&CompiledTemplate::new(long)));
        // Both answers occur, so the comparison can fail.
        assert!(both > 5 && both < arns.len() * templates.len() - 5);
    }

    /// ARNs made from a template: placeholders filled (with and without colons, upper-cased),
    /// left empty, and a few texts around them.
    fn arns_from(template: &str) -> Vec<String> {
        let mut out = Vec::new();
        for fill in ["Ab1", "a:b", "x/y", ""] {
            let mut text = String::new();
            let mut rest = template;
            while let Some(open) = rest.find("${") {
                text.push_str(&rest[..open]);
                text.push_str(fill);
                rest = rest[open..]
                    .find('}')
                    .map_or("", |close| &rest[open + close + 1..]);
            }
            text.push_str(rest);
            out.push(text.to_uppercase());
            out.push(format!("{text}:"));
            out.push(format!("{text}/k"));
            out.push(text.replacen(':', "::", 3));
            out.push(text);
        }
        out
    }

    /// A template read as a chain answers like the automaton and like the search, for every
    /// template of the catalog and ARNs made from them (M5–M7, Q6).
    #[test]
    fn m5_chained_templates_agree_with_the_automaton() {
        let cat = crate::catalog::catalog();
        let templates: Vec<&'static str> = cat
            .services()
            .flat_map(|s| s.resource_types())
            .flat_map(|t| t.arn_templates())
            .chain([
                "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
                "no-arn-template",
                "arn:${Partition}:x:${Unclosed",
                "arn:${A}${B}:x",
                "arn:${Partition}:x:${A}:y",
            ])
            .collect();
        let (mut chained, mut yes, mut no) = (0, 0, 0);
        for (n, template) in templates.iter().enumerate() {
            let compiled = CompiledTemplate::new(template);
            let Some(chain) = &compiled.chain else {
                continue;
            };
            chained += 1;
            let mut arns = arns_from(template);
            // Other templates' ARNs, so that most answers are no.
            if let Some(other) = templates.get((n * 7 + 3) % templates.len()) {
                arns.extend(arns_from(other));
            }
            for arn in &arns {
                let pattern = ArnPattern::new(arn);
                let Some(text) = &pattern.concrete else {
                    continue;
                };
                let tokens: Vec<Tok> = text.iter().map(|&b| Tok::Lit(b)).collect();
                let searched = intersects(&tokens, &compiled.tokens);
                if let Some(masks) = &compiled.masks {
                    assert_eq!(
                        accepts(text, &compiled.tokens, masks),
                        searched,
                        "{arn} {template}"
                    );
                }
                assert_eq!(chain.accepts(text), searched, "{arn} {template}");
                if searched {
                    yes += 1;
                } else {
                    no += 1;
                }
            }
        }
        // Most of the catalog (those with `/` between placeholders take the automaton).
        assert!(
            chained * 3 > templates.len() * 2,
            "{chained} of {}",
            templates.len()
        );
        assert!(yes > 1000 && no > 1000, "{yes} {no}");
        assert!(CompiledTemplate::new("arn:${Partition}:x:${Unclosed")
            .chain
            .is_none());
        assert!(CompiledTemplate::new("arn:${A}${B}:x").chain.is_none());
        assert!(CompiledTemplate::new("no-arn-template").chain.is_some());
    }

    /// The one-pass reading of an ARN finds what splitting it finds: the literal service segment,
    /// whether it is a pattern, and the head lowercased up to the fifth colon.
    #[test]
    fn m5_one_pass_arn_reading_agrees_with_splitting() {
        for arn in [
            "arn:aws:ecr:us-east-1:1:repository/web",
            "ARN:AWS:ECR:US-EAST-1:1:Repository/Web:X",
            "arn:aws:s3:::b",
            "arn:aws:e?r:us-east-1:1:r",
            "arn:aws:e$r:us-east-1:1:r",
            "arn:aws:ecr:us-east-1:1:repository/${aws:username}",
            "arn:aws:ecr:us-east-1:1:repository/$x",
            "arn:aws:ecr:*",
            "arn:aws",
            "arn:aws:",
            "arn:AWS:S3",
            "",
            "*",
            "arn:aws:ec2:us-east-1:1:instance/ÄB",
        ] {
            let read = ArnPattern::new(arn);
            let service = service_segment(arn).filter(|s| !s.contains(['*', '?', '$']));
            assert_eq!(read.literal_service, service, "{arn}");
            let pattern = arn.contains(['*', '?']) || arn.contains("${");
            assert_eq!(read.concrete.is_none(), pattern, "{arn}");
            if let Some(concrete) = &read.concrete {
                let tokens: Vec<Tok> = concrete.iter().map(|&b| Tok::Lit(b)).collect();
                assert_eq!(tokens, pattern_tokens(arn), "{arn}");
            }
        }
    }

    #[test]
    fn specificity_prefers_longer_literals() {
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        assert!(template_specificity(object) > template_specificity(bucket));
    }
}

//! ARNs: parsing, `Resource`/`NotResource` patterns (M4–M8) and the pattern rule of the ARN
//! condition operators (C10).

use super::cache::{cached_after_last, LastLookup, TextCache};
use super::variables::{has_variable, is_plain_as_written, Template, Unresolved};
use super::wildcard::{Pattern, Token};
use crate::bytes::{contains_any, has_ascii_uppercase, positions};
use crate::context::RequestContext;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

/// The six components of `arn:partition:service:region:account:resource`, split on the first
/// five colons; the resource part may itself contain `:` and `/` (M5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Reads an ARN; `None` when `text` does not start with `arn:` or has fewer than 6 parts.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let [arn, partition, service, region, account, resource] = split6(text)?;
        arn.eq_ignore_ascii_case("arn").then_some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }
}

/// Splits on the first five colons (a word at a time, [`positions`]: `splitn` costs several times
/// more, and every request resource and policy ARN goes through here).
pub fn split6(text: &str) -> Option<[&str; 6]> {
    let ([a, b, c, d, e], 5) = positions::<5>(text.as_bytes(), b':') else {
        return None;
    };
    // Each part is cut from the rest after the previous colon, at its length: one boundary
    // check per cut, where slicing `a + 1..b` out of the whole text checks both ends. The colon
    // is stripped without a check (`:` is ASCII, so what follows it starts a character).
    let (arn, rest) = text.split_at_checked(a)?;
    let (partition, rest) = rest.strip_prefix(':')?.split_at_checked(b - a - 1)?;
    let (service, rest) = rest.strip_prefix(':')?.split_at_checked(c - b - 1)?;
    let (region, rest) = rest.strip_prefix(':')?.split_at_checked(d - c - 1)?;
    let (account, rest) = rest.strip_prefix(':')?.split_at_checked(e - d - 1)?;
    Some([
        arn,
        partition,
        service,
        region,
        account,
        rest.strip_prefix(':')?,
    ])
}

thread_local! {
    static HEADS: RefCell<TextCache<Arc<Head>>> = RefCell::new(TextCache::default());
    static LAST_HEAD: LastLookup<Arc<Head>> = const { RefCell::new(None) };
}

/// An ARN's head (the text up to and including the fifth colon) as compiling reads it: the
/// patterns of its partition, service, region and account (folded), and what validation and the
/// lints check of it. The same few heads (`arn:aws:ecr:us-east-1:…:`) come back in policy after
/// policy, so each thread reads each head once.
#[derive(Debug)]
struct Head {
    patterns: [Pattern; 4],
    facts: HeadFacts,
    /// `arn` and the rest ASCII lowercase, no `*`, `?` or `$` (most heads): with a literal
    /// resource part, a request whose head is lowercase as written matches only its very text.
    plain_lowercase: bool,
}

/// What validation and the lints read of a six-part resource value's head, worked out when the
/// value is compiled so that they need not scan the value again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadFacts {
    /// The service part, as a range of the value (between its second and third colons).
    pub service: Range<usize>,
    pub partition_empty: bool,
    /// A `${` before the resource part.
    pub has_variable: bool,
    /// No `*`, `?` or `$` in the head.
    pub plain: bool,
    /// No ASCII capital letter in the head.
    pub lowercase: bool,
}

impl HeadFacts {
    /// The facts of `head`, a value's text up to and including its fifth colon.
    pub fn of(head: &str) -> HeadFacts {
        let bytes = head.as_bytes();
        let ([first, second, third, ..], _) = positions::<5>(bytes, b':');
        HeadFacts {
            service: second.saturating_add(1)..third,
            partition_empty: second == first.saturating_add(1),
            has_variable: has_variable(head),
            plain: !contains_any(bytes, b"*?$"),
            lowercase: !has_ascii_uppercase(bytes),
        }
    }
}

/// The head of a value by the text that it comes from (`prefix`, the value `written` up to its
/// fifth colon), from this thread's cache when it has read the same text (tried first: the
/// head it read last): its parts are cut only on a miss.
fn compile_head(written: &Arc<str>, prefix: &str) -> Arc<Head> {
    cached_after_last(
        &LAST_HEAD,
        &HEADS,
        prefix,
        || Arc::clone(written),
        || {
            let [_, partition, service, region, account, _] = split6(prefix).unwrap_or_default();
            Arc::new(Head {
                patterns: head_patterns([partition, service, region, account]),
                facts: HeadFacts::of(prefix),
                plain_lowercase: prefix.starts_with("arn:")
                    && prefix.is_ascii()
                    && !has_ascii_uppercase(prefix.as_bytes())
                    && !contains_any(prefix.as_bytes(), b"*?$"),
            })
        },
    )
}

fn head_patterns(parts: [&str; 4]) -> [Pattern; 4] {
    parts.map(|part| Pattern::new(part, true))
}

/// A request ARN's partition, service, region and account, ASCII-lowercased.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoldedHead<'a> {
    pub parts: [&'a str; 4],
    /// Whether the request's text up to its fifth colon was already lowercase ASCII (the
    /// parts are its own).
    pub as_written: bool,
}

/// Whether `Pattern::new(raw, _).is_match_all()`: only stars (no pattern built to find out).
fn is_all_stars(raw: &str) -> bool {
    !raw.is_empty() && raw.bytes().all(|b| b == b'*')
}

/// Whether the first part of a resource value, a glob compared ignoring case, matches `arn`.
fn first_part_matches_arn(first: &str) -> bool {
    // `arn` in any ASCII case (almost always as written): nothing more to test.
    if first.eq_ignore_ascii_case("arn") {
        return true;
    }
    // Other plain ASCII text folds as ASCII, so it cannot match: only a wildcard or non-ASCII
    // text needs a pattern.
    let plain_ascii = first.is_ascii() && !first.contains(['*', '?']);
    !plain_ascii && Pattern::new(first, true).matches("arn")
}

/// A compiled `Resource`/`NotResource` value.
#[derive(Clone, Debug)]
pub struct ResourcePattern {
    kind: ResourceKind,
}

#[derive(Clone, Debug)]
enum ResourceKind {
    /// `"*"`: every resource, including the `"*"` of actions without a resource type (M4).
    All,
    /// Six parts: `arn`, partition, service, region and account compared case-insensitively
    /// (M7, Q6), then the resource part, case-sensitive, where `*` spans `/` and `:` (M5).
    Full {
        /// `arn` (checked at compile time: `head_ok`), partition, service, region, account;
        /// shared by the values with the same head (see [`compile_head`]).
        head_ok: bool,
        head: Arc<Head>,
        /// The text up to and including the 5th colon, to show substituted patterns whole
        /// (empty for a fixed resource part, which is never substituted).
        prefix: String,
        resource: ResourcePart,
    },
    /// Fewer than six parts ending in `*`: the last part's trailing `*` runs past the colons,
    /// so `arn:aws:ec2:*` behaves like `arn:aws:ec2:*:*:*` (M6).
    Short { head: Vec<Pattern>, tail: Pattern },
    /// Not ARN-shaped (validation reports it): compared as a whole, case-sensitively.
    Other(Pattern),
}

#[derive(Clone, Debug)]
enum ResourcePart {
    /// No `*`, `?` or `$` (most values): compared as is with the written value's tail from
    /// `start`, shared with the value rather than copied.
    Literal {
        written: Arc<str>,
        start: usize,
    },
    Fixed(Pattern),
    /// Has policy variables: resolved per request (V2: only after the 5th colon).
    Template(Template),
}

impl ResourcePart {
    /// Whether a request's resource part matches a part without variables (a template, resolved
    /// per request, matches nothing here).
    fn fixed_matches(&self, resource: &str) -> bool {
        match self {
            ResourcePart::Literal { written, start } => written.get(*start..) == Some(resource),
            ResourcePart::Fixed(pattern) => pattern.matches(resource),
            ResourcePart::Template(_) => false,
        }
    }
}

/// How one resource pattern compared with the request resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceMatch {
    Yes,
    No,
    /// A variable could not be resolved: the entry matches nothing (V5).
    Unresolved(Unresolved),
}

impl ResourcePattern {
    /// Compiles a policy value. `substitute`: the policy version enables variables (G2).
    pub fn compile(raw: &str, substitute: bool) -> ResourcePattern {
        Self::compile_shared(&Arc::from(raw), substitute)
    }

    /// As [`Self::compile`], for a value already shared: a resource part kept as written
    /// shares the value instead of copying it.
    pub fn compile_shared(written: &Arc<str>, substitute: bool) -> ResourcePattern {
        let raw: &str = written;
        if is_all_stars(raw) {
            return ResourcePattern {
                kind: ResourceKind::All,
            };
        }
        // The first part, the head and the resource part are cut; the head's own parts only
        // when the head is compiled (see `compile_head`).
        let kind = match positions::<5>(raw.as_bytes(), b':') {
            ([first, .., fifth], 5) => {
                let a = raw.get(..first).unwrap_or("");
                let head_text = raw.get(..fifth + 1).unwrap_or("");
                let resource = raw.get(fifth + 1..).unwrap_or("");
                // Most resource parts hold no wildcard and no `$`: one scan tells, and their
                // pattern is their text.
                let resource = if !contains_any(resource.as_bytes(), b"*?$") {
                    ResourcePart::Literal {
                        written: Arc::clone(written),
                        start: fifth + 1,
                    }
                } else if is_plain_as_written(resource, substitute) {
                    ResourcePart::Fixed(Pattern::new(resource, false))
                } else {
                    let template = Template::parse(resource, substitute);
                    match template.plain_text() {
                        Some(text) => ResourcePart::Fixed(Pattern::new(&text, false)),
                        None => ResourcePart::Template(template),
                    }
                };
                // Only a template shows its prefix (with the substituted resource part).
                let prefix = match resource {
                    ResourcePart::Template(_) => head_text.to_string(),
                    ResourcePart::Literal { .. } | ResourcePart::Fixed(_) => String::new(),
                };
                ResourceKind::Full {
                    head_ok: first_part_matches_arn(a),
                    head: compile_head(written, head_text),
                    prefix,
                    resource,
                }
            }
            _ if raw.ends_with('*') && raw.contains(':') => {
                let mut parts: Vec<&str> = raw.split(':').collect();
                let tail = parts.pop().unwrap_or("*");
                ResourceKind::Short {
                    head: parts.into_iter().map(|p| Pattern::new(p, true)).collect(),
                    tail: Pattern::new(tail, true),
                }
            }
            _ => ResourceKind::Other(Pattern::new(raw, false)),
        };
        ResourcePattern { kind }
    }

    pub fn is_all(&self) -> bool {
        matches!(self.kind, ResourceKind::All)
    }

    /// Compares with the request resource. `resolved` receives the pattern after variable
    /// substitution when there were variables (explanations only).
    pub fn check(
        &self,
        request: &str,
        ctx: &RequestContext,
        resolved: Option<&mut Option<String>>,
    ) -> ResourceMatch {
        self.check_parsed(request, Arn::parse(request), ctx, resolved)
    }

    /// As [`Self::check`], with the request resource already read as an ARN (`Arn::parse`), so
    /// that a policy with many resource entries reads it once.
    pub fn check_parsed(
        &self,
        request: &str,
        request_arn: Option<Arn<'_>>,
        ctx: &RequestContext,
        resolved: Option<&mut Option<String>>,
    ) -> ResourceMatch {
        let yes = |b: bool| {
            if b {
                ResourceMatch::Yes
            } else {
                ResourceMatch::No
            }
        };
        match &self.kind {
            ResourceKind::All => ResourceMatch::Yes,
            // M4: a request resource "*" (no resource type) is matched only by a policy "*".
            _ if request == "*" => ResourceMatch::No,
            ResourceKind::Other(p) => yes(p.matches(request)),
            ResourceKind::Short { head, tail } => {
                let mut rest = request;
                for part in head {
                    let Some((segment, after)) = rest.split_once(':') else {
                        return ResourceMatch::No;
                    };
                    if !part.matches(segment) {
                        return ResourceMatch::No;
                    }
                    rest = after;
                }
                yes(request_arn.is_some() && tail.matches(rest))
            }
            ResourceKind::Full {
                head_ok,
                head,
                prefix,
                resource,
            } => {
                let Some(arn) = request_arn else {
                    return ResourceMatch::No;
                };
                let parts = [arn.partition, arn.service, arn.region, arn.account];
                if !*head_ok || !head.patterns.iter().zip(parts).all(|(p, s)| p.matches(s)) {
                    return ResourceMatch::No;
                }
                match resource {
                    ResourcePart::Literal { .. } | ResourcePart::Fixed(_) => {
                        yes(resource.fixed_matches(arn.resource))
                    }
                    ResourcePart::Template(t) => match t.resolve(ctx, true) {
                        Ok(r) => {
                            if let Some(out) = resolved {
                                *out = Some(format!("{prefix}{}", r.text));
                            }
                            yes(Pattern::from_tokens(r.tokens, false).matches(arn.resource))
                        }
                        Err(u) => ResourceMatch::Unresolved(u),
                    },
                }
            }
        }
    }

    /// Whether [`Self::check_parsed`] says `Yes`, with the request ARN's head (partition,
    /// service, region, account) already ASCII-lowercased when `head_folded` is given: the head
    /// patterns are stored folded, so plain comparisons give the same answer.
    pub fn matches_prepared(
        &self,
        request: &str,
        request_arn: Option<Arn<'_>>,
        head_folded: Option<FoldedHead<'_>>,
        ctx: &RequestContext,
    ) -> bool {
        if let ResourceKind::All = self.kind {
            return true;
        }
        if let (
            ResourceKind::Full {
                head_ok,
                head,
                resource: resource @ (ResourcePart::Literal { .. } | ResourcePart::Fixed(_)),
                ..
            },
            Some(arn),
            Some(folded),
        ) = (&self.kind, request_arn, head_folded)
        {
            // Both heads lowercase as written, no wildcard: the parts agree (each has no colon)
            // exactly when the whole texts do. One comparison instead of five.
            if let (true, true, ResourcePart::Literal { written, .. }) =
                (head.plain_lowercase, folded.as_written, resource)
            {
                return request == &**written;
            }
            return *head_ok
                && head
                    .patterns
                    .iter()
                    .zip(folded.parts)
                    .all(|(p, s)| p.matches_ascii_folded(s))
                && resource.fixed_matches(arn.resource);
        }
        self.check_parsed(request, request_arn, ctx, None) == ResourceMatch::Yes
    }

    /// What compiling read of a six-part value's head (`None` for other values).
    pub fn head_facts(&self) -> Option<&HeadFacts> {
        match &self.kind {
            ResourceKind::Full { head, .. } => Some(&head.facts),
            _ => None,
        }
    }

    /// Whether the value has six parts and no `*`, `?` or `$` after the fifth colon.
    pub fn has_literal_resource_part(&self) -> bool {
        matches!(
            self.kind,
            ResourceKind::Full {
                resource: ResourcePart::Literal { .. },
                ..
            }
        )
    }

    /// Variables this pattern reads.
    pub fn template(&self) -> Option<&Template> {
        match &self.kind {
            ResourceKind::Full {
                resource: ResourcePart::Template(t),
                ..
            } => Some(t),
            _ => None,
        }
    }
}

/// An ARN condition value after substitution (C10): six components compared separately and
/// case-sensitively; a `*` never crosses the first five colons.
#[derive(Clone, Debug)]
pub struct ArnConditionPattern {
    kind: ArnCondKind,
}

#[derive(Clone, Debug)]
enum ArnCondKind {
    /// `"*"`: any well-formed ARN.
    All,
    Parts(Box<[Pattern; 6]>),
    /// Not six components: matches nothing (C10).
    Malformed,
}

/// One comparison of an ARN operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArnCompare {
    Match,
    NoMatch,
    /// The request value or the policy value is not an ARN: no match for either polarity.
    Malformed,
}

impl ArnConditionPattern {
    /// From tokens: every `:` splits, whether written or substituted.
    pub fn from_tokens(tokens: &[Token]) -> ArnConditionPattern {
        if tokens.iter().all(|t| *t == Token::Star) && !tokens.is_empty() {
            return ArnConditionPattern {
                kind: ArnCondKind::All,
            };
        }
        let mut parts: Vec<Vec<Token>> = vec![Vec::new()];
        for t in tokens {
            match (t, parts.len()) {
                (Token::Lit(':'), n) if n < 6 => parts.push(Vec::new()),
                (t, _) => {
                    if let Some(last) = parts.last_mut() {
                        last.push(*t);
                    }
                }
            }
        }
        let kind = match <[Vec<Token>; 6]>::try_from(parts) {
            Ok(parts) => {
                ArnCondKind::Parts(Box::new(parts.map(|p| Pattern::from_tokens(p, false))))
            }
            Err(_) => ArnCondKind::Malformed,
        };
        ArnConditionPattern { kind }
    }

    pub fn compare(&self, request: &str) -> ArnCompare {
        let Some(arn) = Arn::parse(request) else {
            return ArnCompare::Malformed;
        };
        match &self.kind {
            ArnCondKind::All => ArnCompare::Match,
            ArnCondKind::Malformed => ArnCompare::Malformed,
            ArnCondKind::Parts(parts) => {
                // The first component as written (`arn`, in any case: C10 compares it as is).
                let first = request.get(..3).unwrap_or("arn");
                let values = [
                    first,
                    arn.partition,
                    arn.service,
                    arn.region,
                    arn.account,
                    arn.resource,
                ];
                if parts.iter().zip(values).all(|(p, v)| p.matches(v)) {
                    ArnCompare::Match
                } else {
                    ArnCompare::NoMatch
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::cache::KEPT;
    use super::*;

    /// M5, M7, Q6: a resource value's head from the per-thread cache is the head compiled
    /// afresh, on first use, on reuse, for heads that differ only in case, and after the cache
    /// was emptied for being full.
    #[test]
    fn m5_cached_heads_are_fresh_ones() {
        let values = [
            "arn:aws:ecr:us-east-1:111122223333:repository/web",
            "arn:aws:ecr:us-east-1:111122223333:repository/other",
            "ARN:AWS:ECR:US-EAST-1:111122223333:repository/web",
            "arn:aws:ecr:*:*:repository/*",
            "arn:aws:s3:::bucket/key",
            "arn:aws-cn:s3:::bucket",
            "arn:aws:e?r:us-*:1:x",
            "arn:äws:s3:::b",
        ];
        let check = |round: &str| {
            for value in values {
                let compiled = ResourcePattern::compile(value, true);
                let ResourceKind::Full { head, .. } = &compiled.kind else {
                    panic!("{value} is a full ARN");
                };
                let [_, p, s, r, a, _] = split6(value).expect("six parts");
                let fresh = head_patterns([p, s, r, a]);
                assert_eq!(
                    format!("{:?}", head.patterns),
                    format!("{fresh:?}"),
                    "{value} {round}"
                );
                let prefix_end = value.len() - split6(value).map_or(0, |p| p[5].len());
                assert_eq!(
                    head.facts,
                    HeadFacts::of(&value[..prefix_end]),
                    "{value} {round}"
                );
            }
        };
        check("first use");
        check("reuse");
        for i in 0..KEPT + 1 {
            ResourcePattern::compile(&format!("arn:aws:s3:{i}::b"), true);
        }
        check("after emptying");
    }

    /// M4–M7: the compile-time shortcuts answer as the patterns they skip building.
    #[test]
    fn m5_resource_shortcuts_agree_with_patterns() {
        for text in [
            "", "*", "**", "arn", "ARN", "aRn", "arn*", "a*", "*rn", "a?n", "?", "arnx", "ar",
            "ärn", "\u{212A}", "a*b", "* ",
        ] {
            assert_eq!(
                is_all_stars(text),
                Pattern::new(text, false).is_match_all(),
                "{text}"
            );
            assert_eq!(
                first_part_matches_arn(text),
                Pattern::new(text, true).matches("arn"),
                "{text}"
            );
        }
        assert!(first_part_matches_arn("ARN") && !first_part_matches_arn("arm"));
    }

    /// M5–M7: a resource part kept as the written value's shared tail matches, through both
    /// comparisons (`check` and the prepared one), exactly the requests the literal pattern of
    /// that part matches, the head compared as before.
    #[test]
    fn m5_shared_literal_parts_match_like_literal_patterns() {
        let parts = [
            "repository/web",
            "b/k:x:y",
            "é/ü",
            "K\u{212A}",
            "",
            "a b",
            "Web",
        ];
        let heads = [
            "arn:aws:ecr:us-east-1:111122223333:",
            "ARN:aws:s3:::",
            "arn:aws:s3:::",
            "arn:aws:S3:::",
            "arn:aws:s3:*:?:",
            "arn:aws:s3:$::",
        ];
        let requests = [
            "arn:aws:ecr:us-east-1:111122223333:",
            "arn:aws:s3:::",
            "arn:AWS:S3:::",
            "arn:aws:s3:eu-west-1:1:",
            "arn:aws:iam::1:",
        ];
        let ctx = RequestContext::new();
        let mut matched = 0;
        for head in heads {
            for part in parts {
                let value = format!("{head}{part}");
                let compiled = ResourcePattern::compile(&value, true);
                let ResourceKind::Full {
                    resource: ResourcePart::Literal { .. },
                    ..
                } = &compiled.kind
                else {
                    panic!("{value} keeps its resource part as written");
                };
                let head_only = format!("{head}*");
                let head_pattern = ResourcePattern::compile(&head_only, true);
                let literal = Pattern::literal(part, false);
                for request_head in requests {
                    for request_part in parts.iter().chain(&["repository/web/x", "REPOSITORY/web"])
                    {
                        let request = format!("{request_head}{request_part}");
                        let expected = head_pattern.check(&request, &ctx, None)
                            == ResourceMatch::Yes
                            && literal.matches(request_part);
                        let answer = compiled.check(&request, &ctx, None) == ResourceMatch::Yes;
                        assert_eq!(answer, expected, "{value} against {request}");
                        let arn = Arn::parse(&request);
                        let lower: Vec<String> = arn
                            .map(|a| [a.partition, a.service, a.region, a.account])
                            .into_iter()
                            .flatten()
                            .map(str::to_ascii_lowercase)
                            .collect();
                        // Lowercase as written: the fast comparison of whole texts applies.
                        let as_written = arn.is_some_and(|a| {
                            let head = &request[..request.len() - a.resource.len()];
                            !head.bytes().any(|b| b.is_ascii_uppercase())
                        });
                        let folded = match lower.as_slice() {
                            [p, s, r, a] => Some(FoldedHead {
                                parts: [p, s, r, a],
                                as_written,
                            }),
                            _ => None,
                        };
                        assert_eq!(
                            compiled.matches_prepared(&request, arn, folded, &ctx),
                            expected,
                            "{value} against {request}, prepared"
                        );
                        matched += usize::from(expected);
                    }
                }
            }
        }
        assert!(matched > 10, "{matched}");
    }

    /// M5/V2: a resource part without `*`, `?` or `$` compiles, under both versions, to the
    /// pattern of its text that the template and glob paths give.
    #[test]
    fn m5_plain_resource_parts_compile_like_the_template_path() {
        let mut plain = 0;
        for part in [
            "",
            "repository/web",
            "b/k:x:y",
            "é/ü",
            "K\u{212A}",
            "a b",
            "a*b",
            "a?",
            "${aws:username}",
            "$",
            "a$b",
            "{x}",
        ] {
            if contains_any(part.as_bytes(), b"*?$") {
                continue;
            }
            plain += 1;
            for substitute in [false, true] {
                let template = Template::parse(part, substitute);
                assert_eq!(template.plain_text().as_deref(), Some(part), "{part}");
                assert_eq!(
                    format!("{:?}", Pattern::literal(part, false)),
                    format!("{:?}", Pattern::new(part, false)),
                    "{part}"
                );
                let arn = format!("arn:aws:s3:::{part}");
                let compiled = ResourcePattern::compile(&arn, substitute);
                assert!(compiled.template().is_none(), "{arn}");
                let ctx = RequestContext::new();
                assert_eq!(
                    compiled.check(&arn, &ctx, None),
                    ResourceMatch::Yes,
                    "{arn}"
                );
            }
        }
        assert_eq!(plain, 7);
    }

    /// The plain path `split6` must agree with: `splitn` into six parts.
    fn splitn6(text: &str) -> Option<[&str; 6]> {
        let mut it = text.splitn(6, ':');
        Some([
            it.next()?,
            it.next()?,
            it.next()?,
            it.next()?,
            it.next()?,
            it.next()?,
        ])
    }

    /// M5: the first five colons split an ARN; later ones belong to the resource part.
    #[test]
    fn m5_split6_agrees_with_splitn() {
        for text in [
            "arn:aws:s3:::bucket/key",
            "arn:aws:ecr:us-east-1:111122223333:repository/web",
            "arn:aws:logs:us-east-1:1:log-group:name:*",
            "a:b:c:d:e:",
            ":::::",
            "arn:aws:s3",
            "",
            "é:ü:ß:😀:x:y:z",
        ] {
            let expected = splitn6(text);
            assert_eq!(split6(text), expected, "{text}");
        }
    }

    /// `split6` cuts each part at its length after the previous colon: for every choice of
    /// colon slots in texts of up to eleven characters (of one to four bytes, so cuts fall
    /// across words and next to multi-byte characters), it agrees with `splitn`.
    #[test]
    fn m5_split6_agrees_with_splitn_for_every_choice_of_colons() {
        let fillers = ["a", "é", "😀", "\u{3a3a}"];
        for slots in 0..=11 {
            for colons in 0u32..1 << slots {
                let text: String = (0..slots)
                    .map(|i| {
                        if colons >> i & 1 == 1 {
                            ":"
                        } else {
                            fillers[(i + slots) % fillers.len()]
                        }
                    })
                    .collect();
                assert_eq!(split6(&text), splitn6(&text), "{text:?}");
            }
        }
    }

    /// The word-at-a-time colon scan finds what a byte loop and `splitn` find, for colons at
    /// every position of texts across word boundaries, with non-ASCII characters around them.
    #[test]
    fn m5_colon_scan_agrees_with_a_byte_loop() {
        let pieces = [":", "a", "é", "::", "😀", "ab", ";", "\u{3a3a}"];
        let mut seed: u64 = 7;
        let mut texts: Vec<String> = Vec::new();
        for _ in 0..3000 {
            let mut text = String::new();
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let len = (seed >> 58) as usize;
            for k in 0..len {
                let pick = (seed >> (k % 50)) as usize % pieces.len();
                text.push_str(pieces[pick]);
            }
            texts.push(text);
        }
        let (mut five, mut fewer) = (0, 0);
        for text in &texts {
            let plain: Vec<usize> = text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b':')
                .map(|(i, _)| i)
                .take(5)
                .collect();
            let (cuts, found) = positions::<5>(text.as_bytes(), b':');
            assert_eq!(found, plain.len(), "{text:?}");
            assert_eq!(cuts.get(..found), Some(plain.as_slice()), "{text:?}");
            assert!(
                cuts.iter().skip(found).all(|&c| c == text.len()),
                "{text:?}"
            );
            let expected = splitn6(text);
            assert_eq!(split6(text), expected, "{text:?}");
            if found == 5 {
                five += 1;
            } else {
                fewer += 1;
            }
        }
        assert!(five > 100 && fewer > 100, "{five} {fewer}");
    }
}

//! Policy variables (V1–V5): `${key}`, `${key, 'default'}` and the escapes `${*}`, `${?}`,
//! `${$}`, parsed once into a [`Template`] and resolved per request.
//!
//! Substituted text is always literal (V3): a resolved value or an escape never acts as a
//! wildcard, so templates resolve to [`Token`]s rather than to a string that would be re-read.

use super::wildcard::{glob_tokens, literal_tokens, Token};
use crate::bytes::find_byte;
use crate::context::RequestContext;

/// A `${…}` reference to a context key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// The key as written (for display).
    pub key: String,
    /// ASCII-lowercased key, for the context lookup (C2, V1).
    pub key_lower: String,
    /// `${key, 'default'}` (V4).
    pub default: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    /// Policy text as written: wildcards in it keep their meaning where the context has them.
    Text(String),
    /// `${*}`, `${?}` or `${$}`: one literal character (V3).
    Escape(char),
    Var(Variable),
}

/// A policy string with its variables located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// A template after substitution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// Pattern tokens: `*`/`?` from the policy text are wildcards, substituted text is literal.
    pub tokens: Vec<Token>,
    /// The text after substitution, for explanations.
    pub text: String,
}

/// Why a template could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unresolved {
    /// The key that is missing (or multi-valued) and has no default.
    pub key: String,
    pub multi_valued: bool,
}

impl Unresolved {
    pub fn note(&self) -> String {
        if self.multi_valued {
            format!(
                "`${{{}}}` names a multi-valued key, which cannot be used as a variable (V1)",
                self.key
            )
        } else {
            format!(
                "`${{{}}}` is not in the request and has no default (V5)",
                self.key
            )
        }
    }
}

/// Whether `text` has a `${`: each `$` found a word at a time, then the byte after it
/// (`contains("${")` sets up a substring search, and a byte loop reads a byte a step: both cost
/// more for the short texts of a policy, most of which have no `$` at all).
pub fn has_variable(text: &str) -> bool {
    let mut rest = text.as_bytes();
    while let Some(at) = find_byte(rest, b'$') {
        rest = rest.get(at + 1..).unwrap_or_default();
        if rest.first() == Some(&b'{') {
            return true;
        }
    }
    false
}

/// Whether [`Template::parse`] of `text` is `text` itself, plain: variables are off, or there
/// is no `${`. Compilers take this shortcut to skip building a template only to read it back.
pub fn is_plain_as_written(text: &str, substitute: bool) -> bool {
    !substitute || !has_variable(text)
}

impl Template {
    /// Parses `text`. With `substitute == false` (Version 2008-10-17, or an element where
    /// variables are not allowed) the whole text stays as written (G2, V2).
    pub fn parse(text: &str, substitute: bool) -> Template {
        if is_plain_as_written(text, substitute) {
            return Template {
                pieces: vec![Piece::Text(text.to_string())],
            };
        }
        let mut pieces = Vec::new();
        let mut plain = String::new();
        let mut rest = text;
        loop {
            let Some(start) = rest.find("${") else {
                plain.push_str(rest);
                break;
            };
            let (before, from) = rest.split_at(start);
            let after = from.get(2..).unwrap_or("");
            let Some(end) = after.find('}') else {
                // Unterminated: the rest is plain text.
                plain.push_str(rest);
                break;
            };
            plain.push_str(before);
            let body = after.get(..end).unwrap_or("");
            rest = after.get(end + 1..).unwrap_or("");
            let piece = match body {
                "*" => Piece::Escape('*'),
                "?" => Piece::Escape('?'),
                "$" => Piece::Escape('$'),
                _ => Piece::Var(parse_variable(body)),
            };
            if !plain.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut plain)));
            }
            pieces.push(piece);
        }
        if !plain.is_empty() {
            pieces.push(Piece::Text(plain));
        }
        Template { pieces }
    }

    /// Whether anything depends on the request (variables) or needs token-level care (escapes).
    pub fn is_plain(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Text(_)))
    }

    /// The text when [`Template::is_plain`].
    pub fn plain_text(&self) -> Option<String> {
        self.is_plain().then(|| {
            self.pieces
                .iter()
                .filter_map(|p| match p {
                    Piece::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect()
        })
    }

    /// The variables referenced (for `missing_keys`).
    pub fn variables(&self) -> impl Iterator<Item = &Variable> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var(v) => Some(v),
            _ => None,
        })
    }

    /// Substitutes variables. `wildcards` says whether `*`/`?` in the policy's own text are
    /// wildcards (Resource, StringLike, ArnLike) or literal (StringEquals, Bool).
    pub fn resolve(&self, ctx: &RequestContext, wildcards: bool) -> Result<Resolved, Unresolved> {
        let mut tokens = Vec::new();
        let mut text = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => {
                    text.push_str(t);
                    if wildcards {
                        tokens.extend(glob_tokens(t));
                    } else {
                        tokens.extend(literal_tokens(t));
                    }
                }
                Piece::Escape(c) => {
                    text.push(*c);
                    tokens.push(Token::Lit(*c));
                }
                Piece::Var(v) => {
                    let value = v.value(ctx)?;
                    text.push_str(value);
                    tokens.extend(literal_tokens(value));
                }
            }
        }
        Ok(Resolved { tokens, text })
    }
}

impl Template {
    /// Whether `text` equals the template after substitution, with every character literal
    /// (StringEquals, Bool). Walks the pieces without allocating. With `fold`, compares
    /// ignoring case (the template's own text is compared folded too).
    pub fn equals(&self, ctx: &RequestContext, text: &str, fold: bool) -> Result<bool, Unresolved> {
        let mut rest = text;
        let mut ok = true;
        for piece in &self.pieces {
            let part: &str = match piece {
                Piece::Text(t) => t,
                Piece::Escape('*') => "*",
                Piece::Escape('?') => "?",
                Piece::Escape(_) => "$",
                Piece::Var(v) => v.value(ctx)?,
            };
            // Keep resolving after a mismatch: an unresolved variable decides the outcome (V5).
            if ok {
                match strip_prefix(rest, part, fold) {
                    Some(r) => rest = r,
                    None => ok = false,
                }
            }
        }
        Ok(ok && rest.is_empty())
    }
}

/// `text` without its prefix `prefix`, comparing folded when `fold`.
fn strip_prefix<'t>(text: &'t str, prefix: &str, fold: bool) -> Option<&'t str> {
    if !fold {
        return text.strip_prefix(prefix);
    }
    let mut chars = text.char_indices();
    for p in prefix.chars() {
        let (_, c) = chars.next()?;
        if super::wildcard::fold_char(c) != super::wildcard::fold_char(p) {
            return None;
        }
    }
    Some(
        chars
            .next()
            .map_or("", |(i, _)| text.get(i..).unwrap_or("")),
    )
}

impl Variable {
    /// The value to substitute: a single-valued key (V1), else the default (V4).
    fn value<'c>(&'c self, ctx: &'c RequestContext) -> Result<&'c str, Unresolved> {
        let found = ctx.get_lowercase(&self.key_lower);
        if let Some(v) = found.and_then(|v| v.single()) {
            return Ok(v);
        }
        match &self.default {
            Some(d) => Ok(d),
            None => Err(Unresolved {
                key: self.key.clone(),
                multi_valued: found.is_some(),
            }),
        }
    }
}

/// `key` or `key, 'default'` (V4). Lenient on spaces around the comma.
fn parse_variable(body: &str) -> Variable {
    let (key, default) = match body.split_once(',') {
        Some((key, rest)) => {
            let rest = rest.trim();
            match rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
                Some(default) if rest.len() >= 2 => (key.trim(), Some(default.to_string())),
                _ => (body.trim(), None),
            }
        }
        None => (body.trim(), None),
    };
    Variable {
        key: key.to_string(),
        key_lower: key.to_ascii_lowercase(),
        default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// V2: the word scan finds a `${` wherever it is (every position, across word boundaries,
    /// after other `$`), and not a `$` and a `{` apart, as `contains("${")` does.
    #[test]
    fn v2_dollar_scan_agrees_with_contains() {
        let mut found = 0;
        for len in [0, 1, 2, 15, 16, 17, 31, 33, 64] {
            for at in 0..len {
                for piece in ["${", "$", "{", "{$", "$x{", "$${", "$$", "ä"] {
                    let mut text = "a".repeat(len);
                    text.insert_str(at, piece);
                    assert_eq!(has_variable(&text), text.contains("${"), "{text}");
                    found += usize::from(has_variable(&text));
                }
            }
        }
        assert!(found > 100);
    }

    /// V2, G2: a text the shortcut calls plain parses to itself, plain; `has_variable` is
    /// `contains("${")`.
    #[test]
    fn v2_plain_as_written_texts_parse_to_themselves() {
        let mut both = [0, 0];
        for text in [
            "",
            "$",
            "{",
            "${",
            "$}",
            "a${b}",
            "${aws:username}",
            "x$y{z}",
            "home/${*}/",
            "$${a}",
            "arn:aws:s3:::bucket/*",
            "ä${x}",
            "}${",
        ] {
            assert_eq!(has_variable(text), text.contains("${"), "{text}");
            for substitute in [false, true] {
                let plain = is_plain_as_written(text, substitute);
                both[usize::from(plain)] += 1;
                if plain {
                    let parsed = Template::parse(text, substitute);
                    assert_eq!(parsed.plain_text().as_deref(), Some(text), "{text}");
                }
            }
        }
        assert!(both[0] > 0 && both[1] > 0);
    }
    use crate::context::ContextValue;

    fn ctx(pairs: &[(&str, &str)]) -> RequestContext {
        let mut c = RequestContext::new();
        for (k, v) in pairs {
            c.insert(*k, ContextValue::Single((*v).into()));
        }
        c
    }

    #[test]
    fn v4_default_after_comma_and_space() {
        let t = Template::parse("${aws:PrincipalTag/team, 'company-wide'}", true);
        assert_eq!(
            t.resolve(&ctx(&[]), false).map(|r| r.text),
            Ok("company-wide".into())
        );
        let c = ctx(&[("aws:principaltag/TEAM", "red")]);
        assert_eq!(t.resolve(&c, false).map(|r| r.text), Ok("red".into()));
    }

    #[test]
    fn v3_escapes_are_literal_tokens() {
        let t = Template::parse("a${*}b${?}${$}", true);
        let r = t.resolve(&ctx(&[]), true).expect("no variables to miss");
        assert_eq!(r.text, "a*b?$");
        assert!(r.tokens.iter().all(|t| matches!(t, Token::Lit(_))));
    }

    #[test]
    fn g2_no_substitution_keeps_text() {
        let t = Template::parse("home/${aws:username}/*", false);
        assert!(t.is_plain());
        assert_eq!(t.plain_text().as_deref(), Some("home/${aws:username}/*"));
    }

    #[test]
    fn unterminated_variable_is_text() {
        let t = Template::parse("a${aws:username", true);
        assert_eq!(t.plain_text().as_deref(), Some("a${aws:username"));
        let t = Template::parse("${aws:username}/x${y", true);
        let r = t
            .resolve(&ctx(&[("aws:username", "bo")]), true)
            .expect("resolves");
        assert_eq!(r.text, "bo/x${y");
    }

    #[test]
    fn equals_walks_pieces_without_allocating() {
        let t = Template::parse("team-${aws:username}${*}", true);
        let c = ctx(&[("aws:username", "Bo")]);
        assert_eq!(t.equals(&c, "team-Bo*", false), Ok(true));
        assert_eq!(t.equals(&c, "TEAM-bo*", true), Ok(true));
        assert_eq!(t.equals(&c, "team-Bo*x", false), Ok(false));
        assert_eq!(t.equals(&c, "team-B", false), Ok(false));
        assert!(Template::parse("x${missing}", true)
            .equals(&c, "y", false)
            .is_err());
    }

    #[test]
    fn v1_multi_valued_key_does_not_resolve() {
        let mut c = RequestContext::new();
        c.insert("aws:TagKeys", ContextValue::Multi(vec!["a".into()]));
        let t = Template::parse("${aws:TagKeys}", true);
        assert!(t.resolve(&c, false).is_err_and(|u| u.multi_valued));
    }
}

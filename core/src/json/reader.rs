//! The JSON grammar (RFC 8259), read without recursion: containers live on an explicit stack,
//! so hostile nesting costs heap, not call stack, and the depth limit is a plain check.

use super::cursor::Cursor;
use super::value::{Member, Value, ValueKind};
use super::{JsonDocument, MAX_DEPTH};
use crate::diagnostic::Diagnostic;
use crate::span::{Position, Span, Spanned};
use std::borrow::Cow;
use std::collections::HashSet;

/// Diagnostic codes of this module.
pub const SYNTAX_ERROR: &str = "json-syntax-error";
pub const DUPLICATE_KEY: &str = "duplicate-key";
pub const TOO_DEEP: &str = "json-too-deep";
pub const INVALID_UTF8: &str = "invalid-utf8";

/// Longest piece of user text quoted back in a message.
const QUOTE_LIMIT: usize = 40;

/// An open container waiting for its next element.
enum Frame {
    Array {
        start: Position,
        items: Vec<Value>,
    },
    Object {
        start: Position,
        members: Vec<Member>,
        /// The key of the member whose value is being read.
        key: Spanned<String>,
        seen: HashSet<String>,
    },
}

impl Frame {
    fn close(self, end: Position) -> Value {
        match self {
            Frame::Array { start, items } => Value {
                kind: ValueKind::Array(items),
                span: Span::new(start, end),
            },
            Frame::Object { start, members, .. } => Value {
                kind: ValueKind::Object(members),
                span: Span::new(start, end),
            },
        }
    }
}

pub(crate) fn read(text: &str) -> JsonDocument {
    let mut reader = Reader {
        cur: Cursor::new(text),
        diagnostics: Vec::new(),
    };
    let value = match reader.document() {
        Ok(value) => Some(value),
        Err(error) => {
            reader.diagnostics.push(error);
            None
        }
    };
    JsonDocument {
        value,
        diagnostics: reader.diagnostics,
    }
}

struct Reader<'a> {
    cur: Cursor<'a>,
    /// Findings that do not stop reading (duplicate keys).
    diagnostics: Vec<Diagnostic>,
}

/// How a char (or the end of the text) is named in a message.
fn describe(c: Option<char>) -> String {
    match c {
        None => "the end of the text".into(),
        Some('\n') | Some('\r') => "a line break".into(),
        Some('\t') => "a tab".into(),
        Some(c) if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        Some('`') => "a backquote".into(),
        Some(c) => format!("`{c}`"),
    }
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(QUOTE_LIMIT) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_string(),
    }
}

// The first error ends the read, so a large `Err` is built at most once: boxing it buys nothing.
#[allow(clippy::result_large_err)]
impl Reader<'_> {
    fn error_here(&self, message: String) -> Diagnostic {
        Diagnostic::error(SYNTAX_ERROR, message, Some(self.cur.char_span()))
    }

    /// "expected X, found Y" at the cursor; at the end of the text, "unexpected end of the text".
    fn expected(&self, what: &str) -> Diagnostic {
        let found = self.cur.peek_char();
        let message = match found {
            None => format!("unexpected end of the text: expected {what}"),
            Some(_) => format!("expected {what}, found {}", describe(found)),
        };
        self.error_here(message)
    }

    fn document(&mut self) -> Result<Value, Diagnostic> {
        self.cur.skip_whitespace();
        if self.cur.peek().is_none() {
            return Err(self.error_here("the text is empty: expected a JSON value".into()));
        }
        let mut stack: Vec<Frame> = Vec::new();
        'value: loop {
            self.cur.skip_whitespace();
            let mut value = match self.cur.peek() {
                Some(open @ (b'{' | b'[')) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(Diagnostic::error(
                            TOO_DEEP,
                            format!("the document nests deeper than {MAX_DEPTH} levels"),
                            Some(self.cur.char_span()),
                        ));
                    }
                    let start = self.cur.position();
                    self.cur.bump();
                    self.cur.skip_whitespace();
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.cur.peek() == Some(close) {
                        self.cur.bump();
                        let kind = if open == b'{' {
                            ValueKind::Object(Vec::new())
                        } else {
                            ValueKind::Array(Vec::new())
                        };
                        Value {
                            kind,
                            span: Span::new(start, self.cur.position()),
                        }
                    } else if open == b'[' {
                        stack.push(Frame::Array {
                            start,
                            items: Vec::new(),
                        });
                        continue 'value;
                    } else {
                        let mut seen = HashSet::new();
                        let key = self.key(&mut seen)?;
                        stack.push(Frame::Object {
                            start,
                            members: Vec::new(),
                            key,
                            seen,
                        });
                        continue 'value;
                    }
                }
                _ => self.scalar()?,
            };
            // Hand the finished value to its container; closing that container finishes
            // another value, so keep going until a `,` asks for the next element.
            loop {
                let Some(frame) = stack.last_mut() else {
                    self.cur.skip_whitespace();
                    if self.cur.peek().is_some() {
                        return Err(self.expected("the end of the text after the top-level value"));
                    }
                    return Ok(value);
                };
                let is_array = match frame {
                    Frame::Array { items, .. } => {
                        items.push(value);
                        true
                    }
                    Frame::Object { members, key, .. } => {
                        let key =
                            std::mem::replace(key, Spanned::new(String::new(), Span::default()));
                        members.push(Member {
                            key: Spanned::new(Cow::Owned(key.value), key.span),
                            value,
                        });
                        false
                    }
                };
                let (close, after) = if is_array {
                    (b']', "`,` or `]` after an array element")
                } else {
                    (b'}', "`,` or `}` after an object member")
                };
                self.cur.skip_whitespace();
                match self.cur.peek() {
                    Some(b',') => {
                        let comma = self.cur.char_span();
                        self.cur.bump();
                        self.cur.skip_whitespace();
                        if self.cur.peek() == Some(close) {
                            return Err(Diagnostic::error(
                                SYNTAX_ERROR,
                                format!("trailing `,` before `{}`", char::from(close)),
                                Some(comma),
                            )
                            .with_fix("remove the `,`"));
                        }
                        if let Frame::Object { key, seen, .. } = frame {
                            *key = self.key(seen)?;
                        }
                        continue 'value;
                    }
                    Some(c) if c == close => {
                        self.cur.bump();
                        let end = self.cur.position();
                        match stack.pop() {
                            Some(done) => value = done.close(end),
                            None => return Err(self.error_here("internal reader error".into())),
                        }
                    }
                    _ => return Err(self.expected(after)),
                }
            }
        }
    }

    /// Reads `"key"` and the `:` after it; records a duplicate without stopping (G1).
    fn key(&mut self, seen: &mut HashSet<String>) -> Result<Spanned<String>, Diagnostic> {
        self.cur.skip_whitespace();
        match self.cur.peek() {
            Some(b'"') => {}
            Some(b'\'') => {
                return Err(self
                    .error_here("keys must be in double quotes (`\"`), not single quotes".into()))
            }
            Some(b) if b.is_ascii_alphabetic() => {
                let word = self.peek_word();
                return Err(self
                    .error_here(format!(
                        "key `{}` must be in double quotes",
                        truncate(&word)
                    ))
                    .with_fix(format!("write `\"{}\"`", truncate(&word))));
            }
            _ => return Err(self.expected("a key in double quotes")),
        }
        let key = self.string()?;
        if !seen.insert(key.value.clone()) {
            self.diagnostics.push(
                Diagnostic::error(
                    DUPLICATE_KEY,
                    format!(
                        "duplicate key `{}`: a key may appear only once in an object",
                        truncate(&key.value)
                    ),
                    Some(key.span),
                )
                .with_fix("remove or merge one of the two members"),
            );
        }
        self.cur.skip_whitespace();
        if self.cur.peek() != Some(b':') {
            return Err(self.expected("`:` after the object key"));
        }
        self.cur.bump();
        Ok(key)
    }

    /// A string, number, `true`, `false` or `null` at the cursor.
    fn scalar(&mut self) -> Result<Value, Diagnostic> {
        let start = self.cur.position();
        let kind = match self.cur.peek() {
            Some(b'"') => {
                let s = self.string()?;
                return Ok(Value {
                    kind: ValueKind::String(s.value),
                    span: s.span,
                });
            }
            Some(b'-' | b'0'..=b'9') => ValueKind::Number(self.number()?),
            Some(b) if b.is_ascii_alphabetic() => {
                let word = self.peek_word();
                let kind = match word.as_str() {
                    "true" => ValueKind::Bool(true),
                    "false" => ValueKind::Bool(false),
                    "null" => ValueKind::Null,
                    _ => return Err(self.unquoted_word(&word)),
                };
                for _ in 0..word.len() {
                    self.cur.bump();
                }
                kind
            }
            Some(b'\'') => {
                return Err(self.error_here(
                    "strings must be in double quotes (`\"`), not single quotes".into(),
                ))
            }
            Some(b'/') => return Err(self.error_here("comments are not allowed in JSON".into())),
            _ => return Err(self.expected("a value")),
        };
        Ok(Value {
            kind,
            span: Span::new(start, self.cur.position()),
        })
    }

    /// The run of ASCII letters, digits and `_` at the cursor, without consuming it.
    fn peek_word(&self) -> String {
        let mut probe = self.cur.clone();
        let start = probe.offset();
        while let Some(b) = probe.peek() {
            if !(b.is_ascii_alphanumeric() || b == b'_') {
                break;
            }
            probe.bump();
        }
        probe.slice(start, probe.offset()).to_string()
    }

    fn unquoted_word(&self, word: &str) -> Diagnostic {
        let mut span = self.cur.char_span();
        let mut probe = self.cur.clone();
        for _ in 0..word.len() {
            probe.bump();
        }
        span.end = probe.position();
        let lower = word.to_ascii_lowercase();
        let literal = match lower.as_str() {
            "true" | "false" | "null" => Some(lower.clone()),
            "none" | "nil" => Some("null".to_string()),
            _ => None,
        };
        match literal {
            Some(literal) => Diagnostic::error(
                SYNTAX_ERROR,
                format!("`{word}` is not a JSON value"),
                Some(span),
            )
            .with_fix(format!("use `{literal}`")),
            None => Diagnostic::error(
                SYNTAX_ERROR,
                format!(
                    "unquoted text `{}`: strings must be in double quotes",
                    truncate(word)
                ),
                Some(span),
            )
            .with_fix(format!("write `\"{}\"`", truncate(word))),
        }
    }

    /// A number, kept as written. Grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<String, Diagnostic> {
        let start = self.cur.offset();
        if self.cur.peek() == Some(b'-') {
            self.cur.bump();
        }
        match self.cur.peek() {
            Some(b'0') => {
                self.cur.bump();
                if let Some(b'0'..=b'9') = self.cur.peek() {
                    return Err(
                        self.error_here("numbers cannot start with `0` followed by a digit".into())
                    );
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.expected("a digit after `-`")),
        }
        if self.cur.peek() == Some(b'.') {
            self.cur.bump();
            if !matches!(self.cur.peek(), Some(b'0'..=b'9')) {
                return Err(self.expected("a digit after the decimal point"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.cur.peek() {
            self.cur.bump();
            if let Some(b'+' | b'-') = self.cur.peek() {
                self.cur.bump();
            }
            if !matches!(self.cur.peek(), Some(b'0'..=b'9')) {
                return Err(self.expected("a digit in the exponent"));
            }
            self.digits();
        }
        Ok(self.cur.slice(start, self.cur.offset()).to_string())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.cur.peek() {
            self.cur.bump();
        }
    }

    /// A string at the cursor (which is on the opening quote), escapes decoded.
    fn string(&mut self) -> Result<Spanned<String>, Diagnostic> {
        let open = self.cur.char_span();
        let start = open.start;
        self.cur.bump();
        let mut out = String::new();
        let mut run_start = self.cur.offset();
        loop {
            match self.cur.peek() {
                None => {
                    return Err(Diagnostic::error(
                        SYNTAX_ERROR,
                        "unterminated string: expected a closing `\"`".to_string(),
                        Some(open),
                    ))
                }
                Some(b'"') => {
                    out.push_str(self.cur.slice(run_start, self.cur.offset()));
                    self.cur.bump();
                    return Ok(Spanned::new(out, Span::new(start, self.cur.position())));
                }
                Some(b'\\') => {
                    out.push_str(self.cur.slice(run_start, self.cur.offset()));
                    self.escape(&mut out)?;
                    run_start = self.cur.offset();
                }
                Some(b) if b < 0x20 => {
                    let found = describe(self.cur.peek_char());
                    return Err(self.error_here(format!(
                        "{found} inside a string: close the string with `\"` or escape it (`\\n`, `\\t`)"
                    )));
                }
                Some(_) => {
                    self.cur.bump();
                }
            }
        }
    }

    /// One escape sequence at the cursor (on the backslash). Surrogate pairs are joined; a lone
    /// surrogate is an error, since it cannot be a Rust string.
    fn escape(&mut self, out: &mut String) -> Result<(), Diagnostic> {
        let start = self.cur.position();
        self.cur.bump();
        let simple = match self.cur.peek() {
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            Some(b'/') => Some('/'),
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'u') => None,
            _ => {
                let found = self.cur.peek_char();
                let mut span = self.cur.char_span();
                span.start = start;
                let message = match found {
                    None => "unterminated string: expected a closing `\"`".to_string(),
                    Some(c) => format!(
                        "invalid escape `\\{c}`: use one of `\\\"` `\\\\` `\\/` `\\b` `\\f` `\\n` `\\r` `\\t` `\\uXXXX`"
                    ),
                };
                return Err(Diagnostic::error(SYNTAX_ERROR, message, Some(span)));
            }
        };
        if let Some(c) = simple {
            self.cur.bump();
            out.push(c);
            return Ok(());
        }
        self.cur.bump();
        let first = self.hex4(start)?;
        let code = if (0xD800..0xDC00).contains(&first) {
            // A high surrogate must be followed by `\u` and a low surrogate.
            let mut probe = self.cur.clone();
            let paired = probe.bump() == Some(b'\\') && probe.bump() == Some(b'u');
            if !paired {
                return Err(self.lone_surrogate(first, start));
            }
            self.cur = probe;
            let second = self.hex4(start)?;
            if !(0xDC00..0xE000).contains(&second) {
                return Err(self.lone_surrogate(first, start));
            }
            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else if (0xDC00..0xE000).contains(&first) {
            return Err(self.lone_surrogate(first, start));
        } else {
            first
        };
        match char::from_u32(code) {
            Some(c) => {
                out.push(c);
                Ok(())
            }
            None => Err(self.lone_surrogate(code, start)),
        }
    }

    fn lone_surrogate(&self, code: u32, start: Position) -> Diagnostic {
        Diagnostic::error(
            SYNTAX_ERROR,
            format!("lone surrogate `\\u{code:04x}` in a string: a high surrogate (`\\ud800`–`\\udbff`) must be followed by a low one (`\\udc00`–`\\udfff`)"),
            Some(Span::new(start, self.cur.position())),
        )
    }

    /// Four hex digits after `\u`.
    fn hex4(&mut self, escape_start: Position) -> Result<u32, Diagnostic> {
        let mut code = 0u32;
        for _ in 0..4 {
            let digit = self.cur.peek().and_then(|b| char::from(b).to_digit(16));
            match digit {
                Some(d) => {
                    code = code * 16 + d;
                    self.cur.bump();
                }
                None => {
                    let mut span = self.cur.char_span();
                    span.start = escape_start;
                    return Err(Diagnostic::error(
                        SYNTAX_ERROR,
                        "`\\u` must be followed by 4 hex digits".to_string(),
                        Some(span),
                    ));
                }
            }
        }
        Ok(code)
    }
}

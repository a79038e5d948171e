//! JSON colouring: a forgiving, single-pass tokenizer. The text is often half-typed, so nothing here
//! fails: an unterminated string ends at its line, a stray char is one `Invalid` token. No token
//! crosses a line break, so the renderer can cut tokens by line.

/// What a token is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A string followed by `:` (an object member's name).
    Key,
    String,
    Number,
    /// `true`, `false`, `null`.
    Literal,
    /// `{ } [ ] : ,`
    Punct,
    /// Anything JSON does not allow there (a bare word, a stray char).
    Invalid,
}

impl TokenKind {
    /// The CSS class of the token's span.
    pub fn class(self) -> &'static str {
        match self {
            TokenKind::Key => "tk-key",
            TokenKind::String => "tk-str",
            TokenKind::Number => "tk-num",
            TokenKind::Literal => "tk-lit",
            TokenKind::Punct => "tk-punct",
            TokenKind::Invalid => "tk-bad",
        }
    }
}

/// A token: its kind and byte range. Whitespace is not a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

/// The tokens of a text, in order, in one linear pass (each byte is looked at a bounded number of
/// times: the look-ahead for a key's `:` only crosses whitespace, which the main loop then skips).
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(text.len() / 4);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let start = i;
        let kind = match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'"' => {
                i = string_end(bytes, i + 1);
                let after = skip_whitespace(bytes, i);
                if bytes.get(after) == Some(&b':') {
                    TokenKind::Key
                } else {
                    TokenKind::String
                }
            }
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                i += 1;
                TokenKind::Punct
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while bytes.get(i).is_some_and(|c| {
                    c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-')
                }) {
                    i += 1;
                }
                TokenKind::Number
            }
            c if c.is_ascii_alphabetic() => {
                while bytes
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    i += 1;
                }
                match bytes.get(start..i).unwrap_or_default() {
                    b"true" | b"false" | b"null" => TokenKind::Literal,
                    _ => TokenKind::Invalid,
                }
            }
            _ => {
                // One whole char, so that the token ends on a char boundary.
                i += text
                    .get(i..)
                    .and_then(|rest| rest.chars().next())
                    .map_or(1, char::len_utf8);
                TokenKind::Invalid
            }
        };
        tokens.push(Token {
            kind,
            start,
            end: i,
        });
    }
    tokens
}

/// One past the closing quote of a string whose content starts at `i`, or the end of its line
/// when it is not closed there (JSON strings cannot hold a raw line break).
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => return i + 1,
            b'\n' => return i,
            b'\\' if bytes.get(i + 1).is_some_and(|&n| n != b'\n') => i += 2,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while bytes
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn colours_keys_strings_numbers_literals_and_punctuation() {
        assert_eq!(
            kinds(r#"{"Effect": "Allow", "n": -1.5e3, "b": [true, null]}"#),
            vec![
                (Punct, "{"),
                (Key, "\"Effect\""),
                (Punct, ":"),
                (String, "\"Allow\""),
                (Punct, ","),
                (Key, "\"n\""),
                (Punct, ":"),
                (Number, "-1.5e3"),
                (Punct, ","),
                (Key, "\"b\""),
                (Punct, ":"),
                (Punct, "["),
                (Literal, "true"),
                (Punct, ","),
                (Literal, "null"),
                (Punct, "]"),
                (Punct, "}"),
            ]
        );
    }

    #[test]
    fn a_key_may_have_whitespace_before_its_colon() {
        assert_eq!(kinds("\"k\"  \n : 1")[0], (Key, "\"k\""));
    }

    #[test]
    fn escaped_quotes_stay_inside_the_string() {
        assert_eq!(kinds(r#""a\"b" x"#)[0], (String, r#""a\"b""#));
        assert_eq!(kinds(r#""a\\" 1"#)[0], (String, r#""a\\""#));
    }

    #[test]
    fn an_unterminated_string_ends_at_its_line() {
        let text = "\"abc\n\"k\": 1";
        assert_eq!(
            kinds(text),
            vec![
                (String, "\"abc"),
                (Key, "\"k\""),
                (Punct, ":"),
                (Number, "1")
            ]
        );
        // A backslash at the end of a line does not swallow the line break.
        assert_eq!(kinds("\"a\\\n1")[0], (String, "\"a\\"));
    }

    #[test]
    fn stray_words_and_chars_are_invalid_and_end_on_char_boundaries() {
        assert_eq!(
            kinds("Allow é 😀"),
            vec![(Invalid, "Allow"), (Invalid, "é"), (Invalid, "😀")]
        );
    }

    #[test]
    fn no_token_crosses_a_line_break() {
        let text = "{\n \"a\": \"b\n\", tru\ne\n}";
        for t in tokenize(text) {
            assert!(!text[t.start..t.end].contains('\n'), "{t:?}");
        }
    }

    #[test]
    fn tokenizing_is_linear() {
        // A pathological text for a naive key look-ahead: many strings separated by whitespace.
        let text = "\"a\"     ".repeat(200_000);
        let started = std::time::Instant::now();
        assert_eq!(tokenize(&text).len(), 200_000);
        assert!(started.elapsed().as_secs_f64() < 2.0);
    }
}

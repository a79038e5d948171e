//! Never panic on input: arbitrary text and mutated valid policies through the JSON reader,
//! the policy parser and validation for every policy type. Spans must stay on char boundaries.

use iamsim_core::json;
use iamsim_core::policy::{parse_policy, validate, PolicyType};
use proptest::prelude::*;

const VALID: &str = r#"{
  "Version": "2012-10-17",
  "Id": "p",
  "Statement": [
    {"Sid": "A b", "Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:role/r"]},
     "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/${aws:username}/*",
     "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["a*", 1, true]}, "Null": {"k": "true"}}},
    {"Effect": "Deny", "NotPrincipal": "*", "NotAction": "iam:*", "NotResource": "*", "Condition": {"Bool": {"x": false}}}
  ]
}"#;

/// Pieces that make mutations reach deep into the grammar.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u",
    "\\ud800",
    "\\udc00",
    "*",
    "é",
    "😀",
    "\u{feff}",
    "\"Effect\"",
    "\"Allow\"",
    "\"allow\"",
    "\"Principal\"",
    "\"NotAction\"",
    "\"Condition\"",
    "\"StringEqual\"",
    "null",
    "1e999",
    "-",
    "\n",
    "\"Version\": \"2012-10-17\",",
];

fn check(text: &str) {
    let parsed = parse_policy(text);
    for d in &parsed.diagnostics {
        if let Some(span) = d.span {
            let (start, end) = (span.start.offset as usize, span.end.offset as usize);
            assert!(start <= end && end <= text.len(), "{d:?}");
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "{d:?}"
            );
            assert!(span.start.line >= 1 && span.start.column >= 1);
        }
    }
    if let Some(policy) = &parsed.policy {
        for (i, s) in policy.statements.iter().enumerate() {
            assert_eq!(s.index, i);
        }
        for ty in PolicyType::ALL {
            for d in validate(policy, ty) {
                assert!(d.statement.is_none_or(|i| i < policy.statements.len()));
            }
        }
    }
    let _ = json::parse_bytes(text.as_bytes());
}

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, usize),
    Replace(usize, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..20).prop_map(|(at, len)| Edit::Delete(at, len)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Edit::Insert(at, token)),
        (any::<usize>(), any::<char>()).prop_map(|(at, c)| Edit::Replace(at, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let n = chars.len().max(1);
        match *e {
            Edit::Delete(at, len) => {
                let at = at % n;
                let end = (at + len).min(chars.len());
                if at < end {
                    chars.drain(at..end);
                }
            }
            Edit::Insert(at, token) => {
                let at = at % (chars.len() + 1);
                let piece: Vec<char> = TOKENS.get(token).copied().unwrap_or("").chars().collect();
                chars.splice(at..at, piece);
            }
            Edit::Replace(at, c) => {
                if let Some(slot) = chars.get_mut(at % n) {
                    *slot = c;
                }
            }
        }
    }
    chars.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn json_shaped_text_never_panics(text in "[{}\\[\\],:\"a-zA-Z0-9 *\\\\u-]{0,120}") {
        check(&text);
    }

    #[test]
    fn mutated_valid_policies_never_panic(edits in prop::collection::vec(edit(), 1..8)) {
        check(&apply(VALID, &edits));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = json::parse_bytes(&bytes);
    }
}

#[test]
fn the_unmutated_policy_parses_cleanly() {
    let parsed = parse_policy(VALID);
    assert_eq!(parsed.diagnostics, []);
    assert_eq!(parsed.policy.map(|p| p.statements.len()), Some(2));
}

use super::*;

fn err(text: &str) -> (String, u32, u32) {
    let doc = parse(text);
    assert!(doc.value.is_none(), "expected an error for {text:?}");
    let d = doc.diagnostics.last().expect("a diagnostic");
    let span = d.span.expect("a span");
    (d.message.clone(), span.start.line, span.start.column)
}

#[test]
fn reads_values_with_spans() {
    let text = "{\n  \"a\": [1, true, null],\n  \"é\": \"x\"\n}";
    let doc = parse(text);
    assert!(doc.diagnostics.is_empty());
    let root = doc.value.expect("value");
    let members = root.as_object().expect("object");
    assert_eq!(members.len(), 2);
    let a = &members[0];
    assert_eq!((a.key.span.start.line, a.key.span.start.column), (2, 3));
    let items = a.value.as_array().expect("array");
    assert_eq!(items[1].kind, ValueKind::Bool(true));
    assert_eq!(
        (items[2].span.start.column, items[2].span.end.column),
        (18, 22)
    );
    // Columns count chars, offsets count bytes: `é` is 2 bytes.
    let x = &members[1].value;
    assert_eq!((x.span.start.line, x.span.start.column), (3, 8));
    assert_eq!(x.span.start.offset as usize, text.find("\"x\"").expect("x"));
    assert_eq!((root.span.end.line, root.span.end.column), (4, 2));
}

#[test]
fn syntax_errors_name_what_was_expected_and_where() {
    let table: &[(&str, &str, u32, u32)] = &[
        ("", "the text is empty: expected a JSON value", 1, 1),
        ("{\"a\": 1 \"b\": 2}", "expected `,` or `}` after an object member, found `\"`", 1, 9),
        ("[1 2]", "expected `,` or `]` after an array element, found `2`", 1, 4),
        ("{\"a\" 1}", "expected `:` after the object key, found `1`", 1, 6),
        ("{\"a\": 1,}", "trailing `,` before `}`", 1, 8),
        ("[1,\n]", "trailing `,` before `]`", 1, 3),
        ("{a: 1}", "key `a` must be in double quotes", 1, 2),
        ("{'a': 1}", "keys must be in double quotes (`\"`), not single quotes", 1, 2),
        ("{\"a\": Allow}", "unquoted text `Allow`: strings must be in double quotes", 1, 7),
        ("[True]", "`True` is not a JSON value", 1, 2),
        ("[01]", "numbers cannot start with `0` followed by a digit", 1, 3),
        ("[-]", "expected a digit after `-`, found `]`", 1, 3),
        ("[1.]", "expected a digit after the decimal point, found `]`", 1, 4),
        ("[1e+]", "expected a digit in the exponent, found `]`", 1, 5),
        ("{\"a\": 1", "unexpected end of the text: expected `,` or `}` after an object member", 1, 8),
        ("[\"abc", "unterminated string: expected a closing `\"`", 1, 2),
        ("[\"a\nb\"]", "a line break inside a string: close the string with `\"` or escape it (`\\n`, `\\t`)", 1, 4),
        ("[\"\\x\"]", "invalid escape `\\x`: use one of `\\\"` `\\\\` `\\/` `\\b` `\\f` `\\n` `\\r` `\\t` `\\uXXXX`", 1, 3),
        ("[\"\\u12\"]", "`\\u` must be followed by 4 hex digits", 1, 3),
        ("// c\n{}", "comments are not allowed in JSON", 1, 1),
        ("{} {}", "expected the end of the text after the top-level value, found `{`", 1, 4),
        ("\n\n  }", "expected a value, found `}`", 3, 3),
    ];
    for (text, message, line, column) in table {
        assert_eq!(
            err(text),
            (message.to_string(), *line, *column),
            "for {text:?}"
        );
    }
}

#[test]
fn g1_duplicate_keys_are_reported_and_reading_goes_on() {
    let doc = parse("{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}, \"a\": 3}");
    let root = doc.value.expect("duplicates do not stop reading");
    let dups: Vec<_> = doc
        .diagnostics
        .iter()
        .filter(|d| d.code == DUPLICATE_KEY)
        .collect();
    assert_eq!(dups.len(), 2);
    assert_eq!(
        dups[0].message,
        "duplicate key `c`: a key may appear only once in an object"
    );
    assert_eq!(dups[0].span.map(|s| s.start.column), Some(24));
    // The last member wins for `get`, and both are kept.
    assert_eq!(
        root.get("a").map(|v| v.kind.clone()),
        Some(ValueKind::Number("3".into()))
    );
    assert_eq!(root.as_object().map(<[Member]>::len), Some(3));
}

#[test]
fn nesting_is_limited_without_recursion() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse(&ok).value.is_some());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    let doc = parse(&deep);
    assert!(doc.value.is_none());
    assert_eq!(doc.diagnostics[0].code, TOO_DEEP);
    assert_eq!(
        doc.diagnostics[0].span.map(|s| s.start.column),
        Some(MAX_DEPTH as u32 + 1)
    );
    // A million brackets: an error, not a stack overflow.
    let hostile = "[".repeat(1_000_000);
    assert_eq!(parse(&hostile).diagnostics[0].code, TOO_DEEP);
}

#[test]
fn numbers_keep_their_text() {
    let huge = format!("[1e999999, -0.000, {}]", "9".repeat(500));
    let doc = parse(&huge);
    let items = doc.value.expect("value");
    let items = items.as_array().expect("array");
    assert_eq!(items[0].kind, ValueKind::Number("1e999999".into()));
    assert_eq!(items[1].scalar_text().as_deref(), Some("-0.000"));
    assert_eq!(items[2].scalar_text().map(|s| s.len()), Some(500));
}

#[test]
fn escapes_and_surrogate_pairs_decode() {
    let doc = parse(r#"["\"\\\/\b\f\n\r\t", "\u00e9\ud83d\ude00"]"#);
    let v = doc.value.expect("value");
    let items = v.as_array().expect("array");
    assert_eq!(items[0].as_str(), Some("\"\\/\u{8}\u{c}\n\r\t"));
    assert_eq!(items[1].as_str(), Some("é😀"));
}

#[test]
fn lone_surrogates_are_errors() {
    for text in [
        r#"["\ud800"]"#,
        r#"["\ud800x"]"#,
        r#"["\udc00"]"#,
        r#"["\ud800\u0041"]"#,
    ] {
        let (message, line, column) = err(text);
        assert!(message.starts_with("lone surrogate"), "{text}: {message}");
        assert_eq!((line, column), (1, 3));
    }
}

#[test]
fn bom_is_skipped_and_takes_no_column() {
    let doc = parse("\u{feff}{\"a\": 1}");
    let v = doc.value.expect("value");
    assert_eq!((v.span.start.column, v.span.start.offset), (1, 3));
}

#[test]
fn crlf_counts_as_one_line_break() {
    let doc = parse("{\r\n\"a\": 1}");
    let v = doc.value.expect("value");
    let key = &v.as_object().expect("object")[0].key;
    assert_eq!((key.span.start.line, key.span.start.column), (2, 1));
}

#[test]
fn invalid_utf8_is_reported_with_a_position() {
    let doc = parse_bytes(b"{\n  \"a\": \"\xff\"}");
    assert!(doc.value.is_none());
    let d = &doc.diagnostics[0];
    assert_eq!(d.code, INVALID_UTF8);
    let span = d.span.expect("span");
    assert_eq!(
        (span.start.line, span.start.column, span.start.offset),
        (2, 9, 10)
    );
    assert!(parse_bytes(b"\xff\xfe{\x00}\x00").diagnostics[0]
        .message
        .contains("UTF-16"));
    assert!(parse_bytes(b"{}").value.is_some());
}

#[test]
fn control_and_odd_characters_never_panic() {
    for text in [
        "\u{0}",
        "[\"\u{1}\"]",
        "{\"\\",
        "[\"\\u",
        "[\"\\ud800\\",
        "\u{feff}",
        "-",
        "[1,",
        "{\"a\":",
    ] {
        let doc = parse(text);
        assert!(doc.value.is_none(), "{text:?}");
        assert_eq!(doc.diagnostics.len(), 1, "{text:?}");
    }
}

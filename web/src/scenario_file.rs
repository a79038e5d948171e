//! Scenario files as the playground opens and saves them: pure text in, text out, so that every
//! rule (size limit, which scenario of a multi-scenario file, messages, file names, the saved
//! layout) is tested natively. The browser side (file pickers, downloads) is in `files.rs`.

use iamsim_core::scenario::{is_json_lines, read_json_line, Scenario, ScenarioError, FORMAT_V1};
use iamsim_core::span::Position;
use serde::de::{Deserialize, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde_json::Value;

/// Larger inputs are refused before they are parsed: a scenario is a few kilobytes, and parsing
/// many megabytes would freeze the tab.
pub const MAX_SCENARIO_BYTES: usize = 4 * 1024 * 1024;

/// How many unknown-field warnings an open names before summing up the rest.
const MAX_NAMED_WARNINGS: usize = 3;

/// A scenario read from a file or pasted text, with what the user should know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub scenario: Scenario,
    /// E.g. "the file holds 3 scenarios: opened the first".
    pub notes: Vec<String>,
}

/// Why an input is too large, or `None` when it is small enough to read.
pub fn too_large(source: &str, bytes: f64) -> Option<String> {
    (bytes > MAX_SCENARIO_BYTES as f64).then(|| {
        format!(
            "{source} is too large ({:.1} MB): a scenario file is at most {} MB",
            bytes / (1024.0 * 1024.0),
            MAX_SCENARIO_BYTES / (1024 * 1024)
        )
    })
}

/// Reads one scenario from `text`. `source` names the input in messages (e.g. "`x.json`",
/// "the pasted text"). A JSON array or JSON Lines file opens its first scenario and says so.
pub fn open_text(text: &str, source: &str) -> Result<Opened, String> {
    if let Some(message) = too_large(source, text.len() as f64) {
        return Err(message);
    }
    if let Some(hint) = not_a_scenario_hint(text) {
        return Err(format!("{source} is not a scenario: {hint}"));
    }
    let (first, count) = first_scenario(text);
    let first = first.map_err(|e| format!("{source} could not be read: {e}"))?;
    let mut notes = Vec::new();
    if count > 1 {
        notes.push(format!(
            "{source} holds {count} scenarios: opened the first (the iamsim CLI runs them all)"
        ));
    }
    // Unknown fields and another format stamp: kept, read as version 1; a few are named.
    let warnings = first.unknown_field_warnings();
    notes.extend(
        warnings
            .iter()
            .take(MAX_NAMED_WARNINGS)
            .map(|w| w.message.clone()),
    );
    if warnings.len() > MAX_NAMED_WARNINGS {
        notes.push(format!(
            "and {} more unknown fields, kept but not used",
            warnings.len() - MAX_NAMED_WARNINGS
        ));
    }
    Ok(Opened {
        scenario: first,
        notes,
    })
}

/// The first scenario of `text` (one scenario, a JSON array of them, or JSON Lines) and how many
/// there are. Reads with `from_str` only, never through `serde_json::Value`: a second deserializer
/// of the whole scenario format would cost the wasm bundle about 20 KB (measured).
fn first_scenario(text: &str) -> (Result<Scenario, ScenarioError>, usize) {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with('[') {
        return match serde_json::from_str::<FirstOfArray>(trimmed) {
            Ok(FirstOfArray(Some(first), count)) => (Ok(first), count),
            Ok(FirstOfArray(None, _)) => (Err(message("the array holds no scenario")), 0),
            // The position is in `trimmed`: leading blank lines are rare enough to ignore.
            Err(e) => (read_json_line_error(&e), 1),
        };
    }
    if is_json_lines(text) {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty());
        let count = lines.clone().count();
        return match lines.next() {
            Some((index, line)) => (read_json_line(line, index), count),
            None => (Err(message("the input is empty")), 0),
        };
    }
    if trimmed.trim_end().is_empty() {
        return (
            Err(message("the input is empty: expected a scenario object")),
            0,
        );
    }
    (read_json_line(text, 0), 1)
}

fn message(text: &str) -> ScenarioError {
    ScenarioError {
        message: text.into(),
        position: None,
    }
}

/// An array's syntax error, placed as core places errors.
fn read_json_line_error(e: &serde_json::Error) -> Result<Scenario, ScenarioError> {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    };
    Err(ScenarioError {
        message: format!("in the array: {message}"),
        position: (e.line() > 0).then(|| Position {
            line: e.line() as u32,
            column: e.column() as u32,
            offset: 0,
        }),
    })
}

/// A JSON array read as its first scenario and the number of elements (the others unread).
struct FirstOfArray(Option<Scenario>, usize);

impl<'de> Deserialize<'de> for FirstOfArray {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> Visitor<'de> for Visit {
            type Value = FirstOfArray;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array of scenarios")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FirstOfArray, A::Error> {
                let Some(first) = seq.next_element::<Scenario>()? else {
                    return Ok(FirstOfArray(None, 0));
                };
                let mut count = 1;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    count += 1;
                }
                Ok(FirstOfArray(Some(first), count))
            }
        }
        deserializer.deserialize_seq(Visit)
    }
}

/// A clearer message than the parser's "missing field `request`" for JSON that is valid but
/// plainly something else (a policy document above all).
fn not_a_scenario_hint(text: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    let object = match &value {
        Value::Object(o) => o,
        Value::Array(_) => return None,
        _ => return Some("expected a JSON object with `policies` and `request`".into()),
    };
    if object.contains_key("request") {
        return None;
    }
    if object.contains_key("Statement") {
        return Some(
            "it is a policy document; a scenario holds policies and a `request` (paste a policy into a policy's editor instead)"
                .into(),
        );
    }
    Some("it has no `request`".into())
}

/// Whether pasted text is a whole scenario rather than a policy: a JSON object with a `request`
/// that reads as a scenario. A policy document never has `request`, so this never fires on one.
pub fn pasted_scenario(text: &str) -> Option<Scenario> {
    let trimmed = text.trim();
    if !trimmed.starts_with('{')
        || !trimmed.contains("\"request\"")
        || too_large("", text.len() as f64).is_some()
    {
        return None;
    }
    let value: Value = serde_json::from_str(trimmed).ok()?;
    let object = value.as_object()?;
    if !object.contains_key("request")
        || !(object.contains_key("policies") || object.contains_key("format"))
    {
        return None;
    }
    // `from_str` again rather than `from_value`: see `first_scenario`.
    serde_json::from_str(trimmed).ok()
}

/// The scenario as a file: pretty-printed JSON with `format` set. A policy whose text is exactly
/// the pretty-printed form of a JSON object is written as that object (readable, and opening the
/// file shows the same text); any other text is written as a string, exactly as typed.
pub fn save_text(scenario: &Scenario) -> String {
    // Through `Value`, whose pretty printer the app has anyway: a pretty serializer of the whole
    // scenario format would add its own copy to the wasm bundle.
    let mut scenario = scenario.clone();
    scenario.format = FORMAT_V1.to_string();
    let mut value = serde_json::to_vec(&scenario)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .unwrap_or(Value::Null);
    if let Some(policies) = value.get_mut("policies").and_then(Value::as_object_mut) {
        for (key, member) in policies.iter_mut() {
            match key.as_str() {
                "identity" | "vpcEndpoint" => each_policy(member, 1),
                "scp" | "rcp" => each_policy(member, 2),
                "permissionsBoundary" | "session" | "resource" => each_policy(member, 0),
                _ => {}
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes the documents of the policies at `depth` levels of arrays under `member` as objects
/// where that is lossless.
fn each_policy(member: &mut Value, depth: usize) {
    match (depth, member) {
        (0, Value::Object(policy)) => {
            if let Some(document) = policy.get_mut("document") {
                as_object_when_lossless(document);
            }
        }
        (d, Value::Array(items)) if d > 0 => {
            for item in items {
                each_policy(item, d - 1);
            }
        }
        _ => {}
    }
}

fn as_object_when_lossless(document: &mut Value) {
    let Value::String(text) = document else {
        return;
    };
    let Ok(parsed @ Value::Object(_)) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if serde_json::to_string_pretty(&parsed).is_ok_and(|pretty| pretty == *text) {
        *document = parsed;
    }
}

/// A file name for the scenario: its name made safe for every file system, or "scenario".
pub fn file_name(name: Option<&str>) -> String {
    let mut out = String::new();
    for c in name.unwrap_or_default().chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if !out.ends_with('-') {
            // Spaces, slashes, colons, quotes and the like become one dash.
            out.push('-');
        }
        if out.chars().count() >= 80 {
            break;
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '.' || c == '_');
    let stem = if trimmed.is_empty() {
        "scenario"
    } else {
        trimmed
    };
    if stem.to_ascii_lowercase().ends_with(".json") {
        stem.to_string()
    } else {
        format!("{stem}.json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ONE: &str = r#"{"format":"iamsim/scenario@1","name":"one","request":{"principal":"anonymous","action":"s3:GetObject","resource":"*"}}"#;

    #[test]
    fn opens_one_scenario_without_notes() {
        let opened = open_text(ONE, "`a.json`").expect("a scenario");
        assert_eq!(opened.scenario.name.as_deref(), Some("one"));
        assert!(opened.notes.is_empty());
    }

    #[test]
    fn a_file_of_several_opens_the_first_and_says_so() {
        let two = ONE.replace("\"one\"", "\"two\"");
        for text in [format!("[{ONE},{two}]"), format!("{ONE}\n{two}\n")] {
            let opened = open_text(&text, "`many.json`").expect("scenarios");
            assert_eq!(opened.scenario.name.as_deref(), Some("one"));
            assert_eq!(
                opened.notes,
                vec!["`many.json` holds 2 scenarios: opened the first (the iamsim CLI runs them all)"]
            );
        }
    }

    #[test]
    fn arrays_are_read_to_their_first_scenario_only() {
        // The second element is not even a scenario: only the first is read.
        let opened = open_text(&format!("\n[{ONE}, 3, {{}}]"), "`a.json`").expect("the first");
        assert_eq!(opened.scenario.name.as_deref(), Some("one"));
        assert_eq!(opened.notes.len(), 1);
        assert!(opened.notes[0].contains("holds 3 scenarios"));
        let err = open_text("[]", "`a.json`").expect_err("empty array");
        assert_eq!(
            err,
            "`a.json` could not be read: the array holds no scenario"
        );
        let err = open_text("[{\"request\": 3}]", "`a.json`").expect_err("bad first");
        assert!(
            err.starts_with("`a.json` could not be read: in the array: invalid type"),
            "{err}"
        );
        assert!(err.ends_with("(line 1, column 14)"), "{err}");
        let err = open_text("[\n{", "`a.json`").expect_err("cut");
        assert!(err.contains("(line 2, column 1)"), "{err}");
    }

    #[test]
    fn json_lines_errors_are_placed_in_the_whole_file() {
        let err = open_text(&format!("\n\n{{\"request\": 3}}\n{ONE}\n"), "`a.jsonl`")
            .expect_err("a bad first line");
        assert!(
            err.contains("expected struct RequestSpec (line 3, column"),
            "{err}"
        );
    }

    #[test]
    fn invalid_json_is_reported_with_its_line_and_column() {
        let err = open_text("{\n  \"request\": {,\n}", "`bad.json`").expect_err("invalid");
        assert!(err.starts_with("`bad.json` could not be read: "), "{err}");
        assert!(err.contains("(line 2, column 15)"), "{err}");
    }

    #[test]
    fn a_policy_document_is_not_a_scenario() {
        let err = open_text(
            r#"{"Version":"2012-10-17","Statement":[]}"#,
            "the pasted text",
        )
        .expect_err("a policy");
        assert!(
            err.starts_with("the pasted text is not a scenario: it is a policy document"),
            "{err}"
        );
        let err = open_text("{\"name\": \"x\"}", "`x.json`").expect_err("no request");
        assert_eq!(err, "`x.json` is not a scenario: it has no `request`");
        let err = open_text("42", "`x.json`").expect_err("a number");
        assert!(err.contains("expected a JSON object"), "{err}");
        let err = open_text("  \n", "`x.json`").expect_err("empty");
        assert!(err.contains("empty"), "{err}");
    }

    #[test]
    fn too_large_inputs_are_refused_before_parsing() {
        let big = format!("{ONE}{}", " ".repeat(MAX_SCENARIO_BYTES));
        let err = open_text(&big, "`big.json`").expect_err("too large");
        assert_eq!(
            err,
            "`big.json` is too large (4.0 MB): a scenario file is at most 4 MB"
        );
        assert!(too_large("x", MAX_SCENARIO_BYTES as f64).is_none());
    }

    #[test]
    fn other_formats_and_unknown_fields_are_noted() {
        let text = ONE
            .replace("scenario@1", "scenario@2")
            .replace("\"name\"", "\"colour\":\"blue\",\"name\"");
        let opened = open_text(&text, "`new.json`").expect("readable");
        assert_eq!(
            opened.notes,
            vec![
                "unknown field `colour` in the scenario is kept but not used",
                "format `iamsim/scenario@2` is not `iamsim/scenario@1`; read as version 1"
            ]
        );
        let many = ONE.replace(
            "\"name\"",
            "\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"name\"",
        );
        let opened = open_text(&many, "`many.json`").expect("readable");
        assert_eq!(opened.notes.len(), 4);
        assert_eq!(
            opened.notes[3],
            "and 2 more unknown fields, kept but not used"
        );
    }

    #[test]
    fn pasted_text_is_a_scenario_only_with_a_request() {
        assert!(pasted_scenario(ONE).is_some());
        assert!(pasted_scenario(&format!("  \n{ONE}\n")).is_some());
        assert!(pasted_scenario(r#"{"Version":"2012-10-17","Statement":[]}"#).is_none());
        // A policy that merely mentions "request" in a value is not a scenario.
        assert!(pasted_scenario(r#"{"Statement":[{"Sid":"request"}]}"#).is_none());
        assert!(pasted_scenario(r#"{"request": 3, "policies": {}}"#).is_none());
        assert!(pasted_scenario("{\"request\": ").is_none());
    }

    fn scenario(value: Value) -> Scenario {
        serde_json::from_value(value).expect("a scenario")
    }

    #[test]
    fn saving_writes_pretty_objects_when_lossless_and_text_otherwise() {
        let pretty =
            serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": []}))
                .expect("json");
        let s = scenario(json!({
            "format": "older",
            "policies": {
                "identity": [{"name": "pretty", "document": pretty},
                             {"name": "typed", "document": "{\"Version\":\"2012-10-17\"}"},
                             {"name": "broken", "document": "{ \"Statement\": ["}],
                "scp": [[{"name": "root", "document": pretty}], []]
            },
            "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*"},
            "expect": "Allow",
            "extra": {"kept": true}
        }));
        let text = save_text(&s);
        assert!(text.ends_with("}\n"));
        let saved: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(saved["format"], FORMAT_V1);
        assert_eq!(
            saved["policies"]["identity"][0]["document"]["Version"],
            "2012-10-17"
        );
        assert_eq!(
            saved["policies"]["identity"][1]["document"],
            "{\"Version\":\"2012-10-17\"}"
        );
        assert_eq!(
            saved["policies"]["identity"][2]["document"],
            "{ \"Statement\": ["
        );
        assert!(saved["policies"]["scp"][0][0]["document"].is_object());
        assert_eq!(saved["policies"]["scp"][1], json!([]));
        assert_eq!(saved["expect"], "Allow");
        assert_eq!(saved["extra"], json!({"kept": true}));
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name(None), "scenario.json");
        assert_eq!(file_name(Some("")), "scenario.json");
        assert_eq!(file_name(Some("  ../../etc/passwd")), "etc-passwd.json");
        assert_eq!(file_name(Some("ECR: push & pull")), "ECR-push-pull.json");
        assert_eq!(file_name(Some("mine.JSON")), "mine.JSON");
        assert_eq!(file_name(Some("Überprüfung")), "Überprüfung.json");
        assert_eq!(file_name(Some(&"a".repeat(500))).len(), 85);
        assert_eq!(file_name(Some("a/\\:*?\"<>|b")), "a-b.json");
    }
}

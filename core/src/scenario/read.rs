//! Reading scenario input: one scenario, a JSON array of scenarios, or JSON Lines. A malformed
//! scenario becomes an error for that scenario alone; the others are still read.

mod fast;

use super::Scenario;
use crate::span::Position;
use serde::Serialize;

/// Why one scenario could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioError {
    pub message: String,
    /// Where in the input, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.position {
            Some(p) => write!(f, "{} (line {}, column {})", self.message, p.line, p.column),
            None => f.write_str(&self.message),
        }
    }
}

fn error_at(e: &serde_json::Error, line_offset: usize) -> ScenarioError {
    let position = (e.line() > 0).then(|| Position {
        line: (e.line() + line_offset) as u32,
        column: e.column() as u32,
        offset: 0,
    });
    // serde_json appends " at line L column C": the position is reported separately.
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    };
    ScenarioError { message, position }
}

/// Reads every scenario in `input`, in order.
pub fn read_scenarios(input: &str) -> Vec<Result<Scenario, ScenarioError>> {
    let trimmed = input.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if trimmed.starts_with('[') {
        return read_array(input);
    }
    if is_json_lines(input) {
        return input
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(n, line)| read_json_line(line, n))
            .collect();
    }
    if trimmed.is_empty() {
        return vec![Err(ScenarioError {
            message: "the input is empty: expected a scenario object".into(),
            position: None,
        })];
    }
    vec![read_one(input, 0)]
}

/// Reads one line of JSON Lines input; `line_index` (0-based) places errors in the whole input.
/// Lets a caller split JSON Lines across threads and read each line where it is evaluated.
pub fn read_json_line(line: &str, line_index: usize) -> Result<Scenario, ScenarioError> {
    read_one(line, line_index)
}

/// [`read_json_line`] into `slot`, which holds what was read before (a previous line's
/// scenario or error): the scenario is read where it stays, not built and moved (it is large),
/// and a previous scenario's strings lend their buffers. The result is the same.
pub fn read_json_line_into(
    line: &str,
    line_index: usize,
    slot: &mut Result<Scenario, ScenarioError>,
) {
    read_one_into(line, line_index, slot);
}

/// One scenario: the fast reader for plain well-formed text, serde for everything else (so
/// every error and its position are serde's).
fn read_one(text: &str, line_offset: usize) -> Result<Scenario, ScenarioError> {
    let mut result = Ok(fast::empty_scenario());
    read_into_empty(text, line_offset, &mut result);
    result
}

/// [`read_one`] into `slot`, in place.
fn read_one_into(text: &str, line_offset: usize, slot: &mut Result<Scenario, ScenarioError>) {
    match slot {
        Ok(scenario) => fast::clear_for_reuse(scenario),
        Err(_) => *slot = Ok(fast::empty_scenario()),
    }
    read_into_empty(text, line_offset, slot);
}

/// [`read_one`] into `slot`, which holds an empty scenario.
fn read_into_empty(text: &str, line_offset: usize, slot: &mut Result<Scenario, ScenarioError>) {
    if let Ok(scenario) = slot {
        if fast::read_scenario_into(text, scenario).is_some() {
            return;
        }
    }
    *slot = serde_json::from_str::<Scenario>(text).map_err(|e| error_at(&e, line_offset));
}

/// Whether `input` is JSON Lines: several non-empty lines, the first one a complete JSON value
/// (and not an array, which is read as a JSON array of scenarios).
pub fn is_json_lines(input: &str) -> bool {
    let trimmed = input.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    !trimmed.starts_with('[') && looks_like_json_lines(input)
}

/// JSON Lines when there are several non-empty lines and the first one is a complete JSON value.
fn looks_like_json_lines(input: &str) -> bool {
    let mut lines = input.lines().filter(|l| !l.trim().is_empty());
    match (lines.next(), lines.next()) {
        (Some(first), Some(_)) => serde_json::from_str::<serde::de::IgnoredAny>(first).is_ok(),
        _ => false,
    }
}

fn read_array(input: &str) -> Vec<Result<Scenario, ScenarioError>> {
    match serde_json::from_str::<Vec<serde_json::Value>>(input) {
        Ok(values) => values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                serde_json::from_value::<Scenario>(v).map_err(|e| ScenarioError {
                    message: format!("scenario {} of the array: {e}", i + 1),
                    position: None,
                })
            })
            .collect(),
        Err(e) => vec![Err(error_at(&e, 0))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"{"format":"iamsim/scenario@1","request":{"principal":"anonymous","action":"s3:GetObject","resource":"*"}}"#;

    #[test]
    fn reads_one_array_and_json_lines() {
        assert_eq!(read_scenarios(ONE).len(), 1);
        assert_eq!(read_scenarios(&format!("[{ONE},{ONE}]")).len(), 2);
        let lines = format!("{ONE}\n\n{ONE}\n{ONE}\n");
        let all = read_scenarios(&lines);
        assert_eq!(all.len(), 3);
        assert!(all.iter().all(Result::is_ok));
    }

    #[test]
    fn a_bad_line_does_not_stop_the_others() {
        let lines = format!("{ONE}\n{{\"request\": 3}}\n{ONE}\n");
        let all = read_scenarios(&lines);
        assert_eq!(all.len(), 3);
        assert!(all[0].is_ok() && all[2].is_ok());
        let err = all[1].as_ref().expect_err("line 2 is malformed");
        assert_eq!(err.position.map(|p| p.line), Some(2));
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let all = read_scenarios("{\n  \"request\": {\n    \"action\": \"x\",,\n  }\n}");
        let err = all[0].as_ref().expect_err("bad json");
        assert_eq!(err.position.map(|p| p.line), Some(3));
    }
}

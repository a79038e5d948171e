//! Share links: a whole scenario in a URL fragment, so sharing needs no server and the scenario
//! never reaches one (browsers do not send the fragment).
//!
//! The fragment is `s=<payload>&v=<iamsim version>`: `payload` is base64url without padding
//! (RFC 4648 §5) of the raw DEFLATE stream (RFC 1951, no zlib or gzip header) of the scenario's
//! compact JSON text in UTF-8. The scenario's own `format` field (`iamsim/scenario@1`) stamps the
//! format version; `v` names the iamsim that made the link. Readers ignore parameters they do not
//! know, so both can grow.
//!
//! Reading is bounded: a fragment longer than [`MAX_FRAGMENT_CHARS`] is refused before any
//! decoding, and inflation stops at [`MAX_SCENARIO_BYTES`], so a hostile link cannot freeze a tab.

mod base64url;

use super::{Scenario, FORMAT_V1};
use miniz_oxide::inflate::{decompress_to_vec_with_limit, TINFLStatus};
use serde_json::Value;
use std::fmt;

/// The engine version written into links (`v=`).
pub const IAMSIM_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Fragments longer than this are refused without decoding (1 MiB of text; browsers accept
/// about 2 MB in an address, chat tools far less).
pub const MAX_FRAGMENT_CHARS: usize = 1 << 20;

/// The largest scenario a link may inflate to. Scenarios are a few KB; this leaves room for
/// large SCP sets while keeping a "zip bomb" link harmless.
pub const MAX_SCENARIO_BYTES: usize = 8 << 20;

/// DEFLATE level: the best ratio; a scenario of a few KB compresses in well under a millisecond.
const LEVEL: u8 = 9;

const SCENARIO_PARAM: &str = "s";
const VERSION_PARAM: &str = "v";
const FORMAT_PREFIX: &str = "iamsim/scenario@";

/// The URL fragment (without `#`) that carries `scenario`.
pub fn encode_fragment(scenario: &Scenario) -> String {
    // A `Scenario` holds only strings, maps and JSON values: serializing it cannot fail.
    let json = serde_json::to_vec(scenario).unwrap_or_default();
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, LEVEL);
    format!(
        "{SCENARIO_PARAM}={}&{VERSION_PARAM}={IAMSIM_VERSION}",
        base64url::encode(&deflated)
    )
}

/// A scenario read from a link, with what the reader should know about it.
#[derive(Clone, Debug, PartialEq)]
pub struct SharedLink {
    pub scenario: Scenario,
    /// The iamsim version that made the link (`v=`), when given.
    pub made_with: Option<String>,
    /// Things worth telling the user: a newer maker or format, fields kept but not understood.
    pub notes: Vec<String>,
}

/// Why a link could not be read. Each message is one sentence a person can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The fragment has no `s=` parameter.
    NoScenario,
    /// The `s=` parameter is empty.
    Empty,
    TooLong {
        chars: usize,
    },
    /// A character that base64url does not use, at this index of the payload.
    BadCharacter {
        index: usize,
        found: char,
    },
    /// The data ends early: the link was cut.
    Truncated,
    /// The data is not a DEFLATE stream (the link was altered).
    Corrupt,
    TooLarge,
    NotText,
    /// The inflated text is not JSON.
    NotJson {
        message: String,
        line: usize,
        column: usize,
    },
    /// JSON, but not a scenario this iamsim can read.
    NotAScenario {
        message: String,
    },
    /// A format this iamsim does not know and could not read.
    UnsupportedFormat {
        format: String,
        message: String,
    },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::NoScenario => f.write_str("the link holds no scenario (no `s=` in its fragment)"),
            LinkError::Empty => f.write_str("the link's scenario data is empty: the link was cut after `#s=`"),
            LinkError::TooLong { chars } => write!(
                f,
                "the link is too long to open ({chars} characters; the limit is {MAX_FRAGMENT_CHARS}): share the scenario file instead"
            ),
            LinkError::BadCharacter { index, found } => write!(
                f,
                "the link was altered: character {} of its scenario data is `{}`, which a share link never contains",
                index + 1,
                found.escape_default()
            ),
            LinkError::Truncated => f.write_str(
                "the link is cut short: its scenario data ends too early (was it truncated when it was copied or sent?)",
            ),
            LinkError::Corrupt => f.write_str(
                "the link was altered or damaged: its scenario data does not decompress",
            ),
            LinkError::TooLarge => write!(
                f,
                "the link's scenario is larger than {} MB once decompressed: refused",
                MAX_SCENARIO_BYTES >> 20
            ),
            LinkError::NotText => f.write_str("the link was altered: its scenario data is not UTF-8 text"),
            LinkError::NotJson { message, line, column } => write!(
                f,
                "the link's scenario is not valid JSON: {message} (line {line}, column {column})"
            ),
            LinkError::NotAScenario { message } => write!(f, "the link's data is not an iamsim scenario: {message}"),
            LinkError::UnsupportedFormat { format, message } => write!(
                f,
                "the link was made for scenario format `{format}`, which this iamsim ({IAMSIM_VERSION}) cannot read: {message}; open it with a newer iamsim"
            ),
        }
    }
}

impl std::error::Error for LinkError {}

/// The value of parameter `name` in a fragment (`a=1&b=2`), with or without the leading `#`.
fn param<'f>(fragment: &'f str, name: &str) -> Option<&'f str> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// Whether a fragment (with or without `#`) carries a shared scenario.
pub fn is_share_fragment(fragment: &str) -> bool {
    param(fragment, SCENARIO_PARAM).is_some()
}

/// Reads the scenario a fragment carries. Never panics; the work is bounded by
/// [`MAX_FRAGMENT_CHARS`] and [`MAX_SCENARIO_BYTES`].
pub fn decode_fragment(fragment: &str) -> Result<SharedLink, LinkError> {
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(LinkError::TooLong {
            chars: fragment.chars().count(),
        });
    }
    let payload = param(fragment, SCENARIO_PARAM).ok_or(LinkError::NoScenario)?;
    if payload.trim().is_empty() {
        return Err(LinkError::Empty);
    }
    let deflated = base64url::decode(payload).map_err(|e| match e {
        base64url::DecodeError::BadCharacter { index, found } => {
            LinkError::BadCharacter { index, found }
        }
        base64url::DecodeError::Truncated => LinkError::Truncated,
    })?;
    let json = decompress_to_vec_with_limit(&deflated, MAX_SCENARIO_BYTES).map_err(|e| {
        match e.status {
            // The stream stopped before its final block: the link was cut.
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                LinkError::Truncated
            }
            TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            _ => LinkError::Corrupt,
        }
    })?;
    let text = String::from_utf8(json).map_err(|_| LinkError::NotText)?;
    let made_with = param(fragment, VERSION_PARAM)
        .map(str::to_string)
        .filter(|v| !v.is_empty());
    let (scenario, mut notes) = read_scenario(&text)?;
    if let Some(note) = made_with.as_deref().and_then(newer_maker_note) {
        notes.insert(0, note);
    }
    Ok(SharedLink {
        scenario,
        made_with,
        notes,
    })
}

/// Reads the inflated JSON as a scenario, reading newer formats when their fields still fit.
fn read_scenario(text: &str) -> Result<(Scenario, Vec<String>), LinkError> {
    let value: Value = serde_json::from_str(text).map_err(|e| LinkError::NotJson {
        message: message_of(&e),
        line: e.line(),
        column: e.column(),
    })?;
    let format = match value.get("format") {
        None => FORMAT_V1.to_string(),
        Some(Value::String(format)) => format.clone(),
        Some(other) => {
            return Err(LinkError::NotAScenario {
                message: format!("its `format` is {other}, not a text such as `{FORMAT_V1}`"),
            })
        }
    };
    let format_version = format
        .strip_prefix(FORMAT_PREFIX)
        .map(|v| v.parse::<u32>().ok());
    let mut notes = Vec::new();
    match format_version {
        None => {
            return Err(LinkError::NotAScenario {
                message: format!("its `format` is `{format}`, expected `{FORMAT_V1}`"),
            })
        }
        Some(Some(1)) => {}
        Some(Some(0)) | Some(None) => {
            return Err(LinkError::NotAScenario {
                message: format!("its `format` is `{format}`, expected `{FORMAT_V1}`"),
            })
        }
        Some(Some(_newer)) => notes.push(format!(
            "the link uses scenario format `{format}`, newer than this iamsim's `{FORMAT_V1}`: it was read as `{FORMAT_V1}`, and fields this version does not know are kept but have no effect"
        )),
    }
    let newer = notes.len() == 1;
    let scenario: Scenario = serde_json::from_value(value).map_err(|e| {
        let message = message_of(&e);
        if newer {
            LinkError::UnsupportedFormat {
                format: format.clone(),
                message,
            }
        } else {
            LinkError::NotAScenario { message }
        }
    })?;
    let unknown: Vec<String> = scenario
        .unknown
        .keys()
        .chain(scenario.policies.unknown.keys())
        .chain(scenario.request.unknown.keys())
        .map(|k| format!("`{k}`"))
        .collect();
    if !unknown.is_empty() {
        notes.push(format!(
            "fields this iamsim does not know were kept but have no effect: {}",
            unknown.join(", ")
        ));
    }
    Ok((scenario, notes))
}

/// serde_json's message without its trailing " at line L column C" (reported separately).
fn message_of(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// A note when the link was made by a newer iamsim than this one.
fn newer_maker_note(made_with: &str) -> Option<String> {
    let newer = version_key(made_with)? > version_key(IAMSIM_VERSION)?;
    newer.then(|| {
        format!(
            "the link was made with iamsim {made_with}, newer than this one ({IAMSIM_VERSION}): decisions can differ where the engine changed"
        )
    })
}

/// `major.minor.patch` as numbers (a pre-release suffix is ignored).
fn version_key(version: &str) -> Option<(u64, u64, u64)> {
    let core = version.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

/// Where common chat tools stop accepting a message, in characters, with their names.
const CHAT_LIMITS: [(usize, &str); 3] = [
    (2_000, "a Discord message and many older tools"),
    (4_000, "a Slack message without splitting"),
    (28_000, "a Microsoft Teams message"),
];

/// Advice on a link's length in characters; `None` when short enough for common chat tools.
pub fn length_advice(chars: usize) -> Option<String> {
    let exceeded: Vec<&(usize, &str)> = CHAT_LIMITS.iter().filter(|(l, _)| chars > *l).collect();
    let (limit, tool) = exceeded.last()?;
    let advice = if chars > CHAT_LIMITS[CHAT_LIMITS.len() - 1].0 {
        "share the scenario file instead"
    } else {
        "it may be cut when pasted there: check that it opens, or share the scenario file"
    };
    Some(format!(
        "the link is {chars} characters long, more than the about {limit} that fit in {tool}: {advice}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::read_scenarios;

    fn example() -> Scenario {
        let text = r#"{
          "format": "iamsim/scenario@1",
          "name": "CI pushes to web — ünïcode ✓",
          "policies": {
            "identity": [{"name": "PushWeb", "document": "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ecr:PutImage\", \"Resource\": \"*\"}]\n}"}],
            "scp": [[{"name": "FullAWSAccess", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}], []]
          },
          "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "ecr:PutImage",
            "resource": "arn:aws:ecr:us-east-1:111122223333:repository/web",
            "context": {"aws:SourceIp": "203.0.113.7", "aws:TagKeys": ["team"]}
          },
          "expect": "ImplicitDeny",
          "x-editor": {"kept": true}
        }"#;
        read_scenarios(text)
            .pop()
            .and_then(Result::ok)
            .expect("example scenario")
    }

    fn payload(fragment: &str) -> &str {
        param(fragment, SCENARIO_PARAM).expect("payload")
    }

    #[test]
    fn round_trip_restores_exactly_what_was_shared() {
        let scenario = example();
        let fragment = encode_fragment(&scenario);
        assert!(fragment.starts_with("s="));
        assert!(fragment.ends_with(&format!("&v={IAMSIM_VERSION}")));
        assert!(is_share_fragment(&fragment) && is_share_fragment(&format!("#{fragment}")));
        let link = decode_fragment(&format!("#{fragment}")).expect("decodes");
        assert_eq!(link.scenario, scenario);
        assert_eq!(link.made_with.as_deref(), Some(IAMSIM_VERSION));
        // The unknown field is kept and reported, never an error.
        assert_eq!(
            link.scenario.unknown.get("x-editor"),
            scenario.unknown.get("x-editor")
        );
        assert!(link.notes.iter().any(|n| n.contains("`x-editor`")));
    }

    #[test]
    fn the_encoding_is_the_documented_one() {
        // Independent of our encoder: raw DEFLATE of the JSON text, base64url, no padding.
        let json =
            br#"{"request":{"principal":"anonymous","action":"s3:GetObject","resource":"*"}}"#;
        let deflated = miniz_oxide::deflate::compress_to_vec(json, 1);
        let fragment = format!("s={}", base64url::encode(&deflated));
        let link = decode_fragment(&fragment).expect("a hand-made link decodes");
        assert_eq!(link.scenario.request.action, "s3:GetObject");
        assert_eq!(link.scenario.format, FORMAT_V1);
        assert_eq!(link.made_with, None);
        assert!(link.notes.is_empty());
    }

    #[test]
    fn other_parameters_are_ignored() {
        let fragment = format!("theme=dark&{}&later=1", encode_fragment(&example()));
        assert_eq!(
            decode_fragment(&fragment).map(|l| l.scenario),
            Ok(example())
        );
    }

    #[test]
    fn every_cut_of_a_link_gives_an_error_never_a_panic_or_a_wrong_scenario() {
        let fragment = encode_fragment(&example());
        let payload = payload(&fragment).to_string();
        for cut in 0..payload.len() {
            let result = decode_fragment(&format!("s={}", &payload[..cut]));
            let error = result.expect_err("a cut link never decodes");
            assert!(
                matches!(
                    error,
                    LinkError::Empty | LinkError::Truncated | LinkError::Corrupt
                ),
                "cut at {cut}: {error:?}"
            );
        }
    }

    #[test]
    fn a_tampered_link_is_refused_with_a_message() {
        let fragment = encode_fragment(&example());
        let payload = payload(&fragment);
        let bad_char = format!("s={}%{}", &payload[..10], &payload[11..]);
        assert_eq!(
            decode_fragment(&bad_char),
            Err(LinkError::BadCharacter {
                index: 10,
                found: '%'
            })
        );
        // Flip characters one at a time: every result is an error or a scenario, never a panic.
        let mut errors = 0;
        for i in (0..payload.len()).step_by(3) {
            let mut bytes = payload.as_bytes().to_vec();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(bytes).expect("ascii");
            if decode_fragment(&format!("s={altered}")).is_err() {
                errors += 1;
            }
        }
        assert!(errors > 0);
        assert_eq!(
            decode_fragment("s=bm90IGRlZmxhdGU").map(|_| ()),
            Err(LinkError::Corrupt)
        );
    }

    #[test]
    fn enormous_links_and_bombs_are_refused_without_work() {
        let huge = format!("s={}", "A".repeat(MAX_FRAGMENT_CHARS + 1));
        assert!(matches!(
            decode_fragment(&huge),
            Err(LinkError::TooLong { .. })
        ));
        // 16 MB of spaces deflates to a small payload: inflation stops at the limit.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 16 << 20], 9);
        let fragment = format!("s={}", base64url::encode(&bomb));
        assert!(fragment.len() < MAX_FRAGMENT_CHARS);
        assert_eq!(
            decode_fragment(&fragment).map(|_| ()),
            Err(LinkError::TooLarge)
        );
    }

    #[test]
    fn messages_for_missing_or_foreign_content() {
        assert_eq!(decode_fragment("#theme=dark"), Err(LinkError::NoScenario));
        assert_eq!(decode_fragment("#s="), Err(LinkError::Empty));
        let link = |json: &str| {
            let deflated = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6);
            format!("s={}", base64url::encode(&deflated))
        };
        assert!(matches!(
            decode_fragment(&link("{\"request\": ")),
            Err(LinkError::NotJson { line: 1, .. })
        ));
        assert!(matches!(
            decode_fragment(&link(r#"{"format": "cedar/policy@1", "request": {}}"#)),
            Err(LinkError::NotAScenario { .. })
        ));
        assert!(matches!(
            decode_fragment(&link(r#"{"policies": 3}"#)),
            Err(LinkError::NotAScenario { .. })
        ));
        let message = LinkError::Truncated.to_string();
        assert!(message.starts_with("the link is cut short"));
    }

    #[test]
    fn newer_formats_are_read_when_they_fit_and_explained_when_not() {
        let link = |json: &str| {
            let deflated = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6);
            format!("s={}&v=9.0.0", base64url::encode(&deflated))
        };
        let readable = r#"{"format": "iamsim/scenario@2", "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*"}, "assertions": []}"#;
        let read = decode_fragment(&link(readable)).expect("a newer format that fits is read");
        assert_eq!(read.made_with.as_deref(), Some("9.0.0"));
        assert!(read.notes[0].contains("made with iamsim 9.0.0, newer"));
        assert!(read.notes.iter().any(|n| n.contains("`iamsim/scenario@2`")));
        assert!(read.notes.iter().any(|n| n.contains("`assertions`")));
        let unreadable = r#"{"format": "iamsim/scenario@2", "request": "ecr:PutImage"}"#;
        match decode_fragment(&link(unreadable)) {
            Err(e @ LinkError::UnsupportedFormat { .. }) => {
                assert!(e.to_string().contains("open it with a newer iamsim"))
            }
            other => panic!("expected an unsupported format, got {other:?}"),
        }
    }

    #[test]
    fn versions_compare_numerically() {
        assert!(version_key("0.10.0") > version_key("0.9.9"));
        assert_eq!(version_key("1.2"), Some((1, 2, 0)));
        assert_eq!(version_key("1.2.3-beta"), Some((1, 2, 3)));
        assert_eq!(version_key("next"), None);
        assert_eq!(newer_maker_note("0.0.1"), None);
        assert_eq!(newer_maker_note("garbage"), None);
    }

    #[test]
    fn length_advice_names_the_tools_a_link_no_longer_fits() {
        assert_eq!(length_advice(1_500), None);
        assert_eq!(length_advice(2_000), None);
        assert!(length_advice(2_001).is_some_and(|a| a.contains("Discord")));
        assert!(length_advice(5_000).is_some_and(|a| a.contains("Slack")));
        assert!(
            length_advice(30_000).is_some_and(|a| a.contains("share the scenario file instead"))
        );
    }

    #[test]
    fn a_typical_scenario_makes_a_short_link() {
        let len = encode_fragment(&example()).len();
        assert!(len < 800, "fragment of {len} characters");
    }
}

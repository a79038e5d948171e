//! The scenario format (`iamsim/scenario@1`): one JSON document describing a whole simulation.
//! The CLI, share links, exercises, the test corpus and the JS API all read it. Fields are only
//! ever added, never changed in meaning; unknown fields are kept on re-save and reported as warnings.

pub mod aws_cli;
mod document;
mod read;
mod run;
pub mod share;

pub use document::PolicyDocument;
pub use read::{is_json_lines, read_json_line, read_json_line_into, read_scenarios, ScenarioError};
pub use run::{check, simulate, write_json_lines, CheckOutcome, PreparedScenario};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The format stamp of version 1.
pub const FORMAT_V1: &str = "iamsim/scenario@1";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    #[serde(default = "default_format")]
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub policies: Policies,
    pub request: RequestSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect: Option<crate::eval::Decision>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<TestCase>,
    /// Fields this version does not know: kept, reported as warnings.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

fn default_format() -> String {
    FORMAT_V1.to_string()
}

/// Every member is optional; a missing or empty one means "none of that type applies".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policies {
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub identity: Vec<NamedPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<NamedPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<NamedPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<NamedPolicy>,
    /// Levels root first, then each OU, then the account. Absent: the account is not governed by
    /// SCPs. A present but empty level allows nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<Vec<Vec<NamedPolicy>>>,
    /// Levels as for `scp`, for the resource's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rcp: Option<Vec<Vec<NamedPolicy>>>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub vpc_endpoint: Vec<NamedPolicy>,
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// A policy with its name. `document` is a JSON object or the policy text exactly as typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedPolicy {
    #[serde(default)]
    pub name: String,
    pub document: PolicyDocument,
    /// What-if switch: a disabled policy is kept but not evaluated. Absent means enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// For the resource policy: `generic`, `ecr`, `kms` or `trust`. Absent: inferred from the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

impl NamedPolicy {
    pub fn is_enabled(&self) -> bool {
        self.enabled.unwrap_or(true)
    }
}

/// The request to simulate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestSpec {
    #[serde(default)]
    pub principal: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_account: Option<String>,
    /// Condition keys as typed values: string, number or boolean for a single-valued key, an
    /// array for a multi-valued key.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub context: Map<String, Value>,
    /// Fill the keys AWS always sends and that follow from the request. Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derive_context: Option<bool>,
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

impl RequestSpec {
    pub fn derives_context(&self) -> bool {
        self.derive_context.unwrap_or(true)
    }
}

/// One more request against the scenario's policies, with its expected decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestCase {
    #[serde(default)]
    pub name: String,
    /// Fields given here replace the scenario's request fields; `context` keys are merged over the
    /// scenario's context (a key set to `null` removes it).
    #[serde(default)]
    pub request: Map<String, Value>,
    pub expect: crate::eval::Decision,
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl Scenario {
    /// The request of one test case: the scenario's request with the test's fields laid over it.
    pub fn test_request(&self, test: &TestCase) -> Result<RequestSpec, String> {
        let mut base = serde_json::to_value(&self.request).map_err(|e| e.to_string())?;
        let Value::Object(fields) = &mut base else {
            return Err("the scenario's request is not an object".into());
        };
        for (key, value) in &test.request {
            if key == "context" {
                let Value::Object(overrides) = value else {
                    return Err(format!("test `{}`: `context` must be an object", test.name));
                };
                let context = fields
                    .entry("context")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(context) = context {
                    for (k, v) in overrides {
                        // Keys compare case-insensitively (C2): replace any spelling of the same key.
                        context.retain(|existing, _| !existing.eq_ignore_ascii_case(k));
                        if !v.is_null() {
                            context.insert(k.clone(), v.clone());
                        }
                    }
                }
            } else {
                fields.insert(key.clone(), value.clone());
            }
        }
        serde_json::from_value(base).map_err(|e| format!("test `{}`: {e}", test.name))
    }

    /// Warnings for fields this version does not know (kept, never an error).
    pub fn unknown_field_warnings(&self) -> Vec<crate::Diagnostic> {
        // Almost every scenario has none: found without walking the places one by one.
        if self.format == FORMAT_V1 && !self.has_unknown_fields() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut warn = |place: &str, map: &Map<String, Value>| {
            for key in map.keys() {
                out.push(crate::Diagnostic::warning(
                    "unknown-scenario-field",
                    format!("unknown field `{key}` in {place} is kept but not used"),
                    None,
                ));
            }
        };
        warn("the scenario", &self.unknown);
        warn("`policies`", &self.policies.unknown);
        warn("`request`", &self.request.unknown);
        // The place is spelled only for a map with something to warn about.
        for policy in self.all_policies().filter(|p| !p.unknown.is_empty()) {
            warn(&format!("policy `{}`", policy.name), &policy.unknown);
        }
        for test in self.tests.iter().filter(|t| !t.unknown.is_empty()) {
            warn(&format!("test `{}`", test.name), &test.unknown);
        }
        if self.format != FORMAT_V1 {
            out.push(crate::Diagnostic::warning(
                "unknown-scenario-format",
                format!(
                    "format `{}` is not `{FORMAT_V1}`; read as version 1",
                    self.format
                ),
                None,
            ));
        }
        out
    }

    /// Whether any map of unknown fields has a key (folded over the places rather than stepped
    /// through them, which costs a check of every link of the chain per policy).
    fn has_unknown_fields(&self) -> bool {
        !self.unknown.is_empty()
            || !self.policies.unknown.is_empty()
            || !self.request.unknown.is_empty()
            || self.all_policies().any(|p| !p.unknown.is_empty())
            || self.tests.iter().any(|t| !t.unknown.is_empty())
    }

    fn all_policies(&self) -> impl Iterator<Item = &NamedPolicy> {
        let p = &self.policies;
        p.identity
            .iter()
            .chain(p.permissions_boundary.iter())
            .chain(p.session.iter())
            .chain(p.resource.iter())
            .chain(p.scp.iter().flatten().flatten())
            .chain(p.rcp.iter().flatten().flatten())
            .chain(p.vpc_endpoint.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where a scenario keeps one map of unknown fields.
    type UnknownMap = fn(&mut Scenario) -> &mut Map<String, Value>;

    /// A scenario with a policy in every place and a test, none with an unknown field.
    fn every_place() -> Scenario {
        let p = |name: &str| serde_json::json!({"name": name, "document": {}});
        serde_json::from_value(serde_json::json!({
            "format": FORMAT_V1,
            "policies": {
                "identity": [p("I")], "permissionsBoundary": p("B"), "session": p("S"),
                "resource": p("R"), "scp": [[p("P1")], [p("P2")]], "rcp": [[p("C")]],
                "vpcEndpoint": [p("V")]
            },
            "request": {"action": "s3:GetObject"},
            "tests": [{"name": "T", "expect": "Allow"}]
        }))
        .expect("a valid scenario")
    }

    /// The quick check for "nothing to warn about" must see a field in every place the walk does.
    #[test]
    fn unknown_fields_are_warned_wherever_they_are() {
        assert!(every_place().unknown_field_warnings().is_empty());
        let places: [(&str, UnknownMap); 12] = [
            ("the scenario", |s| &mut s.unknown),
            ("`policies`", |s| &mut s.policies.unknown),
            ("`request`", |s| &mut s.request.unknown),
            ("policy `I`", |s| &mut s.policies.identity[0].unknown),
            ("policy `B`", |s| {
                &mut s
                    .policies
                    .permissions_boundary
                    .as_mut()
                    .expect("set")
                    .unknown
            }),
            ("policy `S`", |s| {
                &mut s.policies.session.as_mut().expect("set").unknown
            }),
            ("policy `R`", |s| {
                &mut s.policies.resource.as_mut().expect("set").unknown
            }),
            ("policy `P1`", |s| {
                &mut s.policies.scp.as_mut().expect("set")[0][0].unknown
            }),
            ("policy `P2`", |s| {
                &mut s.policies.scp.as_mut().expect("set")[1][0].unknown
            }),
            ("policy `C`", |s| {
                &mut s.policies.rcp.as_mut().expect("set")[0][0].unknown
            }),
            ("policy `V`", |s| &mut s.policies.vpc_endpoint[0].unknown),
            ("test `T`", |s| &mut s.tests[0].unknown),
        ];
        for (place, map) in places {
            let mut scenario = every_place();
            map(&mut scenario).insert("extra".into(), Value::Null);
            let warnings = scenario.unknown_field_warnings();
            assert_eq!(warnings.len(), 1, "{place}");
            assert_eq!(
                warnings[0].message,
                format!("unknown field `extra` in {place} is kept but not used")
            );
        }
        let mut scenario = every_place();
        scenario.format = "iamsim/scenario@2".into();
        let warnings = scenario.unknown_field_warnings();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].code, "unknown-scenario-format");
    }
}

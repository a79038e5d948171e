//! The result of one simulation, shared by the web app, the CLI and the JS API.

use crate::context::{Text, Values, ValuesIter};
use crate::diagnostic::Diagnostic;
use crate::policy::Effect;
use crate::span::Span;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// AWS's decision for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "Allow",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The policy types, named as in the scenario format's `policies` members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LayerKind {
    Rcp,
    Scp,
    VpcEndpoint,
    Resource,
    Identity,
    PermissionsBoundary,
    Session,
}

impl LayerKind {
    /// Every layer, for tests that go through them all.
    #[cfg(test)]
    pub(crate) const ALL: [LayerKind; 7] = [
        LayerKind::Rcp,
        LayerKind::Scp,
        LayerKind::VpcEndpoint,
        LayerKind::Resource,
        LayerKind::Identity,
        LayerKind::PermissionsBoundary,
        LayerKind::Session,
    ];
}

/// Each layer's noun, and the sentence openings made from it (one table, so they agree).
macro_rules! layer_nouns {
    ($($kind:ident: $noun:literal,)*) => {
        impl LayerKind {
            /// A short noun phrase for sentences ("the permissions boundary").
            pub fn noun(self) -> &'static str {
                match self {
                    $(LayerKind::$kind => $noun),*
                }
            }

            /// "no statement in the {noun} allows `": a layer's sentence up to the request's
            /// action, written as one run.
            pub(crate) fn no_statement_opening(self) -> &'static str {
                match self {
                    $(LayerKind::$kind => concat!("no statement in the ", $noun, " allows `")),*
                }
            }
        }
    };
}
layer_nouns! {
    Rcp: "resource control policies",
    Scp: "service control policies",
    VpcEndpoint: "VPC endpoint policy",
    Resource: "resource-based policy",
    Identity: "identity-based policies",
    PermissionsBoundary: "permissions boundary",
    Session: "session policy",
}

/// A layer's own verdict. `NotEvaluated` says explicitly that the layer does not take part in
/// this request (and why, in the explanation) instead of skipping it silently.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LayerVerdict {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
    NotEvaluated,
}

/// One layer: the identity policies, the boundary, the session policy, the resource policy, one
/// SCP level, one RCP level, or one VPC endpoint policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layer {
    #[serde(rename = "type")]
    pub kind: LayerKind,
    /// SCP/RCP level (0 = organization root) or VPC endpoint policy index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<usize>,
    /// A label for people: "SCP level 2 (OU)", "identity policies" (fixed labels borrowed).
    pub label: Cow<'static, str>,
    pub verdict: LayerVerdict,
    /// One sentence a person understands.
    pub explanation: String,
    /// Whether this layer decided the outcome.
    pub decisive: bool,
}

/// A deciding statement, or for an implicit deny the layer that had no Allow (`statement` absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reason {
    pub policy: String,
    #[serde(rename = "type")]
    pub kind: LayerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<Effect>,
    pub message: String,
}

/// Every statement of one policy, with why it matched or not.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyTrace {
    pub policy: String,
    #[serde(rename = "type")]
    pub kind: LayerKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<usize>,
    /// False when the policy is switched off or its layer does not take part.
    pub evaluated: bool,
    pub statements: Vec<crate::matching::StatementTrace>,
}

/// A context key as the evaluation saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextEntry {
    /// Borrowed for the derived keys (fixed names), owned for the keys the request gives.
    pub key: Cow<'static, str>,
    pub values: ContextValues,
    pub multi_valued: bool,
    /// Filled by `deriveContext` rather than typed by the user.
    pub derived: bool,
}

/// A context key's values, read as texts and serialized as a JSON array: a single value (most
/// keys) is kept without a vector of its own, and shares its text with the request's.
#[derive(Clone, Debug)]
pub enum ContextValues {
    One(Text),
    Many(Vec<String>),
}

impl ContextValues {
    /// The values in order.
    pub fn as_values(&self) -> Values<'_> {
        match self {
            ContextValues::One(value) => Values::One(value),
            ContextValues::Many(values) => Values::Many(values),
        }
    }

    pub fn iter(&self) -> ValuesIter<'_> {
        self.as_values().iter()
    }

    pub fn len(&self) -> usize {
        self.as_values().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values joined with `separator`, as `[String]::join` gives them.
    pub fn join(&self, separator: &str) -> String {
        match self {
            ContextValues::One(value) => value.to_string(),
            ContextValues::Many(values) => values.join(separator),
        }
    }
}

/// Equal when the values are, however they are held.
impl PartialEq for ContextValues {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl From<Vec<String>> for ContextValues {
    fn from(values: Vec<String>) -> Self {
        ContextValues::Many(values)
    }
}

impl Serialize for ContextValues {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for ContextValues {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(ContextValues::Many)
    }
}

/// The explained result of one simulation.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvaluationResult {
    pub decision: Decision,
    pub reasons: Vec<Reason>,
    pub layers: Vec<Layer>,
    pub trace: Vec<PolicyTrace>,
    /// Keys that conditions of otherwise-matching statements look at and the request lacks.
    pub missing_context_keys: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// The context after derivation.
    pub context: Vec<ContextEntry>,
    /// Where AWS's documentation conflicts or the simulation made an assumption, said plainly.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The decision with its reasons and per-layer verdicts, without the statement trace: the same
/// as the corresponding fields of [`EvaluationResult`], cheaper to compute (a matrix makes one
/// per cell).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Brief {
    pub decision: Decision,
    pub reasons: Vec<Reason>,
    pub layers: Vec<Layer>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Brief {
    /// The layers that decided the outcome.
    pub fn deciding_layers(&self) -> impl Iterator<Item = &Layer> {
        self.layers.iter().filter(|l| l.decisive)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_values_read_serialize_and_compare_as_a_list() {
        let one = ContextValues::One("a".into());
        let many: ContextValues = vec!["a".to_string()].into();
        assert_eq!(one, many);
        assert_ne!(one, ContextValues::Many(vec!["a".into(), "b".into()]));
        assert_ne!(ContextValues::Many(Vec::new()), one);
        for (values, list) in [
            (one.clone(), vec!["a"]),
            (many, vec!["a"]),
            (
                ContextValues::Many(vec!["x\"y".into(), "z".into()]),
                vec!["x\"y", "z"],
            ),
            (ContextValues::Many(Vec::new()), vec![]),
        ] {
            assert_eq!(values.join(","), list.join(","));
            let text = serde_json::to_string(&values).unwrap_or_default();
            assert_eq!(text, serde_json::to_string(&list).unwrap_or_default());
            assert_eq!(
                serde_json::from_str::<ContextValues>(&text).ok(),
                Some(values)
            );
        }
    }
}

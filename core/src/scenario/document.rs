//! A policy's `document`: a JSON object, or the policy text exactly as typed (a JSON string).
//!
//! It is a `serde_json::Value` to every reader and writer (same serialization, same equality).
//! The fast scenario reader keeps an object's JSON source instead, with the pretty text and tree
//! it wrote from it while reading the line, and builds the `Value` only when something asks for
//! it: evaluation reads the policy from the tree, and never needs the `Value`.

use crate::policy::parse::RenderedSource;
use crate::policy::{parse_policy, parse_policy_value, ParsedPolicy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::sync::{Arc, Mutex, OnceLock};

/// A policy document as a scenario gives it; see the module documentation.
pub struct PolicyDocument {
    /// Well-formed JSON source of the value (never a string), when read by the fast reader;
    /// shared with the policy read from it, which writes its pretty text from it when asked.
    source: Option<Arc<str>>,
    /// The value: given, or read from `source` on first use.
    value: OnceLock<Value>,
    /// The pretty text and tree written from `source` while the line was read: the first
    /// [`Self::parse`] takes them, later ones write them again. Boxed: a scenario holds its
    /// documents inline and is moved while it is read and prepared (unboxed: +460 instructions
    /// per scenario).
    rendered: Mutex<Option<Box<RenderedSource>>>,
}

impl PolicyDocument {
    /// A document from the JSON source of a value that serde_json reads without error (the fast
    /// reader checked it), and its rendering if it has one.
    pub(crate) fn from_source(source: &str, rendered: Option<RenderedSource>) -> Self {
        let kept = rendered.as_ref().and_then(RenderedSource::unwritten_source);
        PolicyDocument {
            source: Some(kept.unwrap_or_else(|| source.into())),
            value: OnceLock::new(),
            rendered: Mutex::new(rendered.map(Box::new)),
        }
    }

    /// The JSON source the document was read from, if it was kept.
    pub(crate) fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    /// The document as a JSON value.
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| match &self.source {
            // The source was checked when it was read, so this does not fail.
            Some(source) => serde_json::from_str(source).unwrap_or(Value::Null),
            None => Value::Null,
        })
    }

    /// Reads the policy: text as typed, an object as its pretty-printed text.
    pub fn parse(&self) -> ParsedPolicy {
        let rendered = match self.rendered.lock() {
            Ok(mut rendered) => rendered.take(),
            Err(_) => None,
        };
        if let Some(rendered) = rendered {
            return (*rendered).parse();
        }
        if let Some(rendered) = self.source().and_then(RenderedSource::new) {
            return rendered.parse();
        }
        match self.value() {
            Value::String(text) => parse_policy(text),
            other => parse_policy_value(other),
        }
    }
}

impl Clone for PolicyDocument {
    /// The copy writes its rendering again when it is parsed.
    fn clone(&self) -> Self {
        PolicyDocument {
            source: self.source.clone(),
            value: self.value.clone(),
            rendered: Mutex::new(None),
        }
    }
}

impl From<Value> for PolicyDocument {
    fn from(value: Value) -> Self {
        PolicyDocument {
            source: None,
            value: OnceLock::from(value),
            rendered: Mutex::new(None),
        }
    }
}

impl PartialEq for PolicyDocument {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl std::fmt::Debug for PolicyDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value().fmt(f)
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(Self::from)
    }
}

//! The JSON syntax tree: every value, object key and array element knows where it was written.

use crate::span::{Span, Spanned};
use std::borrow::Cow;

/// A JSON value and its span (from its first to just after its last character).
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Null,
    Bool(bool),
    /// The number exactly as written (`1e400`, `-0.50`): never converted, so never overflows.
    Number(String),
    /// The decoded string (escapes resolved).
    String(String),
    Array(Vec<Value>),
    /// Members in text order. Duplicate keys are kept (and reported by the reader).
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The decoded key; its span covers the quotes. Static for names a reader knows (the policy
    /// writer's element names), so that the tree does not allocate them.
    pub key: Spanned<Cow<'static, str>>,
    pub value: Value,
}

impl Member {
    /// From the key's opening quote to the end of the value.
    pub fn span(&self) -> Span {
        self.key.span.cover(self.value.span)
    }
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.kind {
            ValueKind::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut [Member]> {
        match &mut self.kind {
            ValueKind::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Moves a string out (leaving it empty): for readers that do not read the tree again.
    pub fn take_string(&mut self) -> Option<String> {
        match &mut self.kind {
            ValueKind::String(s) => Some(std::mem::take(s)),
            _ => None,
        }
    }

    /// As [`Self::scalar_text`], moving strings and numbers out (leaving them empty).
    pub fn take_scalar_text(&mut self) -> Option<String> {
        match &mut self.kind {
            ValueKind::String(s) | ValueKind::Number(s) => Some(std::mem::take(s)),
            ValueKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The value of the last member named `key` (later members win, as in most JSON readers).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?
            .iter()
            .rev()
            .find(|m| m.key.value == key)
            .map(|m| &m.value)
    }

    /// Strings, numbers and booleans as canonical strings (`true` → `"true"`, numbers as
    /// written); `None` for null, arrays and objects.
    pub fn scalar_text(&self) -> Option<String> {
        match &self.kind {
            ValueKind::String(s) => Some(s.clone()),
            ValueKind::Number(n) => Some(n.clone()),
            ValueKind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// "a string", "an array", …: for messages such as "expected a string, found an array".
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            ValueKind::Null => "`null`",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Number(_) => "a number",
            ValueKind::String(_) => "a string",
            ValueKind::Array(_) => "an array",
            ValueKind::Object(_) => "an object",
        }
    }
}

//! The request context: condition keys and their values. Key names are case-insensitive (C2).
//! Values are kept as canonical strings (G8: `true` → `"true"`, numbers in their JSON spelling);
//! whether a key is multi-valued is a property of the request, not of the policy (C16).

use std::collections::HashMap;

/// The value of one context key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
    Single(String),
    /// A multi-valued key (`ArrayOf…`); may be empty.
    Multi(Vec<String>),
}

impl ContextValue {
    /// The values as a slice: a single value is a set of one (C16).
    pub fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(v) => std::slice::from_ref(v),
            ContextValue::Multi(vs) => vs,
        }
    }

    pub fn is_multi(&self) -> bool {
        matches!(self, ContextValue::Multi(_))
    }

    /// The single value, if the key is single-valued. Policy variables only resolve these (V1).
    pub fn single(&self) -> Option<&str> {
        match self {
            ContextValue::Single(v) => Some(v),
            ContextValue::Multi(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    /// The key as the user wrote it, for display.
    name: String,
    value: ContextValue,
}

/// Condition keys of one request, looked up case-insensitively.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestContext {
    /// Keyed by the ASCII-lowercased name.
    entries: HashMap<String, Entry>,
}

impl RequestContext {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a key, replacing any value under the same name in any case.
    pub fn insert(&mut self, name: impl Into<String>, value: ContextValue) {
        let name = name.into();
        self.entries
            .insert(name.to_ascii_lowercase(), Entry { name, value });
    }

    /// Sets a key only if no value is present (derived keys never override typed ones).
    pub fn insert_if_absent(&mut self, name: &str, value: ContextValue) {
        self.entries
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| Entry {
                name: name.to_string(),
                value,
            });
    }

    pub fn get(&self, name: &str) -> Option<&ContextValue> {
        // Fast path: most keys are looked up already lowercased by the compiled policy.
        if let Some(e) = self.entries.get(name) {
            return Some(&e.value);
        }
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return self
                .entries
                .get(&name.to_ascii_lowercase())
                .map(|e| &e.value);
        }
        None
    }

    /// Looks up a key whose name is already ASCII-lowercased (no allocation).
    pub fn get_lowercase(&self, lowercase_name: &str) -> Option<&ContextValue> {
        self.entries.get(lowercase_name).map(|e| &e.value)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn remove(&mut self, name: &str) -> Option<ContextValue> {
        self.entries
            .remove(&name.to_ascii_lowercase())
            .map(|e| e.value)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries as (name as written, value), sorted by lowercased name for stable output.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ContextValue)> {
        let mut all: Vec<(&String, &Entry)> = self.entries.iter().collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all.into_iter().map(|(_, e)| (e.name.as_str(), &e.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_c2() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:SourceIp", ContextValue::Single("203.0.113.7".into()));
        assert!(ctx.get("AWS:sourceip").is_some());
        assert!(ctx.get_lowercase("aws:sourceip").is_some());
    }

    #[test]
    fn given_keys_win_over_derived_ones() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:username", ContextValue::Single("typed".into()));
        ctx.insert_if_absent("AWS:UserName", ContextValue::Single("derived".into()));
        assert_eq!(
            ctx.get("aws:username").and_then(ContextValue::single),
            Some("typed")
        );
    }
}

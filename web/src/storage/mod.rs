//! Saved work: the workspaces kept in the browser's storage. The logic (`workspaces`) is pure and
//! written against the small [`KeyValue`] trait, so it is unit-tested natively with
//! [`MemoryStore`]; `local` is the thin adapter over `window.localStorage`.

pub mod local;
pub mod workspaces;

use std::collections::BTreeMap;

/// Why the storage refused an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The browser's quota is used up (`QuotaExceededError`).
    Full,
    /// Storage is disabled or not reachable (e.g. the `localStorage` getter throws
    /// `SecurityError`); the text says what the browser said.
    Unavailable(String),
}

impl StoreError {
    /// The notice shown while saving is off.
    pub fn saving_off_notice(&self) -> String {
        let why = match self {
            StoreError::Full => "the browser's storage is full".to_string(),
            StoreError::Unavailable(detail) if detail.is_empty() => {
                "this browser does not let the page use its storage".to_string()
            }
            StoreError::Unavailable(detail) => {
                format!("this browser does not let the page use its storage (`{detail}`)")
            }
        };
        format!("saving is off: {why} — your work is kept in this tab only")
    }
}

/// A string key-value store with the shape of `localStorage`.
pub trait KeyValue {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&mut self, key: &str) -> Result<(), StoreError>;
    /// Every key present, in no particular order.
    fn keys(&self) -> Result<Vec<String>, StoreError>;
}

/// An in-memory store with an optional capacity (in characters of keys and values, as browsers
/// count) and switchable failures: the fake the tests use.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    pub entries: BTreeMap<String, String>,
    /// Writes that would grow the store past this many characters fail with `Full`.
    pub capacity: Option<usize>,
    /// Every operation fails with this error (storage disabled).
    pub broken: Option<StoreError>,
}

impl MemoryStore {
    fn used_without(&self, key: &str) -> usize {
        self.entries
            .iter()
            .filter(|(k, _)| k.as_str() != key)
            .map(|(k, v)| k.chars().count() + v.chars().count())
            .sum()
    }

    fn check(&self) -> Result<(), StoreError> {
        self.broken.clone().map_or(Ok(()), Err)
    }
}

impl KeyValue for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.check()?;
        Ok(self.entries.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.check()?;
        let size = self.used_without(key) + key.chars().count() + value.chars().count();
        if self.capacity.is_some_and(|cap| size > cap) {
            return Err(StoreError::Full);
        }
        self.entries.insert(key.to_string(), value.to_string());
        Ok(())
    }

    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.check()?;
        self.entries.remove(key);
        Ok(())
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.check()?;
        Ok(self.entries.keys().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fake_refuses_writes_past_its_capacity_and_keeps_what_it_had() {
        let mut store = MemoryStore {
            capacity: Some(10),
            ..MemoryStore::default()
        };
        assert_eq!(store.set("k", "12345"), Ok(()));
        assert_eq!(store.set("j", "123456"), Err(StoreError::Full));
        // Replacing a value counts the new size only.
        assert_eq!(store.set("k", "123456789"), Ok(()));
        assert_eq!(store.get("k"), Ok(Some("123456789".into())));
        assert_eq!(store.get("j"), Ok(None));
    }

    #[test]
    fn the_notices_say_why_saving_is_off_and_that_work_stays_in_the_tab() {
        assert_eq!(
            StoreError::Full.saving_off_notice(),
            "saving is off: the browser's storage is full — your work is kept in this tab only"
        );
        let off = StoreError::Unavailable("SecurityError: access denied".into());
        assert!(off
            .saving_off_notice()
            .contains("`SecurityError: access denied`"));
    }
}

//! The browser's `localStorage` as a [`KeyValue`] store: a thin adapter, no logic.

use super::{KeyValue, StoreError};
use wasm_bindgen::{JsCast, JsValue};

/// `window.localStorage`, or why it cannot be used (every operation then fails with that).
pub struct LocalStore {
    storage: Result<web_sys::Storage, StoreError>,
}

impl LocalStore {
    /// Reaches `window.localStorage`; never fails (a browser that refuses access gives a store
    /// whose every operation says so).
    pub fn open() -> LocalStore {
        let storage = match web_sys::window().map(|w| w.local_storage()) {
            Some(Ok(Some(storage))) => Ok(storage),
            Some(Ok(None)) | None => Err(StoreError::Unavailable(String::new())),
            Some(Err(e)) => Err(error_of(e)),
        };
        LocalStore { storage }
    }

    fn storage(&self) -> Result<&web_sys::Storage, StoreError> {
        self.storage.as_ref().map_err(Clone::clone)
    }
}

/// What a storage call threw: `QuotaExceededError` is "full"; anything else says its name.
fn error_of(error: JsValue) -> StoreError {
    match error.dyn_ref::<web_sys::DomException>() {
        Some(e) if e.name() == "QuotaExceededError" => StoreError::Full,
        Some(e) => StoreError::Unavailable(format!("{}: {}", e.name(), e.message())),
        None => StoreError::Unavailable(error.as_string().unwrap_or_default()),
    }
}

impl KeyValue for LocalStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.storage()?.get_item(key).map_err(error_of)
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.storage()?.set_item(key, value).map_err(error_of)
    }

    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.storage()?.remove_item(key).map_err(error_of)
    }

    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let storage = self.storage()?;
        let length = storage.length().map_err(error_of)?;
        let mut keys = Vec::new();
        for i in 0..length {
            if let Some(key) = storage.key(i).map_err(error_of)? {
                keys.push(key);
            }
        }
        Ok(keys)
    }
}

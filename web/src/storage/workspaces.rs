//! The saved workspaces: an index (`iamsim.workspaces@1`: names, order, the current one) and one
//! key per workspace (`iamsim.workspace@1.<id>`, the scenario's compact JSON). Writes the store
//! refuses (full, disabled) are kept in memory, so the tab keeps working; an entry that cannot be
//! read is copied aside (`iamsim.backup@1.…`) before anything replaces it, so nothing is lost.
//!
//! Several tabs share the store. Every change is made on the list as the store holds it now
//! (`sync_index`), so one tab's new, renamed or deleted workspaces are not undone by another
//! tab's next write, and a new id is never one another tab just took. Each tab keeps its own
//! current workspace; `refresh` tells the app what another tab changed.

use super::{KeyValue, StoreError};
use iamsim_core::scenario::{read_scenarios, Scenario};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The index of workspaces. A new layout gets a new key (`@2`), so an older build never
/// misreads it.
pub const INDEX_KEY: &str = "iamsim.workspaces@1";
/// The prefix of one workspace's key; the id follows.
pub const ENTRY_PREFIX: &str = "iamsim.workspace@1.";
/// Where an entry that could not be read is kept.
pub const BACKUP_PREFIX: &str = "iamsim.backup@1.";
const INDEX_FORMAT: &str = "iamsim/workspaces@1";

/// One saved workspace as the index lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Index {
    format: String,
    current: String,
    workspaces: Vec<Entry>,
    /// The highest id number ever made (`w<made>`), so that no id is made twice, not even
    /// one whose workspace was deleted: another tab may still show it, and an undo may put it
    /// back. Absent in lists written before it existed (then ids follow the stored ones).
    #[serde(default, skip_serializing_if = "is_zero")]
    made: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn entry_key(id: &str) -> String {
    format!("{ENTRY_PREFIX}{id}")
}

/// The number in an id `w<n>` (ids are made here; another shape counts as 0).
fn id_number(id: &str) -> u64 {
    id.strip_prefix('w')
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Reads the index; `Err` says why it is not one (not JSON, wrong shape, another format).
fn parse_index(raw: &str) -> Result<Index, String> {
    let mut index: Index = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    if index.format != INDEX_FORMAT {
        return Err(format!(
            "its format is `{}`, expected `{INDEX_FORMAT}`",
            index.format
        ));
    }
    // Ids must be usable as keys and unique; a duplicate is dropped (its entry stays stored).
    let mut seen = Vec::new();
    index.workspaces.retain(|e| {
        let fresh = !e.id.is_empty() && !seen.contains(&e.id);
        seen.push(e.id.clone());
        fresh
    });
    Ok(index)
}

/// Reads one stored workspace; `Err` says why it is not a scenario.
fn parse_scenario(raw: &str) -> Result<Scenario, String> {
    let mut read = read_scenarios(raw);
    match (read.len(), read.pop()) {
        (1, Some(Ok(scenario))) => Ok(scenario),
        (1, Some(Err(e))) => Err(e.to_string()),
        _ => Err("it does not hold exactly one scenario".into()),
    }
}

/// What another tab changed, as [`Keeper::refresh`] finds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// The current workspace's saved text is not what this tab last wrote or read.
    pub current_changed: bool,
    /// The current workspace is no longer listed: another tab deleted it. This tab keeps
    /// showing it, and lists it again if it is saved from here.
    pub current_deleted: bool,
}

/// A deleted workspace, as [`Keeper::delete`] hands it back: enough to put it back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deleted {
    pub entry: Entry,
    /// Its place in the list.
    at: usize,
    /// Its saved scenario (`None`: the starter, never saved).
    text: Option<String>,
    /// It was this tab's open workspace.
    pub was_current: bool,
    /// The fresh workspace made because it was the last one: taken away again on restore
    /// while still untouched.
    replaced_by: Option<String>,
}

/// The saved workspaces over a store.
pub struct Keeper<S: KeyValue> {
    store: S,
    index: Index,
    /// Writes the store refused (`None`: a removal), newest value per key; reads see them first.
    unsaved: BTreeMap<String, Option<String>>,
    /// Why saving is off, while it is.
    saving_off: Option<StoreError>,
    /// Setting an unreadable entry aside failed: nothing more is written to the store from this
    /// tab, so that entry cannot be overwritten.
    frozen: bool,
    /// The last text written or read per key, so an unchanged workspace is not written again.
    last_text: Option<(String, String)>,
    /// The current workspace's entry as last listed, kept when another tab deletes it: saving
    /// it from here lists it again under its name.
    shown: Option<Entry>,
    notices: Vec<String>,
}

impl<S: KeyValue> Keeper<S> {
    /// Opens the saved workspaces: reads the index (or rebuilds it from the stored entries when
    /// it is missing or unreadable) and makes sure there is a current workspace.
    pub fn open(store: S) -> Self {
        let mut keeper = Keeper {
            store,
            index: Index {
                format: INDEX_FORMAT.into(),
                current: String::new(),
                workspaces: Vec::new(),
                made: 0,
            },
            unsaved: BTreeMap::new(),
            saving_off: None,
            frozen: false,
            last_text: None,
            shown: None,
            notices: Vec::new(),
        };
        let mut changed = true;
        match keeper.read(INDEX_KEY) {
            None => keeper.rebuild_index(),
            Some(raw) => match parse_index(&raw) {
                Ok(index) => {
                    changed = false;
                    keeper.index = index;
                }
                Err(reason) => {
                    let aside = keeper.set_aside(INDEX_KEY, &raw);
                    keeper.rebuild_index();
                    let found = keeper.index.workspaces.len();
                    keeper.notices.push(format!(
                        "the list of saved workspaces could not be read ({reason}); {aside}; \
                         the list was rebuilt from the {found} saved workspace{} found",
                        if found == 1 { "" } else { "s" }
                    ));
                }
            },
        }
        if keeper.index.workspaces.is_empty() {
            let id = keeper.fresh_id();
            let name = keeper.fresh_name();
            keeper.index.workspaces.push(Entry { id, name });
            changed = true;
        }
        if !keeper
            .index
            .workspaces
            .iter()
            .any(|e| e.id == keeper.index.current)
        {
            if let Some(first) = keeper.index.workspaces.first() {
                keeper.index.current = first.id.clone();
            }
            changed = true;
        }
        if changed {
            keeper.write_index();
        }
        keeper
    }

    /// The workspaces, in the order shown.
    pub fn list(&self) -> &[Entry] {
        &self.index.workspaces
    }

    pub fn current_id(&self) -> &str {
        &self.index.current
    }

    /// Why saving is off, while it is (the tab keeps everything in memory meanwhile).
    pub fn saving_off(&self) -> Option<&StoreError> {
        self.saving_off.as_ref()
    }

    /// One-off messages for the user since the last call (unreadable entries set aside).
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// The current workspace's saved scenario; `None` when it has none yet or it could not be
    /// read (then it is set aside and a notice says where): the app starts it afresh.
    pub fn load_current(&mut self) -> Option<Scenario> {
        let id = self.index.current.clone();
        self.read_workspace(&id)
    }

    /// Saves the current workspace (skipped when its text has not changed).
    pub fn save_current(&mut self, scenario: &Scenario) {
        let Ok(text) = serde_json::to_string(scenario) else {
            return;
        };
        let key = entry_key(&self.index.current);
        if self
            .last_text
            .as_ref()
            .is_some_and(|(k, t)| *k == key && *t == text)
        {
            return;
        }
        self.sync_index();
        self.write(&key, Some(&text));
        self.last_text = Some((key, text));
        // Another tab deleted it meanwhile: what is typed here lists it again.
        if self.entry(&self.index.current).is_none() {
            self.relist_current();
            self.write_index();
        }
    }

    /// The current workspace's name, also when another tab deleted it.
    pub fn shown_name(&self) -> String {
        self.shown_entry()
            .map_or_else(|| self.index.current.clone(), |e| e.name.clone())
    }

    /// Whether `scenario` is what the current workspace last saved or read (this tab has no
    /// edits that are not saved).
    pub fn is_saved(&self, scenario: &Scenario) -> bool {
        let key = entry_key(&self.index.current);
        self.last_text.as_ref().is_some_and(|(k, t)| {
            *k == key && serde_json::to_string(scenario).is_ok_and(|text| text == *t)
        })
    }

    /// Reads what another tab changed (called on the browser's `storage` event): the list as
    /// stored now, and whether the current workspace was changed or deleted there. Read the
    /// changed workspace with `load_current`.
    pub fn refresh(&mut self) -> Refreshed {
        self.sync_index();
        let key = entry_key(&self.index.current);
        let stored = self.read(&key);
        let current_changed = match (&self.last_text, &stored) {
            (Some((k, text)), Some(stored)) if *k == key => text != stored,
            (Some((k, _)), None) if *k == key => false,
            (_, stored) => stored.is_some(),
        };
        Refreshed {
            current_changed,
            current_deleted: self.entry(&self.index.current).is_none(),
        }
    }

    /// Adds a workspace holding `scenario` (`None`: the starter) and makes it current.
    pub fn create(&mut self, name: &str, scenario: Option<&Scenario>) -> String {
        self.sync_index();
        let id = self.fresh_id();
        let name = match name.trim() {
            "" => self.fresh_name(),
            name => name.to_string(),
        };
        if let Some(text) = scenario.and_then(|s| serde_json::to_string(s).ok()) {
            let key = entry_key(&id);
            self.write(&key, Some(&text));
            self.last_text = Some((key, text));
        }
        self.index.workspaces.push(Entry {
            id: id.clone(),
            name,
        });
        self.index.current = id.clone();
        self.write_index();
        id
    }

    /// Makes another workspace current; false when there is no such workspace. Read it with
    /// `load_current`.
    pub fn switch(&mut self, id: &str) -> bool {
        self.sync_index();
        if !self.index.workspaces.iter().any(|e| e.id == id) {
            return false;
        }
        if self.index.current != id {
            self.index.current = id.to_string();
            self.write_index();
        }
        true
    }

    /// Renames a workspace (a blank name is ignored).
    pub fn rename(&mut self, id: &str, name: &str) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        self.sync_index();
        if let Some(entry) = self.index.workspaces.iter_mut().find(|e| e.id == id) {
            entry.name = name.to_string();
            self.write_index();
        }
    }

    /// Copies a workspace (as last saved: save the current one first) into a new one named
    /// "<name> (copy)", which becomes current.
    pub fn duplicate(&mut self, id: &str) -> Option<String> {
        self.sync_index();
        let name = self
            .index
            .workspaces
            .iter()
            .find(|e| e.id == id)?
            .name
            .clone();
        let scenario = self.read_workspace(id);
        Some(self.create(&format!("{name} (copy)"), scenario.as_ref()))
    }

    /// Deletes a workspace; when it was current, its neighbour becomes current (a fresh one
    /// when it was the last). Gives back what [`Keeper::restore`] needs to undo it.
    pub fn delete(&mut self, id: &str) -> Option<Deleted> {
        self.sync_index();
        let at = self.index.workspaces.iter().position(|e| e.id == id);
        let entry = match at {
            Some(at) => self.index.workspaces.remove(at),
            // Deleted in another tab already, unless it is the one shown here.
            None if self.index.current != id => return None,
            None => Entry {
                id: id.to_string(),
                name: self.shown_name(),
            },
        };
        let at = at.unwrap_or(0);
        let key = entry_key(id);
        let mut deleted = Deleted {
            entry,
            at,
            text: self.read(&key),
            was_current: self.index.current == id,
            replaced_by: None,
        };
        self.write(&key, None);
        if self.last_text.as_ref().is_some_and(|(k, _)| *k == key) {
            self.last_text = None;
        }
        if self.index.current == id {
            match self
                .index
                .workspaces
                .get(at.min(self.index.workspaces.len().saturating_sub(1)))
            {
                Some(next) => self.index.current = next.id.clone(),
                None => {
                    let id = self.fresh_id();
                    let name = self.fresh_name();
                    self.index.workspaces.push(Entry {
                        id: id.clone(),
                        name,
                    });
                    deleted.replaced_by = Some(id.clone());
                    self.index.current = id;
                }
            }
        } else if self.index.workspaces.is_empty() {
            // The last listed one, while this tab shows one another tab deleted: the list is
            // never left empty, so the one shown here is listed again.
            self.relist_current();
        }
        self.write_index();
        Some(deleted)
    }

    /// Puts a deleted workspace back where it was, with what it held, and makes it current
    /// again if it was (taking back the fresh workspace its deletion made, while untouched).
    /// Put back twice (an undo in two tabs), the second is a copy under a new id. Gives the id
    /// it has now.
    pub fn restore(&mut self, deleted: &Deleted) -> String {
        self.sync_index();
        if let Some(fresh) = &deleted.replaced_by {
            if self.read(&entry_key(fresh)).is_none() {
                self.index.workspaces.retain(|e| e.id != *fresh);
            }
        }
        let taken = self.entry(&deleted.entry.id).is_some()
            || self.read(&entry_key(&deleted.entry.id)).is_some();
        let id = if taken {
            self.fresh_id()
        } else {
            deleted.entry.id.clone()
        };
        if let Some(text) = &deleted.text {
            let key = entry_key(&id);
            self.write(&key, Some(text));
            if deleted.was_current {
                self.last_text = Some((key, text.clone()));
            }
        }
        let at = deleted.at.min(self.index.workspaces.len());
        let entry = Entry {
            id: id.clone(),
            name: deleted.entry.name.clone(),
        };
        self.index.workspaces.insert(at, entry);
        if deleted.was_current {
            self.index.current = id.clone();
        }
        self.write_index();
        id
    }

    fn entry(&self, id: &str) -> Option<&Entry> {
        self.index.workspaces.iter().find(|e| e.id == id)
    }

    /// The current workspace's entry: as listed, or as this tab last listed it before another
    /// tab deleted it.
    fn shown_entry(&self) -> Option<&Entry> {
        let current = &self.index.current;
        self.entry(current)
            .or(self.shown.as_ref().filter(|e| e.id == *current))
    }

    /// Lists the current workspace again (another tab deleted it), under the name it had here.
    fn relist_current(&mut self) {
        let name = match self.shown_entry() {
            Some(entry) => entry.name.clone(),
            None => self.fresh_name(),
        };
        let id = self.index.current.clone();
        self.index.workspaces.push(Entry { id, name });
    }

    // --- reading and writing through the store ----------------------------------------------

    /// Takes the list as the store holds it now: another tab may have written it since this
    /// tab last did. This tab's current workspace stays current even when it is no longer
    /// listed (see [`Refreshed::current_deleted`]). A missing list keeps this tab's; one that
    /// cannot be read is set aside first, as when the app opens.
    fn sync_index(&mut self) {
        let Some(raw) = self.read(INDEX_KEY) else {
            return;
        };
        match parse_index(&raw) {
            Ok(stored) => {
                if let Some(shown) = self.entry(&self.index.current) {
                    self.shown = Some(shown.clone());
                }
                self.index.workspaces = stored.workspaces;
                self.index.made = self.index.made.max(stored.made);
            }
            Err(reason) => {
                let aside = self.set_aside(INDEX_KEY, &raw);
                self.notices.push(format!(
                    "the list of saved workspaces could not be read ({reason}); {aside}; \
                     this tab's list is kept"
                ));
            }
        }
    }

    /// A key's value: the unsaved one first, then the store's. A store that cannot be read
    /// turns saving off and reads as empty.
    fn read(&mut self, key: &str) -> Option<String> {
        if let Some(value) = self.unsaved.get(key) {
            return value.clone();
        }
        match self.store.get(key) {
            Ok(value) => value,
            Err(e) => {
                self.turn_off(e);
                None
            }
        }
    }

    /// Every stored key, with the unsaved writes applied.
    fn keys(&mut self) -> Vec<String> {
        let mut keys = match self.store.keys() {
            Ok(keys) => keys,
            Err(e) => {
                self.turn_off(e);
                Vec::new()
            }
        };
        for (key, value) in &self.unsaved {
            let present = keys.contains(key);
            match value {
                Some(_) if !present => keys.push(key.clone()),
                None if present => keys.retain(|k| k != key),
                _ => {}
            }
        }
        keys
    }

    /// Writes (or with `None` removes) a key. What the store refuses stays in memory, and is
    /// written with the next write that succeeds (oldest first).
    fn write(&mut self, key: &str, value: Option<&str>) {
        self.unsaved
            .insert(key.to_string(), value.map(str::to_string));
        if self.frozen {
            return;
        }
        let pending: Vec<(String, Option<String>)> = self
            .unsaved
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, value) in pending {
            let done = match &value {
                Some(text) => self.store.set(&key, text),
                None => self.store.remove(&key),
            };
            match done {
                Ok(()) => {
                    self.unsaved.remove(&key);
                }
                Err(e) => {
                    self.turn_off(e);
                    return;
                }
            }
        }
        self.saving_off = None;
    }

    fn write_index(&mut self) {
        if let Ok(text) = serde_json::to_string(&self.index) {
            self.write(INDEX_KEY, Some(&text));
        }
    }

    fn turn_off(&mut self, error: StoreError) {
        self.saving_off = Some(error);
    }

    /// Copies an unreadable entry to a backup key, then removes it; says where it is. When the
    /// copy fails, the entry stays where it is and nothing more is written from this tab.
    fn set_aside(&mut self, key: &str, raw: &str) -> String {
        let suffix = key.strip_prefix("iamsim.").unwrap_or(key);
        let taken = self.keys();
        let backup = (1..1000)
            .map(|n| match n {
                1 => format!("{BACKUP_PREFIX}{suffix}"),
                n => format!("{BACKUP_PREFIX}{suffix}.{n}"),
            })
            .find(|candidate| !taken.contains(candidate));
        if let (false, Some(backup)) = (self.frozen, backup) {
            match self.store.set(&backup, raw) {
                Ok(()) => {
                    // Should the removal fail, the entry is only kept twice.
                    let _ = self.store.remove(key);
                    return format!("it is kept aside under `{backup}`");
                }
                Err(e) => self.turn_off(e),
            }
        }
        self.frozen = true;
        self.saving_off.get_or_insert(StoreError::Full);
        format!(
            "it could not be copied aside, so it is left as it was under `{key}` and nothing \
             more is saved from this tab"
        )
    }

    /// A workspace's saved scenario (see `load_current`).
    fn read_workspace(&mut self, id: &str) -> Option<Scenario> {
        let key = entry_key(id);
        let raw = self.read(&key)?;
        match parse_scenario(&raw) {
            Ok(scenario) => {
                self.last_text = Some((key, raw));
                Some(scenario)
            }
            Err(reason) => {
                let aside = self.set_aside(&key, &raw);
                let name = self
                    .index
                    .workspaces
                    .iter()
                    .find(|e| e.id == id)
                    .map_or(id, |e| e.name.as_str());
                self.notices.push(format!(
                    "the saved workspace “{name}” could not be read ({reason}); {aside}; \
                     it starts afresh"
                ));
                None
            }
        }
    }

    /// The index made from the entries in the store (names from their scenarios).
    fn rebuild_index(&mut self) {
        let mut ids: Vec<String> = self
            .keys()
            .iter()
            .filter_map(|k| k.strip_prefix(ENTRY_PREFIX))
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect();
        ids.sort_by_key(|id| (id_number(id), id.clone()));
        let mut workspaces = Vec::new();
        for (n, id) in ids.into_iter().enumerate() {
            let name = self
                .read(&entry_key(&id))
                .and_then(|raw| parse_scenario(&raw).ok())
                .and_then(|s| s.name)
                .filter(|name| !name.trim().is_empty())
                .unwrap_or_else(|| format!("Recovered workspace {}", n + 1));
            workspaces.push(Entry { id, name });
        }
        self.index.current = workspaces.first().map(|e| e.id.clone()).unwrap_or_default();
        self.index.workspaces = workspaces;
    }

    /// An id never made before: used neither in the index nor by any stored entry, nor by any
    /// workspace since deleted.
    fn fresh_id(&mut self) -> String {
        let stored = self
            .keys()
            .iter()
            .filter_map(|k| k.strip_prefix(ENTRY_PREFIX).map(id_number))
            .max()
            .unwrap_or(0);
        let listed = self
            .index
            .workspaces
            .iter()
            .map(|e| id_number(&e.id))
            .max()
            .unwrap_or(0);
        let n = stored.max(listed).max(self.index.made) + 1;
        self.index.made = n;
        format!("w{n}")
    }

    /// "Workspace N", the first N not taken.
    fn fresh_name(&self) -> String {
        (1..)
            .map(|n| format!("Workspace {n}"))
            .find(|name| !self.index.workspaces.iter().any(|e| e.name == *name))
            .unwrap_or_else(|| "Workspace".into())
    }
}

#[cfg(test)]
mod tests;

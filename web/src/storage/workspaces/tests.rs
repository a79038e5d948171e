use super::*;
use crate::storage::MemoryStore;

fn scenario(name: &str, action: &str) -> Scenario {
    let text = format!(
        r#"{{"name": "{name}", "policies": {{"identity": [{{"name": "P", "document": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "{action}", "Resource": "*"}}]}}}}]}},
            "request": {{"principal": "arn:aws:iam::111122223333:user/alice", "action": "{action}", "resource": "*"}}}}"#
    );
    parse_scenario(&text).expect("a valid test scenario")
}

/// Opens a keeper over a copy of `store`, as a reload of the page would.
fn reopen(keeper: Keeper<MemoryStore>) -> Keeper<MemoryStore> {
    Keeper::open(keeper.store)
}

fn names(keeper: &Keeper<MemoryStore>) -> Vec<&str> {
    keeper.list().iter().map(|e| e.name.as_str()).collect()
}

fn current_name(keeper: &Keeper<MemoryStore>) -> &str {
    let id = keeper.current_id();
    keeper
        .list()
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.name.as_str())
        .unwrap_or("")
}

#[test]
fn a_first_visit_has_one_empty_workspace_and_writes_the_index() {
    let mut keeper = Keeper::open(MemoryStore::default());
    assert_eq!(names(&keeper), ["Workspace 1"]);
    assert_eq!(keeper.load_current(), None);
    assert!(keeper.saving_off().is_none());
    assert!(keeper.store.entries.contains_key(INDEX_KEY));
    assert!(keeper.take_notices().is_empty());
}

#[test]
fn the_saved_workspace_is_restored_on_reopen() {
    let mut keeper = Keeper::open(MemoryStore::default());
    keeper.save_current(&scenario("mine", "s3:GetObject"));
    let mut keeper = reopen(keeper);
    assert_eq!(
        keeper.load_current(),
        Some(scenario("mine", "s3:GetObject"))
    );
}

#[test]
fn workspaces_made_renamed_duplicated_switched_and_deleted_survive_a_reopen() {
    let mut keeper = Keeper::open(MemoryStore::default());
    let first = keeper.current_id().to_string();
    keeper.save_current(&scenario("one", "s3:GetObject"));
    let second = keeper.create("", Some(&scenario("two", "ec2:RunInstances")));
    assert_eq!(names(&keeper), ["Workspace 1", "Workspace 2"]);
    keeper.rename(&second, "  Second  ");
    keeper.rename(&second, "   "); // blank: ignored
    let copy = keeper.duplicate(&second).expect("the workspace exists");
    assert_eq!(names(&keeper), ["Workspace 1", "Second", "Second (copy)"]);
    assert_eq!(keeper.current_id(), copy);
    keeper.save_current(&scenario("two edited", "ec2:RunInstances"));

    let mut keeper = reopen(keeper);
    assert_eq!(current_name(&keeper), "Second (copy)");
    assert_eq!(
        keeper.load_current(),
        Some(scenario("two edited", "ec2:RunInstances"))
    );
    // The copy's edit did not touch the original.
    assert!(keeper.switch(&second));
    assert_eq!(
        keeper.load_current(),
        Some(scenario("two", "ec2:RunInstances"))
    );
    assert!(!keeper.switch("w999"));
    assert!(keeper.switch(&first));
    assert_eq!(keeper.load_current(), Some(scenario("one", "s3:GetObject")));

    // Deleting the current one opens its neighbour and removes its entry.
    keeper.delete(&first);
    assert_eq!(keeper.current_id(), second);
    assert!(!keeper.store.entries.contains_key(&entry_key(&first)));
    let mut keeper = reopen(keeper);
    assert_eq!(names(&keeper), ["Second", "Second (copy)"]);
    keeper.delete(&second);
    keeper.delete(&copy);
    // Deleting the last one leaves a fresh one, never an empty list.
    assert_eq!(names(&keeper), ["Workspace 1"]);
    assert_eq!(keeper.load_current(), None);
    assert_eq!(keeper.store.entries.len(), 1, "only the index is left");
}

#[test]
fn an_unchanged_workspace_is_not_written_again() {
    let mut keeper = Keeper::open(MemoryStore::default());
    keeper.save_current(&scenario("one", "s3:GetObject"));
    // Storage breaking now shows only if something is written.
    keeper.store.broken = Some(StoreError::Full);
    keeper.save_current(&scenario("one", "s3:GetObject"));
    assert_eq!(keeper.saving_off(), None);
    keeper.save_current(&scenario("one", "s3:PutObject"));
    assert_eq!(keeper.saving_off(), Some(&StoreError::Full));
}

#[test]
fn an_unreadable_index_is_kept_aside_and_the_list_rebuilt_from_the_entries() {
    for raw in [
        "{not json",
        r#"{"format": "iamsim/workspaces@1", "current": "w1", "workspaces": 3}"#,
        r#"{"format": "iamsim/workspaces@9", "current": "w1", "workspaces": []}"#,
        "[]",
    ] {
        let mut keeper = Keeper::open(MemoryStore::default());
        keeper.save_current(&scenario("kept", "s3:GetObject"));
        let other = keeper.create("Other", None);
        keeper.save_current(&scenario("", "s3:PutObject"));
        let mut store = keeper.store;
        store.entries.insert(INDEX_KEY.into(), raw.into());

        let mut keeper = Keeper::open(store);
        let notices = keeper.take_notices();
        assert_eq!(notices.len(), 1, "{raw}: {notices:?}");
        assert!(
            notices[0].starts_with("the list of saved workspaces could not be read ("),
            "{}",
            notices[0]
        );
        assert!(notices[0].contains("`iamsim.backup@1.workspaces@1`"));
        assert!(notices[0].contains("rebuilt from the 2 saved workspaces found"));
        assert_eq!(
            keeper
                .store
                .entries
                .get("iamsim.backup@1.workspaces@1")
                .map(String::as_str),
            Some(raw)
        );
        // Named after their scenarios when they have a name.
        assert_eq!(names(&keeper), ["kept", "Recovered workspace 2"]);
        assert_eq!(
            keeper.load_current(),
            Some(scenario("kept", "s3:GetObject"))
        );
        assert!(keeper.switch(&other));
        assert_eq!(keeper.load_current(), Some(scenario("", "s3:PutObject")));
    }
}

#[test]
fn an_unreadable_workspace_is_kept_aside_never_overwritten_and_said() {
    let mut keeper = Keeper::open(MemoryStore::default());
    let id = keeper.current_id().to_string();
    keeper.rename(&id, "Mine");
    let key = entry_key(keeper.current_id());
    let mut store = keeper.store;
    store
        .entries
        .insert(key.clone(), r#"{"policies": 1}"#.into());

    let mut keeper = Keeper::open(store);
    assert_eq!(keeper.load_current(), None);
    let notices = keeper.take_notices();
    assert_eq!(notices.len(), 1);
    assert!(
        notices[0].starts_with("the saved workspace “Mine” could not be read ("),
        "{}",
        notices[0]
    );
    let backup = "iamsim.backup@1.workspace@1.w1";
    assert!(
        notices[0].contains(&format!("`{backup}`")),
        "{}",
        notices[0]
    );
    keeper.save_current(&scenario("new", "s3:GetObject"));
    assert_eq!(
        keeper.store.entries.get(backup).map(String::as_str),
        Some(r#"{"policies": 1}"#)
    );
    assert!(keeper.saving_off().is_none());

    // A second bad entry for the same workspace gets its own backup key.
    keeper.store.entries.insert(key, "garbage".into());
    let mut keeper = reopen(keeper);
    assert_eq!(keeper.load_current(), None);
    assert_eq!(
        keeper
            .store
            .entries
            .get(&format!("{backup}.2"))
            .map(String::as_str),
        Some("garbage")
    );
    assert_eq!(
        keeper.store.entries.get(backup).map(String::as_str),
        Some(r#"{"policies": 1}"#)
    );
}

#[test]
fn when_an_unreadable_workspace_cannot_be_copied_aside_nothing_is_written_over_it() {
    let keeper = Keeper::open(MemoryStore::default());
    let key = entry_key(keeper.current_id());
    let mut store = keeper.store;
    store.entries.insert(key.clone(), "x".repeat(50));
    // Room for nothing more.
    store.capacity = Some(store.used_without(""));

    let mut keeper = Keeper::open(store);
    assert_eq!(keeper.load_current(), None);
    let notices = keeper.take_notices();
    assert!(
        notices[0].contains(&format!("left as it was under `{key}`")),
        "{}",
        notices[0]
    );
    assert!(keeper.saving_off().is_some());
    // Space comes back, the user types: still nothing written over the entry.
    keeper.store.capacity = None;
    keeper.save_current(&scenario("typed", "s3:GetObject"));
    keeper.create("Another", Some(&scenario("b", "s3:PutObject")));
    assert_eq!(keeper.store.entries.get(&key), Some(&"x".repeat(50)));
    assert!(keeper.saving_off().is_some());
    // The tab still has everything.
    assert_eq!(keeper.load_current(), Some(scenario("b", "s3:PutObject")));
}

#[test]
fn full_storage_turns_saving_off_keeps_the_work_in_memory_and_catches_up_later() {
    let mut keeper = Keeper::open(MemoryStore::default());
    let first = keeper.current_id().to_string();
    keeper.store.capacity = Some(keeper.store.used_without("") + 10);
    keeper.save_current(&scenario("big", "s3:GetObject"));
    assert_eq!(keeper.saving_off(), Some(&StoreError::Full));
    let second = keeper.create("Second", Some(&scenario("two", "s3:PutObject")));
    // Switching back and forth reads what the tab kept.
    assert!(keeper.switch(&first));
    assert_eq!(keeper.load_current(), Some(scenario("big", "s3:GetObject")));
    assert!(keeper.switch(&second));
    assert_eq!(keeper.load_current(), Some(scenario("two", "s3:PutObject")));

    // Space is freed: the next save writes everything that was waiting.
    keeper.store.capacity = None;
    keeper.save_current(&scenario("two edited", "s3:PutObject"));
    assert_eq!(keeper.saving_off(), None);
    let mut keeper = reopen(keeper);
    assert_eq!(names(&keeper), ["Workspace 1", "Second"]);
    assert_eq!(
        keeper.load_current(),
        Some(scenario("two edited", "s3:PutObject"))
    );
    assert!(keeper.switch(&first));
    assert_eq!(keeper.load_current(), Some(scenario("big", "s3:GetObject")));
}

#[test]
fn disabled_storage_works_in_memory_only() {
    let store = MemoryStore {
        broken: Some(StoreError::Unavailable("SecurityError: denied".into())),
        ..MemoryStore::default()
    };
    let mut keeper = Keeper::open(store);
    assert_eq!(
        keeper.saving_off(),
        Some(&StoreError::Unavailable("SecurityError: denied".into()))
    );
    assert_eq!(names(&keeper), ["Workspace 1"]);
    let first = keeper.current_id().to_string();
    keeper.save_current(&scenario("one", "s3:GetObject"));
    keeper.create("Two", Some(&scenario("two", "s3:PutObject")));
    assert!(keeper.switch(&first));
    assert_eq!(keeper.load_current(), Some(scenario("one", "s3:GetObject")));
    assert!(keeper.store.entries.is_empty());
    assert!(keeper.take_notices().is_empty());
}

#[test]
fn new_ids_never_reuse_a_stored_entry() {
    let mut store = MemoryStore::default();
    store.entries.insert(entry_key("w7"), "left over".into());
    let mut keeper = Keeper::open(store);
    // The left-over entry is listed (rebuilt: no index), and a new id comes after it.
    assert_eq!(keeper.list().len(), 1);
    let id = keeper.create("New", None);
    assert_eq!(id, "w8");
}

#[test]
fn an_index_naming_a_missing_current_workspace_opens_the_first() {
    let mut store = MemoryStore::default();
    store.entries.insert(
        INDEX_KEY.into(),
        r#"{"format":"iamsim/workspaces@1","current":"w9","workspaces":[{"id":"w2","name":"B"},{"id":"w2","name":"dup"},{"id":"w3","name":"C"}]}"#.into(),
    );
    let keeper = Keeper::open(store);
    assert_eq!(keeper.current_id(), "w2");
    assert_eq!(names(&keeper), ["B", "C"]);
}

// --- several tabs --------------------------------------------------------------------------------

/// One store two keepers share, as two tabs of one browser share `localStorage`.
#[derive(Clone, Default)]
struct SharedStore(std::rc::Rc<std::cell::RefCell<MemoryStore>>);

impl KeyValue for SharedStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.borrow().get(key)
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.0.borrow_mut().set(key, value)
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.0.borrow_mut().remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.0.borrow().keys()
    }
}

fn two_tabs() -> (SharedStore, Keeper<SharedStore>, Keeper<SharedStore>) {
    let store = SharedStore::default();
    let a = Keeper::open(store.clone());
    let b = Keeper::open(store.clone());
    (store, a, b)
}

fn shared_names(keeper: &Keeper<SharedStore>) -> Vec<&str> {
    keeper.list().iter().map(|e| e.name.as_str()).collect()
}

#[test]
fn two_tabs_changes_compose_and_their_new_ids_differ() {
    let (store, mut a, mut b) = two_tabs();
    // A adds a starter workspace: only the list is written, no entry yet.
    let alpha = a.create("Alpha", None);
    // B has not seen it; its new workspace must neither reuse Alpha's id nor drop it.
    let beta = b.create("Beta", Some(&scenario("beta", "s3:GetObject")));
    assert_ne!(alpha, beta);
    assert_eq!(shared_names(&b), ["Workspace 1", "Alpha", "Beta"]);
    // A renames B's workspace and B deletes the first: both stay done.
    a.rename(&beta, "Beta renamed");
    let first = b.list()[0].id.clone();
    b.delete(&first);
    a.refresh();
    assert_eq!(shared_names(&a), ["Alpha", "Beta renamed"]);
    let reopened = Keeper::open(store);
    assert_eq!(shared_names(&reopened), ["Alpha", "Beta renamed"]);
    // Each tab kept its own current workspace.
    assert_eq!(a.current_id(), alpha);
    assert_eq!(b.current_id(), beta);
}

#[test]
fn a_tab_learns_that_another_changed_its_workspace_and_reads_it() {
    let (_store, mut a, mut b) = two_tabs();
    assert_eq!(a.current_id(), b.current_id());
    assert_eq!(b.refresh(), Refreshed::default());
    a.save_current(&scenario("from A", "s3:GetObject"));
    assert!(a.is_saved(&scenario("from A", "s3:GetObject")));
    assert!(!b.is_saved(&scenario("from A", "s3:GetObject")));
    let seen = b.refresh();
    assert!(seen.current_changed && !seen.current_deleted);
    assert_eq!(b.load_current(), Some(scenario("from A", "s3:GetObject")));
    assert!(b.is_saved(&scenario("from A", "s3:GetObject")));
    // Read: nothing new until A saves again.
    assert_eq!(b.refresh(), Refreshed::default());
    a.save_current(&scenario("again", "s3:PutObject"));
    assert!(b.refresh().current_changed);
}

#[test]
fn a_workspace_deleted_in_another_tab_stays_open_and_is_listed_again_when_saved() {
    let (store, mut a, mut b) = two_tabs();
    let kept = a.create("Kept", Some(&scenario("kept", "s3:GetObject")));
    b.refresh();
    b.delete(&kept);
    let seen = a.refresh();
    assert!(seen.current_deleted);
    assert_eq!(a.current_id(), kept);
    assert_eq!(shared_names(&a), ["Workspace 1"]);
    // What is typed in A after the deletion is not lost: saving lists it again, by its name.
    a.save_current(&scenario("typed after", "s3:PutObject"));
    assert_eq!(shared_names(&a), ["Workspace 1", "Kept"]);
    let mut reopened = Keeper::open(store);
    assert!(reopened.switch(&kept));
    assert_eq!(
        reopened.load_current(),
        Some(scenario("typed after", "s3:PutObject"))
    );
    // Deleting it in A as well removes it for good.
    a.delete(&kept);
    assert_eq!(shared_names(&a), ["Workspace 1"]);
    assert!(!a.refresh().current_deleted);
}

#[test]
fn an_unreadable_list_left_by_another_tab_is_set_aside_and_this_tabs_list_kept() {
    let (store, mut a, _b) = two_tabs();
    a.create("Mine", None);
    store
        .0
        .borrow_mut()
        .entries
        .insert(INDEX_KEY.into(), "{not json".into());
    a.rename(a.current_id().to_string().as_str(), "Mine renamed");
    assert_eq!(shared_names(&a), ["Workspace 1", "Mine renamed"]);
    let notices = a.take_notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(
        notices[0].contains("iamsim.backup@1.workspaces@1"),
        "{}",
        notices[0]
    );
    let kept = store
        .0
        .borrow()
        .entries
        .get("iamsim.backup@1.workspaces@1")
        .cloned();
    assert_eq!(kept.as_deref(), Some("{not json"));
}

/// Two tabs taking turns at random (a fixed seed): whatever the interleaving, a new workspace
/// never takes an id used before (a deleted one put back keeps its own or gets a new one), the
/// stored list stays readable with unique ids, and what a tab saves is what the store then
/// holds for its workspace.
#[test]
fn two_tabs_interleaved_never_share_an_id_or_lose_a_save() {
    for run in 1..=40 {
        interleave_two_tabs(run, 300);
    }
}

/// Records an id just made, which must never have been used before.
fn first_use(ever: &mut Vec<String>, id: String, at: &str) {
    assert!(!ever.contains(&id), "{at}: {id} was used before");
    ever.push(id);
}

fn interleave_two_tabs(run: u64, steps: usize) {
    let (store, a, b) = two_tabs();
    let mut tabs = [a, b];
    let mut ever: Vec<String> = store
        .0
        .borrow()
        .keys()
        .unwrap_or_default()
        .iter()
        .filter_map(|k| k.strip_prefix(ENTRY_PREFIX).map(str::to_string))
        .chain(tabs.iter().map(|t| t.current_id().to_string()))
        .collect();
    let mut bin: Vec<Deleted> = Vec::new();
    let mut seed = run.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for step in 0..steps {
        let tab = &mut tabs[next(2) as usize];
        let listed: Vec<String> = tab.list().iter().map(|e| e.id.clone()).collect();
        let pick = listed
            .get(next(listed.len().max(1) as u64) as usize)
            .cloned();
        match next(8) {
            0 => {
                let id = tab.create("", None);
                first_use(&mut ever, id, &format!("run {run} step {step}"));
            }
            1 => {
                let id = tab.create("Made", Some(&scenario("made", "s3:GetObject")));
                first_use(&mut ever, id, &format!("run {run} step {step}"));
            }
            2 => tab.rename(pick.as_deref().unwrap_or(""), &format!("Name {step}")),
            3 => bin.extend(tab.delete(pick.as_deref().unwrap_or(""))),
            4 if !bin.is_empty() => {
                let deleted = bin.swap_remove(next(bin.len() as u64) as usize);
                let id = tab.restore(&deleted);
                if id != deleted.entry.id {
                    first_use(&mut ever, id, &format!("run {run} step {step}"));
                }
            }
            4 | 7 => {
                tab.switch(pick.as_deref().unwrap_or(""));
            }
            5 => {
                let saved = scenario(&format!("saved {step}"), "s3:PutObject");
                tab.save_current(&saved);
                let key = entry_key(tab.current_id());
                let stored = store.0.borrow().get(&key).ok().flatten();
                assert_eq!(
                    stored.as_deref().map(parse_scenario),
                    Some(Ok(saved)),
                    "run {run} step {step}"
                );
                assert!(tab.list().iter().any(|e| e.id == tab.current_id()));
            }
            _ => {
                tab.refresh();
            }
        }
        let raw = store.0.borrow().get(INDEX_KEY).ok().flatten();
        let index = parse_index(raw.as_deref().unwrap_or("")).expect("a readable stored list");
        let mut ids: Vec<&str> = index.workspaces.iter().map(|e| e.id.as_str()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(
            ids.len(),
            count,
            "run {run} step {step}: duplicate ids in {raw:?}"
        );
        assert!(count > 0, "run {run} step {step}: the stored list is empty");
    }
    for tab in &mut tabs {
        assert!(tab.take_notices().is_empty());
    }
}

#[test]
fn a_deleted_workspace_is_put_back_where_it_was_with_what_it_held() {
    let mut keeper = Keeper::open(MemoryStore::default());
    let first = keeper.current_id().to_string();
    keeper.save_current(&scenario("one", "s3:GetObject"));
    let second = keeper.create("Two", Some(&scenario("two", "s3:PutObject")));
    keeper.create("Three", None);
    // Not the open one: it comes back in its place; the open one stays open.
    let deleted = keeper.delete(&first).expect("deleted");
    assert!(!deleted.was_current);
    assert_eq!(names(&keeper), ["Two", "Three"]);
    assert_eq!(keeper.restore(&deleted), first);
    assert_eq!(names(&keeper), ["Workspace 1", "Two", "Three"]);
    assert_eq!(current_name(&keeper), "Three");
    assert!(keeper.switch(&first));
    assert_eq!(keeper.load_current(), Some(scenario("one", "s3:GetObject")));
    // The open one: its neighbour opens; restored, it is open again, as saved.
    assert!(keeper.switch(&second));
    let deleted = keeper.delete(&second).expect("deleted");
    assert!(deleted.was_current);
    assert_eq!(current_name(&keeper), "Three");
    keeper.restore(&deleted);
    assert_eq!(current_name(&keeper), "Two");
    assert_eq!(keeper.load_current(), Some(scenario("two", "s3:PutObject")));
    let mut reopened = reopen(keeper);
    assert_eq!(names(&reopened), ["Workspace 1", "Two", "Three"]);
    assert_eq!(
        reopened.load_current(),
        Some(scenario("two", "s3:PutObject"))
    );
    assert!(reopened.take_notices().is_empty());
}

#[test]
fn undoing_the_deletion_of_the_last_workspace_takes_back_the_fresh_one_made_for_it() {
    let mut keeper = Keeper::open(MemoryStore::default());
    let only = keeper.current_id().to_string();
    keeper.save_current(&scenario("only", "s3:GetObject"));
    let deleted = keeper.delete(&only).expect("deleted");
    assert_eq!(names(&keeper), ["Workspace 1"]);
    assert_ne!(keeper.current_id(), only);
    keeper.restore(&deleted);
    assert_eq!(keeper.list().len(), 1);
    assert_eq!(keeper.current_id(), only);
    assert_eq!(
        keeper.load_current(),
        Some(scenario("only", "s3:GetObject"))
    );
    // Once the fresh one holds work, it stays.
    let deleted = keeper.delete(&only).expect("deleted");
    keeper.save_current(&scenario("typed in the fresh one", "s3:PutObject"));
    keeper.restore(&deleted);
    assert_eq!(keeper.list().len(), 2);
}

#[test]
fn ids_are_never_made_twice_and_a_workspace_put_back_twice_is_a_copy() {
    let mut keeper = Keeper::open(MemoryStore::default());
    keeper.save_current(&scenario("one", "s3:GetObject"));
    let last = keeper.create("Last", Some(&scenario("last", "s3:PutObject")));
    let deleted = keeper.delete(&last).expect("deleted");
    // The highest id is free again, yet a new workspace does not take it, even after a reload.
    let mut keeper = reopen(keeper);
    let newer = keeper.create("Newer", Some(&scenario("newer", "ec2:RunInstances")));
    assert_ne!(newer, last);
    assert_eq!(keeper.restore(&deleted), last);
    let copy = keeper.restore(&deleted);
    assert!(copy != last && copy != newer);
    assert_eq!(names(&keeper), ["Workspace 1", "Last", "Last", "Newer"]);
    for id in [last, copy] {
        assert!(keeper.switch(&id));
        assert_eq!(
            keeper.load_current(),
            Some(scenario("last", "s3:PutObject"))
        );
    }
}

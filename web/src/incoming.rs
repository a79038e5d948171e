//! Incoming share links: a fragment that carries a scenario opens as a new saved workspace; one
//! that cannot be read leaves every workspace as it was and says why.

use crate::storage::workspaces::Keeper;
use crate::storage::KeyValue;
use iamsim_core::scenario::share::decode_fragment;
use iamsim_core::scenario::Scenario;

/// The name of a workspace opened from a link whose scenario has no name.
pub const UNNAMED_LINK: &str = "Shared link";

/// What opening a link did.
#[derive(Debug, PartialEq)]
pub struct Opened {
    /// The scenario now current (saved as a new workspace); `None` when the link failed and
    /// nothing changed.
    pub scenario: Option<Scenario>,
    /// What to tell the user: the new workspace's name and the link's notes, or the error.
    pub notices: Vec<String>,
}

/// Reads `fragment` (with or without `#`) and, when it holds a scenario, saves it as a new
/// current workspace named after it. The current workspace must be saved before this.
pub fn open_link<S: KeyValue>(keeper: &mut Keeper<S>, fragment: &str) -> Opened {
    match decode_fragment(fragment) {
        Ok(link) => {
            let name = link
                .scenario
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or(UNNAMED_LINK)
                .to_string();
            keeper.create(&name, Some(&link.scenario));
            let mut notices = vec![format!(
                "the shared link opened as a new workspace, “{name}”; your other workspaces are \
                 in the list at the top"
            )];
            notices.extend(link.notes);
            Opened {
                scenario: Some(link.scenario),
                notices,
            }
        }
        Err(e) => Opened {
            scenario: None,
            notices: vec![format!(
                "the shared link could not be opened: {e}. Nothing on screen was changed."
            )],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::State;
    use crate::storage::MemoryStore;
    use iamsim_core::scenario::share::encode_fragment;

    fn named(name: Option<&str>) -> Scenario {
        let mut scenario = State::default().to_scenario();
        scenario.name = name.map(str::to_string);
        scenario
    }

    #[test]
    fn a_link_opens_as_a_new_current_workspace_named_after_its_scenario() {
        let mut keeper = Keeper::open(MemoryStore::default());
        let mine = named(Some("mine"));
        keeper.save_current(&mine);
        let before = keeper.current_id().to_string();

        let shared = named(Some("  Bucket access  "));
        let opened = open_link(&mut keeper, &format!("#{}", encode_fragment(&shared)));
        assert_eq!(opened.scenario.as_ref(), Some(&shared));
        assert!(
            opened.notices[0].contains("“Bucket access”"),
            "{:?}",
            opened.notices
        );
        assert_ne!(keeper.current_id(), before);
        assert_eq!(keeper.load_current(), Some(shared));
        // The workspace that was open is untouched.
        assert!(keeper.switch(&before));
        assert_eq!(keeper.load_current(), Some(mine));

        let opened = open_link(&mut keeper, &encode_fragment(&named(None)));
        assert!(opened.notices[0].contains(&format!("“{UNNAMED_LINK}”")));
        assert_eq!(
            keeper
                .list()
                .iter()
                .map(|e| e.name.as_str())
                .collect::<Vec<_>>(),
            ["Workspace 1", "Bucket access", UNNAMED_LINK]
        );
    }

    #[test]
    fn a_link_from_a_newer_iamsim_opens_with_its_notes() {
        let mut keeper = Keeper::open(MemoryStore::default());
        let fragment = encode_fragment(&named(Some("x")));
        let newer = fragment.replace(
            &format!("v={}", iamsim_core::scenario::share::IAMSIM_VERSION),
            "v=99.0.0",
        );
        let opened = open_link(&mut keeper, &newer);
        assert!(opened.scenario.is_some());
        assert!(
            opened.notices.iter().any(|n| n.contains("99.0.0")),
            "{:?}",
            opened.notices
        );
    }

    #[test]
    fn a_cut_or_altered_link_changes_nothing_and_says_why() {
        let fragment = encode_fragment(&named(Some("shared")));
        let cut = &fragment[..fragment.find('&').unwrap_or(fragment.len()) / 2];
        for bad in [cut, "s=%%%not-base64", "s=AAAA", "s="] {
            let mut keeper = Keeper::open(MemoryStore::default());
            keeper.save_current(&named(Some("mine")));
            let ids: Vec<_> = keeper.list().to_vec();
            let opened = open_link(&mut keeper, bad);
            assert_eq!(opened.scenario, None, "{bad}");
            assert_eq!(opened.notices.len(), 1);
            assert!(
                opened.notices[0].starts_with("the shared link could not be opened: the link"),
                "{bad}: {}",
                opened.notices[0]
            );
            assert_eq!(keeper.list(), ids.as_slice());
            assert_eq!(keeper.load_current(), Some(named(Some("mine"))));
        }
    }
}

//! What the lints read about an `Action` element and about a condition key, worked out once per
//! distinct text on each thread: the same elements (`["ecr:PutImage", "ecr:Batch*"]`) and keys
//! come back in scenario after scenario, while the rest of each policy (ARNs, values, Sids)
//! differs. Every fact depends on the texts alone, so a cached fact is the fact.

use super::super::{catalog, Action, Catalog, KeyInfo, ResourceType};
use crate::matching::cache::{
    cached, cached_after_last, cached_by_id, cached_list, IdCache, LastLookup, ListCache,
    TextCache, TextsId,
};
use crate::policy::StringElement;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

/// The actions one `Action` entry names, shared.
pub(super) type Expansion = Rc<[Action<'static>]>;

/// The catalog facts of one `Action`/`NotAction` element.
#[derive(Debug, PartialEq)]
pub(super) struct ActionFacts {
    /// Per entry: the actions it names. A lone `"*"` is not expanded: nothing reads it.
    pub expanded: Vec<Expansion>,
    /// Per entry: its service prefix is plain text (no wildcard) that names no service.
    pub unknown_service: Vec<bool>,
    /// Per entry without wildcard: the action it names, when that action has no resource type.
    pub only_star: Vec<Option<Action<'static>>>,
    /// Per entry: it names `iam:PassRole`.
    pub passes_role: Vec<bool>,
    /// `(i, j)`: entry `i`'s actions are covered by entry `j`'s (`redundant-action`).
    pub redundant: Vec<(usize, usize)>,
    /// Every action the element names, sorted by id, without duplicates; `None` when that is
    /// not a useful set: `NotAction` (everything else) or `"*"` (everything).
    pub named: Option<Vec<Action<'static>>>,
    /// The distinct resource types of `named`, in first-seen order.
    pub types: Vec<ResourceType<'static>>,
}

impl ActionFacts {
    /// Works the facts out (the plain path; [`ActionFacts::of`] caches its answers).
    pub(super) fn new(element: &StringElement) -> ActionFacts {
        let cat = catalog();
        let lone = element.values.len() == 1;
        let expanded: Vec<Expansion> = element
            .values
            .iter()
            .map(|v| {
                if v.value == "*" && lone {
                    Rc::from([])
                } else {
                    expansion(cat, &v.value)
                }
            })
            .collect();
        let unknown_service = element
            .values
            .iter()
            .map(|v| match v.value.split_once(':') {
                Some((prefix, _)) => !has_wildcard(prefix) && cat.service(prefix).is_none(),
                None => false,
            })
            .collect();
        let only_star = element
            .values
            .iter()
            .map(|v| {
                if has_wildcard(&v.value) {
                    return None;
                }
                cat.action(&v.value).filter(Action::accepts_only_star)
            })
            .collect();
        let passes_role = expanded
            .iter()
            .map(|actions| {
                actions
                    .iter()
                    .any(|a| a.name() == "PassRole" && a.service().prefix() == "iam")
            })
            .collect();
        let named = named_actions(element, &expanded);
        let mut types: Vec<ResourceType<'static>> = Vec::new();
        for a in named.iter().flatten() {
            for r in a.resource_types() {
                if !types.contains(&r.resource_type) {
                    types.push(r.resource_type);
                }
            }
        }
        ActionFacts {
            redundant: redundant(&expanded),
            expanded,
            unknown_service,
            only_star,
            passes_role,
            named,
            types,
        }
    }

    /// The facts of `element`, from this thread's cache when it has seen the same texts.
    pub(super) fn of(element: &StringElement) -> Rc<ActionFacts> {
        let texts = element.values.iter().map(|v| v.value.as_str());
        cached_list(&ELEMENTS, element.negated, texts, || {
            Rc::new(ActionFacts::new(element))
        })
    }

    /// As [`Self::of`], `id` standing for `element`'s texts and negation (its compiled form's
    /// [`TextsId`]): looked up by that number instead of by the texts.
    pub(super) fn of_compiled(element: &StringElement, id: TextsId) -> Rc<ActionFacts> {
        cached_by_id(&BY_ID, id, || ActionFacts::of(element))
    }
}

/// `catalog().condition_key(key)`, from this thread's cache when it has seen the same text
/// (tried first: the key it was asked for last, kept as `shared()`, the key shared).
pub(super) fn condition_key(key: &str, shared: impl FnOnce() -> Arc<str>) -> Option<KeyInfo> {
    cached_after_last(&LAST_KEY, &KEYS, key, shared, || {
        catalog().condition_key(key)
    })
}

thread_local! {
    static ELEMENTS: RefCell<ListCache<Rc<ActionFacts>>> = RefCell::new(ListCache::default());
    static BY_ID: RefCell<IdCache<Rc<ActionFacts>>> = RefCell::new(IdCache::default());
    static KEYS: RefCell<TextCache<Option<KeyInfo>>> = RefCell::new(TextCache::default());
    static LAST_KEY: LastLookup<Option<KeyInfo>> = const { RefCell::new(None) };
    /// Expansions by entry text: elements that share entries share them.
    static EXPANSIONS: RefCell<TextCache<Expansion>> = RefCell::new(TextCache::default());
}

/// `cat.expand(text)`, from this thread's cache when it has seen the same text.
pub(super) fn expansion(cat: &'static Catalog, text: &str) -> Expansion {
    cached(&EXPANSIONS, text, || cat.expand(text).into())
}

fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

fn named_actions(element: &StringElement, expanded: &[Expansion]) -> Option<Vec<Action<'static>>> {
    if element.negated || element.values.iter().any(|v| v.value == "*") {
        return None;
    }
    let mut all: Vec<Action<'static>> = expanded.iter().flat_map(|e| e.iter()).copied().collect();
    all.sort_by_key(Action::id);
    all.dedup();
    Some(all)
}

/// For each entry with actions, the first other entry that covers them; when two entries cover
/// each other, only the later one is reported.
fn redundant(expanded: &[Expansion]) -> Vec<(usize, usize)> {
    if expanded.len() < 2 {
        return Vec::new();
    }
    let sets: Vec<Vec<u32>> = expanded
        .iter()
        .map(|actions| {
            let mut ids: Vec<u32> = actions.iter().map(Action::id).collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    let mut out = Vec::new();
    for (i, mine) in sets.iter().enumerate() {
        if mine.is_empty() {
            continue;
        }
        let cover = sets.iter().enumerate().find(|&(j, other)| {
            j != i && is_subset(mine, other) && (j < i || !is_subset(other, mine))
        });
        if let Some((j, _)) = cover {
            out.push((i, j));
        }
    }
    out
}

/// Whether sorted `a` ⊆ sorted `b`.
fn is_subset(a: &[u32], b: &[u32]) -> bool {
    let mut b = b.iter().peekable();
    a.iter().all(|x| {
        while b.next_if(|y| *y < x).is_some() {}
        b.next_if(|y| *y == x).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::cache::KEPT;

    /// M2: an expansion from the per-thread cache is the catalog's expansion of the same text,
    /// on first use, on reuse, and after the cache was emptied for being full.
    #[test]
    fn m2_cached_expansions_are_the_catalogs() {
        let cat = catalog();
        let ids = |actions: &[Action<'_>]| actions.iter().map(Action::id).collect::<Vec<_>>();
        let texts = [
            "ecr:Batch*",
            "ECR:batch*",
            "s3:GetObject",
            "s3:Nope",
            "*:Describe*",
            "x",
        ];
        for round in 0..2 {
            for text in texts {
                let plain = cat.expand(text);
                assert_eq!(
                    ids(&expansion(cat, text)),
                    ids(&plain),
                    "{text}, round {round}"
                );
            }
        }
        assert!(!cat.expand("ecr:Batch*").is_empty());
        for i in 0..KEPT + 1 {
            let _ = expansion(cat, &format!("ecr:Get{i}*"));
        }
        for text in texts {
            assert_eq!(ids(&expansion(cat, text)), ids(&cat.expand(text)), "{text}");
        }
    }

    /// M1–M5: the cached facts of an element are the facts worked out afresh, on first use, on
    /// reuse, for elements that differ only in negation, order or where the texts split, and
    /// after the cache was emptied for being full.
    #[test]
    fn m2_cached_action_facts_are_fresh_ones() {
        let vocabulary: &[(bool, &[&str])] = &[
            (false, &["ecr:PutImage", "ecr:Batch*"]),
            (true, &["ecr:PutImage", "ecr:Batch*"]),
            (false, &["ecr:Batch*", "ecr:PutImage"]),
            (false, &["ecr:BatchGetImage", "ecr:Batch*", "ecr:*"]),
            (false, &["ecr:Put", "Image"]),
            (false, &["ecr:PutImage"]),
            (false, &["*"]),
            (false, &["*", "iam:PassRole"]),
            (false, &["iam:Pass*", "s3:GetObject"]),
            (
                false,
                &["ecr:GetAuthorizationToken", "sts:GetCallerIdentity"],
            ),
            (
                false,
                &["nosuchservice:Get*", "s3:NoSuchAction", "s3:Zz*", "x"],
            ),
            (false, &["*:Describe*", "e?r:Get*"]),
            (false, &[]),
        ];
        let check = |round: &str| {
            for &(negated, texts) in vocabulary {
                let e = StringElement::of_texts(negated, texts);
                assert_eq!(
                    *ActionFacts::of(&e),
                    ActionFacts::new(&e),
                    "{texts:?} {round}"
                );
            }
        };
        check("first use");
        check("reuse");
        for i in 0..KEPT + 1 {
            let _ = ActionFacts::of(&StringElement::of_texts(false, &[&format!("ecr:Get{i}*")]));
        }
        check("after emptying");
        // Both answers of each fact occur, so the comparison can fail.
        let facts: Vec<ActionFacts> = vocabulary
            .iter()
            .map(|&(n, t)| ActionFacts::new(&StringElement::of_texts(n, t)))
            .collect();
        assert!(facts.iter().any(|f| !f.redundant.is_empty()));
        assert!(facts.iter().any(|f| f.unknown_service.contains(&true)));
        assert!(facts
            .iter()
            .any(|f| f.only_star.iter().any(Option::is_some)));
        assert!(facts.iter().any(|f| f.passes_role.contains(&true)));
        assert!(facts.iter().any(|f| f.named.is_none()));
        assert!(facts.iter().any(|f| !f.types.is_empty()));
    }

    /// C2: a condition key's cached information is the catalog's, in any spelling.
    #[test]
    fn c2_cached_condition_keys_are_the_catalogs() {
        let keys = [
            "aws:PrincipalTag/role",
            "AWS:principaltag/role",
            "ecr:ResourceTag/env",
            "s3:prefix",
            "token.actions.githubusercontent.com:sub",
            "aws:NoSuchKey",
            "nokey",
            "",
        ];
        for round in 0..2 {
            for key in keys {
                assert_eq!(
                    condition_key(key, || Arc::from(key)),
                    catalog().condition_key(key),
                    "{key} {round}"
                );
            }
        }
        let shared = |key: &str| Arc::from(key);
        assert!(
            condition_key("aws:PrincipalTag/role", || shared("aws:PrincipalTag/role")).is_some()
        );
        assert!(condition_key("aws:NoSuchKey", || shared("aws:NoSuchKey")).is_none());
    }
}

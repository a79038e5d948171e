//! Borrowed views of catalog rows: cheap `Copy` handles (catalog reference + index).

use super::arn::{arn_matches_template, ArnPattern};
use super::global_keys::global_key;
use super::parse::Run;
use super::template::{is_template, template_matches};
use super::types::{AccessLevels, KeyType};
use super::{cmp_ci, index, Catalog};
use std::fmt;

/// What the catalog knows about one condition key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    /// As documented, with `${…}` placeholders (`aws:ResourceTag/${TagKey}`).
    pub name: &'static str,
    pub ty: KeyType,
    /// The owning service prefix; `None` for a global key.
    pub service: Option<&'static str>,
    /// For global keys: when AWS sends the key.
    pub when: Option<&'static str>,
}

#[derive(Clone, Copy)]
pub struct Service<'c> {
    cat: &'c Catalog,
    id: u32,
}

#[derive(Clone, Copy)]
pub struct Action<'c> {
    cat: &'c Catalog,
    id: u32,
}

#[derive(Clone, Copy)]
pub struct ResourceType<'c> {
    cat: &'c Catalog,
    id: u32,
}

#[derive(Clone, Copy)]
pub struct ConditionKey<'c> {
    cat: &'c Catalog,
    id: u32,
}

/// One resource type an action accepts, and the keys the action supports on it.
#[derive(Clone, Copy)]
pub struct ActionResourceType<'c> {
    pub resource_type: ResourceType<'c>,
    /// Marked `*` in AWS's tables: a request naming this type must be allowed on it.
    pub required: bool,
    keys: Run,
}

fn keys_of(cat: &Catalog, run: Run) -> impl Iterator<Item = ConditionKey<'_>> + '_ {
    let refs = cat.tables().refs.get(run.range()).unwrap_or_default();
    refs.iter().map(move |&id| ConditionKey { cat, id })
}

impl<'c> Service<'c> {
    pub(super) fn new(cat: &'c Catalog, id: u32) -> Self {
        Service { cat, id }
    }

    fn rec(&self) -> &'c super::parse::ServiceRec {
        // Ids are only made from in-range indices; fall back to the first row defensively.
        let s = &self.cat.tables().services;
        &s[(self.id as usize).min(s.len().saturating_sub(1))]
    }

    /// The prefix used in actions and keys, e.g. `ecr`.
    pub fn prefix(&self) -> &'static str {
        self.rec().prefix
    }

    /// The service's name, e.g. `Amazon Elastic Container Registry`.
    pub fn name(&self) -> &'static str {
        self.rec().name
    }

    /// The actions, sorted case-insensitively by name.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = Action<'c>> + 'c {
        let cat = self.cat;
        self.rec()
            .actions
            .range()
            .map(move |i| Action { cat, id: index(i) })
    }

    /// The actions whose name starts with `prefix` (ASCII), case-insensitively, in catalog order.
    pub fn actions_with_prefix(&self, prefix: &str) -> impl Iterator<Item = Action<'c>> + 'c {
        let cat = self.cat;
        let run = self.rec().actions;
        let rows = cat.tables().actions.get(run.range()).unwrap_or_default();
        fn head(name: &str, len: usize) -> &str {
            name.get(..len).unwrap_or(name)
        }
        let n = prefix.len();
        // Names are sorted case-insensitively, so the names with this prefix form one run.
        let lo = rows.partition_point(|a| cmp_ci(head(a.name, n), prefix).is_lt());
        let hi = rows.partition_point(|a| cmp_ci(head(a.name, n), prefix).is_le());
        (run.start + index(lo)..run.start + index(hi.max(lo))).map(move |id| Action { cat, id })
    }

    /// One action by name (without the prefix), case-insensitively (M1).
    pub fn action(&self, name: &str) -> Option<Action<'c>> {
        let run = self.rec().actions;
        let rows = self.cat.tables().actions.get(run.range())?;
        let i = rows.binary_search_by(|a| cmp_ci(a.name, name)).ok()?;
        Some(Action {
            cat: self.cat,
            id: run.start + index(i),
        })
    }

    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ResourceType<'c>> + 'c {
        let cat = self.cat;
        self.rec()
            .resource_types
            .range()
            .map(move |i| ResourceType { cat, id: index(i) })
    }

    /// The resource type named `name` (case-insensitive).
    pub fn resource_type(&self, name: &str) -> Option<ResourceType<'c>> {
        self.resource_types()
            .find(|r| r.name().eq_ignore_ascii_case(name))
    }

    /// The service's condition keys (as documented, with templates), sorted by name.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey<'c>> + 'c {
        let cat = self.cat;
        self.rec()
            .keys
            .range()
            .map(move |i| ConditionKey { cat, id: index(i) })
    }

    /// The service key `key` (full name, e.g. `ecr:ResourceTag/env`), exact or by template.
    pub fn condition_key(&self, key: &str) -> Option<ConditionKey<'c>> {
        let run = self.rec().keys;
        let rows = self.cat.tables().keys.get(run.range())?;
        if let Ok(i) = rows.binary_search_by(|k| cmp_ci(k.name, key)) {
            return Some(ConditionKey {
                cat: self.cat,
                id: run.start + index(i),
            });
        }
        rows.iter()
            .position(|k| is_template(k.name) && template_matches(k.name, key))
            .map(|i| ConditionKey {
                cat: self.cat,
                id: run.start + index(i),
            })
    }
}

impl<'c> Action<'c> {
    pub(super) fn new(cat: &'c Catalog, id: u32) -> Self {
        Action { cat, id }
    }

    fn rec(&self) -> &'c super::parse::ActionRec {
        let a = &self.cat.tables().actions;
        &a[(self.id as usize).min(a.len().saturating_sub(1))]
    }

    /// The name without the prefix, in AWS's casing, e.g. `GetAuthorizationToken`.
    pub fn name(&self) -> &'static str {
        self.rec().name
    }

    pub fn service(&self) -> Service<'c> {
        Service::new(self.cat, self.rec().service)
    }

    /// `prefix:Name`, e.g. `ecr:GetAuthorizationToken`.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service().prefix(), self.name())
    }

    pub fn access_levels(&self) -> AccessLevels {
        self.rec().access
    }

    /// The resource types the action accepts, with the `required` flag and per-type keys.
    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ActionResourceType<'c>> + 'c {
        let cat = self.cat;
        let rows = cat
            .tables()
            .action_resource_types
            .get(self.rec().resource_types.range())
            .unwrap_or_default();
        rows.iter().map(move |r| ActionResourceType {
            resource_type: ResourceType {
                cat,
                id: r.resource_type,
            },
            required: r.required,
            keys: r.keys,
        })
    }

    /// Whether the action has no resource type: the request resource is `*`, and only a policy
    /// `Resource: "*"` (or a pattern that matches the text `*`) applies to it (M4).
    pub fn accepts_only_star(&self) -> bool {
        self.rec().resource_types.len == 0
    }

    /// Whether `arn` (an ARN or ARN pattern) can name one of the action's resource types.
    pub fn accepts_arn(&self, arn: &str) -> bool {
        let arn = ArnPattern::new(arn);
        self.resource_types()
            .any(|r| r.resource_type.matches_pattern(&arn))
    }

    /// The action's condition keys: its own, those it supports on its resource types, and those
    /// the resource types define (deduplicated, in that order). Global keys apply to every action
    /// and are not listed: see [`Action::supports_condition_key`].
    pub fn condition_keys(&self) -> Vec<ConditionKey<'c>> {
        let mut ids: Vec<u32> = keys_of(self.cat, self.rec().keys).map(|k| k.id).collect();
        for r in self.resource_types() {
            ids.extend(keys_of(self.cat, r.keys).map(|k| k.id));
            ids.extend(r.resource_type.condition_keys().map(|k| k.id));
        }
        let mut seen = Vec::with_capacity(ids.len());
        for id in ids {
            if !seen.contains(&id) {
                seen.push(id);
            }
        }
        seen.into_iter()
            .map(|id| ConditionKey { cat: self.cat, id })
            .collect()
    }

    /// Whether a condition on `key` can be true for this action: a global key, or one of
    /// [`Action::condition_keys`] (tag keys and other templates included). Case-insensitive (C2).
    pub fn supports_condition_key(&self, key: &str) -> bool {
        global_key(key).is_some() || self.condition_keys().iter().any(|k| k.matches(key))
    }
}

impl fmt::Debug for Action<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Action({})", self.full_name())
    }
}

impl fmt::Display for Action<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service().prefix(), self.name())
    }
}

impl PartialEq for Action<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && std::ptr::eq(self.cat, other.cat)
    }
}

impl Eq for Action<'_> {}

impl<'c> Action<'c> {
    /// A stable index of the action within its catalog (for sets and sorting).
    pub fn id(&self) -> u32 {
        self.id
    }
}

impl<'c> ActionResourceType<'c> {
    /// Keys the action supports on this resource type (its row in AWS's table).
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKey<'c>> + 'c {
        keys_of(self.resource_type.cat, self.keys)
    }
}

impl<'c> ResourceType<'c> {
    pub(super) fn new(cat: &'c Catalog, id: u32) -> Self {
        ResourceType { cat, id }
    }

    fn rec(&self) -> &'c super::parse::ResourceTypeRec {
        let r = &self.cat.tables().resource_types;
        &r[(self.id as usize).min(r.len().saturating_sub(1))]
    }

    /// E.g. `repository`.
    pub fn name(&self) -> &'static str {
        self.rec().name
    }

    pub fn service(&self) -> Service<'c> {
        Service::new(self.cat, self.rec().service)
    }

    /// The ARN template(s), e.g. `arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`.
    pub fn arn_templates(&self) -> impl Iterator<Item = &'static str> {
        self.rec().arns.split('|')
    }

    /// Keys defined on the resource type (e.g. `aws:ResourceTag/${TagKey}`).
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKey<'c>> + 'c {
        keys_of(self.cat, self.rec().keys)
    }

    /// Whether `arn` (an ARN or ARN pattern) can be of this type.
    pub fn matches_arn(&self, arn: &str) -> bool {
        self.arn_templates().any(|t| arn_matches_template(arn, t))
    }

    /// [`ResourceType::matches_arn`] for an ARN tokenized once, against the type's templates
    /// compiled once: for testing one ARN against many types.
    pub fn matches_pattern(&self, arn: &ArnPattern<'_>) -> bool {
        self.cat
            .compiled_templates(self.id, self.rec().arns)
            .iter()
            .any(|t| arn.matches(t))
    }
}

impl PartialEq for ResourceType<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && std::ptr::eq(self.cat, other.cat)
    }
}

impl Eq for ResourceType<'_> {}

impl fmt::Debug for ResourceType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ResourceType({}:{})",
            self.service().prefix(),
            self.name()
        )
    }
}

impl<'c> ConditionKey<'c> {
    fn rec(&self) -> &'c super::parse::KeyRec {
        let k = &self.cat.tables().keys;
        &k[(self.id as usize).min(k.len().saturating_sub(1))]
    }

    /// As documented, e.g. `ecr:ResourceTag/${TagKey}`.
    pub fn name(&self) -> &'static str {
        self.rec().name
    }

    pub fn key_type(&self) -> KeyType {
        self.rec().ty
    }

    /// Whether `key` as written in a policy is this key (case-insensitive; templates match any
    /// non-empty text in place of `${…}`).
    pub fn matches(&self, key: &str) -> bool {
        let name = self.name();
        name.eq_ignore_ascii_case(key) || (is_template(name) && template_matches(name, key))
    }

    pub fn info(&self) -> KeyInfo {
        KeyInfo {
            name: self.name(),
            ty: self.key_type(),
            service: Some(Service::new(self.cat, self.rec().service).prefix()),
            when: None,
        }
    }
}

impl fmt::Debug for ConditionKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConditionKey({}: {})", self.name(), self.key_type())
    }
}

//! Borrowed views of catalog rows: cheap `Copy` handles (catalog reference + id). A service's id
//! is its index; a row's id packs its service's index (high 16 bits) and the row's index in that
//! service's table (low 16 bits), so ids are unique, stable and in catalog order.

use super::arn::{arn_matches_template, ArnPattern};
use super::global_keys::global_key;
use super::parse::{ActionRec, KeyRec, ResourceTypeRec, Run, Tables};
use super::template::{is_template, template_matches};
use super::types::ValueType;
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

/// The id of row `local` of service `service`.
fn row_id(service: u32, local: u32) -> u32 {
    service << 16 | local
}

/// The service of a row id.
fn service_of(id: u32) -> u32 {
    id >> 16
}

/// A row id's index in its service's table.
fn local_of(id: u32) -> usize {
    (id & 0xffff) as usize
}

/// Rows `range` of one of a service's tables, as ids.
fn row_ids(service: u32, rows: std::ops::Range<usize>) -> impl ExactSizeIterator<Item = u32> {
    rows.map(move |i| row_id(service, index(i)))
}

/// The keys in `run` of service `service`'s `refs`.
fn keys_of(cat: &Catalog, service: u32, run: Run) -> impl Iterator<Item = ConditionKey<'_>> + '_ {
    let refs = cat
        .tables(service)
        .refs
        .get(run.range())
        .unwrap_or_default();
    refs.iter().map(move |&local| ConditionKey {
        cat,
        id: row_id(service, local),
    })
}

impl<'c> Service<'c> {
    pub(super) fn new(cat: &'c Catalog, id: u32) -> Self {
        Service { cat, id }
    }

    fn entry(&self) -> Option<&'c super::index::ServiceEntry> {
        self.cat.service_entry(self.id)
    }

    fn tables(&self) -> &'c Tables {
        self.cat.tables(self.id)
    }

    /// The prefix used in actions and keys, e.g. `ecr`.
    pub fn prefix(&self) -> &'static str {
        self.entry().map_or("", |e| e.prefix)
    }

    /// The service's name, e.g. `Amazon Elastic Container Registry`.
    pub fn name(&self) -> &'static str {
        self.entry().map_or("", |e| e.name)
    }

    /// The actions, sorted case-insensitively by name.
    pub fn actions(&self) -> impl ExactSizeIterator<Item = Action<'c>> + 'c {
        let cat = self.cat;
        row_ids(self.id, 0..self.tables().actions.len()).map(move |id| Action { cat, id })
    }

    /// The actions whose name starts with `prefix` (ASCII), case-insensitively, in catalog order.
    pub fn actions_with_prefix(&self, prefix: &str) -> impl Iterator<Item = Action<'c>> + 'c {
        let cat = self.cat;
        let rows = &self.tables().actions;
        fn head(name: &str, len: usize) -> &str {
            name.get(..len).unwrap_or(name)
        }
        let n = prefix.len();
        // Names are sorted case-insensitively, so the names with this prefix form one run.
        let lo = rows.partition_point(|a| cmp_ci(head(a.name, n), prefix).is_lt());
        let hi = rows.partition_point(|a| cmp_ci(head(a.name, n), prefix).is_le());
        row_ids(self.id, lo..hi.max(lo)).map(move |id| Action { cat, id })
    }

    /// One action by name (without the prefix), case-insensitively (M1).
    pub fn action(&self, name: &str) -> Option<Action<'c>> {
        let rows = &self.tables().actions;
        let i = rows.binary_search_by(|a| cmp_ci(a.name, name)).ok()?;
        Some(Action {
            cat: self.cat,
            id: row_id(self.id, index(i)),
        })
    }

    pub fn resource_types(&self) -> impl ExactSizeIterator<Item = ResourceType<'c>> + 'c {
        let cat = self.cat;
        row_ids(self.id, 0..self.tables().resource_types.len())
            .map(move |id| ResourceType { cat, id })
    }

    /// The resource type named `name` (case-insensitive).
    pub fn resource_type(&self, name: &str) -> Option<ResourceType<'c>> {
        self.resource_types()
            .find(|r| r.name().eq_ignore_ascii_case(name))
    }

    /// The service's condition keys (as documented, with templates), sorted by name.
    pub fn condition_keys(&self) -> impl ExactSizeIterator<Item = ConditionKey<'c>> + 'c {
        let cat = self.cat;
        row_ids(self.id, 0..self.tables().keys.len()).map(move |id| ConditionKey { cat, id })
    }

    /// The service key `key` (full name, e.g. `ecr:ResourceTag/env`), exact or by template.
    pub fn condition_key(&self, key: &str) -> Option<ConditionKey<'c>> {
        let rows = &self.tables().keys;
        let i = match rows.binary_search_by(|k| cmp_ci(k.name, key)) {
            Ok(i) => i,
            Err(_) => rows
                .iter()
                .position(|k| is_template(k.name) && template_matches(k.name, key))?,
        };
        Some(ConditionKey {
            cat: self.cat,
            id: row_id(self.id, index(i)),
        })
    }
}

impl<'c> Action<'c> {
    fn tables(&self) -> &'c Tables {
        self.cat.tables(service_of(self.id))
    }

    fn rec(&self) -> &'c ActionRec {
        static NONE: ActionRec = ActionRec {
            name: "",
            access: AccessLevels::NONE,
            resource_types: Run::EMPTY,
            keys: Run::EMPTY,
        };
        self.tables()
            .actions
            .get(local_of(self.id))
            .unwrap_or(&NONE)
    }

    /// The name without the prefix, in AWS's casing, e.g. `GetAuthorizationToken`.
    pub fn name(&self) -> &'static str {
        self.rec().name
    }

    pub fn service(&self) -> Service<'c> {
        Service::new(self.cat, service_of(self.id))
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
        let (cat, service) = (self.cat, service_of(self.id));
        let rows = self
            .tables()
            .action_resource_types
            .get(self.rec().resource_types.range())
            .unwrap_or_default();
        rows.iter().map(move |r| ActionResourceType {
            resource_type: ResourceType {
                cat,
                id: row_id(service, r.resource_type),
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
        let service = service_of(self.id);
        let mut ids: Vec<u32> = keys_of(self.cat, service, self.rec().keys)
            .map(|k| k.id)
            .collect();
        for r in self.resource_types() {
            ids.extend(r.condition_keys().map(|k| k.id));
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
    /// A stable id of the action within its catalog, in catalog order (for sets and sorting).
    pub fn id(&self) -> u32 {
        self.id
    }
}

impl<'c> ActionResourceType<'c> {
    /// Keys the action supports on this resource type (its row in AWS's table).
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKey<'c>> + 'c {
        let service = service_of(self.resource_type.id);
        keys_of(self.resource_type.cat, service, self.keys)
    }
}

impl<'c> ResourceType<'c> {
    pub(super) fn new(cat: &'c Catalog, id: u32) -> Self {
        ResourceType { cat, id }
    }

    fn rec(&self) -> &'c ResourceTypeRec {
        static NONE: ResourceTypeRec = ResourceTypeRec {
            name: "",
            arns: "",
            keys: Run::EMPTY,
        };
        let rows = &self.cat.tables(service_of(self.id)).resource_types;
        rows.get(local_of(self.id)).unwrap_or(&NONE)
    }

    /// E.g. `repository`.
    pub fn name(&self) -> &'static str {
        self.rec().name
    }

    pub fn service(&self) -> Service<'c> {
        Service::new(self.cat, service_of(self.id))
    }

    /// A stable id of the resource type within its catalog, in catalog order.
    pub(super) fn id(&self) -> u32 {
        self.id
    }

    /// The ARN template(s), e.g. `arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}`.
    pub fn arn_templates(&self) -> impl Iterator<Item = &'static str> {
        self.rec().arns.split('|')
    }

    /// Keys defined on the resource type (e.g. `aws:ResourceTag/${TagKey}`).
    pub fn condition_keys(&self) -> impl Iterator<Item = ConditionKey<'c>> + 'c {
        keys_of(self.cat, service_of(self.id), self.rec().keys)
    }

    /// Whether `arn` (an ARN or ARN pattern) can be of this type.
    pub fn matches_arn(&self, arn: &str) -> bool {
        self.arn_templates().any(|t| arn_matches_template(arn, t))
    }

    /// [`ResourceType::matches_arn`] for an ARN tokenized once, against the type's templates
    /// compiled once: for testing one ARN against many types.
    pub fn matches_pattern(&self, arn: &ArnPattern<'_>) -> bool {
        self.cat
            .compiled_templates(service_of(self.id), local_of(self.id))
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
    fn rec(&self) -> &'c KeyRec {
        static NONE: KeyRec = KeyRec {
            name: "",
            ty: KeyType::single(ValueType::String),
        };
        let rows = &self.cat.tables(service_of(self.id)).keys;
        rows.get(local_of(self.id)).unwrap_or(&NONE)
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
            service: Some(Service::new(self.cat, service_of(self.id)).prefix()),
            when: None,
        }
    }
}

impl fmt::Debug for ConditionKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConditionKey({}: {})", self.name(), self.key_type())
    }
}

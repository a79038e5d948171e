//! The typed policy model. Parsing fills it from text (keeping spans); validation and
//! evaluation only read it. Values are kept as written: matchers canonicalize them.

use super::operator::Operator;
use crate::span::{Span, Spanned};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A string of a policy (an `Id`, a `Sid`, an element's value, a condition key or value): one
/// shared copy, which what is compiled from the policy (patterns, keys, values, Sids) and the
/// results that name them can hold too instead of copying it again. Reads, compares, hashes
/// and displays as the `str` it spells.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PolicyStr(Arc<str>);

impl PolicyStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The shared copy itself.
    pub fn shared(&self) -> Arc<str> {
        Arc::clone(&self.0)
    }
}

impl From<&str> for PolicyStr {
    fn from(text: &str) -> Self {
        PolicyStr(text.into())
    }
}

impl From<String> for PolicyStr {
    fn from(text: String) -> Self {
        PolicyStr(text.into())
    }
}

impl From<Arc<str>> for PolicyStr {
    fn from(text: Arc<str>) -> Self {
        PolicyStr(text)
    }
}

impl std::ops::Deref for PolicyStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for PolicyStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for PolicyStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for PolicyStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for PolicyStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl std::fmt::Debug for PolicyStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for PolicyStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The policy language version (G2). Only `2012-10-17` enables policy variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PolicyVersion {
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
}

impl PolicyVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyVersion::V2012_10_17 => "2012-10-17",
            PolicyVersion::V2008_10_17 => "2008-10-17",
        }
    }

    /// Policy variables (`${…}`) are substituted only under 2012-10-17 (G2, V1).
    pub fn substitutes_variables(self) -> bool {
        self == PolicyVersion::V2012_10_17
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// A parsed policy document.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// The effective version: `2008-10-17` when the `Version` element is absent or invalid (G2).
    pub version: PolicyVersion,
    /// Where `Version` was written, if it was.
    pub version_span: Option<Span>,
    pub id: Option<Spanned<PolicyStr>>,
    pub statements: Vec<Statement>,
    /// The whole document.
    pub span: Span,
}

/// One statement. Elements that are absent or could not be read are `None`; when a statement
/// cannot be evaluated at all, `invalid` says why and the evaluator skips it (fails closed).
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// 0-based position in the policy's statement list.
    pub index: usize,
    pub span: Span,
    pub sid: Option<Spanned<PolicyStr>>,
    pub effect: Option<Spanned<Effect>>,
    pub principal: Option<PrincipalElement>,
    pub action: Option<StringElement>,
    pub resource: Option<StringElement>,
    /// Flattened `Condition` block: one entry per (operator, key) pair, in text order.
    pub conditions: Vec<ConditionEntry>,
    pub condition_span: Option<Span>,
    /// Set when an error inside this statement makes it impossible to evaluate faithfully.
    pub invalid: Option<String>,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: one string or a list of strings.
#[derive(Clone, Debug, PartialEq)]
pub struct StringElement {
    /// `true` for the `Not…` form.
    pub negated: bool,
    pub values: SpannedStrings,
    /// The whole element, key included.
    pub span: Span,
}

#[cfg(test)]
impl StringElement {
    /// An element of these texts, without positions (for tests that build elements directly).
    pub(crate) fn of_texts(negated: bool, texts: &[&str]) -> StringElement {
        StringElement {
            negated,
            values: texts
                .iter()
                .map(|t| Spanned {
                    value: PolicyStr::from(*t),
                    span: Span::default(),
                })
                .collect(),
            span: Span::default(),
        }
    }
}

/// `Principal`/`NotPrincipal`.
#[derive(Clone, Debug, PartialEq)]
pub struct PrincipalElement {
    pub negated: bool,
    /// `"*"` is read as `{"AWS": "*"}` (G9).
    pub entries: Vec<PrincipalEntry>,
    pub span: Span,
}

/// The key of a principal map: `AWS`, `Service`, `Federated` or `CanonicalUser` (G9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PrincipalKind {
    #[serde(rename = "AWS")]
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PrincipalEntry {
    pub kind: PrincipalKind,
    pub value: Spanned<PolicyStr>,
}

/// One `Operator: { Key: values }` pair of a `Condition` block (G8, C1).
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionEntry {
    pub operator: Spanned<Operator>,
    /// The key as written; compare case-insensitively (C2).
    pub key: Spanned<PolicyStr>,
    /// Values as canonical strings: numbers and booleans in their JSON spelling (G8).
    pub values: SpannedStrings,
    /// From the key to the end of its values.
    pub span: Span,
}

/// The strings of an element or of a condition key, read as a slice. Most hold one string
/// (`"Resource": "*"`, `{"aws:SourceVpc": "vpc-1"}`), which is kept without a list of its own.
#[derive(Clone)]
pub struct SpannedStrings(Strings);

#[derive(Clone)]
enum Strings {
    One(Spanned<PolicyStr>),
    Many(Vec<Spanned<PolicyStr>>),
}

impl SpannedStrings {
    /// One string, without a list.
    pub fn one(value: Spanned<PolicyStr>) -> Self {
        SpannedStrings(Strings::One(value))
    }

    pub fn as_slice(&self) -> &[Spanned<PolicyStr>] {
        match &self.0 {
            Strings::One(value) => std::slice::from_ref(value),
            Strings::Many(values) => values,
        }
    }
}

impl From<Vec<Spanned<PolicyStr>>> for SpannedStrings {
    fn from(values: Vec<Spanned<PolicyStr>>) -> Self {
        SpannedStrings(Strings::Many(values))
    }
}

impl FromIterator<Spanned<PolicyStr>> for SpannedStrings {
    fn from_iter<I: IntoIterator<Item = Spanned<PolicyStr>>>(values: I) -> Self {
        Self::from(values.into_iter().collect::<Vec<_>>())
    }
}

impl std::ops::Deref for SpannedStrings {
    type Target = [Spanned<PolicyStr>];
    fn deref(&self) -> &[Spanned<PolicyStr>] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a SpannedStrings {
    type Item = &'a Spanned<PolicyStr>;
    type IntoIter = std::slice::Iter<'a, Spanned<PolicyStr>>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

/// Equal when the strings are, however they are held.
impl PartialEq for SpannedStrings {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl std::fmt::Debug for SpannedStrings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    /// A policy string reads, compares, orders, hashes and shows as the `str` it spells, however
    /// it was made, and its shared copy is the same text.
    #[test]
    fn policy_strs_read_like_their_str() {
        use std::hash::{BuildHasher, RandomState};
        let hasher = RandomState::new();
        let texts = ["", "*", "s3:Get*", "a\"b\\c", "é😀 Straße"];
        for text in texts {
            let forms = [
                PolicyStr::from(text),
                PolicyStr::from(text.to_string()),
                PolicyStr::from(Arc::<str>::from(text)),
            ];
            for form in &forms {
                assert_eq!(form.as_str(), text);
                assert_eq!(&**form, text);
                assert_eq!(form.as_ref(), text);
                let owned = text.to_string();
                assert!(*form == *text && *form == text && *form == owned);
                assert_eq!(form, &forms[0]);
                assert_eq!(hasher.hash_one(form), hasher.hash_one(text));
                assert_eq!(form.to_string(), text);
                assert_eq!(format!("{form:?}"), format!("{text:?}"));
                assert_eq!(&*form.shared(), text);
                assert!(Arc::ptr_eq(&form.shared(), &form.shared()));
            }
            for other in texts {
                let (a, b) = (PolicyStr::from(text), PolicyStr::from(other));
                assert_eq!(a.cmp(&b), text.cmp(other));
                assert_eq!(a == b, text == other);
            }
        }
        assert_eq!(PolicyStr::default(), "");
    }

    /// One string held alone reads, compares and shows as a list of that one string.
    #[test]
    fn strings_read_alike_however_they_are_held() {
        let spanned = |text: &str, at: u32| {
            let mut span = Span::default();
            span.start.offset = at;
            Spanned::new(PolicyStr::from(text), span)
        };
        let lists = [
            vec![],
            vec![spanned("*", 1)],
            vec![spanned("s3:Get*", 2), spanned("é😀", 3)],
        ];
        for list in &lists {
            let forms = [
                SpannedStrings::from(list.clone()),
                list.iter().cloned().collect(),
            ];
            for form in forms.iter().chain(
                (list.len() == 1)
                    .then(|| SpannedStrings::one(list[0].clone()))
                    .as_ref(),
            ) {
                assert_eq!(form.as_slice(), list.as_slice());
                assert_eq!(&**form, list.as_slice());
                assert_eq!(form.len(), list.len());
                assert_eq!(form.first(), list.first());
                assert_eq!(
                    form.into_iter().collect::<Vec<_>>(),
                    list.iter().collect::<Vec<_>>()
                );
                assert_eq!(format!("{form:?}"), format!("{list:?}"));
                assert_eq!(form, &SpannedStrings::from(list.clone()));
                assert_eq!(form.clone(), *form);
            }
            for other in lists.iter().filter(|other| *other != list) {
                assert_ne!(
                    SpannedStrings::from(list.clone()),
                    SpannedStrings::from(other.clone())
                );
            }
        }
        let one = SpannedStrings::one(spanned("*", 1));
        assert_ne!(one, SpannedStrings::one(spanned("*", 2)), "spans count");
        assert_ne!(one, SpannedStrings::one(spanned("a", 1)));
    }
}

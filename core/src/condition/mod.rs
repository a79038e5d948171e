//! Condition operators evaluated against the request context (C1–C16, V2–V5).
//!
//! A [`CompiledCondition`] is one `Operator: { Key: values }` pair, read once when the policy is
//! compiled (numbers, dates, CIDRs and base64 parsed, case-insensitive values folded, patterns
//! compiled). [`CompiledCondition::evaluate`] is the fast path; [`CompiledCondition::explain`]
//! runs the same decision and adds the why.

pub mod binary;
pub mod date;
pub mod ip;
pub mod numeric;

use crate::concat::concat;
use crate::context::{key_hash, Found, RequestContext, Values as RequestValues};
use crate::matching::arn::{ArnCompare, ArnConditionPattern};
use crate::matching::cache::{cached_after_last, LastLookup, TextCache};
use crate::matching::small_list::SmallList;
use crate::matching::variables::{is_plain_as_written, Template};
use crate::matching::wildcard::{eq_fold, fold_str, glob_tokens, Pattern};
use crate::note::Note;
use crate::policy::{BaseOperator, ConditionEntry, Operator, OperatorClass, SetQualifier};
use crate::span::Span;
use date::{parse_date, Instant};
use ip::{parse_request_ip, Cidr};
use numeric::Decimal;
use serde::Serialize;
use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::net::IpAddr;
use std::sync::Arc;

/// One condition after compilation.
#[derive(Clone, Debug)]
pub struct CompiledCondition {
    operator: Operator,
    /// Shared with the traces that name it.
    key: Arc<str>,
    /// Shared by the conditions on the same key (see [`lowercase_key`]).
    key_lower: Arc<str>,
    /// `key_hash(key_lower)`, for the context lookup.
    key_hash: u64,
    values: Values,
    /// The policy values as written, for explanations.
    written: SmallList<Arc<str>>,
    span: Span,
}

#[derive(Clone, Debug)]
enum Values {
    /// StringEquals / StringEqualsIgnoreCase (folded) / Bool (folded): compared for equality.
    Equal {
        fold: bool,
        values: SmallList<Text>,
    },
    Like(SmallList<LikeValue>),
    Numeric(SmallList<Option<Decimal>>),
    Date(SmallList<Option<Instant>>),
    Binary(SmallList<Option<Vec<u8>>>),
    Ip(SmallList<Option<Cidr>>),
    Arn(SmallList<ArnValue>),
    Null(SmallList<Option<bool>>),
}

#[derive(Clone, Debug)]
enum Text {
    /// Shared with `written` when compiling leaves the text as it is (see [`fixed_text`]).
    Fixed(Arc<str>),
    Template(Template),
}

#[derive(Clone, Debug)]
enum LikeValue {
    Fixed(Pattern),
    Template(Template),
}

#[derive(Clone, Debug)]
enum ArnValue {
    Fixed(ArnConditionPattern),
    Template(Template),
}

/// One request value against one policy value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Match,
    NoMatch,
    /// A value does not parse (number, date, IP, base64, ARN): no match for either polarity.
    Invalid,
}

/// Why a condition came out as it did; explanations turn it into a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    MissingIfExists,
    MissingForAll,
    MissingForAny,
    MissingNegated,
    MissingPlain,
    Null,
    PlainOnMulti,
    EmptyForAll,
    EmptyForAny,
    Compared,
}

/// A condition as the explanation shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionTrace {
    /// Canonical spelling, e.g. `ForAnyValue:StringLikeIfExists`.
    /// Borrowed when it is a base operator's name (no qualifier, no `IfExists`).
    pub operator: Cow<'static, str>,
    #[serde(serialize_with = "crate::note::shared_str")]
    pub key: Arc<str>,
    /// `None` (left out of the JSON) when the key is missing from the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_values: Option<Vec<String>>,
    /// The policy values after variable substitution (shared with the policy when they have
    /// no variables).
    #[serde(serialize_with = "crate::note::shared_strs")]
    pub policy_values: Vec<Arc<str>>,
    pub result: bool,
    pub note: Note,
    pub span: Span,
}

/// A condition's explanation before it is owned: what [`ConditionTrace`] holds, the request's
/// values and the policy values without variables borrowed (the CLI's writer writes it as it
/// is).
#[derive(Debug)]
pub(crate) struct ConditionView<'a> {
    pub condition: &'a CompiledCondition,
    pub operator: Cow<'static, str>,
    pub request_values: Option<RequestValues<'a>>,
    pub policy_values: Cow<'a, [Arc<str>]>,
    pub result: bool,
    pub note: Note,
}

impl ConditionView<'_> {
    pub fn key(&self) -> &str {
        &self.condition.key
    }

    pub fn span(&self) -> Span {
        self.condition.span
    }

    fn into_trace(self) -> ConditionTrace {
        ConditionTrace {
            operator: self.operator,
            key: self.condition.key.clone(),
            request_values: self.request_values.map(RequestValues::to_vec),
            policy_values: self.policy_values.into_owned(),
            result: self.result,
            note: self.note,
            span: self.condition.span,
        }
    }
}

thread_local! {
    static LOWERCASE_KEYS: RefCell<TextCache<(Arc<str>, u64)>> =
        RefCell::new(TextCache::default());
    static LAST_KEY: LastLookup<(Arc<str>, u64)> = const { RefCell::new(None) };
}

/// A condition key lowercased, and its [`key_hash`], by the key as written (`key`, shared):
/// the same few keys come back in policy after policy, so each is lowercased and hashed once
/// per thread.
fn lowercase_key(key: &Arc<str>) -> (Arc<str>, u64) {
    cached_after_last(
        &LAST_KEY,
        &LOWERCASE_KEYS,
        key,
        || Arc::clone(key),
        || {
            let lower = key.to_ascii_lowercase();
            let hash = key_hash(&lower);
            (Arc::from(lower), hash)
        },
    )
}

/// A plain equality value as compared: folded when `fold`, else as written. Shared with the
/// written text when folding would not change it (the common case: no copy per value).
fn fixed_text(written: &Arc<str>, fold: bool) -> Arc<str> {
    if fold && !is_folded(written) {
        Arc::from(fold_str(written))
    } else {
        Arc::clone(written)
    }
}

/// Whether [`fold_str`] leaves `text` as it is, decided without allocating (ASCII only; other
/// text is folded, which is always right).
fn is_folded(text: &str) -> bool {
    text.is_ascii() && !text.bytes().any(|b| b.is_ascii_uppercase())
}

impl CompiledCondition {
    /// Compiles one entry. `variables`: the policy version enables policy variables (G2).
    pub fn compile(entry: &ConditionEntry, variables: bool) -> CompiledCondition {
        let operator = entry.operator.value;
        let base = operator.base;
        let substitute = variables && base.accepts_variables();
        let written = SmallList::mapped(&entry.values, |v| v.value.shared());
        let text = |w: &Arc<str>, fold: bool| {
            if is_plain_as_written(w, substitute) {
                return Text::Fixed(fixed_text(w, fold));
            }
            let t = Template::parse(w, substitute);
            match t.plain_text() {
                Some(p) => Text::Fixed(fixed_text(&Arc::from(p), fold)),
                None => Text::Template(t),
            }
        };
        let values = match base.class() {
            OperatorClass::String => match base {
                BaseOperator::StringLike | BaseOperator::StringNotLike => {
                    Values::Like(SmallList::mapped(&written, |w| {
                        if is_plain_as_written(w, substitute) {
                            return LikeValue::Fixed(Pattern::new(w, false));
                        }
                        let t = Template::parse(w, substitute);
                        match t.plain_text() {
                            Some(p) => LikeValue::Fixed(Pattern::new(&p, false)),
                            None => LikeValue::Template(t),
                        }
                    }))
                }
                _ => {
                    let fold = matches!(
                        base,
                        BaseOperator::StringEqualsIgnoreCase
                            | BaseOperator::StringNotEqualsIgnoreCase
                    );
                    Values::Equal {
                        fold,
                        values: SmallList::mapped(&written, |w| text(w, fold)),
                    }
                }
            },
            OperatorClass::Bool => Values::Equal {
                fold: true,
                values: SmallList::mapped(&written, |w| text(w, true)),
            },
            OperatorClass::Numeric => {
                Values::Numeric(SmallList::mapped(&written, |w| Decimal::parse(w)))
            }
            OperatorClass::Date => Values::Date(SmallList::mapped(&written, |w| parse_date(w))),
            OperatorClass::Binary => {
                Values::Binary(SmallList::mapped(&written, |w| binary::decode_base64(w)))
            }
            OperatorClass::Ip => Values::Ip(SmallList::mapped(&written, |w| Cidr::parse(w))),
            OperatorClass::Arn => Values::Arn(SmallList::mapped(&written, |w| {
                let t = Template::parse(w, substitute);
                match t.plain_text() {
                    Some(p) => {
                        let tokens: Vec<_> = glob_tokens(&p).collect();
                        ArnValue::Fixed(ArnConditionPattern::from_tokens(&tokens))
                    }
                    None => ArnValue::Template(t),
                }
            })),
            OperatorClass::Null => Values::Null(SmallList::mapped(&written, |w| {
                if w.eq_ignore_ascii_case("true") {
                    Some(true)
                } else if w.eq_ignore_ascii_case("false") {
                    Some(false)
                } else {
                    None
                }
            })),
        };
        let key = entry.key.value.shared();
        let (key_lower, key_hash) = lowercase_key(&key);
        CompiledCondition {
            operator,
            key,
            key_hash,
            key_lower,
            values,
            written,
            span: entry.span,
        }
    }

    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The condition key as written.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The condition key lowercased.
    pub fn key_lower(&self) -> &str {
        &self.key_lower
    }

    /// The condition key as written and lowercased.
    pub fn key_spellings(&self) -> (&Arc<str>, &str) {
        (&self.key, &self.key_lower)
    }

    /// Context keys this condition reads: its key and the keys of its variables (lowercased).
    pub fn keys_read(&self) -> impl Iterator<Item = (&str, &str)> {
        let vars = self
            .templates()
            .flat_map(|t| t.variables())
            .filter(|v| v.default.is_none());
        std::iter::once((&*self.key, &*self.key_lower))
            .chain(vars.map(|v| (v.key.as_str(), v.key_lower.as_str())))
    }

    /// Whether [`CompiledCondition::keys_read`] yields the condition's own key alone (no
    /// variable without a default).
    pub fn reads_only_own_key(&self) -> bool {
        self.templates()
            .all(|t| t.variables().all(|v| v.default.is_some()))
    }

    /// The policy values with variables, in order. Walked lazily: most conditions have none,
    /// and the explanation only asks whether there is one.
    fn templates(&self) -> impl Iterator<Item = &Template> {
        let (equal, like, arn): (&[Text], &[LikeValue], &[ArnValue]) = match &self.values {
            Values::Equal { values, .. } => (values, &[], &[]),
            Values::Like(values) => (&[], values, &[]),
            Values::Arn(values) => (&[], &[], values),
            _ => (&[], &[], &[]),
        };
        let equal = equal.iter().filter_map(|v| match v {
            Text::Template(t) => Some(t),
            Text::Fixed(_) => None,
        });
        let like = like.iter().filter_map(|v| match v {
            LikeValue::Template(t) => Some(t),
            LikeValue::Fixed(_) => None,
        });
        let arn = arn.iter().filter_map(|v| match v {
            ArnValue::Template(t) => Some(t),
            ArnValue::Fixed(_) => None,
        });
        equal.chain(like).chain(arn)
    }

    /// Whether the condition holds for this request (fast path).
    pub fn evaluate(&self, ctx: &RequestContext) -> bool {
        self.outcome(ctx).0
    }

    /// The same decision as [`CompiledCondition::evaluate`], with the why.
    pub fn explain(&self, ctx: &RequestContext) -> ConditionTrace {
        self.view(ctx).into_trace()
    }

    /// [`Self::explain`] before it is owned: the request's values and the policy values
    /// (when they have no variables) borrowed.
    pub(crate) fn view<'a>(&'a self, ctx: &'a RequestContext) -> ConditionView<'a> {
        let (result, reason, value) = self.outcome_with_value(ctx);
        let policy_values = if self.templates().next().is_none() {
            Cow::Borrowed(self.written.as_slice())
        } else {
            Cow::Owned(self.resolved_values(ctx))
        };
        let operator = match self.plain_operator_name() {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(self.operator.canonical()),
        };
        let note = self.note(reason, result, value, ctx, &operator);
        ConditionView {
            condition: self,
            operator,
            request_values: value,
            policy_values,
            result,
            note,
        }
    }

    /// The operator's canonical spelling when it is a base operator's fixed name (no qualifier,
    /// no `IfExists`): then explanations borrow it.
    fn plain_operator_name(&self) -> Option<&'static str> {
        match self.operator {
            Operator {
                set: None,
                if_exists: false,
                base,
            } => Some(base.name()),
            _ => None,
        }
    }

    fn outcome(&self, ctx: &RequestContext) -> (bool, Reason) {
        let (result, reason, _) = self.outcome_with_value(ctx);
        (result, reason)
    }

    /// [`Self::outcome`], and the request's value it read (by hash).
    fn outcome_with_value<'c>(
        &self,
        ctx: &'c RequestContext,
    ) -> (bool, Reason, Option<RequestValues<'c>>) {
        let found = ctx.get_hashed(self.key_hash, &self.key_lower);
        let (result, reason) = self.outcome_of(found, ctx);
        (result, reason, found.map(|f| f.value))
    }

    /// The outcome for the request's value `found` under the condition's key.
    fn outcome_of(&self, found: Option<Found>, ctx: &RequestContext) -> (bool, Reason) {
        let op = self.operator;
        let value = found.map(|f| f.value);
        if let Values::Null(tests) = &self.values {
            // C12: `true` means absent, `false` means present. An empty set counts as absent.
            let present = value.is_some_and(|v| !v.is_empty());
            let holds = tests.contains(&Some(!present));
            return (holds, Reason::Null);
        }
        let Some(value) = value else {
            // C3, C11, C13, C14.
            return if op.if_exists {
                (true, Reason::MissingIfExists)
            } else {
                match op.set {
                    Some(SetQualifier::ForAllValues) => (true, Reason::MissingForAll),
                    Some(SetQualifier::ForAnyValue) => (false, Reason::MissingForAny),
                    None if op.base.is_negated() => (true, Reason::MissingNegated),
                    None => (false, Reason::MissingPlain),
                }
            };
        };
        match (op.set, value) {
            // Q4 (C16): a plain operator on a multi-valued key does not match.
            (None, RequestValues::Many(_)) => (false, Reason::PlainOnMulti),
            (None, RequestValues::One(x)) => (
                self.test_one(x, found.and_then(|f| f.ip), ctx),
                Reason::Compared,
            ),
            // C16: a single value is a set of one.
            (Some(SetQualifier::ForAllValues), vs) => {
                if vs.is_empty() {
                    (true, Reason::EmptyForAll)
                } else {
                    (
                        vs.iter().all(|x| self.test_one(x, None, ctx)),
                        Reason::Compared,
                    )
                }
            }
            (Some(SetQualifier::ForAnyValue), vs) => {
                if vs.is_empty() {
                    (false, Reason::EmptyForAny)
                } else {
                    (
                        vs.iter().any(|x| self.test_one(x, None, ctx)),
                        Reason::Compared,
                    )
                }
            }
        }
    }

    /// One request value against all policy values: OR for positive operators, NOR for
    /// negated ones (C1). An invalid comparison makes a negated operator false too. `ip`: `x`
    /// already read as an IP address, when the context had it (`None`: read it here).
    fn test_one(&self, x: &str, ip: Option<IpAddr>, ctx: &RequestContext) -> bool {
        let negated = self.operator.base.is_negated();
        if let Values::Equal { fold, values } = &self.values {
            // The commonest operators, without the per-value dispatch of `compare` (same answer).
            if self.operator.base == BaseOperator::Bool
                && !(x.eq_ignore_ascii_case("true") || x.eq_ignore_ascii_case("false"))
            {
                // Every comparison is invalid: only a negated operator over no values holds.
                return negated && values.is_empty();
            }
            let hit = |v: &Text| match v {
                Text::Fixed(v) if *fold => eq_fold(x, v),
                Text::Fixed(v) => x == &**v,
                Text::Template(t) => t.equals(ctx, x, *fold).unwrap_or(false),
            };
            return values.iter().any(hit) != negated;
        }
        self.test_each(x, ip, ctx)
    }

    /// [`Self::test_one`] for every operator: each policy value through `compare`.
    fn test_each(&self, x: &str, ip: Option<IpAddr>, ctx: &RequestContext) -> bool {
        let negated = self.operator.base.is_negated();
        let n = self.len();
        let ip = match self.values {
            Values::Ip(_) => ip.or_else(|| parse_request_ip(x)),
            _ => None,
        };
        if negated {
            (0..n).all(|i| self.compare(i, x, ip, ctx) == Cmp::NoMatch)
        } else {
            (0..n).any(|i| self.compare(i, x, ip, ctx) == Cmp::Match)
        }
    }

    fn len(&self) -> usize {
        self.written.len()
    }

    /// Request value `x` against policy value `i`, with the positive form of the operator;
    /// `ip`: `x` read as an IP address (IP operators only).
    fn compare(&self, i: usize, x: &str, ip: Option<IpAddr>, ctx: &RequestContext) -> Cmp {
        let yes = |b: bool| if b { Cmp::Match } else { Cmp::NoMatch };
        let base = self.operator.base;
        match &self.values {
            Values::Equal { fold, values } => {
                let Some(v) = values.get(i) else {
                    return Cmp::NoMatch;
                };
                let bool_op = base == BaseOperator::Bool;
                if bool_op && !(x.eq_ignore_ascii_case("true") || x.eq_ignore_ascii_case("false")) {
                    return Cmp::Invalid;
                }
                match v {
                    Text::Fixed(v) if *fold => yes(eq_fold(x, v)),
                    Text::Fixed(v) => yes(x == &**v),
                    // V5: an unresolved variable matches nothing (so a negated operator is true).
                    Text::Template(t) => match t.equals(ctx, x, *fold) {
                        Ok(b) => yes(b),
                        Err(_) => Cmp::NoMatch,
                    },
                }
            }
            Values::Like(values) => match values.get(i) {
                Some(LikeValue::Fixed(p)) => yes(p.matches(x)),
                Some(LikeValue::Template(t)) => match t.resolve(ctx, true) {
                    Ok(r) => yes(Pattern::from_tokens(r.tokens, false).matches(x)),
                    Err(_) => Cmp::NoMatch,
                },
                None => Cmp::NoMatch,
            },
            Values::Numeric(values) => match (Decimal::parse(x), values.get(i)) {
                (Some(x), Some(Some(v))) => yes(ordering_holds(base, x.cmp(v))),
                _ => Cmp::Invalid,
            },
            Values::Date(values) => match (parse_date(x), values.get(i)) {
                (Some(x), Some(Some(v))) => yes(ordering_holds(base, x.cmp(v))),
                _ => Cmp::Invalid,
            },
            Values::Binary(values) => match (binary::decode_base64(x), values.get(i)) {
                (Some(x), Some(Some(v))) => yes(&x == v),
                _ => Cmp::Invalid,
            },
            Values::Ip(values) => match (ip, values.get(i)) {
                (Some(x), Some(Some(net))) => yes(net.contains(x)),
                _ => Cmp::Invalid,
            },
            Values::Arn(values) => {
                let compare = |p: &ArnConditionPattern| match p.compare(x) {
                    ArnCompare::Match => Cmp::Match,
                    ArnCompare::NoMatch => Cmp::NoMatch,
                    ArnCompare::Malformed => Cmp::Invalid,
                };
                match values.get(i) {
                    Some(ArnValue::Fixed(p)) => compare(p),
                    Some(ArnValue::Template(t)) => match t.resolve(ctx, true) {
                        Ok(r) => compare(&ArnConditionPattern::from_tokens(&r.tokens)),
                        Err(_) => Cmp::NoMatch,
                    },
                    None => Cmp::NoMatch,
                }
            }
            Values::Null(_) => Cmp::NoMatch,
        }
    }

    /// Policy values after substitution, for display.
    fn resolved_values(&self, ctx: &RequestContext) -> Vec<Arc<str>> {
        let show = |t: &Template, w: &str| -> Arc<str> {
            match t.resolve(ctx, true) {
                Ok(r) => Arc::from(r.text),
                Err(u) => Arc::from(format!("{w} (unresolved: {})", u.note())),
            }
        };
        (0..self.len())
            .map(|i| {
                let w = self
                    .written
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| Arc::from(""));
                let template = match &self.values {
                    Values::Equal { values, .. } => match values.get(i) {
                        Some(Text::Template(t)) => Some(t),
                        _ => None,
                    },
                    Values::Like(values) => match values.get(i) {
                        Some(LikeValue::Template(t)) => Some(t),
                        _ => None,
                    },
                    Values::Arn(values) => match values.get(i) {
                        Some(ArnValue::Template(t)) => Some(t),
                        _ => None,
                    },
                    _ => None,
                };
                match template {
                    Some(t) => show(t, &w),
                    None => w,
                }
            })
            .collect()
    }

    fn note(
        &self,
        reason: Reason,
        result: bool,
        value: Option<RequestValues>,
        ctx: &RequestContext,
        op: &str,
    ) -> Note {
        let key = &self.key;
        match reason {
            Reason::MissingIfExists => concat(&["key missing: `", key, "` is not in the request, and …IfExists makes the condition true (C11)"]).into(),
            Reason::MissingForAll => format!("key missing: ForAllValues is true when the key is missing (C13); pair it with `Null: {{\"{key}\": \"false\"}}` to require the key").into(),
            Reason::MissingForAny => Note::plain("key missing: ForAnyValue is false when the key is missing (C14)"),
            Reason::MissingNegated => match self.plain_operator_name().and(missing_negated_note(self.operator.base)) {
                Some(sentence) => Note::plain(sentence),
                None => concat(&["key missing: the negated operator ", op, " is true when the key is missing (C3)"]).into(),
            },
            Reason::MissingPlain => concat(&["key missing: `", key, "` is not in the request, so ", op, " is false (C3)"]).into(),
            Reason::Null => {
                let present = value.is_some_and(|v| !v.is_empty());
                format!(
                    "`{key}` is {} (C12: Null `true` tests absence, `false` presence)",
                    if present { "present" } else { "absent" }
                ).into()
            }
            Reason::PlainOnMulti => format!(
                "`{key}` carries several values; a plain operator on a multi-valued key does not match (Q4): use ForAnyValue: or ForAllValues:"
            ).into(),
            Reason::EmptyForAll => Note::plain("the key's value set is empty: ForAllValues is true (C13)"),
            Reason::EmptyForAny => Note::plain("the key's value set is empty: ForAnyValue is false (C14)"),
            Reason::Compared => {
                let note = match (self.operator.set, self.operator.base.is_negated(), result) {
                    (Some(SetQualifier::ForAllValues), _, true) => "every request value satisfies the operator",
                    (Some(SetQualifier::ForAllValues), _, false) => "some request value does not satisfy the operator",
                    (Some(SetQualifier::ForAnyValue), _, true) => "at least one request value satisfies the operator",
                    (Some(SetQualifier::ForAnyValue), _, false) => "no request value satisfies the operator",
                    (None, true, true) => "the request value matches none of the policy values",
                    (None, true, false) => "the request value matches one of the policy values (or cannot be compared)",
                    (None, false, true) => "the request value matches a policy value",
                    (None, false, false) => "the request value matches none of the policy values",
                };
                let problems = self.problems(value, ctx);
                if problems.is_empty() {
                    Note::plain(note)
                } else {
                    concat(&[note, "; ", &problems.join("; ")]).into()
                }
            }
        }
    }

    /// Values that could not be compared, and unresolved variables.
    fn problems(&self, value: Option<RequestValues>, ctx: &RequestContext) -> Vec<String> {
        let mut out = Vec::new();
        let kind = match self.operator.base.class() {
            OperatorClass::Numeric => "a number",
            OperatorClass::Date => "a date",
            OperatorClass::Ip => "an IP address or CIDR",
            OperatorClass::Binary => "base64",
            OperatorClass::Arn => "an ARN",
            OperatorClass::Bool => "a boolean",
            _ => "",
        };
        for (i, w) in self.written.iter().enumerate() {
            let bad_policy = match &self.values {
                Values::Numeric(v) => v.get(i).is_some_and(Option::is_none),
                Values::Date(v) => v.get(i).is_some_and(Option::is_none),
                Values::Ip(v) => v.get(i).is_some_and(Option::is_none),
                Values::Binary(v) => v.get(i).is_some_and(Option::is_none),
                _ => false,
            };
            if bad_policy {
                out.push(format!("policy value `{w}` is not {kind}: no match"));
            }
        }
        for t in self.templates() {
            if let Err(u) = t.resolve(ctx, true) {
                out.push(format!("{}: that value matches nothing", u.note()));
            }
        }
        if let Some(v) = value {
            for x in v {
                let bad = match self.operator.base.class() {
                    OperatorClass::Numeric => Decimal::parse(x).is_none(),
                    OperatorClass::Date => parse_date(x).is_none(),
                    OperatorClass::Ip => parse_request_ip(x).is_none(),
                    OperatorClass::Binary => binary::decode_base64(x).is_none(),
                    OperatorClass::Arn => crate::matching::arn::Arn::parse(x).is_none(),
                    OperatorClass::Bool => {
                        !(x.eq_ignore_ascii_case("true") || x.eq_ignore_ascii_case("false"))
                    }
                    _ => false,
                };
                if bad {
                    out.push(format!("request value `{x}` is not {kind}: no match"));
                }
            }
        }
        out
    }
}

/// The note of a negated base operator on a missing key (C3), as one fixed sentence: written
/// with one copy instead of three.
fn missing_negated_note(base: BaseOperator) -> Option<&'static str> {
    macro_rules! sentences {
        ($($op:ident)*) => {
            match base {
                $(BaseOperator::$op => Some(concat!(
                    "key missing: the negated operator ",
                    stringify!($op),
                    " is true when the key is missing (C3)"
                )),)*
                _ => None,
            }
        };
    }
    sentences!(
        StringNotEquals StringNotEqualsIgnoreCase StringNotLike NumericNotEquals DateNotEquals
        NotIpAddress ArnNotEquals ArnNotLike
    )
}

/// Whether `request ⋄ policy` holds for an ordering operator (its positive form).
fn ordering_holds(base: BaseOperator, ord: Ordering) -> bool {
    use BaseOperator::*;
    match base {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => ord == Ordering::Equal,
        NumericLessThan | DateLessThan => ord == Ordering::Less,
        NumericLessThanEquals | DateLessThanEquals => ord != Ordering::Greater,
        NumericGreaterThan | DateGreaterThan => ord == Ordering::Greater,
        NumericGreaterThanEquals | DateGreaterThanEquals => ord != Ordering::Less,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextValue;

    /// The condition `{op: {"aws:k": values}}` of a one-statement policy, compiled; `None`
    /// when the policy does not read (an operator the test's loop may skip).
    fn compile_on_key_k(op: &str, values: &str) -> Option<CompiledCondition> {
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
                "Action": "s3:*", "Resource": "*",
                "Condition": {{"{op}": {{"aws:k": {values}}}}}}}]}}"#
        );
        let parsed = crate::policy::parse_policy(&text);
        let entry = parsed
            .policy
            .as_ref()?
            .statements
            .first()?
            .conditions
            .first()?;
        Some(CompiledCondition::compile(entry, true))
    }

    /// C2: a condition key's cached lowercase spelling and hash are the ones worked out afresh,
    /// for keys that differ in case or only beyond ASCII, on first use, on reuse and after the
    /// cache was emptied for being full.
    #[test]
    fn c2_cached_lowercase_keys_are_fresh_ones() {
        let keys = [
            "aws:PrincipalTag/role",
            "aws:principaltag/role",
            "AWS:PRINCIPALTAG/ROLE",
            "aws:PrincipalTag/Rôle",
            "aws:PrincipalTag/RÔLE",
            "s3:x-amz-acl",
            "",
            "K\u{212A}",
        ];
        let check = |round: &str| {
            for key in keys {
                let (lower, hash) = lowercase_key(&Arc::from(key));
                let fresh = key.to_ascii_lowercase();
                assert_eq!(&*lower, fresh, "{key} {round}");
                assert_eq!(hash, key_hash(&fresh), "{key} {round}");
            }
        };
        check("first use");
        check("reuse");
        for i in 0..crate::matching::cache::KEPT + 1 {
            lowercase_key(&Arc::from(format!("aws:Key{i}")));
        }
        check("after emptying");
    }

    /// C1–C7: a condition keeps its values as written and compiled, in order, whether it holds
    /// one (kept inline) or several: each value list decides as its values taken one by one
    /// (any value matching, for the positive operators) and keeps every value as written.
    #[test]
    fn c1_values_held_inline_or_listed_decide_alike() {
        let operators = [
            ("StringEquals", ["web", "Web", "api"]),
            ("StringEqualsIgnoreCase", ["WEB", "x", "api"]),
            ("StringLike", ["w*", "a?i", "zz"]),
            ("NumericEquals", ["3", "7", "x"]),
            ("Bool", ["true", "false", "maybe"]),
            ("IpAddress", ["10.0.0.0/8", "192.0.2.1", "bad"]),
            ("ArnLike", ["arn:aws:s3:::web*", "arn:*:s3:::api", "*"]),
            ("DateEquals", ["2020-01-01T00:00:00Z", "0", "never"]),
        ];
        let requests = [
            "web",
            "api",
            "3",
            "7",
            "true",
            "10.1.2.3",
            "arn:aws:s3:::web1",
            "0",
        ];
        for (op, values) in operators {
            let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
            for n in 1..=values.len() {
                let list = format!("[{}]", quoted[..n].join(","));
                let all = compile_on_key_k(op, &list).expect("compiles");
                let written: Vec<&str> = all.written.iter().map(|w| &**w).collect();
                assert_eq!(written, values[..n], "{op} {list}");
                let alone: Vec<CompiledCondition> = quoted[..n]
                    .iter()
                    .filter_map(|v| compile_on_key_k(op, v))
                    .collect();
                assert_eq!(alone.len(), n);
                for request in requests {
                    let mut ctx = RequestContext::new();
                    ctx.insert("aws:k", ContextValue::Single(request.into()));
                    assert_eq!(
                        all.evaluate(&ctx),
                        alone.iter().any(|c| c.evaluate(&ctx)),
                        "{op} {list} {request}"
                    );
                }
            }
        }
    }

    /// V1, V3: `reads_only_own_key` answers as listing `keys_read` does, for every kind of
    /// value list, with and without variables and defaults.
    #[test]
    fn v1_reads_only_own_key_agrees_with_keys_read() {
        let operators = [
            "StringEquals",
            "StringEqualsIgnoreCase",
            "StringLike",
            "ArnLike",
            "ArnEquals",
            "Bool",
            "NumericEquals",
            "IpAddress",
            "Null",
        ];
        let values = [
            r#""a""#,
            r#"["a", "b*"]"#,
            r#""${aws:username}""#,
            r#"["a", "x-${aws:PrincipalTag/team}-*"]"#,
            r#""${aws:username, 'none'}""#,
            r#"["${aws:username, 'x'}", "${s3:prefix}"]"#,
            r#""arn:aws:s3:::b/${aws:userid}""#,
            r#""${*}""#,
            r#"[]"#,
        ];
        for op in operators {
            for v in values {
                let Some(c) = compile_on_key_k(op, v) else {
                    continue;
                };
                assert_eq!(
                    c.reads_only_own_key(),
                    c.keys_read().nth(1).is_none(),
                    "{op} {v}"
                );
            }
        }
    }

    /// C1, C4: a plain equality value shared with its written text compares as the text
    /// folded (or kept) afresh would, for ASCII, mixed-case and non-ASCII values.
    #[test]
    fn c1_shared_fixed_values_agree_with_folding_afresh() {
        let vocabulary = [
            "",
            "true",
            "TRUE",
            "False",
            "abc",
            "aBc",
            "a-b_c/1*?",
            "ÉCOLE",
            "école",
            "K",
            "ß",
            "İstanbul",
            "ǅ",
            "x y",
        ];
        for w in vocabulary {
            let written: Arc<str> = Arc::from(w);
            for fold in [false, true] {
                let expected = if fold { fold_str(w) } else { w.to_string() };
                assert_eq!(&*fixed_text(&written, fold), expected, "{w:?} fold={fold}");
            }
            if is_folded(w) {
                assert_eq!(fold_str(w), w, "{w:?} is folded already");
            }
        }
    }

    /// C1, C4, C7, V5: the direct path for equality operators gives the answer of comparing
    /// every policy value through `compare`, for every operator of that kind and tricky values.
    #[test]
    fn c1_equality_fast_path_agrees_with_the_general_one() {
        let operators = [
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "Bool",
        ];
        let value_sets = [
            r#"["web", "WEB-${aws:username}"]"#,
            r#"["true"]"#,
            r#"["False", "x${aws:missing}"]"#,
            r#"["${aws:username}"]"#,
            r#"[]"#,
        ];
        let mut ctx = RequestContext::new();
        ctx.insert("aws:username", ContextValue::Single("Bo".into()));
        let mut checked = 0;
        for op in operators {
            for values in value_sets {
                let Some(c) = compile_on_key_k(op, values) else {
                    continue;
                };
                for x in [
                    "web", "WEB", "web-bo", "WEB-Bo", "true", "TRUE", "false", "1", "",
                ] {
                    assert_eq!(
                        c.test_one(x, None, &ctx),
                        c.test_each(x, None, &ctx),
                        "{op} {values} against `{x}`"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 9 * 20, "only {checked} comparisons");
    }

    /// A condition's trace borrows its operator's name only when that is the canonical
    /// spelling, for every base operator with and without a qualifier and `IfExists`; the
    /// negated-operator note spells the same sentence either way.
    #[test]
    fn borrowed_operator_names_are_the_canonical_spelling() {
        let ctx = RequestContext::new();
        let mut borrowed = 0;
        for base in crate::policy::BaseOperator::ALL {
            for set in [None, Some("ForAnyValue:"), Some("ForAllValues:")] {
                for if_exists in ["", "IfExists"] {
                    let op = format!("{}{}{if_exists}", set.unwrap_or(""), base.name());
                    let Some(c) = compile_on_key_k(&op, r#"["v"]"#) else {
                        continue;
                    };
                    let trace = c.explain(&ctx);
                    assert_eq!(trace.operator, c.operator.canonical(), "{op}");
                    if let Cow::Borrowed(_) = trace.operator {
                        borrowed += 1;
                    }
                    if base.is_negated() && set.is_none() && if_exists.is_empty() {
                        let expected = format!(
                            "key missing: the negated operator {} is true when the key is missing (C3)",
                            c.operator.canonical()
                        );
                        assert_eq!(trace.note.to_string(), expected, "{op}");
                        // Written from one fixed sentence, copied without a scan.
                        assert!(matches!(trace.note, Note::Plain(_)), "{op}");
                    }
                }
            }
        }
        assert!(borrowed >= 20, "only {borrowed} borrowed names");
        for base in crate::policy::BaseOperator::ALL {
            assert_eq!(
                missing_negated_note(base).is_some(),
                base.is_negated(),
                "{base:?}"
            );
        }
    }
}

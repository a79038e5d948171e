//! Building the request context: typed values from the scenario, then the keys AWS derives from
//! the request itself (`deriveContext`). Keys the user typed always win over derived ones.

use crate::catalog::{catalog, ValueType};
use crate::condition::{
    binary::decode_base64, date::parse_date, ip::parse_request_ip, ip::Cidr, numeric::Decimal,
};
use crate::context::{ContextValue, DerivedText, FixedKey, RequestContext, Text, DERIVED};
use crate::diagnostic::Diagnostic;
use crate::matching::arn::split6;
use serde_json::{Map, Value};
use std::cell::RefCell;

/// What follows from the principal, for the derived keys (V6, section 6 of the rules). The texts
/// are borrowed from the principal and the text it was read from where they hold them: the
/// context copies them into its slots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrincipalFacts<'a> {
    pub account: Option<DerivedText<'a>>,
    /// `aws:PrincipalArn`: for a role session, the role's ARN.
    pub principal_arn: Option<DerivedText<'a>>,
    /// `aws:PrincipalType` (V6).
    pub principal_type: &'static str,
    pub username: Option<DerivedText<'a>>,
    pub userid: Option<DerivedText<'a>>,
    /// The service principal's name, for service calls.
    pub service_name: Option<DerivedText<'a>>,
}

/// One scalar as its canonical string (G8): `true` → `"true"`, numbers as written.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Whether `value` reads as the catalog's type for the key; `None` when it does.
fn type_problem(value: &str, ty: ValueType) -> Option<&'static str> {
    let ok = match ty {
        ValueType::Bool => {
            value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")
        }
        ValueType::IpAddress => parse_request_ip(value).is_some() || Cidr::parse(value).is_some(),
        ValueType::Date => parse_date(value).is_some(),
        ValueType::Numeric => Decimal::parse(value).is_some(),
        ValueType::Binary => decode_base64(value).is_some(),
        ValueType::String | ValueType::Arn => true,
    };
    (!ok).then_some(match ty {
        ValueType::Bool => "`true` or `false`",
        ValueType::IpAddress => "an IPv4 or IPv6 address",
        ValueType::Date => "an ISO 8601 date (`2026-11-29T12:00:00Z`) or epoch seconds",
        ValueType::Numeric => "a number",
        _ => "base64",
    })
}

/// Reads the scenario's `context` object. A bad value is reported and left out, never fatal.
/// The catalog's key types decide single versus multi-valued (C16): a single value typed for a
/// multi-valued key such as `aws:TagKeys` is a set of one. Values that do not read as the key's
/// type are kept and warned about (conditions on them then do not match, as in AWS).
pub fn typed_context(
    raw: &Map<String, Value>,
    diagnostics: &mut Vec<Diagnostic>,
) -> RequestContext {
    let mut ctx = RequestContext::new();
    for (key, value) in raw {
        let key_type = catalog().condition_key_type(key);
        let read = match value {
            Value::Array(items) => items
                .iter()
                .map(scalar)
                .collect::<Option<Vec<_>>>()
                .map(ContextValue::Multi),
            Value::Null => continue,
            other => scalar(other).map(|v| match key_type {
                Some(t) if t.multi => ContextValue::Multi(vec![v]),
                _ => ContextValue::Single(Text::Owned(v)),
            }),
        };
        if let (Some(read), Some(t)) = (&read, key_type) {
            if let Some(bad) = read
                .values()
                .iter()
                .find_map(|v| type_problem(v, t.value).map(|e| (v, e)))
            {
                diagnostics.push(Diagnostic::warning(
                    "context-value-type",
                    format!("`{}` is not {} as `{key}` expects", bad.0, bad.1),
                    None,
                ));
            }
        }
        match read {
            Some(v) => ctx.insert(key.clone(), v),
            None => diagnostics.push(
                Diagnostic::error(
                    "invalid-context-value",
                    format!(
                        "context key `{key}` must be a string, number, boolean or an array of those"
                    ),
                    None,
                )
                .with_fix("write a single value, or a JSON array for a multi-valued key"),
            ),
        }
    }
    ctx
}

/// The account a resource ARN names, if any (an S3 bucket ARN names none).
pub fn arn_account(arn: &str) -> Option<&str> {
    let [prefix, _partition, _service, _region, account, _resource] = split6(arn)?;
    (prefix == "arn" && !account.is_empty()).then_some(account)
}

/// The region a resource ARN names, if any: its fourth `:`-separated field (the last one may
/// run to the end of the text).
pub fn arn_region(arn: &str) -> Option<&str> {
    let mut colons = arn.bytes().enumerate().filter(|&(_, b)| b == b':');
    let (first, _) = colons.next()?;
    let _second = colons.next()?;
    let (third, _) = colons.next()?;
    let end = colons.next().map_or(arn.len(), |(i, _)| i);
    let region = arn.get(third + 1..end)?;
    (arn.get(..first) == Some("arn") && is_region(region)).then_some(region)
}

/// A region as `aws:RequestedRegion` takes it: not empty, no `*` (a byte search: `contains`
/// costs several times more on a short text).
fn is_region(region: &str) -> bool {
    !region.is_empty() && !region.bytes().any(|b| b == b'*')
}

/// [`arn_account`] and [`arn_region`] of `resource`, given its region and account as
/// `Arn::parse` cuts them (which the request's match target keeps): the resource is not split
/// again. `Arn::parse` takes `arn` in any case, these two only in lowercase.
pub fn arn_account_and_region<'a>(
    resource: &'a str,
    region_and_account: Option<(&'a str, &'a str)>,
) -> (Option<&'a str>, Option<&'a str>) {
    match region_and_account {
        Some((region, account)) => {
            let lowercase = resource.starts_with("arn:");
            (
                (lowercase && !account.is_empty()).then_some(account),
                (lowercase && is_region(region)).then_some(region),
            )
        }
        // Not an ARN of six parts: no account, but a region may still be there.
        None => (None, arn_region(resource)),
    }
}

/// Adds the keys AWS always sends and that follow from the request, without overriding typed
/// ones. Returns the keys it added, so that the result can show them as derived. The names are
/// fixed, and each value is copied into its key's slot of the context from where `facts` and
/// the resource hold it.
pub fn derive_context(
    ctx: &mut RequestContext,
    facts: PrincipalFacts,
    resource: &str,
    resource_account: Option<&str>,
    now_epoch_seconds: Option<i64>,
) -> DerivedKeys {
    derive_context_in_region(
        ctx,
        facts,
        arn_region(resource),
        resource_account.map(DerivedText::checked),
        now_epoch_seconds,
    )
}

/// As [`derive_context`], given the resource's region (`arn_region`) already read and the
/// resource's account as the request holds it.
pub(crate) fn derive_context_in_region(
    ctx: &mut RequestContext,
    facts: PrincipalFacts,
    region_of_resource: Option<&str>,
    resource_account: Option<DerivedText>,
    now_epoch_seconds: Option<i64>,
) -> DerivedKeys {
    // The keys' positions in `DERIVED`, named.
    let [arn, account, kind, username, userid, is_service, service, resource_acct, region, epoch, time] =
        std::array::from_fn::<usize, { DERIVED.len() }, _>(|at| at);
    // Typed keys win: only the absent ones are derived, each straight into its slot.
    ctx.reserve_derived();
    let mut added = DerivedKeys::default();
    let mut derive = |at: usize, value: Option<DerivedText>| {
        if let Some(value) = value {
            if ctx.insert_derived_if_absent(at, &value) {
                added.insert(at);
            }
        }
    };
    // In the context's order of the keys (`DERIVED_SORTED`), so that the context keeps their
    // entries as a result lists them.
    if let Some(now) = now_epoch_seconds {
        with_now_texts(now, |(epoch_text, time_text)| {
            derive(time, Some(DerivedText::from(time_text)));
            derive(epoch, Some(DerivedText::from(epoch_text)));
        });
    }
    derive(account, facts.account);
    derive(arn, facts.principal_arn);
    let principal_type = facts.principal_type;
    if principal_type != "Anonymous" {
        let is = if facts.service_name.is_some() {
            "true"
        } else {
            "false"
        };
        derive(is_service, Some(DerivedText::fixed(is)));
    }
    derive(service, facts.service_name);
    derive(
        kind,
        (!principal_type.is_empty()).then(|| DerivedText::fixed(principal_type)),
    );
    // Lent and read for escapes here: the slot copies it (a short text, read byte by byte).
    derive(region, region_of_resource.map(DerivedText::checked));
    derive(resource_acct, resource_account);
    derive(userid, facts.userid);
    derive(username, facts.username);
    added
}

thread_local! {
    /// The last instant spelled, with its spellings: a run decides every request at the same
    /// `now`, so each thread spells it once and its requests share the texts.
    static LAST_NOW: RefCell<Option<(i64, NowTexts)>> = const { RefCell::new(None) };
}

/// `aws:EpochTime` and `aws:CurrentTime` of one instant.
type NowTexts = (Text, Text);

/// `f` of `now` as `aws:EpochTime` and `aws:CurrentTime` spell it, the kept spellings lent
/// (the context copies them: no share to count).
fn with_now_texts<R>(now: i64, f: impl FnOnce(&NowTexts) -> R) -> R {
    LAST_NOW.with(|last| {
        let mut last = last.borrow_mut();
        match &*last {
            Some((t, texts)) if *t == now => f(texts),
            _ => {
                let texts: NowTexts = (
                    Text::shared_checked(&now.to_string()),
                    Text::shared_checked(&format_epoch_iso8601(now)),
                );
                f(&last.insert((now, texts)).1)
            }
        }
    })
}

/// The keys [`derive_context`] added to a context, as a set of positions in [`DERIVED`]: no
/// allocation per request, listed in derivation order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DerivedKeys(u16);

impl DerivedKeys {
    fn insert(&mut self, at: usize) {
        self.0 |= 1 << at;
    }

    pub(crate) fn has(self, at: usize) -> bool {
        self.0 & (1 << at) != 0
    }

    /// The set as bits, a bit per position in [`DERIVED`].
    pub(crate) fn bits(self) -> u16 {
        self.0
    }

    /// The set of the positions in [`DERIVED`] whose bits are set (tests list keys as derived
    /// that no derivation listed).
    #[cfg(test)]
    pub(crate) fn from_bits(bits: u16) -> DerivedKeys {
        DerivedKeys(bits)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The names, in derivation order.
    pub fn iter(self) -> impl Iterator<Item = &'static str> {
        self.keys().map(|key| key.name)
    }

    fn keys(self) -> impl Iterator<Item = &'static FixedKey> {
        DERIVED
            .iter()
            .enumerate()
            .filter(move |&(at, _)| self.has(at))
            .map(|(_, key)| key)
    }

    /// Whether a result lists the context's key `key` as derived, given the position in
    /// [`DERIVED`] of its slot when it sits in one: a slot's key when this request's derivation
    /// filled it; a given key when it is spelled as one derived (only a context built by hand
    /// has those).
    pub(crate) fn lists(self, key: &str, slot: Option<usize>) -> bool {
        match slot {
            Some(at) => self.has(at),
            None => self.name_of(key).is_some(),
        }
    }

    /// Whether the context got `key` from `deriveContext`, and the fixed name if so. Derived
    /// keys keep their fixed spelling, and the context borrows the very text [`DERIVED`] holds:
    /// the same address finds them without reading the bytes; then an exact comparison, then
    /// one in any case (derived names differ in any case, so the first found is the one).
    pub fn name_of(self, key: &str) -> Option<&'static str> {
        // By address over every fixed name, then one bit: no walk over the set.
        let by_address = DERIVED
            .iter()
            .position(|d| std::ptr::eq(d.name, key))
            .filter(|&at| self.has(at));
        if let Some(name) = by_address.and_then(|at| DERIVED.get(at)) {
            return Some(name.name);
        }
        let find = |same: fn(&str, &str) -> bool| self.iter().find(|d| same(d, key));
        find(|d, k| d == k).or_else(|| find(str::eq_ignore_ascii_case))
    }
}

/// (year, month, day, seconds of the day) for epoch seconds (days-from-civil inverse, proleptic
/// Gregorian).
fn civil(epoch: i64) -> (i64, i64, i64, i64) {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, secs)
}

/// `YYYY-MM-DDThh:mm:ssZ` for epoch seconds.
pub fn format_epoch_iso8601(epoch: i64) -> String {
    let (year, month, day, secs) = civil(epoch);
    if !(0..=9999).contains(&year) {
        return format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
    }
    // Digits pushed directly: `format!` with widths costs several times more, and every
    // request of a CLI run derives `aws:CurrentTime`.
    let mut out = String::with_capacity(20);
    let mut digits = |n: i64, width: u32, sep: char| {
        for p in (0..width).rev() {
            let d = n / 10_i64.pow(p) % 10;
            out.push(char::from(b'0' + u8::try_from(d).unwrap_or(0)));
        }
        out.push(sep);
    };
    digits(year, 4, '-');
    digits(month, 2, '-');
    digits(day, 2, 'T');
    digits(secs / 3600, 2, ':');
    digits(secs / 60 % 60, 2, ':');
    digits(secs % 60, 2, 'Z');
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_epoch_seconds() {
        assert_eq!(format_epoch_iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_epoch_iso8601(1_709_251_199), "2024-02-29T23:59:59Z");
        assert_eq!(format_epoch_iso8601(-1), "1969-12-31T23:59:59Z");
    }

    /// The digit-pushing path spells every instant as the `format!` path does.
    #[test]
    fn epoch_formatting_agrees_with_format() {
        let by_format = |epoch: i64| {
            let (year, month, day, secs) = civil(epoch);
            format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            )
        };
        let mut epoch: i64 = -62_167_219_200; // 0000-01-01
        while epoch < 253_402_300_799 {
            assert_eq!(format_epoch_iso8601(epoch), by_format(epoch), "{epoch}");
            epoch += 7_919_993;
        }
        assert_eq!(
            format_epoch_iso8601(253_402_300_799),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(
            format_epoch_iso8601(253_402_300_800),
            "10000-01-01T00:00:00Z"
        );
        assert_eq!(
            format_epoch_iso8601(-62_167_219_201),
            "-001-12-31T23:59:59Z"
        );
    }

    use super::*;
    use crate::context::Values;
    use crate::matching::arn::Arn;

    #[test]
    fn g8_context_scalars_become_canonical_strings() {
        let raw: Map<String, Value> = serde_json::from_str(
            r#"{"aws:SecureTransport": true, "aws:MultiFactorAuthAge": 300, "aws:TagKeys": ["a", "b"], "x": null}"#,
        )
        .expect("json");
        let mut diags = Vec::new();
        let ctx = typed_context(&raw, &mut diags);
        assert!(diags.is_empty());
        assert_eq!(ctx.get("aws:securetransport"), Some(Values::One("true")));
        assert_eq!(ctx.get("aws:MultiFactorAuthAge"), Some(Values::One("300")));
        assert!(ctx.get("aws:TagKeys").is_some_and(Values::is_multi));
        assert!(ctx.get("x").is_none());
    }

    #[test]
    fn c16_catalog_types_make_single_values_sets_for_multi_valued_keys() {
        let raw: Map<String, Value> =
            serde_json::from_str(r#"{"aws:TagKeys": "team", "aws:SourceIp": "not-an-ip"}"#)
                .expect("json");
        let mut diags = Vec::new();
        let ctx = typed_context(&raw, &mut diags);
        assert_eq!(
            ctx.get("aws:TagKeys"),
            Some(Values::Many(&["team".to_string()]))
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "context-value-type");
    }

    #[test]
    fn nested_objects_are_reported_not_fatal() {
        let raw: Map<String, Value> = serde_json::from_str(r#"{"k": {"a": 1}}"#).expect("json");
        let mut diags = Vec::new();
        let ctx = typed_context(&raw, &mut diags);
        assert!(ctx.is_empty());
        assert_eq!(diags[0].code, "invalid-context-value");
    }

    #[test]
    fn typed_keys_win_over_derived_ones() {
        let mut ctx = RequestContext::new();
        ctx.insert(
            "AWS:PrincipalAccount",
            ContextValue::Single("999999999999".into()),
        );
        let facts = PrincipalFacts {
            account: Some(DerivedText::checked("111122223333")),
            principal_type: "User",
            ..Default::default()
        };
        let added = derive_context(
            &mut ctx,
            facts,
            "arn:aws:ecr:us-east-1:111122223333:repository/web",
            Some("111122223333"),
            None,
        );
        assert!(!added.iter().any(|k| k == "aws:PrincipalAccount"));
        assert_eq!(
            ctx.get("aws:principalaccount").and_then(Values::single),
            Some("999999999999")
        );
        assert_eq!(
            ctx.get("aws:RequestedRegion").and_then(Values::single),
            Some("us-east-1")
        );
    }

    /// Every key is derived in derivation order, with its value, whatever the principal; a
    /// typed key in another case is kept and not listed.
    #[test]
    fn v6_derived_keys_are_listed_in_derivation_order() {
        let principal = crate::matching::RequestPrincipal::parse(
            "arn:aws:sts::111122223333:federated-user/bob",
        )
        .expect("principal");
        let mut ctx = RequestContext::new();
        ctx.insert("AWS:USERID", ContextValue::Single("typed".into()));
        let added = derive_context(
            &mut ctx,
            super::super::principal::facts_of(
                &principal,
                "arn:aws:sts::111122223333:federated-user/bob",
                false,
            ),
            "arn:aws:ecr:us-east-1:111122223333:repository/web",
            Some("111122223333"),
            Some(0),
        );
        let expected: Vec<&str> = DERIVED
            .iter()
            .map(|key| key.name)
            .filter(|n| {
                !matches!(
                    *n,
                    "aws:userid" | "aws:username" | "aws:PrincipalServiceName"
                )
            })
            .collect();
        assert_eq!(added.iter().collect::<Vec<_>>(), expected);
        assert_eq!(added.len(), expected.len());
        assert_eq!(
            ctx.get("aws:userid").and_then(Values::single),
            Some("typed")
        );
        assert_eq!(
            ctx.get("aws:PrincipalArn").and_then(Values::single),
            Some("arn:aws:sts::111122223333:federated-user/bob")
        );
        assert_eq!(
            ctx.get("aws:CurrentTime").and_then(Values::single),
            Some("1970-01-01T00:00:00Z")
        );
        assert_eq!(ctx.len(), expected.len() + 1);
    }

    /// The set of derived keys lists, counts and finds names as the list of their names did
    /// (found by address, then spelling, then in any case), for every subset of a vocabulary.
    #[test]
    fn c2_derived_key_sets_agree_with_name_lists() {
        fn by_list(list: &[&'static str], key: &str) -> Option<&'static str> {
            list.iter()
                .copied()
                .find(|d| std::ptr::eq(*d, key))
                .or_else(|| list.iter().copied().find(|d| *d == key))
                .or_else(|| list.iter().copied().find(|d| d.eq_ignore_ascii_case(key)))
        }
        let owned: Vec<String> = DERIVED.iter().map(|k| k.name.to_string()).collect();
        let upper: Vec<String> = DERIVED.iter().map(|k| k.name.to_uppercase()).collect();
        let mut keys: Vec<&str> = DERIVED.iter().map(|k| k.name).collect();
        keys.extend(owned.iter().map(String::as_str));
        keys.extend(upper.iter().map(String::as_str));
        keys.extend(["", "aws:principal", "aws:SourceIp", "aws:usernamex"]);
        for bits in [
            0u16,
            1,
            0b101_0101_0101,
            0b111_1111_1111,
            0b100_0000_0000,
            0b010_0110_0011,
        ] {
            let mut set = DerivedKeys::default();
            for at in 0..DERIVED.len() {
                if bits & (1 << at) != 0 {
                    set.insert(at);
                }
            }
            let list: Vec<&'static str> = DERIVED
                .iter()
                .enumerate()
                .filter(|&(at, _)| bits & (1 << at) != 0)
                .map(|(_, k)| k.name)
                .collect();
            assert_eq!(set.iter().collect::<Vec<_>>(), list);
            assert_eq!((set.len(), set.is_empty()), (list.len(), list.is_empty()));
            for key in &keys {
                assert_eq!(set.name_of(key), by_list(&list, key), "{key} {bits:b}");
            }
        }
    }

    /// The derived values marked plain (the result writer copies them as they are) need no
    /// JSON escape, for every kind of principal and resource, escaped or not, and every derived
    /// value reads as the plain derivation's.
    #[test]
    fn v6_derived_values_marked_plain_need_no_escape() {
        let mut marked = 0;
        for text in [
            "arn:aws:iam::111122223333:user/dev/alice",
            "arn:aws:iam::111122223333:user/dev/al\"ice",
            "arn:aws:iam::111122223333:user/b\\ob",
            "arn:aws:iam::111122223333:role/ci",
            "arn:aws:sts::111122223333:assumed-role/ci/s",
            "arn:aws:sts::111122223333:federated-user/bob",
            "arn:aws:sts::111122223333:federated-user/b\"ob",
            "111122223333",
            "codebuild.amazonaws.com",
            "code\"build.amazonaws.com",
            "anonymous",
        ] {
            for resource in [
                "arn:aws:ecr:us-east-1:111122223333:repository/web",
                "arn:aws:ecr:us-\"east:111122223333:repository/web",
            ] {
                let (principal, spells_arn) =
                    crate::matching::RequestPrincipal::parse_spelling(text).expect(text);
                let mut ctx = RequestContext::new();
                derive_context(
                    &mut ctx,
                    super::super::principal::facts_of(&principal, text, spells_arn),
                    resource,
                    Some("111122223333"),
                    Some(0),
                );
                let facts = super::super::principal::facts_of(&principal, text, spells_arn);
                assert_eq!(
                    facts.principal_arn.as_deref(),
                    principal.principal_arn().as_deref()
                );
                assert_eq!(facts.username.as_deref(), principal.username());
                assert_eq!(facts.account.as_deref(), principal.account());
                ctx.each_step(|step| {
                    if let crate::context::ContextStep::Slots(run) = step {
                        for (at, value, plain) in run.filled() {
                            let json = serde_json::to_string(value).unwrap_or_default();
                            assert!(!plain || json == format!("\"{value}\""), "{at} {text}");
                            marked += usize::from(plain);
                        }
                    }
                });
            }
        }
        assert!(marked > 60, "only {marked} marked plain");
    }

    /// The kept spellings of `now` are its spellings, for the same instant, a new one, and one
    /// seen before.
    #[test]
    fn kept_now_texts_are_fresh_ones() {
        for now in [
            0,
            1_796_000_508,
            1_796_000_508,
            -1,
            0,
            253_402_300_800,
            1_796_000_509,
        ] {
            let (epoch, time) = with_now_texts(now, |(e, t)| (e.to_string(), t.to_string()));
            assert_eq!((epoch, time), (now.to_string(), format_epoch_iso8601(now)));
        }
    }

    /// The byte scans read the account and the region as `splitn` does.
    #[test]
    fn arn_fields_agree_with_splitn() {
        fn by_splitn_account(arn: &str) -> Option<&str> {
            let mut parts = arn.splitn(6, ':');
            let (prefix, _, _, _, account) = (
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
            );
            (prefix == "arn" && !account.is_empty() && parts.next().is_some()).then_some(account)
        }
        fn by_splitn_region(arn: &str) -> Option<&str> {
            let mut parts = arn.splitn(6, ':');
            let (prefix, _, _, region) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            (prefix == "arn" && !region.is_empty() && !region.contains('*')).then_some(region)
        }
        for arn in [
            "arn:aws:ecr:us-east-1:111122223333:repository/web",
            "arn:aws:s3:::bucket",
            "arn:aws:ecr:us-east-1",
            "arn:aws:ecr:us-east-1:",
            "arn:aws:ecr:us-*:1:r",
            "arn:aws:ecr:us-east-1:1",
            "arn:aws:ecr::1:r:x:y",
            "ARN:aws:ecr:us-east-1:1:r",
            "arn:aws:ecr",
            "arn:aws:ecr:",
            "*",
            "",
            ":::::",
            "arn:äws:ecr:ü:1:r",
            "ARN:aws:ecr:us-east-1:1:r",
            "Arn:aws:ecr:us-east-1::r",
            "arn:aws:ecr:*:1:r",
            "arn:aws:ecr::1:r",
            "arn:aws:ecr:us-east-1::",
            "arnx:aws:ecr:us-east-1:1:r",
            "arn:aws:ecr:us-east-1:1",
        ] {
            assert_eq!(arn_account(arn), by_splitn_account(arn), "{arn}");
            assert_eq!(arn_region(arn), by_splitn_region(arn), "{arn}");
            assert_eq!(
                arn_account_and_region(arn, Arn::parse(arn).map(|a| (a.region, a.account))),
                (arn_account(arn), arn_region(arn)),
                "{arn}"
            );
        }
    }

    #[test]
    fn arn_parts() {
        assert_eq!(arn_account("arn:aws:s3:::bucket"), None);
        assert_eq!(
            arn_account("arn:aws:ecr:us-east-1:111122223333:repository/web"),
            Some("111122223333")
        );
        assert_eq!(arn_account("*"), None);
    }
}

//! The fast path of reading one scenario: straight from the text into [`Scenario`], policy
//! documents kept as their source (see [`PolicyDocument`]), no `serde_json::Value` for them.
//!
//! It takes well-formed scenarios in a plain vocabulary and gives `None` for anything else —
//! a syntax error, a repeated key, a `null` where serde would refuse it, a missing `request`,
//! numbers other than short integers in values it builds, lone surrogates — so that the caller
//! reads that text with serde as before: the same scenario, or the same error at the same place.

use super::super::{
    NamedPolicy, Policies, PolicyDocument, RequestSpec, Scenario, TestCase, FORMAT_V1,
};
use crate::eval::Decision;
use crate::json::scan::{is_plain_integer, set_empty, KnownName, Scanner};
use crate::policy::parse::RenderedSource;
use serde_json::{Map, Number, Value};
use std::borrow::Cow;

/// Deepest nesting of a policy document or of another value taken here. serde_json stops at 128
/// levels from the top of the line; these values start at most 6 levels down.
const MAX_VALUE_DEPTH: usize = 64;

/// The scenario in `text`, or `None` when the text needs the complete reader.
#[cfg(test)]
fn read_scenario(text: &str) -> Option<Scenario> {
    let mut scenario = empty_scenario();
    read_scenario_into(text, &mut scenario)?;
    Some(scenario)
}

/// Reads the scenario in `text` into `scenario` (as made by [`empty_scenario`]) in place, so
/// that the caller can return it without a move (it is large); `None` when the text needs the
/// complete reader, leaving `scenario` partly filled.
pub(super) fn read_scenario_into(text: &str, scenario: &mut Scenario) -> Option<()> {
    Reader {
        s: Scanner::new(text),
    }
    .scenario(scenario)
}

/// Empties a scenario read before so that [`read_scenario_into`] can read another into it: as
/// [`empty_scenario`] makes one, except that the strings and lists keep their buffers (a kept
/// scenario then reads a line without allocating them again) and are emptied in place (a list
/// replaced by a new one is dropped by a call, even when empty).
pub(super) fn clear_for_reuse(scenario: &mut Scenario) {
    // Every field named, so that a new one is not forgotten here.
    let Scenario {
        format,
        name,
        description,
        policies,
        request,
        expect,
        tests,
        unknown,
    } = scenario;
    format.clear();
    *name = None;
    *description = None;
    // Field by field rather than replaced whole, which would drop the kept list with the rest.
    let Policies {
        identity,
        permissions_boundary,
        session,
        resource,
        scp,
        rcp,
        vpc_endpoint,
        unknown: policies_unknown,
    } = policies;
    identity.clear();
    *permissions_boundary = None;
    *session = None;
    *resource = None;
    *scp = None;
    *rcp = None;
    vpc_endpoint.clear();
    *policies_unknown = Map::new();
    let RequestSpec {
        principal,
        action,
        resource,
        resource_account,
        context,
        derive_context,
        unknown: request_unknown,
    } = request;
    principal.clear();
    action.clear();
    resource.clear();
    *resource_account = None;
    *context = Map::new();
    *derive_context = None;
    *request_unknown = Map::new();
    *expect = None;
    tests.clear();
    *unknown = Map::new();
}

/// A scenario with nothing read yet (no allocation).
pub(super) fn empty_scenario() -> Scenario {
    Scenario {
        format: String::new(),
        name: None,
        description: None,
        policies: Policies::default(),
        request: RequestSpec::default(),
        expect: None,
        tests: Vec::new(),
        unknown: Map::new(),
    }
}

/// The members of each object the reader builds; any other key is kept as an unknown member.
#[derive(Clone, Copy)]
enum ScenarioKey {
    Format,
    Name,
    Description,
    Policies,
    Request,
    Expect,
    Tests,
}

#[derive(Clone, Copy)]
enum PoliciesKey {
    Identity,
    /// Too long to compare in place: recognised once read as a string.
    PermissionsBoundary,
    Session,
    Resource,
    Scp,
    Rcp,
    VpcEndpoint,
}

#[derive(Clone, Copy)]
enum NamedPolicyKey {
    Name,
    Document,
    Enabled,
    Kind,
}

#[derive(Clone, Copy)]
enum RequestKey {
    Principal,
    Action,
    Resource,
    ResourceAccount,
    Context,
    DeriveContext,
}

#[derive(Clone, Copy)]
enum TestKey {
    Name,
    Request,
    Expect,
}

/// The names of each object's members, most frequent first.
const SCENARIO_KEYS: [KnownName<ScenarioKey>; 7] = [
    KnownName::tagged("format", ScenarioKey::Format),
    KnownName::tagged("policies", ScenarioKey::Policies),
    KnownName::tagged("request", ScenarioKey::Request),
    KnownName::tagged("name", ScenarioKey::Name),
    KnownName::tagged("description", ScenarioKey::Description),
    KnownName::tagged("expect", ScenarioKey::Expect),
    KnownName::tagged("tests", ScenarioKey::Tests),
];
const POLICIES_KEYS: [KnownName<PoliciesKey>; 6] = [
    KnownName::tagged("identity", PoliciesKey::Identity),
    KnownName::tagged("resource", PoliciesKey::Resource),
    KnownName::tagged("scp", PoliciesKey::Scp),
    KnownName::tagged("session", PoliciesKey::Session),
    KnownName::tagged("rcp", PoliciesKey::Rcp),
    KnownName::tagged("vpcEndpoint", PoliciesKey::VpcEndpoint),
];
const NAMED_POLICY_KEYS: [KnownName<NamedPolicyKey>; 4] = [
    KnownName::tagged("name", NamedPolicyKey::Name),
    KnownName::tagged("document", NamedPolicyKey::Document),
    KnownName::tagged("enabled", NamedPolicyKey::Enabled),
    KnownName::tagged("kind", NamedPolicyKey::Kind),
];
const REQUEST_KEYS: [KnownName<RequestKey>; 6] = [
    KnownName::tagged("principal", RequestKey::Principal),
    KnownName::tagged("action", RequestKey::Action),
    KnownName::tagged("resource", RequestKey::Resource),
    KnownName::tagged("context", RequestKey::Context),
    KnownName::tagged("resourceAccount", RequestKey::ResourceAccount),
    KnownName::tagged("deriveContext", RequestKey::DeriveContext),
];
const TEST_KEYS: [KnownName<TestKey>; 3] = [
    KnownName::tagged("name", TestKey::Name),
    KnownName::tagged("request", TestKey::Request),
    KnownName::tagged("expect", TestKey::Expect),
];
/// The names of an object whose keys are any text (a request's `context`, a test's `request`).
const ANY_KEYS: &[KnownName] = &[];

struct Reader<'a> {
    s: Scanner<'a>,
}

/// Fills a field once; a second occurrence of the key gives up (serde reports it).
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    match slot {
        Some(_) => None,
        None => {
            *slot = Some(value);
            Some(())
        }
    }
}

/// Fills `slot` with the value read for the key of bit `bit` in `seen`, in place (a scenario and
/// its policies are large to move); a value that could not be read or a second occurrence of the
/// key gives up (serde reports it).
fn fill<T>(seen: &mut u32, bit: u32, slot: &mut T, value: Option<T>) -> Option<()> {
    let value = value?;
    once(seen, bit)?;
    *slot = value;
    Some(())
}

/// Marks the key of bit `bit` in `seen`; `None` on its second occurrence.
fn once(seen: &mut u32, bit: u32) -> Option<()> {
    if *seen & bit != 0 {
        return None;
    }
    *seen |= bit;
    Some(())
}

/// Keeps an unknown member; a repeated key gives up (serde keeps the first position and the
/// last value).
fn keep(unknown: &mut Map<String, Value>, key: Cow<'_, str>, value: Value) -> Option<()> {
    if unknown.contains_key(&*key) {
        return None;
    }
    unknown.insert(key.into_owned(), value);
    Some(())
}

/// An integer as serde_json reads it: non-negative as `u64`, negative as `i64`.
fn integer(text: &str) -> Option<Number> {
    if text.starts_with('-') {
        text.parse::<i64>().ok().map(Number::from)
    } else {
        text.parse::<u64>().ok().map(Number::from)
    }
}

impl<'a> Reader<'a> {
    /// An object, each member's value read by `member` given the key and the tag of the name
    /// of `names` it spells, if any.
    fn object<T: Copy>(
        &mut self,
        names: &[KnownName<T>],
        mut member: impl FnMut(&mut Self, Option<T>, Cow<'a, str>) -> Option<()>,
    ) -> Option<()> {
        if !self.s.eat(b'{') {
            return None;
        }
        if self.s.eat(b'}') {
            return Some(());
        }
        loop {
            let (name, key) = self.s.key(names)?;
            if !self.s.eat(b':') {
                return None;
            }
            member(self, name, key)?;
            if self.s.eat(b'}') {
                return Some(());
            }
            if !self.s.eat(b',') {
                return None;
            }
        }
    }

    fn array<T>(&mut self, item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = Vec::new();
        self.array_into(&mut items, item)?;
        Some(items)
    }

    /// An array's items pushed onto `items` (empty, perhaps with room kept from a scenario
    /// read before).
    fn array_into<T>(
        &mut self,
        items: &mut Vec<T>,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<()> {
        if !self.s.eat(b'[') {
            return None;
        }
        if self.s.eat(b']') {
            return Some(());
        }
        // Sized at once rather than grown from empty by the first push: four small items, fewer
        // large ones (a policy is 240 bytes), so that the block stays small for the allocator.
        // A kept list has its room already.
        if items.capacity() == 0 {
            set_empty(
                items,
                Vec::with_capacity((512 / size_of::<T>().max(1)).clamp(1, 4)),
            );
        }
        loop {
            items.push(item(self)?);
            if self.s.eat(b']') {
                return Some(());
            }
            if !self.s.eat(b',') {
                return None;
            }
        }
    }

    /// `null` as `None`, else what `read` reads.
    fn optional<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.s.eat_word("null") {
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    fn string(&mut self) -> Option<String> {
        self.s.string().map(Cow::into_owned)
    }

    /// A string read into `text` (empty, perhaps with room kept from a scenario read before):
    /// copied into that room, or made as a new string when it does not fit (growing an empty
    /// string takes the allocator's dearer path).
    fn string_into(&mut self, text: &mut String) -> Option<()> {
        let read = self.s.string()?;
        if text.capacity() >= read.len() {
            text.push_str(&read);
        } else {
            *text = read.into_owned();
        }
        Some(())
    }

    fn boolean(&mut self) -> Option<bool> {
        if self.s.eat_word("true") {
            Some(true)
        } else if self.s.eat_word("false") {
            Some(false)
        } else {
            None
        }
    }

    fn decision(&mut self) -> Option<Decision> {
        match &*self.s.string()? {
            "Allow" => Some(Decision::Allow),
            "ExplicitDeny" => Some(Decision::ExplicitDeny),
            "ImplicitDeny" => Some(Decision::ImplicitDeny),
            _ => None,
        }
    }

    /// Any JSON value, as serde_json builds it.
    fn value(&mut self, depth_left: usize) -> Option<Value> {
        self.s.skip_whitespace();
        let value = match self.s.peek()? {
            b'"' => Value::String(self.string()?),
            b'-' | b'0'..=b'9' => {
                let number = self.s.number()?;
                if !is_plain_integer(number) {
                    return None;
                }
                Value::Number(integer(number)?)
            }
            b't' | b'f' => Value::Bool(self.boolean()?),
            b'n' if self.s.eat_word("null") => Value::Null,
            b'[' => {
                let depth_left = depth_left.checked_sub(1)?;
                Value::Array(self.array(|r| r.value(depth_left))?)
            }
            b'{' => Value::Object(self.map(depth_left)?),
            _ => return None,
        };
        Some(value)
    }

    /// An object of any values (a request's `context`, a test's `request`).
    fn map(&mut self, depth_left: usize) -> Option<Map<String, Value>> {
        let depth_left = depth_left.checked_sub(1)?;
        let mut map = Map::new();
        self.object(ANY_KEYS, |r, _, key| {
            let value = r.value(depth_left)?;
            keep(&mut map, key, value)
        })?;
        Some(map)
    }

    fn unknown(&mut self, unknown: &mut Map<String, Value>, key: Cow<'_, str>) -> Option<()> {
        let value = self.value(MAX_VALUE_DEPTH)?;
        keep(unknown, key, value)
    }

    /// The scenario that is the whole text, read into `s` in place (the text's end is checked
    /// here).
    fn scenario(&mut self, s: &mut Scenario) -> Option<()> {
        const FORMAT: u32 = 1;
        const NAME: u32 = 2;
        const DESCRIPTION: u32 = 4;
        const POLICIES: u32 = 8;
        const REQUEST: u32 = 16;
        const EXPECT: u32 = 32;
        const TESTS: u32 = 64;
        let mut seen = 0;
        self.object(&SCENARIO_KEYS, |r, name, key| match name {
            Some(ScenarioKey::Format) => {
                once(&mut seen, FORMAT)?;
                r.string_into(&mut s.format)
            }
            Some(ScenarioKey::Name) => fill(&mut seen, NAME, &mut s.name, r.optional(Self::string)),
            Some(ScenarioKey::Description) => fill(
                &mut seen,
                DESCRIPTION,
                &mut s.description,
                r.optional(Self::string),
            ),
            Some(ScenarioKey::Policies) => {
                once(&mut seen, POLICIES)?;
                r.policies(&mut s.policies)
            }
            Some(ScenarioKey::Request) => {
                once(&mut seen, REQUEST)?;
                r.request(&mut s.request)
            }
            Some(ScenarioKey::Expect) => {
                fill(&mut seen, EXPECT, &mut s.expect, r.optional(Self::decision))
            }
            Some(ScenarioKey::Tests) => fill(&mut seen, TESTS, &mut s.tests, r.array(Self::test)),
            None => r.unknown(&mut s.unknown, key),
        })?;
        if seen & REQUEST == 0 || !self.s.at_end() {
            return None;
        }
        if seen & FORMAT == 0 {
            s.format.push_str(FORMAT_V1);
        }
        Some(())
    }

    /// The scenario's `policies`, read into `p` in place.
    fn policies(&mut self, p: &mut Policies) -> Option<()> {
        let levels = |r: &mut Self| r.optional(|r| r.array(|r| r.array(Self::named_policy)));
        let list = |r: &mut Self| {
            r.optional(Self::named_policies)
                .map(Option::unwrap_or_default)
        };
        let mut seen = 0;
        self.object(&POLICIES_KEYS, |r, name, key| {
            match name.or_else(|| {
                (key == "permissionsBoundary").then_some(PoliciesKey::PermissionsBoundary)
            }) {
                Some(PoliciesKey::Identity) => {
                    once(&mut seen, 1)?;
                    r.optional(|r| r.array_into(&mut p.identity, Self::named_policy))
                        .map(drop)
                }
                Some(PoliciesKey::PermissionsBoundary) => fill(
                    &mut seen,
                    2,
                    &mut p.permissions_boundary,
                    r.optional(Self::named_policy),
                ),
                Some(PoliciesKey::Session) => {
                    fill(&mut seen, 4, &mut p.session, r.optional(Self::named_policy))
                }
                Some(PoliciesKey::Resource) => fill(
                    &mut seen,
                    8,
                    &mut p.resource,
                    r.optional(Self::named_policy),
                ),
                Some(PoliciesKey::Scp) => fill(&mut seen, 16, &mut p.scp, levels(r)),
                Some(PoliciesKey::Rcp) => fill(&mut seen, 32, &mut p.rcp, levels(r)),
                Some(PoliciesKey::VpcEndpoint) => fill(&mut seen, 64, &mut p.vpc_endpoint, list(r)),
                None => r.unknown(&mut p.unknown, key),
            }
        })
    }

    fn named_policies(&mut self) -> Option<Vec<NamedPolicy>> {
        self.array(Self::named_policy)
    }

    fn named_policy(&mut self) -> Option<NamedPolicy> {
        let (mut name, mut document, mut enabled, mut kind) = (None, None, None, None);
        let mut unknown = Map::new();
        self.object(&NAMED_POLICY_KEYS, |r, known, key| match known {
            Some(NamedPolicyKey::Name) => set(&mut name, r.string()?),
            Some(NamedPolicyKey::Document) => set(&mut document, r.document()?),
            Some(NamedPolicyKey::Enabled) => set(&mut enabled, r.optional(Self::boolean)?),
            Some(NamedPolicyKey::Kind) => set(&mut kind, r.optional(Self::string)?),
            None => r.unknown(&mut unknown, key),
        })?;
        Some(NamedPolicy {
            name: name.unwrap_or_default(),
            document: document?,
            enabled: enabled.flatten(),
            kind: kind.flatten(),
            unknown,
        })
    }

    /// Text as typed becomes its string; any other value is kept as its source.
    fn document(&mut self) -> Option<PolicyDocument> {
        self.s.skip_whitespace();
        if self.s.peek() == Some(b'"') {
            return Some(Value::String(self.string()?).into());
        }
        // Written to its pretty text and tree right away when it can be; otherwise only
        // checked, and read as a value when it is parsed.
        let start = self.s.offset();
        let before = self.s.clone();
        let rendered = RenderedSource::at(&mut self.s);
        if rendered.is_none() {
            self.s = before;
            self.s.skip_value(MAX_VALUE_DEPTH)?;
        }
        let source = self.s.slice(start, self.s.offset())?;
        Some(PolicyDocument::from_source(source, rendered))
    }

    /// A request, read into `spec` in place.
    fn request(&mut self, spec: &mut RequestSpec) -> Option<()> {
        let mut seen = 0;
        self.object(&REQUEST_KEYS, |r, name, key| match name {
            Some(RequestKey::Principal) => {
                once(&mut seen, 1)?;
                r.string_into(&mut spec.principal)
            }
            Some(RequestKey::Action) => {
                once(&mut seen, 2)?;
                r.string_into(&mut spec.action)
            }
            Some(RequestKey::Resource) => {
                once(&mut seen, 4)?;
                r.string_into(&mut spec.resource)
            }
            Some(RequestKey::ResourceAccount) => fill(
                &mut seen,
                8,
                &mut spec.resource_account,
                r.optional(Self::string),
            ),
            Some(RequestKey::Context) => {
                fill(&mut seen, 16, &mut spec.context, r.map(MAX_VALUE_DEPTH))
            }
            Some(RequestKey::DeriveContext) => fill(
                &mut seen,
                32,
                &mut spec.derive_context,
                r.optional(Self::boolean),
            ),
            None => r.unknown(&mut spec.unknown, key),
        })
    }

    fn test(&mut self) -> Option<TestCase> {
        let (mut name, mut request, mut expect) = (None, None, None);
        let mut unknown = Map::new();
        self.object(&TEST_KEYS, |r, known, key| match known {
            Some(TestKey::Name) => set(&mut name, r.string()?),
            Some(TestKey::Request) => set(&mut request, r.map(MAX_VALUE_DEPTH)?),
            Some(TestKey::Expect) => set(&mut expect, r.decision()?),
            None => r.unknown(&mut unknown, key),
        })?;
        Some(TestCase {
            name: name.unwrap_or_default(),
            request: request.unwrap_or_default(),
            expect: expect?,
            unknown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{error_at, read_json_line};
    use super::*;
    use std::path::Path;

    /// How the fast reader did on one text.
    #[derive(Debug, PartialEq)]
    enum Taken {
        /// Read by the fast reader, equal to serde's scenario.
        Fast,
        /// Left to serde.
        Serde,
    }

    fn policies_of(scenario: &Scenario) -> Vec<&NamedPolicy> {
        let p = &scenario.policies;
        p.identity
            .iter()
            .chain(&p.permissions_boundary)
            .chain(&p.session)
            .chain(&p.resource)
            .chain(p.scp.iter().flatten().flatten())
            .chain(p.rcp.iter().flatten().flatten())
            .chain(&p.vpc_endpoint)
            .collect()
    }

    /// The fast reader gives serde's scenario (equal, serialized byte for byte the same, every
    /// policy read to the same text, spans, model and findings), or leaves the text to serde;
    /// `read_json_line` gives serde's result either way. Returns which path was taken and how
    /// many documents were read from their source.
    fn agrees_with_serde(text: &str) -> (Taken, usize) {
        let serde = serde_json::from_str::<Scenario>(text);
        let line = read_json_line(text, 7);
        let Some(fast) = read_scenario(text) else {
            let expected = serde.map_err(|e| error_at(&e, 7));
            assert_eq!(line, expected, "{text}");
            return (Taken::Serde, 0);
        };
        let serde =
            serde.unwrap_or_else(|e| panic!("serde refuses what the fast path read: {e}: {text}"));
        let mut from_source = 0;
        for (f, s) in policies_of(&fast).into_iter().zip(policies_of(&serde)) {
            if let Some(source) = f.document.source() {
                let rendered = RenderedSource::new(source);
                from_source += usize::from(rendered.is_some());
                if let Some(rendered) = rendered {
                    // What the reader rendered in the line and what it renders from the source alone.
                    assert_eq!(rendered.parse(), f.document.clone().parse(), "{text}");
                }
            }
            // Before anything reads the fast document's value.
            assert_eq!(f.document.parse(), s.document.parse(), "{text}");
        }
        assert_eq!(
            serde_json::to_string(&fast).ok(),
            serde_json::to_string(&serde).ok(),
            "{text}"
        );
        assert_eq!(fast, serde, "{text}");
        assert_eq!(line, Ok(serde), "{text}");
        (Taken::Fast, from_source)
    }

    fn corpus_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                corpus_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }

    #[test]
    fn fast_reader_agrees_with_serde_on_the_corpus() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
        let mut files = Vec::new();
        corpus_files(&root, &mut files);
        assert!(files.len() >= 200, "corpus not found");
        let (mut fast, mut documents, mut total) = (0, 0, 0);
        for file in &files {
            let text = std::fs::read_to_string(file).expect("readable");
            // As written (pretty, several lines) and as one JSON line.
            let compact = serde_json::from_str::<Value>(&text)
                .map(|v| v.to_string())
                .unwrap_or_default();
            for text in [text.as_str(), compact.as_str()] {
                let (path, from_source) = agrees_with_serde(text);
                total += 1;
                fast += usize::from(path == Taken::Fast);
                documents += from_source;
            }
        }
        // The comparison means something only if the fast paths are taken.
        assert!(
            fast * 10 >= total * 9,
            "fast path for only {fast} of {total}"
        );
        assert!(
            documents >= total,
            "only {documents} documents read from source"
        );
    }

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["ecr:PutImage","ecr:Batch*"],"Resource":"arn:aws:ecr:us-east-1:111122223333:repository/web"},{"Effect":"Deny","Action":"ecr:Delete*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/role":"admin"}}}]}"#;
    const REQUEST: &str = r#""request":{"principal":"arn:aws:iam::111122223333:user/u0","action":"ecr:PutImage","resource":"*"}"#;

    /// A line with `policy` as the only identity policy's member list.
    fn with_policy(members: &str) -> String {
        format!(
            r#"{{"format":"iamsim/scenario@1","policies":{{"identity":[{{{members}}}]}},{REQUEST}}}"#
        )
    }

    #[test]
    fn fast_reader_agrees_with_serde_on_tricky_lines() {
        let documents = [
            POLICY.to_string(),
            // Escapes, unicode, numbers, nulls, nesting, keys in every spelling.
            r#"{"Version":"2012-10-17","Id":"a\"b\\c\/d\u00e9\n\t😀 Straße","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"n":10,"m":-3,"z":0,"big":123456789012345678},"Null":{"k":null},"Bool":{"b":true,"c":false}}}}"#.into(),
            r#"{"Statement":[],"x":[[],{},[1,[2,{"a":[]}]]]}"#.into(),
            // Taken by the value path inside the fast reader: floats, exponents, -0, long
            // integers, repeated keys, surrogate pairs.
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"n":10.50}}}]}"#.into(),
            r#"{"Statement":[],"n":[1e3,1E+2,-0,-0.0,12345678901234567,0.1]}"#.into(),
            r#"{"Statement":[],"Statement":{}}"#.into(),
            r#"{"Id":"\ud83d\ude00","Statement":[]}"#.into(),
            // Other JSON values as documents.
            "[1, 2]".into(),
            "null".into(),
            "17".into(),
            "true".into(),
            "{}".into(),
            // Documents as text: as typed, broken, escaped.
            serde_json::to_string(POLICY).unwrap_or_default(),
            serde_json::to_string(&POLICY.replace(',', ",\n  ")).unwrap_or_default(),
            r#""{ \"Statement\": [""#.into(),
            r#""""#.into(),
            " { \"Statement\" : [ ] , \"Version\" : \"2012-10-17\" } ".to_string(),
            format!("{}1{}", "[".repeat(70), "]".repeat(70)),
        ];
        let mut fast = 0;
        for document in &documents {
            for members in [
                format!(r#""name":"P","document":{document}"#),
                format!(
                    r#""document":{document},"name":"a\"b\u00e9 😀","enabled":false,"kind":null"#
                ),
                format!(
                    r#""document":{document},"x-note":{{"a":[1,{{"b":null}}],"c":"d","e":-5}},"enabled":null"#
                ),
            ] {
                fast += usize::from(agrees_with_serde(&with_policy(&members)).0 == Taken::Fast);
            }
        }
        let lines = [
            // Every member of the format, nulls where serde accepts them.
            format!(
                r#"{{"format":"iamsim/scenario@1","name":null,"description":"d","policies":{{"identity":null,"permissionsBoundary":null,"session":{{"document":{POLICY}}},"resource":{{"name":"R","kind":"ecr","document":{POLICY}}},"scp":[[{{"name":"root","document":{POLICY}}}],[]],"rcp":null,"vpcEndpoint":[{{"document":{POLICY}}}]}},{REQUEST},"expect":"Allow","tests":[{{"name":"t","request":{{"action":"ecr:DeleteImage","context":{{"aws:PrincipalTag/role":"admin","n":3,"l":["a","b"],"x":null}}}},"expect":"ExplicitDeny"}},{{"expect":"ImplicitDeny","x-t":1}}]}}"#
            ),
            r#"{"request":{"principal":"","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111122223333","context":{"aws:SourceIp":"10.0.0.1","aws:MultiFactorAuthPresent":true,"aws:TagKeys":["a","b"],"n":-12},"deriveContext":false,"x-r":{"deep":[[[]]]}}}"#.to_string(),
            format!(
                r#"{{"expect":null,"policies":{{}},"tests":[],{REQUEST},"x-top":"v","x-top2":[],"format":"other@9"}}"#
            ),
            format!(r#"  {{ {REQUEST} , "policies" : {{ "x-p" : 1 }} }}  "#),
            format!(r#"{{{REQUEST},"request":{{}}}}"#),
            format!(r#"{{{REQUEST},"x":1,"x":2}}"#),
            format!(r#"{{{REQUEST},"name":"a","name":"b"}}"#),
            format!(r#"{{{REQUEST},"x":1.5,"y":1e2,"z":12345678901234567890}}"#),
            format!(r#"{{{REQUEST},"x":{}1{}}}"#, "[".repeat(70), "]".repeat(70)),
            format!(r#"{{{REQUEST},"name":"\ud83d\ude00"}}"#),
            format!(r#"{{{REQUEST},"name":"\udc00"}}"#),
            // A repeated key at every level filled in place.
            format!(r#"{{{REQUEST},"format":"a","format":"b"}}"#),
            format!(r#"{{{REQUEST},"policies":{{}},"policies":{{}}}}"#),
            format!(
                r#"{{{REQUEST},"policies":{{"session":{{"document":{POLICY}}},"session":null}}}}"#
            ),
            format!(r#"{{{REQUEST},"policies":{{"identity":[],"identity":null}}}}"#),
            r#"{"request":{"action":"a","action":"b"}}"#.to_string(),
            r#"{"request":{"deriveContext":true,"deriveContext":false}}"#.to_string(),
            format!(r#"{{{REQUEST},"expect":"Allow","expect":null}}"#),
            r#"{"request":{"context":{"k":1,"k":2}}}"#.to_string(),
            r#"{"request":{"action":"a","context":{"K":1,"k":2}}}"#.to_string(),
        ];
        for line in &lines {
            fast += usize::from(agrees_with_serde(line).0 == Taken::Fast);
        }
        assert!(fast >= 40, "fast path taken {fast} times");
    }

    /// A slot that has held other lines' scenarios (and errors) reads each line as a fresh
    /// read does: equal, serialized alike, every document parsed alike.
    #[test]
    fn lines_read_into_kept_slots_are_fresh_ones() {
        use super::super::{read_json_line_into, ScenarioError};
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
        let mut files = Vec::new();
        corpus_files(&root, &mut files);
        let mut lines: Vec<String> = files
            .iter()
            .take(60)
            .filter_map(|file| std::fs::read_to_string(file).ok())
            .filter_map(|text| serde_json::from_str::<Value>(&text).ok())
            .map(|value| value.to_string())
            .collect();
        assert!(lines.len() >= 50, "corpus not found");
        let session = format!(r#""session":{{"name":"S","document":{POLICY}}}"#);
        lines.extend([
            // Every field the reader keeps room for, present, absent, null and repeated.
            with_policy(&format!(r#""name":"P","document":{POLICY}"#)),
            format!(r#"{{{REQUEST}}}"#),
            format!(r#"{{"format":"x","policies":{{"identity":null}},{REQUEST}}}"#),
            format!(r#"{{"policies":{{"identity":[],{session}}},{REQUEST},"expect":"Allow"}}"#),
            format!(r#"{{"format":"","name":"n","description":"d",{REQUEST},"x-u":1}}"#),
            r#"{"request":{"principal":"p","context":{"k":"v"},"deriveContext":false,"x":1}}"#
                .to_string(),
            r#"{"request":{"resourceAccount":"111122223333"}}"#.to_string(),
            // Errors, and lines left to serde.
            "{".to_string(),
            r#"{"request":3}"#.to_string(),
            format!(r#"{{{REQUEST},"format":"a","format":"b"}}"#),
            format!(r#"{{{REQUEST},"policies":{{"identity":[{{"name":"P"}}]}}}}"#),
            format!(r#"{{{REQUEST},"name":"\ud83d\ude00"}}"#),
        ]);
        let fresh: Vec<_> = lines.iter().map(|line| read_json_line(line, 3)).collect();
        let check = |slot: &Result<Scenario, ScenarioError>, index: usize| {
            let expected = &fresh[index];
            assert_eq!(slot, expected, "{}", lines[index]);
            assert_eq!(
                slot.as_ref().ok().map(|s| serde_json::to_string(s).ok()),
                expected
                    .as_ref()
                    .ok()
                    .map(|s| serde_json::to_string(s).ok()),
                "{}",
                lines[index]
            );
            if let (Ok(read), Ok(expected)) = (slot, expected) {
                for (a, b) in policies_of(read).into_iter().zip(policies_of(expected)) {
                    assert_eq!(a.document.parse(), b.document.parse(), "{}", lines[index]);
                }
            }
        };
        // Every line after every other one, and the whole list forwards and backwards.
        let order = (0..lines.len()).chain((0..lines.len()).rev());
        let mut slot = read_json_line(&lines[0], 3);
        for index in order {
            read_json_line_into(&lines[index], 3, &mut slot);
            check(&slot, index);
        }
        let tail = lines.len() - 12;
        for before in tail..lines.len() {
            for after in (0..5).chain(tail..lines.len()) {
                let mut slot = read_json_line(&lines[before], 3);
                read_json_line_into(&lines[after], 3, &mut slot);
                check(&slot, after);
            }
        }
    }

    #[test]
    fn malformed_lines_fall_back_to_serdes_error() {
        let lines = [
            String::new(),
            "   ".into(),
            "\u{feff}{}".into(),
            "{".into(),
            "[]".into(),
            "null".into(),
            format!("{{{REQUEST}}} x"),
            format!("{{{REQUEST},}}"),
            format!("{{{REQUEST} \"name\": \"x\"}}"),
            "{\"policies\":{}}".into(),
            format!("{{{REQUEST},\"format\":null}}"),
            format!("{{{REQUEST},\"policies\":null}}"),
            format!("{{{REQUEST},\"expect\":\"allow\"}}"),
            format!("{{{REQUEST},\"tests\":[{{}}]}}"),
            format!("{{{REQUEST},\"tests\":[{{\"expect\":\"Allow\",\"request\":null}}]}}"),
            "{\"request\":{\"action\":3}}".into(),
            "{\"request\":{\"context\":null}}".into(),
            "{\"request\":null}".into(),
            "{\"request\":[]}".into(),
            with_policy(r#""name":"P""#),
            with_policy(r#""name":null,"document":{}"#),
            with_policy(r#""document":{"a":1,}"#),
            with_policy(r#""document":{"a" 1}"#),
            with_policy(r#""document":{"a":01}"#),
            with_policy(r#""document":"open"#),
            with_policy("\"document\":\"a\u{1}b\""),
            with_policy(r#""document":"\x""#),
            with_policy(r#""document":{},"document":{}"#),
            with_policy(r#""document":{},"enabled":"yes""#),
            format!(
                "{{{REQUEST},\"x\":{}1{}}}",
                "[".repeat(200),
                "]".repeat(200)
            ),
        ];
        for line in &lines {
            assert!(read_scenario(line).is_none(), "{line}");
            assert_eq!(agrees_with_serde(line).0, Taken::Serde);
        }
    }
}

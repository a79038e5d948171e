//! A plain policy document read straight from its JSON source into the [`Policy`] model while
//! its pretty text is written, without the spanned tree: what [`super::from_source`] and
//! [`super::read_policy`] give together, for documents they read without a single finding.
//!
//! Plain means: `Version`, `Id` and `Statement` at the top; statements (one object or a
//! non-empty array of them) with `Sid`, `Effect` (`Allow`/`Deny`), `Action`/`NotAction`,
//! `Resource`/`NotResource` (a string or a non-empty array of strings) and `Condition`
//! (operators the model knows, each an object of keys with a string, boolean or plain integer,
//! or a non-empty array of them); no repeated key. Anything else — `Principal`, an unknown
//! element, a wrong type, a missing element, anything that would give a finding — gives `None`,
//! and the caller takes the tree path, which reports it.

use super::pretty::{Measure, Sink, Writer};
use super::string_end::plain_string;
use super::{empty_statement, ParsedPolicy, PolicyText};
use crate::json::scan::{is_plain_integer, set_empty, KnownName, Scanner};
use crate::json::MAX_DEPTH;
use crate::policy::model::*;
use crate::policy::operator::Operator;
use crate::span::{Span, Spanned};
use std::borrow::Cow;

/// The policy read from the value at the scanner, or `None` (the scanner then left anywhere
/// inside the value) when it is not plain. Only the positions of the pretty text are worked
/// out: the policy keeps a copy of the value's source, and the text is written from it when it
/// is first read ([`written_text`]).
pub(super) fn read_at(scanner: &mut Scanner<'_>) -> Option<ParsedPolicy> {
    // Longer texts go to the tree path, which writes the same positions with checked sums.
    if scanner.rest_len() > Measure::MAX_SOURCE {
        return None;
    }
    let start = scanner.offset();
    let mut reader = PlainReader {
        s: scanner.clone(),
        w: Writer::to(Measure::default()),
    };
    let policy = reader.policy()?;
    *scanner = reader.s;
    let source = scanner.slice(start, scanner.offset())?;
    Some(ParsedPolicy {
        text: PolicyText::unwritten(source.into()),
        policy: Some(policy),
        diagnostics: Vec::new(),
    })
}

/// The pretty text of a plain document's `source`, as [`read_at`] laid it out.
pub(super) fn written_text(source: &str) -> Option<String> {
    let mut reader = PlainReader {
        s: Scanner::new(source),
        // As in `from_source::render_at`: the pretty text is about twice the compact source.
        w: Writer::new(source.len().min(1 << 16) * 2 + 64),
    };
    reader.policy()?;
    Some(reader.w.text)
}

/// The values `Version` and `Effect` take.
const VERSIONS: [KnownName<PolicyVersion>; 2] = [
    KnownName::tagged("2012-10-17", PolicyVersion::V2012_10_17),
    KnownName::tagged("2008-10-17", PolicyVersion::V2008_10_17),
];
const EFFECTS: [KnownName<Effect>; 2] = [
    KnownName::tagged("Allow", Effect::Allow),
    KnownName::tagged("Deny", Effect::Deny),
];

/// A policy's members.
#[derive(Clone, Copy)]
enum PolicyKey {
    Version,
    Statement,
    Id,
}

/// A statement's members: `Action`, `NotAction`, `Resource` and `NotResource` are one
/// string element each, told apart by their two flags.
#[derive(Clone, Copy)]
enum StatementKey {
    Sid,
    Effect,
    Strings { action: bool, negated: bool },
    Condition,
}

/// The names of a policy's members and of a statement's, most frequent first.
const POLICY_KEYS: [KnownName<PolicyKey>; 3] = [
    KnownName::tagged("Version", PolicyKey::Version),
    KnownName::tagged("Statement", PolicyKey::Statement),
    KnownName::tagged("Id", PolicyKey::Id),
];
const STATEMENT_KEYS: [KnownName<StatementKey>; 7] = [
    KnownName::tagged("Effect", StatementKey::Effect),
    KnownName::tagged(
        "Action",
        StatementKey::Strings {
            action: true,
            negated: false,
        },
    ),
    KnownName::tagged(
        "Resource",
        StatementKey::Strings {
            action: false,
            negated: false,
        },
    ),
    KnownName::tagged("Sid", StatementKey::Sid),
    KnownName::tagged("Condition", StatementKey::Condition),
    KnownName::tagged(
        "NotAction",
        StatementKey::Strings {
            action: true,
            negated: true,
        },
    ),
    KnownName::tagged(
        "NotResource",
        StatementKey::Strings {
            action: false,
            negated: true,
        },
    ),
];

/// The scanner is the reader's own copy, handed back when the document has been read: held by
/// value, its text and cursor are one step away at every byte the reader tests.
struct PlainReader<'a, S> {
    s: Scanner<'a>,
    w: Writer<S>,
}

/// An object key as read from the source (borrowed unless it had escapes), and where it was
/// written.
type Key<'a> = Spanned<Cow<'a, str>>;

/// The names of an object whose keys are any text (a `Condition` block's operators and keys).
const ANY_KEYS: &[KnownName] = &[];

/// Room for statements made when a list of them starts.
const STATEMENTS_AT_FIRST: usize = 2;

/// Most members of an object read here: a statement has at most nine elements.
const MAX_MEMBERS: usize = 16;

/// A member's span, from its key to the end of its value: the key is written first, so this is
/// `key.span.cover(value)` without comparing positions.
fn member_span<K>(key: &Spanned<K>, value: Span) -> Span {
    Span::new(key.span.start, value.end)
}

/// The model's copy of `text`. A lone `*` (the resource of many statements) is one copy per
/// thread, shared, rather than an allocation for each statement and a free when it is dropped.
fn policy_str(text: &str) -> PolicyStr {
    thread_local! {
        static STAR: PolicyStr = PolicyStr::from("*");
    }
    if text == "*" {
        STAR.with(PolicyStr::clone)
    } else {
        PolicyStr::from(text)
    }
}

/// Marks `bit` in `seen`; `None` when it was already there (a repeated or conflicting element).
fn first(seen: &mut u32, bit: u32) -> Option<()> {
    if *seen & bit != 0 {
        return None;
    }
    *seen |= bit;
    Some(())
}

impl<'a, S: Sink> PlainReader<'a, S> {
    /// An object at `depth`, each member read by `member` given its key and the tag of the
    /// name of `names` it is, if any; returns its span. `any_keys` when the caller does not
    /// know the keys (and so does not catch a repeated one itself).
    fn object<T: Copy>(
        &mut self,
        depth: usize,
        any_keys: bool,
        names: &[KnownName<T>],
        mut member: impl FnMut(&mut Self, Option<T>, Key<'a>) -> Option<()>,
    ) -> Option<Span> {
        if depth >= MAX_DEPTH || !self.s.eat(b'{') {
            return None;
        }
        let start = self.w.position();
        self.w.raw("{");
        // The keys read so far: a repeated key goes to the tree path, as does a long object.
        let mut keys: [&'a str; MAX_MEMBERS] = [""; MAX_MEMBERS];
        let mut count = 0;
        if !self.s.eat(b'}') {
            loop {
                // A grammar's name is ASCII; another key is read knowing whether it is (and
                // may still spell a name: escaped, or too near the end for the in-place test).
                let (key, ascii, tag) = match self.s.known_name(names) {
                    Some(known) => (Cow::Borrowed(known.name()), true, Some(known.tag())),
                    None => {
                        let (key, ascii) = self.s.string_and_ascii()?;
                        let tag = KnownName::find(names, &key).map(KnownName::tag);
                        (key, ascii, tag)
                    }
                };
                if count >= MAX_MEMBERS || !self.s.eat(b':') {
                    return None;
                }
                self.w.element(count, depth);
                let span = if ascii {
                    self.w.ascii_key_span(&key)
                } else {
                    self.w.key_span(&key, matches!(key, Cow::Borrowed(_)))
                };
                if any_keys {
                    // A key with escapes goes to the tree path too, so that keys are equal
                    // exactly when their source texts are.
                    let Cow::Borrowed(text) = key else {
                        return None;
                    };
                    if keys.get(..count)?.contains(&text) {
                        return None;
                    }
                    *keys.get_mut(count)? = text;
                }
                member(self, tag, Spanned::new(key, span))?;
                count += 1;
                if self.s.eat(b'}') {
                    break;
                }
                if !self.s.eat(b',') {
                    return None;
                }
            }
        }
        self.w.close(count, depth, "}");
        Some(Span::new(start, self.w.position()))
    }

    /// A non-empty array at `depth` of items read by `item`; returns them and its span.
    fn array<T>(
        &mut self,
        depth: usize,
        mut item: impl FnMut(&mut Self, usize) -> Option<T>,
    ) -> Option<(Vec<T>, Span)> {
        if depth >= MAX_DEPTH || !self.s.eat(b'[') {
            return None;
        }
        let start = self.w.position();
        self.w.raw("[");
        let mut items = Vec::with_capacity(4);
        loop {
            self.w.element(items.len(), depth);
            items.push(item(self, items.len())?);
            if self.s.eat(b']') {
                break;
            }
            if !self.s.eat(b',') {
                return None;
            }
        }
        self.w.close(items.len(), depth, "]");
        Some((items, Span::new(start, self.w.position())))
    }

    /// Whether an array starts at the cursor.
    fn at_array(&mut self) -> bool {
        self.s.skip_whitespace();
        self.s.peek() == Some(b'[')
    }

    /// A string as read from the source (borrowed unless it had escapes), and where it was
    /// written: for values only compared (`Version`, `Effect`).
    fn text(&mut self) -> Option<Spanned<Cow<'a, str>>> {
        let (text, ascii) = self.scanned_string()?;
        let span = match &text {
            Cow::Borrowed(plain) => self.plain_written(plain, ascii),
            Cow::Owned(decoded) => self.w.string(decoded),
        };
        Some(Spanned::new(text, span))
    }

    /// The string at the cursor, borrowed unless it had escapes, and whether it is borrowed and
    /// all ASCII: [`Scanner::string_and_ascii`], with most strings found in line.
    #[inline]
    fn scanned_string(&mut self) -> Option<(Cow<'a, str>, bool)> {
        match plain_string(&mut self.s) {
            Some((plain, ascii)) => Some((Cow::Borrowed(plain), ascii)),
            None => self.s.string_and_ascii(),
        }
    }

    /// Writes a string read without an escape; returns its span.
    #[inline]
    fn plain_written(&mut self, plain: &str, ascii: bool) -> Span {
        if ascii {
            self.w.ascii_string(plain)
        } else {
            self.w.plain_string(plain)
        }
    }

    /// The tag of the one of `names` that the string at the cursor spells, and where it was
    /// written; `None` for any other string.
    fn one_of<T: Copy>(&mut self, names: &[KnownName<T>]) -> Option<Spanned<T>> {
        match self.s.known_name(names) {
            Some(known) => Some(Spanned::new(known.tag(), self.w.ascii_string(known.name()))),
            None => {
                let text = self.text()?;
                let known = KnownName::find(names, &text.value)?;
                Some(Spanned::new(known.tag(), text.span))
            }
        }
    }

    // Always in line natively: called for every policy string from five places, and as a
    // call its 40-byte result goes through memory (the hint alone left it a call). In wasm,
    // where bytes count, only the hint (forced: +3.4 KB of native code).
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    fn string(&mut self) -> Option<Spanned<PolicyStr>> {
        // Most strings have no escape: made straight from the source, without a `Cow`.
        if let Some((plain, ascii)) = plain_string(&mut self.s) {
            let span = self.plain_written(plain, ascii);
            return Some(Spanned::new(policy_str(plain), span));
        }
        let text = self.text()?;
        Some(Spanned::new(PolicyStr::from(&*text.value), text.span))
    }

    /// A string, or a non-empty array of strings (`Action`, `Resource`, …).
    fn strings(&mut self, depth: usize) -> Option<(SpannedStrings, Span)> {
        if self.at_array() {
            let (values, span) = self.array(depth, |r, _| r.string())?;
            return Some((values.into(), span));
        }
        let value = self.string()?;
        let span = value.span;
        Some((SpannedStrings::one(value), span))
    }

    /// A condition value as canonical text: a string, a boolean or a plain integer.
    fn scalar(&mut self) -> Option<Spanned<PolicyStr>> {
        self.s.skip_whitespace();
        let start = self.w.position();
        let text = match self.s.peek()? {
            b'"' => return self.string(),
            b'-' | b'0'..=b'9' => {
                let number = self.s.number()?;
                if !is_plain_integer(number) {
                    return None;
                }
                number
            }
            b't' if self.s.eat_word("true") => "true",
            b'f' if self.s.eat_word("false") => "false",
            _ => return None,
        };
        self.w.raw(text);
        Some(Spanned::new(
            PolicyStr::from(text),
            Span::new(start, self.w.position()),
        ))
    }

    fn policy(&mut self) -> Option<Policy> {
        let mut policy = Policy {
            version: PolicyVersion::V2008_10_17,
            version_span: None,
            id: None,
            statements: Vec::new(),
            span: Span::default(),
        };
        let mut seen = 0;
        policy.span = self.object(0, false, &POLICY_KEYS, |r, key, _| match key? {
            PolicyKey::Version => {
                first(&mut seen, 1)?;
                let version = r.one_of(&VERSIONS)?;
                policy.version = version.value;
                policy.version_span = Some(version.span);
                Some(())
            }
            PolicyKey::Id => {
                first(&mut seen, 2)?;
                policy.id = Some(r.string()?);
                Some(())
            }
            PolicyKey::Statement => {
                first(&mut seen, 4)?;
                // Sized at once rather than grown from empty by the first push, for two
                // statements: a statement is large, and four (1.5 KiB) would take the
                // allocator's slower path for blocks over 1 KiB.
                let statements = &mut policy.statements;
                if r.at_array() {
                    // Still empty: `first` above.
                    set_empty(statements, Vec::with_capacity(STATEMENTS_AT_FIRST));
                    r.array(1, |r, index| r.statement(index, 2, statements))?;
                } else {
                    set_empty(statements, Vec::with_capacity(1));
                    r.statement(0, 1, statements)?;
                }
                Some(())
            }
        })?;
        (seen & 4 != 0).then_some(policy)
    }

    /// Reads statement `index` at the end of `statements` (filled in place: a statement is
    /// large to move).
    fn statement(
        &mut self,
        index: usize,
        depth: usize,
        statements: &mut Vec<Statement>,
    ) -> Option<()> {
        const SID: u32 = 1;
        const EFFECT: u32 = 2;
        const ACTION: u32 = 4;
        const RESOURCE: u32 = 8;
        const CONDITION: u32 = 16;
        statements.push(empty_statement(index, Span::default()));
        let statement = statements.last_mut()?;
        let mut seen = 0;
        statement.span = self.object(depth, false, &STATEMENT_KEYS, |r, name, key| {
            match name? {
                StatementKey::Sid => {
                    first(&mut seen, SID)?;
                    statement.sid = Some(r.string()?);
                }
                StatementKey::Effect => {
                    first(&mut seen, EFFECT)?;
                    statement.effect = Some(r.one_of(&EFFECTS)?);
                }
                StatementKey::Strings {
                    action: is_action,
                    negated,
                } => {
                    first(&mut seen, if is_action { ACTION } else { RESOURCE })?;
                    let (values, span) = r.strings(depth + 1)?;
                    let element = StringElement {
                        negated,
                        values,
                        span: member_span(&key, span),
                    };
                    // Filled once (`first` above): the slot is empty.
                    let slot = if is_action {
                        &mut statement.action
                    } else {
                        &mut statement.resource
                    };
                    *slot = Some(element);
                }
                StatementKey::Condition => {
                    first(&mut seen, CONDITION)?;
                    let conditions = &mut statement.conditions;
                    // Sized at once rather than grown from empty by the first push.
                    set_empty(conditions, Vec::with_capacity(4));
                    let span = r.object(depth + 1, true, ANY_KEYS, |r, _, operator| {
                        r.condition_operator(operator, depth + 2, conditions)
                    })?;
                    statement.condition_span = Some(member_span(&key, span));
                }
            }
            Some(())
        })?;
        (seen & (EFFECT | ACTION) == EFFECT | ACTION).then_some(())
    }

    /// One operator's object of keys, flattened to one entry per key.
    fn condition_operator(
        &mut self,
        operator: Key<'a>,
        depth: usize,
        entries: &mut Vec<ConditionEntry>,
    ) -> Option<()> {
        let operator = Spanned::new(Operator::parse(&operator.value).ok()?, operator.span);
        self.object(depth, true, ANY_KEYS, |r, _, key| {
            let (values, span) = if r.at_array() {
                let (values, span) = r.array(depth + 1, |r, _| r.scalar())?;
                (values.into(), span)
            } else {
                let value = r.scalar()?;
                let span = value.span;
                (SpannedStrings::one(value), span)
            };
            entries.push(ConditionEntry {
                operator: operator.clone(),
                span: member_span(&key, span),
                key: Spanned::new(PolicyStr::from(&*key.value), key.span),
                values,
            });
            Some(())
        })?;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{from_source, read_rendered};
    use super::*;
    use std::path::Path;

    /// Whether the plain path takes `source`; when it does, its result (and where it leaves the
    /// scanner) must be the tree path's, without a finding.
    fn taken_and_agrees(source: &str) -> bool {
        let mut plain_scanner = Scanner::new(source);
        let plain = read_at(&mut plain_scanner);
        let mut tree_scanner = Scanner::new(source);
        let tree = from_source::render_at(&mut tree_scanner);
        let Some(plain) = plain else { return false };
        let (text, root) = tree.expect("the tree path reads what the plain path reads");
        assert_eq!(plain, read_rendered(text, root), "{source}");
        assert_eq!(plain_scanner.offset(), tree_scanner.offset(), "{source}");
        assert!(plain.diagnostics.is_empty());
        true
    }

    #[test]
    fn plain_documents_read_like_the_tree_path() {
        let taken = [
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:Put*"],"Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":10,"x":-3,"y":[1,"2",true]},"Bool":{"aws:SecureTransport":false},"StringEqualsIfExists":{"k":"v"},"ForAnyValue:StringLike":{"aws:TagKeys":["a*"]}}}]}"#,
            r#" { "Statement" : { "Effect" : "Deny" , "NotAction" : "iam:*" , "NotResource" : [ "arn:aws:s3:::b" ] } , "Id" : "x" , "Version" : "2008-10-17" } "#,
            r#"{"Statement":{"Eff\u0065ct":"Allo\u0077","Action":"s3:Get\u002a","Sid":"\u00e9\"\\\n\t é 😀","Condition":{}}}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"Null":{}}},{"Effect":"Deny","Action":["a:b"],"Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"a":"1","A":"2"},"stringequals":{"a":"3"}}}]}"#,
            // Keys and values with and without wide chars, before and after a sixteen-byte step.
            r#"{"Statement":{"Effect":"Allow","Action":["é","aaaaaaaaaaaaaaaaé","aaaaaaaaaaaaaaaaaaaaaaaaé😀"],"Condition":{"StringEquals":{"é😀k":"v","aaaaaaaaaaaaaaaaaaé":"é","k":["aaaaaaaaaaaaaaaaaaaaaaaa","x"]}}}}"#,
        ];
        for source in taken {
            assert!(taken_and_agrees(source), "not taken: {source}");
        }
        let left_to_the_tree_path = [
            r#"{"Statement":{"Effect":"Allow","Action":"*","Principal":"*"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Extra":1}}"#,
            r#"{"Statement":{"Effect":"allow","Action":"*"}}"#,
            r#"{"Statement":{"Action":"*"}}"#,
            r#"{"Statement":{"Effect":"Allow"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","NotAction":"s3:*"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"x"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":[]}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":["a", 1]}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":null}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Sid":1}}"#,
            r#"{"Statement":[]}"#,
            r#"{"Statement":["x"]}"#,
            r#"{"Statement":"x"}"#,
            r#"{"Version":"2012-10-17"}"#,
            r#"{"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*"}}"#,
            r#"{"Version":2012,"Statement":{"Effect":"Allow","Action":"*"}}"#,
            r#"{"Id":1,"Statement":{"Effect":"Allow","Action":"*"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*"},"Statement":{"Effect":"Deny","Action":"*"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Effect":"Deny"}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a":"true"},"Bool":{"b":"true"}}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a":"true","a":"false"}}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a":null}}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a":[]}}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"Bool":{"a":[["x"]]}}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"NumericEquals":{"a":1.5}}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"NumericEquals":{"a":-0}}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringEqual":{"a":"b"}}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"Bool":"x"}}}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":[]}}"#,
            r#"[{"Statement":{"Effect":"Allow","Action":"*"}}]"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*"}"#,
            r#"{"Statement":{"Effect":"Allow","Action":"*",}}"#,
            "",
        ];
        for source in left_to_the_tree_path {
            assert!(!taken_and_agrees(source), "taken: {source}");
        }
    }

    /// Positions are measured without overflow checks only below [`Measure::MAX_SOURCE`]:
    /// a longer document goes to the tree path, which reads it the same.
    #[test]
    fn only_documents_within_the_measured_bound_are_read_plainly() {
        let document = |id_len: usize| {
            let head = r#"{"Statement":{"Effect":"Allow","Action":"*"},"Id":""#;
            let id = "é".repeat(id_len / 2);
            format!("{head}{id}\"}}")
        };
        let within = document(Measure::MAX_SOURCE - 100);
        assert!(within.len() <= Measure::MAX_SOURCE);
        assert!(taken_and_agrees(&within));
        let beyond = document(Measure::MAX_SOURCE);
        assert!(beyond.len() > Measure::MAX_SOURCE);
        assert!(read_at(&mut Scanner::new(&beyond)).is_none());
        let (text, root) = from_source::render(&beyond).expect("the tree path reads it");
        let parsed = read_rendered(text, root);
        assert!(parsed.diagnostics.is_empty());
        let id = parsed.policy.and_then(|p| p.id).expect("an id");
        assert_eq!(id.value.len(), Measure::MAX_SOURCE / 2 * 2);
        assert_eq!(id.span.start.line, 6);
    }

    /// A lone `*` is one shared copy, read like any other string wherever it stands (a resource,
    /// an action, a Sid, a condition value, escaped or not); other strings get their own copy.
    #[test]
    fn lone_stars_are_shared_and_read_like_other_strings() {
        let source = r#"{"Statement":[{"Sid":"*","Effect":"Allow","Action":"*","Resource":["*","**"," *"],"Condition":{"StringLike":{"k":"*"}}},{"Effect":"Deny","Action":"\u002a","Resource":"*"}]}"#;
        assert!(taken_and_agrees(source));
        let parsed = read_at(&mut Scanner::new(source)).expect("plain");
        let policy = parsed.policy.expect("policy");
        let (first, second) = (&policy.statements[0], &policy.statements[1]);
        let values = |element: &Option<StringElement>| {
            element
                .as_ref()
                .expect("element")
                .values
                .as_slice()
                .to_vec()
        };
        let resources = values(&first.resource);
        let texts: Vec<&str> = resources.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(texts, ["*", "**", " *"]);
        let star = resources[0].value.shared();
        let stars = [
            first.sid.as_ref().expect("sid").value.shared(),
            values(&first.action)[0].value.shared(),
            first.conditions[0].values.as_slice()[0].value.shared(),
            values(&second.resource)[0].value.shared(),
        ];
        for other in &stars {
            assert!(std::sync::Arc::ptr_eq(&star, other));
        }
        // Escaped, the same text, read by the general path into its own copy.
        let escaped = values(&second.action)[0].value.shared();
        assert_eq!(&*escaped, "*");
        assert!(!std::sync::Arc::ptr_eq(&star, &escaped));
        assert!(!std::sync::Arc::ptr_eq(
            &resources[1].value.shared(),
            &values(&first.action)[0].value.shared()
        ));
    }

    #[test]
    fn the_text_is_written_from_the_source_when_first_read() {
        let source = r#" {"Version":"2012-10-17","Statement":[{"Sid":"\u00e9\"x","Effect":"Allow","Action":["s3:Get*","é😀"],"Resource":"*","Condition":{"StringLike":{"k":["a\tb","b"]}}}]} "#;
        let mut scanner = Scanner::new(source);
        let parsed = read_at(&mut scanner).expect("plain");
        // Read with positions only: the source is kept, the text not written yet.
        assert_eq!(
            parsed.text.unwritten_source().as_deref(),
            Some(source.trim_end())
        );
        let (text, _) = from_source::render(source).expect("renders");
        assert_eq!(parsed.text, text);
        assert_eq!(parsed.text.unwritten_source(), None);
        // The spans point into the text written later.
        let policy = parsed.policy.as_ref().expect("policy");
        let action = &policy.statements[0].action.as_ref().expect("action").values[1];
        let (start, end) = (action.span.start.offset, action.span.end.offset);
        assert_eq!(
            parsed.text.get(start as usize..end as usize),
            Some("\"é😀\"")
        );
    }

    /// Every policy document of the corpus (objects with a `Statement`), compact and pretty.
    #[test]
    fn corpus_documents_read_like_the_tree_path() {
        fn documents(value: &serde_json::Value, out: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    if map.contains_key("Statement") {
                        out.push(value.to_string());
                        out.extend(serde_json::to_string_pretty(value));
                    }
                    map.values().for_each(|v| documents(v, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| documents(v, out)),
                _ => {}
            }
        }
        fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    files(&path, out);
                } else if path.extension().is_some_and(|e| e == "json") {
                    out.push(path);
                }
            }
        }
        let mut paths = Vec::new();
        files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus"),
            &mut paths,
        );
        let mut sources = Vec::new();
        for path in &paths {
            let text = std::fs::read_to_string(path).expect("readable");
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) {
                documents(&value, &mut sources);
            }
        }
        let taken = sources.iter().filter(|s| taken_and_agrees(s)).count();
        // The comparison means something only if the plain path is taken often.
        assert!(sources.len() >= 200, "only {} documents", sources.len());
        assert!(
            taken * 2 >= sources.len(),
            "plain path for only {taken} of {}",
            sources.len()
        );
    }
}

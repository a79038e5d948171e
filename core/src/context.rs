//! The request context: condition keys and their values. Key names are case-insensitive (C2).
//! Values are kept as canonical strings (G8: `true` → `"true"`, numbers in their JSON spelling);
//! whether a key is multi-valued is a property of the request, not of the policy (C16).

use crate::condition::ip::parse_request_ip;
use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::net::IpAddr;
use std::sync::Arc;

/// The text of a single given context value or of a part of the principal, read as a `str`.
/// Fixed spellings are borrowed and texts the requests of a run repeat (an account, the
/// instant's spellings) shared, so a request allocates only the texts it gives.
#[derive(Clone)]
pub enum Text {
    /// A fixed spelling, which JSON escapes none of (the result writer copies it as it is).
    Static(&'static str),
    /// Shared with other requests.
    Shared(Arc<str>),
    /// Shared with other requests, and read once, when made, to need no JSON escape (the
    /// instant's spellings, accounts, regions): the result writer copies it as it is.
    SharedPlain(Arc<str>),
    /// This request's own.
    Owned(String),
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Static(text) => text,
            Text::Shared(text) | Text::SharedPlain(text) => text,
            Text::Owned(text) => text,
        }
    }
}

/// Equal when the texts are, however they are held.
impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        **self == *other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

/// As the `str` (tests and logs read the same whatever the form).
impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// As the `str` (sentences name principals' parts).
impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl Text {
    /// `text` in a shared allocation: the parts of a request that several context keys hold
    /// (an account, a user name) are allocated once and then shared.
    pub fn shared(text: &str) -> Text {
        Text::Shared(Arc::from(text))
    }

    /// As [`Text::shared`], read once for bytes JSON escapes: a text shared by many results
    /// (an account, a region) is then written without reading it again.
    pub fn shared_checked(text: &str) -> Text {
        let shared = Arc::from(text);
        if needs_escape(text) {
            Text::Shared(shared)
        } else {
            Text::SharedPlain(shared)
        }
    }

    /// Whether JSON escapes none of its bytes, known without reading them.
    pub fn is_plain(&self) -> bool {
        matches!(self, Text::Static(_) | Text::SharedPlain(_))
    }
}

/// Whether JSON escapes a byte of `text`. A short text (a user name, a region) is read byte
/// by byte: the word-at-a-time scan's set-up costs more than a few bytes do.
pub(crate) fn needs_escape(text: &str) -> bool {
    if text.len() <= 8 {
        text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
    } else {
        crate::note::needs_escape(text)
    }
}

/// A derived key's value as its source holds it (borrowed from the principal, the resource or
/// a fixed spelling), with whether JSON escapes none of its bytes, known from the source: the
/// context copies it into its slot and the result writer copies it without a scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedText<'a> {
    pub text: Cow<'a, str>,
    pub plain: bool,
}

impl DerivedText<'static> {
    /// A fixed spelling, which JSON escapes none of.
    pub fn fixed(text: &'static str) -> Self {
        DerivedText {
            text: Cow::Borrowed(text),
            plain: true,
        }
    }
}

impl<'a> DerivedText<'a> {
    /// `text`, read for bytes JSON escapes.
    pub fn checked(text: &'a str) -> Self {
        DerivedText {
            text: Cow::Borrowed(text),
            plain: !needs_escape(text),
        }
    }

    /// A text made for the request, not known to need no escape (read when kept).
    pub fn owned(text: String) -> Self {
        DerivedText {
            text: Cow::Owned(text),
            plain: false,
        }
    }
}

/// A shared text, as plain as it is known to be.
impl<'a> From<&'a Text> for DerivedText<'a> {
    fn from(text: &'a Text) -> Self {
        DerivedText {
            text: Cow::Borrowed(text),
            plain: text.is_plain(),
        }
    }
}

impl std::ops::Deref for DerivedText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

/// The last text one thread shared for one purpose (the principal's account, the resource's
/// region): the requests of a run repeat them, so each is allocated once and then shared.
pub(crate) struct LastText(RefCell<Option<Text>>);

impl LastText {
    pub(crate) const fn new() -> LastText {
        LastText(RefCell::new(None))
    }

    /// `text` shared (and read for escapes once): the kept text when it is the same, else a
    /// new one, kept in its place.
    pub(crate) fn share(&self, text: &str) -> Text {
        let mut last = self.0.borrow_mut();
        match &*last {
            Some(kept) if **kept == *text => kept.clone(),
            _ => {
                let fresh = Text::shared_checked(text);
                *last = Some(fresh.clone());
                fresh
            }
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text::Owned(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text::Owned(text.to_string())
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self)
    }
}

/// The value of one context key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextValue {
    /// A single-valued key.
    Single(Text),
    /// A multi-valued key (`ArrayOf…`); may be empty.
    Multi(Vec<String>),
}

/// A key's values as texts: a single value is a set of one (C16). What a lookup finds: a
/// single-valued key is `One`, a multi-valued one `Many` (even of one value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Values<'a> {
    One(&'a str),
    Many(&'a [String]),
}

impl<'a> Values<'a> {
    pub fn len(self) -> usize {
        match self {
            Values::One(_) => 1,
            Values::Many(values) => values.len(),
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn iter(self) -> ValuesIter<'a> {
        match self {
            Values::One(value) => ValuesIter {
                one: Some(value),
                many: [].iter(),
            },
            Values::Many(values) => ValuesIter {
                one: None,
                many: values.iter(),
            },
        }
    }

    pub fn to_vec(self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }

    /// Whether the key is multi-valued.
    pub fn is_multi(self) -> bool {
        matches!(self, Values::Many(_))
    }

    /// The single value, if the key is single-valued. Policy variables only resolve these (V1).
    pub fn single(self) -> Option<&'a str> {
        match self {
            Values::One(value) => Some(value),
            Values::Many(_) => None,
        }
    }
}

impl<'a> IntoIterator for Values<'a> {
    type Item = &'a str;
    type IntoIter = ValuesIter<'a>;

    fn into_iter(self) -> ValuesIter<'a> {
        self.iter()
    }
}

/// The texts of [`Values`], in order.
#[derive(Clone, Debug)]
pub struct ValuesIter<'a> {
    one: Option<&'a str>,
    many: std::slice::Iter<'a, String>,
}

impl<'a> Iterator for ValuesIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.one
            .take()
            .or_else(|| self.many.next().map(String::as_str))
    }
}

impl ContextValue {
    /// The values: a single value is a set of one (C16).
    pub fn values(&self) -> Values<'_> {
        match self {
            ContextValue::Single(v) => Values::One(v),
            ContextValue::Multi(vs) => Values::Many(vs),
        }
    }

    pub fn is_multi(&self) -> bool {
        matches!(self, ContextValue::Multi(_))
    }

    /// The single value, if the key is single-valued. Policy variables only resolve these (V1).
    pub fn single(&self) -> Option<&str> {
        match self {
            ContextValue::Single(v) => Some(v),
            ContextValue::Multi(_) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    /// The key as the user wrote it, for display (borrowed for derived keys).
    name: Cow<'static, str>,
    value: ContextValue,
    /// A single value read as an IP address, once (IP conditions compare it often).
    ip: Option<IpAddr>,
    /// `key_hash` of the lowercased name (kept with the entry: no second vector to allocate).
    hash: u64,
}

impl Entry {
    // Inlined: built in place in the vector rather than returned and moved (nine per request).
    #[inline(always)]
    fn new(name: Cow<'static, str>, value: ContextValue, hash: u64) -> Entry {
        // Only text made of address characters, with a `.` (IPv4) or a `:` (IPv6), can be
        // one: most values (ARNs, names) are ruled out at their first letters, and account IDs
        // and epoch times (all digits) by the missing separator, without the parser.
        let ip = value
            .single()
            .filter(|v| could_be_address(v))
            .and_then(parse_request_ip);
        Entry {
            name,
            value,
            ip,
            hash,
        }
    }

    /// A fixed key's entry (`insert_static_if_absent`), its value not read as an address, as
    /// a derived slot's is not: an IP condition reads a value itself when it has no address.
    #[inline(always)]
    fn fixed(name: &'static str, value: ContextValue, hash: u64) -> Entry {
        Entry {
            name: Cow::Borrowed(name),
            value,
            ip: None,
            hash,
        }
    }
}

/// Address characters only, with a `.` or a `:` (one pass: most values fail at a letter).
/// An address has its first separator within its first five bytes (an IPv4 octet has at most
/// three digits, an IPv6 group four), so long runs of digits (account IDs, epoch times) are
/// ruled out after five.
fn could_be_address(v: &str) -> bool {
    let head = v.as_bytes().get(..5).unwrap_or(v.as_bytes());
    if !head.iter().any(|&b| b == b'.' || b == b':') {
        return false;
    }
    let mut separator = false;
    v.bytes().all(|b| {
        separator |= matches!(b, b'.' | b':');
        b.is_ascii_hexdigit() || matches!(b, b'.' | b':' | b'/' | b'%')
    }) && separator
}

/// A value found by [`RequestContext::get_hashed`]: the value and, for a single value that is
/// an IP address, the address already parsed.
#[derive(Clone, Copy, Debug)]
pub struct Found<'a> {
    pub value: Values<'a>,
    pub ip: Option<IpAddr>,
}

/// FNV-1a of an ASCII-lowercased key name: compiled conditions hash their key once, so a
/// lookup compares integers and then one string, with no case folding.
pub const fn key_hash(lowercase_name: &str) -> u64 {
    fnv1a(FNV_OFFSET, lowercase_name.as_bytes())
}

/// The starting value of [`fnv1a`].
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a of `bytes`, continuing from `hash` (so that several texts can be hashed as one).
pub(crate) const fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    // A loop, not an iterator: fixed key names are hashed at compile time.
    let mut h = hash;
    let mut rest = bytes;
    while let [b, tail @ ..] = rest {
        h = (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3);
        rest = tail;
    }
    h
}

/// A fixed key name, its ASCII-lowercased spelling and that spelling's [`key_hash`], worked out
/// at compile time (the keys every request derives).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedKey {
    pub name: &'static str,
    pub lower: &'static str,
    pub hash: u64,
}

impl FixedKey {
    pub const fn new(name: &'static str, lower: &'static str) -> FixedKey {
        FixedKey {
            name,
            lower,
            hash: key_hash(lower),
        }
    }
}

/// The keys `deriveContext` may add (name, lowercase name), in the order it derives them (the
/// order a result lists them as derived). A context keeps their values in slots of its own.
pub(crate) const DERIVED: [FixedKey; 11] = [
    FixedKey::new("aws:PrincipalArn", "aws:principalarn"),
    FixedKey::new("aws:PrincipalAccount", "aws:principalaccount"),
    FixedKey::new("aws:PrincipalType", "aws:principaltype"),
    FixedKey::new("aws:username", "aws:username"),
    FixedKey::new("aws:userid", "aws:userid"),
    FixedKey::new("aws:PrincipalIsAWSService", "aws:principalisawsservice"),
    FixedKey::new("aws:PrincipalServiceName", "aws:principalservicename"),
    FixedKey::new("aws:ResourceAccount", "aws:resourceaccount"),
    FixedKey::new("aws:RequestedRegion", "aws:requestedregion"),
    FixedKey::new("aws:EpochTime", "aws:epochtime"),
    FixedKey::new("aws:CurrentTime", "aws:currenttime"),
];

/// Positions in [`DERIVED`] by lowercase name, the context's order: the slots are listed among
/// the given keys without sorting them per request.
pub(crate) const DERIVED_SORTED: [usize; 11] = [10, 9, 1, 0, 5, 6, 2, 8, 7, 4, 3];

/// [`DERIVED`] in the context's order: a context's slots are in this order, so that listing
/// them is a walk, not a lookup per key.
const SLOT_KEYS: [FixedKey; DERIVED.len()] = {
    let mut keys = DERIVED;
    let mut slot = 0;
    while slot < DERIVED.len() {
        keys[slot] = DERIVED[DERIVED_SORTED[slot]];
        slot += 1;
    }
    keys
};

/// The slot of each key of [`DERIVED`], by its position there (the inverse of
/// [`DERIVED_SORTED`]).
const SLOT_OF: [usize; DERIVED.len()] = {
    let mut slots = [0; DERIVED.len()];
    let mut slot = 0;
    while slot < DERIVED.len() {
        slots[DERIVED_SORTED[slot]] = slot;
        slot += 1;
    }
    slots
};

/// The runs around a derived key's single value in a result's context, by its position in
/// [`DERIVED`] (a test checks them against the names and serde's bytes).
macro_rules! derived_runs {
    ($($name:literal),* $(,)?) => {
        /// Each derived key's entry up to its value, after the comma that follows a previous
        /// entry.
        pub(crate) const DERIVED_OPENINGS: [&str; DERIVED.len()] =
            [$(concat!(",{\"key\":\"", $name, "\",\"values\":[\"")),*];
        /// [`DERIVED_CLOSING`] of the entry before, then [`DERIVED_OPENINGS`].
        pub(crate) const DERIVED_BETWEEN: [&str; DERIVED.len()] = [$(concat!(
            "\"],\"multiValued\":false,\"derived\":true},{\"key\":\"",
            $name,
            "\",\"values\":[\""
        )),*];
    };
}

derived_runs!(
    "aws:PrincipalArn",
    "aws:PrincipalAccount",
    "aws:PrincipalType",
    "aws:username",
    "aws:userid",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:ResourceAccount",
    "aws:RequestedRegion",
    "aws:EpochTime",
    "aws:CurrentTime",
);

/// What follows a derived single value listed as derived.
pub(crate) const DERIVED_CLOSING: &str = "\"],\"multiValued\":false,\"derived\":true}";

/// The derived keys' values (a single text each), by slot, kept as a result lists them: the
/// entries in the order filled, as one JSON text, each value's text a range of it (a value
/// that JSON escapes a byte of is kept as written in a second buffer). A context kept from
/// request to request refills both buffers, so filling a slot copies its entry, emptying them
/// all is a few stores (no allocation, nothing to drop), and when derivation filled the slots
/// in the context's order the result writer copies the whole run at once.
#[derive(Clone, Default)]
struct DerivedSlots {
    /// The filled entries, up to the last value: before each one, [`DERIVED_BETWEEN`] (the
    /// first one's opens with a closing of no entry, left out when read), then its value
    /// escaped.
    entries: String,
    /// The values JSON escapes a byte of, as written.
    escaped: String,
    /// Each filled slot's text: a range of `entries`, or of `escaped` when its bit in
    /// `in_escaped` is set.
    ranges: [(usize, usize); DERIVED.len()],
    /// The filled slots, a bit each.
    filled: u16,
    /// The slots whose text is in `escaped`, a bit each.
    in_escaped: u16,
    /// The filled keys' positions in [`DERIVED`], a bit each (as `DerivedKeys` lists them).
    positions: u16,
    /// Whether `entries` lists a slot emptied since, or the slots out of the context's order.
    entries_out_of_order: bool,
}

impl DerivedSlots {
    fn clear(&mut self) {
        self.entries.clear();
        self.escaped.clear();
        self.filled = 0;
        self.in_escaped = 0;
        self.positions = 0;
        self.entries_out_of_order = false;
    }

    fn is_filled(&self, slot: usize) -> bool {
        self.filled & (1 << slot) != 0
    }

    fn count(&self) -> usize {
        self.filled.count_ones() as usize
    }

    /// The text of slot `slot`, when filled.
    fn get(&self, slot: usize) -> Option<&str> {
        if !self.is_filled(slot) {
            return None;
        }
        let &(start, end) = self.ranges.get(slot)?;
        match self.in_escaped & (1 << slot) {
            0 => self.entries.get(start..end),
            _ => self.escaped.get(start..end),
        }
    }

    /// Room for a derivation's entries: a fresh context grows its buffer once, not at every
    /// doubling (a kept one has it already).
    fn reserve(&mut self) {
        // The eleven entries' fixed runs take 850 bytes; the usual values ≈ 150 more.
        self.entries.reserve(1024);
    }

    /// Fills slot `slot`, the slot of the key at position `at` of [`DERIVED`].
    // Inlined: each call site names a constant key, so its entry's opening is a copy of a
    // known length.
    #[inline(always)]
    fn fill(&mut self, slot: usize, at: usize, text: &DerivedText) {
        // In the context's order while no later slot is filled yet.
        self.entries_out_of_order |= self.filled >> slot != 0;
        self.entries
            .push_str(DERIVED_BETWEEN.get(at).copied().unwrap_or_default());
        let range = if text.plain || !needs_escape(text) {
            let start = self.entries.len();
            self.entries.push_str(text);
            (start, self.entries.len())
        } else {
            self.in_escaped |= 1 << slot;
            self.push_escaped(text)
        };
        if let Some(kept) = self.ranges.get_mut(slot) {
            *kept = range;
        }
        self.filled |= 1 << slot;
        self.positions |= 1 << at;
    }

    /// A value JSON escapes a byte of: escaped in `entries`, as written in `escaped`. Returns
    /// its range there.
    fn push_escaped(&mut self, text: &str) -> (usize, usize) {
        let quoted = serde_json::to_string(text).unwrap_or_default();
        let inner = quoted.get(1..quoted.len().saturating_sub(1));
        self.entries.push_str(inner.unwrap_or_default());
        let start = self.escaped.len();
        self.escaped.push_str(text);
        (start, self.escaped.len())
    }

    /// Empties slot `slot`, the slot of the key at position `at` of [`DERIVED`] (its text
    /// stays in the buffers until the next `clear`).
    fn empty(&mut self, slot: usize, at: usize) {
        if self.is_filled(slot) {
            self.filled &= !(1 << slot);
            self.in_escaped &= !(1 << slot);
            self.positions &= !(1 << at);
            self.entries_out_of_order = true;
        }
    }

    /// The text of slot `slot` as a value of its own, emptying the slot.
    fn take(&mut self, slot: usize) -> Option<ContextValue> {
        let value = ContextValue::Single(Text::Owned(self.get(slot)?.to_string()));
        self.empty(slot, DERIVED_SORTED.get(slot).copied().unwrap_or_default());
        Some(value)
    }

    /// The filled slots of `run`, in order: their keys' positions in [`DERIVED`], their texts,
    /// and whether JSON escapes none of a text's bytes.
    fn filled_in(
        &self,
        run: std::ops::Range<usize>,
    ) -> impl Iterator<Item = (usize, &str, bool)> + '_ {
        let positions = DERIVED_SORTED.get(run.clone()).unwrap_or_default();
        run.zip(positions).filter_map(move |(slot, &at)| {
            let plain = self.in_escaped & (1 << slot) == 0;
            Some((at, self.get(slot)?, plain))
        })
    }

    /// Every filled entry as a result lists it when the keys listed as derived (positions in
    /// [`DERIVED`], a bit each) are the filled ones: after a comma, up to the last value.
    fn listed_entries(&self, listed: u16) -> Option<&str> {
        let entries = self
            .entries
            .get(DERIVED_CLOSING.len()..)
            .unwrap_or_default();
        (!self.entries_out_of_order && listed == self.positions).then_some(entries)
    }
}

/// Condition keys of one request, looked up case-insensitively.
///
/// The keys a request gives are a vector sorted by the ASCII-lowercased name rather than a hash
/// map: a request has a few dozen keys at most, so a binary search beats hashing, a lookup in any
/// case needs no allocation, and the entries come out in a stable order for free. The keys
/// derived from the request (fixed names, [`DERIVED`]) sit in one slot each instead: a request
/// derives nine of them, and filling slots costs no allocation, sorting or merging. A name is
/// in one place only (a given key empties the slot of the same name in any case). Lookups
/// give a value's texts as [`Values`], wherever they are held.
#[derive(Clone, Default)]
pub struct RequestContext {
    /// (ASCII-lowercased name, entry), sorted by the lowercased name, names unique. Names are
    /// borrowed for fixed keys inserted as such (no allocation).
    entries: Vec<(Cow<'static, str>, Entry)>,
    /// The derived keys' values, in the order of [`SLOT_KEYS`].
    derived: DerivedSlots,
}

/// Equal when they list the same keys with the same values, however they hold them.
impl PartialEq for RequestContext {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for RequestContext {}

/// As the list of keys and values.
impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The slot of the derived key `name`, in any case.
fn slot_of(name: &str) -> Option<usize> {
    SLOT_KEYS
        .iter()
        .position(|key| key.lower.eq_ignore_ascii_case(name))
}

/// The slot of the derived key named `lowercase_name`, already ASCII-lowercased.
fn slot_of_lowercase(lowercase_name: &str) -> Option<usize> {
    SLOT_KEYS.iter().position(|key| key.lower == lowercase_name)
}

/// The end of the run of slots from `from` whose keys sort before the given key named `lower`
/// (every one left when `None`): the one merge of given keys and derived slots, shared by the
/// listing and the moving out.
fn slots_before(from: usize, lower: Option<&str>) -> usize {
    let rest = SLOT_KEYS.get(from..).unwrap_or_default();
    let run = match lower {
        Some(lower) => rest.iter().take_while(|key| key.lower < lower).count(),
        None => rest.len(),
    };
    from + run
}

/// One step of the context's order: a run of derived slots (positions in [`SLOT_KEYS`]) or a
/// given key.
enum InOrder<T> {
    Slots(std::ops::Range<usize>),
    Given(T),
}

/// The context's order over the given keys (sorted by their lowercased names, read by `lower`)
/// and the derived slots: the one merge shared by writing and moving out.
fn in_order<T>(
    given: impl IntoIterator<Item = T>,
    lower: impl Fn(&T) -> &str,
    mut f: impl FnMut(InOrder<T>),
) {
    let mut from = 0;
    for item in given {
        let end = slots_before(from, Some(lower(&item)));
        f(InOrder::Slots(from..end));
        from = end;
        f(InOrder::Given(item));
    }
    f(InOrder::Slots(from..DERIVED_SORTED.len()));
}

/// The fixed names of the slots in `run` with their keys' positions in [`DERIVED`].
fn run_keys(run: std::ops::Range<usize>) -> impl Iterator<Item = (&'static str, usize)> {
    let keys = SLOT_KEYS.get(run.clone()).unwrap_or_default();
    let positions = DERIVED_SORTED.get(run).unwrap_or_default();
    keys.iter()
        .map(|key| key.name)
        .zip(positions.iter().copied())
}

/// The filled slots of `run`, moved out to `f` in order with their names and their keys'
/// positions in [`DERIVED`].
fn take_slots(
    slots: &mut DerivedSlots,
    run: std::ops::Range<usize>,
    f: &mut impl FnMut(Cow<'static, str>, ContextValue, Option<usize>),
) {
    for (slot, (name, at)) in run.clone().zip(run_keys(run)) {
        if let Some(value) = slots.take(slot) {
            f(Cow::Borrowed(name), value, Some(at));
        }
    }
}

/// `lower` (already lowercased) against `name` lowercased on the fly.
fn cmp_lower(lower: &str, name: &str) -> Ordering {
    let (a, b) = (lower.as_bytes(), name.as_bytes());
    for (x, y) in a.iter().zip(b) {
        match x.cmp(&y.to_ascii_lowercase()) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    a.len().cmp(&b.len())
}

impl RequestContext {
    pub fn new() -> Self {
        Self::default()
    }

    /// Empties the context, keeping the room its given keys took.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.derived.clear();
    }

    fn find(&self, name: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|(lower, _)| cmp_lower(lower, name))
    }

    /// Sets a key, replacing any value under the same name in any case.
    pub fn insert(&mut self, name: impl Into<String>, value: ContextValue) {
        let name = name.into();
        if let Some(slot) = slot_of(&name) {
            let at = DERIVED_SORTED.get(slot).copied().unwrap_or_default();
            self.derived.empty(slot, at);
        }
        match self.find(&name) {
            Ok(i) => {
                if let Some(slot) = self.entries.get_mut(i) {
                    slot.1 = Entry::new(Cow::Owned(name), value, slot.1.hash);
                }
            }
            Err(i) => self.insert_at(i, name, value),
        }
    }

    fn insert_at(&mut self, i: usize, name: String, value: ContextValue) {
        let lower = name.to_ascii_lowercase();
        let hash = key_hash(&lower);
        self.entries.insert(
            i,
            (Cow::Owned(lower), Entry::new(Cow::Owned(name), value, hash)),
        );
    }

    /// Room for `additional` more keys without growing.
    pub fn reserve(&mut self, additional: usize) {
        self.entries.reserve(additional);
    }

    /// Whether a derived slot holds `name` (in any case).
    fn derived_has(&self, name: &str) -> bool {
        slot_of(name).is_some_and(|slot| self.derived.is_filled(slot))
    }

    /// Sets a key only if no value is present (derived keys never override typed ones).
    /// Returns whether it was set.
    pub fn insert_if_absent(&mut self, name: &str, value: ContextValue) -> bool {
        let Err(i) = self.find(name) else {
            return false;
        };
        if self.derived_has(name) {
            return false;
        }
        self.insert_at(i, name.to_string(), value);
        true
    }

    /// As [`Self::insert_if_absent`] for a fixed key name given with its ASCII-lowercased
    /// spelling `lower`: the names are borrowed, not copied, and the value is not read as an
    /// address beforehand (see `Entry::fixed`).
    pub fn insert_static_if_absent(
        &mut self,
        name: &'static str,
        lower: &'static str,
        value: ContextValue,
    ) -> bool {
        debug_assert_eq!(name.to_ascii_lowercase(), lower);
        let Err(i) = self
            .entries
            .binary_search_by(|(entry, _)| entry.as_ref().cmp(lower))
        else {
            return false;
        };
        if self.derived_has(lower) {
            return false;
        }
        self.entries.insert(
            i,
            (
                Cow::Borrowed(lower),
                Entry::fixed(name, value, key_hash(lower)),
            ),
        );
        true
    }

    /// Room for the derived keys' values, before they are derived.
    pub(crate) fn reserve_derived(&mut self) {
        self.derived.reserve();
    }

    /// Sets the derived key at position `at` of [`DERIVED`] unless the key is present, in any
    /// case (given keys win). Returns whether it was set. Its value is not read as an address:
    /// derived keys are never the addresses conditions compare (`aws:SourceIp` is given), and
    /// an IP condition reads a value itself when the context has no address for it.
    // Inlined: each call site names a constant key, so its slot is found at compile time.
    #[inline(always)]
    pub(crate) fn insert_derived_if_absent(&mut self, at: usize, value: &DerivedText) -> bool {
        let Some(&slot) = SLOT_OF.get(at) else {
            return false;
        };
        // No given keys (the usual case): nothing to look for.
        if !self.entries.is_empty()
            && SLOT_KEYS
                .get(slot)
                .is_some_and(|key| self.given_lowercase(key.lower).is_some())
        {
            return false;
        }
        if self.derived.is_filled(slot) {
            return false;
        }
        self.derived.fill(slot, at, value);
        true
    }

    /// Looks a key up in any case (no allocation).
    pub fn get(&self, name: &str) -> Option<Values<'_>> {
        match self.find(name) {
            Ok(i) => self.entries.get(i).map(|(_, e)| e.value.values()),
            Err(_) => self.derived.get(slot_of(name)?).map(Values::One),
        }
    }

    /// A given key whose name is already ASCII-lowercased.
    fn given_lowercase(&self, lowercase_name: &str) -> Option<&ContextValue> {
        let i = self
            .entries
            .binary_search_by(|(lower, _)| lower.as_ref().cmp(lowercase_name))
            .ok()?;
        self.entries.get(i).map(|(_, e)| &e.value)
    }

    /// Looks up a key whose name is already ASCII-lowercased (no allocation).
    pub fn get_lowercase(&self, lowercase_name: &str) -> Option<Values<'_>> {
        match self.given_lowercase(lowercase_name) {
            Some(value) => Some(value.values()),
            None => self
                .derived
                .get(slot_of_lowercase(lowercase_name)?)
                .map(Values::One),
        }
    }

    /// As [`Self::get_lowercase`], with the name's [`key_hash`] worked out beforehand: the
    /// fast path of conditions (a scan of a few integers, one string comparison).
    pub fn get_hashed(&self, hash: u64, lowercase_name: &str) -> Option<Found<'_>> {
        let given = self
            .entries
            .iter()
            .find(|(lower, e)| e.hash == hash && lower.as_ref() == lowercase_name)
            .map(|(_, e)| Found {
                value: e.value.values(),
                ip: e.ip,
            });
        given.or_else(|| {
            let slot = SLOT_KEYS
                .iter()
                .position(|key| key.hash == hash && key.lower == lowercase_name)?;
            let value = Values::One(self.derived.get(slot)?);
            Some(Found { value, ip: None })
        })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn remove(&mut self, name: &str) -> Option<ContextValue> {
        match self.find(name) {
            Ok(i) => Some(self.entries.remove(i).1.value),
            Err(_) => self.derived.take(slot_of(name)?),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len() + self.derived.count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries as (name as written, value), sorted by lowercased name for stable output.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Values<'_>)> {
        let mut from = 0;
        let slots = &self.derived;
        self.entries
            .iter()
            .map(Some)
            .chain([None])
            .flat_map(move |given| {
                let end = slots_before(from, given.map(|(lower, _)| lower.as_ref()));
                let run = SLOT_KEYS.iter().enumerate().take(end).skip(from);
                from = end;
                let derived =
                    run.filter_map(|(slot, key)| Some((key.name, Values::One(slots.get(slot)?))));
                derived.chain(given.map(|(_, e)| (e.name.as_ref(), e.value.values())))
            })
    }

    /// As [`Self::iter`], moving each name and value out to `f` (a result keeps them without
    /// copies) and leaving the context empty, with the position in [`DERIVED`] of a derived
    /// key's slot. Taken in place, not through an iterator: the context is not moved.
    pub fn drain_each(
        &mut self,
        mut f: impl FnMut(Cow<'static, str>, ContextValue, Option<usize>),
    ) {
        let entries = std::mem::take(&mut self.entries);
        let slots = &mut self.derived;
        in_order(
            entries,
            |(lower, _)| lower,
            |step| match step {
                InOrder::Slots(run) => take_slots(slots, run, &mut f),
                InOrder::Given((_, entry)) => f(entry.name, entry.value, None),
            },
        );
    }

    /// The context in [`Self::iter`]'s order as `f` reads it: each given key, and each run of
    /// derived slots between them as their filled slots. The result writer's walk: it writes
    /// a run of slots with one copy between two values, and needs no entries of its own.
    pub(crate) fn each_step(&self, mut f: impl FnMut(ContextStep<'_>)) {
        let slots = &self.derived;
        in_order(
            &self.entries,
            |(lower, _)| lower,
            |step| match step {
                InOrder::Slots(run) => f(ContextStep::Slots(SlotRun { slots, run })),
                InOrder::Given((_, entry)) => f(ContextStep::Given(&entry.name, &entry.value)),
            },
        );
    }
}

/// One step of [`RequestContext::each_step`].
pub(crate) enum ContextStep<'a> {
    /// A given key, by its name as written, and its value.
    Given(&'a str, &'a ContextValue),
    /// Derived slots in the context's order.
    Slots(SlotRun<'a>),
}

/// A run of derived slots in the context's order.
pub(crate) struct SlotRun<'a> {
    slots: &'a DerivedSlots,
    run: std::ops::Range<usize>,
}

impl<'a> SlotRun<'a> {
    /// The filled slots in order: their keys' positions in [`DERIVED`], their texts, and
    /// whether JSON escapes none of a text's bytes.
    pub(crate) fn filled(&self) -> impl Iterator<Item = (usize, &'a str, bool)> + 'a {
        self.slots.filled_in(self.run.clone())
    }

    /// The run's entries as a result lists them, after a comma and up to the last value
    /// ([`DERIVED_CLOSING`] follows), when the run is every slot and the keys listed as
    /// derived (positions in [`DERIVED`], a bit each) are the filled ones: kept so, not
    /// worked out.
    pub(crate) fn listed_entries(&self, listed: u16) -> Option<&'a str> {
        match self.run == (0..DERIVED.len()) {
            true => self.slots.listed_entries(listed),
            false => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pre-check only rules out texts that are not addresses: every text the parser reads
    /// passes it, whatever the length of its first octet or group.
    #[test]
    fn could_be_address_passes_every_address() {
        for v in [
            "203.0.113.7",
            "1.2.3.4",
            "10.0.0.1/8",
            "2001:db8::1",
            "::1",
            "::",
            "ffff::1",
            "fe80::1%1",
            "1:2:3:4:5:6:7:8",
            "::ffff:1.2.3.4",
            "0001.2.3.4",
            "00001:2:3:4:5:6:7:8",
            "12345::1",
            "111122223333",
            "1796009685",
            "-1",
            "2026-11-30T03:34:45Z",
            "us-east-1",
            "arn:aws:iam::1:user/u",
            "false",
            "",
            "1",
            "abcd",
            "abcde",
        ] {
            let parsed = parse_request_ip(v);
            if parsed.is_some() {
                assert!(could_be_address(v), "{v}");
            }
            let entry = Entry::new(Cow::Borrowed("k"), ContextValue::Single(v.into()), 0);
            assert_eq!(entry.ip, parsed, "{v}");
        }
    }

    #[test]
    fn keys_are_case_insensitive_c2() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:SourceIp", ContextValue::Single("203.0.113.7".into()));
        assert!(ctx.get("AWS:sourceip").is_some());
        assert!(ctx.get_lowercase("aws:sourceip").is_some());
    }

    #[test]
    fn c2_any_spelling_finds_replaces_and_removes_one_key() {
        let mut ctx = RequestContext::new();
        for (k, v) in [
            ("b:Key", "1"),
            ("A:key", "2"),
            ("c:KEY", "3"),
            ("B:KEY", "4"),
        ] {
            ctx.insert(k, ContextValue::Single(v.into()));
        }
        assert_eq!(ctx.len(), 3);
        let names: Vec<&str> = ctx.iter().map(|(k, _)| k).collect();
        assert_eq!(names, ["A:key", "B:KEY", "c:KEY"]);
        assert_eq!(ctx.get("b:kEy").and_then(Values::single), Some("4"));
        assert_eq!(ctx.get("b:ke"), None);
        assert_eq!(ctx.get("b:keyy"), None);
        assert_eq!(
            ctx.get_lowercase("c:key").and_then(Values::single),
            Some("3")
        );
        assert_eq!(ctx.get_lowercase("C:key"), None);
        assert!(ctx.remove("A:KEY").is_some());
        assert!(!ctx.contains("a:key"));
        assert_eq!(ctx.len(), 2);
    }

    #[test]
    fn c2_hashed_lookups_agree_with_plain_ones() {
        let mut ctx = RequestContext::new();
        for (k, v) in [
            ("aws:SourceIp", "203.0.113.7"),
            ("aws:PrincipalTag/Team", "web"),
            ("AWS:sourceip", "2001:db8::1"),
            ("s3:prefix", "home/"),
            ("aws:PrincipalAccount", "111122223333"),
            ("aws:EpochTime", "1709251199"),
            ("x:v4", "10.0.0.1/8"),
            ("x:v6", "::1"),
            ("x:number", "3232235777"),
        ] {
            ctx.insert(k, ContextValue::Single(v.into()));
        }
        ctx.insert("aws:TagKeys", ContextValue::Multi(vec!["a".into()]));
        assert!(ctx.remove("S3:Prefix").is_some());
        for name in [
            "aws:sourceip",
            "aws:principaltag/team",
            "aws:tagkeys",
            "s3:prefix",
            "aws:principalaccount",
            "aws:epochtime",
            "x:v4",
            "x:v6",
            "x:number",
            "aws:principaltag/tea",
            "",
        ] {
            let found = ctx.get_hashed(key_hash(name), name);
            assert_eq!(found.map(|f| f.value), ctx.get_lowercase(name), "{name}");
            let ip = ctx
                .get_lowercase(name)
                .and_then(Values::single)
                .and_then(parse_request_ip);
            assert_eq!(found.and_then(|f| f.ip), ip, "{name}");
        }
        assert_eq!(
            ctx.get_hashed(key_hash("aws:sourceip"), "aws:sourceip")
                .and_then(|f| f.ip),
            "2001:db8::1".parse().ok()
        );
    }

    /// Fixed names inserted borrowed behave as the same names inserted owned: same order,
    /// same lookups in any case, same refusal to override a key given in another case.
    #[test]
    fn c2_static_inserts_agree_with_owned_ones() {
        let given = [("AWS:username", "typed"), ("s3:prefix", "home/")];
        let fixed = [
            (
                "aws:PrincipalArn",
                "aws:principalarn",
                "arn:aws:iam::1:user/u",
            ),
            ("aws:username", "aws:username", "derived"),
            ("aws:RequestedRegion", "aws:requestedregion", "us-east-1"),
            ("aws:EpochTime", "aws:epochtime", "0"),
        ];
        let (mut owned, mut borrowed) = (RequestContext::new(), RequestContext::new());
        for (k, v) in given {
            owned.insert(k, ContextValue::Single(v.into()));
            borrowed.insert(k, ContextValue::Single(v.into()));
        }
        for (name, lower, v) in fixed {
            let a = owned.insert_if_absent(name, ContextValue::Single(v.into()));
            let b = borrowed.insert_static_if_absent(name, lower, ContextValue::Single(v.into()));
            assert_eq!(a, b, "{name}");
        }
        assert_eq!(owned, borrowed);
        assert_eq!(
            owned.iter().collect::<Vec<_>>(),
            borrowed.iter().collect::<Vec<_>>()
        );
        for name in ["aws:requestedregion", "aws:username", "aws:epochtime"] {
            assert_eq!(
                borrowed.get_hashed(key_hash(name), name).map(|f| f.value),
                owned.get_lowercase(name)
            );
        }
    }

    /// The listing and every lookup of a context, with the values found, to compare contexts
    /// however they hold their keys.
    fn observed(ctx: &RequestContext, names: &[&str]) -> Vec<String> {
        let mut seen = vec![format!(
            "{:?} {} {}",
            ctx.iter().collect::<Vec<_>>(),
            ctx.len(),
            ctx.is_empty()
        )];
        for name in names {
            let lower = name.to_ascii_lowercase();
            seen.push(format!(
                "{name}: {:?} {:?} {:?} {}",
                ctx.get(name),
                ctx.get_lowercase(name),
                ctx.get_hashed(key_hash(&lower), &lower)
                    .map(|f| (f.value, f.ip)),
                ctx.contains(name)
            ));
        }
        seen
    }

    /// C2: derived keys held in their slots read, list, move out and give way to given keys
    /// exactly as the same fixed keys inserted into the sorted entries do, whatever keys are
    /// given (in any case, before or after), for every lookup.
    #[test]
    fn c2_derived_slots_agree_with_inserted_fixed_keys() {
        let values = [
            "arn:aws:iam::1:user/u",
            "1",
            "User",
            "u",
            "AIDA",
            "false",
            "svc",
            "2",
            "us-east-1",
            "0",
            "10.0.0.1",
        ];
        let givens: [&[(&str, &str)]; 6] = [
            &[],
            &[("AWS:username", "typed"), ("s3:prefix", "home/")],
            &[("aaa:x", "1"), ("zzz:y", "2"), ("aws:m", "3")],
            &[("aws:EPOCHTIME", "9"), ("aws:currenttime", "t")],
            &[("aws:principalarn", "x"), ("aws:SourceIP", "192.0.2.1")],
            &[("aws:PrincipalAccount", "5"), ("aws:RequestedRegionX", "r")],
        ];
        let upper: Vec<String> = DERIVED.iter().map(|k| k.name.to_uppercase()).collect();
        let mut names: Vec<&str> = DERIVED.iter().flat_map(|k| [k.name, k.lower]).collect();
        names.extend(upper.iter().map(String::as_str));
        names.extend([
            "",
            "aws:m",
            "aws:sourceip",
            "s3:Prefix",
            "aws:requestedregionx",
        ]);
        let afterwards: [&dyn Fn(&mut RequestContext); 4] = [
            &|_| {},
            &|c| c.insert("AWS:USERNAME", ContextValue::Single("later".into())),
            &|c| {
                c.remove("aws:PRINCIPALTYPE");
            },
            &|c| {
                c.insert_if_absent("aws:RequestedRegion", ContextValue::Single("x".into()));
            },
        ];
        for given in givens {
            for then in afterwards {
                let (mut plain, mut slots) = (RequestContext::new(), RequestContext::new());
                for (k, v) in given {
                    plain.insert(*k, ContextValue::Single((*v).into()));
                    slots.insert(*k, ContextValue::Single((*v).into()));
                }
                for (at, (key, value)) in DERIVED.iter().zip(values).enumerate() {
                    let a = plain.insert_static_if_absent(
                        key.name,
                        key.lower,
                        ContextValue::Single(value.into()),
                    );
                    let b = slots.insert_derived_if_absent(at, &DerivedText::checked(value));
                    assert_eq!(a, b, "{} {given:?}", key.name);
                }
                then(&mut plain);
                then(&mut slots);
                assert_eq!(
                    observed(&slots, &names),
                    observed(&plain, &names),
                    "{given:?}"
                );
                let moved = |mut c: RequestContext| {
                    let mut entries = Vec::new();
                    c.drain_each(|name, value, _| entries.push((name, value)));
                    assert!(c.is_empty());
                    entries
                };
                assert_eq!(moved(slots), moved(plain), "{given:?}");
            }
        }
    }

    /// Fixed keys are not read as addresses when inserted: an IP condition reads their values
    /// itself and decides as it does on the same key given (and read) by the request.
    #[test]
    fn c2_fixed_keys_decide_ip_conditions_like_given_ones() {
        let mut decided = 0;
        for (op, pattern) in [
            ("IpAddress", "10.0.0.0/8"),
            ("NotIpAddress", "10.0.0.0/8"),
            ("IpAddress", "2001:db8::/32"),
            ("IpAddress", "1.2.3.4"),
            ("ForAnyValue:IpAddress", "10.0.0.0/8"),
        ] {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
                    "Action": "s3:*", "Resource": "*",
                    "Condition": {{"{op}": {{"aws:username": "{pattern}"}}}}}}]}}"#
            );
            let parsed = crate::policy::parse_policy(&text);
            let entry = parsed
                .policy
                .as_ref()
                .and_then(|p| p.statements.first())
                .and_then(|s| s.conditions.first())
                .expect("a condition");
            let condition = crate::condition::CompiledCondition::compile(entry, true);
            for value in [
                "10.0.0.1",
                "10.1.2.3/32",
                "2001:db8::1",
                "1.2.3.4",
                "us-east-1",
                "111122223333",
                "not an address",
            ] {
                let single = || ContextValue::Single(value.into());
                let mut given = RequestContext::new();
                given.insert("aws:username", single());
                let mut fixed = RequestContext::new();
                fixed.insert_static_if_absent("aws:username", "aws:username", single());
                let mut derived = RequestContext::new();
                let at = DERIVED
                    .iter()
                    .position(|key| key.lower == "aws:username")
                    .expect("a derived key");
                derived.insert_derived_if_absent(at, &DerivedText::checked(value));
                let expected = condition.evaluate(&given);
                assert_eq!(condition.evaluate(&fixed), expected, "{op} {value}");
                assert_eq!(condition.evaluate(&derived), expected, "{op} {value}");
                decided += usize::from(expected);
            }
        }
        assert!(decided >= 5, "only {decided} matches");
    }

    /// The slots' listing order is the lowercase names' order, every derived key once, and each
    /// lowercase name is its name lowercased.
    #[test]
    fn c2_derived_keys_merge_in_lowercase_order() {
        let mut sorted = DERIVED_SORTED;
        sorted.sort_unstable();
        assert_eq!(sorted, std::array::from_fn(|i| i));
        let lowers: Vec<&str> = DERIVED_SORTED.iter().map(|&i| DERIVED[i].lower).collect();
        assert!(lowers.windows(2).all(|w| w[0] < w[1]), "{lowers:?}");
        for (at, key) in DERIVED.iter().enumerate() {
            assert_eq!(SLOT_KEYS[SLOT_OF[at]], *key);
            assert_eq!(DERIVED_SORTED[SLOT_OF[at]], at);
        }
        for key in DERIVED {
            assert_eq!(key.name.to_ascii_lowercase(), key.lower);
            assert_eq!(key.hash, key_hash(key.lower));
        }
    }

    /// Short texts read byte by byte find the escapes the word scan finds, each escaped byte at
    /// every position of texts around the length where the reading changes.
    #[test]
    fn short_texts_need_escapes_as_the_word_scan_finds() {
        for len in 0..=12 {
            for at in 0..len {
                for byte in [b'"', b'\\', 0, 0x1f, b'\n', b' ', b'a', 0x7f] {
                    let mut bytes = vec![b'x'; len];
                    if let Some(b) = bytes.get_mut(at) {
                        *b = byte;
                    }
                    let text = String::from_utf8(bytes).unwrap_or_default();
                    assert_eq!(
                        needs_escape(&text),
                        crate::note::needs_escape(&text),
                        "{text:?}"
                    );
                }
            }
            assert!(!needs_escape(&"é".repeat(len)));
        }
    }

    /// The kept text is shared only for the same text: a run of texts reads as itself.
    #[test]
    fn last_texts_are_the_texts() {
        let last = LastText::new();
        let mut kept: Vec<Text> = Vec::new();
        for text in ["a", "a", "b", "", "", "a", "ab", "a"] {
            let shared = last.share(text);
            assert_eq!(&*shared, text);
            assert!(matches!(shared, Text::SharedPlain(_)));
            kept.push(shared);
        }
        assert_eq!(kept.iter().map(|t| &**t).collect::<String>(), "aabaaba");
        for text in ["a\"b", "a", "tab\there", "a\\", "é", "\u{7f}", "x\u{1}"] {
            let shared = last.share(text);
            assert_eq!(&*shared, text);
            let plain = serde_json::to_string(text).ok() == Some(format!("\"{text}\""));
            assert_eq!(shared.is_plain(), plain, "{text:?}");
            assert_eq!(Text::shared_checked(text).is_plain(), plain, "{text:?}");
        }
    }

    /// A single value reads, compares and lists alike whatever holds its text.
    #[test]
    fn texts_read_alike_however_they_are_held() {
        let forms = [
            Text::Static("User"),
            Text::Shared(Arc::from("User")),
            Text::SharedPlain(Arc::from("User")),
            Text::Owned("User".into()),
        ];
        for a in &forms {
            for b in &forms {
                assert_eq!(a, b);
                assert_eq!(
                    ContextValue::Single(a.clone()),
                    ContextValue::Single(b.clone())
                );
            }
            assert_eq!(&**a, "User");
            assert_eq!(format!("{a:?}"), format!("{:?}", "User"));
            let value = ContextValue::Single(a.clone());
            assert_eq!(value.values().to_vec(), ["User"]);
            assert_eq!(value.values().len(), 1);
            assert_eq!(value.single(), Some("User"));
        }
        assert_ne!(Text::Static("User"), Text::Static("user"));
        let many = ContextValue::Multi(vec!["a".into(), "b".into()]);
        assert_eq!(many.values().iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(many.values().into_iter().count(), 2);
        assert!(ContextValue::Multi(Vec::new()).values().is_empty());
    }

    #[test]
    fn given_keys_win_over_derived_ones() {
        let mut ctx = RequestContext::new();
        ctx.insert("aws:username", ContextValue::Single("typed".into()));
        ctx.insert_if_absent("AWS:UserName", ContextValue::Single("derived".into()));
        assert_eq!(
            ctx.get("aws:username").and_then(Values::single),
            Some("typed")
        );
    }
}

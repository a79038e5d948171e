//! Per-thread caches of what compiling works out from a text alone (an ARN's head, a condition
//! key's catalog entry, an action entry's expansion): the same texts come back in policy after
//! policy, while the rest of each policy differs. Keyed by a hash of the text, checked against
//! the text itself; bounded (emptied when full).

use crate::bytes::tail_word;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::LocalKey;

/// Texts kept per cache before it is emptied (the CLI reads millions of scenarios).
pub(crate) const KEPT: usize = 4096;

/// The hash the caches key by: eight bytes at a time (a rotate, a xor and a multiply per
/// word), continuing from `hash`. Only compared within one run, never stored.
fn text_hash(hash: u64, bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    let mut h = hash;
    for word in &mut words {
        h = step(h, word.try_into().map_or(0, u64::from_le_bytes));
    }
    // The length tells texts that differ only by trailing zero bytes apart.
    step(step(h, tail_word(bytes)), bytes.len() as u64)
}

/// Keys that are already hashes are used as they are.
#[derive(Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = text_hash(self.0, bytes);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map from such hashes.
pub(crate) type ByHash<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// Values by the text they were made from.
pub(crate) struct TextCache<V> {
    map: ByHash<(Box<str>, V)>,
}

impl<V> Default for TextCache<V> {
    fn default() -> Self {
        TextCache {
            map: ByHash::default(),
        }
    }
}

/// The value for `text` in this thread's `cache`, made by `make` when the cache does not hold
/// it (first use, emptied, or taken by another text with the same hash). `make` runs with the
/// cache released, so it may use other caches.
pub(crate) fn cached<V: Clone>(
    cache: &'static LocalKey<RefCell<TextCache<V>>>,
    text: &str,
    make: impl FnOnce() -> V,
) -> V {
    let hash = text_hash(0, text.as_bytes());
    let found = cache.with(|c| {
        c.borrow()
            .map
            .get(&hash)
            .filter(|(kept, _)| **kept == *text)
            .map(|(_, value)| value.clone())
    });
    if let Some(value) = found {
        return value;
    }
    let value = make();
    cache.with(|c| keep(&mut c.borrow_mut().map, hash, (text.into(), value.clone())));
    value
}

/// The text a [`TextCache`] was last asked for, as a prefix (its length) of a shared text held
/// without a copy, and the value it gave: a run asks for the same text many times in a row
/// (one ARN head, one condition key), and comparing it costs less than hashing it.
pub(crate) type LastLookup<V> = RefCell<Option<(Arc<str>, usize, V)>>;

/// As [`cached`] for `text`, trying `last` first; otherwise the answer is kept there with
/// `shared()`, a shared text that `text` is a prefix of (the caller's guarantee), asked for
/// only then.
pub(crate) fn cached_after_last<V: Clone>(
    last: &'static LocalKey<LastLookup<V>>,
    cache: &'static LocalKey<RefCell<TextCache<V>>>,
    text: &str,
    shared: impl FnOnce() -> Arc<str>,
    make: impl FnOnce() -> V,
) -> V {
    let kept = last.with(|l| {
        l.borrow()
            .as_ref()
            .filter(|(kept, len, _)| kept.get(..*len) == Some(text))
            .map(|(_, _, value)| value.clone())
    });
    if let Some(value) = kept {
        return value;
    }
    let value = cached(cache, text, make);
    last.with(|l| *l.borrow_mut() = Some((shared(), text.len(), value.clone())));
    value
}

/// Inserts `entry` under `hash`, emptying `map` first when it holds [`KEPT`] entries (a bound,
/// not an eviction policy: the texts that come back are made again once).
fn keep<T>(map: &mut ByHash<T>, hash: u64, entry: T) {
    if map.len() >= KEPT {
        map.clear();
    }
    map.insert(hash, entry);
}

/// Values by the list of texts they were made from, and a flag (an element's texts and its
/// negation).
pub(crate) struct ListCache<V> {
    map: ByHash<Listed<V>>,
}

/// A value with the flag and the texts it was made from.
type Listed<V> = (bool, Box<[Box<str>]>, V);

impl<V> Default for ListCache<V> {
    fn default() -> Self {
        ListCache {
            map: ByHash::default(),
        }
    }
}

/// As [`cached`], for a flag and a list of texts.
pub(crate) fn cached_list<'t, V: Clone>(
    cache: &'static LocalKey<RefCell<ListCache<V>>>,
    flag: bool,
    texts: impl Iterator<Item = &'t str> + Clone,
    make: impl FnOnce() -> V,
) -> V {
    // Each text's length is hashed with it, so the split between texts counts.
    let hash = texts
        .clone()
        .fold(u64::from(flag), |h, t| text_hash(h, t.as_bytes()));
    let found = cache.with(|c| {
        c.borrow()
            .map
            .get(&hash)
            .filter(|(f, kept, _)| *f == flag && kept.iter().map(|k| &**k).eq(texts.clone()))
            .map(|(_, _, value)| value.clone())
    });
    if let Some(value) = found {
        return value;
    }
    let value = make();
    let kept = texts.map(Box::from).collect();
    cache.with(|c| keep(&mut c.borrow_mut().map, hash, (flag, kept, value.clone())));
    value
}

/// Which texts a value was made from, as one number: each value a [`ListCache`] makes afresh
/// gets a new one (unique in the process, whatever the thread), and values taken from the cache
/// keep theirs. What else depends on those texts alone can then be cached by the number, without
/// hashing and comparing the texts again (see [`cached_by_id`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TextsId(u64);

impl TextsId {
    pub(crate) fn new() -> TextsId {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        TextsId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Values by the [`TextsId`] of the texts they were made from.
pub(crate) struct IdCache<V> {
    map: ByHash<V>,
}

impl<V> Default for IdCache<V> {
    fn default() -> Self {
        IdCache {
            map: ByHash::default(),
        }
    }
}

/// As [`cached`], for the texts `id` stands for.
pub(crate) fn cached_by_id<V: Clone>(
    cache: &'static LocalKey<RefCell<IdCache<V>>>,
    id: TextsId,
    make: impl FnOnce() -> V,
) -> V {
    if let Some(value) = cache.with(|c| c.borrow().map.get(&id.0).cloned()) {
        return value;
    }
    let value = make();
    cache.with(|c| keep(&mut c.borrow_mut().map, id.0, value.clone()));
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static LENGTHS: RefCell<TextCache<usize>> = RefCell::new(TextCache::default());
    }

    thread_local! {
        static JOINED: RefCell<ListCache<String>> = RefCell::new(ListCache::default());
    }

    /// A cached value is the value made for the same flag and texts, for lists that differ only
    /// in the flag, the order or where the texts split, and after the cache was emptied.
    #[test]
    fn cached_list_values_are_made_ones() {
        let lists: [(bool, &[&str]); 7] = [
            (false, &["ab", "c"]),
            (false, &["a", "bc"]),
            (true, &["a", "bc"]),
            (false, &["bc", "a"]),
            (false, &["abc"]),
            (false, &[]),
            (false, &[""]),
        ];
        let made = |flag: bool, texts: &[&str]| format!("{flag}{texts:?}");
        for round in 0..2 {
            for (flag, texts) in lists {
                let got = cached_list(&JOINED, flag, texts.iter().copied(), || made(flag, texts));
                assert_eq!(got, made(flag, texts), "{round}");
            }
        }
        for i in 0..KEPT + 1 {
            let text = i.to_string();
            cached_list(&JOINED, false, [text.as_str()].into_iter(), String::new);
        }
        for (flag, texts) in lists {
            let got = cached_list(&JOINED, flag, texts.iter().copied(), || made(flag, texts));
            assert_eq!(got, made(flag, texts));
        }
    }

    thread_local! {
        static BY_ID: RefCell<IdCache<String>> = RefCell::new(IdCache::default());
    }

    /// Each new id is another; a value cached by id is the one made for it, on first use, on
    /// reuse and after the cache was emptied; ids made on other threads are new ones too.
    #[test]
    fn values_cached_by_id_are_made_ones() {
        let ids: Vec<TextsId> = (0..10).map(|_| TextsId::new()).collect();
        let other = std::thread::spawn(TextsId::new).join().expect("thread");
        assert!(!ids.contains(&other));
        for (i, id) in ids.iter().enumerate() {
            assert!(!ids.get(..i).unwrap_or_default().contains(id));
        }
        let check = || {
            for (i, &id) in ids.iter().enumerate() {
                assert_eq!(cached_by_id(&BY_ID, id, || i.to_string()), i.to_string());
            }
        };
        check();
        check();
        for _ in 0..KEPT + 1 {
            cached_by_id(&BY_ID, TextsId::new(), String::new);
        }
        check();
    }

    thread_local! {
        static LAST_LENGTH: LastLookup<usize> = const { RefCell::new(None) };
    }

    /// A value found as the last one asked for is the value made for the same text: texts
    /// asked for again, after another, as prefixes of longer shared texts (and the whole of a
    /// text another is a prefix of), and after the cache was emptied.
    #[test]
    fn last_lookups_are_made_values() {
        let shared: Vec<Arc<str>> = [
            "arn:aws:ecr:us-east-1:1:repository/a",
            "arn:aws:ecr:",
            "ab",
            "",
        ]
        .map(Arc::from)
        .into();
        let asks: Vec<(&Arc<str>, usize)> = shared
            .iter()
            .flat_map(|s| [s.len(), s.len() / 2, 0].map(move |len| (s, len)))
            .collect();
        let mut from_last = 0;
        for round in 0..3 {
            for (before, after) in asks.iter().flat_map(|b| asks.iter().map(move |a| (b, a))) {
                for &(s, len) in [before, after, after] {
                    let text = s.get(..len).unwrap_or_default();
                    let mut made = false;
                    let shared = || Arc::clone(s);
                    let got = cached_after_last(&LAST_LENGTH, &LENGTHS, text, shared, || {
                        made = true;
                        text.len()
                    });
                    assert_eq!(got, text.len(), "{text} {round}");
                    from_last += usize::from(!made);
                }
            }
            for i in 0..KEPT + 1 {
                cached(&LENGTHS, &i.to_string(), || i.to_string().len());
            }
        }
        assert!(from_last > 0);
    }

    /// A cached value is the value made for the same text: on first use, on reuse, and after
    /// the cache was emptied for being full.
    #[test]
    fn cached_values_are_made_ones() {
        let texts = ["", "a", "A", "ab", "ba", "arn:aws:ecr:us-east-1:1:", "é"];
        let mut made = 0;
        for round in 0..2 {
            for text in texts {
                let n = cached(&LENGTHS, text, || {
                    made += 1;
                    text.len()
                });
                assert_eq!(n, text.len(), "{text} {round}");
            }
        }
        assert_eq!(made, texts.len());
        for i in 0..KEPT + 1 {
            cached(&LENGTHS, &i.to_string(), || i.to_string().len());
        }
        for text in texts {
            assert_eq!(cached(&LENGTHS, text, || text.len()), text.len());
        }
    }
}

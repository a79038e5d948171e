//! Reads the generated catalog text (format: docs/catalog.md, scripts/gen-catalog.py) into flat
//! tables. Strings are slices of the embedded text, so parsing allocates only the tables: one pass,
//! no hashing, no lowercasing. Lookups binary-search the tables, which the generator sorted.
//!
//! Lines and fields are split by a word-at-a-time byte scan ([`split_byte`]) and indices read by [`read_index`]:
//! the text has 35,000 short lines, and the generic `str` splitters and `parse` cost about
//! 1,000 instructions a line — the whole of the CLI's start-up before this.

use super::types::{AccessLevels, KeyType};
use crate::bytes::split_byte;
use std::fmt;

/// A run `[start, start + len)` of one of the flat tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Run {
    pub start: u32,
    pub len: u32,
}

impl Run {
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

pub(crate) struct ServiceRec {
    pub prefix: &'static str,
    pub name: &'static str,
    pub keys: Run,
    pub resource_types: Run,
    pub actions: Run,
}

pub(crate) struct KeyRec {
    pub name: &'static str,
    pub ty: KeyType,
    pub service: u32,
}

pub(crate) struct ResourceTypeRec {
    pub name: &'static str,
    /// ARN templates separated by `|`.
    pub arns: &'static str,
    /// Into `refs`.
    pub keys: Run,
    pub service: u32,
}

pub(crate) struct ActionRec {
    pub name: &'static str,
    pub access: AccessLevels,
    /// Into `action_resource_types`.
    pub resource_types: Run,
    /// Into `refs`: the keys on the action's own row.
    pub keys: Run,
    pub service: u32,
}

pub(crate) struct ActionResourceTypeRec {
    /// Index into `resource_types`.
    pub resource_type: u32,
    pub required: bool,
    /// Into `refs`: keys the action supports on this resource type.
    pub keys: Run,
}

/// All tables of one catalog text.
#[derive(Default)]
pub(crate) struct Tables {
    pub version: &'static str,
    pub updated_at: &'static str,
    /// Condition-key prefixes owned by other services (OIDC and SAML providers): (prefix, services).
    pub unassociated: Vec<(&'static str, &'static str)>,
    pub services: Vec<ServiceRec>,
    pub keys: Vec<KeyRec>,
    pub resource_types: Vec<ResourceTypeRec>,
    pub actions: Vec<ActionRec>,
    pub action_resource_types: Vec<ActionResourceTypeRec>,
    /// Global indices into `keys`.
    pub refs: Vec<u32>,
}

/// Why the embedded catalog could not be read (only possible if the generated file is damaged).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "catalog line {}: {}", self.line, self.message)
    }
}

const HEADER: &str = "iamsim-catalog 1";

pub(crate) fn parse(text: &'static str) -> Result<Tables, CatalogError> {
    let mut t = Tables::default();
    let mut lines = split_byte(text, b'\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .enumerate();
    match lines.next() {
        Some((_, HEADER)) => {}
        _ => return Err(err(1, format!("expected the header `{HEADER}`"))),
    }
    // Rough capacities for the current data, to avoid regrowth.
    t.services.reserve(512);
    t.keys.reserve(3_000);
    t.resource_types.reserve(2_500);
    t.actions.reserve(24_000);
    t.action_resource_types.reserve(24_000);
    t.refs.reserve(24_000);
    for (index, line) in lines {
        let n = index + 1;
        let mut fields = split_byte(line, b'\t');
        let tag = fields.next().unwrap_or("");
        let mut field = |what: &str| {
            fields
                .next()
                .ok_or_else(|| err(n, format!("missing {what}")))
        };
        match tag {
            "v" => {
                t.version = field("version")?;
                t.updated_at = field("date")?;
            }
            "u" => {
                let prefix = field("prefix")?;
                t.unassociated.push((prefix, field("services")?));
            }
            "s" => {
                let prefix = field("prefix")?;
                let name = field("name")?;
                t.services.push(ServiceRec {
                    prefix,
                    name,
                    keys: Run {
                        start: len(&t.keys),
                        len: 0,
                    },
                    resource_types: Run {
                        start: len(&t.resource_types),
                        len: 0,
                    },
                    actions: Run {
                        start: len(&t.actions),
                        len: 0,
                    },
                });
            }
            "k" => {
                let service = current(&t, n)?;
                let name = field("key")?;
                let code = field("type")?;
                let ty = KeyType::from_code(code)
                    .ok_or_else(|| err(n, format!("unknown type code `{code}`")))?;
                t.keys.push(KeyRec { name, ty, service });
                bump(&mut t.services, |s| &mut s.keys);
            }
            "r" => {
                let service = current(&t, n)?;
                let name = field("name")?;
                let arns = field("arn")?;
                let keys = push_refs(&mut t, service, field("keys")?, b',', n)?;
                t.resource_types.push(ResourceTypeRec {
                    name,
                    arns,
                    keys,
                    service,
                });
                bump(&mut t.services, |s| &mut s.resource_types);
            }
            "a" => {
                let service = current(&t, n)?;
                let name = field("name")?;
                let code = field("access")?;
                let access = AccessLevels::from_codes(code)
                    .ok_or_else(|| err(n, format!("unknown access level `{code}`")))?;
                let rts = field("resource types")?;
                let keys = field("keys")?;
                let resource_types = push_action_resource_types(&mut t, service, rts, n)?;
                let keys = push_refs(&mut t, service, keys, b',', n)?;
                t.actions.push(ActionRec {
                    name,
                    access,
                    resource_types,
                    keys,
                    service,
                });
                bump(&mut t.services, |s| &mut s.actions);
            }
            "" => {}
            other => return Err(err(n, format!("unknown record `{other}`"))),
        }
    }
    Ok(t)
}

/// A decimal index (ASCII digits only, no sign), or `None`.
fn read_index(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u32, |n, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(u32::from(digit))
    })
}

fn err(line: usize, message: String) -> CatalogError {
    CatalogError { line, message }
}

fn len<T>(v: &[T]) -> u32 {
    u32::try_from(v.len()).unwrap_or(u32::MAX)
}

fn current(t: &Tables, n: usize) -> Result<u32, CatalogError> {
    t.services
        .len()
        .checked_sub(1)
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .ok_or_else(|| err(n, "record before the first service".into()))
}

/// Counts one more record in the current service's run.
fn bump(services: &mut [ServiceRec], run: impl Fn(&mut ServiceRec) -> &mut Run) {
    if let Some(s) = services.last_mut() {
        run(s).len += 1;
    }
}

/// Appends service-local key indices (`3,7`) to `refs` as global indices.
fn push_refs(
    t: &mut Tables,
    service: u32,
    list: &str,
    sep: u8,
    n: usize,
) -> Result<Run, CatalogError> {
    let start = len(&t.refs);
    let keys = t
        .services
        .get(service as usize)
        .map(|s| s.keys)
        .unwrap_or_default();
    for item in split_byte(list, sep).filter(|s| !s.is_empty()) {
        let local = read_index(item).ok_or_else(|| err(n, format!("bad key index `{item}`")))?;
        if local >= keys.len {
            return Err(err(n, format!("key index {local} out of range")));
        }
        t.refs.push(keys.start + local);
    }
    Ok(Run {
        start,
        len: len(&t.refs) - start,
    })
}

/// Reads `0!,3=1.4` (resource type 0 required; type 3 optional with keys 1 and 4).
fn push_action_resource_types(
    t: &mut Tables,
    service: u32,
    list: &str,
    n: usize,
) -> Result<Run, CatalogError> {
    let start = len(&t.action_resource_types);
    let rts = t
        .services
        .get(service as usize)
        .map(|s| s.resource_types)
        .unwrap_or_default();
    for item in split_byte(list, b',').filter(|s| !s.is_empty()) {
        let mut parts = split_byte(item, b'=');
        let head = parts.next().unwrap_or("");
        let keys = parts.next().unwrap_or("");
        let (index, required) = match head.strip_suffix('!') {
            Some(index) => (index, true),
            None => (head, false),
        };
        let local =
            read_index(index).ok_or_else(|| err(n, format!("bad resource type `{item}`")))?;
        if local >= rts.len {
            return Err(err(n, format!("resource type index {local} out of range")));
        }
        let keys = push_refs(t, service, keys, b'.', n)?;
        t.action_resource_types.push(ActionResourceTypeRec {
            resource_type: rts.start + local,
            required,
            keys,
        });
    }
    Ok(Run {
        start,
        len: len(&t.action_resource_types) - start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_catalog() {
        let text = "iamsim-catalog 1\nv\t1\tdate\ns\tx\tService X\nk\tx:Key\t[S\nr\tthing\tarn:a|arn:b\t0\na\tDo\tTW\t0!=0\t0\n";
        let t = parse(text).expect("valid");
        assert_eq!(t.services.len(), 1);
        assert_eq!(t.actions.len(), 1);
        assert_eq!(t.action_resource_types.len(), 1);
        assert!(t.action_resource_types[0].required);
        assert_eq!(t.refs, vec![0, 0, 0]);
    }

    #[test]
    fn read_index_agrees_with_parse_on_digits() {
        for text in [
            "0",
            "7",
            "42",
            "0042",
            "4294967295",
            "4294967296",
            "",
            "-1",
            "1a",
            " 1",
            "१",
        ] {
            let plain = text.parse::<u32>().ok();
            assert_eq!(read_index(text), plain, "{text:?}");
        }
    }

    #[test]
    fn damaged_text_is_an_error_not_a_panic() {
        for text in [
            "",
            "nope",
            "iamsim-catalog 1\nk\tx\tS",
            "iamsim-catalog 1\ns\tx\tX\nk\tx\tQ",
            "iamsim-catalog 1\ns\tx\tX\na\tDo\tR\t5!\t",
            "iamsim-catalog 1\ns\tx\tX\na\tDo\tR\t\t9",
            "iamsim-catalog 1\ns\tx\tX\na\tDo",
            "iamsim-catalog 1\nz\t1",
        ] {
            assert!(parse(text).is_err(), "{text:?}");
        }
    }
}

//! A sentence of an explanation kept as its parts: most notes are a fixed phrase, or a fixed
//! phrase around one text of the request (its action or resource) that every statement's note
//! repeats. Keeping the parts instead of a `String` saves an allocation, a copy and a `free` per
//! note; the request's text is shared (`Arc<str>`, one allocation per evaluation).
//!
//! A `Note` is serialized, displayed and compared as the one string it spells.

use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub enum Note {
    /// A whole sentence: a fixed phrase (borrowed) or one assembled for this note (owned).
    Text(Cow<'static, str>),
    /// A whole fixed sentence of ours that JSON escapes nothing in: the writer copies it
    /// without a scan.
    Plain(&'static str),
    /// `before`, then a shared text of the request, then `after`.
    Around {
        before: &'static str,
        text: SharedText,
        after: &'static str,
    },
}

/// A text of the request that many notes name, shared, and scanned once for bytes JSON escapes
/// (the writer copies a plain one as it is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedText {
    text: Arc<str>,
    plain: bool,
}

impl Default for SharedText {
    /// The empty text, which JSON escapes nothing in.
    fn default() -> SharedText {
        SharedText {
            text: Arc::default(),
            plain: true,
        }
    }
}

impl SharedText {
    pub fn new(text: &str) -> SharedText {
        SharedText {
            text: Arc::from(text),
            plain: !needs_escape(text),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether JSON escapes none of its bytes.
    pub fn is_plain(&self) -> bool {
        self.plain
    }
}

/// A text of the request that the trace's notes name: shared when the notes are kept (the
/// owned result), only borrowed when they are written straight out (no allocation), checked
/// once for bytes JSON escapes either way.
#[derive(Clone, Debug)]
pub enum NamedText<'a> {
    Shared(SharedText),
    Borrowed {
        text: &'a str,
        /// Whether JSON escapes none of its bytes.
        plain: bool,
    },
}

impl<'a> NamedText<'a> {
    /// `text` borrowed, scanned once for bytes to escape.
    pub fn borrowed(text: &'a str) -> NamedText<'a> {
        NamedText::Borrowed {
            text,
            plain: !needs_escape(text),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            NamedText::Shared(text) => text.as_str(),
            NamedText::Borrowed { text, .. } => text,
        }
    }

    /// Whether JSON escapes none of its bytes.
    pub fn is_plain(&self) -> bool {
        match self {
            NamedText::Shared(text) => text.is_plain(),
            NamedText::Borrowed { plain, .. } => *plain,
        }
    }

    /// The text as a note keeps it: the shared one, or a copy of a borrowed one.
    pub fn shared(&self) -> SharedText {
        match self {
            NamedText::Shared(text) => text.clone(),
            NamedText::Borrowed { text, plain } => SharedText {
                text: Arc::from(*text),
                plain: *plain,
            },
        }
    }
}

impl Note {
    /// A fixed phrase, without an allocation.
    pub const fn fixed(text: &'static str) -> Note {
        Note::Text(Cow::Borrowed(text))
    }

    /// `before` + `text` + `after`, sharing `text`.
    pub fn around(before: &'static str, text: &SharedText, after: &'static str) -> Note {
        debug_assert!(
            !needs_escape(before) && !needs_escape(after),
            "the JSON writer copies a note's fixed phrases as they are"
        );
        Note::Around {
            before,
            text: text.clone(),
            after,
        }
    }

    /// A fixed sentence of ours, without an allocation; copied as it is by the JSON writer.
    pub fn plain(text: &'static str) -> Note {
        debug_assert!(
            !needs_escape(text),
            "the JSON writer copies a plain note as it is"
        );
        Note::Plain(text)
    }

    /// The pieces the note spells, in order (empty ones included).
    pub fn parts(&self) -> [&str; 3] {
        match self {
            Note::Text(text) => [text, "", ""],
            Note::Plain(text) => [text, "", ""],
            Note::Around {
                before,
                text,
                after,
            } => [before, text.as_str(), after],
        }
    }

    /// Whether the spelled string contains `needle` (for tests and searches, not hot paths).
    pub fn contains(&self, needle: &str) -> bool {
        self.to_string().contains(needle)
    }

    pub fn is_empty(&self) -> bool {
        self.parts().iter().all(|p| p.is_empty())
    }

    /// The note as one owned string, appending `tail` (for notes with extra clauses).
    pub fn into_string_with(self, tail: &str) -> String {
        let parts = self.parts();
        let mut out =
            String::with_capacity(parts.iter().map(|p| p.len()).sum::<usize>() + tail.len());
        for part in parts {
            out.push_str(part);
        }
        out.push_str(tail);
        out
    }
}

/// Calls `$then!` with every templated note of an element's trace: its name, the fixed phrase
/// before the request's text (its action or resource) and the one after. One table for the
/// notes ([`AroundNote`]) and for the JSON writer's runs around their text.
macro_rules! around_notes {
    ($then:ident) => {
        $then! {
            ActionMatches: "`", "` matches (actions compare case-insensitively)";
            NoActionMatches: "no listed action matches `", "`";
            ActionExcluded: "`", "` is excluded by NotAction";
            ActionNotExcluded: "`", "` matches none of the excluded actions, so NotAction covers it (M3)";
            ResourceMatches: "`", "` matches";
            NoResourceMatches: "no listed resource matches `", "`";
            ResourceExcluded: "`", "` is excluded by NotResource";
            ResourceNotExcluded: "`", "` matches none of the excluded resources";
        }
    };
}
pub(crate) use around_notes;

macro_rules! define_around_notes {
    ($($name:ident: $before:literal, $after:literal;)*) => {
        /// A note made of fixed phrases around one text of the request (see [`around_notes`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) enum AroundNote {
            $($name),*
        }

        impl AroundNote {
            /// Every templated note, for tests.
            #[cfg(test)]
            pub const ALL: &'static [AroundNote] = &[$(AroundNote::$name),*];

            /// The phrase before the request's text.
            pub const fn before(self) -> &'static str {
                match self {
                    $(AroundNote::$name => $before),*
                }
            }

            /// The phrase after the request's text.
            pub const fn after(self) -> &'static str {
                match self {
                    $(AroundNote::$name => $after),*
                }
            }
        }
    };
}
around_notes!(define_around_notes);

impl AroundNote {
    /// The note around `text`.
    pub fn note(self, text: &NamedText) -> Note {
        Note::around(self.before(), &text.shared(), self.after())
    }
}

/// Where a sentence of an explanation is spelled: an owned `String` (the result the web app
/// keeps), or a JSON string being written (the CLI's output, texts escaped as they are copied).
/// One spelling of each sentence serves both, so they cannot differ.
pub(crate) trait Spell {
    /// A fixed phrase of ours, which JSON escapes nothing in.
    fn fixed(&mut self, phrase: &'static str);
    /// A text from the input or a whole fixed sentence (a name, a Sid, the action).
    fn text(&mut self, text: &str);
    /// A text from the input already known to hold no byte JSON escapes.
    fn plain(&mut self, text: &str);
    /// A number in decimal.
    fn number(&mut self, n: usize);
}

impl Spell for String {
    fn fixed(&mut self, phrase: &'static str) {
        self.push_str(phrase);
    }

    fn text(&mut self, text: &str) {
        self.push_str(text);
    }

    fn plain(&mut self, text: &str) {
        self.push_str(text);
    }

    fn number(&mut self, n: usize) {
        self.push_str(&crate::concat::decimal(n));
    }
}

/// Whether JSON would escape a byte of `text` (a quote, a backslash or a control character).
pub(crate) fn needs_escape(text: &str) -> bool {
    !crate::json::escape::is_plain(text.as_bytes())
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.parts().iter().try_for_each(|p| f.write_str(p))
    }
}

/// Equal when they spell the same string, however they are held.
impl PartialEq for Note {
    fn eq(&self, other: &Note) -> bool {
        let bytes = |n: &Note| -> Vec<u8> { n.parts().iter().flat_map(|p| p.bytes()).collect() };
        bytes(self) == bytes(other)
    }
}

impl Eq for Note {}

impl PartialEq<str> for Note {
    fn eq(&self, other: &str) -> bool {
        let [a, b, c] = self.parts();
        a.len() + b.len() + c.len() == other.len()
            && other.get(..a.len()) == Some(a)
            && other.get(a.len()..a.len() + b.len()) == Some(b)
            && other.get(a.len() + b.len()..) == Some(c)
    }
}

impl From<String> for Note {
    fn from(text: String) -> Note {
        Note::Text(Cow::Owned(text))
    }
}

impl From<&'static str> for Note {
    fn from(text: &'static str) -> Note {
        Note::fixed(text)
    }
}

impl Serialize for Note {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Note::Text(text) => serializer.serialize_str(text),
            Note::Plain(text) => serializer.serialize_str(text),
            Note::Around { .. } => serializer.collect_str(self),
        }
    }
}

/// Serializes a shared text as the string it is (serde's own `Arc` support needs its `rc`
/// feature).
pub fn shared_str<S: Serializer>(text: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

/// Serializes shared texts as a list of strings.
pub fn shared_strs<S: Serializer>(texts: &[Arc<str>], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(texts.iter().map(|text| &**text))
}

/// Serializes a shared optional text of the policy (a Sid, a pattern) as the string it is, as serde
/// does an `Option<String>` (serde's own `Arc` support needs its `rc` feature).
pub fn shared_text<S: Serializer>(
    text: &Option<Arc<str>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match text {
        Some(text) => serializer.serialize_some(&**text),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vec<(Note, String)> {
        let texts = [
            "",
            "ecr:PutImage",
            "a\"b\\c\nd\u{1}é",
            "arn:aws:s3:::bucket/*",
        ]
        .map(SharedText::new);
        let mut out = vec![
            (Note::fixed(""), String::new()),
            (Note::fixed("plain"), "plain".to_string()),
            (Note::plain("a b"), "a b".to_string()),
            (Note::plain(""), String::new()),
            (Note::from("q\"uote\\".to_string()), "q\"uote\\".to_string()),
        ];
        for text in &texts {
            for (before, after) in [("", ""), ("`", "` matches"), ("no `", "")] {
                out.push((
                    Note::around(before, text, after),
                    format!("{before}{}{after}", text.as_str()),
                ));
            }
        }
        out
    }

    /// A note displays, serializes and compares as the string it spells, whatever its form.
    #[test]
    fn notes_display_serialize_and_compare_as_their_string() {
        let vocabulary = vocabulary();
        for (note, text) in &vocabulary {
            assert_eq!(&note.to_string(), text);
            assert_eq!(
                serde_json::to_string(note).ok(),
                serde_json::to_string(text).ok()
            );
            assert_eq!(note.is_empty(), text.is_empty());
            assert!(*note == **text);
            assert_eq!(note.clone().into_string_with("; x"), format!("{text}; x"));
            for (other, other_text) in &vocabulary {
                assert_eq!(note == other, text == other_text);
                assert_eq!(*note == **other_text, text == other_text);
            }
            assert_eq!(note, &Note::from(text.clone()));
        }
    }
}

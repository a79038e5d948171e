//! Small value types of the catalog: condition-key types and access levels.

use crate::policy::OperatorClass;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The type of a condition key's value(s), as AWS documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ValueType {
    String,
    #[serde(rename = "ARN")]
    Arn,
    Numeric,
    Date,
    Bool,
    #[serde(rename = "IPAddress")]
    IpAddress,
    Binary,
}

impl ValueType {
    /// AWS's spelling (`ARN`, `IPAddress`, …).
    pub fn name(self) -> &'static str {
        match self {
            ValueType::String => "String",
            ValueType::Arn => "ARN",
            ValueType::Numeric => "Numeric",
            ValueType::Date => "Date",
            ValueType::Bool => "Bool",
            ValueType::IpAddress => "IPAddress",
            ValueType::Binary => "Binary",
        }
    }

    fn from_code(code: u8) -> Option<ValueType> {
        Some(match code {
            b'S' => ValueType::String,
            b'A' => ValueType::Arn,
            b'N' => ValueType::Numeric,
            b'D' => ValueType::Date,
            b'B' => ValueType::Bool,
            b'I' => ValueType::IpAddress,
            b'Y' => ValueType::Binary,
            _ => return None,
        })
    }

    /// Whether an operator of `class` reads values of this type faithfully. String operators on
    /// ARN keys are common and work (they compare the text), so they are accepted; `Null` tests
    /// presence and fits every type.
    pub fn accepts(self, class: OperatorClass) -> bool {
        match class {
            OperatorClass::Null => true,
            OperatorClass::String => matches!(self, ValueType::String | ValueType::Arn),
            OperatorClass::Arn => self == ValueType::Arn,
            OperatorClass::Numeric => self == ValueType::Numeric,
            OperatorClass::Date => self == ValueType::Date,
            OperatorClass::Bool => self == ValueType::Bool,
            OperatorClass::Ip => self == ValueType::IpAddress,
            OperatorClass::Binary => self == ValueType::Binary,
        }
    }
}

/// A condition key's type: the value type and whether the request carries a set of values
/// (`ArrayOf…`, C16).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KeyType {
    pub value: ValueType,
    pub multi: bool,
}

impl KeyType {
    pub const fn single(value: ValueType) -> Self {
        KeyType {
            value,
            multi: false,
        }
    }

    pub const fn multi(value: ValueType) -> Self {
        KeyType { value, multi: true }
    }

    /// Reads the generated file's code: `S`, `[S` (ArrayOfString), `A`, …
    pub(crate) fn from_code(code: &str) -> Option<KeyType> {
        match code.as_bytes() {
            [b'[', c] => ValueType::from_code(*c).map(KeyType::multi),
            [c] => ValueType::from_code(*c).map(KeyType::single),
            _ => None,
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.multi {
            f.write_str("ArrayOf")?;
        }
        f.write_str(self.value.name())
    }
}

/// The access level AWS assigns an action. Some actions carry two (e.g. Tagging and Write).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    #[serde(rename = "Permissions management")]
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    fn from_code(code: u8) -> Option<AccessLevel> {
        Some(match code {
            b'L' => AccessLevel::List,
            b'R' => AccessLevel::Read,
            b'W' => AccessLevel::Write,
            b'P' => AccessLevel::PermissionsManagement,
            b'T' => AccessLevel::Tagging,
            _ => return None,
        })
    }
}

/// A set of access levels (a bit set: actions have one or two).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AccessLevels(u8);

impl AccessLevels {
    pub(crate) const NONE: AccessLevels = AccessLevels(0);

    pub(crate) fn from_codes(codes: &[u8]) -> Option<AccessLevels> {
        codes
            .iter()
            .try_fold(AccessLevels::default(), |levels, &code| {
                levels.with_code(code)
            })
    }

    /// These levels and the one of the generated file's `code` (`R`, `W`, `L`, `T`, `P`).
    pub(crate) fn with_code(self, code: u8) -> Option<AccessLevels> {
        Some(AccessLevels(self.0 | AccessLevel::from_code(code)?.bit()))
    }

    pub fn contains(self, level: AccessLevel) -> bool {
        self.0 & level.bit() != 0
    }

    pub fn iter(self) -> impl Iterator<Item = AccessLevel> {
        AccessLevel::ALL
            .into_iter()
            .filter(move |l| self.contains(*l))
    }
}

impl fmt::Display for AccessLevels {
    /// Levels joined with ", " in the order List, Read, Write, Permissions management, Tagging.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, level) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(level.name())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_type_codes() {
        assert_eq!(
            KeyType::from_code("[S"),
            Some(KeyType::multi(ValueType::String))
        );
        assert_eq!(
            KeyType::from_code("I"),
            Some(KeyType::single(ValueType::IpAddress))
        );
        assert_eq!(KeyType::from_code("X"), None);
        assert_eq!(KeyType::from_code(""), None);
        assert_eq!(KeyType::multi(ValueType::Arn).to_string(), "ArrayOfARN");
    }

    #[test]
    fn access_levels_display_in_fixed_order() {
        let levels = AccessLevels::from_codes(b"TW").expect("valid codes");
        assert_eq!(levels.to_string(), "Write, Tagging");
        assert!(AccessLevels::from_codes(b"Z").is_none());
    }
}

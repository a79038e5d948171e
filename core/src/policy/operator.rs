//! Condition operators (C4–C15): a base operator, an optional `ForAllValues:`/`ForAnyValue:`
//! qualifier and an optional `IfExists` suffix.

use crate::suggest::closest;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The family of an operator: decides how values are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OperatorClass {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

impl BaseOperator {
    pub const ALL: [BaseOperator; 27] = [
        BaseOperator::StringEquals,
        BaseOperator::StringNotEquals,
        BaseOperator::StringEqualsIgnoreCase,
        BaseOperator::StringNotEqualsIgnoreCase,
        BaseOperator::StringLike,
        BaseOperator::StringNotLike,
        BaseOperator::NumericEquals,
        BaseOperator::NumericNotEquals,
        BaseOperator::NumericLessThan,
        BaseOperator::NumericLessThanEquals,
        BaseOperator::NumericGreaterThan,
        BaseOperator::NumericGreaterThanEquals,
        BaseOperator::DateEquals,
        BaseOperator::DateNotEquals,
        BaseOperator::DateLessThan,
        BaseOperator::DateLessThanEquals,
        BaseOperator::DateGreaterThan,
        BaseOperator::DateGreaterThanEquals,
        BaseOperator::Bool,
        BaseOperator::BinaryEquals,
        BaseOperator::IpAddress,
        BaseOperator::NotIpAddress,
        BaseOperator::ArnEquals,
        BaseOperator::ArnLike,
        BaseOperator::ArnNotEquals,
        BaseOperator::ArnNotLike,
        BaseOperator::Null,
    ];

    pub fn name(self) -> &'static str {
        use BaseOperator::*;
        match self {
            StringEquals => "StringEquals",
            StringNotEquals => "StringNotEquals",
            StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            StringLike => "StringLike",
            StringNotLike => "StringNotLike",
            NumericEquals => "NumericEquals",
            NumericNotEquals => "NumericNotEquals",
            NumericLessThan => "NumericLessThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThan => "NumericGreaterThan",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            DateEquals => "DateEquals",
            DateNotEquals => "DateNotEquals",
            DateLessThan => "DateLessThan",
            DateLessThanEquals => "DateLessThanEquals",
            DateGreaterThan => "DateGreaterThan",
            DateGreaterThanEquals => "DateGreaterThanEquals",
            Bool => "Bool",
            BinaryEquals => "BinaryEquals",
            IpAddress => "IpAddress",
            NotIpAddress => "NotIpAddress",
            ArnEquals => "ArnEquals",
            ArnLike => "ArnLike",
            ArnNotEquals => "ArnNotEquals",
            ArnNotLike => "ArnNotLike",
            Null => "Null",
        }
    }

    pub fn class(self) -> OperatorClass {
        use BaseOperator::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => OperatorClass::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => OperatorClass::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => OperatorClass::Date,
            Bool => OperatorClass::Bool,
            BinaryEquals => OperatorClass::Binary,
            IpAddress | NotIpAddress => OperatorClass::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => OperatorClass::Arn,
            Null => OperatorClass::Null,
        }
    }

    /// The negated operators combine their values with NOR (C1) and are true on a missing key (C3).
    pub fn is_negated(self) -> bool {
        use BaseOperator::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    /// Whether `${…}` in the policy values is substituted (V2; Bool per Q3).
    pub fn accepts_variables(self) -> bool {
        matches!(
            self.class(),
            OperatorClass::String | OperatorClass::Arn | OperatorClass::Bool
        )
    }
}

/// `text` without `suffix` at its end, the suffix compared ignoring ASCII case.
fn strip_suffix_ignore_ascii_case<'t>(text: &'t str, suffix: &str) -> Option<&'t str> {
    let cut = text.len().checked_sub(suffix.len())?;
    let tail = text.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| text.get(..cut))
        .flatten()
}

impl BaseOperator {
    /// The base operator spelled `text` in any ASCII case. No two names have the same length and
    /// first letter, so those two pick the one name to compare (no list walk, no lowercase copy).
    fn parse(text: &str) -> Option<BaseOperator> {
        use BaseOperator::*;
        let candidate = match (text.len(), text.bytes().next()?.to_ascii_lowercase()) {
            (4, b'b') => Bool,
            (4, b'n') => Null,
            (7, b'a') => ArnLike,
            (9, b'a') => ArnEquals,
            (9, b'i') => IpAddress,
            (10, b'a') => ArnNotLike,
            (10, b'd') => DateEquals,
            (10, b's') => StringLike,
            (12, b'a') => ArnNotEquals,
            (12, b'b') => BinaryEquals,
            (12, b'd') => DateLessThan,
            (12, b'n') => NotIpAddress,
            (12, b's') => StringEquals,
            (13, b'd') => DateNotEquals,
            (13, b'n') => NumericEquals,
            (13, b's') => StringNotLike,
            (15, b'd') => DateGreaterThan,
            (15, b'n') => NumericLessThan,
            (15, b's') => StringNotEquals,
            (16, b'n') => NumericNotEquals,
            (18, b'd') => DateLessThanEquals,
            (18, b'n') => NumericGreaterThan,
            (21, b'd') => DateGreaterThanEquals,
            (21, b'n') => NumericLessThanEquals,
            (22, b's') => StringEqualsIgnoreCase,
            (24, b'n') => NumericGreaterThanEquals,
            (25, b's') => StringNotEqualsIgnoreCase,
            _ => return None,
        };
        // As documented is the rule: one comparison of the bytes before the case-blind one.
        let name = candidate.name();
        (name == text || name.eq_ignore_ascii_case(text)).then_some(candidate)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SetQualifier {
    ForAllValues,
    ForAnyValue,
}

impl SetQualifier {
    pub fn name(self) -> &'static str {
        match self {
            SetQualifier::ForAllValues => "ForAllValues",
            SetQualifier::ForAnyValue => "ForAnyValue",
        }
    }
}

/// A full condition operator such as `ForAnyValue:StringLikeIfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Operator {
    pub set: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

/// Why an operator name could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorError {
    pub message: String,
    /// The closest valid spelling, for "did you mean".
    pub suggestion: Option<String>,
}

impl Operator {
    pub fn plain(base: BaseOperator) -> Self {
        Operator {
            set: None,
            base,
            if_exists: false,
        }
    }

    /// Reads an operator name. Matching is case-insensitive (Q6: be lenient, canonicalize);
    /// `canonical()` gives the documented spelling.
    pub fn parse(text: &str) -> Result<Operator, OperatorError> {
        // Most operators are a bare name: no base name has a colon or ends in `IfExists`, so a
        // text that is one is that operator, without looking for a qualifier or the suffix.
        if let Some(base) = BaseOperator::parse(text) {
            return Ok(Operator::plain(base));
        }
        let colon = text.bytes().position(|b| b == b':');
        let split = colon.and_then(|at| Some((text.get(..at)?, text.get(at + 1..)?)));
        let (set, rest) = match split {
            Some((prefix, rest)) => {
                let set = if prefix.eq_ignore_ascii_case("ForAllValues") {
                    SetQualifier::ForAllValues
                } else if prefix.eq_ignore_ascii_case("ForAnyValue") {
                    SetQualifier::ForAnyValue
                } else {
                    let suggestion = closest(prefix, ["ForAllValues", "ForAnyValue"])
                        .map(|q| format!("{q}:{rest}"));
                    return Err(OperatorError {
                        message: format!(
                            "`{prefix}` is not a set qualifier: use `ForAllValues` or `ForAnyValue`"
                        ),
                        suggestion,
                    });
                };
                (Some(set), rest)
            }
            None => (None, text),
        };
        let (base_text, if_exists) = match strip_suffix_ignore_ascii_case(rest, "IfExists") {
            Some(stem) => (stem, true),
            None => (rest, false),
        };
        let base = BaseOperator::parse(base_text);
        match base {
            Some(BaseOperator::Null) if if_exists => Err(OperatorError {
                message:
                    "`NullIfExists` is not an operator: `Null` already tests whether the key exists"
                        .into(),
                suggestion: Some("Null".into()),
            }),
            Some(base) => Ok(Operator {
                set,
                base,
                if_exists,
            }),
            None => {
                let names = BaseOperator::ALL.iter().flat_map(|op| {
                    let with = if *op == BaseOperator::Null {
                        None
                    } else {
                        Some(format!("{}IfExists", op.name()))
                    };
                    std::iter::once(op.name().to_string()).chain(with)
                });
                let names: Vec<String> = names.collect();
                let suggestion =
                    closest(rest, names.iter().map(String::as_str)).map(|s| match set {
                        Some(q) => format!("{}:{s}", q.name()),
                        None => s.to_string(),
                    });
                Err(OperatorError {
                    message: format!("`{text}` is not a condition operator"),
                    suggestion,
                })
            }
        }
    }

    /// The documented spelling, e.g. `ForAnyValue:StringLikeIfExists`.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        if let Some(set) = self.set {
            out.push_str(set.name());
            out.push(':');
        }
        out.push_str(self.base.name());
        if self.if_exists {
            out.push_str("IfExists");
        }
        out
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qualified_if_exists_operators() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists").expect("valid operator");
        assert_eq!(op.set, Some(SetQualifier::ForAnyValue));
        assert_eq!(op.base, BaseOperator::StringLike);
        assert!(op.if_exists);
        assert_eq!(op.canonical(), "ForAnyValue:StringLikeIfExists");
    }

    #[test]
    fn suggests_near_misses() {
        let err = Operator::parse("StringEqual").expect_err("misspelled");
        assert_eq!(err.suggestion.as_deref(), Some("StringEquals"));
        let err = Operator::parse("ForAllValue:StringLike").expect_err("misspelled qualifier");
        assert_eq!(err.suggestion.as_deref(), Some("ForAllValues:StringLike"));
    }

    /// The plain reading: the list of every base operator walked with a lowercase copy.
    fn parse_by_list(text: &str) -> Option<(Option<SetQualifier>, BaseOperator, bool)> {
        let (set, rest) = match text.split_once(':') {
            Some((p, rest)) if p.eq_ignore_ascii_case("ForAllValues") => {
                (Some(SetQualifier::ForAllValues), rest)
            }
            Some((p, rest)) if p.eq_ignore_ascii_case("ForAnyValue") => {
                (Some(SetQualifier::ForAnyValue), rest)
            }
            Some(_) => return None,
            None => (None, text),
        };
        let lower = rest.to_ascii_lowercase();
        let (stem, if_exists) = match lower.strip_suffix("ifexists") {
            Some(stem) => (stem, true),
            None => (lower.as_str(), false),
        };
        let base = BaseOperator::ALL
            .into_iter()
            .find(|op| op.name().eq_ignore_ascii_case(stem))?;
        (!(base == BaseOperator::Null && if_exists)).then_some((set, base, if_exists))
    }

    #[test]
    fn c4_direct_parse_agrees_with_a_list_walk() {
        let mut texts = vec![
            String::new(),
            ":".into(),
            "IfExists".into(),
            "ifexists".into(),
            "ForAnyValue:".into(),
            "StringEqualsé".into(),
            "éStringEquals".into(),
            "StringEqualsIfExistsIfExists".into(),
            "ForAnyValue:ForAllValues:StringLike".into(),
            "Stringequal".into(),
        ];
        for op in BaseOperator::ALL {
            let name = op.name();
            // Same length and first letter, another word: must not be taken for `op`.
            let mut near = name.to_string();
            near.replace_range(name.len() - 1.., "x");
            for variant in [
                name.to_string(),
                name.to_ascii_lowercase(),
                name.to_ascii_uppercase(),
                near,
                name[..name.len() - 1].to_string(),
                format!("{name}s"),
            ] {
                for prefix in ["", "ForAllValues:", "forANYvalue:", "ForSomeValues:"] {
                    for suffix in ["", "IfExists", "IFEXISTS", "IfExist"] {
                        texts.push(format!("{prefix}{variant}{suffix}"));
                    }
                }
            }
        }
        let mut found = 0;
        for text in &texts {
            let direct = Operator::parse(text)
                .ok()
                .map(|op| (op.set, op.base, op.if_exists));
            assert_eq!(direct, parse_by_list(text), "{text:?}");
            found += usize::from(direct.is_some());
        }
        assert!(found > 500, "only {found} operators read");
    }

    #[test]
    fn null_has_no_if_exists_form() {
        assert!(Operator::parse("NullIfExists").is_err());
        assert!(Operator::parse("Null").is_ok());
    }
}

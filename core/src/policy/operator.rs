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
        let (set, rest) = match text.split_once(':') {
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
        let lower = rest.to_ascii_lowercase();
        let (base_text, if_exists) = match lower.strip_suffix("ifexists") {
            Some(stem) => (stem, true),
            None => (lower.as_str(), false),
        };
        let base = BaseOperator::ALL
            .iter()
            .copied()
            .find(|op| op.name().eq_ignore_ascii_case(base_text));
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

    #[test]
    fn null_has_no_if_exists_form() {
        assert!(Operator::parse("NullIfExists").is_err());
        assert!(Operator::parse("Null").is_ok());
    }
}

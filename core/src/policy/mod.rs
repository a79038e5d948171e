//! The IAM policy language: the model, condition operators, parsing and validation.

pub mod model;
pub mod operator;
pub mod parse;
pub mod policy_type;
pub mod validate;

pub use model::*;
pub use operator::{BaseOperator, Operator, OperatorClass, SetQualifier};
pub use parse::{parse_policy, parse_policy_value, ParsedPolicy, PolicyText};
pub use policy_type::{PolicyType, ResourceKind, UnknownPolicyType};
pub use validate::{validate, validate_compiled};

//! The IAM policy language: the model, condition operators, parsing and validation.

pub mod model;
pub mod operator;

pub use model::*;
pub use operator::{BaseOperator, Operator, OperatorClass, SetQualifier};

//! Matching of statement elements against a request: wildcards, actions, ARNs and resources,
//! principals, policy variables, and the statement-level API the evaluator calls.

pub mod action;
pub mod arn;
pub(crate) mod cache;
pub mod prepared;
pub mod principal;
pub(crate) mod small_list;
pub mod statement;
pub mod variables;
pub mod wildcard;

pub use prepared::MatchTarget;
pub use principal::{PrincipalMatchKind, RequestPrincipal};
pub use statement::{
    Applies, CompiledPolicy, CompiledStatement, ElementTrace, ExplainTexts, MatchOptions,
    PreparedMatch, Request, StatementTrace,
};
pub use wildcard::glob_match;

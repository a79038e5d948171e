//! # iamsim-core
//!
//! AWS IAM policy language and authorization decision, in pure Rust, for native and wasm32.

pub mod catalog;
pub mod condition;
pub mod context;
pub mod diagnostic;
pub mod eval;
pub mod json;
pub mod matching;
pub mod policy;
pub mod scenario;
pub mod span;
pub mod suggest;

pub use context::{ContextValue, RequestContext};
pub use diagnostic::{Diagnostic, Severity};
pub use span::{Position, Span, Spanned};

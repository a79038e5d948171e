//! # iamsim-core
//!
//! AWS IAM's authorization decision in pure Rust, for native targets and wasm32: the policy
//! language (parse with positions, validate by policy type), matching of every element, the
//! decision across identity, resource, boundary, session, SCP, RCP and VPC endpoint policies,
//! its explanation, the AWS service catalog, and the scenario format.
//!
//! Parse a policy, match one statement, then decide a whole scenario:
//!
//! ```
//! use iamsim_core::matching::{CompiledPolicy, MatchOptions, Request, RequestPrincipal};
//! use iamsim_core::policy::parse_policy;
//! use iamsim_core::RequestContext;
//!
//! let parsed = parse_policy(r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "PushWeb",
//!     "Effect": "Allow",
//!     "Action": ["ecr:PutImage", "ecr:Batch*"],
//!     "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/web"
//!   }]
//! }"#);
//! assert!(parsed.diagnostics.iter().all(|d| !d.is_error()));
//! let policy = parsed.policy.expect("a policy");
//! let compiled = CompiledPolicy::compile(&policy);
//! let statement = &compiled.statements()[0];
//!
//! let principal = RequestPrincipal::parse("arn:aws:iam::111122223333:user/alice").expect("an ARN");
//! let context = RequestContext::new();
//! let request = Request {
//!     principal: &principal,
//!     action: "ecr:PutImage",
//!     resource: "arn:aws:ecr:us-east-1:111122223333:repository/web",
//!     context: &context,
//! };
//! assert!(statement.applies(&request, MatchOptions::default()).is_some());
//! // The statement's span points into the text, for editors.
//! assert_eq!(statement.span().start.line, 3);
//!
//! // A whole scenario: the same policy, and a Deny in a service control policy.
//! let scenario: iamsim_core::scenario::Scenario = serde_json::from_str(r#"{
//!   "format": "iamsim/scenario@1",
//!   "policies": {
//!     "identity": [{ "name": "PushWeb", "document": {
//!       "Version": "2012-10-17",
//!       "Statement": [{ "Effect": "Allow", "Action": "ecr:*", "Resource": "*" }] } }],
//!     "scp": [[{ "name": "NoPush", "document": {
//!       "Version": "2012-10-17",
//!       "Statement": [{ "Effect": "Allow", "Action": "*", "Resource": "*" },
//!                     { "Effect": "Deny", "Action": "ecr:PutImage", "Resource": "*" }] } }]]
//!   },
//!   "request": {
//!     "principal": "arn:aws:iam::111122223333:user/alice",
//!     "action": "ecr:PutImage",
//!     "resource": "arn:aws:ecr:us-east-1:111122223333:repository/web"
//!   }
//! }"#).expect("a scenario");
//! let result = iamsim_core::scenario::simulate(&scenario, &Default::default());
//! assert_eq!(result.decision, iamsim_core::eval::Decision::ExplicitDeny);
//! assert_eq!(result.reasons[0].policy, "NoPush");
//! ```

pub mod bytes;
pub mod catalog;
mod concat;
pub mod condition;
pub mod context;
pub mod diagnostic;
pub mod eval;
pub mod json;
pub mod matching;
pub mod note;
pub mod policy;
pub mod scenario;
pub mod span;
pub mod suggest;

pub use context::{ContextValue, RequestContext, Text};
pub use diagnostic::{Diagnostic, Severity};
pub use span::{Position, Span, Spanned};

//! A request ready to evaluate: principal read, context typed and derived, accounts settled.

use super::context::{
    arn_account_and_region, derive_context_in_region, typed_context, DerivedKeys,
};
use super::flow::PrincipalClass;
use super::principal::{class_of, facts_of};
use crate::bytes::{contains_any, find_byte, trim};
use crate::context::{DerivedText, RequestContext, Text};
use crate::diagnostic::Diagnostic;
use crate::matching::{MatchTarget, Request, RequestPrincipal};
use crate::scenario::RequestSpec;
use std::borrow::Cow;

/// Settings that do not belong to the scenario.
#[derive(Clone, Copy, Debug, Default)]
pub struct EvalOptions {
    /// The current time, for `aws:CurrentTime` and `aws:EpochTime` when the context does not
    /// give them. Core never reads the clock itself (there is none in wasm32-unknown-unknown).
    pub now_epoch_seconds: Option<i64>,
}

const INVALID_ACTION: &str = "invalid-request-action";

#[derive(Clone, Debug)]
pub struct PreparedRequest {
    pub principal: RequestPrincipal,
    pub class: PrincipalClass,
    pub action: String,
    pub resource: String,
    pub resource_account: Option<Text>,
    pub context: RequestContext,
    /// Context keys filled by `deriveContext`.
    pub derived: DerivedKeys,
    /// Problems with the request itself; an `Error` here makes the request unevaluable.
    pub diagnostics: Vec<Diagnostic>,
    /// Assumptions made, said plainly in the result.
    pub notes: Vec<String>,
    /// The action folded and the resource split as an ARN, once for every decision.
    pub target: MatchTarget,
}

/// `service:Action` without wildcards: a colon, and no `*` or `?` (word-at-a-time scans).
fn is_action_shaped(action: &str) -> bool {
    let bytes = action.as_bytes();
    find_byte(bytes, b':').is_some() && !contains_any(bytes, b"*?")
}

impl PreparedRequest {
    pub fn prepare(spec: &RequestSpec, options: &EvalOptions) -> PreparedRequest {
        let mut request = PreparedRequest {
            // Made by `set_action`, which every change of the action goes through.
            target: MatchTarget::default(),
            class: PrincipalClass::Anonymous,
            principal: RequestPrincipal::Anonymous,
            // Sized once: `set_action` copies into it.
            action: String::with_capacity(spec.action.len()),
            resource: String::new(),
            resource_account: None,
            context: RequestContext::new(),
            derived: DerivedKeys::default(),
            diagnostics: Vec::new(),
            notes: Vec::new(),
        };
        request.prepare_in_place(spec, options);
        request
    }

    /// As [`Self::prepare`], in the place of a request prepared before, whose buffers (the
    /// action, the resource, the folded action, the lists) are filled again instead of
    /// allocated: a worker that evaluates many requests keeps one.
    pub fn prepare_in_place(&mut self, spec: &RequestSpec, options: &EvalOptions) {
        self.diagnostics.clear();
        self.notes.clear();
        let spells_arn;
        (self.principal, spells_arn) = match RequestPrincipal::parse_spelling(&spec.principal) {
            Ok(read) => read,
            Err(message) => {
                self.diagnostics
                    .push(Diagnostic::error("invalid-principal", message, None));
                (RequestPrincipal::Anonymous, false)
            }
        };
        self.class = class_of(&self.principal);
        self.resource.clear();
        self.resource.push_str(trim(&spec.resource));
        if self.resource.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(
                    "invalid-request-resource",
                    "the request has no resource",
                    None,
                )
                .with_fix("write the resource ARN, or `*` for an action without a resource type"),
            );
        }
        self.resource_account = None;
        self.context.clear();
        self.derived = DerivedKeys::default();
        // First, so that the account and region are read from the resource the target split.
        // Its diagnostic goes after the principal's wherever it is made.
        self.set_action(&spec.action);
        let (arn_account, region) =
            arn_account_and_region(&self.resource, self.target.resource_region_and_account());
        // Shared with `aws:ResourceAccount`; the principal's own text when it is the same.
        let own = self.principal.account_text();
        let resource_account = spec
            .resource_account
            .as_deref()
            .filter(|a| !a.is_empty())
            .map(Text::shared)
            .or_else(|| {
                arn_account.map(|a| match own {
                    Some(own) if *own == *a => own.clone(),
                    _ => Text::shared(a),
                })
            })
            .or_else(|| {
                let own = own.cloned();
                if own.is_some() && self.resource != "*" {
                    self.notes.push(
                        "the resource's account is not given and its ARN names none: assumed to be the principal's account"
                            .into(),
                    );
                }
                own
            });
        // No context given (the usual case): the empty one stays, not built again.
        if !spec.context.is_empty() {
            self.context = typed_context(&spec.context, &mut self.diagnostics);
        }
        self.resource_account = resource_account;
        if spec.derives_context() {
            self.derived = derive_context_in_region(
                &mut self.context,
                facts_of(&self.principal, &spec.principal, spells_arn),
                region,
                self.resource_account.as_ref().map(DerivedText::from),
                options.now_epoch_seconds,
            );
        }
    }

    /// Replaces the action, keeping everything else: nothing else in a prepared request depends
    /// on it, so a matrix prepares one request per resource and only swaps actions.
    pub fn set_action(&mut self, action: &str) {
        let action = trim(action);
        self.action.clear();
        self.action.push_str(action);
        self.target.remake(&self.action, &self.resource);
        self.diagnostics.retain(|d| d.code != INVALID_ACTION);
        if !is_action_shaped(action) {
            // Listed where `prepare` reads it: after the principal, before the resource.
            let at = self
                .diagnostics
                .iter()
                .take_while(|d| d.code == "invalid-principal")
                .count();
            self.diagnostics.insert(
                at,
                Diagnostic::error(
                    INVALID_ACTION,
                    format!("`{action}` is not an action: write `service:ActionName`, without wildcards"),
                    None,
                )
                .with_fix("for example `ecr:PutImage`"),
            );
        }
    }

    /// The action ASCII-lowercased: the match target's folded action, made once (folded here
    /// only for a non-ASCII action, which the target does not fold).
    pub fn action_lower(&self) -> Cow<'_, str> {
        match self.target.action_folded() {
            Some(folded) => Cow::Borrowed(folded),
            None => Cow::Owned(self.action.to_ascii_lowercase()),
        }
    }

    pub fn as_request(&self) -> Request<'_> {
        Request {
            principal: &self.principal,
            action: &self.action,
            resource: &self.resource,
            context: &self.context,
        }
    }

    /// Same account when both are known and equal; an unknown side counts as the same account
    /// (an action without a resource acts in the caller's own account).
    pub fn same_account(&self) -> bool {
        match (self.principal.account(), self.resource_account.as_deref()) {
            (Some(p), Some(r)) => p == r,
            _ => true,
        }
    }

    /// A request with an unreadable principal, action or resource cannot be evaluated: it is
    /// denied (fail closed) and the diagnostics say why.
    pub fn is_malformed(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.is_error() && d.code != "invalid-context-value")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass check reads actions as `contains` does.
    #[test]
    fn action_shape_agrees_with_contains() {
        for action in [
            "ecr:PutImage",
            "ecr:Put*",
            "ecr:Put?mage",
            "*",
            "ecr",
            "",
            ":",
            "*:x",
            "é:ü",
            "a:b:c",
            "ecr:BatchGetImage",
            "ecr:BatchGetImag*",
            "ecr:Batch?etImage",
            "ecrBatchGetImage",
            "ecrBatchGetImage:",
            "*ecr:BatchGetImage",
            "ecr:DescribeImageScanFindings",
            "ecr:DescribeImageScanFinding*",
            "ecr:DescribeImage*canFindings",
        ] {
            let plain = action.contains(':') && !action.contains(['*', '?']);
            assert_eq!(is_action_shaped(action), plain, "{action}");
        }
    }

    /// The lowercase action is the action ASCII-lowercased, ASCII or not, after every change.
    #[test]
    fn action_lower_is_the_action_lowercased() {
        let spec = RequestSpec {
            principal: "111122223333".into(),
            action: " STS:AssumeRole ".into(),
            resource: "*".into(),
            ..Default::default()
        };
        let mut request = PreparedRequest::prepare(&spec, &EvalOptions::default());
        assert_eq!(request.action_lower(), "sts:assumerole");
        for action in [
            "s3:GetObject",
            "S3:ÉTAT",
            "ecr:PutImage",
            "",
            "ß:X",
            "sts:TagSession",
        ] {
            request.set_action(action);
            assert_eq!(
                request.action_lower(),
                action.to_ascii_lowercase(),
                "{action}"
            );
        }
    }

    /// A request prepared in the place of others is the request prepared fresh, whatever came
    /// before it: principals of every kind and unreadable ones, resources with and without an
    /// ARN (and the same resource again), given context keys, derivation on and off, notes and
    /// diagnostics.
    #[test]
    fn requests_prepared_in_place_are_fresh_ones() {
        let context: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(r#"{"aws:SourceIp": "203.0.113.7", "aws:username": "given"}"#)
                .unwrap_or_default();
        let mut specs = Vec::new();
        for principal in [
            "arn:aws:iam::111122223333:user/dev/alice",
            "arn:aws:sts::111122223333:assumed-role/ci/s",
            "arn:aws:sts::111122223333:federated-user/bob",
            "arn:aws:iam::444455556666:role/aws-service-role/x",
            "111122223333",
            "codebuild.amazonaws.com",
            "anonymous",
            "not a principal",
        ] {
            for (action, resource) in [
                (
                    "ecr:PutImage",
                    "arn:aws:ecr:us-east-1:111122223333:repository/web",
                ),
                (
                    "ecr:PutImage",
                    "arn:aws:ecr:us-east-1:111122223333:repository/web",
                ),
                ("S3:GetObject", "ARN:aws:s3:::b/k"),
                ("ecr:Put*", "*"),
                ("ß:X", ""),
                ("sts:AssumeRole", "arn:aws:iam::444455556666:role/r"),
            ] {
                for with_context in [false, true] {
                    specs.push(RequestSpec {
                        principal: principal.into(),
                        action: action.into(),
                        resource: resource.into(),
                        context: if with_context {
                            context.clone()
                        } else {
                            Default::default()
                        },
                        // Derived keys off once, to be emptied by the next request.
                        derive_context: (principal == "111122223333").then_some(false),
                        ..Default::default()
                    });
                }
            }
        }
        let options = EvalOptions {
            now_epoch_seconds: Some(1_796_000_508),
        };
        let mut kept = PreparedRequest::prepare(&specs[0], &options);
        for spec in specs.iter().chain(specs.iter().rev()) {
            kept.prepare_in_place(spec, &options);
            let fresh = PreparedRequest::prepare(spec, &options);
            assert_eq!(format!("{kept:?}"), format!("{fresh:?}"), "{spec:?}");
        }
    }
}

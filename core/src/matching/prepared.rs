//! A request read once for many statements: the action folded and its service, the resource
//! split as an ARN with its head (partition, service, region, account) folded. [`MatchTarget`]
//! owns what can be worked out once per request (the web app decides the same request many
//! times); [`PreparedMatch`] borrows it for one decision.

use super::arn::Arn;
use super::statement::Request;
use crate::context::key_hash;

/// The owned, once-per-request part (see [`PreparedMatch::with_target`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchTarget {
    /// The action ASCII-lowercased, when it is ASCII.
    action_folded: Option<String>,
    /// Where the folded action's service ends (its first colon).
    service_len: Option<usize>,
    /// The action and resource it was made from (a guard against a mismatch).
    source: (String, String),
    /// The resource read as an ARN.
    arn: Option<ArnParts>,
}

/// The request ARN's parts, copied once so that each decision borrows them without slicing.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ArnParts {
    /// Partition, service, region, account and resource, as written.
    parts: [String; 5],
    /// Partition, service, region and account ASCII-lowercased, when they are ASCII.
    head_folded: Option<[String; 4]>,
}

impl MatchTarget {
    pub fn new(action: &str, resource: &str) -> MatchTarget {
        let arn = Arn::parse(resource).map(|a| {
            let head = [a.partition, a.service, a.region, a.account];
            ArnParts {
                parts: [a.partition, a.service, a.region, a.account, a.resource]
                    .map(str::to_string),
                head_folded: head
                    .iter()
                    .all(|p| p.is_ascii())
                    .then(|| head.map(str::to_ascii_lowercase)),
            }
        });
        let action_folded = action.is_ascii().then(|| action.to_ascii_lowercase());
        MatchTarget {
            service_len: action_folded.as_deref().and_then(|a| a.find(':')),
            action_folded,
            source: (action.to_string(), resource.to_string()),
            arn,
        }
    }
}

/// A request with what every statement would otherwise work out again. Build it once per
/// decision and ask every statement with `CompiledStatement::applies_to`.
#[derive(Clone, Copy, Debug)]
pub struct PreparedMatch<'a> {
    pub request: Request<'a>,
    /// The action ASCII-lowercased, when it is ASCII (`None`: fold while comparing).
    pub(super) action_folded: Option<&'a str>,
    /// The folded action's service prefix.
    pub(super) service: Option<&'a str>,
    /// `key_hash` of `service` (0 without one), for `StatementIndex::candidates`.
    service_hash: u64,
    pub(super) arn: Option<Arn<'a>>,
    /// The ARN's partition, service, region and account, ASCII-lowercased (`None`: fold while
    /// comparing).
    pub(super) head_folded: Option<[&'a str; 4]>,
}

impl<'a> PreparedMatch<'a> {
    /// `action_lower`: the request action ASCII-lowercased, if the caller has it.
    pub fn new(request: Request<'a>, action_lower: Option<&'a str>) -> Self {
        let action_folded = action_lower.filter(|a| {
            a.is_ascii()
                && a.len() == request.action.len()
                && a.eq_ignore_ascii_case(request.action)
        });
        let service = service_of(action_folded);
        PreparedMatch {
            request,
            action_folded,
            service,
            service_hash: service.map_or(0, key_hash),
            arn: Arn::parse(request.resource),
            head_folded: None,
        }
    }

    /// As [`Self::new`], from a target made once for this request's action and resource
    /// ([`MatchTarget::new`]); a target made for another request is not used.
    pub fn with_target(request: Request<'a>, target: &'a MatchTarget) -> Self {
        if target.source.0 != request.action || target.source.1 != request.resource {
            return Self::new(request, None);
        }
        let action_folded = target.action_folded.as_deref();
        let (arn, head_folded) = match &target.arn {
            Some(ArnParts {
                parts: [partition, service, region, account, resource],
                head_folded,
            }) => (
                Some(Arn {
                    partition,
                    service,
                    region,
                    account,
                    resource,
                }),
                head_folded
                    .as_ref()
                    .map(|[p, s, r, a]| [p.as_str(), s.as_str(), r.as_str(), a.as_str()]),
            ),
            None => (None, None),
        };
        let service = action_folded
            .zip(target.service_len)
            .and_then(|(a, n)| a.get(..n));
        PreparedMatch {
            request,
            action_folded,
            service,
            service_hash: service.map_or(0, key_hash),
            arn,
            head_folded,
        }
    }
}

impl PreparedMatch<'_> {
    /// The request action's service, lowercase, when the action is ASCII.
    pub fn service(&self) -> Option<&str> {
        self.service
    }

    /// The service with its `key_hash`, when there is one.
    pub fn service_hashed(&self) -> Option<(u64, &str)> {
        self.service.map(|s| (self.service_hash, s))
    }
}

fn service_of(action_folded: Option<&str>) -> Option<&str> {
    action_folded
        .and_then(|a| a.split_once(':'))
        .map(|(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::RequestContext;
    use crate::matching::RequestPrincipal;

    #[test]
    fn a_target_is_used_only_for_the_request_it_was_made_for() {
        let principal = RequestPrincipal::Anonymous;
        let context = RequestContext::new();
        let request = |action, resource| Request {
            principal: &principal,
            action,
            resource,
            context: &context,
        };
        let target = MatchTarget::new("S3:GetObject", "ARN:aws:s3:::b/k");
        let same = PreparedMatch::with_target(request("S3:GetObject", "ARN:aws:s3:::b/k"), &target);
        assert_eq!(same.service(), Some("s3"));
        assert_eq!(same.head_folded, Some(["aws", "s3", "", ""]));
        assert_eq!(same.arn, Arn::parse("ARN:aws:s3:::b/k"));
        // Same lengths, another request: read afresh, nothing taken from the target.
        let other =
            PreparedMatch::with_target(request("s3:PutObject", "arn:aws:s3:::b/x"), &target);
        assert_eq!(other.service(), None);
        assert_eq!(other.head_folded, None);
        assert_eq!(other.arn.map(|a| a.resource), Some("b/x"));
    }
}

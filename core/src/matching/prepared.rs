//! A request read once for many statements: the action folded and its service, the resource
//! split as an ARN with its head (partition, service, region, account) folded. [`MatchTarget`]
//! owns what can be worked out once per request (the web app decides the same request many
//! times); [`PreparedMatch`] borrows it for one decision.

use super::arn::{Arn, FoldedHead};
use super::statement::Request;
use crate::bytes::{find_byte, has_ascii_uppercase, positions};
use crate::context::key_hash;
use crate::note::needs_escape;

/// The owned, once-per-request part (see [`PreparedMatch::with_target`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchTarget {
    /// The action ASCII-lowercased, when it is ASCII.
    action_folded: Option<String>,
    /// Where the folded action's service ends (its first colon).
    service_len: Option<usize>,
    /// `key_hash` of that service (0 without one).
    service_hash: u64,
    /// The resource it was made from (a guard against a mismatch); the ARN's parts are ranges
    /// of it. A buffer filled again for each request (no allocation); the owned explanation's
    /// notes get a shared copy ([`Self::shared_resource`]). The action is not kept: all the
    /// target holds of it is `action_folded`.
    resource: String,
    /// Whether JSON escapes none of `resource`'s bytes (read once per resource).
    resource_plain: bool,
    /// The resource read as an ARN.
    arn: Option<ArnParts>,
}

/// Where the request ARN's parts are in the resource text, so that each decision borrows them
/// without splitting again.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ArnParts {
    /// Byte ranges of partition, service, region, account and resource in the resource text.
    parts: [(usize, usize); 5],
    /// Partition, service, region and account ASCII-lowercased, when they are ASCII.
    head_folded: Option<HeadFolded>,
}

impl ArnParts {
    /// The parts as slices of `resource`, the text they were found in.
    fn arn<'a>(&self, resource: &'a str) -> Arn<'a> {
        let [partition, service, region, account, resource] = self
            .parts
            .map(|(start, end)| resource.get(start..end).unwrap_or(""));
        Arn {
            partition,
            service,
            region,
            account,
            resource,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum HeadFolded {
    /// Already lowercase as written: the parts themselves.
    AsWritten,
    /// The resource text up to its fifth colon, lowercased: the same ranges apply.
    Lowered(String),
}

/// Where `Arn::parse` cuts `resource`: partition, service, region, account and resource as
/// byte ranges, read off the first five colons after an `arn` in any case (the slices
/// `Arn::parse` cuts would only be measured again).
fn arn_ranges(resource: &str) -> Option<[(usize, usize); 5]> {
    let ([a, b, c, d, e], 5) = positions::<5>(resource.as_bytes(), b':') else {
        return None;
    };
    let first = resource.as_bytes().get(..a)?;
    first.eq_ignore_ascii_case(b"arn").then_some([
        (a + 1, b),
        (b + 1, c),
        (c + 1, d),
        (d + 1, e),
        (e + 1, resource.len()),
    ])
}

/// `resource` read as an ARN: its parts' ranges and its head folded.
fn arn_parts(resource: &str) -> Option<ArnParts> {
    arn_ranges(resource).map(|parts| {
        let head = resource.get(..parts[4].0).unwrap_or("");
        // Both tests a word at a time.
        let head_folded = if !head.is_ascii() {
            None
        } else if has_ascii_uppercase(head.as_bytes()) {
            Some(HeadFolded::Lowered(head.to_ascii_lowercase()))
        } else {
            Some(HeadFolded::AsWritten)
        };
        ArnParts { parts, head_folded }
    })
}

impl Default for MatchTarget {
    /// The target of the empty resource, no action folded yet.
    fn default() -> MatchTarget {
        MatchTarget {
            action_folded: None,
            service_len: None,
            service_hash: 0,
            resource: String::new(),
            // The empty text, which JSON escapes nothing in.
            resource_plain: true,
            arn: None,
        }
    }
}

impl MatchTarget {
    pub fn new(action: &str, resource: &str) -> MatchTarget {
        let mut target = MatchTarget {
            service_len: None,
            service_hash: 0,
            action_folded: None,
            resource: resource.to_string(),
            resource_plain: !needs_escape(resource),
            arn: arn_parts(resource),
        };
        target.fold_action(action);
        target
    }

    /// As [`Self::new`] in place, keeping the folded action's buffer and, when the resource
    /// is the same, the resource's text and its parts (a request prepared again in the same
    /// place, or its action swapped).
    pub fn remake(&mut self, action: &str, resource: &str) {
        if self.resource != resource {
            self.resource.clear();
            self.resource.push_str(resource);
            self.resource_plain = !needs_escape(resource);
            self.arn = arn_parts(resource);
        }
        self.fold_action(action);
    }

    /// The action's folded text, its service's length and hash, the buffer reused; all kept
    /// when `action` folds to the text already folded (a worker's kept request is often
    /// prepared again for the same action: the test costs less than the fold).
    fn fold_action(&mut self, action: &str) {
        if self.action_folded.as_ref().is_some_and(|folded| {
            folded.len() == action.len() && folded.eq_ignore_ascii_case(action)
        }) {
            return;
        }
        self.action_folded = action.is_ascii().then(|| {
            let mut folded = self.action_folded.take().unwrap_or_default();
            folded.clear();
            folded.push_str(action);
            folded.make_ascii_lowercase();
            folded
        });
        let folded = self.action_folded.as_deref();
        self.service_len = folded.and_then(|a| find_byte(a.as_bytes(), b':'));
        self.service_hash = folded
            .zip(self.service_len)
            .and_then(|(a, n)| a.get(..n))
            .map_or(0, key_hash);
    }

    /// The action ASCII-lowercased, when it is ASCII.
    pub fn action_folded(&self) -> Option<&str> {
        self.action_folded.as_deref()
    }

    /// The resource read as an ARN, as `Arn::parse` reads it, from the ranges kept (no second
    /// split).
    pub fn resource_arn(&self) -> Option<Arn<'_>> {
        self.arn.as_ref().map(|parts| parts.arn(&self.resource))
    }

    /// The resource ARN's region and account, as [`Self::resource_arn`] reads them, without
    /// cutting the other parts (a request reads these two once, for its derived keys).
    pub fn resource_region_and_account(&self) -> Option<(&str, &str)> {
        let [_, _, (region_start, region_end), (account_start, account_end), _] =
            self.arn.as_ref()?.parts;
        let resource = &self.resource;
        Some((
            resource.get(region_start..region_end)?,
            resource.get(account_start..account_end)?,
        ))
    }

    /// Whether JSON escapes none of `resource`'s bytes: the target's own test when it was made
    /// for that resource (no scan per explanation), else a fresh one.
    pub fn resource_is_plain(&self, resource: &str) -> bool {
        if self.resource == resource {
            self.resource_plain
        } else {
            !needs_escape(resource)
        }
    }

    /// Whether this target holds what `MatchTarget::new(action, resource)` would: the same
    /// resource, and an action that folds the same (an ASCII action equal up to ASCII case, or
    /// another non-ASCII one, which folds to nothing).
    fn fits(&self, action: &str, resource: &str) -> bool {
        let action_fits = match &self.action_folded {
            // Equal ignoring ASCII case to an ASCII text: ASCII itself.
            Some(folded) => folded.len() == action.len() && folded.eq_ignore_ascii_case(action),
            None => !action.is_ascii(),
        };
        action_fits && self.resource == resource
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
    pub(super) head_folded: Option<FoldedHead<'a>>,
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
        if !target.fits(request.action, request.resource) {
            return Self::new(request, None);
        }
        let action_folded = target.action_folded.as_deref();
        let resource = target.resource.as_str();
        let (arn, head_folded) = match &target.arn {
            Some(arn_parts @ ArnParts { parts, head_folded }) => {
                let arn = arn_parts.arn(resource);
                let head_folded = match head_folded {
                    // Lowercase as written: the head is the parts just read.
                    Some(HeadFolded::AsWritten) => Some(FoldedHead {
                        parts: [arn.partition, arn.service, arn.region, arn.account],
                        as_written: true,
                    }),
                    Some(HeadFolded::Lowered(lowered)) => {
                        let [p, s, r, a, _] = *parts;
                        Some(FoldedHead {
                            parts: [p, s, r, a]
                                .map(|(start, end)| lowered.get(start..end).unwrap_or("")),
                            as_written: false,
                        })
                    }
                    None => None,
                };
                (Some(arn), head_folded)
            }
            None => (None, None),
        };
        let service = action_folded
            .zip(target.service_len)
            .and_then(|(a, n)| a.get(..n));
        PreparedMatch {
            request,
            action_folded,
            service,
            service_hash: if service.is_some() {
                target.service_hash
            } else {
                0
            },
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
    use crate::note::SharedText;

    /// M5, M7, Q6: a target's ARN parts and folded head, kept as ranges, are what reading the
    /// resource afresh gives.
    #[test]
    fn m11_a_target_reads_the_resource_like_a_fresh_split() {
        let principal = RequestPrincipal::Anonymous;
        let context = RequestContext::new();
        for resource in [
            "arn:aws:ecr:us-east-1:111122223333:repository/web",
            "ARN:AWS:ECR:US-East-1:111122223333:repository/Web",
            "arn:aws:s3:::bucket/key:with:colons",
            "arn:aws:logs:us-east-1:1:log-group:app:log-stream:a",
            "arn:äws:s3:::b",
            "arn:aws:s3:::",
            "arn::::::",
            "arn:aws:s3",
            "Arn:aws:s3:::b",
            "arx:aws:s3:::b",
            "arnn:aws:s3:::b",
            ":aws:s3:::b",
            "é:aws:s3:::b",
            "arn:aws:s3:::b/é:ü",
            "arn:aws:s3:::b:",
            "arn:aws:s3::::",
            "arn:a:b:c:d",
            "arn:a:b:c:d:e",
            "*",
            "",
            "not-an-arn",
        ] {
            let request = Request {
                principal: &principal,
                action: "s3:GetObject",
                resource,
                context: &context,
            };
            let target = MatchTarget::new("s3:GetObject", resource);
            let prepared = PreparedMatch::with_target(request, &target);
            let arn = Arn::parse(resource);
            assert_eq!(prepared.arn, arn, "{resource}");
            assert_eq!(target.resource_arn(), arn, "{resource}");
            assert_eq!(
                target.resource_region_and_account(),
                arn.map(|a| (a.region, a.account)),
                "{resource}"
            );
            let folded = arn.map(|a| [a.partition, a.service, a.region, a.account]);
            let folded = folded
                .filter(|head| head.iter().all(|p| p.is_ascii()))
                .map(|head| head.map(str::to_ascii_lowercase));
            assert_eq!(
                prepared.head_folded.map(|h| h.parts.map(str::to_string)),
                folded,
                "{resource}"
            );
            let lowercase_head = resource
                .get(..arn.map_or(0, |a| resource.len() - a.resource.len()))
                .is_some_and(|head| !head.bytes().any(|b| b.is_ascii_uppercase()));
            assert_eq!(
                prepared.head_folded.map(|h| h.as_written),
                folded.map(|_| lowercase_head),
                "{resource}"
            );
        }
    }

    /// A target's escape test of a resource is the one a fresh `SharedText` makes, for the
    /// target's own resource (made fresh, by default or remade in place) and for any other.
    #[test]
    fn a_targets_escape_test_is_a_fresh_texts() {
        let resources = [
            "arn:aws:s3:::b/k",
            "ARN:aws:s3:::b/k",
            "arn:aws:s3:::b/\"q\"",
            "arn:aws:s3:::b/\\x",
            "arn:aws:s3:::b/\u{1}",
            "arn:aws:s3:::b/é",
            "*",
            "",
        ];
        let mut remade = MatchTarget::default();
        for made in resources {
            remade.remake("s3:GetObject", made);
            let fresh = MatchTarget::new("s3:GetObject", made);
            assert_eq!(remade, fresh, "{made}");
            for resource in resources {
                let text = SharedText::new(resource);
                assert_eq!(
                    fresh.resource_is_plain(resource),
                    text.is_plain(),
                    "{made} / {resource}"
                );
            }
        }
        // The default's resource is the empty one: remade for it, it is kept as it is.
        let mut empty = MatchTarget::default();
        empty.remake("", "");
        assert_eq!(empty, MatchTarget::new("", ""));
    }

    /// A target remade in place, whatever it was made for before, is the target made fresh:
    /// actions folded again or kept (the same action in another case, another action of the
    /// same length, non-ASCII ones, empty ones), resources kept or read again.
    #[test]
    fn targets_remade_in_place_are_fresh_ones() {
        let actions = [
            "s3:GetObject",
            "S3:GETOBJECT",
            "s3:getobject",
            "ecr:PutImage",
            "s3:PutObject",
            "s3:GetObjectß",
            "ß3:GetObject",
            "",
            "s3",
        ];
        let resources = ["arn:aws:s3:::b/k", "ARN:AWS:s3:::b/k", "*", ""];
        let pairs: Vec<(&str, &str)> = actions
            .iter()
            .flat_map(|a| resources.map(|r| (*a, r)))
            .collect();
        let mut kept = MatchTarget::default();
        let mut kept_folds = 0;
        // Every pair after every other pair, forwards and backwards.
        for (before, after) in pairs.iter().flat_map(|b| pairs.iter().map(move |a| (b, a))) {
            kept.remake(before.0, before.1);
            let folded_before = kept.action_folded.clone();
            kept.remake(after.0, after.1);
            assert_eq!(
                kept,
                MatchTarget::new(after.0, after.1),
                "{before:?} then {after:?}"
            );
            kept_folds += usize::from(
                folded_before.is_some()
                    && before.0 != after.0
                    && folded_before == kept.action_folded,
            );
        }
        // The fold was kept for an action spelled in another case, so the check can fail.
        assert!(kept_folds > 0);
    }

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
        assert_eq!(
            same.head_folded,
            Some(FoldedHead {
                parts: ["aws", "s3", "", ""],
                as_written: false
            })
        );
        assert_eq!(same.arn, Arn::parse("ARN:aws:s3:::b/k"));
        // Same lengths, another request: read afresh, nothing taken from the target.
        let other =
            PreparedMatch::with_target(request("s3:PutObject", "arn:aws:s3:::b/x"), &target);
        assert_eq!(other.service(), None);
        assert_eq!(other.head_folded, None);
        assert_eq!(other.arn.map(|a| a.resource), Some("b/x"));
    }

    /// A target fits exactly the requests whose own fresh target would be the same: the
    /// prepared match taken from it is then the one a fresh target gives.
    #[test]
    fn a_target_fits_where_a_fresh_one_would_be_equal() {
        let principal = RequestPrincipal::Anonymous;
        let context = RequestContext::new();
        let actions = [
            "s3:GetObject",
            "S3:GETOBJECT",
            "s3:getobject",
            "s3:PutObject",
            "s3:GetObjec",
            "s3:GetObjectß",
            "s3:GetObjectẞ",
            "ß3:GetObject",
            "",
            "s3",
        ];
        let resources = [
            "arn:aws:s3:::b/k",
            "ARN:aws:s3:::b/k",
            "arn:aws:s3:::b/K",
            "*",
        ];
        for (made_action, made_resource) in actions.iter().flat_map(|a| resources.map(|r| (*a, r)))
        {
            let target = MatchTarget::new(made_action, made_resource);
            for (action, resource) in actions.iter().flat_map(|a| resources.map(|r| (*a, r))) {
                let fresh = MatchTarget::new(action, resource);
                let fits = target.fits(action, resource);
                assert_eq!(
                    fits,
                    target.action_folded == fresh.action_folded
                        && target.resource == fresh.resource,
                    "{made_action} {made_resource} / {action} {resource}"
                );
                if fits {
                    assert_eq!(
                        (target.service_len, target.service_hash, &target.arn),
                        (fresh.service_len, fresh.service_hash, &fresh.arn)
                    );
                    let request = Request {
                        principal: &principal,
                        action,
                        resource,
                        context: &context,
                    };
                    let (a, b) = (
                        PreparedMatch::with_target(request, &target),
                        PreparedMatch::with_target(request, &fresh),
                    );
                    assert_eq!(
                        (
                            a.action_folded,
                            a.service,
                            a.service_hash,
                            a.arn,
                            a.head_folded
                        ),
                        (
                            b.action_folded,
                            b.service,
                            b.service_hash,
                            b.arn,
                            b.head_folded
                        )
                    );
                }
            }
        }
    }
}

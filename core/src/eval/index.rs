//! Which statements of a policy a request can match, by the request's service: a statement
//! whose `Action` values all name one service plainly (`s3:Get*`) is never read for a request
//! to another service. Built once per prepared policy, so a decision visits only candidates.

use crate::context::key_hash;
use crate::matching::small_list::SmallList;
use crate::matching::CompiledStatement;
use std::sync::Arc;

/// Positions (in `CompiledPolicy::statements`) of the statements worth reading, ascending, so
/// that matches are met in document order as with a plain scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementIndex {
    /// (`key_hash` of the service, service, the statements naming it or no single service,
    /// `None` when that is `all`, as in most policies): a policy names a few services, so a scan
    /// comparing integers finds one fastest. Most name one, kept without a list of its own.
    by_service: SmallList<(u64, Arc<str>, Option<Vec<usize>>)>,
    /// The statements naming no single service: all a request to an unlisted service can match.
    any_service: Vec<usize>,
    /// Every statement read at all, for a request whose service is not known.
    all: Positions,
}

/// Positions `0..n` of the first statements of a policy: the list of a policy whose every
/// statement is read (the common case), without a list of its own.
const FIRST: [usize; 64] = {
    let mut first = [0; 64];
    let mut i = 0;
    while i < first.len() {
        first[i] = i;
        i += 1;
    }
    first
};

/// Statement positions, ascending.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Positions {
    /// `0..n`, as a part of [`FIRST`] (`n` at most its length).
    First(usize),
    Listed(Vec<usize>),
}

impl Default for Positions {
    fn default() -> Self {
        Positions::First(0)
    }
}

impl Positions {
    fn as_slice(&self) -> &[usize] {
        match self {
            Positions::First(n) => FIRST.get(..*n).unwrap_or_default(),
            Positions::Listed(positions) => positions,
        }
    }
}

impl StatementIndex {
    /// `read`: whether statement `position` is read at all (evaluable, not skipped).
    pub fn new(statements: &[CompiledStatement], read: impl Fn(usize) -> bool) -> StatementIndex {
        let every = statements.len();
        let all = if every <= FIRST.len() && (0..every).all(&read) {
            Positions::First(every)
        } else {
            Positions::Listed((0..every).filter(|&i| read(i)).collect())
        };
        let service_of = |i: usize| {
            statements
                .get(i)
                .and_then(CompiledStatement::shared_service)
        };
        let any_service: Vec<usize> = all
            .as_slice()
            .iter()
            .copied()
            .filter(|&i| service_of(i).is_none())
            .collect();
        // Each service once (a policy names a few), sharing the compiled statement's text.
        let mut by_service: SmallList<(u64, Arc<str>, Option<Vec<usize>>)> = SmallList::default();
        for service in all.as_slice().iter().filter_map(|&i| service_of(i)) {
            if by_service.iter().any(|(_, s, _)| s == service) {
                continue;
            }
            let suits = |i: &usize| service_of(*i).is_none_or(|s| s == service);
            let positions = if all.as_slice().iter().all(suits) {
                None
            } else {
                Some(all.as_slice().iter().copied().filter(suits).collect())
            };
            by_service.push((key_hash(service), Arc::clone(service), positions));
        }
        by_service
            .as_mut_slice()
            .sort_unstable_by(|(_, a, _), (_, b, _)| a.cmp(b));
        StatementIndex {
            by_service,
            any_service,
            all,
        }
    }

    /// The statements a request for `service` (lowercase; `None`: unknown) can match.
    pub fn candidates(&self, service: Option<&str>) -> &[usize] {
        self.candidates_hashed(service.map(|s| (key_hash(s), s)))
    }

    /// As [`Self::candidates`], with the service's `key_hash` worked out once per request.
    pub fn candidates_hashed(&self, service: Option<(u64, &str)>) -> &[usize] {
        let Some((hash, service)) = service else {
            return self.all.as_slice();
        };
        self.by_service
            .iter()
            .find(|(h, s, _)| *h == hash && &**s == service)
            .map_or(&self.any_service, |(_, _, p)| {
                p.as_deref().unwrap_or(self.all.as_slice())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{ContextValue, RequestContext};
    use crate::matching::{
        CompiledPolicy, MatchOptions, MatchTarget, PreparedMatch, Request, RequestPrincipal,
    };

    /// M11: a service's candidates are the statements read that name it or no single service,
    /// whether that is every statement read (kept once) or not, and `all` without a service
    /// (every statement read or not, in policies shorter and longer than [`FIRST`]).
    #[test]
    fn m11_candidates_are_the_statements_naming_the_service_or_none() {
        let policies = [
            r#"[{"Effect": "Allow", "Action": ["ecr:PutImage", "ecr:Batch*"], "Resource": "*"},
                {"Effect": "Deny", "Action": "ecr:Delete*", "Resource": "*"}]"#,
            r#"[{"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]"#,
            r#"[{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
                {"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*"},
                {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}]"#,
            r#"[{"Effect": "Allow", "Action": "*", "Resource": "*"}]"#,
            r#"[]"#,
        ];
        // More statements than the shared list of first positions holds.
        let many = (0..70)
            .map(|i| {
                let service = if i % 3 == 0 { "s3" } else { "ecr" };
                format!(r#"{{"Effect": "Allow", "Action": "{service}:Get*", "Resource": "*"}}"#)
            })
            .collect::<Vec<_>>()
            .join(",");
        let many = format!("[{many}]");
        for statements in policies.into_iter().chain([many.as_str()]) {
            let text = format!(r#"{{"Version": "2012-10-17", "Statement": {statements}}}"#);
            let policy = crate::policy::parse_policy(&text);
            let compiled = CompiledPolicy::compile(policy.policy.as_ref().expect("policy"));
            let statements = compiled.statements();
            for skipped in [None, Some(0)] {
                let read = |i: usize| skipped != Some(i);
                let index = StatementIndex::new(statements, read);
                let all: Vec<usize> = (0..statements.len()).filter(|&i| read(i)).collect();
                assert_eq!(index.candidates(None), all.as_slice(), "{text}");
                for service in ["ecr", "s3", "ec2"] {
                    let plain: Vec<usize> = all
                        .iter()
                        .copied()
                        .filter(|&i| {
                            statements
                                .get(i)
                                .and_then(CompiledStatement::service)
                                .is_none_or(|s| s == service)
                        })
                        .collect();
                    assert_eq!(index.candidates(Some(service)), plain, "{text} {service}");
                }
            }
        }
    }

    /// M1–M8, M11: reading only the indexed candidates, with the request's target made once
    /// (action folded, ARN head folded), finds exactly the statements a plain scan of every
    /// statement with the plain matcher finds, in the same order.
    #[test]
    fn m11_indexed_candidates_find_what_a_plain_scan_finds() {
        let policy = crate::policy::parse_policy(
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::b/*"},
                {"Effect": "Allow", "Action": ["S3:getobject", "s3:Put?bject"], "Resource": "*"},
                {"Effect": "Allow", "Action": ["s3:Get*", "ecr:*"], "Resource": "arn:aws:*:*:*:*"},
                {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::b/secret"},
                {"Effect": "Allow", "Action": "s?:Get*", "Resource": "arn:aws:s3:::*"},
                {"Effect": "Allow", "Action": "ECR:Put*", "Resource": "arn:AWS:ECR:US-*:111122223333:repository/${aws:username}-*"},
                {"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "arn:aws:ecr:us-east-1:*",
                 "Condition": {"StringEquals": {"aws:username": "alice"}}},
                {"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "arn:aws:ecr:us-east-?:1111*:repository/al?ce-*"},
                {"Effect": "Allow", "Action": "ecr:PutImage"},
                {"Action": "ecr:PutImage", "Resource": "*"},
                {"Effect": "Allow", "Action": ["ecr:PutImage", "s3:GetObject"], "Resource": "*"}
            ]}"#,
        );
        let compiled = CompiledPolicy::compile(policy.policy.as_ref().expect("policy"));
        let statements = compiled.statements();
        let skipped = [1usize];
        let index = StatementIndex::new(statements, |i| {
            statements
                .get(i)
                .is_some_and(|s| s.is_evaluable() && !skipped.contains(&i))
        });
        let principal =
            RequestPrincipal::parse("arn:aws:iam::111122223333:user/alice").expect("principal");
        let mut context = RequestContext::new();
        context.insert("aws:username", ContextValue::Single("alice".into()));
        for action in [
            "s3:GetObject",
            "S3:GETOBJECT",
            "s3:PutObject",
            "ecr:PutImage",
            "ECR:putimage",
            "ec2:RunInstances",
            "nocolon",
            "s3:GetObjectK\u{212A}",
        ] {
            for resource in [
                "arn:aws:s3:::b/k",
                "arn:aws:s3:::b/secret",
                "*",
                "arn:aws:ecr:us-east-1:111122223333:repository/alice-web",
                "ARN:AWS:ECR:US-EAST-1:111122223333:repository/alice-web",
                "arn:aws:ecr:us-east-1:111122223333:repository/Alice-web",
                "arn:aws:ecr:eu-west-1:111122223333:repository/x",
                "arn:aws:ecr:us-east-\u{212A}:111122223333:repository/alice-x",
                "not-an-arn",
            ] {
                let req = Request {
                    principal: &principal,
                    action,
                    resource,
                    context: &context,
                };
                let target = MatchTarget::new(action, resource);
                let prepared = PreparedMatch::with_target(req, &target);
                for implicit_resource in [false, true] {
                    let opts = MatchOptions {
                        implicit_resource,
                        ..MatchOptions::default()
                    };
                    let fast: Vec<usize> = index
                        .candidates_hashed(prepared.service_hashed())
                        .iter()
                        .copied()
                        .filter(|&i| {
                            statements
                                .get(i)
                                .and_then(|s| s.applies_to_candidate(&prepared, opts))
                                .is_some()
                        })
                        .collect();
                    let plain: Vec<usize> = statements
                        .iter()
                        .enumerate()
                        .filter(|(i, s)| !skipped.contains(i) && s.applies(&req, opts).is_some())
                        .map(|(i, _)| i)
                        .collect();
                    assert_eq!(fast, plain, "action {action} resource {resource}");
                }
            }
        }
    }
}

//! A request read once for many statements: the action folded and its service, the resource
//! split as an ARN with its head (partition, service, region, account) folded. [`MatchTarget`]
//! owns what can be worked out once per request (the web app decides the same request many
//! times); [`PreparedMatch`] borrows it for one decision.

use super::arn::{split6, Arn};
use super::statement::Request;

/// The owned, once-per-request part (see [`PreparedMatch::with_target`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatchTarget {
    /// The action ASCII-lowercased, when it is ASCII.
    action_folded: Option<String>,
    /// Where the folded action's service ends (its first colon).
    service_len: Option<usize>,
    /// The length of the action and resource it was made from (a guard against a mismatch).
    source_lens: (usize, usize),
    /// The resource read as an ARN: where its first five colons are and, when that part is
    /// ASCII, the text before the fifth colon ASCII-lowercased.
    arn: Option<ArnCuts>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ArnCuts {
    cuts: [usize; 5],
    head_folded: Option<String>,
}

impl MatchTarget {
    pub fn new(action: &str, resource: &str) -> MatchTarget {
        let arn = Arn::parse(resource).and(colon_cuts(resource)).map(|cuts| {
            let head = resource.get(..cuts[4]).filter(|h| h.is_ascii());
            ArnCuts {
                cuts,
                head_folded: head.map(str::to_ascii_lowercase),
            }
        });
        let action_folded = action.is_ascii().then(|| action.to_ascii_lowercase());
        MatchTarget {
            service_len: action_folded.as_deref().and_then(|a| a.find(':')),
            action_folded,
            source_lens: (action.len(), resource.len()),
            arn,
        }
    }
}

/// The positions of the first five colons.
fn colon_cuts(text: &str) -> Option<[usize; 5]> {
    let [a, b, c, d, e, _] = split6(text)?;
    let at = |part: &str| part.as_ptr() as usize - text.as_ptr() as usize + part.len();
    Some([at(a), at(b), at(c), at(d), at(e)])
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
        PreparedMatch {
            request,
            action_folded,
            service: service_of(action_folded),
            arn: Arn::parse(request.resource),
            head_folded: None,
        }
    }

    /// As [`Self::new`], from a target made once for this request's action and resource
    /// ([`MatchTarget::new`]); a target made for another request is not used.
    pub fn with_target(request: Request<'a>, target: &'a MatchTarget) -> Self {
        if target.source_lens != (request.action.len(), request.resource.len()) {
            return Self::new(request, None);
        }
        let action_folded = target.action_folded.as_deref();
        let (arn, head_folded) = match &target.arn {
            Some(a) => (
                arn_at(request.resource, a.cuts),
                a.head_folded
                    .as_deref()
                    .and_then(|h| head_at(h, a.cuts)),
            ),
            None => (None, None),
        };
        PreparedMatch {
            request,
            action_folded,
            service: action_folded.zip(target.service_len).and_then(|(a, n)| a.get(..n)),
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
}

fn service_of(action_folded: Option<&str>) -> Option<&str> {
    action_folded.and_then(|a| a.split_once(':')).map(|(s, _)| s)
}

fn arn_at(text: &str, [a, b, c, d, e]: [usize; 5]) -> Option<Arn<'_>> {
    Some(Arn {
        partition: text.get(a + 1..b)?,
        service: text.get(b + 1..c)?,
        region: text.get(c + 1..d)?,
        account: text.get(d + 1..e)?,
        resource: text.get(e + 1..)?,
    })
}

/// The head's four parts; `head` is the text before the fifth colon.
fn head_at(head: &str, [a, b, c, d, e]: [usize; 5]) -> Option<[&str; 4]> {
    Some([
        head.get(a + 1..b)?,
        head.get(b + 1..c)?,
        head.get(c + 1..d)?,
        head.get(d + 1..e)?,
    ])
}

//! The request principal and how `Principal`/`NotPrincipal` values match it (M9, M10, G9–G11).

use super::arn::split6;
use crate::bytes::find_byte;
use crate::concat::concat;
use crate::context::{DerivedText, LastText, Text};
use crate::policy::{PrincipalEntry, PrincipalKind};
use serde::Serialize;
use std::borrow::Cow;

/// Who makes the request, read from the scenario's `principal` string. The parts are shared
/// texts: the derived context keys (`aws:PrincipalAccount`, `aws:username`, …) hold the same
/// allocations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestPrincipal {
    /// `arn:P:iam::A:user/path/name`.
    User {
        partition: Text,
        account: Text,
        /// Path and name after `user/`, e.g. `dev/alice`.
        path_name: Text,
    },
    /// A bare role ARN `arn:P:iam::A:role/path/name`: a session of that role whose session name
    /// is not known.
    Role {
        partition: Text,
        account: Text,
        path_name: Text,
    },
    /// `arn:P:sts::A:assumed-role/ROLE/SESSION`. The role path is not part of this ARN.
    AssumedRole {
        partition: Text,
        account: Text,
        role: Text,
        session: Text,
    },
    /// `arn:P:sts::A:federated-user/NAME` (a GetFederationToken session).
    FederatedUser {
        partition: Text,
        account: Text,
        name: Text,
    },
    /// `arn:P:iam::A:root` or a bare 12-digit account ID: the account's root user.
    Root { partition: Text, account: Text },
    /// A service principal such as `codebuild.amazonaws.com` (kept as written).
    Service(Text),
    /// An unsigned request.
    Anonymous,
}

/// How a `Principal` value matched (M9); D4 depends on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PrincipalMatchKind {
    /// `"*"`: everyone, including anonymous callers.
    Star,
    /// An account ID or `:root` ARN: delegates to the account's own policies (G10).
    Account,
    /// The exact user, session or federated-user ARN.
    Direct,
    /// A role ARN, the request being one of its sessions.
    Role,
    /// A user ARN, the request being that user's GetFederationToken session.
    FedUser,
    /// The calling service principal.
    Service,
}

impl PrincipalMatchKind {
    /// When several values match, the strongest kind is reported.
    fn rank(self) -> u8 {
        match self {
            PrincipalMatchKind::Direct => 6,
            PrincipalMatchKind::Star => 5,
            PrincipalMatchKind::Service => 4,
            PrincipalMatchKind::FedUser => 3,
            PrincipalMatchKind::Role => 2,
            PrincipalMatchKind::Account => 1,
        }
    }

    /// The stronger of two kinds.
    pub fn max(self, other: PrincipalMatchKind) -> PrincipalMatchKind {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

thread_local! {
    /// The last account a principal named: the requests of a run come from a few accounts.
    static LAST_ACCOUNT: LastText = const { LastText::new() };
}

/// An account ID as a shared text (the principal's and the derived keys' one allocation).
fn account_text(account: &str) -> Text {
    LAST_ACCOUNT.with(|last| last.share(account))
}

/// A partition ASCII-lowercased: AWS's own borrowed, any other copied.
fn partition_text(partition: &str) -> Text {
    // `aws` as written first: nearly every principal names it.
    if partition == "aws" {
        return Text::Static("aws");
    }
    const KNOWN: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];
    match KNOWN
        .iter()
        .find(|known| partition.eq_ignore_ascii_case(known))
    {
        Some(known) => Text::Static(known),
        None => Text::Owned(partition.to_ascii_lowercase()),
    }
}

/// The account and resource of `text` when it starts `arn:aws:iam::` and a 12-digit account:
/// the ARN as [`split6`] would split it, with its other parts as AWS writes them.
fn aws_iam_parts(text: &str) -> Option<(&str, &str)> {
    let (account, rest) = text.strip_prefix("arn:aws:iam::")?.split_at_checked(12)?;
    let resource = rest.strip_prefix(':')?;
    is_account_id(account).then_some((account, resource))
}

/// What follows `prefix` in an ARN's resource, when it names something (not empty, not a path
/// that ends in `/`).
fn named<'a>(resource: &'a str, prefix: &str) -> Option<&'a str> {
    resource
        .strip_prefix(prefix)
        .filter(|rest| !rest.is_empty() && !rest.ends_with('/'))
}

/// The IAM principal an `iam` ARN's resource names (root, a user or a role), with its partition
/// and account from `parts` and whether the text spells its ARN from `spells`, given the
/// partition read.
fn iam_principal(
    resource: &str,
    parts: impl FnOnce() -> (Text, Text),
    spells: impl FnOnce(&Text) -> bool,
) -> Result<(RequestPrincipal, bool), String> {
    if resource == "root" {
        let (partition, account) = parts();
        let spelled = spells(&partition);
        return Ok((RequestPrincipal::Root { partition, account }, spelled));
    }
    let user = named(resource, "user/");
    let Some(path_name) = user.or_else(|| named(resource, "role/")) else {
        return Err(format!(
            "`{resource}` is not a principal: an IAM principal is `root`, `user/NAME` or `role/NAME` (groups cannot be principals)"
        ));
    };
    let (partition, account) = parts();
    let spelled = spells(&partition);
    // Read for JSON escapes once (a short text): it, and the principal ARN spelled as written
    // when every part is plain, are then written without a scan.
    let path_name = Text::shared_checked(path_name);
    let principal = match user {
        Some(_) => RequestPrincipal::User {
            partition,
            account,
            path_name,
        },
        None => RequestPrincipal::Role {
            partition,
            account,
            path_name,
        },
    };
    Ok((principal, spelled))
}

impl RequestPrincipal {
    /// Reads a principal string: an IAM user, role, assumed-role, federated-user or root ARN,
    /// a 12-digit account ID, a service principal, or `anonymous`.
    pub fn parse(text: &str) -> Result<RequestPrincipal, String> {
        Self::parse_spelling(text).map(|(principal, _)| principal)
    }

    /// As [`Self::parse`], with whether `text` (trimmed) spells the principal's
    /// [`Self::principal_arn`] as it is: known from the reading, so the request derives
    /// `aws:PrincipalArn` without comparing the text with the ARN's pieces.
    pub fn parse_spelling(text: &str) -> Result<(RequestPrincipal, bool), String> {
        let text = crate::bytes::trim(text);
        // The usual principal, an IAM ARN of AWS's partition written as AWS writes it, is read
        // without splitting it at every colon: it spells its ARN when it is one.
        match aws_iam_parts(text) {
            Some((account, resource)) => iam_principal(
                resource,
                || (Text::Static("aws"), account_text(account)),
                |_| true,
            ),
            None => Self::parse_split(text),
        }
    }

    /// [`Self::parse_spelling`] of a trimmed text, split at its colons.
    fn parse_split(text: &str) -> Result<(RequestPrincipal, bool), String> {
        if text.eq_ignore_ascii_case("anonymous") {
            return Ok((RequestPrincipal::Anonymous, false));
        }
        if is_account_id(text) {
            return Ok((
                RequestPrincipal::Root {
                    partition: Text::Static("aws"),
                    account: account_text(text),
                },
                false,
            ));
        }
        // A byte search: `contains(':')` costs several times more on a short text.
        if find_byte(text.as_bytes(), b':').is_none() {
            if text.contains('.') && !text.contains(char::is_whitespace) {
                return Ok((RequestPrincipal::Service(Text::shared(text)), false));
            }
            return Err(format!(
                "`{text}` is not a principal: use an IAM or STS ARN, an account ID, a service principal such as `codebuild.amazonaws.com`, or `anonymous`"
            ));
        }
        let Some([arn, partition, service, region, account, resource]) = split6(text) else {
            return Err(format!(
                "`{text}` is not an ARN: expected `arn:partition:service:region:account:resource`"
            ));
        };
        if !arn.eq_ignore_ascii_case("arn") || partition.is_empty() {
            return Err(format!(
                "`{text}` is not an ARN: it must start with `arn:` and a partition"
            ));
        }
        if !is_account_id(account) {
            return Err(format!(
                "`{account}` in `{text}` is not a 12-digit account ID"
            ));
        }
        // Compared in place: lowercasing the service costs an allocation per request.
        let service_is = |name: &str| service.eq_ignore_ascii_case(name);
        // The parts are copied only once the principal is known to be valid.
        let parts = || (partition_text(partition), account_text(account));
        // The ARN's pieces are the text's own parts after a lowercased `arn`, partition and
        // service and an empty region: the text spells the ARN when those were so written
        // (and the principal is not a session, whose ARN is its role's).
        let spells = |partition_read: &Text, service_spelled: &str| {
            arn == "arn"
                && region.is_empty()
                && service == service_spelled
                && **partition_read == *partition
        };
        let named = |prefix: &str| named(resource, prefix);
        // Each named part is read for JSON escapes once (a short text): it, and the principal
        // ARN spelled as written when every part is plain, are then written without a scan.
        let part = Text::shared_checked;
        match service {
            _ if service_is("iam") => {
                iam_principal(resource, parts, |partition| spells(partition, "iam"))
            }
            _ if service_is("sts") => {
                if let Some(rest) = named("assumed-role/") {
                    match rest.split_once('/') {
                        Some((role, session)) if !role.is_empty() && !session.is_empty() => {
                            let (partition, account) = parts();
                            let principal = RequestPrincipal::AssumedRole {
                                partition,
                                account,
                                role: part(role),
                                session: part(session),
                            };
                            Ok((principal, false))
                        }
                        _ => Err(format!(
                            "`{resource}` is not a role session: expected `assumed-role/ROLE/SESSION`"
                        )),
                    }
                } else if let Some(name) = named("federated-user/") {
                    let (partition, account) = parts();
                    let spelled = spells(&partition, "sts");
                    let principal = RequestPrincipal::FederatedUser {
                        partition,
                        account,
                        name: part(name),
                    };
                    Ok((principal, spelled))
                } else {
                    Err(format!(
                        "`{resource}` is not an STS principal: expected `assumed-role/ROLE/SESSION` or `federated-user/NAME`"
                    ))
                }
            }
            other => Err(format!(
                "`{}` principals are not supported: use an `iam` or `sts` ARN",
                other.to_ascii_lowercase()
            )),
        }
    }

    /// The principal's account, when it has one.
    pub fn account(&self) -> Option<&str> {
        self.account_text().map(|account| &**account)
    }

    /// The principal's account as its shared text (the derived keys hold it too).
    pub fn account_text(&self) -> Option<&Text> {
        match self {
            RequestPrincipal::User { account, .. }
            | RequestPrincipal::Role { account, .. }
            | RequestPrincipal::AssumedRole { account, .. }
            | RequestPrincipal::FederatedUser { account, .. }
            | RequestPrincipal::Root { account, .. } => Some(account),
            RequestPrincipal::Service(_) | RequestPrincipal::Anonymous => None,
        }
    }

    fn partition(&self) -> &str {
        match self {
            RequestPrincipal::User { partition, .. }
            | RequestPrincipal::Role { partition, .. }
            | RequestPrincipal::AssumedRole { partition, .. }
            | RequestPrincipal::FederatedUser { partition, .. }
            | RequestPrincipal::Root { partition, .. } => partition,
            RequestPrincipal::Service(_) | RequestPrincipal::Anonymous => "aws",
        }
    }

    /// The ARN AWS reports as `aws:PrincipalArn`: the role ARN for a role session (an
    /// assumed-role ARN does not carry the role path, so a path is kept only when the scenario
    /// gave the role ARN), the root ARN for root. `None` for services and anonymous callers.
    pub fn principal_arn(&self) -> Option<String> {
        // By concatenation: every request derives it (`format!` costs several times more).
        self.principal_arn_pieces().map(|pieces| concat(&pieces))
    }

    /// [`Self::principal_arn`] as a text, borrowed from `written` (the text the principal was
    /// read from) when that already spells it, as a user or role ARN usually does: no copy
    /// instead of six.
    pub fn principal_arn_text<'a>(&self, written: &'a str) -> Option<DerivedText<'a>> {
        let pieces = self.principal_arn_pieces()?;
        let written = crate::bytes::trim(written);
        let mut rest = written;
        let spelled = pieces.iter().all(|piece| match rest.strip_prefix(piece) {
            Some(after) => {
                rest = after;
                true
            }
            None => false,
        }) && rest.is_empty();
        Some(match spelled {
            true => self.spelled_arn_text(written),
            false => DerivedText::owned(concat(&pieces)),
        })
    }

    /// [`Self::principal_arn_text`] for a `written` text [`Self::parse_spelling`] found to
    /// spell the ARN: borrowed without comparing it (`None` for services and anonymous callers).
    pub fn spelled_principal_arn_text<'a>(&self, written: &'a str) -> Option<DerivedText<'a>> {
        match self {
            RequestPrincipal::Service(_) | RequestPrincipal::Anonymous => None,
            _ => Some(self.spelled_arn_text(crate::bytes::trim(written))),
        }
    }

    /// `written` (trimmed), which spells the principal's ARN. Its parts were read for escapes
    /// with the written text: known for the whole.
    fn spelled_arn_text<'a>(&self, written: &'a str) -> DerivedText<'a> {
        DerivedText {
            text: Cow::Borrowed(written),
            plain: self.parts_are_plain(),
        }
    }

    /// Whether JSON escapes none of the principal's parts, known without reading them (a
    /// partition other than AWS's three counts as not known).
    fn parts_are_plain(&self) -> bool {
        let (partition, account, names): (_, _, &[&Text]) = match self {
            RequestPrincipal::User {
                partition,
                account,
                path_name,
            }
            | RequestPrincipal::Role {
                partition,
                account,
                path_name,
            } => (partition, account, &[path_name]),
            RequestPrincipal::AssumedRole {
                partition,
                account,
                role,
                session,
            } => (partition, account, &[role, session]),
            RequestPrincipal::FederatedUser {
                partition,
                account,
                name,
            } => (partition, account, &[name]),
            RequestPrincipal::Root { partition, account } => (partition, account, &[]),
            RequestPrincipal::Service(_) | RequestPrincipal::Anonymous => return false,
        };
        partition.is_plain() && account.is_plain() && names.iter().all(|name| name.is_plain())
    }

    /// The pieces [`Self::principal_arn`] is made of, in order.
    fn principal_arn_pieces(&self) -> Option<[&str; 6]> {
        let p = self.partition();
        match self {
            RequestPrincipal::User {
                account, path_name, ..
            } => Some(["arn:", p, ":iam::", account, ":user/", path_name]),
            RequestPrincipal::Role {
                account, path_name, ..
            } => Some(["arn:", p, ":iam::", account, ":role/", path_name]),
            RequestPrincipal::AssumedRole { account, role, .. } => {
                Some(["arn:", p, ":iam::", account, ":role/", role])
            }
            RequestPrincipal::FederatedUser { account, name, .. } => {
                Some(["arn:", p, ":sts::", account, ":federated-user/", name])
            }
            RequestPrincipal::Root { account, .. } => {
                Some(["arn:", p, ":iam::", account, ":root", ""])
            }
            RequestPrincipal::Service(_) | RequestPrincipal::Anonymous => None,
        }
    }

    /// Whether this is a service-linked role (`role/aws-service-role/…`), exempt from SCPs (D3).
    /// Only known when the scenario gives the role ARN (a session ARN drops the path).
    pub fn is_service_linked_role(&self) -> bool {
        matches!(self, RequestPrincipal::Role { path_name, .. } if path_name.starts_with("aws-service-role/"))
    }

    /// `aws:PrincipalType` (V6). `None` for service principals, which the table does not cover.
    pub fn principal_type(&self) -> Option<&'static str> {
        match self {
            RequestPrincipal::User { .. } => Some("User"),
            RequestPrincipal::Role { .. } | RequestPrincipal::AssumedRole { .. } => {
                Some("AssumedRole")
            }
            RequestPrincipal::FederatedUser { .. } => Some("FederatedUser"),
            RequestPrincipal::Root { .. } => Some("Account"),
            RequestPrincipal::Anonymous => Some("Anonymous"),
            RequestPrincipal::Service(_) => None,
        }
    }

    /// `aws:username`: IAM users only (V6).
    pub fn username(&self) -> Option<&str> {
        match self {
            // The last segment: a byte search from the end (`rsplit` costs several times more).
            RequestPrincipal::User { path_name, .. } => {
                match path_name.as_bytes().iter().rposition(|&b| b == b'/') {
                    Some(at) => path_name.get(at + 1..),
                    None => Some(path_name),
                }
            }
            _ => None,
        }
    }

    /// [`Self::username`] as a text, borrowed: the tail of the path-and-name text, as plain as
    /// that is.
    pub fn username_text(&self) -> Option<DerivedText<'_>> {
        let name = self.username()?;
        let plain = match self {
            RequestPrincipal::User { path_name, .. } => path_name.is_plain(),
            _ => false,
        };
        Some(DerivedText {
            text: Cow::Borrowed(name),
            plain,
        })
    }

    /// `aws:userid` where it follows from the ARN (V6): root → account ID, federated user →
    /// `ACCOUNT:name`, anonymous → `anonymous`. Users and roles need unique IDs we do not know.
    pub fn userid(&self) -> Option<DerivedText<'_>> {
        match self {
            RequestPrincipal::Root { account, .. } => Some(DerivedText::from(account)),
            RequestPrincipal::FederatedUser { account, name, .. } => {
                Some(DerivedText::owned(concat(&[account, ":", name])))
            }
            RequestPrincipal::Anonymous => Some(DerivedText::fixed("anonymous")),
            _ => None,
        }
    }

    /// An IAM user or role (session): the principals a permissions boundary can be attached to.
    pub fn is_iam_user_or_role(&self) -> bool {
        matches!(
            self,
            RequestPrincipal::User { .. }
                | RequestPrincipal::Role { .. }
                | RequestPrincipal::AssumedRole { .. }
        )
    }

    /// A short description for explanations.
    pub fn describe(&self) -> String {
        match self {
            RequestPrincipal::User { path_name, .. } => format!("IAM user `{path_name}`"),
            RequestPrincipal::Role { path_name, .. } => format!("a session of role `{path_name}`"),
            RequestPrincipal::AssumedRole { role, session, .. } => {
                format!("session `{session}` of role `{role}`")
            }
            RequestPrincipal::FederatedUser { name, .. } => format!("federated user `{name}`"),
            RequestPrincipal::Root { account, .. } => format!("the root user of {account}"),
            RequestPrincipal::Service(s) => format!("service `{s}`"),
            RequestPrincipal::Anonymous => "an anonymous caller".into(),
        }
    }

    /// The identities AWS may check one after the other for `NotPrincipal` (M10): the
    /// account, then the user or role, then the session.
    fn chain(&self) -> Vec<Identity<'_>> {
        match self {
            RequestPrincipal::User {
                account: a,
                path_name,
                ..
            } => {
                vec![
                    Identity::Account(a),
                    Identity::User {
                        account: a,
                        path_name,
                    },
                ]
            }
            RequestPrincipal::Role {
                account: a,
                path_name,
                ..
            } => {
                vec![
                    Identity::Account(a),
                    Identity::Role {
                        account: a,
                        path_name: Some(path_name),
                        name: last(path_name),
                    },
                ]
            }
            RequestPrincipal::AssumedRole {
                account: a,
                role,
                session,
                ..
            } => vec![
                Identity::Account(a),
                Identity::Role {
                    account: a,
                    path_name: None,
                    name: role,
                },
                Identity::Session {
                    account: a,
                    role,
                    session,
                },
            ],
            RequestPrincipal::FederatedUser {
                account: a, name, ..
            } => {
                vec![Identity::Account(a), Identity::Fed { account: a, name }]
            }
            RequestPrincipal::Root { account: a, .. } => vec![Identity::Account(a)],
            RequestPrincipal::Service(s) => vec![Identity::Service(s)],
            RequestPrincipal::Anonymous => vec![Identity::Anonymous],
        }
    }

    /// The identity a `Principal` value is compared with (M9).
    /// The last identity of [`Self::chain`], without allocating (the fast path).
    fn leaf(&self) -> Identity<'_> {
        match self {
            RequestPrincipal::User {
                account, path_name, ..
            } => Identity::User { account, path_name },
            RequestPrincipal::Role {
                account, path_name, ..
            } => Identity::Role {
                account,
                path_name: Some(path_name),
                name: last(path_name),
            },
            RequestPrincipal::AssumedRole {
                account,
                role,
                session,
                ..
            } => Identity::Session {
                account,
                role,
                session,
            },
            RequestPrincipal::FederatedUser { account, name, .. } => {
                Identity::Fed { account, name }
            }
            RequestPrincipal::Root { account, .. } => Identity::Account(account),
            RequestPrincipal::Service(s) => Identity::Service(s),
            RequestPrincipal::Anonymous => Identity::Anonymous,
        }
    }
}

fn last(path_name: &str) -> &str {
    path_name.rsplit('/').next().unwrap_or(path_name)
}

/// One identity in a principal's chain.
#[derive(Clone, Copy, Debug)]
enum Identity<'a> {
    Account(&'a str),
    User {
        account: &'a str,
        path_name: &'a str,
    },
    /// `path_name` is unknown for a role reached through a session ARN.
    Role {
        account: &'a str,
        path_name: Option<&'a str>,
        name: &'a str,
    },
    Session {
        account: &'a str,
        role: &'a str,
        session: &'a str,
    },
    Fed {
        account: &'a str,
        name: &'a str,
    },
    Service(&'a str),
    Anonymous,
}

impl Identity<'_> {
    fn account(&self) -> Option<&str> {
        match *self {
            Identity::Account(a)
            | Identity::User { account: a, .. }
            | Identity::Role { account: a, .. }
            | Identity::Session { account: a, .. }
            | Identity::Fed { account: a, .. } => Some(a),
            Identity::Service(_) | Identity::Anonymous => None,
        }
    }
}

/// A compiled `Principal`/`NotPrincipal` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalPattern {
    Star,
    Account {
        account: Text,
    },
    User {
        account: Text,
        path_name: Text,
    },
    Role {
        account: Text,
        path_name: Text,
    },
    Session {
        account: Text,
        role: Text,
        session: Text,
    },
    FedUser {
        account: Text,
        name: Text,
    },
    /// Lowercased service name.
    Service(Text),
    /// `Federated` and `CanonicalUser` values: this simulator has no such request principals.
    Unsupported(String),
    /// A value that can never match, with the reason (e.g. a partial wildcard, G11).
    Invalid(String),
}

impl PrincipalPattern {
    pub fn compile(entry: &PrincipalEntry) -> PrincipalPattern {
        let value = entry.value.value.trim();
        match entry.kind {
            PrincipalKind::Aws => compile_aws(value),
            PrincipalKind::Service if value == "*" => PrincipalPattern::Star,
            PrincipalKind::Service => PrincipalPattern::Service(value.to_ascii_lowercase().into()),
            PrincipalKind::Federated => PrincipalPattern::Unsupported(format!(
                "`Federated` principal `{value}`: web-identity and SAML sessions are not simulated"
            )),
            PrincipalKind::CanonicalUser => PrincipalPattern::Unsupported(format!(
                "`CanonicalUser` principal `{value}`: S3 canonical users are not simulated"
            )),
        }
    }

    /// How this value matches the request principal (M9); `None` when it does not.
    pub fn match_principal(&self, principal: &RequestPrincipal) -> Option<PrincipalMatchKind> {
        self.match_identity(&principal.leaf())
    }

    fn match_identity(&self, id: &Identity<'_>) -> Option<PrincipalMatchKind> {
        use PrincipalMatchKind as K;
        let same = |a: &str, b: &str| a == b;
        match (self, *id) {
            (PrincipalPattern::Star, _) => Some(K::Star),
            // G10: the account ID and its :root ARN both mean the whole account.
            (PrincipalPattern::Account { account }, id) => id
                .account()
                .is_some_and(|a| account == a)
                .then_some(K::Account),
            (
                PrincipalPattern::User { account, path_name },
                Identity::User {
                    account: a,
                    path_name: p,
                },
            ) => {
                // G11: the user name is case-sensitive.
                (same(account, a) && path_name == p).then_some(K::Direct)
            }
            // A user ARN covers the user's GetFederationToken sessions, named after the user.
            (PrincipalPattern::User { account, path_name }, Identity::Fed { account: a, name }) => {
                (same(account, a) && last(path_name) == name).then_some(K::FedUser)
            }
            (
                PrincipalPattern::Role { account, path_name },
                Identity::Role {
                    account: a,
                    path_name: p,
                    name,
                },
            ) => {
                let same_role = match p {
                    Some(p) => path_name == p,
                    None => last(path_name) == name,
                };
                (same(account, a) && same_role).then_some(K::Role)
            }
            (
                PrincipalPattern::Role { account, path_name },
                Identity::Session {
                    account: a, role, ..
                },
            ) => (same(account, a) && last(path_name) == role).then_some(K::Role),
            (
                PrincipalPattern::Session {
                    account,
                    role,
                    session,
                },
                Identity::Session {
                    account: a,
                    role: r,
                    session: s,
                },
            ) => (same(account, a) && role == r && session == s).then_some(K::Direct),
            (
                PrincipalPattern::FedUser { account, name },
                Identity::Fed {
                    account: a,
                    name: n,
                },
            ) => (same(account, a) && name == n).then_some(K::Direct),
            (PrincipalPattern::Service(name), Identity::Service(s)) => {
                s.eq_ignore_ascii_case(name).then_some(K::Service)
            }
            _ => None,
        }
    }

    /// A short text for explanations.
    pub fn note(&self) -> Option<&str> {
        match self {
            PrincipalPattern::Unsupported(n) | PrincipalPattern::Invalid(n) => Some(n),
            _ => None,
        }
    }
}

fn compile_aws(value: &str) -> PrincipalPattern {
    if value == "*" {
        return PrincipalPattern::Star;
    }
    if is_account_id(value) {
        return PrincipalPattern::Account {
            account: account_text(value),
        };
    }
    if value.contains(['*', '?']) {
        return PrincipalPattern::Invalid(format!(
            "`{value}` has a partial wildcard, which `Principal` does not allow (G11): it matches nothing"
        ));
    }
    match RequestPrincipal::parse(value) {
        Ok(RequestPrincipal::Root { account, .. }) => PrincipalPattern::Account { account },
        Ok(RequestPrincipal::User {
            account, path_name, ..
        }) => PrincipalPattern::User { account, path_name },
        Ok(RequestPrincipal::Role {
            account, path_name, ..
        }) => PrincipalPattern::Role { account, path_name },
        Ok(RequestPrincipal::AssumedRole {
            account,
            role,
            session,
            ..
        }) => PrincipalPattern::Session {
            account,
            role,
            session,
        },
        Ok(RequestPrincipal::FederatedUser { account, name, .. }) => {
            PrincipalPattern::FedUser { account, name }
        }
        Ok(RequestPrincipal::Service(_) | RequestPrincipal::Anonymous) | Err(_) => {
            PrincipalPattern::Invalid(format!(
                "`{value}` is not an AWS principal (account ID or IAM/STS ARN): it matches nothing"
            ))
        }
    }
}

/// How a whole `Principal`/`NotPrincipal` element compares with the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalOutcome {
    pub applies: bool,
    /// For `Principal`: the strongest matching kind. For `NotPrincipal`: `Star` when it applies.
    pub kind: Option<PrincipalMatchKind>,
    /// Index of the deciding value, if any.
    pub entry: Option<usize>,
    pub note: String,
}

/// `Principal`: the best kind among the matching values (M9).
pub fn match_principal_list(
    patterns: &[PrincipalPattern],
    principal: &RequestPrincipal,
) -> Option<(PrincipalMatchKind, usize)> {
    let leaf = principal.leaf();
    let mut best: Option<(PrincipalMatchKind, usize)> = None;
    for (i, p) in patterns.iter().enumerate() {
        if let Some(kind) = p.match_identity(&leaf) {
            best = match best {
                Some((b, j)) if b.max(kind) == b => Some((b, j)),
                _ => Some((kind, i)),
            };
            if kind == PrincipalMatchKind::Direct {
                break;
            }
        }
    }
    best
}

/// `NotPrincipal` (M10): applies unless every identity AWS may check for the principal (the
/// account, then the user or role, then the session) is listed. With a Deny, it always applies
/// to an IAM user or role that has a permissions boundary.
pub fn match_not_principal(
    patterns: &[PrincipalPattern],
    principal: &RequestPrincipal,
    deny_with_boundary: bool,
) -> PrincipalOutcome {
    if deny_with_boundary && principal.is_iam_user_or_role() {
        return PrincipalOutcome {
            applies: true,
            kind: Some(PrincipalMatchKind::Star),
            entry: None,
            note: "a Deny with NotPrincipal always applies to an IAM user or role that has a permissions boundary, whatever the list holds (M10)".into(),
        };
    }
    let chain = principal.chain();
    // Each identity of the chain must be listed at its own level: an account value stands for
    // the account-level check only, not for every principal of the account (NP's example
    // `[user/Bob, :root]` still denies the account's other users).
    let listed = |id: &Identity<'_>| {
        patterns.iter().any(|p| match (p, id) {
            (PrincipalPattern::Account { account }, Identity::Account(a)) => account == a,
            (PrincipalPattern::Account { .. }, _) => false,
            (p, id) => p.match_identity(id).is_some(),
        })
    };
    let unlisted = chain.iter().find(|id| !listed(id));
    match unlisted {
        Some(id) => PrincipalOutcome {
            applies: true,
            kind: Some(PrincipalMatchKind::Star),
            entry: None,
            note: if chain.len() > 1 && matches!(id, Identity::Account(_)) {
                "the principal's account is not listed: AWS checks the account first, so list the account too (M10)".into()
            } else {
                format!("{} is not listed", describe_identity(id))
            },
        },
        None => PrincipalOutcome {
            applies: false,
            kind: None,
            entry: None,
            note: format!("{} is excluded by NotPrincipal", principal.describe()),
        },
    }
}

fn describe_identity(id: &Identity<'_>) -> String {
    match id {
        Identity::Account(a) => format!("account {a}"),
        Identity::User { path_name, .. } => format!("user `{path_name}`"),
        Identity::Role { name, .. } => format!("role `{name}`"),
        Identity::Session { session, .. } => format!("session `{session}`"),
        Identity::Fed { name, .. } => format!("federated user `{name}`"),
        Identity::Service(s) => format!("service `{s}`"),
        Identity::Anonymous => "the anonymous caller".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Principal texts of every kind, as AWS writes them and otherwise (case, spaces).
    const PRINCIPALS: [&str; 16] = [
        "arn:aws:iam::111122223333:user/u0",
        "arn:aws:iam::111122223333:user/dev/alice",
        " arn:aws:iam::111122223333:user/u0 ",
        "ARN:AWS:IAM::111122223333:user/u0",
        "arn:aws:IAM::111122223333:user/u0",
        "arn:aws-cn:iam::111122223333:role/team/ci",
        "arn:aws:iam::111122223333:role/aws-service-role/x",
        "arn:aws:sts::111122223333:assumed-role/ci/s-1",
        "arn:aws:sts::111122223333:federated-user/bob",
        "arn:Aws-Us-Gov:sts::111122223333:federated-user/bob",
        "arn:other:iam::111122223333:root",
        "arn:aws:iam:us-east-1:111122223333:user/u0",
        "111122223333",
        "codebuild.amazonaws.com",
        "anonymous",
        "arn:aws:iam::111122223333:user/é/ü",
    ];

    /// The ARN copied from the written text is the one assembled from the parts, whatever the
    /// spelling; shared parts read as the parts.
    #[test]
    fn v6_principal_arn_from_the_written_text_agrees_with_the_parts() {
        for text in PRINCIPALS {
            let principal = RequestPrincipal::parse(text).expect(text);
            let arn = principal.principal_arn();
            assert_eq!(
                principal.principal_arn_text(text).as_deref(),
                arn.as_deref(),
                "{text}"
            );
            assert_eq!(
                principal.username_text().as_deref(),
                principal.username(),
                "{text}"
            );
            assert_eq!(
                principal.account_text().map(|a| &**a),
                principal.account(),
                "{text}"
            );
            // Read twice (the second time with the kept account): the same principal.
            assert_eq!(RequestPrincipal::parse(text).as_ref(), Ok(&principal));
        }
        let user = RequestPrincipal::parse(PRINCIPALS[0]).expect("user");
        // Another text than the one the principal was read from still gives its ARN.
        assert_eq!(
            user.principal_arn_text("arn:aws:iam::111122223333:user/u1")
                .as_deref(),
            Some(PRINCIPALS[0])
        );
        assert_eq!(
            user.principal_arn_text("arn:aws:iam::111122223333:user/u0x")
                .as_deref(),
            Some(PRINCIPALS[0])
        );
    }

    /// Texts read by the `arn:aws:iam::` shortcut are read as splitting them reads them:
    /// the same principal (or error) and the same "spells its ARN".
    #[test]
    fn aws_iam_texts_read_as_split_ones() {
        let mut texts: Vec<String> = PRINCIPALS.iter().map(|t| t.to_string()).collect();
        for account in [
            "111122223333",
            "11112222333",
            "1111222233334",
            "11112222333x",
            "",
        ] {
            for resource in [
                "root",
                "user/u0",
                "user/dev/alice",
                "role/r",
                "role/a/b/",
                "user/",
                "user//",
                "group/g",
                "",
                "ROOT",
                "User/u",
                "user/a\"b",
                "role/é",
                ":user/u",
                "root:x",
            ] {
                texts.push(format!("arn:aws:iam::{account}:{resource}"));
                texts.push(format!("arn:aws:iam::{account}{resource}"));
            }
        }
        texts.extend([
            "arn:aws:iam::".into(),
            "arn:aws:iam:".into(),
            "arn:aws:iam:::".into(),
        ]);
        let mut shortcut = 0;
        for text in &texts {
            let trimmed = crate::bytes::trim(text);
            assert_eq!(
                RequestPrincipal::parse_spelling(text),
                RequestPrincipal::parse_split(trimmed),
                "{text}"
            );
            shortcut += usize::from(aws_iam_parts(trimmed).is_some());
        }
        assert!(shortcut >= 20, "only {shortcut} read by the shortcut");
    }

    /// The reading's "spells its ARN" is true exactly when the trimmed text is the principal's
    /// ARN, and the ARN then borrowed is the compared one, as plain.
    #[test]
    fn arns_read_as_spelled_are_the_compared_ones() {
        let more = [
            "arn:aws:iam::111122223333:root",
            "arn:AWS:iam::111122223333:root",
            "Arn:aws:iam::111122223333:root",
            "arn:aws:Iam::111122223333:role/r",
            "arn:aws:iam:eu-west-1:111122223333:role/r",
            "arn:aws-us-gov:sts::111122223333:federated-user/f",
            "arn:aws:STS::111122223333:federated-user/f",
            "arn:aws:sts:x:111122223333:federated-user/f",
            "arn:aws:iam::111122223333:user/a\"b",
            "arn:a\"b:iam::111122223333:root",
            "arn:Other:iam::111122223333:user/u",
            "\tarn:aws:iam::111122223333:user/u\n",
        ];
        for text in PRINCIPALS.iter().chain(&more) {
            let (principal, spells_arn) = RequestPrincipal::parse_spelling(text).expect(text);
            assert_eq!(
                Ok(&principal),
                RequestPrincipal::parse(text).as_ref(),
                "{text}"
            );
            let arn = principal.principal_arn();
            assert_eq!(
                spells_arn,
                arn.as_deref() == Some(crate::bytes::trim(text)),
                "{text}"
            );
            if spells_arn {
                assert_eq!(
                    principal.spelled_principal_arn_text(text),
                    principal.principal_arn_text(text),
                    "{text}"
                );
            }
        }
    }

    /// A principal's texts are marked plain only when JSON escapes none of their bytes, and
    /// are so marked for the usual principals (the writer then copies them without a scan).
    #[test]
    fn principal_texts_are_plain_only_when_nothing_is_escaped() {
        let escaped = [
            "arn:aws:iam::111122223333:user/a\"b",
            "arn:aws:iam::111122223333:user/p\\q/n",
            "arn:aws:iam::111122223333:user/tab\there",
            "arn:aws:iam::111122223333:role/r\u{1}",
            "arn:aws:sts::111122223333:assumed-role/r\"/s",
            "arn:aws:sts::111122223333:assumed-role/r/s\\",
            "arn:aws:sts::111122223333:federated-user/f\"",
            "arn:a\"b:iam::111122223333:root",
            "arn:a\"b:iam::111122223333:user/u",
        ];
        let plain = |text: &str| serde_json::to_string(text).ok() == Some(format!("\"{text}\""));
        for text in PRINCIPALS.iter().chain(&escaped) {
            let principal = RequestPrincipal::parse(text).expect(text);
            let texts = [
                principal.principal_arn_text(text),
                principal.username_text(),
            ];
            for t in texts.iter().flatten() {
                assert!(!t.plain || plain(t), "{text}: {t:?}");
            }
        }
        for text in [PRINCIPALS[0], PRINCIPALS[5], PRINCIPALS[6], PRINCIPALS[8]] {
            let principal = RequestPrincipal::parse(text).expect(text);
            let arn = principal.principal_arn_text(text);
            assert!(arn.is_some_and(|arn| arn.plain), "{text}");
        }
        let user = RequestPrincipal::parse(PRINCIPALS[0]).expect("user");
        assert!(user.username_text().is_some_and(|name| name.plain));
    }

    /// Known partitions are borrowed, others copied: both lowercased as written.
    #[test]
    fn partitions_read_lowercased_however_held() {
        for partition in ["aws", "AWS", "aws-cn", "Aws-Us-Gov", "aws-iso", "x", "awsx"] {
            assert_eq!(
                &*partition_text(partition),
                partition.to_ascii_lowercase(),
                "{partition}"
            );
        }
    }

    /// V6: the byte search from the end finds the name `rsplit('/')` finds.
    #[test]
    fn v6_username_agrees_with_rsplit() {
        for path_name in ["u0", "dev/alice", "a/b/c", "/x", "é/ü", "a//b", "ß"] {
            let user = RequestPrincipal::User {
                partition: "aws".into(),
                account: "111122223333".into(),
                path_name: path_name.into(),
            };
            assert_eq!(user.username(), path_name.rsplit('/').next(), "{path_name}");
            assert_eq!(
                user.username_text().as_deref(),
                path_name.rsplit('/').next(),
                "{path_name}"
            );
        }
    }
}

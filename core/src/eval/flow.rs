//! The decision flow (D1–D9) over per-layer summaries. Both the fast path (`decide`) and the
//! explained path (`evaluate`) compute the same `Summary` and call `decide_summary`, so the two
//! can never disagree on the decision.

use super::result::{Decision, LayerKind};

/// What kind of principal makes the request (V6, D3, D7, D9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalClass {
    IamUser,
    RoleSession,
    /// A role session of a service-linked role: exempt from SCPs and RCPs (D3).
    ServiceLinkedRoleSession,
    FederatedUser,
    Root,
    Service,
    Anonymous,
}

impl PrincipalClass {
    /// Identity policies, boundaries and session policies exist only for IAM principals.
    pub fn has_identity_policies(self) -> bool {
        matches!(
            self,
            PrincipalClass::IamUser
                | PrincipalClass::RoleSession
                | PrincipalClass::ServiceLinkedRoleSession
                | PrincipalClass::FederatedUser
        )
    }

    /// Session policies apply to temporary sessions only.
    pub fn has_session(self) -> bool {
        matches!(
            self,
            PrincipalClass::RoleSession
                | PrincipalClass::ServiceLinkedRoleSession
                | PrincipalClass::FederatedUser
        )
    }

    /// D3: SCPs do not apply to service-linked roles, service principals or anonymous callers.
    pub fn governed_by_scps(self) -> bool {
        matches!(
            self,
            PrincipalClass::IamUser
                | PrincipalClass::RoleSession
                | PrincipalClass::FederatedUser
                | PrincipalClass::Root
        )
    }

    /// D2: RCPs apply to every caller, inside or outside the organization, anonymous included,
    /// except service-linked roles.
    pub fn governed_by_rcps(self) -> bool {
        self != PrincipalClass::ServiceLinkedRoleSession
    }
}

/// The kinds of principal match a resource-based policy's Allow statements produced (M9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindSet(u8);

impl KindSet {
    pub const STAR: KindSet = KindSet(1);
    pub const ACCOUNT: KindSet = KindSet(2);
    pub const DIRECT: KindSet = KindSet(4);
    pub const ROLE: KindSet = KindSet(8);
    pub const FED_USER: KindSet = KindSet(16);
    pub const SERVICE: KindSet = KindSet(32);

    pub fn insert(&mut self, other: KindSet) {
        self.0 |= other.0;
    }

    pub fn any(self, other: KindSet) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn union(self, other: KindSet) -> KindSet {
        KindSet(self.0 | other.0)
    }
}

/// What one policy (or one level, or one layer) says about the request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub denied: bool,
    pub allowed: bool,
    /// For policies with a Principal element: how the allowing statements matched the caller.
    pub kinds: KindSet,
}

impl Outcome {
    pub fn merge(&mut self, other: Outcome) {
        self.denied |= other.denied;
        self.allowed |= other.allowed;
        self.kinds.insert(other.kinds);
    }
}

/// A gate made of levels (SCPs, RCPs) or of several policies that must each allow (VPC endpoints).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GateOutcome {
    pub denied: bool,
    /// The first level (or policy) with no matching Allow.
    pub first_without_allow: Option<usize>,
}

/// How the resource-based policy relates to the identity side (D4–D6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceRole {
    /// An ordinary resource policy (bucket, repository, queue …).
    Ordinary,
    /// A KMS key policy: it must itself allow (D6).
    KeyPolicy,
    /// A role trust policy for `sts:AssumeRole*`: it must itself allow, and the boundary still
    /// caps a directly named principal (D6).
    TrustPolicy,
}

/// Everything the decision depends on. `None` means the layer does not take part.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    pub class: PrincipalClass,
    pub same_account: bool,
    pub resource_role: ResourceRole,
    pub identity: Option<Outcome>,
    pub boundary: Option<Outcome>,
    pub session: Option<Outcome>,
    pub resource: Option<Outcome>,
    pub scp: Option<GateOutcome>,
    pub rcp: Option<GateOutcome>,
    pub vpc_endpoint: Option<GateOutcome>,
}

/// Which layer decided, so that the explanation can name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decider {
    /// D1: a matching Deny somewhere (the explanation lists every one).
    ExplicitDeny,
    /// A gate or a required layer had no Allow.
    NoAllow(LayerKind, Option<usize>),
    /// Nothing grants: the principal kind needs a resource policy that names it (D7), or
    /// a cross-account request needs the resource policy (D5).
    NoGrant(LayerKind),
    /// Allowed by the resource policy alone (D4.1, D4.2, D6 named principal, D7).
    AllowedByResource,
    /// Allowed by the identity path: identity ∧ boundary ∧ session (D4.4).
    AllowedByIdentity,
    /// Allowed by both sides, as cross-account and account-principal key/trust policies need (D5, D6).
    AllowedByBoth,
    /// D9: the root user has full access to its own account.
    AllowedAsRoot,
}

impl Decider {
    pub fn decision(self) -> Decision {
        match self {
            Decider::ExplicitDeny => Decision::ExplicitDeny,
            Decider::NoAllow(..) | Decider::NoGrant(..) => Decision::ImplicitDeny,
            _ => Decision::Allow,
        }
    }
}

fn allowed(o: Option<Outcome>) -> bool {
    o.is_some_and(|o| o.allowed)
}

/// An absent layer does not cap; a present one must allow.
fn caps_ok(o: Option<Outcome>) -> bool {
    o.is_none_or(|o| o.allowed)
}

/// D1–D9. Order (DA): Deny → RCP → SCP → VPC endpoint → resource/identity/boundary/session.
pub fn decide_summary(s: &Summary) -> Decider {
    let any_deny = [s.identity, s.boundary, s.session, s.resource]
        .iter()
        .flatten()
        .any(|o| o.denied)
        || [s.scp, s.rcp, s.vpc_endpoint]
            .iter()
            .flatten()
            .any(|g| g.denied);
    if any_deny {
        return Decider::ExplicitDeny;
    }
    for (kind, gate) in [
        (LayerKind::Rcp, s.rcp),
        (LayerKind::Scp, s.scp),
        (LayerKind::VpcEndpoint, s.vpc_endpoint),
    ] {
        if let Some(level) = gate.and_then(|g| g.first_without_allow) {
            return Decider::NoAllow(kind, Some(level));
        }
    }
    let rp_kinds = s
        .resource
        .filter(|o| o.allowed)
        .map(|o| o.kinds)
        .unwrap_or_default();
    let rp_allows = !rp_kinds.is_empty() || allowed(s.resource);
    match s.class {
        // D7: only a resource policy naming the service (or `*`) can grant.
        PrincipalClass::Service => {
            if rp_kinds.any(KindSet::SERVICE.union(KindSet::STAR)) {
                Decider::AllowedByResource
            } else {
                Decider::NoGrant(LayerKind::Resource)
            }
        }
        // D7: only `Principal: "*"` grants to an unsigned request.
        PrincipalClass::Anonymous => {
            if rp_kinds.any(KindSet::STAR) {
                Decider::AllowedByResource
            } else {
                Decider::NoGrant(LayerKind::Resource)
            }
        }
        // D9: full access in its own account, except where a key or trust policy must allow.
        PrincipalClass::Root => {
            let needs_resource = !s.same_account || s.resource_role != ResourceRole::Ordinary;
            match (needs_resource, rp_allows) {
                (false, _) => Decider::AllowedAsRoot,
                (true, true) => Decider::AllowedByBoth,
                (true, false) => Decider::NoGrant(LayerKind::Resource),
            }
        }
        _ => decide_iam_principal(s, rp_kinds, rp_allows),
    }
}

/// D4–D6, D8 for IAM users, role sessions and federated users.
fn decide_iam_principal(s: &Summary, rp_kinds: KindSet, rp_allows: bool) -> Decider {
    // D8: a federated-user session without a session policy has no identity permissions.
    let federated_without_session = s.class == PrincipalClass::FederatedUser && s.session.is_none();
    let boundary_ok = caps_ok(s.boundary);
    let session_ok = caps_ok(s.session) && !federated_without_session;
    let identity_ok = allowed(s.identity);
    // The first layer of the identity path that fails, for the explanation.
    let path_failure = if !identity_ok {
        Some(LayerKind::Identity)
    } else if !boundary_ok {
        Some(LayerKind::PermissionsBoundary)
    } else if !session_ok {
        Some(LayerKind::Session)
    } else {
        None
    };
    let named = KindSet::DIRECT.union(KindSet::STAR);
    let via_role = KindSet::ROLE.union(KindSet::FED_USER);
    match s.resource_role {
        ResourceRole::KeyPolicy | ResourceRole::TrustPolicy => {
            if !rp_allows {
                return Decider::NoAllow(LayerKind::Resource, None);
            }
            if s.same_account && rp_kinds.any(named.union(via_role)) {
                let caps_ok = if s.resource_role == ResourceRole::TrustPolicy {
                    // RP-TRUST: the boundary must still allow sts:AssumeRole.
                    boundary_ok
                } else if rp_kinds.any(named) {
                    true
                } else {
                    boundary_ok && session_ok
                };
                if caps_ok {
                    return Decider::AllowedByResource;
                }
            }
            match path_failure {
                None => Decider::AllowedByBoth,
                Some(layer) => Decider::NoAllow(layer, None),
            }
        }
        ResourceRole::Ordinary if s.same_account => {
            // D4.1: a resource policy naming the user or session (or `*`) grants on its own.
            if rp_kinds.any(named) {
                return Decider::AllowedByResource;
            }
            // D4.2: naming the role (or the user behind a federated session) is capped by B and S.
            if rp_kinds.any(via_role) && boundary_ok && session_ok {
                return Decider::AllowedByResource;
            }
            match path_failure {
                None => Decider::AllowedByIdentity,
                Some(layer) => Decider::NoAllow(layer, None),
            }
        }
        ResourceRole::Ordinary => {
            // D5: both sides must allow.
            if !rp_allows {
                return Decider::NoGrant(LayerKind::Resource);
            }
            match path_failure {
                None => Decider::AllowedByBoth,
                Some(layer) => Decider::NoAllow(layer, None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOW: Outcome = Outcome {
        denied: false,
        allowed: true,
        kinds: KindSet(0),
    };
    const NONE: Outcome = Outcome {
        denied: false,
        allowed: false,
        kinds: KindSet(0),
    };
    const DENY: Outcome = Outcome {
        denied: true,
        allowed: false,
        kinds: KindSet(0),
    };

    fn rp(kinds: KindSet) -> Option<Outcome> {
        Some(Outcome {
            denied: false,
            allowed: true,
            kinds,
        })
    }

    fn base(class: PrincipalClass) -> Summary {
        Summary {
            class,
            same_account: true,
            resource_role: ResourceRole::Ordinary,
            identity: class.has_identity_policies().then_some(NONE),
            boundary: None,
            session: None,
            resource: None,
            scp: None,
            rcp: None,
            vpc_endpoint: None,
        }
    }

    /// `decides!(summary => Decision)`: one line per rule.
    macro_rules! decides {
        ($summary:expr => $decision:ident) => {
            assert_eq!(
                decide_summary(&$summary).decision(),
                Decision::$decision,
                "{:?}",
                $summary
            )
        };
    }

    #[test]
    fn d1_a_deny_anywhere_wins() {
        let mut s = base(PrincipalClass::IamUser);
        s.identity = Some(ALLOW);
        s.resource = Some(DENY);
        decides!(s => ExplicitDeny);
        let mut s = base(PrincipalClass::IamUser);
        s.identity = Some(ALLOW);
        s.scp = Some(GateOutcome {
            denied: true,
            first_without_allow: None,
        });
        decides!(s => ExplicitDeny);
    }

    #[test]
    fn d2_d3_gates_need_an_allow_at_every_level() {
        let mut s = base(PrincipalClass::IamUser);
        s.identity = Some(ALLOW);
        s.scp = Some(GateOutcome {
            denied: false,
            first_without_allow: Some(1),
        });
        assert_eq!(
            decide_summary(&s),
            Decider::NoAllow(LayerKind::Scp, Some(1))
        );
        s.scp = None;
        s.rcp = Some(GateOutcome {
            denied: false,
            first_without_allow: Some(0),
        });
        assert_eq!(
            decide_summary(&s),
            Decider::NoAllow(LayerKind::Rcp, Some(0))
        );
    }

    #[test]
    fn d4_same_account_resource_policy_kinds() {
        // D4.1: direct or star grants despite the boundary.
        let mut s = base(PrincipalClass::RoleSession);
        s.boundary = Some(NONE);
        s.resource = rp(KindSet::DIRECT);
        decides!(s => Allow);
        // D4.2: role kind is capped by the boundary …
        s.resource = rp(KindSet::ROLE);
        decides!(s => ImplicitDeny);
        // … and allowed when the boundary allows, without identity policies.
        s.boundary = Some(ALLOW);
        decides!(s => Allow);
        // D4.3: account kind alone never grants.
        let mut s = base(PrincipalClass::IamUser);
        s.resource = rp(KindSet::ACCOUNT);
        decides!(s => ImplicitDeny);
        s.identity = Some(ALLOW);
        decides!(s => Allow);
    }

    #[test]
    fn d4_4_identity_path_needs_boundary_and_session() {
        let mut s = base(PrincipalClass::RoleSession);
        s.identity = Some(ALLOW);
        decides!(s => Allow);
        s.session = Some(NONE);
        assert_eq!(
            decide_summary(&s),
            Decider::NoAllow(LayerKind::Session, None)
        );
        s.session = Some(ALLOW);
        s.boundary = Some(NONE);
        assert_eq!(
            decide_summary(&s),
            Decider::NoAllow(LayerKind::PermissionsBoundary, None)
        );
    }

    #[test]
    fn d5_cross_account_needs_both_sides() {
        let mut s = base(PrincipalClass::IamUser);
        s.same_account = false;
        s.identity = Some(ALLOW);
        decides!(s => ImplicitDeny);
        s.resource = rp(KindSet::ACCOUNT);
        decides!(s => Allow);
        s.identity = Some(NONE);
        s.resource = rp(KindSet::DIRECT);
        decides!(s => ImplicitDeny);
    }

    #[test]
    fn d6_key_and_trust_policies_must_allow() {
        let mut s = base(PrincipalClass::IamUser);
        s.resource_role = ResourceRole::KeyPolicy;
        s.identity = Some(ALLOW);
        s.resource = Some(NONE);
        decides!(s => ImplicitDeny);
        s.resource = rp(KindSet::ACCOUNT);
        decides!(s => Allow);
        s.identity = Some(NONE);
        decides!(s => ImplicitDeny);
        s.resource = rp(KindSet::DIRECT);
        decides!(s => Allow);
        // Trust policy: a directly named role still needs its boundary to allow.
        let mut s = base(PrincipalClass::RoleSession);
        s.resource_role = ResourceRole::TrustPolicy;
        s.resource = rp(KindSet::ROLE);
        s.boundary = Some(NONE);
        decides!(s => ImplicitDeny);
        s.boundary = Some(ALLOW);
        decides!(s => Allow);
    }

    #[test]
    fn d7_service_and_anonymous_need_the_resource_policy() {
        let mut s = base(PrincipalClass::Service);
        decides!(s => ImplicitDeny);
        s.resource = rp(KindSet::SERVICE);
        decides!(s => Allow);
        let mut s = base(PrincipalClass::Anonymous);
        s.resource = rp(KindSet::ACCOUNT);
        decides!(s => ImplicitDeny);
        s.resource = rp(KindSet::STAR);
        decides!(s => Allow);
    }

    #[test]
    fn d8_federated_user_without_session_policy_has_no_identity_permissions() {
        let mut s = base(PrincipalClass::FederatedUser);
        s.identity = Some(ALLOW);
        decides!(s => ImplicitDeny);
        s.session = Some(ALLOW);
        decides!(s => Allow);
    }

    #[test]
    fn d9_root_has_full_access_in_its_account() {
        let mut s = base(PrincipalClass::Root);
        decides!(s => Allow);
        s.resource_role = ResourceRole::KeyPolicy;
        s.resource = Some(NONE);
        decides!(s => ImplicitDeny);
        s.resource = Some(DENY);
        decides!(s => ExplicitDeny);
    }

    #[test]
    fn d3_exemptions() {
        assert!(!PrincipalClass::ServiceLinkedRoleSession.governed_by_scps());
        assert!(!PrincipalClass::Service.governed_by_scps());
        assert!(!PrincipalClass::Anonymous.governed_by_scps());
        assert!(PrincipalClass::Root.governed_by_scps());
        assert!(PrincipalClass::Anonymous.governed_by_rcps());
    }
}

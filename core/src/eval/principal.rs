//! From the matcher's request principal to the facts the decision flow and the derived context
//! need.

use super::context::PrincipalFacts;
use super::flow::PrincipalClass;
use crate::context::DerivedText;
use crate::matching::RequestPrincipal;

pub fn class_of(principal: &RequestPrincipal) -> PrincipalClass {
    match principal {
        RequestPrincipal::User { .. } => PrincipalClass::IamUser,
        RequestPrincipal::Role { .. } if principal.is_service_linked_role() => {
            PrincipalClass::ServiceLinkedRoleSession
        }
        RequestPrincipal::Role { .. } | RequestPrincipal::AssumedRole { .. } => {
            PrincipalClass::RoleSession
        }
        RequestPrincipal::FederatedUser { .. } => PrincipalClass::FederatedUser,
        RequestPrincipal::Root { .. } => PrincipalClass::Root,
        RequestPrincipal::Service(_) => PrincipalClass::Service,
        RequestPrincipal::Anonymous => PrincipalClass::Anonymous,
    }
}

/// The facts of `principal`, read from `written`; `spells_arn` when `written` spells the
/// principal's ARN as [`RequestPrincipal::parse_spelling`] found (then it is not compared again).
pub fn facts_of<'a>(
    principal: &'a RequestPrincipal,
    written: &'a str,
    spells_arn: bool,
) -> PrincipalFacts<'a> {
    PrincipalFacts {
        account: principal.account_text().map(DerivedText::from),
        principal_arn: match spells_arn {
            true => principal.spelled_principal_arn_text(written),
            false => principal.principal_arn_text(written),
        },
        // Service principals are not in the V6 table: no aws:PrincipalType is derived for them.
        principal_type: principal.principal_type().unwrap_or(""),
        username: principal.username_text(),
        userid: principal.userid(),
        service_name: match principal {
            RequestPrincipal::Service(name) => Some(DerivedText::from(name)),
            _ => None,
        },
    }
}

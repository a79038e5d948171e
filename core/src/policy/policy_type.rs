//! The kinds of policy AWS evaluates. Each kind allows different elements (G12), so
//! validation takes one.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a policy is attached, which decides which elements it may or must have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PolicyType {
    /// Attached to a user, group or role.
    Identity,
    /// Attached to a resource (bucket, queue, key, repository, role trust …).
    Resource(ResourceKind),
    PermissionsBoundary,
    /// Passed when assuming a role or federating.
    Session,
    /// Service control policy (AWS Organizations).
    Scp,
    /// Resource control policy (AWS Organizations).
    Rcp,
    VpcEndpoint,
}

/// Resource-based policies whose rules differ from the generic case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourceKind {
    /// S3 bucket, SQS queue, SNS topic, Lambda function, …
    #[default]
    Generic,
    /// Amazon ECR repository policy: no `Resource` element (E3).
    EcrRepository,
    /// AWS KMS key policy.
    KmsKey,
    /// IAM role trust policy: no `Resource`, no `NotPrincipal`.
    RoleTrust,
}

impl PolicyType {
    /// Every type, for tests and for the fuzzer.
    pub const ALL: [PolicyType; 10] = [
        PolicyType::Identity,
        PolicyType::Resource(ResourceKind::Generic),
        PolicyType::Resource(ResourceKind::EcrRepository),
        PolicyType::Resource(ResourceKind::KmsKey),
        PolicyType::Resource(ResourceKind::RoleTrust),
        PolicyType::PermissionsBoundary,
        PolicyType::Session,
        PolicyType::Scp,
        PolicyType::Rcp,
        PolicyType::VpcEndpoint,
    ];

    /// The command-line name (`identity`, `trust`, `ecr`, …); `FromStr` reads it back.
    pub fn cli_name(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource(ResourceKind::Generic) => "resource",
            PolicyType::Resource(ResourceKind::EcrRepository) => "ecr",
            PolicyType::Resource(ResourceKind::KmsKey) => "kms",
            PolicyType::Resource(ResourceKind::RoleTrust) => "trust",
            PolicyType::PermissionsBoundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
            PolicyType::VpcEndpoint => "vpce",
        }
    }

    /// Words for messages: "an identity policy", "a role trust policy", …
    pub fn description(self) -> &'static str {
        match self {
            PolicyType::Identity => "an identity policy",
            PolicyType::Resource(ResourceKind::Generic) => "a resource policy",
            PolicyType::Resource(ResourceKind::EcrRepository) => "an ECR repository policy",
            PolicyType::Resource(ResourceKind::KmsKey) => "a KMS key policy",
            PolicyType::Resource(ResourceKind::RoleTrust) => "a role trust policy",
            PolicyType::PermissionsBoundary => "a permissions boundary",
            PolicyType::Session => "a session policy",
            PolicyType::Scp => "a service control policy",
            PolicyType::Rcp => "a resource control policy",
            PolicyType::VpcEndpoint => "a VPC endpoint policy",
        }
    }

    /// Policies stored and checked by IAM itself, where IAM's grammar rules apply (G4, G5).
    pub fn is_iam_policy(self) -> bool {
        matches!(
            self,
            PolicyType::Identity
                | PolicyType::PermissionsBoundary
                | PolicyType::Session
                | PolicyType::Resource(ResourceKind::RoleTrust)
        )
    }

    /// Policies that name no principal: the principal is whoever they are attached to.
    pub fn is_identity_like(self) -> bool {
        matches!(
            self,
            PolicyType::Identity | PolicyType::PermissionsBoundary | PolicyType::Session
        )
    }
}

impl fmt::Display for PolicyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.cli_name())
    }
}

/// Why a policy-type name was not understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPolicyType(pub String);

impl fmt::Display for UnknownPolicyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown policy type `{}`: use identity, resource, boundary, session, scp, rcp, trust, vpce, ecr, kms or bucket",
            self.0
        )
    }
}

impl std::error::Error for UnknownPolicyType {}

impl FromStr for PolicyType {
    type Err = UnknownPolicyType;

    /// Case-insensitive; accepts the CLI names and a few spelled-out aliases.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let kind = match s.to_ascii_lowercase().as_str() {
            "identity" => PolicyType::Identity,
            "resource" | "bucket" | "s3" | "queue" | "sqs" | "topic" | "sns" => {
                PolicyType::Resource(ResourceKind::Generic)
            }
            "ecr" | "repository" | "ecr-repository" => {
                PolicyType::Resource(ResourceKind::EcrRepository)
            }
            "kms" | "key" | "kms-key" => PolicyType::Resource(ResourceKind::KmsKey),
            "trust" | "role-trust" => PolicyType::Resource(ResourceKind::RoleTrust),
            "boundary" | "permissions-boundary" | "permissionsboundary" => {
                PolicyType::PermissionsBoundary
            }
            "session" => PolicyType::Session,
            "scp" => PolicyType::Scp,
            "rcp" => PolicyType::Rcp,
            "vpce" | "vpc-endpoint" | "vpcendpoint" | "endpoint" => PolicyType::VpcEndpoint,
            _ => return Err(UnknownPolicyType(s.to_string())),
        };
        Ok(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_names_round_trip() {
        for t in PolicyType::ALL {
            assert_eq!(t.cli_name().parse::<PolicyType>(), Ok(t));
        }
        assert_eq!(
            "bucket".parse(),
            Ok(PolicyType::Resource(ResourceKind::Generic))
        );
        assert_eq!("VPCE".parse(), Ok(PolicyType::VpcEndpoint));
        assert!("group".parse::<PolicyType>().is_err());
    }

    #[test]
    fn serde_names_follow_the_scenario_format() {
        let json = serde_json::to_string(&PolicyType::PermissionsBoundary).unwrap_or_default();
        assert_eq!(json, "\"permissionsBoundary\"");
        let json = serde_json::to_string(&PolicyType::Resource(ResourceKind::EcrRepository))
            .unwrap_or_default();
        assert_eq!(json, r#"{"resource":"ecrRepository"}"#);
        let back: Result<PolicyType, _> = serde_json::from_str("\"vpcEndpoint\"");
        assert_eq!(back.ok(), Some(PolicyType::VpcEndpoint));
    }
}

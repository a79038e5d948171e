//! Parsing, validating and compiling a scenario's policies once, so that requests can be
//! evaluated many times without re-reading any policy text (the web app re-evaluates whole
//! matrices on every keystroke and only re-prepares the policy being edited).

use super::index::StatementIndex;
use super::result::LayerKind;
use crate::bytes::positions;
use crate::catalog::lint::lint_compiled;
use crate::diagnostic::Diagnostic;
use crate::matching::CompiledPolicy;
use crate::policy::{validate_compiled, ParsedPolicy, Policy, PolicyType, ResourceKind};
use crate::scenario::{NamedPolicy, Policies};
use std::sync::Arc;

/// One policy, ready to evaluate.
#[derive(Clone, Debug)]
pub struct PreparedPolicy {
    pub name: String,
    pub layer: LayerKind,
    /// SCP/RCP level or VPC endpoint index.
    pub level: Option<usize>,
    pub enabled: bool,
    pub parsed: ParsedPolicy,
    pub compiled: Option<CompiledPolicy>,
    /// Parse and validation findings, with `policy` set to this policy's name.
    pub diagnostics: Vec<Diagnostic>,
    /// Statements that carry an error and are skipped (fail closed), by index, ascending.
    pub skipped: Vec<usize>,
    /// The statements a request can match, by its service (evaluable and not skipped only).
    pub index: StatementIndex,
}

impl PreparedPolicy {
    /// Parses, validates for `policy_type` and compiles one policy.
    pub fn prepare(
        named: &NamedPolicy,
        layer: LayerKind,
        level: Option<usize>,
        policy_type: PolicyType,
    ) -> Self {
        Self::prepare_as(named, layer, level, |_| policy_type)
    }

    /// As [`Self::prepare`], the policy type chosen once the document is read.
    pub fn prepare_as(
        named: &NamedPolicy,
        layer: LayerKind,
        level: Option<usize>,
        policy_type: impl FnOnce(Option<&Policy>) -> PolicyType,
    ) -> Self {
        let parsed = named.document.parse();
        let policy_type = policy_type(parsed.policy.as_ref());
        // Compiled first: validation and the lints read what compiling read of each resource.
        let compiled = parsed.policy.as_ref().map(CompiledPolicy::compile);
        let mut diagnostics = parsed.diagnostics.clone();
        if let (Some(policy), Some(compiled)) = (&parsed.policy, &compiled) {
            diagnostics.extend(validate_compiled(policy, compiled, policy_type));
            diagnostics.extend(lint_compiled(policy, compiled, policy_type));
        }
        let name = if named.name.is_empty() {
            default_name(layer, level)
        } else {
            named.name.clone()
        };
        for d in &mut diagnostics {
            d.policy = Some(name.clone());
        }
        let mut skipped: Vec<usize> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .filter_map(|d| d.statement)
            .collect();
        if let Some(policy) = &parsed.policy {
            skipped.extend(
                policy
                    .statements
                    .iter()
                    .filter(|s| s.invalid.is_some())
                    .map(|s| s.index),
            );
        }
        skipped.sort_unstable();
        skipped.dedup();
        let index = compiled.as_ref().map_or_else(StatementIndex::default, |c| {
            StatementIndex::new(c.statements(), |i| {
                c.statements()
                    .get(i)
                    .is_some_and(|s| s.is_evaluable() && skipped.binary_search(&s.index()).is_err())
            })
        });
        PreparedPolicy {
            name,
            layer,
            level,
            enabled: named.is_enabled(),
            parsed,
            compiled,
            diagnostics,
            skipped,
            index,
        }
    }

    /// Whether statement `index` is skipped because of an error in it.
    pub fn is_skipped(&self, index: usize) -> bool {
        self.skipped.binary_search(&index).is_ok()
    }

    /// Whether the policy takes part: switched on and readable.
    pub fn is_active(&self) -> bool {
        self.enabled && self.compiled.is_some()
    }
}

fn default_name(layer: LayerKind, level: Option<usize>) -> String {
    match level {
        Some(l) => format!("{} {}", layer.noun(), l),
        None => layer.noun().to_string(),
    }
}

/// The resource policy's kind as written in the scenario (`kind`), if any.
pub fn declared_resource_kind(named: &NamedPolicy) -> Option<ResourceKind> {
    named
        .kind
        .as_deref()
        .and_then(|k| match k.to_ascii_lowercase().as_str() {
            "generic" | "bucket" | "resource" => Some(ResourceKind::Generic),
            "ecr" | "repository" | "ecrrepository" => Some(ResourceKind::EcrRepository),
            // The ECR registry policy is an ordinary resource policy with a Resource element (E5).
            "registry" | "ecrregistry" => Some(ResourceKind::Generic),
            "kms" | "key" | "kmskey" => Some(ResourceKind::KmsKey),
            "trust" | "roletrust" => Some(ResourceKind::RoleTrust),
            _ => None,
        })
}

/// Infers the resource policy's kind from the request it guards: a repository ARN means a
/// repository policy, a KMS key ARN a key policy, an `sts:AssumeRole*` on a role a trust policy.
pub fn infer_resource_kind(action: &str, resource: &str) -> ResourceKind {
    // Only a six-part ARN has a resource part to tell; the service compares ignoring ASCII case
    // (no lowercased copies: every scenario infers a kind). Only two of the six parts are read,
    // so only they are cut.
    let ([_, second, third, _, fifth], 5) = positions::<5>(resource.as_bytes(), b':') else {
        return ResourceKind::Generic;
    };
    let (Some(service), Some(resource_part)) =
        (resource.get(second + 1..third), resource.get(fifth + 1..))
    else {
        return ResourceKind::Generic;
    };
    let service_is = |name: &str| service.eq_ignore_ascii_case(name);
    if service_is("ecr") && resource_part.starts_with("repository/") {
        ResourceKind::EcrRepository
    } else if service_is("kms")
        && (resource_part.starts_with("key/") || resource_part.starts_with("alias/"))
    {
        ResourceKind::KmsKey
    } else if service_is("iam")
        && resource_part.starts_with("role/")
        && is_trust_action(&action.to_ascii_lowercase())
    {
        ResourceKind::RoleTrust
    } else {
        ResourceKind::Generic
    }
}

/// A policy on a repository whose every statement names its resources is the registry policy
/// (E5), not a repository policy (which has no Resource element, E3).
fn refine_kind(hint: ResourceKind, policy: Option<&Policy>) -> ResourceKind {
    let names_resources = policy.is_some_and(|p| {
        !p.statements.is_empty() && p.statements.iter().all(|s| s.resource.is_some())
    });
    if hint == ResourceKind::EcrRepository && names_resources {
        ResourceKind::Generic
    } else {
        hint
    }
}

/// The actions a role trust policy authorizes (D6).
pub fn is_trust_action(lowercase_action: &str) -> bool {
    lowercase_action.starts_with("sts:assumerole")
        || lowercase_action == "sts:tagsession"
        || lowercase_action == "sts:setsourceidentity"
        || lowercase_action == "sts:setcontext"
}

/// Prepares the resource-based policy: its kind is the declared one, else `hint` refined by the
/// document (a repository policy with Resource elements is the registry policy, E5).
pub fn prepare_resource_policy(
    named: &NamedPolicy,
    hint: ResourceKind,
) -> (PreparedPolicy, ResourceKind) {
    let mut resource_kind = hint;
    let policy = PreparedPolicy::prepare_as(named, LayerKind::Resource, None, |policy| {
        resource_kind = declared_resource_kind(named).unwrap_or_else(|| refine_kind(hint, policy));
        PolicyType::Resource(resource_kind)
    });
    (policy, resource_kind)
}

/// A prepared policy shared between sets: the web app builds a set per evaluation from the
/// policies it keeps prepared, and cloning a set must not copy their text and compiled form.
pub type Shared = Arc<PreparedPolicy>;

/// Every policy of a scenario, prepared.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    pub identity: Vec<Shared>,
    pub boundary: Option<Shared>,
    pub session: Option<Shared>,
    pub resource: Option<Shared>,
    pub resource_kind: Option<ResourceKind>,
    /// `None`: the account is not governed by SCPs. Levels root first.
    pub scp: Option<Vec<Vec<Shared>>>,
    pub rcp: Option<Vec<Vec<Shared>>>,
    pub vpc_endpoint: Vec<Shared>,
}

impl PolicySet {
    /// Prepares every policy. `resource_kind_hint` is used for the resource policy when the
    /// scenario does not declare its kind (see [`infer_resource_kind`]).
    pub fn prepare(policies: &Policies, resource_kind_hint: ResourceKind) -> PolicySet {
        let one =
            |p: &NamedPolicy, layer, ty| Arc::new(PreparedPolicy::prepare(p, layer, None, ty));
        let levels = |levels: &Vec<Vec<NamedPolicy>>, layer, ty| {
            levels
                .iter()
                .enumerate()
                .map(|(i, level)| {
                    level
                        .iter()
                        .map(|p| Arc::new(PreparedPolicy::prepare(p, layer, Some(i), ty)))
                        .collect()
                })
                .collect()
        };
        let (resource, resource_kind) = match policies.resource.as_ref() {
            Some(named) => {
                let (policy, kind) = prepare_resource_policy(named, resource_kind_hint);
                (Some(Arc::new(policy)), Some(kind))
            }
            None => (None, None),
        };
        PolicySet {
            identity: policies
                .identity
                .iter()
                .map(|p| one(p, LayerKind::Identity, PolicyType::Identity))
                .collect(),
            boundary: policies.permissions_boundary.as_ref().map(|p| {
                one(
                    p,
                    LayerKind::PermissionsBoundary,
                    PolicyType::PermissionsBoundary,
                )
            }),
            session: policies
                .session
                .as_ref()
                .map(|p| one(p, LayerKind::Session, PolicyType::Session)),
            resource,
            resource_kind,
            scp: policies
                .scp
                .as_ref()
                .map(|l| levels(l, LayerKind::Scp, PolicyType::Scp)),
            rcp: policies
                .rcp
                .as_ref()
                .map(|l| levels(l, LayerKind::Rcp, PolicyType::Rcp)),
            vpc_endpoint: policies
                .vpc_endpoint
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    Arc::new(PreparedPolicy::prepare(
                        p,
                        LayerKind::VpcEndpoint,
                        Some(i),
                        PolicyType::VpcEndpoint,
                    ))
                })
                .collect(),
        }
    }

    /// Every prepared policy, in layer order.
    pub fn all(&self) -> impl Iterator<Item = &PreparedPolicy> {
        self.rcp
            .iter()
            .flatten()
            .flatten()
            .chain(self.scp.iter().flatten().flatten())
            .chain(self.vpc_endpoint.iter())
            .chain(self.resource.iter())
            .chain(self.identity.iter())
            .chain(self.boundary.iter())
            .chain(self.session.iter())
            .map(|p| &**p)
    }

    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.all().flat_map(|p| p.diagnostics.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::lint::lint;
    use crate::diagnostic::Diagnostic;
    use crate::policy::{parse_policy, validate};

    /// One policy type's fresh validation and lint findings.
    type FreshReads = (Vec<Diagnostic>, Vec<Diagnostic>);

    /// Compiles `text`'s policy and checks that, for each of `types`, validation and lint give
    /// the same findings from the compiled policy as from their own reads. Returns the compiled
    /// policy and, type by type, the fresh validation and lint findings.
    fn compiled_reads_agree_with_fresh_ones(
        text: &str,
        types: &[PolicyType],
    ) -> (CompiledPolicy, Vec<FreshReads>) {
        let parsed = parse_policy(text);
        let policy = parsed.policy.as_ref().expect("policy");
        let compiled = CompiledPolicy::compile(policy);
        let reads = types
            .iter()
            .map(|&ty| {
                let fresh = validate(policy, ty);
                assert_eq!(
                    validate_compiled(policy, &compiled, ty),
                    fresh,
                    "{text} {ty:?}"
                );
                let linted = lint(policy, ty);
                assert_eq!(
                    lint_compiled(policy, &compiled, ty),
                    linted,
                    "{text} {ty:?}"
                );
                (fresh, linted)
            })
            .collect();
        (compiled, reads)
    }

    /// M1, D6: validation gives the same findings, in the same order, whether it reads each
    /// `Action`/`NotAction` value or takes compiling's word that all are well formed, for
    /// elements of every form under every policy type (a trust policy reads them all); the
    /// lints likewise, whether they find an element's facts by its texts or by its compiled
    /// form's id (elements met again, negated, reordered, in another policy).
    #[test]
    fn m1_compiled_actions_validate_and_lint_like_fresh_reads() {
        let elements = [
            r#""Action": ["ecr:PutImage", "ecr:Batch*"]"#,
            r#""NotAction": ["ecr:PutImage", "*"]"#,
            r#""Action": "sts:AssumeRole""#,
            r#""Action": ["sts:AssumeRole", "s3:GetObject"]"#,
            r#""Action": ["s3", "s3:GetObject"]"#,
            r#""NotAction": [":GetObject", "s3:", "s3:a:b"]"#,
            r#""Action": "ecr:PutImage:x""#,
            r#""Action": []"#,
            r#""Action": "*""#,
            r#""Action": ["ecr:Batch*", "ecr:PutImage"]"#,
            r#""NotAction": ["ecr:PutImage", "ecr:Batch*"]"#,
            r#""Action": ["iam:PassRole", "ecr:GetAuthorizationToken", "ecr:BatchGetImage"]"#,
            r#""Action": ["s3:NoSuchAction", "nosuchservice:Get*", "ecr:Zz*"]"#,
        ];
        let types = [
            PolicyType::Identity,
            PolicyType::Resource(ResourceKind::Generic),
            PolicyType::Resource(ResourceKind::RoleTrust),
            PolicyType::Resource(ResourceKind::EcrRepository),
        ];
        let (mut shortcuts, mut findings, mut lint_findings) = (0, 0, 0);
        for element in elements {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [
                {{"Effect": "Allow", "Principal": "*", {element}, "Resource": "*"}},
                {{"Effect": "Allow", "Principal": "*", {element}, "Resource": "arn:aws:s3:::b",
                  "Condition": {{"StringEquals": {{"ecr:ResourceTag/x": "y"}}}}}},
                {{"Effect": "Deny", "Principal": "*", "Resource": "*"}}]}}"#
            );
            let (compiled, reads) = compiled_reads_agree_with_fresh_ones(&text, &types);
            for (fresh, linted) in reads {
                lint_findings += linted.len();
                findings += fresh
                    .iter()
                    .filter(|d| d.code == "invalid-action" || d.code == "trust-action")
                    .count();
            }
            shortcuts += compiled
                .statements()
                .iter()
                .filter(|s| s.actions_well_formed())
                .count();
        }
        assert!(
            shortcuts >= 5 && findings >= 6 && lint_findings >= 20,
            "{shortcuts} {findings} {lint_findings}"
        );
    }

    /// M4–M7, V2, E3: validation and the lints give the same findings, in the same order,
    /// whether they read each resource ARN themselves or from what compiling read of it, for
    /// ARNs of every shape (wildcards, variables, capitals, non-ASCII, short, empty parts,
    /// repeated heads) under both versions and every kind of resource policy.
    #[test]
    fn m5_compiled_arns_validate_and_lint_like_fresh_reads() {
        let resources = [
            "arn:aws:ecr:us-east-1:111122223333:repository/web",
            "arn:aws:ecr:us-east-1:111122223333:repository/other",
            "arn:aws:ecr:us-east-1:111122223333:Repository/web",
            "arn:aws:ECR:us-east-1:111122223333:repository/web",
            "ARN:aws:ecr:us-east-1:111122223333:repository/web",
            "arn:aws:ecr:*:111122223333:repository/*",
            "arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}",
            "arn:aws:ecr:${aws:region}:111122223333:repository/web",
            "arn:aws:e?r:us-east-1:111122223333:repository/web",
            "arn:aws:ecr:us-east-1:111122223333:repo$itory/web",
            "arn:aws:ecr:us-east-1:1111$22223333:repository/web",
            "arn:aws:s3:::bucket/key",
            "arn:aws:s3:::bucket/a:b:c",
            "arn::s3:::bucket",
            "arn:aws::us-east-1:111122223333:x",
            "arn:äws:ecr:us-east-1:111122223333:repository/web",
            "arn:aws:ecr:us-east-1:111122223333:repository/wéb",
            "arn:aws:kms:us-east-1:111122223333:key/1234",
            "arn:aws:iam::111122223333:role/ci",
            "arn:aws:ec2:*",
            "arn:aws:ec2",
            "not-an-arn",
            "*",
            "**",
        ];
        let types = [
            PolicyType::Identity,
            PolicyType::Scp,
            PolicyType::Resource(ResourceKind::Generic),
            PolicyType::Resource(ResourceKind::KmsKey),
            PolicyType::Resource(ResourceKind::EcrRepository),
        ];
        let mut read_as_compiled = 0;
        let mut codes: Vec<String> = Vec::new();
        for version in ["2012-10-17", "2008-10-17"] {
            for (i, resource) in resources.iter().enumerate() {
                // Each resource alone, then with the next one in the same element.
                let next = resources.get(i + 1).unwrap_or(&"*");
                let text = format!(
                    r#"{{"Version": "{version}", "Statement": [
                    {{"Effect": "Allow", "Principal": "*", "Action": ["ecr:PutImage", "ecr:Batch*"], "Resource": "{resource}"}},
                    {{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": ["{resource}", "{next}"]}},
                    {{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "NotResource": "{resource}"}}
                    ]}}"#
                );
                let (compiled, reads) = compiled_reads_agree_with_fresh_ones(&text, &types);
                for (fresh, linted) in reads {
                    codes.extend(fresh.iter().chain(&linted).map(|d| d.code.clone()));
                }
                read_as_compiled += compiled
                    .statements()
                    .iter()
                    .flat_map(|s| s.resource_patterns())
                    .filter(|p| p.head_facts().is_some_and(|h| h.plain && h.lowercase))
                    .count();
            }
        }
        // The comparisons can fail: the shortcut is taken, and every finding it feeds occurs.
        assert!(read_as_compiled > 20, "{read_as_compiled}");
        for code in [
            "invalid-arn",
            "short-arn",
            "variable-outside-resource-part",
            "kms-resource",
            "resource-matches-no-resource-type",
        ] {
            assert!(codes.iter().any(|c| c == code), "{code} never reported");
        }
    }

    /// The split-free inference reads the kind as splitting and lowercasing did.
    #[test]
    fn e3_d6_inference_agrees_with_splitting() {
        let by_splitting = |action: &str, resource: &str| {
            let action = action.to_ascii_lowercase();
            let parts: Vec<&str> = resource.splitn(6, ':').collect();
            let service = parts.get(2).map(|s| s.to_ascii_lowercase());
            let resource_part = parts.get(5).copied().unwrap_or("");
            match service.as_deref() {
                Some("ecr") if resource_part.starts_with("repository/") => {
                    ResourceKind::EcrRepository
                }
                Some("kms")
                    if resource_part.starts_with("key/") || resource_part.starts_with("alias/") =>
                {
                    ResourceKind::KmsKey
                }
                Some("iam") if resource_part.starts_with("role/") && is_trust_action(&action) => {
                    ResourceKind::RoleTrust
                }
                _ => ResourceKind::Generic,
            }
        };
        let mut kinds = Vec::new();
        for action in [
            "ecr:PutImage",
            "STS:AssumeRole",
            "sts:TagSession",
            "iam:GetRole",
            "",
        ] {
            for resource in [
                "arn:aws:ecr:us-east-1:111122223333:repository/web",
                "arn:aws:ECR:us-east-1:111122223333:repository/web",
                "arn:aws:ecr:us-east-1:111122223333:Repository/web",
                "arn:aws:kms:us-east-1:111122223333:key/1234",
                "arn:aws:KMS:us-east-1:111122223333:alias/a",
                "arn:aws:iam::111122223333:role/ci",
                "arn:aws:Iam::111122223333:role/ci/x:y",
                "arn:aws:ecr:us-east-1:repository/web",
                "arn:aws:s3:::bucket/key",
                "arn:aws:ecr",
                "*",
                "",
            ] {
                let kind = infer_resource_kind(action, resource);
                assert_eq!(kind, by_splitting(action, resource), "{action} {resource}");
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
        assert_eq!(kinds.len(), 4);
    }

    #[test]
    fn e3_d6_resource_kind_follows_the_request() {
        let k = infer_resource_kind(
            "ecr:PutImage",
            "arn:aws:ecr:us-east-1:111122223333:repository/web",
        );
        assert_eq!(k, ResourceKind::EcrRepository);
        let k = infer_resource_kind("sts:AssumeRole", "arn:aws:iam::111122223333:role/ci");
        assert_eq!(k, ResourceKind::RoleTrust);
        let k = infer_resource_kind("iam:GetRole", "arn:aws:iam::111122223333:role/ci");
        assert_eq!(k, ResourceKind::Generic);
        let k = infer_resource_kind("kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234");
        assert_eq!(k, ResourceKind::KmsKey);
        let k = infer_resource_kind("s3:GetObject", "arn:aws:s3:::bucket/key");
        assert_eq!(k, ResourceKind::Generic);
    }
}

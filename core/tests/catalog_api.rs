//! The embedded service catalog: pinned facts about ECR (section 7 of iam-evaluation.md) and a
//! handful of other services, and the lookup rules M1, M2, M4, C2 and C16.

use iamsim_core::catalog::{
    catalog, parse_embedded, AccessLevel, Catalog, KeyType, ValueType, DATA,
};

fn cat() -> &'static Catalog {
    let c = catalog();
    assert!(
        c.error().is_none(),
        "embedded catalog failed to parse: {:?}",
        c.error()
    );
    c
}

fn names(actions: &[iamsim_core::catalog::Action<'_>]) -> Vec<String> {
    actions.iter().map(|a| a.full_name()).collect()
}

#[test]
fn data_is_whole_and_sorted() {
    let c = cat();
    assert_eq!(c.version(), "0.1.202610271");
    assert_eq!(c.services().len(), 457);
    assert_eq!(c.action_count(), 22_321);
    // Lookups binary-search: the generator must have sorted prefixes and names case-insensitively.
    let prefixes: Vec<String> = c
        .services()
        .map(|s| s.prefix().to_ascii_lowercase())
        .collect();
    assert!(prefixes.windows(2).all(|w| w[0] < w[1]));
    for s in c.services() {
        let actions: Vec<String> = s.actions().map(|a| a.name().to_ascii_lowercase()).collect();
        assert!(actions.windows(2).all(|w| w[0] < w[1]), "{}", s.prefix());
        let keys: Vec<String> = s
            .condition_keys()
            .map(|k| k.name().to_ascii_lowercase())
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{}", s.prefix());
    }
}

#[test]
fn e1_e2_ecr_is_pinned() {
    let c = cat();
    let ecr = c.service("ecr").expect("ecr");
    assert_eq!(ecr.name(), "Amazon Elastic Container Registry");
    assert_eq!(ecr.actions().len(), 64);
    let rts: Vec<_> = ecr.resource_types().map(|r| r.name()).collect();
    assert_eq!(rts, ["repository"]);
    let repo = ecr.resource_type("repository").expect("repository");
    assert_eq!(
        repo.arn_templates().collect::<Vec<_>>(),
        ["arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}"]
    );
    let keys: Vec<_> = ecr.condition_keys().map(|k| k.name()).collect();
    assert_eq!(
        keys,
        [
            "aws:RequestTag/${TagKey}",
            "aws:ResourceTag/${TagKey}",
            "aws:TagKeys",
            "ecr:AccountSetting",
            "ecr:ResourceTag/${TagKey}"
        ]
    );
}

#[test]
fn m2_ecr_get_star_expands_to_ten_actions() {
    let got = names(&cat().expand("ecr:Get*"));
    assert_eq!(
        got,
        [
            "ecr:GetAccountSetting",
            "ecr:GetAuthorizationToken",
            "ecr:GetDownloadUrlForLayer",
            "ecr:GetImageCopyStatus",
            "ecr:GetLifecyclePolicy",
            "ecr:GetLifecyclePolicyPreview",
            "ecr:GetRegistryPolicy",
            "ecr:GetRegistryScanningConfiguration",
            "ecr:GetRepositoryPolicy",
            "ecr:GetSigningConfiguration"
        ]
    );
}

#[test]
fn m1_m2_expansion_is_case_insensitive_and_anchored() {
    let c = cat();
    assert_eq!(c.expand("ECR:get*").len(), 10);
    assert_eq!(c.expand("ecr:*").len(), 64);
    assert_eq!(
        names(&c.expand("ecr:?etAuthorizationToken")),
        ["ecr:GetAuthorizationToken"]
    );
    assert_eq!(
        names(&c.expand("ecr:getauthorizationtoken")),
        ["ecr:GetAuthorizationToken"]
    );
    // Anchored: `Get` alone is not a prefix match.
    assert!(c.expand("ecr:Get").is_empty());
    assert!(c.expand("ecr:Nope*").is_empty());
    assert!(c.expand("nosuchservice:*").is_empty());
    assert!(c.expand("GetObject").is_empty());
    assert_eq!(c.expand("*").len(), c.action_count());
}

#[test]
fn m2_wildcard_across_services() {
    let c = cat();
    let describe = c.expand("*:Describe*");
    assert!(describe.len() > 1_000, "{}", describe.len());
    assert!(describe.iter().all(|a| a.name().starts_with("Describe")));
    let services: std::collections::BTreeSet<_> =
        describe.iter().map(|a| a.service().prefix()).collect();
    assert!(services.contains("ec2") && services.contains("ecr") && services.contains("rds"));
    // A service-part wildcard: `e?r` matches ecr (and nothing else that has GetAuthorizationToken).
    assert_eq!(
        names(&c.expand("e?r:GetAuthorizationToken")),
        ["ecr:GetAuthorizationToken"]
    );
}

#[test]
fn m1_action_lookup_is_case_insensitive() {
    let c = cat();
    let a = c.action("IAM:listaccesskeys").expect("M1");
    assert_eq!(a.full_name(), "iam:ListAccessKeys");
    assert!(c.action("iam:ListAccessKey").is_none());
    assert!(c.action("iam").is_none());
    assert!(c.action("").is_none());
    assert!(c.action(":").is_none());
}

#[test]
fn m4_actions_without_resource_types() {
    let c = cat();
    let token = c.action("ecr:GetAuthorizationToken").expect("exists");
    assert!(token.accepts_only_star());
    assert_eq!(token.resource_types().len(), 0);
    let push = c.action("ecr:PutImage").expect("exists");
    assert!(!push.accepts_only_star());
    let rt: Vec<_> = push
        .resource_types()
        .map(|r| (r.resource_type.name(), r.required))
        .collect();
    assert_eq!(rt, [("repository", true)]);
    assert!(push.accepts_arn("arn:aws:ecr:us-east-1:111122223333:repository/web"));
    assert!(!push.accepts_arn("arn:aws:s3:::bucket"));
}

#[test]
fn access_levels() {
    let c = cat();
    let levels = |n: &str| c.action(n).expect(n).access_levels();
    assert!(levels("ecr:BatchGetImage").contains(AccessLevel::Read));
    assert!(levels("ecr:PutImage").contains(AccessLevel::Write));
    assert!(levels("ecr:ListImages").contains(AccessLevel::List));
    assert!(levels("iam:PutRolePolicy").contains(AccessLevel::PermissionsManagement));
    let tag = levels("ecr:TagResource");
    assert!(tag.contains(AccessLevel::Tagging));
    assert_eq!(tag.iter().count(), 2, "{tag}");
}

#[test]
fn e6_action_condition_keys_are_own_plus_resource_types() {
    let c = cat();
    let keys = |n: &str| -> Vec<&str> {
        c.action(n)
            .expect(n)
            .condition_keys()
            .iter()
            .map(|k| k.name())
            .collect()
    };
    let create = keys("ecr:CreateRepository");
    assert!(
        create.contains(&"aws:RequestTag/${TagKey}") && create.contains(&"aws:TagKeys"),
        "{create:?}"
    );
    // From the repository resource type's definition.
    let put = keys("ecr:PutImage");
    assert!(
        put.contains(&"ecr:ResourceTag/${TagKey}") && put.contains(&"aws:ResourceTag/${TagKey}")
    );
    assert!(!put.contains(&"ecr:AccountSetting"));
    assert!(keys("ecr:PutAccountSetting").contains(&"ecr:AccountSetting"));

    let put = c.action("ecr:PutImage").expect("exists");
    assert!(put.supports_condition_key("ECR:resourcetag/env")); // C2 + template
    assert!(put.supports_condition_key("aws:SourceIp")); // global
    assert!(!put.supports_condition_key("ecr:AccountSetting"));
    assert!(!put.supports_condition_key("s3:prefix"));
}

#[test]
fn resource_type_of_an_arn() {
    let c = cat();
    let rts = |arn: &str| -> Vec<String> {
        c.resource_types_for_arn(arn)
            .iter()
            .map(|r| format!("{}:{}", r.service().prefix(), r.name()))
            .collect()
    };
    assert_eq!(
        rts("arn:aws:ecr:us-east-1:111122223333:repository/project-a/web"),
        ["ecr:repository"]
    );
    // Most specific first: an object ARN also fits the bucket template.
    assert_eq!(
        rts("arn:aws:s3:::my-bucket/key.txt")
            .first()
            .map(String::as_str),
        Some("s3:object")
    );
    assert_eq!(
        rts("arn:aws:s3:::my-bucket").first().map(String::as_str),
        Some("s3:bucket")
    );
    // Other services (ec2, sts, ssm) also declare IAM role ARNs as one of their resource types.
    let role = rts("arn:aws:iam::111122223333:role/path/ci");
    assert!(role.contains(&"iam:role".to_string()), "{role:?}");
    assert!(role.iter().all(|r| r.ends_with("role")), "{role:?}");
    assert!(rts("arn:aws:kms:us-east-1:111122223333:key/1234").contains(&"kms:key".to_string()));
    assert!(rts("arn:aws:ecr:us-east-1:111122223333:nothing/x").is_empty());
    assert!(rts("not an arn").is_empty());
}

#[test]
fn c16_condition_key_types() {
    let c = cat();
    let ty = |k: &str| c.condition_key_type(k);
    assert_eq!(
        ty("aws:SourceIp"),
        Some(KeyType::single(ValueType::IpAddress))
    );
    assert_eq!(ty("aws:TagKeys"), Some(KeyType::multi(ValueType::String)));
    assert_eq!(
        ty("aws:CurrentTime"),
        Some(KeyType::single(ValueType::Date))
    );
    assert_eq!(
        ty("aws:SecureTransport"),
        Some(KeyType::single(ValueType::Bool))
    );
    assert_eq!(
        ty("aws:MultiFactorAuthAge"),
        Some(KeyType::single(ValueType::Numeric))
    );
    assert_eq!(
        ty("aws:PrincipalTag/team"),
        Some(KeyType::single(ValueType::String))
    );
    assert_eq!(
        ty("ecr:AccountSetting"),
        Some(KeyType::single(ValueType::String))
    );
    assert_eq!(
        ty("ecr:resourcetag/env"),
        Some(KeyType::single(ValueType::String))
    );
    assert_eq!(
        ty("kms:EncryptionContextKeys"),
        Some(KeyType::multi(ValueType::String))
    );
    assert_eq!(
        ty("iam:PassedToService"),
        Some(KeyType::single(ValueType::String))
    );
    assert_eq!(
        ty("s3:ExistingObjectTag/team"),
        Some(KeyType::single(ValueType::String))
    );
    assert_eq!(
        ty("sts:DurationSeconds"),
        Some(KeyType::single(ValueType::Numeric))
    );
    assert_eq!(ty("nope:Key"), None);
    assert_eq!(ty("aws:NoSuchKey"), None);
    assert_eq!(ty("noprefix"), None);
}

#[test]
fn oidc_and_saml_keys_belong_to_sts() {
    let c = cat();
    let k = c
        .condition_key("token.actions.githubusercontent.com:sub")
        .expect("GitHub OIDC");
    assert_eq!(k.service, Some("sts"));
    let k = c
        .condition_key("token.actions.githubusercontent.com:repository")
        .expect("listed");
    assert_eq!(k.name, "token.actions.githubusercontent.com:repository");
    let k = c.condition_key("SAML:aud").expect("SAML");
    assert_eq!(k.service, Some("sts"));
    // Provider names with a placeholder (GitHub Enterprise Server).
    let k = c
        .condition_key("token.actions.acme.ghe.com:repository")
        .expect("GHE");
    assert_eq!(k.name, "token.actions.${Domain}.ghe.com:repository");
}

#[test]
fn did_you_mean() {
    let c = cat();
    assert_eq!(
        c.suggest_action("ecr:GetAuthorisationToken").as_deref(),
        Some("ecr:GetAuthorizationToken")
    );
    assert_eq!(
        c.suggest_action("s3:GetObjects").as_deref(),
        Some("s3:GetObject")
    );
    // Fixes the service too.
    assert_eq!(
        c.suggest_action("ecrr:PutImage").as_deref(),
        Some("ecr:PutImage")
    );
    assert_eq!(c.suggest_service("ecrr"), Some("ecr"));
    // Nothing to fix, or nothing close.
    assert_eq!(c.suggest_action("ecr:PutImage"), None);
    assert_eq!(c.suggest_action("ecr:CompletelyDifferentThing"), None);
}

#[test]
fn other_services() {
    let c = cat();
    let count = |p: &str| c.service(p).expect(p).actions().len();
    assert_eq!(count("s3"), 180);
    assert_eq!(count("iam"), 190);
    assert_eq!(count("sts"), 16);
    assert_eq!(count("kms"), 58);
    let pass = c.action("iam:PassRole").expect("exists");
    let keys: Vec<_> = pass.condition_keys().iter().map(|k| k.name()).collect();
    assert!(keys.contains(&"iam:PassedToService") && keys.contains(&"iam:AssociatedResourceArn"));
    let role = c
        .service("iam")
        .and_then(|s| s.resource_type("role"))
        .expect("iam role");
    assert_eq!(
        role.arn_templates().collect::<Vec<_>>(),
        ["arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"]
    );
    let assume = c.action("sts:AssumeRole").expect("exists");
    assert!(assume.supports_condition_key("sts:ExternalId"));
    // Several ARN templates for one type.
    let stage = c
        .service("apigateway")
        .and_then(|s| s.resource_type("stage"))
        .expect("stage");
    assert_eq!(stage.arn_templates().count(), 2);
}

/// One service as a plain reading of the whole text gives it: split at LF, then at TAB.
#[derive(Default)]
struct PlainService {
    prefix: String,
    name: String,
    /// (name, type as `KeyType` displays it).
    keys: Vec<(String, String)>,
    /// (name, ARN templates joined by `|`, key names).
    resource_types: Vec<(String, String, Vec<String>)>,
    actions: Vec<PlainAction>,
}

struct PlainAction {
    name: String,
    /// As `AccessLevels` displays them.
    access: String,
    /// (resource type name, required, per-type key names).
    resource_types: Vec<(String, bool, Vec<String>)>,
    /// Own keys, then per type its keys for the action and the keys it defines, without repeats.
    condition_keys: Vec<String>,
}

/// Every service of `text`, read eagerly line by line, names resolved through the indices.
fn read_plainly(text: &str) -> Vec<PlainService> {
    let mut services: Vec<PlainService> = Vec::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        let key_names = |s: &PlainService, list: &str, separator: char| -> Vec<String> {
            list.split(separator)
                .filter(|i| !i.is_empty())
                .map(|i| s.keys[i.parse::<usize>().expect("index")].0.clone())
                .collect()
        };
        match fields[0] {
            "s" => services.push(PlainService {
                prefix: fields[1].into(),
                name: fields[2].into(),
                ..PlainService::default()
            }),
            "k" => {
                let s = services.last_mut().expect("a service");
                let array = fields[2].starts_with('[');
                let value = match fields[2].trim_start_matches('[') {
                    "S" => "String",
                    "A" => "ARN",
                    "N" => "Numeric",
                    "D" => "Date",
                    "B" => "Bool",
                    "I" => "IPAddress",
                    "Y" => "Binary",
                    other => panic!("type {other}"),
                };
                let ty = format!("{}{value}", if array { "ArrayOf" } else { "" });
                s.keys.push((fields[1].into(), ty));
            }
            "r" => {
                let s = services.last_mut().expect("a service");
                let keys = key_names(s, fields[3], ',');
                s.resource_types
                    .push((fields[1].into(), fields[2].into(), keys));
            }
            "a" => {
                let s = services.last_mut().expect("a service");
                let levels = [
                    ('L', "List"),
                    ('R', "Read"),
                    ('W', "Write"),
                    ('P', "Permissions management"),
                    ('T', "Tagging"),
                ];
                let access: Vec<&str> = levels
                    .iter()
                    .filter(|(code, _)| fields[2].contains(*code))
                    .map(|(_, name)| *name)
                    .collect();
                let mut resource_types = Vec::new();
                let mut condition_keys = key_names(s, fields[4], ',');
                for item in fields[3].split(',').filter(|i| !i.is_empty()) {
                    let (head, keys) = item.split_once('=').unwrap_or((item, ""));
                    let required = head.ends_with('!');
                    let i: usize = head.trim_end_matches('!').parse().expect("index");
                    let (name, _, defined) = &s.resource_types[i];
                    let keys = key_names(s, keys, '.');
                    condition_keys.extend(keys.clone());
                    condition_keys.extend(defined.clone());
                    resource_types.push((name.clone(), required, keys));
                }
                let mut seen: Vec<String> = Vec::new();
                condition_keys.retain(|k| {
                    let new = !seen.contains(k);
                    seen.push(k.clone());
                    new
                });
                s.actions.push(PlainAction {
                    name: fields[1].into(),
                    access: access.join(", "),
                    resource_types,
                    condition_keys,
                });
            }
            _ => {}
        }
    }
    services
}

/// Services read on their first lookup answer exactly as an eager reading of the whole text:
/// every service's name, keys (with types), resource types (templates, keys) and actions
/// (access levels, resource types with the required flag and per-type keys, condition keys),
/// one by one; services looked up out of order, on a fresh catalog; ids unique and in order.
#[test]
fn lazily_read_services_answer_as_an_eager_reading() {
    let plain = read_plainly(DATA);
    assert_eq!(plain.len(), 457);
    let c = Catalog::from_text(DATA);
    assert_eq!(c.services().len(), plain.len());
    // From the last service to the first, every other one, then the rest.
    let order = (0..plain.len())
        .rev()
        .step_by(2)
        .chain((0..plain.len()).rev().skip(1).step_by(2));
    for i in order {
        let want = &plain[i];
        let got = c.service(&want.prefix).expect(&want.prefix);
        assert_eq!(got.prefix(), want.prefix);
        assert_eq!(got.name(), want.name);
        let keys: Vec<(String, String)> = got
            .condition_keys()
            .map(|k| (k.name().to_string(), k.key_type().to_string()))
            .collect();
        assert_eq!(keys, want.keys, "{}", want.prefix);
        let types: Vec<(String, String, Vec<String>)> = got
            .resource_types()
            .map(|r| {
                let arns: Vec<&str> = r.arn_templates().collect();
                let keys = r.condition_keys().map(|k| k.name().to_string()).collect();
                (r.name().to_string(), arns.join("|"), keys)
            })
            .collect();
        assert_eq!(types, want.resource_types, "{}", want.prefix);
        assert_eq!(got.actions().len(), want.actions.len(), "{}", want.prefix);
        for (a, w) in got.actions().zip(&want.actions) {
            let full = format!("{}:{}", want.prefix, w.name);
            assert_eq!(a.name(), w.name);
            assert_eq!(a.full_name(), full);
            assert_eq!(a.service().prefix(), want.prefix);
            assert_eq!(a.access_levels().to_string(), w.access, "{full}");
            let types: Vec<(String, bool, Vec<String>)> = a
                .resource_types()
                .map(|r| {
                    let keys = r.condition_keys().map(|k| k.name().to_string()).collect();
                    (r.resource_type.name().to_string(), r.required, keys)
                })
                .collect();
            assert_eq!(types, w.resource_types, "{full}");
            assert_eq!(a.accepts_only_star(), w.resource_types.is_empty(), "{full}");
            let keys: Vec<&str> = a.condition_keys().iter().map(|k| k.name()).collect();
            assert_eq!(keys, w.condition_keys, "{full}");
            assert_eq!(c.action(&full).map(|x| x.id()), Some(a.id()), "{full}");
        }
    }
    let ids: Vec<u32> = c.actions().map(|a| a.id()).collect();
    assert_eq!(
        ids.len(),
        plain.iter().map(|s| s.actions.len()).sum::<usize>()
    );
    assert_eq!(c.actions().len(), ids.len());
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ids unique, in catalog order"
    );
    assert!(c.error().is_none());
}

/// A damaged service record empties that service only, found on its first lookup; the other
/// services answer, and `error` (which reads every service) names the line.
#[test]
fn a_damaged_service_is_empty_and_named_by_error() {
    let text = "iamsim-catalog 1\nv\t1\td\ns\ta\tA\na\tDo\tR\t\t\ns\tb\tB\na\tGo\tR\t\t7\n\
                s\tc\tC\na\tRun\tW\t\t\n";
    let c = Catalog::from_text(text);
    assert_eq!(c.services().len(), 3);
    assert!(c.action("a:Do").is_some() && c.action("c:Run").is_some());
    assert!(c.action("b:Go").is_none());
    assert_eq!(c.service("b").map(|s| s.actions().len()), Some(0));
    assert_eq!(c.expand("*").len(), 2);
    let e = c.error().expect("damaged");
    assert_eq!(e.to_string(), "catalog line 6: key index 7 out of range");
}

#[test]
fn a_damaged_catalog_is_empty_not_a_panic() {
    let c = Catalog::from_text("garbage");
    assert!(c.error().is_some());
    assert_eq!(c.services().len(), 0);
    assert!(c.action("ecr:PutImage").is_none());
    assert!(c.expand("*").is_empty());
    assert!(c.suggest_action("ecr:PutImage").is_none());
    assert!(parse_embedded().error().is_none());
}

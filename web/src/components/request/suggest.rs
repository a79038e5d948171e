//! Pure helpers of the request builder, tested natively: action autocomplete (ranking), condition
//! key autocomplete, the principal's kind, and concrete ARNs made from the catalog's templates.

use iamsim_core::catalog::{catalog, Action, KeyType, GLOBAL_KEYS};
use iamsim_core::matching::RequestPrincipal;
use std::sync::OnceLock;

/// At most this many items in an autocomplete list: enough to scan, cheap to render.
pub const MAX_ITEMS: usize = 50;

/// One action offered for the action input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionHit {
    /// `service:Action` in AWS's casing.
    pub name: String,
    /// "Read", "Write, Tagging", …
    pub access: String,
}

/// How well `service:name` (both lowercase) matches the lowercase query; lower is better.
/// A query with a colon matches each side on its own (`ecr:image` finds `ecr:PutImage`).
fn rank(service: &str, name: &str, query: &str) -> Option<u8> {
    match query.split_once(':') {
        Some((qs, qn)) => {
            let same = service == qs;
            if !same && !service.starts_with(qs) {
                return None;
            }
            match (same, name == qn, name.starts_with(qn)) {
                (true, true, _) => Some(0),
                (true, false, true) => Some(1),
                (false, _, true) => Some(2),
                _ if name.contains(qn) => Some(if same { 3 } else { 4 }),
                _ => None,
            }
        }
        None => {
            if name == query {
                Some(0)
            } else if service.starts_with(query) {
                Some(1)
            } else if name.starts_with(query) {
                // `getauth` finds `ecr:GetAuthorizationToken` by its action name.
                Some(2)
            } else if service.contains(query) || name.contains(query) {
                Some(3)
            } else {
                None
            }
        }
    }
}

/// The catalog actions for what was typed: case-insensitive prefix then substring matches over
/// `service:Action`, best first (exact, prefix of the full name, prefix of the action name,
/// substring), then alphabetical; at most `limit`. A query with `*` or `?` lists what the pattern
/// grants (M2). An empty query offers nothing.
pub fn complete_action(query: &str, limit: usize) -> Vec<ActionHit> {
    let query = query.trim().to_ascii_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let cat = catalog();
    if query.contains(['*', '?']) {
        return cat
            .expand(&query)
            .into_iter()
            .take(limit)
            .map(|a| ActionHit {
                name: a.full_name(),
                access: a.access_levels().to_string(),
            })
            .collect();
    }
    let mut buckets: [Vec<Action<'static>>; 5] = Default::default();
    match query.split_once(':') {
        // With a `service:` part only the services it can name are scanned.
        Some((service_part, _)) => {
            let mut buffer = String::new();
            for service in cat.services() {
                let service_lower = service.prefix().to_ascii_lowercase();
                if !service_lower.starts_with(service_part) {
                    continue;
                }
                for action in service.actions() {
                    buffer.clear();
                    buffer.push_str(action.name());
                    buffer.make_ascii_lowercase();
                    if let Some(bucket) = rank(&service_lower, &buffer, &query)
                        .and_then(|r| buckets.get_mut(usize::from(r)))
                    {
                        bucket.push(action);
                    }
                }
            }
        }
        // Otherwise every hit contains the query: one substring search over all the names.
        None => {
            let index = action_index();
            let text = index.text.as_str();
            let mut line = 0usize;
            let mut pos = 0usize;
            // One hit per line: after a hit the search resumes at the next line.
            while let Some(found) = text.get(pos..).and_then(|rest| rest.find(query.as_str())) {
                let at = pos + found;
                while index.starts.get(line + 1).is_some_and(|&next| next <= at) {
                    line += 1;
                }
                let from = index.starts.get(line).copied().unwrap_or(at);
                let to = index.starts.get(line + 1).map_or(text.len(), |&n| n - 1);
                pos = to + 1;
                let full = text.get(from..to).unwrap_or("");
                let (service, name) = full.split_once(':').unwrap_or(("", full));
                // The line contains the query and it holds no colon: rank 3 at worst.
                let r = rank(service, name, &query).unwrap_or(3);
                if let (Some(bucket), Some(action)) =
                    (buckets.get_mut(usize::from(r)), index.actions.get(line))
                {
                    bucket.push(*action);
                }
            }
        }
    }
    // Buckets are in catalog order (by service, then name); only the shown hits get strings.
    buckets
        .iter()
        .flatten()
        .take(limit)
        .map(|a| ActionHit {
            name: a.full_name(),
            access: a.access_levels().to_string(),
        })
        .collect()
}

/// Builds the search index ahead of the first keystroke (the action input calls it on focus).
pub fn warm_up() {
    let _ = action_index();
}

/// Every action's lowercase `service:name`, one per line, built on first use: a query is one
/// substring search over it instead of lowercasing ~17,000 names per keystroke.
struct ActionIndex {
    text: String,
    /// Byte offset of each line.
    starts: Vec<usize>,
    actions: Vec<Action<'static>>,
}

fn action_index() -> &'static ActionIndex {
    static INDEX: OnceLock<ActionIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let cat = catalog();
        let mut index = ActionIndex {
            text: String::with_capacity(cat.action_count() * 28),
            starts: Vec::with_capacity(cat.action_count()),
            actions: Vec::with_capacity(cat.action_count()),
        };
        for action in cat.actions() {
            index.starts.push(index.text.len());
            index.text.push_str(action.service().prefix());
            index.text.push(':');
            index.text.push_str(action.name());
            index.text.push('\n');
            index.actions.push(action);
        }
        index.text.make_ascii_lowercase();
        index
    })
}

/// "Did you mean" for an action the catalog does not know (`None` when it is known, a pattern,
/// or nothing is close).
pub fn did_you_mean(action: &str) -> Option<String> {
    let action = action.trim();
    if action.is_empty() || action.contains(['*', '?']) {
        return None;
    }
    catalog().suggest_action(action)
}

/// Whether the catalog knows the action.
pub fn is_known_action(action: &str) -> bool {
    catalog().action(action.trim()).is_some()
}

/// One condition key offered for a context row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyHit {
    /// As documented (tag keys keep their `${TagKey}` template).
    pub name: String,
    pub ty: KeyType,
}

/// The condition keys for what was typed: the global `aws:` keys and the action's own keys,
/// case-insensitive prefix matches first, then substring matches; at most `limit`.
pub fn complete_key(query: &str, action: &str, limit: usize) -> Vec<KeyHit> {
    let query = query.trim().to_ascii_lowercase();
    let mut candidates: Vec<KeyHit> = GLOBAL_KEYS
        .iter()
        .map(|k| KeyHit {
            name: k.name.to_string(),
            ty: k.ty,
        })
        .collect();
    if let Some(a) = catalog().action(action.trim()) {
        for k in a.condition_keys() {
            if !candidates
                .iter()
                .any(|c| c.name.eq_ignore_ascii_case(k.name()))
            {
                candidates.push(KeyHit {
                    name: k.name().to_string(),
                    ty: k.key_type(),
                });
            }
        }
    }
    let mut ranked: Vec<(u8, KeyHit)> = candidates
        .into_iter()
        .filter_map(|k| {
            let lower = k.name.to_ascii_lowercase();
            let (service, name) = lower.split_once(':').unwrap_or(("", lower.as_str()));
            rank(service, name, &query).map(|r| (r, k))
        })
        .collect();
    // Stable: within a rank, global keys first in AWS's grouping, then the action's keys.
    ranked.sort_by_key(|(r, _)| *r);
    ranked.into_iter().take(limit).map(|(_, k)| k).collect()
}

/// A key's type for people: `String`, `ARN`, `Bool`, … with "multi-valued" for sets (C16), or
/// "unknown key" when the catalog does not have it.
pub fn type_label(ty: Option<KeyType>) -> String {
    match ty {
        Some(t) if t.multi => format!("{} (multi-valued)", t.value.name()),
        Some(t) => t.value.name().to_string(),
        None => "unknown key".to_string(),
    }
}

/// The catalog type of a context key (case-insensitive, tag templates included).
pub fn key_type(key: &str) -> Option<KeyType> {
    catalog().condition_key_type(key.trim())
}

/// The principal's kind for the hint under the input, with the parse error when it does not read.
pub fn principal_hint(text: &str) -> Result<(&'static str, String), String> {
    let principal = RequestPrincipal::parse(text)?;
    let kind = match &principal {
        RequestPrincipal::User { .. } => "IAM user",
        RequestPrincipal::Role { .. } | RequestPrincipal::AssumedRole { .. } => "role session",
        RequestPrincipal::FederatedUser { .. } => "federated user",
        RequestPrincipal::Root { .. } => "root user",
        RequestPrincipal::Service(_) => "service principal",
        RequestPrincipal::Anonymous => "anonymous",
    };
    // The detail adds what the kind does not say: the name, and the account when not the root's.
    let describe = principal.describe();
    let mut detail = match describe.get(..kind.len()) {
        Some(head) if head.eq_ignore_ascii_case(kind) => describe
            .get(kind.len()..)
            .unwrap_or_default()
            .trim()
            .to_string(),
        _ => describe,
    };
    if let Some(account) = principal
        .account()
        .filter(|_| !matches!(principal, RequestPrincipal::Root { .. }))
    {
        detail.push_str(&format!(" in account {account}"));
    }
    Ok((kind, detail))
}

/// Common principal forms, offered as chips: (label, text).
pub fn principal_examples(account: &str) -> [(&'static str, String); 5] {
    [
        ("user", format!("arn:aws:iam::{account}:user/alice")),
        ("role", format!("arn:aws:iam::{account}:role/deploy")),
        (
            "assumed-role session",
            format!("arn:aws:sts::{account}:assumed-role/deploy/ci-session"),
        ),
        ("service", "codebuild.amazonaws.com".to_string()),
        ("anonymous", "anonymous".to_string()),
    ]
}

/// The account and partition a principal names, to fill ARN templates with.
pub fn principal_account(text: &str) -> Option<(String, String)> {
    let p = RequestPrincipal::parse(text).ok()?;
    let account = p.account()?.to_string();
    let partition = match &p {
        RequestPrincipal::User { partition, .. }
        | RequestPrincipal::Role { partition, .. }
        | RequestPrincipal::AssumedRole { partition, .. }
        | RequestPrincipal::FederatedUser { partition, .. }
        | RequestPrincipal::Root { partition, .. } => partition.to_string(),
        _ => "aws".to_string(),
    };
    Some((account, partition))
}

/// A resource the action accepts, as an ARN template and a concrete example of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArnOffer {
    /// The resource type's name, e.g. `repository`.
    pub resource_type: String,
    pub required: bool,
    pub template: String,
    /// The template filled in; `*` for an action without a resource type (M4).
    pub example: String,
    /// Byte range in `example` of the first placeholder filled with a made-up name, for the
    /// input to select after a click (so typing replaces it).
    pub select: Option<(usize, usize)>,
}

/// The resources to offer for an action: one per ARN template of its resource types, filled with
/// the partition and account of the principal (or `aws`/`111122223333`), `us-east-1`, and a
/// kebab-case sample for the other placeholders. An action without a resource type gets `*` (M4).
pub fn arn_offers(action: &str, principal: &str) -> Vec<ArnOffer> {
    let Some(a) = catalog().action(action.trim()) else {
        return Vec::new();
    };
    if a.accepts_only_star() {
        return vec![ArnOffer {
            resource_type: "no resource type".into(),
            required: true,
            template: "*".into(),
            example: "*".into(),
            select: None,
        }];
    }
    let (account, partition) =
        principal_account(principal).unwrap_or_else(|| ("111122223333".into(), "aws".into()));
    let mut offers = Vec::new();
    for rt in a.resource_types() {
        for template in rt.resource_type.arn_templates() {
            let (example, select) = fill_template(template, &partition, &account);
            offers.push(ArnOffer {
                resource_type: rt.resource_type.name().to_string(),
                required: rt.required,
                template: template.to_string(),
                example,
                select,
            });
        }
    }
    offers
}

/// Fills `${Partition}`, `${Region}` and `${Account}`; other `${Name}`s become `name` in kebab
/// case (`${RepositoryName}` → `repository-name`). Returns the text and the first such range.
pub fn fill_template(
    template: &str,
    partition: &str,
    account: &str,
) -> (String, Option<(usize, usize)>) {
    let mut out = String::with_capacity(template.len());
    let mut select = None;
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + 2..).unwrap_or("");
        let Some(end) = after.find('}') else {
            out.push_str(rest.get(start..).unwrap_or(""));
            rest = "";
            break;
        };
        let name = after.get(..end).unwrap_or("");
        rest = after.get(end + 1..).unwrap_or("");
        match name {
            "Partition" => out.push_str(partition),
            "Region" => out.push_str("us-east-1"),
            "Account" => out.push_str(account),
            other => {
                let from = out.len();
                out.push_str(&kebab(other));
                if select.is_none() {
                    select = Some((from, out.len()));
                }
            }
        }
    }
    out.push_str(rest);
    (out, select)
}

fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 && !out.ends_with('-') {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    if out.is_empty() {
        out.push_str("name");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(hits: &[ActionHit]) -> Vec<&str> {
        hits.iter().map(|h| h.name.as_str()).collect()
    }

    #[test]
    fn m1_action_completion_is_case_insensitive_and_ranks_prefix_before_substring() {
        let hits = complete_action("ECR:batchget", MAX_ITEMS);
        assert_eq!(names(&hits).first(), Some(&"ecr:BatchGetImage"));
        let hits = complete_action("ecr:Image", MAX_ITEMS);
        // No ecr action starts with `Image`, so substring hits follow; all contain it.
        assert!(!hits.is_empty());
        assert!(hits
            .iter()
            .all(|h| h.name.to_ascii_lowercase().contains("image")));
        // An exact name comes first, before the longer names it prefixes.
        let hits = complete_action("ecr:PutImage", MAX_ITEMS);
        assert_eq!(names(&hits).first(), Some(&"ecr:PutImage"));
        assert!(names(&hits).contains(&"ecr:PutImageScanningConfiguration"));
    }

    #[test]
    fn action_completion_finds_an_action_by_its_name_alone_and_caps_the_list() {
        let hits = complete_action("getauthorizationtoken", MAX_ITEMS);
        assert!(names(&hits).contains(&"ecr:GetAuthorizationToken"));
        // Name-prefix hits (rank 2) come before substring hits (rank 3).
        let pos = |n: &str| names(&hits).iter().position(|h| *h == n);
        assert!(pos("ecr:GetAuthorizationToken").is_some());
        let hits = complete_action("get", MAX_ITEMS);
        assert_eq!(hits.len(), MAX_ITEMS);
        assert!(complete_action("   ", MAX_ITEMS).is_empty());
        assert!(complete_action("zzzzqqq", MAX_ITEMS).is_empty());
    }

    #[test]
    fn m2_a_wildcard_query_lists_what_the_pattern_grants() {
        let hits = complete_action("ecr:Get*", MAX_ITEMS);
        assert_eq!(hits.len(), 10);
        assert!(hits.iter().all(|h| h.name.starts_with("ecr:Get")));
        let token = hits
            .iter()
            .find(|h| h.name == "ecr:GetAuthorizationToken")
            .expect("token");
        assert_eq!(token.access, "Read");
    }

    #[test]
    fn did_you_mean_fixes_misspelled_actions_only() {
        assert_eq!(
            did_you_mean("ecr:GetAuthorisationToken").as_deref(),
            Some("ecr:GetAuthorizationToken")
        );
        assert_eq!(did_you_mean("ecr:PutImage"), None);
        assert_eq!(did_you_mean("ecr:*"), None);
        assert!(is_known_action("ECR:putimage"));
    }

    #[test]
    fn key_completion_offers_global_and_action_keys() {
        let hits = complete_key("sourceip", "ecr:PutImage", MAX_ITEMS);
        assert_eq!(hits.first().map(|k| k.name.as_str()), Some("aws:SourceIp"));
        let hits = complete_key("ecr:", "ecr:CreateRepository", MAX_ITEMS);
        assert!(hits.iter().any(|k| k.name.starts_with("ecr:")));
        let hits = complete_key("ecr:", "s3:GetObject", MAX_ITEMS);
        assert!(hits.iter().all(|k| !k.name.starts_with("ecr:")));
        let tag_keys = complete_key("aws:TagKeys", "", MAX_ITEMS);
        assert!(tag_keys.first().is_some_and(|k| k.ty.multi));
    }

    #[test]
    fn c16_type_labels_say_multi_valued() {
        assert_eq!(type_label(key_type("aws:TagKeys")), "String (multi-valued)");
        assert_eq!(type_label(key_type("aws:SourceIp")), "IPAddress");
        assert_eq!(type_label(key_type("aws:MultiFactorAuthPresent")), "Bool");
        assert_eq!(type_label(key_type("nope:nothing")), "unknown key");
    }

    #[test]
    fn principal_hints_name_the_kind() {
        let kind = |t: &str| principal_hint(t).map(|(k, _)| k);
        assert_eq!(kind("arn:aws:iam::111122223333:user/alice"), Ok("IAM user"));
        assert_eq!(kind("arn:aws:iam::111122223333:role/r"), Ok("role session"));
        assert_eq!(
            kind("arn:aws:sts::111122223333:assumed-role/r/s"),
            Ok("role session")
        );
        assert_eq!(
            kind("arn:aws:sts::111122223333:federated-user/bob"),
            Ok("federated user")
        );
        assert_eq!(kind("111122223333"), Ok("root user"));
        assert_eq!(kind("codebuild.amazonaws.com"), Ok("service principal"));
        assert_eq!(kind("anonymous"), Ok("anonymous"));
        assert_eq!(
            principal_hint("arn:aws:iam::111122223333:user/alice").map(|(_, d)| d),
            Ok("`alice` in account 111122223333".to_string())
        );
        assert!(principal_hint("alice").is_err());
        for (_, text) in principal_examples("111122223333") {
            assert!(principal_hint(&text).is_ok(), "{text}");
        }
    }

    #[test]
    fn m4_arn_offers_fill_templates_from_the_principal_or_offer_star() {
        let offers = arn_offers("ecr:PutImage", "arn:aws:iam::444455556666:user/alice");
        let repo = offers
            .iter()
            .find(|o| o.resource_type == "repository")
            .expect("repository");
        assert_eq!(
            repo.template,
            "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}"
        );
        assert_eq!(
            repo.example,
            "arn:aws:ecr:us-east-1:444455556666:repository/repository-name"
        );
        let (from, to) = repo.select.expect("a placeholder to select");
        assert_eq!(repo.example.get(from..to), Some("repository-name"));
        let star = arn_offers("ecr:GetAuthorizationToken", "anonymous");
        assert_eq!(star.len(), 1);
        assert_eq!(star[0].example, "*");
        assert!(arn_offers("ecr:Nope", "anonymous").is_empty());
        let (text, select) = fill_template("arn:${Partition}:s3:::${BucketName}", "aws-cn", "1");
        assert_eq!(text, "arn:aws-cn:s3:::bucket-name");
        assert_eq!(select, Some((16, 27)));
    }
}

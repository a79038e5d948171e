//! A scenario as the equivalent `aws iam simulate-custom-policy` command, so that a decision can
//! be confirmed against AWS's own simulator, with notes on everything that simulator cannot
//! express. What the API takes (AWS IAM API reference, SimulateCustomPolicy):
//! - `PolicyInputList` (required): identity policies only: no resource-based policies and no
//!   session ("scope-down") policies;
//! - `PermissionsBoundaryPolicyInputList`, `ResourcePolicy`, `ResourceOwner` (an account as
//!   `arn:aws:iam::ACCOUNT:root`), `ResourceArns`, `ActionNames` (no wildcards);
//! - `CallerArn`: only an IAM user, and required with a `ResourcePolicy`;
//! - `ContextEntries` typed `string`, `numeric`, `boolean`, `ip`, `date`, `binary` or their
//!   `…List` forms.
//!
//! It has no parameter for SCPs, RCPs or VPC endpoint policies.

use super::{NamedPolicy, Scenario};
use crate::catalog::{catalog, ValueType};
use crate::eval::{EvalOptions, PreparedRequest};
use serde_json::{json, Value};

/// The command and what it leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsCliExport {
    /// A POSIX shell command, one option per line.
    pub command: String,
    /// What AWS's simulator cannot express or will treat differently, one sentence each.
    pub notes: Vec<String>,
}

/// An identity policy that allows and denies nothing (`NotAction: *` matches no action), for
/// scenarios without identity policies: `PolicyInputList` cannot be empty.
const NEUTRAL_POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"*","Resource":"*"}]}"#;

/// The scenario's request as an `aws iam simulate-custom-policy` command.
pub fn simulate_custom_policy(scenario: &Scenario) -> AwsCliExport {
    let mut notes = Vec::new();
    let mut args: Vec<(String, Vec<String>)> = Vec::new();
    let request = &scenario.request;
    let policies = &scenario.policies;

    let action = request.action.trim();
    if action.contains(['*', '?']) {
        notes.push(format!(
            "AWS's simulator takes no wildcards in action names: `{action}` will be refused"
        ));
    }
    args.push(("--action-names".into(), vec![action.to_string()]));
    let resource = request.resource.trim();
    if !resource.is_empty() {
        args.push(("--resource-arns".into(), vec![resource.to_string()]));
    }

    let identity: Vec<String> = enabled(&policies.identity, "identity", &mut notes);
    if identity.is_empty() {
        notes.push(
            "the scenario has no identity policy and AWS requires one: the command passes a policy that allows and denies nothing"
                .into(),
        );
        args.push(("--policy-input-list".into(), vec![NEUTRAL_POLICY.into()]));
    } else {
        args.push(("--policy-input-list".into(), identity));
    }
    let boundary = enabled(
        policies.permissions_boundary.as_slice(),
        "permissions boundary",
        &mut notes,
    );
    if !boundary.is_empty() {
        args.push(("--permissions-boundary-policy-input-list".into(), boundary));
    }
    let resource_policy = enabled(policies.resource.as_slice(), "resource", &mut notes);
    let has_resource_policy = !resource_policy.is_empty();
    if let Some(document) = resource_policy.into_iter().next() {
        args.push(("--resource-policy".into(), vec![document]));
    }
    if let Some(account) = resource_account(scenario) {
        args.push((
            "--resource-owner".into(),
            vec![format!("arn:aws:iam::{account}:root")],
        ));
    }
    caller(
        request.principal.trim(),
        has_resource_policy,
        &mut args,
        &mut notes,
    );
    if let Some(entries) = context_entries(scenario) {
        args.push(("--context-entries".into(), vec![entries]));
    }
    not_expressible(scenario, &mut notes);

    let mut command = String::from("aws iam simulate-custom-policy");
    for (option, values) in &args {
        command.push_str(" \\\n  ");
        command.push_str(option);
        for value in values {
            command.push(' ');
            command.push_str(&shell_quote(value));
        }
    }
    command.push_str(" \\\n  --query 'EvaluationResults[0].EvalDecision' --output text");
    notes.push(
        "AWS prints `allowed`, `explicitDeny` or `implicitDeny` (iamsim's `Allow`, `ExplicitDeny`, `ImplicitDeny`)"
            .into(),
    );
    AwsCliExport { command, notes }
}

/// The documents of the enabled policies, compact; disabled ones are left out with a note.
fn enabled(policies: &[NamedPolicy], what: &str, notes: &mut Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for policy in policies {
        if !policy.is_enabled() {
            notes.push(format!(
                "the {what} policy `{}` is switched off in iamsim and left out",
                policy.name
            ));
            continue;
        }
        out.push(document_text(policy, notes));
    }
    out
}

/// The policy text for AWS: compact JSON in its key order when it parses, else as typed.
fn document_text(policy: &NamedPolicy, notes: &mut Vec<String>) -> String {
    match policy.document.value() {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(value) => value.to_string(),
            Err(_) => {
                notes.push(format!(
                    "the policy `{}` is not valid JSON: it is passed as typed and AWS will refuse it",
                    policy.name
                ));
                text.clone()
            }
        },
        other => other.to_string(),
    }
}

/// The account owning the resource, when the scenario gives it (AWS needs it for ARNs that name
/// none, such as S3's).
fn resource_account(scenario: &Scenario) -> Option<String> {
    let request = &scenario.request;
    let given = request.resource_account.as_deref().map(str::trim);
    given.filter(|a| !a.is_empty()).map(str::to_string)
}

/// `--caller-arn` for an IAM user; a note for every principal AWS's simulator cannot take.
fn caller(
    principal: &str,
    has_resource_policy: bool,
    args: &mut Vec<(String, Vec<String>)>,
    notes: &mut Vec<String>,
) {
    let is_user = principal.starts_with("arn:")
        && principal
            .split(':')
            .nth(5)
            .is_some_and(|r| r.starts_with("user/"))
        && principal.split(':').nth(2) == Some("iam");
    if is_user {
        args.push(("--caller-arn".into(), vec![principal.to_string()]));
        return;
    }
    let what = if principal == "anonymous" {
        "an anonymous caller".to_string()
    } else {
        format!("`{principal}`")
    };
    let consequence = if has_resource_policy {
        "it requires `--caller-arn` with `--resource-policy`: add the ARN of an IAM user to stand in for it, in the same account"
    } else {
        "the command simulates the identity policies alone, as for an unnamed IAM user"
    };
    notes.push(format!(
        "AWS's simulator accepts only an IAM user as caller, not {what}: {consequence}"
    ));
}

/// `--context-entries` as JSON: the keys given in the scenario, typed from the catalog.
fn context_entries(scenario: &Scenario) -> Option<String> {
    let context = &scenario.request.context;
    let entries: Vec<Value> = context
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(key, value)| {
            let (values, list) = match value {
                Value::Array(items) => (items.iter().map(plain).collect(), true),
                one => (vec![plain(one)], false),
            };
            json!({
                "ContextKeyName": key,
                "ContextKeyValues": values,
                "ContextKeyType": context_type(key, value, list),
            })
        })
        .collect();
    (!entries.is_empty()).then(|| Value::Array(entries).to_string())
}

fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// AWS's `ContextKeyType` for a key: the catalog's type when it knows the key, else the JSON
/// value's type.
fn context_type(key: &str, value: &Value, list: bool) -> String {
    let from_catalog = catalog().condition_key_type(key);
    let base = match from_catalog.map(|t| t.value) {
        Some(ValueType::Numeric) => "numeric",
        Some(ValueType::Date) => "date",
        Some(ValueType::Bool) => "boolean",
        Some(ValueType::IpAddress) => "ip",
        Some(ValueType::Binary) => "binary",
        Some(ValueType::String | ValueType::Arn) => "string",
        None => {
            let sample = match value {
                Value::Array(items) => items.first().unwrap_or(&Value::Null),
                one => one,
            };
            match sample {
                Value::Number(_) => "numeric",
                Value::Bool(_) => "boolean",
                _ => "string",
            }
        }
    };
    let list = list || from_catalog.is_some_and(|t| t.multi);
    if list {
        format!("{base}List")
    } else {
        base.to_string()
    }
}

/// Notes for the layers AWS's simulator has no parameter for, and for derived keys.
fn not_expressible(scenario: &Scenario, notes: &mut Vec<String>) {
    let policies = &scenario.policies;
    if policies
        .session
        .as_ref()
        .is_some_and(NamedPolicy::is_enabled)
    {
        notes.push("session policies: AWS's simulator has no parameter for them (`PolicyInputList` refuses scope-down policies): the session policy is left out".into());
    }
    if let Some(levels) = &policies.scp {
        notes.push(format!(
            "SCPs ({} level{}): `simulate-custom-policy` has no parameter for them; `simulate-principal-policy` and the console's simulator apply the SCPs really attached to the caller's account",
            levels.len(),
            if levels.len() == 1 { "" } else { "s" }
        ));
    }
    if let Some(levels) = &policies.rcp {
        notes.push(format!(
            "RCPs ({} level{}): AWS's simulator does not evaluate resource control policies at all",
            levels.len(),
            if levels.len() == 1 { "" } else { "s" }
        ));
    }
    if !policies.vpc_endpoint.is_empty() {
        notes.push(
            "VPC endpoint policies: AWS's simulator has no parameter for them: left out".into(),
        );
    }
    if scenario.request.derives_context() {
        let prepared = PreparedRequest::prepare(&scenario.request, &EvalOptions::default());
        if !prepared.derived.is_empty() {
            notes.push(format!(
                "iamsim derives {} from the request; add them to `--context-entries` if the policies test them",
                prepared
                    .derived
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
}

/// Quotes a word for a POSIX shell: single quotes, with `'` written as `'\''`.
fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/@=+,".contains(&b));
    if safe {
        return word.to_string();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::read_scenarios;

    fn scenario(json: &str) -> Scenario {
        read_scenarios(json)
            .pop()
            .and_then(Result::ok)
            .expect("scenario")
    }

    /// Splits a command as a POSIX shell would (quotes, `'\''`, backslash-newline), enough to
    /// check our quoting.
    fn shell_words(command: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut word: Option<String> = None;
        let mut chars = command.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    let w = word.get_or_insert_with(String::new);
                    for q in chars.by_ref() {
                        if q == '\'' {
                            break;
                        }
                        w.push(q);
                    }
                }
                '\\' => match chars.next() {
                    Some('\n') | None => {}
                    Some(other) => word.get_or_insert_with(String::new).push(other),
                },
                ' ' | '\n' => words.extend(word.take()),
                other => word.get_or_insert_with(String::new).push(other),
            }
        }
        words.extend(word);
        words
    }

    fn option<'w>(words: &'w [String], name: &str) -> Vec<&'w str> {
        let start = words.iter().position(|w| w == name);
        start
            .map(|i| {
                words[i + 1..]
                    .iter()
                    .take_while(|w| !w.starts_with("--"))
                    .map(String::as_str)
                    .collect()
            })
            .unwrap_or_default()
    }

    const FULL: &str = r#"{
      "policies": {
        "identity": [
          {"name": "PushWeb", "document": {"Version": "2012-10-17", "Statement": [{"Sid": "It's", "Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*"}]}},
          {"name": "Off", "enabled": false, "document": {"Version": "2012-10-17", "Statement": []}}
        ],
        "permissionsBoundary": {"name": "B", "document": "{ \"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"ecr:*\", \"Resource\": \"*\"}] }"},
        "session": {"name": "S", "document": {"Version": "2012-10-17", "Statement": []}},
        "resource": {"name": "Repo", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}]}},
        "scp": [[{"name": "Full", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}], []],
        "rcp": [[]],
        "vpcEndpoint": [{"name": "E", "document": {"Version": "2012-10-17", "Statement": []}}]
      },
      "request": {
        "principal": "arn:aws:iam::111122223333:user/alice",
        "action": "ecr:PutImage",
        "resource": "arn:aws:ecr:us-east-1:111122223333:repository/web",
        "resourceAccount": "111122223333",
        "context": {"aws:SourceIp": "203.0.113.7", "aws:TagKeys": "team", "aws:MultiFactorAuthPresent": true, "aws:MultiFactorAuthAge": 30, "custom:flags": ["a", "b"]}
      }
    }"#;

    #[test]
    fn every_parameter_aws_supports_is_passed() {
        let export = simulate_custom_policy(&scenario(FULL));
        let words = shell_words(&export.command);
        assert_eq!(&words[..3], ["aws", "iam", "simulate-custom-policy"]);
        assert_eq!(option(&words, "--action-names"), ["ecr:PutImage"]);
        assert_eq!(
            option(&words, "--resource-arns"),
            ["arn:aws:ecr:us-east-1:111122223333:repository/web"]
        );
        // The switched-off policy is left out; the quote inside a Sid survives the shell.
        let identity = option(&words, "--policy-input-list");
        assert_eq!(identity.len(), 1);
        let parsed: Value = serde_json::from_str(identity[0]).expect("json");
        assert_eq!(parsed["Statement"][0]["Sid"], "It's");
        let boundary = option(&words, "--permissions-boundary-policy-input-list");
        assert_eq!(
            boundary,
            [
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}"#
            ]
        );
        assert_eq!(option(&words, "--resource-policy").len(), 1);
        assert_eq!(
            option(&words, "--resource-owner"),
            ["arn:aws:iam::111122223333:root"]
        );
        assert_eq!(
            option(&words, "--caller-arn"),
            ["arn:aws:iam::111122223333:user/alice"]
        );
        let entries: Value =
            serde_json::from_str(option(&words, "--context-entries")[0]).expect("json");
        let typed = |name: &str| {
            entries
                .as_array()
                .and_then(|a| a.iter().find(|e| e["ContextKeyName"] == name))
                .map(|e| (e["ContextKeyType"].clone(), e["ContextKeyValues"].clone()))
        };
        assert_eq!(
            typed("aws:SourceIp"),
            Some((json!("ip"), json!(["203.0.113.7"])))
        );
        // C16: the catalog types aws:TagKeys as multi-valued even when one value is given.
        assert_eq!(
            typed("aws:TagKeys"),
            Some((json!("stringList"), json!(["team"])))
        );
        assert_eq!(
            typed("aws:MultiFactorAuthPresent"),
            Some((json!("boolean"), json!(["true"])))
        );
        assert_eq!(
            typed("aws:MultiFactorAuthAge"),
            Some((json!("numeric"), json!(["30"])))
        );
        assert_eq!(
            typed("custom:flags"),
            Some((json!("stringList"), json!(["a", "b"])))
        );
    }

    #[test]
    fn what_aws_cannot_express_is_noted() {
        let export = simulate_custom_policy(&scenario(FULL));
        let notes = export.notes.join("\n");
        for expected in [
            "`Off` is switched off",
            "session policies",
            "SCPs (2 levels)",
            "RCPs (1 level)",
            "does not evaluate resource control policies",
            "VPC endpoint policies",
            "`aws:PrincipalArn`",
            "`allowed`, `explicitDeny` or `implicitDeny`",
        ] {
            assert!(
                notes.contains(expected),
                "missing {expected:?} in:\n{notes}"
            );
        }
        assert!(
            !export.command.contains("\"Statement\":[]}'"),
            "session policy left out"
        );
    }

    #[test]
    fn callers_aws_cannot_take_are_explained() {
        let role = scenario(
            r#"{"policies": {"resource": {"name": "R", "document": {"Version": "2012-10-17", "Statement": []}}},
                "request": {"principal": "arn:aws:sts::111122223333:assumed-role/ci/b", "action": "ecr:BatchGetImage", "resource": "*"}}"#,
        );
        let export = simulate_custom_policy(&role);
        assert!(!export.command.contains("--caller-arn"));
        assert!(export.notes.iter().any(
            |n| n.contains("accepts only an IAM user") && n.contains("requires `--caller-arn`")
        ));
        // No identity policy: AWS needs one, so a neutral one is passed and said so.
        let words = shell_words(&export.command);
        assert_eq!(option(&words, "--policy-input-list"), [NEUTRAL_POLICY]);
        assert!(export
            .notes
            .iter()
            .any(|n| n.contains("no identity policy")));
    }

    #[test]
    fn wildcard_actions_and_bad_json_are_noted() {
        let s = scenario(
            r#"{"policies": {"identity": [{"name": "Broken", "document": "{ not json"}]},
                "request": {"principal": "arn:aws:iam::111122223333:user/a", "action": "ecr:*", "resource": "*", "deriveContext": false}}"#,
        );
        let export = simulate_custom_policy(&s);
        assert!(export.notes.iter().any(|n| n.contains("no wildcards")));
        assert!(export
            .notes
            .iter()
            .any(|n| n.contains("`Broken` is not valid JSON")));
        assert!(!export.notes.iter().any(|n| n.contains("derives")));
        let words = shell_words(&export.command);
        assert_eq!(option(&words, "--policy-input-list"), ["{ not json"]);
    }

    #[test]
    fn quoting_survives_any_text() {
        for word in [
            "",
            "plain",
            "it's",
            "a b",
            "$(rm -rf /)",
            "'",
            "\\",
            "\n",
            "ü",
        ] {
            let words = shell_words(&format!("x {}", shell_quote(word)));
            let expected: Vec<String> = if word.is_empty() {
                vec!["x".into(), String::new()]
            } else {
                vec!["x".into(), word.into()]
            };
            // An empty quoted word is a word of its own in a shell; our splitter drops it.
            if word.is_empty() {
                assert_eq!(shell_quote(word), "''");
            } else {
                assert_eq!(words, expected, "{word:?}");
            }
        }
    }
}

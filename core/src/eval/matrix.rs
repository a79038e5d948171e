//! The request matrix: one base request (principal, context) evaluated for every action ×
//! resource, each cell with its decision, reasons and deciding layers ([`Brief`], the same as
//! [`evaluate`](super::evaluate) says, without the statement trace).
//!
//! ```
//! use iamsim_core::eval::matrix::{evaluate_matrix, expand_actions};
//! use iamsim_core::eval::{Decision, EvalOptions, PolicySet};
//! use iamsim_core::scenario::RequestSpec;
//!
//! let actions = expand_actions("ecr:Get*, ecr:PutImage");
//! assert_eq!(actions.actions.len(), 11);
//! let base = RequestSpec {
//!     principal: "arn:aws:iam::111122223333:user/alice".into(),
//!     ..Default::default()
//! };
//! let resources = vec!["*".to_string()];
//! let m = evaluate_matrix(
//!     &mut |_| PolicySet::default(),
//!     &base,
//!     &actions.actions,
//!     &resources,
//!     &EvalOptions::default(),
//! );
//! assert_eq!(m.cells.len(), 11);
//! assert!(m.cells.iter().all(|c| c.brief.decision == Decision::ImplicitDeny));
//! ```

use super::evaluate_brief;
use super::prepare::{infer_resource_kind, PolicySet};
use super::request::{EvalOptions, PreparedRequest};
use super::result::{Brief, Decision};
use crate::catalog::catalog;
use crate::policy::ResourceKind;
use crate::scenario::RequestSpec;

/// The most cells a matrix evaluates: beyond this the grid is unreadable and a keystroke would
/// re-evaluate for too long.
pub const MAX_CELLS: usize = 5_000;

/// The actions of a matrix, read from what the user typed, and what was wrong with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionList {
    /// Catalog names (`ecr:PutImage`) in the order written, patterns expanded in catalog order,
    /// without duplicates (compared case-insensitively, M1).
    pub actions: Vec<String>,
    /// One sentence per entry that is not an action or matches nothing.
    pub problems: Vec<String>,
}

/// Reads a list of actions: entries separated by commas, spaces or new lines, each a literal
/// action (`ecr:PutImage`, any case) or a pattern (`ecr:*`, `ecr:Get*`, `s3:*Object`, M2)
/// expanded through the catalog. A literal the catalog does not know is kept as written (AWS
/// evaluates any name; the catalog may lag behind), with a "did you mean" when one is close.
pub fn expand_actions(text: &str) -> ActionList {
    let cat = catalog();
    let mut list = ActionList::default();
    let push = |actions: &mut Vec<String>, name: String| {
        if !actions.iter().any(|a| a.eq_ignore_ascii_case(&name)) {
            actions.push(name);
        }
    };
    let entries = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|e| !e.is_empty());
    for entry in entries {
        if !entry.contains(':') && !entry.bytes().all(|b| b == b'*') {
            list.problems.push(format!(
                "`{entry}` is not an action: write `service:ActionName` or a pattern such as `ecr:*`"
            ));
            continue;
        }
        if entry.contains(['*', '?']) {
            let found = cat.expand(entry);
            if found.is_empty() {
                list.problems.push(no_match(entry));
            }
            for action in found {
                push(&mut list.actions, action.full_name());
            }
            continue;
        }
        match cat.action(entry) {
            Some(action) => push(&mut list.actions, action.full_name()),
            None => {
                let hint = cat
                    .suggest_action(entry)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                list.problems.push(format!(
                    "`{entry}` is not in the catalog{hint}: it is evaluated as written"
                ));
                push(&mut list.actions, entry.to_string());
            }
        }
    }
    list
}

/// "`ecs:Pushh*` matches no action", with the closest service when the prefix is unknown.
fn no_match(pattern: &str) -> String {
    let cat = catalog();
    let prefix = pattern.split(':').next().unwrap_or("");
    let hint = if prefix.contains(['*', '?']) || cat.service(prefix).is_some() {
        String::new()
    } else {
        match cat.suggest_service(prefix) {
            Some(s) => format!(": there is no service `{prefix}` (did you mean `{s}`?)"),
            None => format!(": there is no service `{prefix}`"),
        }
    };
    format!("`{pattern}` matches no action{hint}")
}

/// Reads a list of resources: one per line (ARNs may hold commas and spaces), trimmed, without
/// empty lines or duplicates (ARNs are case-sensitive, R1).
pub fn parse_resources(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|r| r == line) {
            out.push(line.to_string());
        }
    }
    out
}

/// One cell: the decision for one action on one resource, as `evaluate` explains it.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixCell {
    pub brief: Brief,
    /// Whether the catalog says the action acts on this resource (`*` for an action without a
    /// resource type, an ARN of one of its resource types otherwise); `None` for an action the
    /// catalog does not know. AWS evaluates the request either way.
    pub fits: Option<bool>,
}

impl MatrixCell {
    /// The deciding layers and why, one line each: "SCP level 1 (OU 1): statement `Deny` of
    /// `Guard` denies the request.", for a tooltip.
    pub fn because(&self) -> Vec<String> {
        because(&self.brief)
    }
}

/// Every cell of a matrix, row-major: `cells[row * resources.len() + column]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matrix {
    /// The rows evaluated (the first ones when the matrix was cut to [`MAX_CELLS`]).
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub cells: Vec<MatrixCell>,
    /// Said plainly when the matrix was cut to [`MAX_CELLS`].
    pub notes: Vec<String>,
}

impl Matrix {
    pub fn cell(&self, row: usize, column: usize) -> Option<&MatrixCell> {
        if column >= self.resources.len() {
            return None;
        }
        self.cells.get(row * self.resources.len() + column)
    }

    /// How many cells have each decision: (Allow, ExplicitDeny, ImplicitDeny).
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |d: Decision| self.cells.iter().filter(|c| c.brief.decision == d).count();
        (
            count(Decision::Allow),
            count(Decision::ExplicitDeny),
            count(Decision::ImplicitDeny),
        )
    }
}

/// Evaluates `base` (its principal, context, resource account) for every action × resource.
///
/// `policies` gives the policy set for a resource-policy kind hint: the resource policy's kind
/// follows the request ([`infer_resource_kind`]: a repository ARN makes it a repository policy,
/// `sts:AssumeRole` on a role a trust policy), so cells may need differently prepared resource
/// policies. It is called at most once per kind. The request is prepared once per resource (the
/// principal, the context and what `deriveContext` fills do not depend on the action).
pub fn evaluate_matrix(
    policies: &mut dyn FnMut(ResourceKind) -> PolicySet,
    base: &RequestSpec,
    actions: &[String],
    resources: &[String],
    options: &EvalOptions,
) -> Matrix {
    let mut notes = Vec::new();
    let resources: Vec<String> = if resources.len() > MAX_CELLS {
        notes.push(format!(
            "only the first {MAX_CELLS} of {} resources are evaluated (a matrix holds at most {MAX_CELLS} cells)",
            resources.len()
        ));
        resources.iter().take(MAX_CELLS).cloned().collect()
    } else {
        resources.to_vec()
    };
    let rows = if resources.is_empty() {
        actions.len()
    } else {
        actions.len().min(MAX_CELLS / resources.len())
    };
    if rows < actions.len() {
        notes.push(format!(
            "only the first {rows} of {} actions are evaluated: {} actions × {} resources is more than {MAX_CELLS} cells",
            actions.len(),
            actions.len(),
            resources.len()
        ));
    }
    let actions: Vec<String> = actions.iter().take(rows).cloned().collect();
    let mut sets: Vec<(ResourceKind, PolicySet)> = Vec::new();
    let mut columns: Vec<PreparedRequest> = resources
        .iter()
        .map(|resource| {
            let spec = RequestSpec {
                resource: resource.clone(),
                ..base.clone()
            };
            PreparedRequest::prepare(&spec, options)
        })
        .collect();
    let cat = catalog();
    let mut cells = Vec::with_capacity(actions.len() * resources.len());
    for action in &actions {
        let known = cat.action(action);
        for req in &mut columns {
            req.set_action(action);
            let kind = infer_resource_kind(&req.action, &req.resource);
            let set = match sets.iter().position(|(k, _)| *k == kind) {
                Some(i) => &sets[i].1,
                None => {
                    sets.push((kind, policies(kind)));
                    &sets[sets.len() - 1].1
                }
            };
            let fits = known.map(|a| {
                if a.accepts_only_star() {
                    req.resource == "*"
                } else {
                    req.resource != "*" && a.accepts_arn(&req.resource)
                }
            });
            cells.push(MatrixCell {
                brief: evaluate_brief(set, req),
                fits,
            });
        }
    }
    Matrix {
        actions,
        resources,
        cells,
        notes,
    }
}

/// The resource types the actions act on, with their ARN templates: the help for the resource
/// list. `*` comes first when some action has no resource type (M4).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceHelp {
    /// `repository`, or `*` for actions without a resource type.
    pub resource_type: &'static str,
    pub service: &'static str,
    pub templates: Vec<&'static str>,
    /// How many of the actions act on it.
    pub actions: usize,
}

/// The resource types of `actions` (catalog names), most used first, then by name.
pub fn resource_help(actions: &[String]) -> Vec<ResourceHelp> {
    let cat = catalog();
    let mut out: Vec<ResourceHelp> = Vec::new();
    let count = |out: &mut Vec<ResourceHelp>,
                 service: &'static str,
                 name: &'static str,
                 templates: &dyn Fn() -> Vec<&'static str>| {
        match out
            .iter_mut()
            .find(|h| h.service == service && h.resource_type == name)
        {
            Some(h) => h.actions += 1,
            None => out.push(ResourceHelp {
                resource_type: name,
                service,
                templates: templates(),
                actions: 1,
            }),
        }
    };
    for action in actions.iter().filter_map(|a| cat.action(a)) {
        if action.accepts_only_star() {
            count(&mut out, "", "*", &|| vec!["*"]);
        }
        for rt in action.resource_types() {
            let r = rt.resource_type;
            count(&mut out, r.service().prefix(), r.name(), &|| {
                r.arn_templates().collect()
            });
        }
    }
    out.sort_by(|a, b| {
        b.actions
            .cmp(&a.actions)
            .then_with(|| a.resource_type.cmp(b.resource_type))
    });
    out
}

/// The deciding layers and why, one line each (see [`MatrixCell::because`]).
pub fn because(brief: &Brief) -> Vec<String> {
    brief
        .reasons
        .iter()
        .map(|r| {
            let label = brief
                .layers
                .iter()
                .find(|l| l.kind == r.kind && l.level == r.level && l.decisive)
                .map(|l| l.label.as_ref())
                // A reason without a policy has no layer row: the root user's own account (D9),
                // or nothing that can grant (D5, D7); its message says it all.
                .or_else(|| (!r.policy.is_empty()).then(|| r.kind.noun()));
            match label {
                Some(label) => format!("{label}: {}", r.message),
                None => r.message.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::evaluate;
    use super::*;
    use crate::scenario::Scenario;

    const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/examples");

    fn scenarios() -> Vec<(String, Scenario)> {
        let mut out = Vec::new();
        let dir = std::fs::read_dir(EXAMPLES).expect("the examples directory");
        for entry in dir.flatten() {
            let path = entry.path();
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            if name == "index.json" || !name.ends_with(".json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("readable example");
            let scenario: Scenario = serde_json::from_str(&text).expect("a scenario");
            out.push((name, scenario));
        }
        assert!(out.len() >= 10, "the examples are found");
        out
    }

    fn names(list: &ActionList) -> Vec<&str> {
        list.actions.iter().map(String::as_str).collect()
    }

    // M2: a pattern expands through the catalog, anchored and case-insensitive.
    #[test]
    fn m2_patterns_expand_through_the_catalog() {
        let all = expand_actions("ecr:*");
        assert_eq!(all.actions.len(), catalog().expand("ecr:*").len());
        assert!(all.actions.len() >= 60);
        assert!(all.problems.is_empty());
        let get = expand_actions("ECR:get*");
        assert!(get.actions.iter().all(|a| a.starts_with("ecr:Get")));
        assert_eq!(get.actions.len(), 10);
        let objects = expand_actions("s3:*Object");
        assert!(names(&objects).contains(&"s3:GetObject"));
        assert!(objects.actions.iter().all(|a| a.ends_with("Object")));
    }

    // M1: literals are canonicalized and duplicates dropped, case-insensitively, in order.
    #[test]
    fn m1_entries_are_split_canonicalized_and_deduplicated() {
        let list = expand_actions("ECR:putimage, ecr:PutImage\n  s3:GetObject ecr:Put*");
        assert_eq!(
            names(&list)[..2],
            ["ecr:PutImage", "s3:GetObject"],
            "{list:?}"
        );
        // `ecr:Put*` adds the other Put actions, not PutImage again.
        assert_eq!(
            list.actions
                .iter()
                .filter(|a| a.eq_ignore_ascii_case("ecr:PutImage"))
                .count(),
            1
        );
        assert!(list.actions.len() > 3);
        assert!(list.problems.is_empty());
    }

    #[test]
    fn unknown_entries_are_reported_clearly() {
        let list = expand_actions("ecr:PutImag, ecr:Nope*, ecrr:*, PutImage");
        // The unknown literal is kept, with a suggestion; the others add nothing.
        assert_eq!(names(&list), ["ecr:PutImag"]);
        assert_eq!(
            list.problems,
            [
                "`ecr:PutImag` is not in the catalog (did you mean `ecr:PutImage`?): it is evaluated as written",
                "`ecr:Nope*` matches no action",
                "`ecrr:*` matches no action: there is no service `ecrr` (did you mean `ecr`?)",
                "`PutImage` is not an action: write `service:ActionName` or a pattern such as `ecr:*`",
            ]
        );
        assert_eq!(expand_actions(" \n, ").actions.len(), 0);
    }

    #[test]
    fn resources_are_one_per_line_without_duplicates() {
        let r = parse_resources(
            "arn:aws:s3:::b/a, b\n\n  *  \narn:aws:s3:::b/a, b\nARN:aws:s3:::b/a, b",
        );
        assert_eq!(r, ["arn:aws:s3:::b/a, b", "*", "ARN:aws:s3:::b/a, b"]);
    }

    fn base() -> RequestSpec {
        RequestSpec {
            principal: "arn:aws:iam::111122223333:user/alice".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_matrix_is_cut_to_max_cells_with_a_note() {
        let actions = expand_actions("ec2:*").actions;
        let resources: Vec<String> = (0..10).map(|i| format!("arn:aws:s3:::b{i}")).collect();
        assert!(actions.len() * resources.len() > MAX_CELLS);
        let m = evaluate_matrix(
            &mut |_| PolicySet::default(),
            &base(),
            &actions,
            &resources,
            &EvalOptions::default(),
        );
        assert_eq!(m.actions.len(), MAX_CELLS / 10);
        assert_eq!(m.cells.len(), MAX_CELLS);
        assert_eq!(m.notes.len(), 1);
        assert!(
            m.notes[0].starts_with("only the first 500 of"),
            "{:?}",
            m.notes
        );
        // Small matrices are whole and say nothing.
        let m = evaluate_matrix(
            &mut |_| PolicySet::default(),
            &base(),
            &actions[..3],
            &resources,
            &EvalOptions::default(),
        );
        assert_eq!((m.cells.len(), m.notes.len()), (30, 0));
    }

    /// The matrix for a scenario: its service's actions (and a few others) × its resource, `*`,
    /// and resources of other kinds, so that the resource policy is prepared as several kinds.
    fn matrix_of(scenario: &Scenario) -> (Matrix, Vec<String>) {
        let service = scenario.request.action.split(':').next().unwrap_or("ecr");
        // Some actions of the service (a debug build evaluates slowly), and a few of others.
        let mut actions: Vec<String> = expand_actions(&format!("{service}:*")).actions;
        actions.truncate(40);
        actions.extend(
            expand_actions("sts:AssumeRole, kms:Decrypt, ecr:GetAuthorizationToken, ecr:PutImage")
                .actions,
        );
        let resources = parse_resources(&format!(
            "{}\n*\narn:aws:ecr:eu-west-1:111122223333:repository/other\narn:aws:kms:us-east-1:111122223333:key/k\narn:aws:iam::111122223333:role/UpdateApp",
            scenario.request.resource
        ));
        let mut prepared = 0;
        let m = evaluate_matrix(
            &mut |kind| {
                prepared += 1;
                PolicySet::prepare(&scenario.policies, kind)
            },
            &scenario.request,
            &actions,
            &resources,
            &EvalOptions::default(),
        );
        assert!(prepared <= 4, "one policy set per resource-policy kind");
        (m, resources)
    }

    // Every cell agrees with `evaluate` on the same request: decision, reasons, layers, notes.
    #[test]
    fn every_cell_agrees_with_evaluate() {
        let mut decisions = [0usize; 3];
        for (name, scenario) in scenarios() {
            let (m, resources) = matrix_of(&scenario);
            assert_eq!(m.cells.len(), m.actions.len() * resources.len());
            for (row, action) in m.actions.iter().enumerate() {
                for (column, resource) in resources.iter().enumerate() {
                    let spec = RequestSpec {
                        action: action.clone(),
                        resource: resource.clone(),
                        ..scenario.request.clone()
                    };
                    let set = PolicySet::prepare(
                        &scenario.policies,
                        infer_resource_kind(action, resource),
                    );
                    let req = PreparedRequest::prepare(&spec, &EvalOptions::default());
                    let full = evaluate(&set, &req);
                    let cell = m.cell(row, column).expect("a cell");
                    let at = format!("{name}: {action} on {resource}");
                    assert_eq!(cell.brief.decision, full.decision, "{at}");
                    assert_eq!(cell.brief.reasons, full.reasons, "{at}");
                    assert_eq!(cell.brief.layers, full.layers, "{at}");
                    assert_eq!(cell.brief.notes, full.notes, "{at}");
                    decisions[match full.decision {
                        Decision::Allow => 0,
                        Decision::ExplicitDeny => 1,
                        Decision::ImplicitDeny => 2,
                    }] += 1;
                }
            }
        }
        // The examples exercise every decision.
        assert!(decisions.iter().all(|&n| n > 0), "{decisions:?}");
    }

    // D1, D3: the hover names the deciding layer and statement.
    #[test]
    fn d1_the_hover_names_the_deciding_layer_and_statement() {
        let (_, scenario) = scenarios()
            .into_iter()
            .find(|(n, _)| n == "scp-region-lock.json")
            .expect("the SCP example");
        let actions = vec!["ec2:RunInstances".to_string(), "iam:CreateRole".to_string()];
        let resources = vec![scenario.request.resource.clone()];
        let m = evaluate_matrix(
            &mut |kind| PolicySet::prepare(&scenario.policies, kind),
            &scenario.request,
            &actions,
            &resources,
            &EvalOptions::default(),
        );
        let deny = m.cell(0, 0).expect("cell");
        assert_eq!(deny.brief.decision, Decision::ExplicitDeny);
        assert_eq!(
            deny.because(),
            ["SCP level 1 (OU 1): statement `DenyAllOutsideEU` of `DenyAllOutsideEU` denies the request."]
        );
        let allow = m.cell(1, 0).expect("cell");
        assert_eq!(allow.brief.decision, Decision::Allow);
        assert_eq!(
            allow.because(),
            ["identity-based policies: statement `AdministratorAccess` of `AdministratorAccess` allows the request."]
        );
        // The EC2 instance is not a resource of iam:CreateRole.
        assert_eq!((deny.fits, allow.fits), (Some(true), Some(false)));
        assert_eq!(m.counts(), (1, 1, 0));
    }

    // D4.4: an implicit deny names the layer without an Allow.
    #[test]
    fn d4_an_implicit_deny_names_the_layer_without_an_allow() {
        let m = evaluate_matrix(
            &mut |_| PolicySet::default(),
            &base(),
            &["ecr:GetAuthorizationToken".to_string()],
            &["*".to_string()],
            &EvalOptions::default(),
        );
        let cell = m.cell(0, 0).expect("cell");
        assert_eq!(cell.brief.decision, Decision::ImplicitDeny);
        assert_eq!(
            cell.because(),
            ["identity-based policies: no statement in the identity-based policies allows `ecr:GetAuthorizationToken`."]
        );
        assert_eq!(cell.fits, Some(true));
        assert!(m.cell(0, 1).is_none() && m.cell(1, 0).is_none());
    }

    #[test]
    fn resource_help_lists_the_actions_resource_types() {
        let help = resource_help(&expand_actions("ecr:*").actions);
        let first = help.first().expect("help");
        assert_eq!(first.resource_type, "repository");
        assert_eq!(
            first.templates,
            ["arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}"]
        );
        assert!(help.iter().any(|h| h.resource_type == "*"));
        assert!(resource_help(&["nope:Nope".to_string()]).is_empty());
    }
}

//! What the matrix view computes, apart from drawing it: its inputs, the policy set for each
//! resource-policy kind, and the timed evaluation of every cell. Pure (natively tested).

use crate::state::{RequestDraft, Slot, State};
use crate::timing;
use iamsim_core::eval::{
    evaluate_matrix, expand_actions, infer_resource_kind, parse_resources, prepare_resource_policy,
    ActionList, EvalOptions, Matrix, PolicySet,
};
use iamsim_core::policy::ResourceKind;
use std::sync::Arc;

/// What the user typed in the matrix view: actions (literals and patterns) and resources (one per
/// line). Principal and context come from the main request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MatrixInputs {
    pub actions: String,
    pub resources: String,
}

impl MatrixInputs {
    /// A first matrix from the main request: every action of its service on its resource.
    pub fn starting_from(request: &RequestDraft) -> MatrixInputs {
        let service = request
            .action
            .split(':')
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty() && !s.contains('*'))
            .unwrap_or("ecr");
        MatrixInputs {
            actions: format!("{service}:*"),
            resources: request.resource.trim().to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.actions.trim().is_empty() && self.resources.trim().is_empty()
    }
}

/// The policy set as the main view would build it for a request whose resource policy is of
/// `kind`: the workspace's set, with the resource policy re-prepared when its kind is not
/// declared and the main request infers another one.
pub fn policies_for(state: &State, kind: ResourceKind) -> PolicySet {
    let mut set = state.policy_set();
    let request = &state.workspace.request;
    if kind == infer_resource_kind(&request.action, &request.resource) {
        return set;
    }
    if let Some(doc) = state
        .policies_in(Slot::Resource)
        .next()
        .filter(|d| d.kind.is_none())
    {
        let (policy, prepared_kind) = prepare_resource_policy(&doc.named(), kind);
        set.resource = Some(Arc::new(policy));
        set.resource_kind = Some(prepared_kind);
    }
    set
}

/// One evaluation of the matrix and how long it took.
#[derive(Clone, Debug, PartialEq)]
pub struct EvaluatedMatrix {
    pub actions: ActionList,
    pub resource_count: usize,
    pub matrix: Matrix,
    /// Milliseconds to evaluate every cell (policy sets included, reading the inputs not).
    pub millis: f64,
    /// The state revision it was evaluated at.
    pub revision: u64,
}

/// Reads the inputs and evaluates every cell for the main request's principal and context.
pub fn evaluate(state: &State, inputs: &MatrixInputs) -> EvaluatedMatrix {
    let actions = expand_actions(&inputs.actions);
    let resources = parse_resources(&inputs.resources);
    let options = EvalOptions {
        now_epoch_seconds: timing::epoch_seconds(),
    };
    let base = state.workspace.request.to_spec();
    let start = timing::now_ms();
    let matrix = evaluate_matrix(
        &mut |kind| policies_for(state, kind),
        &base,
        &actions.actions,
        &resources,
        &options,
    );
    let millis = timing::now_ms() - start;
    EvaluatedMatrix {
        resource_count: resources.len(),
        actions,
        matrix,
        millis,
        revision: state.revision,
    }
}

/// A column heading for a resource: the resource part of an ARN (`repository/web`) and what
/// sets it apart (service, region, account), or `*`.
pub fn resource_heading(resource: &str) -> (String, String) {
    if resource == "*" {
        return ("*".into(), "no resource".into());
    }
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, service, region, account, rest] => {
            let place: Vec<&str> = [*service, *region, *account]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect();
            (rest.to_string(), place.join(" · "))
        }
        _ => (resource.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::examples::state_with;
    use crate::state::Action;
    use std::rc::Rc;
    use yew::Reducible;

    fn load(id: &str) -> State {
        state_with(id)
    }

    fn reduce(state: State, action: Action) -> State {
        (*Rc::new(state).reduce(action)).clone()
    }

    /// Clicking a cell sets the main request's action and resource: the main view then shows the
    /// cell's decision and reasons.
    fn assert_cells_agree_with_the_main_view(state: &State, inputs: &MatrixInputs) -> usize {
        let m = evaluate(state, inputs);
        let mut checked = 0;
        for (row, action) in m.matrix.actions.iter().enumerate() {
            for (column, resource) in m.matrix.resources.iter().enumerate() {
                let opened = reduce(state.clone(), Action::SetAction(action.clone()));
                let opened = reduce(opened, Action::SetResource(resource.clone()));
                let main = opened.evaluate(&EvalOptions::default());
                let cell = m.matrix.cell(row, column).expect("a cell");
                assert_eq!(cell.brief.decision, main.decision, "{action} on {resource}");
                assert_eq!(cell.brief.reasons, main.reasons, "{action} on {resource}");
                checked += 1;
            }
        }
        checked
    }

    // E3, D6: the repository policy is read as a repository policy on a repository ARN and as an
    // ordinary policy elsewhere, in the matrix as in the main view.
    #[test]
    fn e3_every_cell_agrees_with_the_main_view_after_a_click() {
        let state = load("ecr-push-pull");
        let inputs = MatrixInputs {
            actions: "ecr:*".into(),
            resources: format!(
                "{}\narn:aws:ecr:us-east-1:111122223333:repository/other\n*\narn:aws:kms:us-east-1:111122223333:key/k",
                state.workspace.request.resource
            ),
        };
        let n = assert_cells_agree_with_the_main_view(&state, &inputs);
        assert!(n >= 4 * 60, "{n}");
        let state = load("kms-key-policy");
        let inputs = MatrixInputs {
            actions: "kms:Decrypt kms:Encrypt ecr:PutImage".into(),
            resources: format!(
                "{}\narn:aws:ecr:us-east-1:111122223333:repository/web",
                state.workspace.request.resource
            ),
        };
        assert_eq!(assert_cells_agree_with_the_main_view(&state, &inputs), 6);
    }

    #[test]
    fn the_matrix_follows_policy_edits_and_the_request_principal() {
        let state = load("ecr-push-pull");
        let inputs = MatrixInputs::starting_from(&state.workspace.request);
        assert_eq!(inputs.actions, "ecr:*");
        let before = evaluate(&state, &inputs);
        assert_eq!(before.matrix.actions.len(), before.actions.actions.len());
        let (allowed, _, _) = before.matrix.counts();
        assert!(allowed > 0);
        // Switching every policy off leaves nothing allowed.
        let ids: Vec<_> = state.workspace.policies.iter().map(|p| p.id).collect();
        let off = ids
            .into_iter()
            .fold(state.clone(), |s, id| reduce(s, Action::Toggle(id)));
        let after = evaluate(&off, &inputs);
        assert_eq!(after.matrix.counts().0, 0);
        assert!(after.revision > before.revision);
        // Another principal: the cells follow the main request's principal.
        let other = reduce(
            state.clone(),
            Action::SetPrincipal("arn:aws:iam::444455556666:user/mallory".into()),
        );
        assert_eq!(evaluate(&other, &inputs).matrix.counts().0, 0);
    }

    #[test]
    fn a_first_matrix_comes_from_the_main_request() {
        let request = RequestDraft::default();
        let inputs = MatrixInputs::starting_from(&request);
        assert_eq!(inputs.resources, request.resource);
        assert!(!inputs.is_empty() && MatrixInputs::default().is_empty());
        let odd = RequestDraft {
            action: "*".into(),
            ..RequestDraft::default()
        };
        assert_eq!(MatrixInputs::starting_from(&odd).actions, "ecr:*");
    }

    #[test]
    fn column_headings_shorten_arns() {
        assert_eq!(
            resource_heading("arn:aws:ecr:us-east-1:111122223333:repository/web"),
            (
                "repository/web".to_string(),
                "ecr · us-east-1 · 111122223333".to_string()
            )
        );
        assert_eq!(
            resource_heading("arn:aws:s3:::bucket/key:with:colons"),
            ("bucket/key:with:colons".to_string(), "s3".to_string())
        );
        assert_eq!(resource_heading("*").0, "*");
        assert_eq!(resource_heading("not an arn").0, "not an arn");
    }
}

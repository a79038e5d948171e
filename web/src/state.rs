//! The app state and its one reducer. Every transition is a pure function of (state, action), so
//! it is unit-tested natively. Policies are prepared (parsed, validated, compiled) when their text
//! changes, never on evaluation: a keystroke re-prepares one policy and re-evaluates.

use iamsim_core::eval::{
    evaluate, infer_resource_kind, prepare_resource_policy, EvalOptions, EvaluationResult,
    LayerKind, PolicySet, PreparedPolicy, PreparedRequest, Shared,
};
use iamsim_core::policy::{PolicyType, ResourceKind};
use iamsim_core::scenario::{NamedPolicy, Policies, RequestSpec, Scenario, TestCase, FORMAT_V1};
use iamsim_core::span::Span;
use serde_json::{Map, Value};
use std::rc::Rc;
use std::sync::Arc;
use yew::Reducible;

pub type PolicyId = u32;

/// Where a policy sits: its layer and, for SCPs and RCPs, its level (0 = organization root).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Rcp(usize),
    Scp(usize),
    VpcEndpoint,
    Resource,
    Identity,
    PermissionsBoundary,
    Session,
}

impl Slot {
    pub fn layer(self) -> LayerKind {
        match self {
            Slot::Rcp(_) => LayerKind::Rcp,
            Slot::Scp(_) => LayerKind::Scp,
            Slot::VpcEndpoint => LayerKind::VpcEndpoint,
            Slot::Resource => LayerKind::Resource,
            Slot::Identity => LayerKind::Identity,
            Slot::PermissionsBoundary => LayerKind::PermissionsBoundary,
            Slot::Session => LayerKind::Session,
        }
    }

    pub fn level(self) -> Option<usize> {
        match self {
            Slot::Rcp(l) | Slot::Scp(l) => Some(l),
            _ => None,
        }
    }

    /// Layers that hold at most one policy.
    pub fn is_single(self) -> bool {
        matches!(
            self,
            Slot::Resource | Slot::PermissionsBoundary | Slot::Session
        )
    }

    /// A short label for people.
    pub fn label(self) -> String {
        match self {
            Slot::Rcp(l) => format!("RCP level {l}"),
            Slot::Scp(l) => format!("SCP level {l}"),
            Slot::VpcEndpoint => "VPC endpoint".into(),
            Slot::Resource => "Resource policy".into(),
            Slot::Identity => "Identity".into(),
            Slot::PermissionsBoundary => "Permissions boundary".into(),
            Slot::Session => "Session policy".into(),
        }
    }
}

/// The organization policy types that come in levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Org {
    Scp,
    Rcp,
}

impl Org {
    /// The slot of one level of this policy type.
    pub fn slot(self, level: usize) -> Slot {
        match self {
            Org::Scp => Slot::Scp(level),
            Org::Rcp => Slot::Rcp(level),
        }
    }
}

/// The scenario format's levels (root first) of an org policy type, each level read by `of_slot`;
/// `None` when the account is not governed by that type.
fn org_levels<T>(org: Org, count: Option<usize>, of_slot: impl Fn(Slot) -> T) -> Option<Vec<T>> {
    count.map(|n| (0..n).map(|level| of_slot(org.slot(level))).collect())
}

/// One policy in the workspace, with its text exactly as typed.
#[derive(Clone, Debug)]
pub struct PolicyDoc {
    pub id: PolicyId,
    pub slot: Slot,
    pub name: String,
    pub text: String,
    pub enabled: bool,
    /// Resource policy kind as declared (`ecr`, `kms`, `trust`, `generic`); `None` infers it.
    pub kind: Option<String>,
    /// Parsed, validated and compiled from `text`.
    pub prepared: Shared,
    /// For the resource policy: the kind it was prepared as.
    pub prepared_kind: Option<ResourceKind>,
    /// Fields of the scenario's policy entry this version does not know: kept on re-save.
    pub unknown: Map<String, Value>,
}

impl PartialEq for PolicyDoc {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.slot == other.slot
            && self.name == other.name
            && self.text == other.text
            && self.enabled == other.enabled
            && self.kind == other.kind
            && self.prepared_kind == other.prepared_kind
            && self.unknown == other.unknown
    }
}

impl PolicyDoc {
    pub fn named(&self) -> NamedPolicy {
        NamedPolicy {
            name: self.name.clone(),
            document: Value::String(self.text.clone()).into(),
            enabled: (!self.enabled).then_some(false),
            kind: self.kind.clone(),
            unknown: self.unknown.clone(),
        }
    }

    /// (Re)prepares from the current text; `hint` is the inferred resource kind.
    fn prepare(&mut self, hint: ResourceKind) {
        let named = self.named();
        let prepared = match self.slot {
            Slot::Resource => {
                let (policy, kind) = prepare_resource_policy(&named, hint);
                self.prepared_kind = Some(kind);
                policy
            }
            slot => {
                let ty = match slot {
                    Slot::Rcp(_) => PolicyType::Rcp,
                    Slot::Scp(_) => PolicyType::Scp,
                    Slot::VpcEndpoint => PolicyType::VpcEndpoint,
                    Slot::PermissionsBoundary => PolicyType::PermissionsBoundary,
                    Slot::Session => PolicyType::Session,
                    _ => PolicyType::Identity,
                };
                PreparedPolicy::prepare(&named, slot.layer(), slot.level(), ty)
            }
        };
        self.prepared = Arc::new(prepared);
    }
}

/// One row of the context-key table. `value` is as typed; a multi-valued key holds its values
/// separated by commas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContextRow {
    pub key: String,
    pub value: String,
    pub multi: bool,
    /// The JSON type the scenario gave the value(s), kept so that saving and sharing write a
    /// `true` or `30` back as it came, not as a string.
    pub json_type: JsonScalar,
}

/// The JSON type of a context value in a scenario.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum JsonScalar {
    #[default]
    String,
    Number,
    Bool,
}

impl JsonScalar {
    fn of(value: &Value) -> JsonScalar {
        match value {
            Value::Bool(_) => JsonScalar::Bool,
            Value::Number(_) => JsonScalar::Number,
            _ => JsonScalar::String,
        }
    }

    /// The text as this type when it reads as one; a string otherwise (the user edited it).
    fn value(self, text: &str) -> Value {
        match self {
            JsonScalar::Bool => match text {
                "true" => return Value::Bool(true),
                "false" => return Value::Bool(false),
                _ => {}
            },
            JsonScalar::Number => {
                if let Ok(n) = text.parse::<serde_json::Number>() {
                    return Value::Number(n);
                }
            }
            JsonScalar::String => {}
        }
        Value::String(text.to_string())
    }
}

impl ContextRow {
    fn to_json(&self) -> Value {
        if self.multi {
            Value::Array(
                self.value
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| self.json_type.value(v))
                    .collect(),
            )
        } else {
            self.json_type.value(&self.value)
        }
    }

    fn from_json(key: &str, value: &Value) -> ContextRow {
        let scalar = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match value {
            Value::Array(items) => {
                // One type for the row: the items' common type, else text.
                let mut types = items.iter().map(JsonScalar::of);
                let first = types.next().unwrap_or_default();
                ContextRow {
                    key: key.to_string(),
                    value: items.iter().map(scalar).collect::<Vec<_>>().join(", "),
                    multi: true,
                    json_type: if types.all(|t| t == first) {
                        first
                    } else {
                        JsonScalar::String
                    },
                }
            }
            other => ContextRow {
                key: key.to_string(),
                value: scalar(other),
                multi: false,
                json_type: JsonScalar::of(other),
            },
        }
    }
}

/// The request being built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestDraft {
    pub principal: String,
    pub action: String,
    pub resource: String,
    pub resource_account: String,
    pub context: Vec<ContextRow>,
    pub derive_context: bool,
    /// Fields of the scenario's request this version does not know: kept on re-save.
    pub unknown: Map<String, Value>,
}

impl Default for RequestDraft {
    fn default() -> Self {
        RequestDraft {
            principal: "arn:aws:iam::111122223333:user/alice".into(),
            action: "ecr:PutImage".into(),
            resource: "arn:aws:ecr:us-east-1:111122223333:repository/web".into(),
            resource_account: String::new(),
            context: Vec::new(),
            derive_context: true,
            unknown: Map::new(),
        }
    }
}

impl RequestDraft {
    pub fn to_spec(&self) -> RequestSpec {
        let mut context = Map::new();
        for row in self.context.iter().filter(|r| !r.key.trim().is_empty()) {
            context.insert(row.key.trim().to_string(), row.to_json());
        }
        RequestSpec {
            principal: self.principal.clone(),
            action: self.action.clone(),
            resource: self.resource.clone(),
            resource_account: Some(self.resource_account.clone()).filter(|a| !a.trim().is_empty()),
            context,
            derive_context: (!self.derive_context).then_some(false),
            unknown: self.unknown.clone(),
        }
    }

    pub fn from_spec(spec: &RequestSpec) -> RequestDraft {
        RequestDraft {
            principal: spec.principal.clone(),
            action: spec.action.clone(),
            resource: spec.resource.clone(),
            resource_account: spec.resource_account.clone().unwrap_or_default(),
            context: spec
                .context
                .iter()
                .map(|(k, v)| ContextRow::from_json(k, v))
                .collect(),
            derive_context: spec.derives_context(),
            unknown: spec.unknown.clone(),
        }
    }

    fn resource_kind_hint(&self) -> ResourceKind {
        infer_resource_kind(&self.action, &self.resource)
    }
}

/// What the scenario holds besides policies and request, kept so that re-saving loses nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScenarioMeta {
    pub name: Option<String>,
    pub description: Option<String>,
    pub expect: Option<iamsim_core::eval::Decision>,
    pub tests: Vec<TestCase>,
    pub unknown: Map<String, Value>,
    /// Fields of the scenario's `policies` this version does not know: kept on re-save.
    pub policies_unknown: Map<String, Value>,
}

/// Everything the user edits: what a scenario describes.
#[derive(Clone, Debug, PartialEq)]
pub struct Workspace {
    pub policies: Vec<PolicyDoc>,
    /// Number of SCP levels; `None`: the account is not governed by SCPs.
    pub scp_levels: Option<usize>,
    pub rcp_levels: Option<usize>,
    pub request: RequestDraft,
    pub meta: ScenarioMeta,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follow the system's preference.
    #[default]
    System,
    Light,
    Dark,
}

/// A statement to scroll to and flash in the editor; `seq` changes on every request so that
/// clicking the same reason twice flashes twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flash {
    pub policy: PolicyId,
    pub span: Span,
    pub seq: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub workspace: Workspace,
    pub selected: Option<PolicyId>,
    next_id: PolicyId,
    /// The workspace before the last example load or policy removal, for one-step undo.
    pub previous: Option<Rc<Workspace>>,
    pub theme: Theme,
    pub flash: Option<Flash>,
    /// Bumped on every change that can alter the evaluation (memo key for the verdict).
    pub revision: u64,
    /// A message for the user about the last action (e.g. "the policy is not valid JSON").
    pub notice: Option<String>,
}

const STARTER_IDENTITY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PushWeb",
      "Effect": "Allow",
      "Action": ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchCheckLayerAvailability"],
      "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/web"
    }
  ]
}"#;

/// The text a new policy of a slot starts with.
pub fn template_for(slot: Slot) -> &'static str {
    match slot {
        Slot::Resource => "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"},\n      \"Action\": \"ecr:BatchGetImage\"\n    }\n  ]\n}",
        Slot::Scp(_) | Slot::Rcp(_) => "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}",
        _ => "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"ecr:*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}",
    }
}

impl Default for State {
    fn default() -> Self {
        let mut state = State {
            workspace: Workspace {
                policies: Vec::new(),
                scp_levels: None,
                rcp_levels: None,
                request: RequestDraft::default(),
                meta: ScenarioMeta::default(),
            },
            selected: None,
            next_id: 1,
            previous: None,
            theme: Theme::System,
            flash: None,
            revision: 0,
            notice: None,
        };
        let id = state.add_policy(
            Slot::Identity,
            "PushWeb".into(),
            STARTER_IDENTITY.into(),
            true,
            None,
        );
        state.selected = Some(id);
        state
    }
}

/// Every change the app can make.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Select(PolicyId),
    EditText {
        id: PolicyId,
        text: String,
    },
    Rename {
        id: PolicyId,
        name: String,
    },
    Toggle(PolicyId),
    Remove(PolicyId),
    /// Adds a policy to a slot (for a single slot that already has one: selects it).
    Add(Slot),
    /// Sets the declared resource-policy kind (`None`: infer from the request).
    SetKind {
        id: PolicyId,
        kind: Option<String>,
    },
    /// Governs the account by SCPs/RCPs (with `levels` levels) or not (`None`).
    SetOrgLevels {
        org: Org,
        levels: Option<usize>,
    },
    /// Pretty-prints a policy's text when it is valid JSON.
    Format(PolicyId),
    SetPrincipal(String),
    SetAction(String),
    SetResource(String),
    SetResourceAccount(String),
    SetDeriveContext(bool),
    AddContextKey(String),
    SetContextRow {
        index: usize,
        row: ContextRow,
    },
    RemoveContextRow(usize),
    /// Replaces the workspace with a scenario (an example, an import); undo restores it.
    Load(Box<Scenario>),
    /// Restores the workspace saved by the last `Load` or `Remove`.
    Undo,
    /// Opens a saved workspace (reload, switch, incoming link): like `Load`, but with nothing
    /// to undo, as the workspace it replaces is saved under its own name.
    Restore(Box<Scenario>),
    /// Selects the policy a reason or trace row names and flashes the statement.
    Reveal {
        layer: LayerKind,
        level: Option<usize>,
        policy: String,
        span: Span,
    },
    SetTheme(Theme),
    DismissNotice,
    /// Shows a message in the notice bar (e.g. why a file could not be opened); changes nothing else.
    Notify(String),
}

impl State {
    fn add_policy(
        &mut self,
        slot: Slot,
        name: String,
        text: String,
        enabled: bool,
        kind: Option<String>,
    ) -> PolicyId {
        let id = self.next_id;
        self.next_id += 1;
        let hint = self.workspace.request.resource_kind_hint();
        let mut doc = PolicyDoc {
            id,
            slot,
            name,
            text,
            enabled,
            kind,
            prepared: Arc::new(PreparedPolicy::prepare(
                &NamedPolicy {
                    name: String::new(),
                    document: Value::String(String::new()).into(),
                    enabled: None,
                    kind: None,
                    unknown: Map::new(),
                },
                slot.layer(),
                slot.level(),
                PolicyType::Identity,
            )),
            prepared_kind: None,
            unknown: Map::new(),
        };
        doc.prepare(hint);
        self.workspace.policies.push(doc);
        self.workspace.policies.sort_by_key(|p| p.slot);
        id
    }

    pub fn policy(&self, id: PolicyId) -> Option<&PolicyDoc> {
        self.workspace.policies.iter().find(|p| p.id == id)
    }

    fn policy_mut(&mut self, id: PolicyId) -> Option<&mut PolicyDoc> {
        self.workspace.policies.iter_mut().find(|p| p.id == id)
    }

    pub fn selected_policy(&self) -> Option<&PolicyDoc> {
        self.selected.and_then(|id| self.policy(id))
    }

    /// The policies of one slot, in order.
    pub fn policies_in(&self, slot: Slot) -> impl Iterator<Item = &PolicyDoc> {
        self.workspace
            .policies
            .iter()
            .filter(move |p| p.slot == slot)
    }

    /// A name not yet used in the workspace ("Identity policy 2").
    fn fresh_name(&self, slot: Slot) -> String {
        let base = match slot {
            Slot::Identity => "Identity policy".to_string(),
            other => other.label(),
        };
        (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base} {n}")
                }
            })
            .find(|candidate| !self.workspace.policies.iter().any(|p| &p.name == candidate))
            .unwrap_or(base)
    }

    /// Re-prepares the resource policy when the request changes what kind it is.
    fn refresh_resource_kind(&mut self) {
        let hint = self.workspace.request.resource_kind_hint();
        for doc in self
            .workspace
            .policies
            .iter_mut()
            .filter(|p| p.slot == Slot::Resource)
        {
            if doc.kind.is_none() && doc.prepared_kind != Some(hint) {
                doc.prepare(hint);
            }
        }
    }

    /// The policies as a prepared set, ready to evaluate.
    pub fn policy_set(&self) -> PolicySet {
        let ws = &self.workspace;
        let prepared = |slot: Slot| -> Vec<Shared> {
            ws.policies
                .iter()
                .filter(|p| p.slot == slot)
                .map(|p| Arc::clone(&p.prepared))
                .collect()
        };
        let levels = |org: Org, count| org_levels(org, count, prepared);
        let resource = ws.policies.iter().find(|p| p.slot == Slot::Resource);
        PolicySet {
            identity: prepared(Slot::Identity),
            boundary: prepared(Slot::PermissionsBoundary).into_iter().next(),
            session: prepared(Slot::Session).into_iter().next(),
            resource: resource.map(|p| Arc::clone(&p.prepared)),
            resource_kind: resource.and_then(|p| p.prepared_kind),
            scp: levels(Org::Scp, ws.scp_levels),
            rcp: levels(Org::Rcp, ws.rcp_levels),
            vpc_endpoint: prepared(Slot::VpcEndpoint),
        }
    }

    /// Evaluates the workspace's request.
    pub fn evaluate(&self, options: &EvalOptions) -> EvaluationResult {
        let request = PreparedRequest::prepare(&self.workspace.request.to_spec(), options);
        evaluate(&self.policy_set(), &request)
    }

    /// The condition keys the enabled policies test, as first written, without duplicates
    /// (case-insensitive, C2): condition keys and the keys of policy variables (`${aws:username}`)
    /// in resources and condition values. The request builder offers the ones not set.
    pub fn tested_keys(&self) -> Vec<String> {
        use iamsim_core::matching::variables::Template;
        let mut keys: Vec<String> = Vec::new();
        let mut push = |key: &str| {
            let key = key.trim();
            if !key.is_empty() && !keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                keys.push(key.to_string());
            }
        };
        let policies = self.workspace.policies.iter().filter(|p| p.enabled);
        for policy in policies.filter_map(|p| p.prepared.parsed.policy.as_ref()) {
            let variables = policy.version.substitutes_variables();
            for statement in &policy.statements {
                let resources = statement.resource.iter().flat_map(|r| r.values.iter());
                let mut texts: Vec<&str> = resources.map(|v| v.value.as_str()).collect();
                for condition in &statement.conditions {
                    push(&condition.key.value);
                    texts.extend(condition.values.iter().map(|v| v.value.as_str()));
                }
                for text in texts.into_iter().filter(|t| variables && t.contains("${")) {
                    for var in Template::parse(text, true).variables() {
                        push(&var.key);
                    }
                }
            }
        }
        keys
    }

    /// The workspace as a scenario (for saving, sharing and exporting).
    pub fn to_scenario(&self) -> Scenario {
        let ws = &self.workspace;
        let named = |slot: Slot| -> Vec<NamedPolicy> {
            ws.policies
                .iter()
                .filter(|p| p.slot == slot)
                .map(PolicyDoc::named)
                .collect()
        };
        let levels = |org: Org, count| org_levels(org, count, named);
        Scenario {
            format: FORMAT_V1.to_string(),
            name: ws.meta.name.clone(),
            description: ws.meta.description.clone(),
            policies: Policies {
                identity: named(Slot::Identity),
                permissions_boundary: named(Slot::PermissionsBoundary).into_iter().next(),
                session: named(Slot::Session).into_iter().next(),
                resource: named(Slot::Resource).into_iter().next(),
                scp: levels(Org::Scp, ws.scp_levels),
                rcp: levels(Org::Rcp, ws.rcp_levels),
                vpc_endpoint: named(Slot::VpcEndpoint),
                unknown: ws.meta.policies_unknown.clone(),
            },
            request: ws.request.to_spec(),
            expect: ws.meta.expect,
            tests: ws.meta.tests.clone(),
            unknown: ws.meta.unknown.clone(),
        }
    }

    /// Replaces the workspace with a scenario's content. Documents given as JSON objects are
    /// shown pretty-printed, in their key order.
    fn load(&mut self, scenario: &Scenario) {
        self.previous = Some(Rc::new(self.workspace.clone()));
        self.workspace = Workspace {
            policies: Vec::new(),
            scp_levels: scenario.policies.scp.as_ref().map(Vec::len),
            rcp_levels: scenario.policies.rcp.as_ref().map(Vec::len),
            request: RequestDraft::from_spec(&scenario.request),
            meta: ScenarioMeta {
                name: scenario.name.clone(),
                description: scenario.description.clone(),
                expect: scenario.expect,
                tests: scenario.tests.clone(),
                unknown: scenario.unknown.clone(),
                policies_unknown: scenario.policies.unknown.clone(),
            },
        };
        let p = &scenario.policies;
        let mut entries: Vec<(Slot, &NamedPolicy)> = Vec::new();
        entries.extend(p.identity.iter().map(|n| (Slot::Identity, n)));
        entries.extend(
            p.permissions_boundary
                .iter()
                .map(|n| (Slot::PermissionsBoundary, n)),
        );
        entries.extend(p.session.iter().map(|n| (Slot::Session, n)));
        entries.extend(p.resource.iter().map(|n| (Slot::Resource, n)));
        for (l, level) in p.scp.iter().flatten().enumerate() {
            entries.extend(level.iter().map(|n| (Slot::Scp(l), n)));
        }
        for (l, level) in p.rcp.iter().flatten().enumerate() {
            entries.extend(level.iter().map(|n| (Slot::Rcp(l), n)));
        }
        entries.extend(p.vpc_endpoint.iter().map(|n| (Slot::VpcEndpoint, n)));
        for (slot, named) in entries {
            let text = match named.document.value() {
                Value::String(text) => text.clone(),
                other => serde_json::to_string_pretty(other).unwrap_or_default(),
            };
            let name = if named.name.is_empty() {
                self.fresh_name(slot)
            } else {
                named.name.clone()
            };
            let id = self.add_policy(slot, name, text, named.is_enabled(), named.kind.clone());
            if let Some(doc) = self.policy_mut(id).filter(|_| !named.unknown.is_empty()) {
                doc.unknown = named.unknown.clone();
            }
        }
        self.selected = self.workspace.policies.first().map(|p| p.id);
        self.flash = None;
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.notice = None;
        let mut changed = true;
        match action {
            Action::Select(id) => {
                s.selected = Some(id);
                changed = false;
            }
            Action::EditText { id, text } => {
                let hint = s.workspace.request.resource_kind_hint();
                if let Some(doc) = s.policy_mut(id) {
                    doc.text = text;
                    doc.prepare(hint);
                }
            }
            Action::Rename { id, name } => {
                let hint = s.workspace.request.resource_kind_hint();
                if let Some(doc) = s.policy_mut(id) {
                    doc.name = name;
                    doc.prepare(hint);
                }
            }
            Action::Toggle(id) => {
                let hint = s.workspace.request.resource_kind_hint();
                if let Some(doc) = s.policy_mut(id) {
                    doc.enabled = !doc.enabled;
                    doc.prepare(hint);
                }
            }
            Action::Remove(id) => {
                s.previous = Some(Rc::new(s.workspace.clone()));
                s.workspace.policies.retain(|p| p.id != id);
                if s.selected == Some(id) {
                    s.selected = s.workspace.policies.first().map(|p| p.id);
                }
            }
            Action::Add(slot) => {
                if let Some(existing) = slot
                    .is_single()
                    .then(|| s.policies_in(slot).next().map(|p| p.id))
                    .flatten()
                {
                    s.selected = Some(existing);
                    changed = false;
                } else {
                    match slot {
                        Slot::Scp(l) => {
                            s.workspace.scp_levels =
                                Some(s.workspace.scp_levels.unwrap_or(0).max(l + 1))
                        }
                        Slot::Rcp(l) => {
                            s.workspace.rcp_levels =
                                Some(s.workspace.rcp_levels.unwrap_or(0).max(l + 1))
                        }
                        _ => {}
                    }
                    let name = s.fresh_name(slot);
                    let id = s.add_policy(slot, name, template_for(slot).into(), true, None);
                    s.selected = Some(id);
                }
            }
            Action::SetKind { id, kind } => {
                let hint = s.workspace.request.resource_kind_hint();
                if let Some(doc) = s.policy_mut(id) {
                    doc.kind = kind;
                    doc.prepare(hint);
                }
            }
            Action::SetOrgLevels { org, levels } => {
                let levels = levels.map(|n| n.min(7));
                match org {
                    Org::Scp => s.workspace.scp_levels = levels,
                    Org::Rcp => s.workspace.rcp_levels = levels,
                }
                // Policies of levels that no longer exist go (undo keeps them).
                let keep = levels.unwrap_or(0);
                let gone = |p: &PolicyDoc| match (org, p.slot) {
                    (Org::Scp, Slot::Scp(l)) | (Org::Rcp, Slot::Rcp(l)) => l >= keep,
                    _ => false,
                };
                if s.workspace.policies.iter().any(gone) {
                    s.previous = Some(Rc::new(s.workspace.clone()));
                    s.workspace.policies.retain(|p| !gone(p));
                }
            }
            Action::Format(id) => {
                let hint = s.workspace.request.resource_kind_hint();
                let mut notice = None;
                if let Some(doc) = s.policy_mut(id) {
                    match serde_json::from_str::<Value>(&doc.text) {
                        Ok(value) => {
                            doc.text = serde_json::to_string_pretty(&value)
                                .unwrap_or_else(|_| doc.text.clone());
                            doc.prepare(hint);
                        }
                        Err(e) => {
                            notice = Some(format!(
                                "cannot format `{}`: it is not valid JSON ({e})",
                                doc.name
                            ))
                        }
                    }
                }
                s.notice = notice;
            }
            Action::SetPrincipal(v) => s.workspace.request.principal = v,
            Action::SetAction(v) => {
                s.workspace.request.action = v;
                s.refresh_resource_kind();
            }
            Action::SetResource(v) => {
                s.workspace.request.resource = v;
                s.refresh_resource_kind();
            }
            Action::SetResourceAccount(v) => s.workspace.request.resource_account = v,
            Action::SetDeriveContext(v) => s.workspace.request.derive_context = v,
            Action::AddContextKey(key) => {
                let exists = s
                    .workspace
                    .request
                    .context
                    .iter()
                    .any(|r| r.key.eq_ignore_ascii_case(&key));
                if !exists {
                    let multi = iamsim_core::catalog::catalog()
                        .condition_key_type(&key)
                        .is_some_and(|t| t.multi);
                    s.workspace.request.context.push(ContextRow {
                        key,
                        value: String::new(),
                        multi,
                        json_type: JsonScalar::String,
                    });
                } else {
                    changed = false;
                }
            }
            Action::SetContextRow { index, row } => {
                if let Some(slot) = s.workspace.request.context.get_mut(index) {
                    *slot = row;
                }
            }
            Action::RemoveContextRow(index) => {
                if index < s.workspace.request.context.len() {
                    s.workspace.request.context.remove(index);
                }
            }
            Action::Load(scenario) => s.load(&scenario),
            Action::Restore(scenario) => {
                s.load(&scenario);
                s.previous = None;
            }
            Action::Undo => match s.previous.take() {
                Some(previous) => {
                    s.workspace = (*previous).clone();
                    if s.selected.and_then(|id| s.policy(id)).is_none() {
                        s.selected = s.workspace.policies.first().map(|p| p.id);
                    }
                    s.next_id = s
                        .workspace
                        .policies
                        .iter()
                        .map(|p| p.id + 1)
                        .max()
                        .unwrap_or(1)
                        .max(s.next_id);
                }
                None => changed = false,
            },
            Action::Reveal {
                layer,
                level,
                policy,
                span,
            } => {
                let found = s
                    .workspace
                    .policies
                    .iter()
                    .find(|p| {
                        // VPC endpoint reasons carry the policy's index as `level`; the slot has none.
                        let same_level =
                            level.is_none() || p.slot.level().is_none() || p.slot.level() == level;
                        p.slot.layer() == layer && same_level && p.prepared.name == policy
                    })
                    .map(|p| p.id);
                if let Some(id) = found {
                    s.selected = Some(id);
                    let seq = s.flash.map_or(1, |f| f.seq.wrapping_add(1));
                    s.flash = Some(Flash {
                        policy: id,
                        span,
                        seq,
                    });
                }
                changed = false;
            }
            Action::SetTheme(theme) => {
                s.theme = theme;
                changed = false;
            }
            Action::DismissNotice => changed = false,
            Action::Notify(message) => {
                s.notice = Some(message);
                changed = false;
            }
        }
        if changed {
            s.revision = s.revision.wrapping_add(1);
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamsim_core::eval::Decision;

    fn reduce(state: State, action: Action) -> State {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn decision(state: &State) -> Decision {
        state.evaluate(&EvalOptions::default()).decision
    }

    #[test]
    fn restoring_a_saved_workspace_loads_it_with_nothing_to_undo() {
        let s = State::default();
        let id = s.selected.expect("selected");
        let s = reduce(s, Action::Remove(id));
        assert!(s.previous.is_some());
        let mut saved = State::default().to_scenario();
        saved.name = Some("saved".into());
        let s = reduce(s, Action::Restore(Box::new(saved.clone())));
        assert_eq!(s.previous, None);
        assert_eq!(s.to_scenario(), saved);
        assert!(s.selected_policy().is_some());
    }

    #[test]
    fn the_starter_workspace_allows_its_request() {
        let s = State::default();
        assert_eq!(decision(&s), Decision::Allow);
        assert!(s.selected_policy().is_some());
    }

    #[test]
    fn editing_text_re_prepares_the_policy_and_flips_the_verdict() {
        let s = State::default();
        let id = s.selected.expect("selected");
        let text = s
            .policy(id)
            .expect("policy")
            .text
            .replace("\"Allow\"", "\"Deny\"");
        let s = reduce(s, Action::EditText { id, text });
        assert_eq!(decision(&s), Decision::ExplicitDeny);
        assert_eq!(s.revision, 1);
    }

    #[test]
    fn a_broken_policy_keeps_its_text_and_reports_diagnostics() {
        let s = State::default();
        let id = s.selected.expect("selected");
        let s = reduce(
            s,
            Action::EditText {
                id,
                text: "{ \"Statement\": [".into(),
            },
        );
        let doc = s.policy(id).expect("policy");
        assert_eq!(doc.text, "{ \"Statement\": [");
        assert!(doc.prepared.diagnostics.iter().any(|d| d.is_error()));
        assert_eq!(decision(&s), Decision::ImplicitDeny);
    }

    #[test]
    fn toggling_a_policy_off_is_a_what_if() {
        let s = State::default();
        let id = s.selected.expect("selected");
        let s = reduce(s, Action::Toggle(id));
        assert_eq!(decision(&s), Decision::ImplicitDeny);
        let s = reduce(s, Action::Toggle(id));
        assert_eq!(decision(&s), Decision::Allow);
    }

    #[test]
    fn adding_an_scp_level_without_allow_blocks() {
        let s = State::default();
        let s = reduce(
            s,
            Action::SetOrgLevels {
                org: Org::Scp,
                levels: Some(1),
            },
        );
        // D3: a present level with no policy allows nothing.
        assert_eq!(decision(&s), Decision::ImplicitDeny);
        let s = reduce(s, Action::Add(Slot::Scp(0)));
        assert_eq!(decision(&s), Decision::Allow);
    }

    #[test]
    fn single_slots_hold_one_policy() {
        let s = reduce(State::default(), Action::Add(Slot::PermissionsBoundary));
        let count = s.workspace.policies.len();
        let s = reduce(s, Action::Add(Slot::PermissionsBoundary));
        assert_eq!(s.workspace.policies.len(), count);
    }

    #[test]
    fn load_and_undo_round_trip() {
        let s = State::default();
        let before = s.workspace.clone();
        let scenario: Scenario = serde_json::from_value(serde_json::json!({
            "format": "iamsim/scenario@1",
            "name": "x",
            "policies": { "resource": { "name": "repo", "kind": "ecr", "document": {
                "Version": "2012-10-17",
                "Statement": [{ "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "ecr:*" }] } } },
            "request": { "principal": "arn:aws:iam::111122223333:user/alice", "action": "ecr:BatchGetImage",
                         "resource": "arn:aws:ecr:us-east-1:111122223333:repository/web",
                         "context": { "aws:TagKeys": ["a", "b"] } },
            "expect": "Allow"
        }))
        .expect("scenario");
        let s = reduce(s, Action::Load(Box::new(scenario.clone())));
        assert_eq!(decision(&s), Decision::Allow);
        assert_eq!(
            s.workspace.request.context[0],
            ContextRow {
                key: "aws:TagKeys".into(),
                value: "a, b".into(),
                multi: true,
                json_type: JsonScalar::String,
            }
        );
        // Round trip: the scenario written back decides the same and keeps its metadata.
        let back = s.to_scenario();
        assert_eq!(back.name.as_deref(), Some("x"));
        assert_eq!(back.expect, Some(Decision::Allow));
        assert_eq!(
            back.request.context.get("aws:TagKeys"),
            scenario.request.context.get("aws:TagKeys")
        );
        let s = reduce(s, Action::Undo);
        assert_eq!(s.workspace, before);
    }

    #[test]
    fn context_keys_are_added_once_with_their_catalog_arity() {
        let s = reduce(
            State::default(),
            Action::AddContextKey("aws:TagKeys".into()),
        );
        let s = reduce(s, Action::AddContextKey("AWS:tagkeys".into()));
        assert_eq!(s.workspace.request.context.len(), 1);
        assert!(s.workspace.request.context[0].multi);
    }

    #[test]
    fn format_pretty_prints_valid_json_and_explains_invalid() {
        let s = State::default();
        let id = s.selected.expect("selected");
        let s = reduce(
            s,
            Action::EditText {
                id,
                text: "{\"Version\":\"2012-10-17\",\"Statement\":[]}".into(),
            },
        );
        let s = reduce(s, Action::Format(id));
        assert!(s
            .policy(id)
            .expect("policy")
            .text
            .contains("\n  \"Version\""));
        let s = reduce(
            s,
            Action::EditText {
                id,
                text: "{".into(),
            },
        );
        let s = reduce(s, Action::Format(id));
        assert!(s
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("not valid JSON")));
        assert_eq!(s.policy(id).expect("policy").text, "{");
    }

    #[test]
    fn notify_shows_a_message_and_changes_nothing_else() {
        let s = State::default();
        let before = s.clone();
        let s = reduce(s, Action::Notify("`x.json` could not be read".into()));
        assert_eq!(s.notice.as_deref(), Some("`x.json` could not be read"));
        assert_eq!(s.workspace, before.workspace);
        assert_eq!(s.revision, before.revision);
        let s = reduce(s, Action::DismissNotice);
        assert_eq!(s.notice, None);
    }

    #[test]
    fn reveal_selects_and_flashes_the_statement() {
        let s = State::default();
        let result = s.evaluate(&EvalOptions::default());
        let reason = &result.reasons[0];
        let span = reason.span.expect("span");
        let s = reduce(
            s,
            Action::Reveal {
                layer: reason.kind,
                level: reason.level,
                policy: reason.policy.clone(),
                span,
            },
        );
        let flash = s.flash.expect("flash");
        assert_eq!(flash.span, span);
        let s = reduce(
            s,
            Action::Reveal {
                layer: reason.kind,
                level: reason.level,
                policy: reason.policy.clone(),
                span,
            },
        );
        assert_ne!(s.flash.expect("flash").seq, flash.seq);
    }

    #[test]
    fn tested_keys_lists_condition_and_variable_keys_of_enabled_policies_once() {
        let s = State::default();
        let id = s.selected.expect("selected");
        let text = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ecr:*",
             "Resource": "arn:aws:ecr:*:*:repository/${aws:username}/*",
             "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                           "StringEquals": {"AWS:SOURCEIP": "x", "ecr:ResourceTag/env": "${aws:PrincipalTag/env}"}}}]}"#;
        let s = reduce(
            s,
            Action::EditText {
                id,
                text: text.into(),
            },
        );
        assert_eq!(
            s.tested_keys(),
            vec![
                "aws:SourceIp",
                "ecr:ResourceTag/env",
                "aws:username",
                "aws:PrincipalTag/env"
            ]
        );
        // A policy switched off tests nothing (what-if).
        let s = reduce(s, Action::Toggle(id));
        assert!(s.tested_keys().is_empty());
    }

    #[test]
    fn the_resource_policy_kind_follows_the_request() {
        let s = State::default();
        let s = reduce(s, Action::Add(Slot::Resource));
        let id = s.selected.expect("selected");
        assert_eq!(
            s.policy(id).and_then(|p| p.prepared_kind),
            Some(ResourceKind::EcrRepository)
        );
        let s = reduce(s, Action::SetResource("arn:aws:s3:::bucket/key".into()));
        assert_eq!(
            s.policy(id).and_then(|p| p.prepared_kind),
            Some(ResourceKind::Generic)
        );
    }

    #[test]
    fn saving_writes_typed_values_and_unknown_fields_back_as_they_came() {
        let scenario: Scenario = serde_json::from_value(serde_json::json!({
            "format": "iamsim/scenario@1",
            "policies": {
                "identity": [{ "name": "P", "x-policy": 1, "document": {
                    "Version": "2012-10-17",
                    "Statement": [{ "Effect": "Allow", "Action": "ecr:*", "Resource": "*" }] } }],
                "x-policies": [2]
            },
            "request": {
                "principal": "arn:aws:iam::111122223333:user/alice",
                "action": "ecr:PutImage",
                "resource": "*",
                "context": {
                    "aws:SecureTransport": true,
                    "aws:MultiFactorAuthAge": 30,
                    "aws:TagKeys": ["a", "b"],
                    "custom:Flags": [true, false],
                    "custom:Mixed": [1, "x"],
                    "aws:SourceIp": "203.0.113.7"
                },
                "x-request": "kept"
            }
        }))
        .expect("scenario");
        let s = reduce(State::default(), Action::Load(Box::new(scenario.clone())));
        let mut back = s.to_scenario();
        // A list mixing types is one row of text: written back as strings.
        let mixed = back.request.context.remove("custom:Mixed");
        assert_eq!(mixed, Some(serde_json::json!(["1", "x"])));
        let mut expected = scenario.request.clone();
        expected.context.remove("custom:Mixed");
        assert_eq!(back.request, expected);
        assert_eq!(back.policies.unknown, scenario.policies.unknown);
        assert_eq!(
            back.policies.identity[0].unknown,
            scenario.policies.identity[0].unknown
        );
        // An edit that still reads as the type keeps it; one that does not becomes text.
        let index = |key: &str| {
            s.workspace
                .request
                .context
                .iter()
                .position(|r| r.key == key)
                .expect("row")
        };
        let edit = |s: State, key: &str, value: &str| {
            let i = index(key);
            let mut row = s.workspace.request.context[i].clone();
            row.value = value.into();
            reduce(s, Action::SetContextRow { index: i, row })
        };
        let s = edit(s.clone(), "aws:SecureTransport", "false");
        let s = edit(s, "aws:MultiFactorAuthAge", "soon");
        let context = s.to_scenario().request.context;
        assert_eq!(context["aws:SecureTransport"], serde_json::json!(false));
        assert_eq!(context["aws:MultiFactorAuthAge"], serde_json::json!("soon"));
    }
}

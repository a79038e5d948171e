//! Builds model values directly (not through the parser) for the matching and condition tests.
#![allow(dead_code)]

use iamsim_core::context::{ContextValue, RequestContext};
use iamsim_core::matching::{CompiledStatement, MatchOptions, Request, RequestPrincipal};
use iamsim_core::policy::{
    ConditionEntry, Effect, Operator, Policy, PolicyVersion, PrincipalElement, PrincipalEntry,
    PrincipalKind, Statement, StringElement,
};
use iamsim_core::span::{Span, Spanned};

pub fn sp<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::default())
}

fn strings(negated: bool, values: &[&str]) -> StringElement {
    StringElement {
        negated,
        values: values.iter().map(|v| sp(v.to_string().into())).collect(),
        span: Span::default(),
    }
}

/// A statement under construction: `stmt(Effect::Allow).action(&["s3:*"]).resource(&["*"])`.
#[derive(Clone, Debug)]
pub struct Stmt(pub Statement);

pub fn stmt(effect: Effect) -> Stmt {
    Stmt(Statement {
        index: 0,
        span: Span::default(),
        sid: None,
        effect: Some(sp(effect)),
        principal: None,
        action: None,
        resource: None,
        conditions: Vec::new(),
        condition_span: None,
        invalid: None,
    })
}

pub fn allow() -> Stmt {
    stmt(Effect::Allow)
}

pub fn deny() -> Stmt {
    stmt(Effect::Deny)
}

impl Stmt {
    pub fn action(mut self, v: &[&str]) -> Self {
        self.0.action = Some(strings(false, v));
        self
    }
    pub fn not_action(mut self, v: &[&str]) -> Self {
        self.0.action = Some(strings(true, v));
        self
    }
    pub fn resource(mut self, v: &[&str]) -> Self {
        self.0.resource = Some(strings(false, v));
        self
    }
    pub fn not_resource(mut self, v: &[&str]) -> Self {
        self.0.resource = Some(strings(true, v));
        self
    }
    fn principals(mut self, negated: bool, v: &[(PrincipalKind, &str)]) -> Self {
        self.0.principal = Some(PrincipalElement {
            negated,
            entries: v
                .iter()
                .map(|(kind, value)| PrincipalEntry {
                    kind: *kind,
                    value: sp(value.to_string().into()),
                })
                .collect(),
            span: Span::default(),
        });
        self
    }
    /// `{"AWS": [...]}`.
    pub fn principal(self, v: &[&str]) -> Self {
        let entries: Vec<(PrincipalKind, &str)> =
            v.iter().map(|s| (PrincipalKind::Aws, *s)).collect();
        self.principals(false, &entries)
    }
    pub fn principal_of(self, v: &[(PrincipalKind, &str)]) -> Self {
        self.principals(false, v)
    }
    pub fn not_principal(self, v: &[&str]) -> Self {
        let entries: Vec<(PrincipalKind, &str)> =
            v.iter().map(|s| (PrincipalKind::Aws, *s)).collect();
        self.principals(true, &entries)
    }
    pub fn cond(mut self, operator: &str, key: &str, values: &[&str]) -> Self {
        let op = Operator::parse(operator).expect("test operator is valid");
        self.0.conditions.push(ConditionEntry {
            operator: sp(op),
            key: sp(key.to_string().into()),
            values: values.iter().map(|v| sp(v.to_string().into())).collect(),
            span: Span::default(),
        });
        self
    }
    pub fn invalid(mut self, why: &str) -> Self {
        self.0.invalid = Some(why.to_string());
        self
    }
    pub fn compile(&self) -> CompiledStatement {
        CompiledStatement::compile(&self.0, true)
    }
    /// Compiled as under Version 2008-10-17 (no variables, G2).
    pub fn compile_2008(&self) -> CompiledStatement {
        CompiledStatement::compile(&self.0, false)
    }
}

pub fn policy(version: PolicyVersion, statements: Vec<Stmt>) -> Policy {
    Policy {
        version,
        version_span: None,
        id: None,
        statements: statements
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                s.0.index = i;
                s.0
            })
            .collect(),
        span: Span::default(),
    }
}

/// A context value: `"x"` is single, `["a","b"]` is multi.
pub enum V<'a> {
    S(&'a str),
    M(&'a [&'a str]),
}

pub fn ctx(pairs: &[(&str, V)]) -> RequestContext {
    let mut c = RequestContext::new();
    for (k, v) in pairs {
        let value = match v {
            V::S(s) => ContextValue::Single((*s).into()),
            V::M(m) => ContextValue::Multi(m.iter().map(|s| s.to_string()).collect()),
        };
        c.insert(*k, value);
    }
    c
}

pub fn principal(s: &str) -> RequestPrincipal {
    RequestPrincipal::parse(s).expect("test principal parses")
}

pub const USER: &str = "arn:aws:iam::111122223333:user/alice";

/// Whether `s` applies to (principal, action, resource, context) with `opts`; also checks that
/// `explain` agrees.
pub fn applies_with(
    s: &CompiledStatement,
    p: &RequestPrincipal,
    action: &str,
    resource: &str,
    c: &RequestContext,
    opts: MatchOptions,
) -> bool {
    let req = Request {
        principal: p,
        action,
        resource,
        context: c,
    };
    let fast = s.applies(&req, opts);
    let slow = s.explain(&req, opts);
    assert_eq!(
        fast.is_some(),
        slow.matched,
        "applies and explain disagree: {slow:#?}"
    );
    fast.is_some()
}

/// Identity-policy matching (no principal check).
pub fn applies(s: &CompiledStatement, action: &str, resource: &str, c: &RequestContext) -> bool {
    applies_with(
        s,
        &principal(USER),
        action,
        resource,
        c,
        MatchOptions::default(),
    )
}

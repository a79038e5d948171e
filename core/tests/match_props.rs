//! No matcher panics, whatever it is given (the app runs in wasm, where a panic kills it).

use iamsim_core::condition::binary::decode_base64;
use iamsim_core::condition::date::parse_date;
use iamsim_core::condition::ip::{parse_request_ip, Cidr};
use iamsim_core::condition::numeric::Decimal;
use iamsim_core::condition::CompiledCondition;
use iamsim_core::matching::arn::{ArnConditionPattern, ResourcePattern};
use iamsim_core::matching::variables::Template;
use iamsim_core::matching::wildcard::{glob_tokens, Pattern};
use iamsim_core::matching::{glob_match, RequestPrincipal};
use iamsim_core::policy::{BaseOperator, ConditionEntry, Operator, SetQualifier};
use iamsim_core::span::{Span, Spanned};
use iamsim_core::{ContextValue, RequestContext};
use proptest::prelude::*;

/// Strings rich in the characters matchers care about.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-c*?:/$\\{\\}., '+\\-0-9eTZé]{0,40}",
        "arn:[a-z*?]{0,4}:[a-z0-9*?]{0,4}:[a-z0-9\\-*?]{0,6}:[0-9*?]{0,12}:[a-z/:*?${}]{0,20}",
    ]
}

/// Reference glob matcher (exponential; tiny inputs only).
fn reference(p: &[char], t: &[char]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('*', rest)) => (0..=t.len()).any(|i| reference(rest, &t[i..])),
        Some(('?', rest)) => !t.is_empty() && reference(rest, &t[1..]),
        Some((c, rest)) => t.first() == Some(c) && reference(rest, &t[1..]),
    }
}

proptest! {
    #[test]
    fn m2_glob_agrees_with_reference(p in "[ab*?]{0,8}", t in "[ab]{0,10}") {
        let pc: Vec<char> = p.chars().collect();
        let tc: Vec<char> = t.chars().collect();
        prop_assert_eq!(glob_match(&p, &t), reference(&pc, &tc));
    }

    #[test]
    fn m2_folded_glob_agrees_with_lowercasing_both(p in "[aAbB*?]{0,8}", t in "[aAbB]{0,10}") {
        let lower = glob_match(&p.to_lowercase(), &t.to_lowercase());
        prop_assert_eq!(Pattern::new(&p, true).matches(&t), lower);
    }

    #[test]
    fn matchers_never_panic(a in tricky(), b in tricky()) {
        let _ = glob_match(&a, &b);
        let _ = Pattern::new(&a, true).matches(&b);
        let mut ctx = RequestContext::new();
        ctx.insert("aws:username", ContextValue::Single(b.clone().into()));
        let _ = ResourcePattern::compile(&a, true).check(&b, &ctx, None);
        let tokens: Vec<_> = glob_tokens(&a).collect();
        let _ = ArnConditionPattern::from_tokens(&tokens).compare(&b);
        let _ = Template::parse(&a, true).resolve(&ctx, true);
        let _ = RequestPrincipal::parse(&a);
        let _ = Decimal::parse(&a);
        let _ = parse_date(&a);
        let _ = Cidr::parse(&a);
        let _ = parse_request_ip(&a);
        let _ = decode_base64(&a);
    }

    #[test]
    fn conditions_never_panic(
        op in prop::sample::select(BaseOperator::ALL.to_vec()),
        set in prop::option::of(prop::sample::select(vec![SetQualifier::ForAllValues, SetQualifier::ForAnyValue])),
        if_exists in any::<bool>(),
        values in prop::collection::vec(tricky(), 0..3),
        request in prop::option::of(prop::collection::vec(tricky(), 0..3)),
        multi in any::<bool>(),
    ) {
        let sp = |s: String| Spanned::new(s.into(), Span::default());
        let entry = ConditionEntry {
            operator: Spanned::new(Operator { set, base: op, if_exists: if_exists && op != BaseOperator::Null }, Span::default()),
            key: sp("K".into()),
            values: values.into_iter().map(sp).collect(),
            span: Span::default(),
        };
        let c = CompiledCondition::compile(&entry, true);
        let mut ctx = RequestContext::new();
        if let Some(vs) = request {
            match (multi, vs.first()) {
                (false, Some(v)) => ctx.insert("k", ContextValue::Single(v.clone().into())),
                _ => ctx.insert("k", ContextValue::Multi(vs)),
            }
        }
        let fast = c.evaluate(&ctx);
        prop_assert_eq!(fast, c.explain(&ctx).result);
    }
}

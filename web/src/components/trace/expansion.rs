//! Hover (or focus) on an action pattern shows the actions it grants, from the catalog (M2):
//! `ecr:Get*` → its 10 actions. Expanded only when hovered, and the list is capped.

use iamsim_core::catalog::catalog;
use yew::prelude::*;

/// At most this many actions are listed; the count says how many there are.
pub const SHOWN: usize = 12;

/// The first `cap` actions `pattern` matches, and how many it matches in all.
pub fn expansion(pattern: &str, cap: usize) -> (Vec<String>, usize) {
    let actions = catalog().expand(pattern.trim());
    let total = actions.len();
    (
        actions.iter().take(cap).map(|a| a.full_name()).collect(),
        total,
    )
}

#[derive(Properties, PartialEq)]
pub struct PatternHoverProps {
    pub pattern: String,
    /// A unique id for the popup (`aria-describedby`).
    pub id: String,
}

#[function_component(PatternHover)]
pub fn pattern_hover(props: &PatternHoverProps) -> Html {
    let open = use_state(|| false);
    let show = {
        let open = open.clone();
        Callback::from(move |_: ()| open.set(true))
    };
    let hide = {
        let open = open.clone();
        Callback::from(move |_: ()| open.set(false))
    };
    let popup = open.then(|| {
        let (names, total) = expansion(&props.pattern, SHOWN);
        let head = match total {
            0 => "matches no action in the catalog".to_string(),
            1 => "1 action".to_string(),
            n => format!("{n} actions"),
        };
        html! {
            <span id={props.id.clone()} role="tooltip" class="tr-popup" data-testid="action-expansion"
                  data-count={total.to_string()}>
                <strong>{ head }</strong>
                <ul>{ for names.iter().map(|n| html! { <li class="mono">{ n }</li> }) }</ul>
                if total > names.len() {
                    <span class="tr-more">{ format!("… and {} more", total - names.len()) }</span>
                }
            </span>
        }
    });
    html! {
        <span class="tr-hover">
            <code class="tr-pattern" tabindex="0" data-testid="action-pattern"
                  aria-describedby={open.then(|| props.id.clone())}
                  onmouseenter={show.reform(|_: MouseEvent| ())} onmouseleave={hide.reform(|_: MouseEvent| ())}
                  onfocus={show.reform(|_: FocusEvent| ())} onblur={hide.reform(|_: FocusEvent| ())}>
                { &props.pattern }
            </code>
            { for popup }
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m2_expansion_is_capped_and_counted() {
        let (names, total) = expansion("ecr:Get*", SHOWN);
        assert_eq!(total, 10);
        assert_eq!(names.len(), 10);
        assert!(names.iter().all(|n| n.starts_with("ecr:Get")));
        let (names, total) = expansion("ecr:*", 3);
        assert_eq!(names.len(), 3);
        assert!(total > 3);
        assert_eq!(expansion("nope:Nothing", SHOWN).1, 0);
    }
}

//! The context-key table: one row per key typed (key with autocomplete, its catalog type, a
//! value input checked as typed), then the keys the policies test that the request lacks (one
//! click adds a row), then the keys AWS derives itself, greyed, each with "override".

use super::input_value;
use super::suggest;
use super::value::{row_problem, split_values};
use crate::state::{Action, ContextRow};
use iamsim_core::catalog::{KeyType, ValueType};
use iamsim_core::eval::{ContextEntry, EvaluationResult};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, Clone)]
pub struct ContextTableProps {
    pub rows: Vec<ContextRow>,
    pub action: String,
    pub result: Rc<EvaluationResult>,
    pub tested_keys: Rc<Vec<String>>,
    pub dispatch: Callback<Action>,
}

impl PartialEq for ContextTableProps {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
            && self.action == other.action
            && Rc::ptr_eq(&self.result, &other.result)
            && self.tested_keys == other.tested_keys
            && self.dispatch == other.dispatch
    }
}

/// A key not set by the user that the policies test: (key, whether the evaluation reports it
/// missing from a statement that otherwise matched, i.e. it can change the verdict).
pub fn missing_keys(
    rows: &[ContextRow],
    tested: &[String],
    reported_missing: &[String],
    context: &[ContextEntry],
) -> Vec<(String, bool)> {
    let set = |k: &str| {
        rows.iter().any(|r| r.key.trim().eq_ignore_ascii_case(k))
            || context.iter().any(|c| c.key.eq_ignore_ascii_case(k))
    };
    let mut out: Vec<(String, bool)> = Vec::new();
    for key in reported_missing.iter().chain(tested) {
        if set(key) || out.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
            continue;
        }
        let decisive = reported_missing.iter().any(|m| m.eq_ignore_ascii_case(key));
        out.push((key.clone(), decisive));
    }
    out
}

const KEY_LIST_ID: &str = "rq-context-keys";

#[function_component(ContextTable)]
pub fn context_table(props: &ContextTableProps) -> Html {
    let result = &props.result;
    let missing = missing_keys(
        &props.rows,
        &props.tested_keys,
        &result.missing_context_keys,
        &result.context,
    );
    // Derived keys the policies test come first and stay in view; the others fold away.
    let (derived_tested, derived_other): (Vec<&ContextEntry>, Vec<&ContextEntry>) =
        result.context.iter().filter(|c| c.derived).partition(|c| {
            props
                .tested_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&c.key))
        });
    // Every global key and every key of the action: the browser's datalist filters as one types.
    let key_options = use_memo(props.action.clone(), |action| {
        suggest::complete_key("", action, usize::MAX)
    });
    let add_blank = {
        let dispatch = props.dispatch.clone();
        // A row with an empty key (one at a time: a second blank counts as a duplicate).
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::AddContextKey(String::new())))
    };
    let rows = props.rows.iter().enumerate().map(|(index, row)| {
        html! { <KeyRow {index} row={row.clone()} dispatch={props.dispatch.clone()} /> }
    });
    let missing_items = missing.iter().map(|(key, decisive)| {
        let onclick = {
            let (dispatch, key) = (props.dispatch.clone(), key.clone());
            Callback::from(move |_: MouseEvent| dispatch.emit(Action::AddContextKey(key.clone())))
        };
        let ty = suggest::type_label(suggest::key_type(key));
        html! {
            <li class={classes!("rq-missing", decisive.then_some("decisive"))}>
                <code>{ key }</code>
                <span class="rq-type">{ ty }</span>
                if *decisive {
                    <span class="rq-badge" title="A statement that otherwise matches reads this key">{ "can change the verdict" }</span>
                }
                <button type="button" class="rq-add" data-testid="add-missing-key" data-key={key.clone()}
                        aria-label={format!("Add context key {key}")} {onclick}>{ "+ add" }</button>
            </li>
        }
    });
    let derived_item = |entry: &&ContextEntry| {
        let onclick = {
            let dispatch = props.dispatch.clone();
            let index = props.rows.len();
            let row = ContextRow {
                key: entry.key.to_string(),
                value: entry.values.join(", "),
                multi: entry.multi_valued,
                ..ContextRow::default()
            };
            Callback::from(move |_: MouseEvent| {
                dispatch.emit(Action::AddContextKey(row.key.clone()));
                dispatch.emit(Action::SetContextRow {
                    index,
                    row: row.clone(),
                });
            })
        };
        html! {
            <li class="rq-derived" data-testid="derived-key" data-key={entry.key.to_string()}>
                <code>{ entry.key.to_string() }</code>
                <span class="rq-derived-value mono">{ entry.values.join(", ") }</span>
                <button type="button" class="rq-link" aria-label={format!("Override {}", entry.key)} {onclick}>
                    { "override" }
                </button>
            </li>
        }
    };
    html! {
        <div class="rq-context" role="group" aria-labelledby="rq-context-title">
            <div class="rq-context-head">
                <h3 id="rq-context-title">{ "Context keys" }</h3>
                <button type="button" class="rq-add" data-testid="add-context-row" onclick={add_blank}>{ "+ key" }</button>
            </div>
            <datalist id={KEY_LIST_ID}>
                { for key_options.iter().map(|k| html! { <option value={k.name.clone()}>{ suggest::type_label(Some(k.ty)) }</option> }) }
            </datalist>
            if props.rows.is_empty() {
                <p class="rq-muted rq-empty">{ "No keys typed." }</p>
            } else {
                <ul class="rq-ctx-rows" aria-label="Typed context keys">{ for rows }</ul>
            }
            if !missing.is_empty() {
                <h4 class="rq-subhead">{ "Tested by the policies, not set" }</h4>
                <ul class="rq-keylist" data-testid="missing-keys">{ for missing_items }</ul>
            }
            if !derived_tested.is_empty() || !derived_other.is_empty() {
                <h4 class="rq-subhead">{ "Derived by AWS" }</h4>
                <ul class="rq-keylist" data-testid="derived-keys">{ for derived_tested.iter().map(derived_item) }</ul>
                if !derived_other.is_empty() {
                    <details class="rq-more-derived">
                        <summary>{ format!("{} more derived key(s), not tested by the policies", derived_other.len()) }</summary>
                        <ul class="rq-keylist">{ for derived_other.iter().map(derived_item) }</ul>
                    </details>
                }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct KeyRowProps {
    index: usize,
    row: ContextRow,
    dispatch: Callback<Action>,
}

/// One typed key. The value input keeps whatever is typed; a value that does not read as the
/// key's type gets a message beside it.
#[function_component(KeyRow)]
fn key_row(props: &KeyRowProps) -> Html {
    let KeyRowProps {
        index,
        row,
        dispatch,
    } = props;
    let index = *index;
    let ty: Option<KeyType> = suggest::key_type(&row.key);
    let set = |f: fn(&mut ContextRow, String)| {
        let (dispatch, row) = (dispatch.clone(), row.clone());
        move |value: String| {
            let mut row = row.clone();
            f(&mut row, value);
            dispatch.emit(Action::SetContextRow { index, row });
        }
    };
    let on_key = {
        let apply = set(|row, key| {
            // The catalog decides the arity when it knows the key (C16).
            if let Some(t) = suggest::key_type(&key) {
                row.multi = t.multi;
            }
            row.key = key;
        });
        Callback::from(move |e: InputEvent| apply(input_value(&e)))
    };
    let on_value = {
        let apply = set(|row, value| row.value = value);
        Callback::from(move |e: InputEvent| apply(input_value(&e)))
    };
    let on_bool = {
        let apply = set(|row, value| row.value = value);
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            apply(value)
        })
    };
    let on_remove = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::RemoveContextRow(index)))
    };
    let problem = row_problem(&row.value, row.multi, ty);
    let error_id = format!("rq-ctx-err-{index}");
    let value_label = format!(
        "Value of {}",
        if row.key.is_empty() {
            "the new key"
        } else {
            &row.key
        }
    );
    let is_bool = ty.is_some_and(|t| t.value == ValueType::Bool && !t.multi);
    let bool_ok = row.value.is_empty()
        || row.value.eq_ignore_ascii_case("true")
        || row.value.eq_ignore_ascii_case("false");
    let value_input = if is_bool && bool_ok {
        let v = row.value.to_ascii_lowercase();
        html! {
            <select class="rq-input" data-testid="context-value" aria-label={value_label} onchange={on_bool}>
                <option value="" selected={v.is_empty()}>{ "—" }</option>
                <option value="true" selected={v == "true"}>{ "true" }</option>
                <option value="false" selected={v == "false"}>{ "false" }</option>
            </select>
        }
    } else {
        html! {
            <input
                class={classes!("rq-input", "mono", problem.is_some().then_some("invalid"))}
                data-testid="context-value"
                spellcheck="false"
                autocomplete="off"
                aria-label={value_label}
                aria-invalid={problem.is_some().to_string()}
                aria-describedby={problem.as_ref().map(|_| error_id.clone())}
                placeholder={placeholder(ty, row.multi)}
                value={row.value.clone()}
                oninput={on_value}
            />
        }
    };
    let chips = if row.multi {
        let values = split_values(&row.value, true);
        html! {
            <ul class="rq-values" aria-label="Values">
                { for values.iter().map(|v| html! { <li class="rq-value-chip mono">{ *v }</li> }) }
            </ul>
        }
    } else {
        Html::default()
    };
    html! {
        <li class="rq-ctx-row" data-testid="context-row" data-key={row.key.clone()}>
            <div class="rq-ctx-key">
                <input
                    class="rq-input mono"
                    data-testid="context-key"
                    list={KEY_LIST_ID}
                    spellcheck="false"
                    autocomplete="off"
                    aria-label="Context key"
                    placeholder="aws:SourceIp"
                    value={row.key.clone()}
                    oninput={on_key}
                />
                <span class="rq-type" data-testid="context-type">{ suggest::type_label(ty.map(|t| KeyType { multi: row.multi, ..t })) }</span>
                <button type="button" class="rq-remove" aria-label={format!("Remove {}", row.key)}
                        title="Remove" onclick={on_remove}>{ "×" }</button>
            </div>
            { value_input }
            { chips }
            if let Some(message) = problem {
                <p id={error_id} class="rq-error" data-testid="context-error" role="alert">{ message }</p>
            }
        </li>
    }
}

fn placeholder(ty: Option<KeyType>, multi: bool) -> &'static str {
    match (ty.map(|t| t.value), multi) {
        (_, true) => "value, value, …",
        (Some(ValueType::IpAddress), _) => "203.0.113.7",
        (Some(ValueType::Date), _) => "2026-11-29T12:00:00Z",
        (Some(ValueType::Numeric), _) => "3600",
        (Some(ValueType::Bool), _) => "true or false",
        (Some(ValueType::Arn), _) => "arn:aws:…",
        _ => "value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamsim_core::eval::ContextValues;

    fn entry(key: &str, derived: bool) -> ContextEntry {
        ContextEntry {
            key: key.to_string().into(),
            values: ContextValues::One("v".into()),
            multi_valued: false,
            derived,
        }
    }

    #[test]
    fn missing_keys_leave_out_typed_and_derived_keys_and_flag_reported_ones() {
        let rows = vec![ContextRow {
            key: "aws:SourceIp".into(),
            value: String::new(),
            multi: false,
            ..ContextRow::default()
        }];
        let tested = vec![
            "AWS:sourceip".to_string(),
            "aws:PrincipalArn".to_string(),
            "aws:MultiFactorAuthPresent".to_string(),
            "ecr:ResourceTag/env".to_string(),
        ];
        let reported = vec!["aws:MultiFactorAuthPresent".to_string()];
        let context = vec![entry("aws:principalarn", true)];
        let out = missing_keys(&rows, &tested, &reported, &context);
        assert_eq!(
            out,
            vec![
                ("aws:MultiFactorAuthPresent".to_string(), true),
                ("ecr:ResourceTag/env".to_string(), false),
            ]
        );
    }
}

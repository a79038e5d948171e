//! The coloured layer and the gutter as Yew elements. Each line is its own component over an
//! `Rc<DrawnLine>` that compares by value, so a keystroke re-renders the one line it changed, not
//! the whole text (Yew skips a child whose props are equal).

use super::geometry::Lines;
use super::highlight::{tokenize, TokenKind};
use super::layout::{layout, Mark};
use super::{Highlight, HighlightKind};
use iamsim_core::diagnostic::{Diagnostic, Severity};
use std::rc::Rc;
use yew::prelude::*;

/// The label, badge text and class of a severity.
pub fn severity_info(severity: Severity) -> (&'static str, &'static str, &'static str) {
    match severity {
        Severity::Error => ("Error", "×", "sev-error"),
        Severity::SecurityWarning => ("Security warning", "!!", "sev-security"),
        Severity::Warning => ("Warning", "!", "sev-warning"),
        Severity::Suggestion => ("Suggestion", "i", "sev-suggestion"),
    }
}

pub fn band_class(kind: HighlightKind) -> &'static str {
    match kind {
        HighlightKind::Allow => "band-allow",
        HighlightKind::Deny => "band-deny",
        HighlightKind::Matched => "band-matched",
    }
}

/// A diagnostic's underline: its severity and tooltip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Underline {
    pub severity: Severity,
    pub title: AttrValue,
}

/// A run of a line drawn one way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub text: AttrValue,
    pub token: Option<TokenKind>,
    pub underline: Option<Underline>,
}

/// One line as drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrawnLine {
    pub pieces: Vec<Piece>,
    /// An underline past the line's last char.
    pub eol: Option<Underline>,
}

/// One row of the gutter: the band and the worst diagnostic of its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GutterRow {
    pub band: Option<HighlightKind>,
    pub worst: Option<Severity>,
}

/// The overlay for one text, its diagnostics and highlights.
pub struct Model {
    /// Per line: its key (follows content, unique) and how it is drawn.
    pub lines: Vec<(Rc<str>, Rc<DrawnLine>, Option<HighlightKind>)>,
    pub gutter: Rc<Vec<GutterRow>>,
}

/// The tooltip of a diagnostic.
fn title_of(d: &Diagnostic) -> AttrValue {
    let (label, _, _) = severity_info(d.severity);
    match &d.fix {
        Some(fix) => format!("{label}: {} (fix: {fix})", d.message),
        None => format!("{label}: {}", d.message),
    }
    .into()
}

pub fn build_model(text: &str, diagnostics: &[Diagnostic], highlights: &[Highlight]) -> Model {
    let lines = Lines::new(text);
    let (marks, underlines): (Vec<Mark>, Vec<Underline>) = diagnostics
        .iter()
        .filter_map(|d| {
            let span = d.span.as_ref()?;
            let mark = Mark {
                range: lines.span_bytes(span),
                severity: d.severity,
            };
            let underline = Underline {
                severity: d.severity,
                title: title_of(d),
            };
            Some((mark, underline))
        })
        .unzip();
    let bands: Vec<_> = highlights
        .iter()
        .map(|h| (lines.span_bytes(&h.span), h.kind))
        .collect();
    let views = layout(text, &tokenize(text), &marks, &bands);

    let mut gutter = Vec::with_capacity(views.len());
    let mut drawn = Vec::with_capacity(views.len());
    for view in views {
        let underline = |m: usize| underlines.get(m).cloned();
        let pieces: Vec<Piece> = view
            .segments
            .iter()
            .map(|s| Piece {
                text: piece_text(text, s.range.clone()),
                token: s.token,
                underline: s.mark.and_then(underline),
            })
            .collect();
        let eol = view.eol_mark.and_then(underline);
        let worst = pieces
            .iter()
            .filter_map(|p| p.underline.as_ref())
            .chain(eol.as_ref())
            .map(|u| u.severity)
            .min();
        gutter.push(GutterRow {
            band: view.band,
            worst,
        });
        drawn.push((
            Rc::<str>::from(view.key),
            Rc::new(DrawnLine { pieces, eol }),
            view.band,
        ));
    }
    Model {
        lines: drawn,
        gutter: Rc::new(gutter),
    }
}

/// The text of a piece as drawn: a `\r` is not drawn (the textarea turns `\r\n` into `\n`).
fn piece_text(text: &str, range: std::ops::Range<usize>) -> AttrValue {
    let piece = text.get(range).unwrap_or_default();
    if piece.contains('\r') {
        piece.replace('\r', "").into()
    } else {
        AttrValue::from(piece.to_string())
    }
}

#[derive(Properties, PartialEq)]
pub struct LineProps {
    /// 1-based, for `data-line` (tests and scrolling find lines by it).
    pub number: usize,
    pub line: Rc<DrawnLine>,
    pub band: Option<HighlightKind>,
    /// The flash animation class, while the line flashes.
    pub flash: Option<&'static str>,
}

#[function_component(EdLine)]
pub fn ed_line(props: &LineProps) -> Html {
    let pieces = props.line.pieces.iter().map(|p| {
        let token = p.token.map(TokenKind::class);
        match &p.underline {
            None if token.is_none() => html! { { p.text.clone() } },
            None => html! { <span class={token}>{ p.text.clone() }</span> },
            Some(u) => html! {
                <span class={classes!(token, "ed-mark", severity_info(u.severity).2)}
                      title={u.title.clone()}>{ p.text.clone() }</span>
            },
        }
    });
    let eol = props.line.eol.as_ref().map(|u| {
        html! {
            <span class={classes!("ed-mark", "ed-mark-eol", severity_info(u.severity).2)}
                  title={u.title.clone()}></span>
        }
    });
    html! {
        <div class={classes!("ed-line", props.band.map(band_class), props.flash)}
             data-line={props.number.to_string()}>
            { for pieces }
            { for eol }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct GutterProps {
    pub rows: Rc<Vec<GutterRow>>,
}

/// The line numbers, each marked with its line's band and worst diagnostic.
#[function_component(Gutter)]
pub fn gutter(props: &GutterProps) -> Html {
    let rows = props.rows.iter().enumerate().map(|(i, row)| {
        html! {
            <div key={i} class={classes!(
                "ed-ln",
                row.band.map(band_class),
                row.worst.map(|s| severity_info(s).2),
            )}>{ i + 1 }</div>
        }
    });
    html! { <>{ for rows }</> }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iamsim_core::span::{Position, Span};

    /// A policy of `n` statements, about 7 lines each.
    pub fn big_policy(n: usize) -> String {
        let statements: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "    {{\n      \"Sid\": \"S{i}\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\"ecr:PutImage\", \"ecr:BatchGetImage\"],\n      \"Resource\": \"arn:aws:ecr:us-east-1:111122223333:repository/r{i}\",\n      \"Condition\": {{\"StringEquals\": {{\"aws:PrincipalTag/team\": \"t{i}\"}}}}\n    }}"
                )
            })
            .collect();
        format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n{}\n  ]\n}}",
            statements.join(",\n")
        )
    }

    fn at(line: u32, column: u32) -> Position {
        Position {
            line,
            column,
            offset: 0,
        }
    }

    #[test]
    fn an_edit_changes_only_its_own_line() {
        let text = big_policy(3);
        let before = build_model(&text, &[], &[]);
        let edited = text.replacen("\"S1\"", "\"S1x\"", 1);
        let after = build_model(&edited, &[], &[]);
        let changed: Vec<usize> = before
            .lines
            .iter()
            .zip(&after.lines)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(changed, [11], "only the Sid line of the second statement");
    }

    #[test]
    fn the_model_carries_underlines_bands_and_gutter_marks() {
        let text = "{\n  \"Effect\": \"Alow\"\n}";
        let d = Diagnostic::error(
            "invalid-effect",
            "effect `Alow`",
            Some(Span::new(at(2, 13), at(2, 19))),
        )
        .with_fix("use `Allow`");
        let h = Highlight {
            span: Span::new(at(1, 1), at(3, 2)),
            kind: HighlightKind::Deny,
        };
        let model = build_model(text, &[d], &[h]);
        let (_, line, band) = &model.lines[1];
        assert_eq!(*band, Some(HighlightKind::Deny));
        let marked: Vec<_> = line
            .pieces
            .iter()
            .filter_map(|p| {
                p.underline
                    .as_ref()
                    .map(|u| (p.text.as_str(), u.title.as_str()))
            })
            .collect();
        assert_eq!(
            marked,
            [("\"Alow\"", "Error: effect `Alow` (fix: use `Allow`)")]
        );
        assert_eq!(
            model.gutter.iter().map(|r| r.worst).collect::<Vec<_>>(),
            [None, Some(Severity::Error), None]
        );
    }

    #[test]
    fn building_the_model_of_a_large_policy_is_fast() {
        // 40 statements, 285 lines: several times a typical policy. Release builds are ~6x faster.
        let text = big_policy(40);
        let started = std::time::Instant::now();
        let runs = 20;
        for _ in 0..runs {
            assert_eq!(build_model(&text, &[], &[]).lines.len(), 285);
        }
        let each = started.elapsed() / runs;
        eprintln!("build_model, 285 lines: {each:?}");
        assert!(each.as_millis() < 50, "{each:?}");
    }
}

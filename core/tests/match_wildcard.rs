//! Wildcards (M2, V3) and their linear running time.

use iamsim_core::matching::glob_match;
use iamsim_core::matching::wildcard::{glob_tokens, literal_tokens, Pattern};
use std::time::{Duration, Instant};

#[test]
fn m2_star_matches_any_run_including_none() {
    assert!(glob_match("s3:*", "s3:"));
    assert!(glob_match("s3:*", "s3:GetObject"));
    assert!(glob_match("*Object", "s3:GetObject"));
    assert!(glob_match("s3:*Obj*t", "s3:GetObject"));
    assert!(!glob_match("s3:*Obj*x", "s3:GetObject"));
}

#[test]
fn m2_question_mark_matches_exactly_one_character() {
    assert!(glob_match("s3:?etObject", "s3:GetObject"));
    assert!(!glob_match("s3:?GetObject", "s3:GetObject"));
    assert!(!glob_match("a?", "a"));
    assert!(glob_match("*?", "a"));
    assert!(!glob_match("*?", ""));
}

#[test]
fn m2_matching_is_anchored_at_both_ends() {
    assert!(!glob_match("s3:Get", "s3:GetObject"));
    assert!(!glob_match("GetObject", "s3:GetObject"));
    assert!(glob_match("*", ""));
    assert!(glob_match("", ""));
    assert!(!glob_match("", "a"));
}

#[test]
fn m2_middle_segments_are_found_leftmost_without_overlapping_the_end() {
    // The middle `ab` must not reuse the `ab` anchored at the end.
    assert!(!glob_match("*ab*ab", "xab"));
    assert!(glob_match("*ab*ab", "abab"));
    assert!(glob_match("a*b?d*e", "axxbcdzze"));
    assert!(!glob_match("a*b?d*e", "axxbdzze"));
}

#[test]
fn v3_substituted_text_is_literal() {
    let p = Pattern::from_tokens(
        glob_tokens("home/")
            .chain(literal_tokens("a*b?"))
            .chain(glob_tokens("/*")),
        false,
    );
    assert!(p.matches("home/a*b?/file"));
    assert!(
        !p.matches("home/aXXbY/file"),
        "a substituted `*` or `?` must not act as a wildcard"
    );
}

fn time(f: impl Fn() -> bool) -> (bool, Duration) {
    let start = Instant::now();
    let r = f();
    (r, start.elapsed())
}

/// Generous bound for unoptimised builds on a shared machine; a quadratic algorithm needs
/// hundreds of millions of steps on these inputs and takes seconds even in release.
const LIMIT: Duration = Duration::from_millis(1500);

#[test]
fn m2_many_stars_run_in_linear_time() {
    // `*a*a*a…*b` (10 KB) against `aaaa…` (10 KB): a backtracking matcher explodes here.
    let pattern = format!("{}*b", "*a".repeat(5_000));
    let text = "a".repeat(10_000);
    let p = Pattern::new(&pattern, false);
    let (r, t) = time(|| p.matches(&text));
    assert!(!r);
    assert!(t < LIMIT, "took {t:?}");
    let text_b = format!("{}b", "a".repeat(10_000));
    assert!(p.matches(&text_b));
}

#[test]
fn m2_long_middle_segment_search_is_not_quadratic() {
    // `*aaaa…aab*` against `aaaa…`: naive segment search re-compares the whole segment at
    // every position.
    let pattern = format!("*{}b*", "a".repeat(10_000));
    let text = "a".repeat(20_000);
    let p = Pattern::new(&pattern, false);
    let (r, t) = time(|| p.matches(&text));
    assert!(!r);
    assert!(t < LIMIT, "took {t:?}");
    assert!(p.matches(&format!("{}b", "a".repeat(20_000))));
}

#[test]
fn m2_question_mark_segments_stay_fast() {
    let pattern = format!("*{}b*", "a?".repeat(30));
    let text = "a".repeat(20_000);
    let p = Pattern::new(&pattern, false);
    let (r, t) = time(|| p.matches(&text));
    assert!(!r);
    assert!(t < LIMIT, "took {t:?}");
}

//! Glob matching with `*` (any run, including none) and `?` (exactly one character), anchored at
//! both ends (M2). Case-sensitive: callers that need case-insensitive matching lowercase both sides.
//!
//! PLACEHOLDER implementation (greedy with one backtrack point); the matching work replaces the
//! internals with a guaranteed linear-time algorithm and keeps this signature.

/// Whether `text` matches `pattern`, where `*` and `?` in `pattern` are wildcards.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && p[pi] == t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

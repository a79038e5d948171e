//! `iamsim expand PATTERN`: the actions an `Action` pattern matches, with their access levels.

use iamsim_core::catalog::catalog;
use std::io::Write;
use std::process::ExitCode;

/// Prints one `service:Action<TAB>access levels` line per action (M1, M2: case-insensitive,
/// anchored, `*` and `?`). Exit code 1 when nothing matches, with a "did you mean" on stderr.
pub fn run_expand(pattern: &str, out: &mut impl Write) -> ExitCode {
    let cat = catalog();
    let actions = cat.expand(pattern);
    if actions.is_empty() {
        match cat.suggest_action(pattern) {
            Some(s) => eprintln!("iamsim: `{pattern}` matches no action; did you mean `{s}`?"),
            None => eprintln!("iamsim: `{pattern}` matches no action"),
        }
        return ExitCode::from(1);
    }
    for a in &actions {
        if writeln!(out, "{a}\t{}", a.access_levels()).is_err() {
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_ecr_get_star() {
        let mut out = Vec::new();
        assert_eq!(run_expand("ecr:Get*", &mut out), ExitCode::SUCCESS);
        let text = String::from_utf8(out).expect("utf-8");
        assert_eq!(text.lines().count(), 10);
        assert!(text.contains("ecr:GetAuthorizationToken\tRead\n"));
    }

    #[test]
    fn nothing_matches() {
        let mut out = Vec::new();
        assert_eq!(run_expand("ecr:Nope*", &mut out), ExitCode::from(1));
        assert!(out.is_empty());
    }
}

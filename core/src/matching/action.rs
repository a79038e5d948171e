//! `Action`/`NotAction` values (M1–M3): `service:Name`, compared case-insensitively, with `*`
//! and `?`. Policy variables are not substituted in actions (V2).

use super::wildcard::Pattern;

/// A compiled action pattern, folded to lowercase once at compile time.
#[derive(Clone, Debug)]
pub struct ActionPattern {
    pattern: Pattern,
}

impl ActionPattern {
    pub fn compile(raw: &str) -> ActionPattern {
        ActionPattern {
            pattern: Pattern::new(raw, true),
        }
    }

    /// Whether the request action matches (M1, M2); the action is folded on the fly.
    pub fn matches(&self, action: &str) -> bool {
        self.pattern.matches(action)
    }
}

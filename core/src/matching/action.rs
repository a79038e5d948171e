//! `Action`/`NotAction` values (M1–M3): `service:Name`, compared case-insensitively, with `*`
//! and `?`. Policy variables are not substituted in actions (V2).

use super::wildcard::Pattern;
use crate::bytes::positions;

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

    /// As [`Self::matches`] for an action already folded (ASCII-lowercased ASCII text): the
    /// pattern is stored folded, so a plain comparison gives the same answer.
    pub fn matches_folded(&self, folded_action: &str) -> bool {
        self.pattern.matches_prefolded(folded_action)
    }

    /// As [`Self::matches_folded`], the caller having checked that the action is ASCII (as
    /// `PreparedMatch` does once per request).
    pub(crate) fn matches_ascii_folded(&self, folded_action: &str) -> bool {
        self.pattern.matches_ascii_folded(folded_action)
    }

    /// `service:Name`: exactly one colon, with text on both sides (M1: the form of every value
    /// but `*`).
    pub fn is_service_and_name(raw: &str) -> bool {
        match positions::<2>(raw.as_bytes(), b':') {
            ([at, _], 1) => at > 0 && at + 1 < raw.len(),
            _ => false,
        }
    }

    /// The service prefix every action this pattern matches has (lowercase), when the pattern's
    /// service part is plain ASCII text: `s3:Get*` → `s3`; `*`, `s?:Get*` → `None`.
    pub fn fixed_service(raw: &str) -> Option<String> {
        Self::fixed_service_as_written(raw).map(str::to_ascii_lowercase)
    }

    /// [`Self::fixed_service`] as written (not lowercased): ASCII, so comparing two of them
    /// ignoring ASCII case compares the lowercased ones, without allocating.
    pub fn fixed_service_as_written(raw: &str) -> Option<&str> {
        // One scan of the service part: up to the first colon, ASCII and no wildcard.
        let colon = raw.bytes().position(|b| b == b':')?;
        let service = raw.get(..colon)?;
        let plain = service
            .bytes()
            .all(|b| b.is_ascii() && b != b'*' && b != b'?');
        (!service.is_empty() && plain).then_some(service)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan finds the service that splitting on the first colon finds.
    #[test]
    fn m1_fixed_service_scan_agrees_with_split_once() {
        let by_split = |raw: &str| {
            let (service, _) = raw.split_once(':')?;
            (!service.is_empty() && service.is_ascii() && !service.contains(['*', '?']))
                .then(|| service.to_ascii_lowercase())
        };
        for raw in [
            "s3:Get*",
            "S3:GetObject",
            "*",
            "s?:Get",
            "*:Get",
            ":Get",
            "s3",
            "",
            "ä3:Get",
            "ecr:a:b",
            "e*r:x",
            "EC2:Describe*",
        ] {
            assert_eq!(ActionPattern::fixed_service(raw), by_split(raw), "{raw}");
        }
    }
}

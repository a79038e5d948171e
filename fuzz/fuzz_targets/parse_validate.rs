//! Any bytes through the JSON reader, the policy parser and validation for every policy type:
//! none of them may panic, and spans must stay inside the text.
#![no_main]

use iamsim_core::json;
use iamsim_core::policy::{parse_policy, validate, PolicyType};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = json::parse_bytes(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = parse_policy(text);
    for d in &parsed.diagnostics {
        if let Some(span) = d.span {
            assert!(span.start.offset <= span.end.offset);
            assert!(span.end.offset as usize <= text.len() + 1);
        }
    }
    if let Some(policy) = &parsed.policy {
        for ty in PolicyType::ALL {
            let _ = validate(policy, ty);
        }
    }
});

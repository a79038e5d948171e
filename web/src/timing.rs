//! The browser's clocks: `performance.now()` to time an evaluation, and the epoch time core needs
//! for `aws:CurrentTime` (core never reads a clock: wasm32-unknown-unknown has none).
//! Natively (the reducer's unit tests) there is no `performance`: both read as unknown.

/// Milliseconds on a monotonic clock, sub-millisecond where the browser allows it.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// Seconds since the Unix epoch (`performance.timeOrigin + now()`), or `None` natively.
pub fn epoch_seconds() -> Option<i64> {
    #[cfg(target_arch = "wasm32")]
    {
        let p = web_sys::window().and_then(|w| w.performance())?;
        let ms = p.time_origin() + p.now();
        // Guard against NaN/absurd values rather than casting blindly.
        (ms.is_finite() && ms > 0.0).then(|| (ms / 1000.0) as i64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// A `performance.mark` (the end-to-end test reads them to split the load time); natively nothing.
pub fn mark(name: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = name;
}

/// "0.12 ms", "3.4 ms", "18 ms": two significant digits are all a person reads.
pub fn format_ms(ms: f64) -> String {
    if !ms.is_finite() || ms < 0.0 {
        return "– ms".into();
    }
    // Without cross-origin isolation browsers round performance.now() to 0.1 ms.
    if ms < 0.1 {
        "< 0.1 ms".into()
    } else if ms < 1.0 {
        format!("{ms:.2} ms")
    } else if ms < 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::format_ms;

    #[test]
    fn times_read_with_two_significant_digits() {
        assert_eq!(format_ms(0.1234), "0.12 ms");
        assert_eq!(format_ms(3.45), "3.5 ms");
        assert_eq!(format_ms(18.2), "18 ms");
        assert_eq!(format_ms(0.0), "< 0.1 ms");
        assert_eq!(format_ms(f64::NAN), "– ms");
    }
}

//! Condition operators evaluated against the request context (owner: matching work).

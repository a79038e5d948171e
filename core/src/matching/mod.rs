//! Matching of statement elements against a request (owner: matching work).

pub mod wildcard;

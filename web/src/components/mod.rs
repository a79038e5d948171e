//! The playground's components. Each takes props and callbacks and owns no app state (the one
//! reducer in `state.rs` does); local UI state such as "is this panel open" is fine.

pub mod editor;
pub mod examples;
pub mod matrix;
pub mod request;
pub mod share;
pub mod trace;
pub mod verdict;
pub mod workspace;
pub mod workspaces;

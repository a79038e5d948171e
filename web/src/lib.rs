//! iamsim-web: the playground, a Yew single-page app over `iamsim-core`.
//!
//! `state` holds the one reducer that owns the app state; `components` are views over it that
//! take props and callbacks; `app` lays them out and evaluates the workspace when it changes.

pub mod app;
pub mod components;
pub mod incoming;
pub mod saved;
pub mod state;
pub mod storage;
pub mod timing;

pub use app::App;

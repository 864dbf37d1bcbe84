#![recursion_limit = "512"]
//! PropDesk: the application, compiled natively with `ssr` (the server) and to wasm with
//! `hydrate` (the browser).
pub mod api;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

mod root;
pub use root::{App, shell};

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
#[cfg(feature = "hydrate")]
pub use root::preload_rendered_pages;
pub use root::{App, shell};

/// Every Rust source file of this crate, for the tests that check the code itself.
#[cfg(all(test, feature = "ssr"))]
pub(crate) fn rust_sources() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

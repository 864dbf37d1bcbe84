//! The backend: only compiled with `ssr`. One service module per area; server functions in
//! `api` call into these.
pub mod accounts;
pub mod alerts;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod bridge;
pub mod challenges;
pub mod clients;
pub mod crypto;
pub mod db;
pub mod effects;
pub mod entity;
pub mod export;
pub mod fees;
pub mod funds;
pub mod jobs;
pub mod kyc;
pub mod ledger;
pub mod list;
pub mod mail;
pub mod notify;
pub mod participants;
pub mod participation;
pub mod password;
pub mod platform;
pub mod profit_share;
pub mod prop_dashboard;
pub mod risk;
pub mod seed;
pub mod seed_money;
pub mod seed_prop;
pub mod session;
pub mod settings;
pub mod sim;
pub mod staff;
pub mod state;
pub mod uploads;
pub mod wallets;

pub use state::{AppState, RuntimeConfig};

use crate::error::AppError;

/// Finishes a server function: an error also sets the HTTP status that matches it, so scripts
/// and integrators see 401/403/422 rather than a generic 500.
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        set_error_status(e);
    }
    result
}

/// Sets the HTTP status of a failed server function. A plain HTML form post (a page used before
/// or without its wasm) is answered with a redirect back to the form, the error in its URL, and
/// a browser follows that only with the redirect's own status: such an answer keeps it.
pub fn set_error_status(e: &AppError) {
    use leptos::prelude::use_context;
    let form_post = use_context::<http::request::Parts>().is_some_and(|p| {
        p.headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
    });
    if !form_post
        && let Some(opts) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(e.status())
    {
        opts.set_status(status);
    }
}

/// The application state, as provided by leptos_axum to every server function.
pub fn state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

//! The backend: only compiled with `ssr`. One folder per business area, over `infra` (the
//! database, audit, mail, jobs and other shared machinery); server functions in `api` call into
//! these. `docs/architecture.md` has the map and the rules between the layers.
pub mod approvals;
pub mod competitions;
pub mod crm;
pub mod entity;
pub mod ib;
pub mod identity;
pub mod infra;
pub mod messages;
pub mod money;
pub mod offers;
pub mod prop;
pub mod seed;
pub mod settings;
pub mod setup;
pub mod support;
pub mod trading;

pub use infra::state::{AppState, RuntimeConfig};

use crate::error::AppError;
use crate::error::OrInternal;

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
    leptos::prelude::use_context::<AppState>().or_internal("AppState missing from the context")
}

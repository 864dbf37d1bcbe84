//! The one authorization check. Every server function calls `authorize`; REST handlers call
//! `authorize_principal` with the principal the middleware resolved.
use crate::domain::access::{self, Access, Denial, Principal};
use crate::error::AppError;
use crate::server::identity::session::CurrentSession;

/// The caller's IP address, as resolved by the middleware.
#[derive(Clone, Debug, Default)]
pub struct ClientIp(pub String);

/// The caller's country (ISO 3166 alpha-2, upper case) from the header the firm's proxy sets
/// (`country_header` in the configuration), as resolved by the middleware; absent when unknown.
#[derive(Clone, Debug, Default)]
pub struct ClientCountry(pub String);

fn parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

pub fn current_session() -> Option<CurrentSession> {
    parts()?.extensions.get::<CurrentSession>().cloned()
}

pub fn client_ip() -> String {
    parts()
        .and_then(|p| p.extensions.get::<ClientIp>().map(|ip| ip.0.clone()))
        .unwrap_or_default()
}

pub fn client_country() -> String {
    parts()
        .and_then(|p| p.extensions.get::<ClientCountry>().map(|c| c.0.clone()))
        .unwrap_or_default()
}

pub fn user_agent() -> String {
    parts()
        .and_then(|p| {
            p.headers
                .get(http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default()
}

pub fn authorize(access: Access) -> Result<Option<Principal>, AppError> {
    let principal = current_session().and_then(|s| s.principal());
    authorize_principal(principal.as_ref(), access).map(|_| principal)
}

/// Like `authorize`, for endpoints that need someone signed in: returns that someone.
pub fn require(access: Access) -> Result<Principal, AppError> {
    debug_assert!(access != Access::Public, "use authorize(Access::Public)");
    authorize(access)?.ok_or(AppError::Unauthorized)
}

pub fn authorize_principal(principal: Option<&Principal>, access: Access) -> Result<(), AppError> {
    access::check(principal, access).map_err(|d| match d {
        Denial::Unauthenticated => AppError::Unauthorized,
        Denial::Forbidden => {
            tracing::warn!(
                user_id = principal.map(|p| p.user_id),
                ?access,
                "access denied"
            );
            AppError::Forbidden
        }
    })
}

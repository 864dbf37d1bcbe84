//! Server functions, one file per area. Each one is thin: it authorizes through
//! `server::authz`, calls a service, and returns a DTO. Every one has a stable endpoint under
//! `/api/`, listed in the README, so that scripts can call them.
pub mod admin;
pub mod approvals;
pub mod auth;
pub mod funds;
pub mod ib;
pub mod kyc;
pub mod notifications;
pub mod prop;
pub mod prop_admin;
pub mod prop_ops;
pub mod settings;
pub mod wallets;

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    use crate::server::auth::Origin;
    use crate::server::authz;

    pub fn origin() -> Origin {
        Origin {
            ip: authz::client_ip(),
            user_agent: authz::user_agent(),
        }
    }

    pub fn set_cookie(value: &str) {
        if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
            && let Ok(v) = http::HeaderValue::from_str(value)
        {
            opts.append_header(http::header::SET_COOKIE, v);
        }
    }
}

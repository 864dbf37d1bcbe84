//! Server functions, one folder per business area, as in `server/`. Each one is thin: it
//! enters through `ctx::serve`, which checks the caller, then calls a service and returns a
//! DTO. Every one has a stable endpoint under `/api/`, listed in the README, so that scripts
//! can call them.
pub mod approvals;
pub mod competitions;
pub mod crm;
pub mod ib;
pub mod identity;
pub mod messages;
pub mod money;
pub mod notifications;
pub mod offers;
pub mod prop;
pub mod settings;
pub mod support;
pub mod trading;

use leptos::server_fn::ServerFn;

/// A server function that is one service call: authorize with `$access`, then run the call
/// with the caller (`$me`), the state (`$st`) and the request's origin (`$from`) at hand.
macro_rules! area_fn {
    ($(#[$m:meta])* $name:ident, $endpoint:literal, ($($(#[$am:meta])* $arg:ident: $ty:ty),*) -> $ret:ty, $access:expr, |$me:ident, $st:ident, $from:ident| $body:expr) => {
        $(#[$m])*
        #[server(endpoint = $endpoint)]
        pub async fn $name($($(#[$am])* $arg: $ty),*) -> Result<$ret, AppError> {
            #[allow(unused_imports)]
            use crate::domain::{access::Access, permission::Permission};
            use crate::api::ctx;
            #[allow(unused_imports)]
            use crate::server::{ib, identity, offers, prop, settings, state, trading};
            ctx::serve($access, |$me| async move {
                let $st = state()?;
                #[allow(unused_variables)]
                let $from = ctx::origin();
                $body.await
            })
            .await
        }
    };
}
pub(crate) use area_fn;

/// The endpoints anyone may call, signed in or not. Every other endpoint refuses a caller
/// without a fully signed-in session (401) before its arguments are read; the server's `/api/`
/// middleware enforces this, and the permission matrix test checks it against its own table.
pub const PUBLIC_ENDPOINTS: &[&str] = &[
    <identity::auth::GetMe as ServerFn>::PATH,
    <identity::auth::Register as ServerFn>::PATH,
    <identity::auth::Login as ServerFn>::PATH,
    <identity::auth::AdminLogin as ServerFn>::PATH,
    <identity::auth::Logout as ServerFn>::PATH,
    <identity::auth::ForgotPassword as ServerFn>::PATH,
    <identity::auth::ResetPassword as ServerFn>::PATH,
    <identity::auth::SetPreferences as ServerFn>::PATH,
    <identity::auth::VerifyEmail as ServerFn>::PATH,
    <identity::auth::ResendVerification as ServerFn>::PATH,
];

/// The steps of an unfinished sign-in (second factor, mandatory enrollment): open to a session
/// at any stage, refused without one.
pub const SIGN_IN_STEP_ENDPOINTS: &[&str] = &[
    <identity::auth::VerifyTotp as ServerFn>::PATH,
    <identity::auth::BeginTotpSetup as ServerFn>::PATH,
    <identity::auth::TotpConfirm as ServerFn>::PATH,
];

/// The endpoints that take multipart form data (file uploads); every other one takes a form
/// or JSON body.
pub const MULTIPART_ENDPOINTS: &[&str] = &[
    <identity::kyc::UploadFile as ServerFn>::PATH,
    <support::UploadDownloadFile as ServerFn>::PATH,
];

#[cfg(feature = "ssr")]
pub(crate) mod ctx {
    use crate::domain::access::{Access, Principal};
    use crate::error::AppError;
    use crate::server::identity::authz;
    use crate::server::infra::origin::Origin;
    use crate::server::set_error_status;

    /// The one entry of a server function: checks the caller against `access` (someone signed
    /// in, with the permission it names), runs `body` with them, and gives an error its HTTP
    /// status, so scripts and integrators see 401/403/409/422 rather than a generic 500.
    pub async fn serve<T, Fut>(
        access: Access,
        body: impl FnOnce(Principal) -> Fut,
    ) -> Result<T, AppError>
    where
        Fut: Future<Output = Result<T, AppError>>,
    {
        let result = match authz::require(access) {
            Ok(me) => body(me).await,
            Err(e) => Err(e),
        };
        finish(result)
    }

    /// `serve` for the endpoints anyone may call (`api::PUBLIC_ENDPOINTS` and the sign-in
    /// steps): the caller is `None` when nobody is fully signed in.
    pub async fn serve_public<T, Fut>(
        body: impl FnOnce(Option<Principal>) -> Fut,
    ) -> Result<T, AppError>
    where
        Fut: Future<Output = Result<T, AppError>>,
    {
        let result = match authz::authorize(Access::Public) {
            Ok(caller) => body(caller).await,
            Err(e) => Err(e),
        };
        finish(result)
    }

    fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &result {
            set_error_status(e);
        }
        result
    }

    pub fn origin() -> Origin {
        Origin {
            ip: authz::client_ip(),
            user_agent: authz::user_agent(),
            country: authz::client_country(),
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

//! The one error type of every server function. Variants carry i18n keys rather than prose, so
//! the browser shows them in the user's language; `message()` gives the English text for logs
//! and API clients.
use crate::domain::validation::FieldError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("please sign in")]
    Unauthorized,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("wrong email or password")]
    BadCredentials,
    #[error("too many failed sign-ins; try again in {minutes} minutes")]
    Locked { minutes: i64 },
    #[error("too many attempts; slow down")]
    RateLimited,
    #[error("this account is disabled")]
    Disabled,
    #[error("this registration is awaiting approval")]
    PendingApproval,
    #[error("this registration was not approved")]
    RegistrationRejected,
    #[error("this needs approved identity verification (KYC)")]
    KycRequired,
    #[error("this account signs in on the other portal")]
    WrongPortal,
    #[error("the link is invalid or has expired")]
    InvalidToken,
    #[error("cross-origin request refused")]
    CrossOrigin,
    #[error("something went wrong")]
    Internal,
    #[error("network error: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, code: &str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code)])
    }

    /// The i18n key that describes the error as a whole.
    pub fn key(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "err.sign_in",
            AppError::Forbidden => "err.forbidden",
            AppError::NotFound => "err.not_found",
            AppError::Invalid(_) => "err.invalid",
            AppError::BadCredentials => "err.bad_credentials",
            AppError::Locked { .. } => "err.locked",
            AppError::RateLimited => "err.rate_limited",
            AppError::Disabled => "err.disabled",
            AppError::PendingApproval => "err.pending_approval",
            AppError::RegistrationRejected => "err.registration_rejected",
            AppError::KycRequired => "err.kyc_required",
            AppError::WrongPortal => "err.wrong_portal",
            AppError::InvalidToken => "err.invalid_token",
            AppError::CrossOrigin => "err.cross_origin",
            AppError::Internal => "err.internal",
            AppError::Transport(_) => "err.network",
        }
    }

    /// The error for one field, if this is a validation error that names it.
    pub fn field_code(&self, field: &str) -> Option<&str> {
        match self {
            AppError::Invalid(errs) => errs
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.code.as_str()),
            _ => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::InvalidToken => 400,
            AppError::Forbidden
            | AppError::Disabled
            | AppError::PendingApproval
            | AppError::RegistrationRejected
            | AppError::WrongPortal
            | AppError::CrossOrigin => 403,
            AppError::NotFound => 404,
            // Not an access denial: the client may, once verified.
            AppError::Invalid(_) | AppError::KycRequired => 422,
            AppError::Locked { .. } | AppError::RateLimited => 429,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errs: Vec<FieldError>) -> Self {
        AppError::Invalid(errs)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        AppError::Transport(e.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}

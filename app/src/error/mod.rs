//! The one error type of every server function. Variants carry i18n keys rather than prose, so
//! the browser shows them in the user's language. On the wire every error is an [`ErrorBody`]:
//! server functions, the REST exports and the bridge all answer in that one shape.
use crate::domain::validation::FieldError;
use crate::i18n::{Locale, tr};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
mod request;
#[cfg(feature = "ssr")]
use request::from_request_error;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(into = "ErrorBody", from = "ErrorBody")]
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
    /// The firm asks for the email to be verified (by the emailed code) before the first sign-in.
    #[error("verify your email first")]
    EmailUnverified,
    /// The firm's blacklist refuses this email, address or country.
    #[error("refused by the firm's access rules")]
    Blocked,
    #[error("this needs approved identity verification (KYC)")]
    KycRequired,
    #[error("this account signs in on the other portal")]
    WrongPortal,
    #[error("the link is invalid or has expired")]
    InvalidToken,
    #[error("cross-origin request refused")]
    CrossOrigin,
    /// The request could not be read (missing or undecodable arguments, wrong content type).
    /// The text says what was wrong with the request, never how the server works inside.
    #[error("malformed request: {0}")]
    BadRequest(String),
    /// Another request got there first (a race lost, an idempotency key reused for other
    /// content): nothing was changed by this one. The key says what happened.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("something went wrong")]
    Internal,
    #[error("network error: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, code: &str) -> Self {
        AppError::Invalid(vec![FieldError::new(field, code)])
    }

    /// The i18n key that describes the error as a whole (a conflict names its own).
    pub fn key(&self) -> &str {
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
            AppError::EmailUnverified => "err.email_unverified",
            AppError::Blocked => "err.blocked",
            AppError::KycRequired => "err.kyc_required",
            AppError::WrongPortal => "err.wrong_portal",
            AppError::InvalidToken => "err.invalid_token",
            AppError::CrossOrigin => "err.cross_origin",
            AppError::BadRequest(_) => "err.bad_request",
            AppError::Conflict(key) => key,
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
            AppError::InvalidToken | AppError::BadRequest(_) => 400,
            AppError::Conflict(_) => 409,
            AppError::Forbidden
            | AppError::Disabled
            | AppError::PendingApproval
            | AppError::RegistrationRejected
            | AppError::EmailUnverified
            | AppError::Blocked
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

/// Faults of ours (a row the database should hold, a stored value that does not decode) answer
/// 500 with nothing of their cause; the cause goes to the log instead, with the place in the code
/// and, through the request's span, the request's id.
#[cfg(feature = "ssr")]
impl AppError {
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(%cause, %at, "internal error");
        AppError::Internal
    }
}

/// `?` for what can fail only by our fault: `row.or_internal("the hold just made is not there")`
/// on an `Option`, `serde_json::to_string(&x).or_internal("encoding x")` on a `Result` (whose
/// error is appended to the logged cause).
#[cfg(feature = "ssr")]
pub trait OrInternal<T> {
    fn or_internal(self, cause: &str) -> Result<T, AppError>;
}

#[cfg(feature = "ssr")]
impl<T> OrInternal<T> for Option<T> {
    #[track_caller]
    fn or_internal(self, cause: &str) -> Result<T, AppError> {
        match self {
            Some(v) => Ok(v),
            None => Err(AppError::internal(cause)),
        }
    }
}

#[cfg(feature = "ssr")]
impl<T, E: std::fmt::Display> OrInternal<T> for Result<T, E> {
    #[track_caller]
    fn or_internal(self, cause: &str) -> Result<T, AppError> {
        match self {
            Ok(v) => Ok(v),
            Err(e) => Err(AppError::internal(format_args!("{cause}: {e}"))),
        }
    }
}

/// One field's error in an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldOut {
    #[cfg_attr(feature = "ssr", schema(example = "seq"))]
    pub field: String,
    /// A stable code, e.g. `err.seq_stale`.
    #[cfg_attr(feature = "ssr", schema(example = "err.seq_stale"))]
    pub code: String,
    /// The code in English.
    #[serde(default)]
    pub message: String,
}

/// Every error answer of PropDesk (`/api`, the REST exports, the bridge), for example
/// `{"status":422,"error":"err.invalid","message":"…","fields":[{"field":"email","code":"err.email_invalid","message":"…"}]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The HTTP status of the answer.
    #[cfg_attr(feature = "ssr", schema(example = 422))]
    pub status: u16,
    /// A stable code: an i18n key such as `err.invalid`, `err.request_decided` (409),
    /// `err.bridge_auth` or `err.seq_stale`.
    #[cfg_attr(feature = "ssr", schema(example = "err.invalid"))]
    pub error: String,
    /// The code in English.
    #[serde(default)]
    pub message: String,
    /// The fields at fault, for validation errors (and `login`, `seq` for the bridge's 404 and 409).
    #[serde(default)]
    pub fields: Vec<FieldOut>,
    /// With `err.bad_request`: what was wrong with the request, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// With `err.locked`: the minutes until signing in is allowed again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    /// With `err.seq_stale`: the last `seq` applied to the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seq: Option<i64>,
}

impl ErrorBody {
    /// The body for `code` with its English message and the fields at fault.
    pub fn new(status: u16, code: &str, fields: Vec<FieldError>) -> Self {
        ErrorBody {
            status,
            error: code.to_string(),
            message: tr(Locale::En, code).to_string(),
            fields: fields
                .into_iter()
                .map(|f| FieldOut {
                    message: tr(Locale::En, &f.code).to_string(),
                    field: f.field,
                    code: f.code,
                })
                .collect(),
            detail: None,
            minutes: None,
            last_seq: None,
        }
    }
}

impl From<AppError> for ErrorBody {
    fn from(e: AppError) -> Self {
        let fields = match &e {
            AppError::Invalid(errs) => errs.clone(),
            _ => Vec::new(),
        };
        let mut body = ErrorBody::new(e.status(), e.key(), fields);
        match e {
            AppError::BadRequest(why) | AppError::Transport(why) => body.detail = Some(why),
            AppError::Locked { minutes } => {
                body.message = body.message.replace("{minutes}", &minutes.to_string());
                body.minutes = Some(minutes);
            }
            _ => {}
        }
        body
    }
}

impl From<ErrorBody> for AppError {
    fn from(b: ErrorBody) -> Self {
        if b.status == 409 {
            return AppError::Conflict(b.error);
        }
        match b.error.as_str() {
            "err.sign_in" => AppError::Unauthorized,
            "err.forbidden" => AppError::Forbidden,
            "err.not_found" => AppError::NotFound,
            "err.invalid" => AppError::Invalid(
                b.fields
                    .into_iter()
                    .map(|f| FieldError::new(&f.field, &f.code))
                    .collect(),
            ),
            "err.bad_credentials" => AppError::BadCredentials,
            "err.locked" => AppError::Locked {
                minutes: b.minutes.unwrap_or_default(),
            },
            "err.rate_limited" => AppError::RateLimited,
            "err.disabled" => AppError::Disabled,
            "err.pending_approval" => AppError::PendingApproval,
            "err.registration_rejected" => AppError::RegistrationRejected,
            "err.email_unverified" => AppError::EmailUnverified,
            "err.blocked" => AppError::Blocked,
            "err.kyc_required" => AppError::KycRequired,
            "err.wrong_portal" => AppError::WrongPortal,
            "err.invalid_token" => AppError::InvalidToken,
            "err.cross_origin" => AppError::CrossOrigin,
            "err.bad_request" => AppError::BadRequest(b.detail.unwrap_or_default()),
            "err.network" => AppError::Transport(b.detail.unwrap_or_default()),
            // `err.internal`, and a code this build does not know (a newer server).
            _ => AppError::Internal,
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
    /// In the browser, a call that failed on its way (network, undecodable answer). On the
    /// server, a request whose arguments could not be read (400, said in plain words) or an
    /// answer that could not be written (500); the status is set here, as `api::ctx::serve` does.
    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        #[cfg(feature = "ssr")]
        {
            let err = from_request_error(&e);
            if let AppError::BadRequest(why) = &err {
                tracing::info!(detail = %e, %why, "malformed server function request");
            } else {
                tracing::error!(error = %e, "server function failed");
            }
            crate::server::set_error_status(&err);
            err
        }
        #[cfg(not(feature = "ssr"))]
        {
            AppError::Transport(e.to_string())
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    /// `?` passes its own place in the code, so the log says where the query failed.
    #[track_caller]
    fn from(e: sea_orm::DbErr) -> Self {
        // A race on a unique value that no service foresaw is still the caller's conflict, not
        // a server fault; services map the ones they know to a field error first.
        if matches!(
            e.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ) {
            tracing::warn!(error = %e, "unique value taken by a concurrent request");
            return AppError::Conflict("err.conflict".into());
        }
        AppError::internal(format_args!("database error: {e}"))
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn every_error_travels_as_the_one_body_and_comes_back_the_same() {
        let all = [
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::field("email", "err.email_invalid"),
            AppError::BadCredentials,
            AppError::Locked { minutes: 15 },
            AppError::RateLimited,
            AppError::Disabled,
            AppError::PendingApproval,
            AppError::RegistrationRejected,
            AppError::KycRequired,
            AppError::WrongPortal,
            AppError::InvalidToken,
            AppError::CrossOrigin,
            AppError::BadRequest("missing argument `query`".into()),
            AppError::Conflict("err.request_decided".into()),
            AppError::Internal,
            AppError::Transport("offline".into()),
        ];
        for e in all {
            let json = serde_json::to_value(&e).unwrap();
            assert_eq!(json["status"], e.status(), "{json}");
            assert_eq!(json["error"], e.key(), "{json}");
            assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), e);
        }
        let json = serde_json::to_value(AppError::field("email", "err.email_invalid")).unwrap();
        assert_eq!(json["fields"][0]["field"], "email");
        assert_eq!(json["fields"][0]["code"], "err.email_invalid");
        assert_eq!(json["message"], "Please correct the highlighted fields.");
        let locked = serde_json::to_value(AppError::Locked { minutes: 15 }).unwrap();
        assert!(
            locked["message"].as_str().unwrap().contains("15"),
            "{locked}"
        );
    }

    fn said(e: ServerFnErrorErr) -> String {
        match from_request_error(&e) {
            AppError::BadRequest(why) => why,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_malformed_request_is_told_in_plain_words() {
        let args = |d: &str| said(ServerFnErrorErr::Args(d.into()));
        assert_eq!(args("missing field `query`"), "missing argument `query`");
        assert_eq!(
            said(ServerFnErrorErr::Deserialization(
                "missing field `def` at line 1 column 9".into()
            )),
            "missing argument `def`"
        );
        assert_eq!(
            said(ServerFnErrorErr::MissingArg("id".into())),
            "missing argument `id`"
        );
        assert_eq!(
            args("duplicate field `id`"),
            "argument `id` is given more than once"
        );
        assert_eq!(
            args("Multiple values for one key: \"id\""),
            "argument `id` is given more than once"
        );
        for shape in [
            "Expected: \"i64\", got a Map",
            "Expected: \"bool\", got a Sequence",
            "could not convert Flat(\"0\") to QsDeserializer<'a>",
            "Attempted to insert map value into non-map structure",
        ] {
            assert_eq!(
                args(shape),
                "a value is of the wrong kind (text, a number, a list or a group)",
                "{shape}"
            );
        }
        for number in [
            "invalid digit found in string",
            "number too large to fit in target type",
            "invalid type: string \"abc\", expected i64 at line 1 column 12",
            "invalid value: integer `-1`, expected u64",
            "invalid type: floating point `1e308`, expected i64 at line 1 column 11",
        ] {
            assert_eq!(
                args(number),
                "a number is malformed or out of range",
                "{number}"
            );
        }
        assert_eq!(
            args("provided string was not `true` or `false`"),
            "a yes/no value is not `true` or `false`"
        );
        assert_eq!(
            args("unknown variant `x`, expected one of `light`, `dark`"),
            "a value is not one of the allowed choices: `light`, `dark`"
        );
        assert_eq!(
            args("invalid type: map, expected a string"),
            "a value is of the wrong kind (text, a number, a list or a group)"
        );
        assert_eq!(
            said(ServerFnErrorErr::Deserialization(
                "invalid utf-8 sequence of 1 bytes from index 0".into()
            )),
            "the request body is not UTF-8 text"
        );
        assert_eq!(
            said(ServerFnErrorErr::Deserialization(
                "expected value at line 1 column 1".into()
            )),
            "the body is not valid JSON"
        );
        // Whatever the decoder says, nothing of its wording, types or paths gets through.
        let odd = args("invalid type: sequence, expected struct app::model::ListQuery");
        assert!(!odd.contains("ListQuery") && !odd.contains("::"), "{odd}");
        assert_eq!(
            args("something::internal went wrong in Foo<Bar>"),
            "the arguments could not be read"
        );
    }

    #[test]
    fn a_response_that_cannot_be_written_is_internal() {
        assert_eq!(
            from_request_error(&ServerFnErrorErr::Serialization("x".into())),
            AppError::Internal
        );
    }
}

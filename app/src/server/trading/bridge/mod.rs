//! The bridge API's service. An external trading platform (MT4/MT5, cTrader, Match-Trader...)
//! reaches PropDesk through a bridge: it pushes account snapshots and deals, which feed the
//! rules engine exactly as the simulated platform's updates do, and pulls the commands PropDesk
//! queued for its accounts (create, enable, disable, withdraw, reset_password, set_leverage).
//!
//! Every request is signed: `X-Signature` is the lowercase hex HMAC-SHA256, keyed with the
//! bridge's secret (the bytes of its hex), of `{X-Timestamp}\n{X-Nonce}\n{raw body}`. The
//! timestamp (unix seconds) must be within five minutes of the server's clock, and a nonce is
//! accepted once per bridge.
use crate::domain::validation::FieldError;
use crate::error::AppError;

mod wire;
pub use wire::*;
mod signing;
pub use signing::*;
mod validate;
use validate::*;
mod ingest;
pub use ingest::*;
#[cfg(test)]
mod tests;

/// How far a request's timestamp may be from the server's clock, either way.
pub const MAX_SKEW_SECS: i64 = 300;
/// How long nonces are remembered. Twice the skew: a nonce forgotten after this could only be
/// replayed with a timestamp that is refused anyway.
pub const NONCE_TTL_SECS: i64 = 600;
/// The most commands one pull returns.
pub const MAX_COMMANDS: u64 = 100;
/// Amounts beyond ±10^15 minor units (ten trillion in a two-digit currency) are refused.
const MAX_MINOR: i64 = 1_000_000_000_000_000;
const MAX_POSITIONS: i32 = 10_000;
/// Prices are decimal strings with at most this many decimals; the deal keeps the decimals sent.
const PRICE_MAX_DIGITS: u32 = 8;
const NAME_MAX: usize = 60;

/// Why a bridge request was refused. Each maps to one HTTP status (`status`) and one i18n key
/// (`code`).
#[derive(Clone, Debug, PartialEq)]
pub enum BridgeError {
    /// 401: unknown or disabled bridge, missing or malformed headers, or a wrong signature.
    /// One error for all of them, so a caller learns nothing about which bridges exist.
    Unauthenticated,
    /// 401: a correctly signed request whose timestamp is more than five minutes off.
    Clock,
    /// 409: a correctly signed request whose nonce this bridge used before.
    Replay,
    /// 404: no account with this login on this bridge.
    UnknownLogin,
    /// 404: no command with this id for this bridge.
    UnknownCommand,
    /// 409: the update's `seq` is not above the last one applied to the account.
    StaleSeq { last_seq: i64 },
    /// 409: an update for an account whose `create` is not acknowledged yet.
    AccountOpening,
    /// 409: a `create` acknowledged again with another login, or a login another account has.
    AckConflict,
    /// 429: the bridge sends faster than its rate limit.
    RateLimited,
    /// Anything else, chiefly invalid input (422).
    App(AppError),
}

impl BridgeError {
    pub fn status(&self) -> u16 {
        match self {
            BridgeError::Unauthenticated | BridgeError::Clock => 401,
            BridgeError::Replay
            | BridgeError::StaleSeq { .. }
            | BridgeError::AccountOpening
            | BridgeError::AckConflict => 409,
            BridgeError::UnknownLogin | BridgeError::UnknownCommand => 404,
            BridgeError::RateLimited => 429,
            BridgeError::App(e) => e.status(),
        }
    }

    /// The i18n key of the error as a whole.
    pub fn code(&self) -> &str {
        match self {
            BridgeError::Unauthenticated => "err.bridge_auth",
            BridgeError::Clock => "err.bridge_clock",
            BridgeError::Replay => "err.bridge_replay",
            BridgeError::UnknownLogin => "err.login_unknown",
            BridgeError::UnknownCommand => "err.command_unknown",
            BridgeError::StaleSeq { .. } => "err.seq_stale",
            BridgeError::AccountOpening => "err.account_opening",
            BridgeError::AckConflict => "err.ack_conflict",
            BridgeError::RateLimited => "err.bridge_rate_limited",
            BridgeError::App(AppError::Invalid(_)) => "err.bridge_invalid",
            BridgeError::App(e) => e.key(),
        }
    }

    /// The fields the error is about, if any.
    pub fn fields(&self) -> Vec<FieldError> {
        match self {
            BridgeError::UnknownLogin => vec![FieldError::new("login", "err.login_unknown")],
            BridgeError::StaleSeq { .. } => vec![FieldError::new("seq", "err.seq_stale")],
            BridgeError::AckConflict => vec![FieldError::new("login", "err.ack_conflict")],
            BridgeError::App(AppError::Invalid(f)) => f.clone(),
            _ => Vec::new(),
        }
    }
}

impl From<AppError> for BridgeError {
    fn from(e: AppError) -> Self {
        BridgeError::App(e)
    }
}

impl From<sea_orm::DbErr> for BridgeError {
    fn from(e: sea_orm::DbErr) -> Self {
        BridgeError::App(e.into())
    }
}

impl From<Vec<FieldError>> for BridgeError {
    fn from(f: Vec<FieldError>) -> Self {
        BridgeError::App(AppError::Invalid(f))
    }
}

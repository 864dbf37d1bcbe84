//! The bridge API's service. An external trading platform (MT4/MT5, cTrader, Match-Trader...)
//! reaches PropDesk through a bridge: it pushes account snapshots and deals, which feed the
//! rules engine exactly as the simulated platform's updates do, and pulls the commands PropDesk
//! queued for its accounts (create, enable, disable, withdraw).
//!
//! Every request is signed: `X-Signature` is the lowercase hex HMAC-SHA256, keyed with the
//! bridge's secret (the bytes of its hex), of `{X-Timestamp}\n{X-Nonce}\n{raw body}`. The
//! timestamp (unix seconds) must be within five minutes of the server's clock, and a nonce is
//! accepted once per bridge.
use crate::domain::trading::{self, Side};
use crate::domain::validation::{Errors, FieldError};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{bridge, bridge_command, bridge_nonce, deal, trading_account};
use crate::server::infra::db::Write;
use crate::server::trading::platform::Snapshot;
use crate::server::trading::risk::{self, Happened};
use crate::server::{infra::audit, infra::crypto};
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TryInsertResult,
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use utoipa::ToSchema;

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
    /// 429: the bridge sends faster than its rate limit.
    RateLimited,
    /// Anything else, chiefly invalid input (422).
    App(AppError),
}

impl BridgeError {
    pub fn status(&self) -> u16 {
        match self {
            BridgeError::Unauthenticated | BridgeError::Clock => 401,
            BridgeError::Replay | BridgeError::StaleSeq { .. } => 409,
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

// ---------------------------------------------------------------------------------------------
// Wire types

/// Which way a deal went: `in` opened a trade, `out` closed one.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DealEntry {
    In,
    Out,
}

/// The side of a deal.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DealSide {
    Buy,
    Sell,
}

/// An account's figures as the platform reports them. Amounts are integer minor units of the
/// account's currency (cents for USD).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SnapshotIn {
    /// The account's login on the platform.
    #[schema(example = "80012345")]
    pub login: String,
    /// A number that grows with every snapshot and deal of the account (one sequence for
    /// both). An update whose `seq` is not above the last one applied is refused with 409.
    #[schema(example = 42, minimum = 1)]
    pub seq: i64,
    /// When the platform took the figures (RFC 3339); at most five minutes ahead of the server.
    #[schema(format = DateTime, example = "2026-11-23T16:00:00Z")]
    pub at: String,
    #[schema(example = 1_000_000)]
    pub balance_minor: i64,
    #[schema(example = 995_000)]
    pub equity_minor: i64,
    #[schema(example = 12_000, minimum = 0)]
    pub margin_minor: i64,
    #[schema(example = 1, minimum = 0, maximum = 10_000)]
    pub open_positions: i32,
}

/// A deal: a trade opened (`in`) or closed (`out`), with the account's figures right after it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct DealIn {
    #[schema(example = "80012345")]
    pub login: String,
    /// The account's sequence, shared with snapshots.
    #[schema(example = 43, minimum = 1)]
    pub seq: i64,
    /// The platform's deal ticket (1 to 64 of `A-Z a-z 0-9 _ - . :`). A closing deal whose
    /// ticket is already stored is answered with the stored outcome and `duplicate: true`.
    #[schema(example = "5012345")]
    pub ticket: String,
    #[schema(value_type = DealEntry)]
    pub entry: String,
    #[schema(example = "EURUSD")]
    pub symbol: String,
    #[schema(value_type = DealSide)]
    pub side: String,
    /// Lots as a decimal string: above 0, at most 100, at most two decimals.
    #[schema(example = "0.50")]
    pub volume_lots: String,
    /// A positive decimal string with at most eight decimals.
    #[schema(example = "1.08512")]
    pub open_price: String,
    /// Required for `out`.
    #[schema(example = "1.08620")]
    pub close_price: Option<String>,
    /// The deal's profit (negative: a loss). Required for `out`.
    #[schema(example = 5_400)]
    pub profit_minor: Option<i64>,
    #[schema(format = DateTime, example = "2026-11-23T15:58:00Z")]
    pub opened_at: String,
    /// Required for `out`; not before `opened_at`.
    #[schema(format = DateTime, example = "2026-11-23T16:00:00Z")]
    pub closed_at: Option<String>,
    pub balance_minor: i64,
    pub equity_minor: i64,
    #[schema(minimum = 0)]
    pub margin_minor: i64,
    #[schema(minimum = 0, maximum = 10_000)]
    pub open_positions: i32,
}

/// The account after an update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountOut {
    pub login: String,
    /// The last `seq` applied.
    pub seq: i64,
    /// `active`, `passed`, `failed` or `closed`.
    #[schema(example = "active")]
    pub status: String,
    /// Whether the account may trade. When PropDesk disables an account it also queues a
    /// `disable` command.
    pub enabled: bool,
    pub balance_minor: i64,
    pub equity_minor: i64,
}

/// Many snapshots in one request (at most 400, of any accounts of the bridge): the way a
/// bridge keeps up with thousands of accounts. They apply in order in one transaction.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SnapshotBatchIn {
    pub snapshots: Vec<SnapshotIn>,
}

/// The outcome of one snapshot of a batch: `status` is what the single endpoint would have
/// answered (200, 404 unknown login, 409 stale seq, 422 invalid), with its error code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotResult {
    pub login: String,
    pub seq: i64,
    pub status: u16,
    pub code: Option<String>,
    pub account: Option<AccountOut>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SnapshotBatchOut {
    pub results: Vec<SnapshotResult>,
}

/// The most snapshots one batch may carry (they fit the 64 KiB body).
pub const MAX_BATCH: usize = 400;

/// The account after a deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DealOut {
    pub ticket: String,
    /// True when the ticket was already stored: nothing changed.
    pub duplicate: bool,
    pub account: AccountOut,
}

/// A command for the platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommandOut {
    pub id: i64,
    /// `create`, `enable`, `disable` or `withdraw`.
    #[schema(example = "disable")]
    pub kind: String,
    pub login: String,
    /// The command's arguments: for `create` login, password, currency, balance_minor,
    /// leverage and environment; for `withdraw` login, amount_minor (taken out of the balance)
    /// and comment; otherwise login.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    #[schema(format = DateTime)]
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CommandsOut {
    /// Pending commands, oldest first. Apply them in this order, then acknowledge each.
    pub commands: Vec<CommandOut>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AckOut {
    pub id: i64,
    #[schema(example = "acked")]
    pub status: String,
    #[schema(format = DateTime)]
    pub acked_at: String,
}

// ---------------------------------------------------------------------------------------------
// Bridges and signatures

/// Registers a bridge. Returns it with its secret (hex of 32 random bytes), shown only once.
pub async fn create(
    db: &DatabaseConnection,
    name: &str,
) -> Result<(bridge::Model, String), AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::field("name", "err.required"));
    }
    if name.chars().count() > NAME_MAX
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(AppError::field("name", "err.bridge_name_invalid"));
    }
    let secret = hex::encode(crypto::random_bytes::<32>());
    let txn = db.write().await?;
    let b = bridge::ActiveModel {
        name: Set(name.into()),
        secret: Set(secret.clone()),
        enabled: Set(true),
        created_at: Set(Utc::now()),
        last_seen_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            AppError::field("name", "err.name_taken")
        }
        _ => AppError::from(e),
    })?;
    audit::record(
        &txn,
        None,
        "bridge.create",
        "bridge",
        Some(b.id),
        serde_json::json!({"name": b.name}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok((b, secret))
}

/// The signature of a request: lowercase hex HMAC-SHA256 of `{timestamp}\n{nonce}\n{body}`,
/// keyed with the secret's bytes. Bridges compute the same.
pub fn sign(secret_hex: &str, timestamp: &str, nonce: &str, body: &[u8]) -> String {
    let key = hex::decode(secret_hex).unwrap_or_default();
    hex::encode(mac(&key, timestamp, nonce, body).finalize().into_bytes())
}

fn mac(key: &[u8], timestamp: &str, nonce: &str, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    m.update(timestamp.as_bytes());
    m.update(b"\n");
    m.update(nonce.as_bytes());
    m.update(b"\n");
    m.update(body);
    m
}

fn nonce_ok(nonce: &str) -> bool {
    (8..=64).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Checks who sent a request and that it is fresh, without writing anything: the bridge exists
/// and is enabled, the signature matches (compared in constant time), and the timestamp is
/// within five minutes of `now`. Does not consume the nonce (see `consume_nonce`).
pub async fn authenticate(
    db: &DatabaseConnection,
    bridge_name: &str,
    timestamp: &str,
    nonce: &str,
    signature_hex: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<bridge::Model, BridgeError> {
    let ts = (!timestamp.is_empty()
        && timestamp.len() <= 12
        && timestamp.bytes().all(|b| b.is_ascii_digit()))
    .then(|| timestamp.parse::<i64>().ok())
    .flatten();
    let signature = hex::decode(signature_hex).ok().filter(|s| s.len() == 32);
    let (Some(ts), Some(signature)) = (ts, signature) else {
        return Err(BridgeError::Unauthenticated);
    };
    if bridge_name.is_empty() || bridge_name.len() > NAME_MAX || !nonce_ok(nonce) {
        return Err(BridgeError::Unauthenticated);
    }
    let Some(b) = bridge::Entity::find()
        .filter(bridge::Column::Name.eq(bridge_name))
        .one(db)
        .await?
    else {
        return Err(BridgeError::Unauthenticated);
    };
    if !b.enabled {
        return Err(BridgeError::Unauthenticated);
    }
    let key = hex::decode(&b.secret).map_err(|e| {
        BridgeError::App(AppError::internal(format_args!(
            "bridge {}'s stored secret is not hex: {e}",
            b.name
        )))
    })?;
    // `verify_slice` compares in constant time.
    if mac(&key, timestamp, nonce, body)
        .verify_slice(&signature)
        .is_err()
    {
        return Err(BridgeError::Unauthenticated);
    }
    if (now.timestamp() - ts).abs() > MAX_SKEW_SECS {
        return Err(BridgeError::Clock);
    }
    Ok(b)
}

/// Records the nonce of an authenticated request: one seen before is a replay. Also notes when
/// the bridge was last seen, and once a minute forgets nonces older than ten minutes.
pub async fn consume_nonce(
    db: &DatabaseConnection,
    b: &bridge::Model,
    nonce: &str,
    now: DateTime<Utc>,
) -> Result<(), BridgeError> {
    // Nonces are only needed for ten minutes: each server sweeps the old ones once a minute.
    static LAST_SWEEP: AtomicI64 = AtomicI64::new(0);
    let last = LAST_SWEEP.load(Ordering::Relaxed);
    if now.timestamp() - last >= 60
        && LAST_SWEEP
            .compare_exchange(last, now.timestamp(), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    {
        purge_nonces(db, now).await?;
    }
    let inserted = bridge_nonce::Entity::insert(bridge_nonce::ActiveModel {
        bridge_id: Set(b.id),
        nonce: Set(nonce.into()),
        seen_at: Set(now),
    })
    .on_conflict_do_nothing_on([bridge_nonce::Column::BridgeId, bridge_nonce::Column::Nonce])
    .exec_without_returning(db)
    .await?;
    if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return Err(BridgeError::Replay);
    }
    // One write a second at most, however busy the bridge.
    bridge::Entity::update_many()
        .col_expr(bridge::Column::LastSeenAt, Expr::value(now))
        .filter(bridge::Column::Id.eq(b.id))
        .filter(
            Condition::any()
                .add(bridge::Column::LastSeenAt.is_null())
                .add(bridge::Column::LastSeenAt.lt(now - Duration::seconds(1))),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the nonces older than ten minutes. Returns how many.
pub async fn purge_nonces(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(bridge_nonce::Entity::delete_many()
        .filter(bridge_nonce::Column::SeenAt.lt(now - Duration::seconds(NONCE_TTL_SECS)))
        .exec(db)
        .await?
        .rows_affected)
}

/// Authenticates a request and consumes its nonce: the bridge that sent it.
pub async fn verify(
    db: &DatabaseConnection,
    bridge_name: &str,
    timestamp: &str,
    nonce: &str,
    signature_hex: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<bridge::Model, BridgeError> {
    let b = authenticate(db, bridge_name, timestamp, nonce, signature_hex, body, now).await?;
    consume_nonce(db, &b, nonce, now).await?;
    Ok(b)
}

// ---------------------------------------------------------------------------------------------
// Validation

fn login_of(e: &mut Errors, login: &str) {
    if login.is_empty() {
        e.add("login", "err.required");
    } else if login.len() > 64 || login.chars().any(|c| c.is_whitespace() || c.is_control()) {
        e.add("login", "err.login_invalid");
    }
}

fn seq_of(e: &mut Errors, seq: i64) {
    if seq <= 0 {
        e.add("seq", "err.seq_invalid");
    }
}

fn time_of(e: &mut Errors, field: &str, text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if text.trim().is_empty() {
        e.add(field, "err.required");
        return None;
    }
    match DateTime::parse_from_rfc3339(text.trim()) {
        Ok(t) if t.with_timezone(&Utc) > now + Duration::seconds(MAX_SKEW_SECS) => {
            e.add(field, "err.time_future");
            None
        }
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            e.add(field, "err.time_invalid");
            None
        }
    }
}

fn amount_of(e: &mut Errors, field: &str, v: i64, min: i64) {
    if v < min || v > MAX_MINOR {
        e.add(field, "err.amount_range");
    }
}

/// The figures that come with every update.
fn figures_of(
    e: &mut Errors,
    balance: i64,
    equity: i64,
    margin: i64,
    open_positions: i32,
) -> Snapshot {
    amount_of(e, "balance_minor", balance, -MAX_MINOR);
    amount_of(e, "equity_minor", equity, -MAX_MINOR);
    amount_of(e, "margin_minor", margin, 0);
    if !(0..=MAX_POSITIONS).contains(&open_positions) {
        e.add("open_positions", "err.positions_range");
    }
    Snapshot {
        balance,
        equity,
        margin,
        open_positions,
    }
}

fn price_of(e: &mut Errors, field: &str, text: &str) -> Option<Decimal> {
    if text.trim().is_empty() {
        e.add(field, "err.required");
        return None;
    }
    match Decimal::from_str(text.trim()) {
        Ok(d) if d <= Decimal::ZERO || d >= Decimal::from(10_000_000_000_i64) => {
            e.add(field, "err.price_invalid");
            None
        }
        Ok(d) if d.scale() > PRICE_MAX_DIGITS => {
            e.add(field, "err.price_decimals");
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            e.add(field, "err.price_invalid");
            None
        }
    }
}

/// A price in `digits` decimals as an integer.
fn scaled(d: Decimal, digits: u32) -> i64 {
    (d * Decimal::from(10_i64.pow(digits)))
        .to_i64()
        .unwrap_or(0)
}

struct ValidSnapshot {
    seq: i64,
    at: DateTime<Utc>,
    snap: Snapshot,
}

fn validate_snapshot(s: &SnapshotIn, now: DateTime<Utc>) -> Result<ValidSnapshot, BridgeError> {
    let mut e = Errors::default();
    login_of(&mut e, &s.login);
    seq_of(&mut e, s.seq);
    let at = time_of(&mut e, "at", &s.at, now);
    let snap = figures_of(
        &mut e,
        s.balance_minor,
        s.equity_minor,
        s.margin_minor,
        s.open_positions,
    );
    e.into_result()?;
    Ok(ValidSnapshot {
        seq: s.seq,
        at: at.or_internal("a validated snapshot without its time")?,
        snap,
    })
}

struct ValidDeal {
    seq: i64,
    ticket: String,
    closing: Option<deal::ActiveModel>,
    happened: Happened,
    at: DateTime<Utc>,
    snap: Snapshot,
}

fn validate_deal(d: &DealIn, now: DateTime<Utc>) -> Result<ValidDeal, BridgeError> {
    let mut e = Errors::default();
    login_of(&mut e, &d.login);
    seq_of(&mut e, d.seq);
    let ticket = d.ticket.trim();
    if ticket.is_empty() {
        e.add("ticket", "err.required");
    } else if ticket.len() > 64
        || !ticket
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
    {
        e.add("ticket", "err.ticket_invalid");
    }
    let out = match d.entry.as_str() {
        "in" => Some(false),
        "out" => Some(true),
        _ => {
            e.add("entry", "err.entry_unknown");
            None
        }
    };
    let symbol = d.symbol.trim();
    if symbol.is_empty() {
        e.add("symbol", "err.required");
    } else if symbol.len() > 32 || !symbol.bytes().all(|b| b.is_ascii_graphic()) {
        e.add("symbol", "err.symbol_invalid");
    }
    let side = Side::parse(&d.side);
    if side.is_none() {
        e.add("side", "err.side_unknown");
    }
    let volume = e.check("volume_lots", trading::parse_volume(&d.volume_lots));
    let open_price = price_of(&mut e, "open_price", &d.open_price);
    let opened_at = time_of(&mut e, "opened_at", &d.opened_at, now);
    let snap = figures_of(
        &mut e,
        d.balance_minor,
        d.equity_minor,
        d.margin_minor,
        d.open_positions,
    );
    let mut close = None;
    if out == Some(true) {
        let close_price = match &d.close_price {
            Some(p) => price_of(&mut e, "close_price", p),
            None => {
                e.add("close_price", "err.required");
                None
            }
        };
        let profit = match d.profit_minor {
            Some(p) if (-MAX_MINOR..=MAX_MINOR).contains(&p) => Some(p),
            Some(_) => {
                e.add("profit_minor", "err.amount_range");
                None
            }
            None => {
                e.add("profit_minor", "err.required");
                None
            }
        };
        let closed_at = match &d.closed_at {
            Some(t) => time_of(&mut e, "closed_at", t, now),
            None => {
                e.add("closed_at", "err.required");
                None
            }
        };
        if let (Some(o), Some(c)) = (opened_at, closed_at)
            && c < o
        {
            e.add("closed_at", "err.closed_before_opened");
        }
        close = Some((close_price, profit, closed_at));
    }
    e.into_result()?;
    // Every field is valid from here on.
    let (Some(side), Some(volume), Some(open_price), Some(opened_at)) =
        (side, volume, open_price, opened_at)
    else {
        return Err(AppError::internal("a validated deal with a missing field").into());
    };
    let (closing, happened, at) = match close {
        Some((Some(close_price), Some(profit), Some(closed_at))) => {
            let digits = open_price.scale().max(close_price.scale());
            let row = deal::ActiveModel {
                ticket: Set(ticket.into()),
                symbol: Set(symbol.into()),
                side: Set(side.as_str().into()),
                volume: Set(volume),
                open_price: Set(scaled(open_price, digits)),
                close_price: Set(scaled(close_price, digits)),
                digits: Set(digits as i32),
                profit_minor: Set(profit),
                opened_at: Set(opened_at),
                closed_at: Set(closed_at),
                ..Default::default()
            };
            (Some(row), Happened::Closed(profit), closed_at)
        }
        Some(_) => {
            return Err(AppError::internal("a validated closed deal with a missing field").into());
        }
        None => (None, Happened::Opened, opened_at),
    };
    Ok(ValidDeal {
        seq: d.seq,
        ticket: ticket.into(),
        closing,
        happened,
        at,
        snap,
    })
}

// ---------------------------------------------------------------------------------------------
// Updates and commands

/// The bridge's account with this login, or 404.
async fn account_of(
    db: &impl ConnectionTrait,
    b: &bridge::Model,
    login: &str,
) -> Result<trading_account::Model, BridgeError> {
    trading_account::Entity::find()
        .filter(trading_account::Column::Login.eq(login))
        .filter(trading_account::Column::Platform.eq("bridge"))
        .filter(trading_account::Column::BridgeId.eq(b.id))
        .one(db)
        .await?
        .ok_or(BridgeError::UnknownLogin)
}

fn belongs(acc: &trading_account::Model, b: &bridge::Model) -> bool {
    acc.platform == "bridge" && acc.bridge_id == Some(b.id)
}

fn account_out(acc: &trading_account::Model) -> AccountOut {
    AccountOut {
        login: acc.login.clone(),
        seq: acc.last_seq,
        status: acc.status.clone(),
        enabled: acc.enabled,
        balance_minor: acc.balance,
        equity_minor: acc.equity,
    }
}

async fn store_seq(txn: &impl ConnectionTrait, id: i64, seq: i64) -> Result<(), AppError> {
    trading_account::Entity::update_many()
        .col_expr(trading_account::Column::LastSeq, Expr::value(seq))
        .filter(trading_account::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

async fn reread(db: &impl ConnectionTrait, id: i64) -> Result<AccountOut, BridgeError> {
    let acc = trading_account::Entity::find_by_id(id)
        .one(db)
        .await?
        .or_internal("the account just updated is not there")?;
    Ok(account_out(&acc))
}

/// Applies a snapshot: the rules engine judges the new figures (a breach disables the account
/// and queues a `disable` command), and the account keeps them and the `seq`.
pub async fn snapshot(
    db: &DatabaseConnection,
    b: &bridge::Model,
    input: SnapshotIn,
    now: DateTime<Utc>,
) -> Result<AccountOut, BridgeError> {
    let v = validate_snapshot(&input, now)?;
    let found = account_of(db, b, &input.login).await?;
    let txn = db.write().await?;
    let acc = risk::lock(&txn, found.id).await?;
    if !belongs(&acc, b) {
        return Err(BridgeError::UnknownLogin);
    }
    if v.seq <= acc.last_seq {
        return Err(BridgeError::StaleSeq {
            last_seq: acc.last_seq,
        });
    }
    risk::apply(&txn, &acc, v.snap, Happened::Mark, v.at).await?;
    store_seq(&txn, acc.id, v.seq).await?;
    txn.commit().await?;
    reread(db, acc.id).await
}

/// Applies a batch of snapshots in one transaction: the accounts are locked together, each
/// snapshot is judged in order, and the figures, engine states and `seq`s are stored in one
/// statement. A snapshot that is invalid, stale or for an unknown login is reported in its
/// result and skipped; the others apply.
pub async fn snapshots(
    db: &DatabaseConnection,
    b: &bridge::Model,
    input: SnapshotBatchIn,
    now: DateTime<Utc>,
) -> Result<SnapshotBatchOut, BridgeError> {
    if input.snapshots.is_empty() || input.snapshots.len() > MAX_BATCH {
        return Err(vec![FieldError::new("snapshots", "err.batch_size")].into());
    }
    let refused = |s: &SnapshotIn, e: BridgeError| SnapshotResult {
        login: s.login.clone(),
        seq: s.seq,
        status: e.status(),
        code: Some(e.code().to_string()),
        account: None,
    };
    let mut results: Vec<Option<SnapshotResult>> = vec![None; input.snapshots.len()];
    let mut valid = Vec::new();
    for (i, s) in input.snapshots.iter().enumerate() {
        match validate_snapshot(s, now) {
            Ok(v) => valid.push((i, v)),
            Err(e) => results[i] = Some(refused(s, e)),
        }
    }
    let logins: Vec<&str> = valid
        .iter()
        .map(|(i, _)| input.snapshots[*i].login.as_str())
        .collect();
    let ids: HashMap<String, i64> = trading_account::Entity::find()
        .filter(trading_account::Column::Login.is_in(logins))
        .filter(trading_account::Column::Platform.eq("bridge"))
        .filter(trading_account::Column::BridgeId.eq(b.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.login, a.id))
        .collect();
    let txn = db.write().await?;
    let wanted: Vec<i64> = ids.values().copied().collect();
    let mut accounts = risk::lock_many(&txn, &wanted).await?;
    let mut updates = Vec::new();
    let mut applied = Vec::new();
    for (i, v) in valid {
        let s = &input.snapshots[i];
        let Some(acc) = ids.get(&s.login).and_then(|id| accounts.get_mut(id)) else {
            results[i] = Some(refused(s, BridgeError::UnknownLogin));
            continue;
        };
        if v.seq <= acc.last_seq {
            let e = BridgeError::StaleSeq {
                last_seq: acc.last_seq,
            };
            results[i] = Some(refused(s, e));
            continue;
        }
        acc.last_seq = v.seq;
        updates.push(risk::Update {
            account_id: acc.id,
            snap: v.snap,
            happened: Happened::Mark,
            at: v.at,
        });
        applied.push(i);
    }
    risk::apply_locked(&txn, &mut accounts, &updates).await?;
    txn.commit().await?;
    let after: HashMap<i64, trading_account::Model> = trading_account::Entity::find()
        .filter(trading_account::Column::Id.is_in(wanted))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    for i in applied {
        let s = &input.snapshots[i];
        let acc = ids.get(&s.login).and_then(|id| after.get(id));
        results[i] = Some(SnapshotResult {
            login: s.login.clone(),
            seq: s.seq,
            status: 200,
            code: None,
            account: acc.map(account_out),
        });
    }
    Ok(SnapshotBatchOut {
        results: results.into_iter().flatten().collect(),
    })
}

/// Applies a deal: `in` counts as a trade opened, `out` stores the deal and feeds its profit
/// to the rules engine. A closing deal whose ticket is already stored changes nothing.
pub async fn deal(
    db: &DatabaseConnection,
    b: &bridge::Model,
    input: DealIn,
    now: DateTime<Utc>,
) -> Result<DealOut, BridgeError> {
    let v = validate_deal(&input, now)?;
    let found = account_of(db, b, &input.login).await?;
    let txn = db.write().await?;
    let acc = risk::lock(&txn, found.id).await?;
    if !belongs(&acc, b) {
        return Err(BridgeError::UnknownLogin);
    }
    if v.closing.is_some() {
        let stored = deal::Entity::find()
            .filter(deal::Column::AccountId.eq(acc.id))
            .filter(deal::Column::Ticket.eq(&v.ticket))
            .one(&txn)
            .await?;
        if stored.is_some() {
            return Ok(DealOut {
                ticket: v.ticket,
                duplicate: true,
                account: account_out(&acc),
            });
        }
    }
    if v.seq <= acc.last_seq {
        return Err(BridgeError::StaleSeq {
            last_seq: acc.last_seq,
        });
    }
    if let Some(mut row) = v.closing {
        row.account_id = Set(acc.id);
        row.insert(&txn).await?;
    }
    risk::apply(&txn, &acc, v.snap, v.happened, v.at).await?;
    store_seq(&txn, acc.id, v.seq).await?;
    txn.commit().await?;
    Ok(DealOut {
        ticket: v.ticket,
        duplicate: false,
        account: reread(db, acc.id).await?,
    })
}

/// The bridge's pending commands, oldest first.
pub async fn commands(
    db: &DatabaseConnection,
    b: &bridge::Model,
    limit: u64,
) -> Result<CommandsOut, BridgeError> {
    if !(1..=MAX_COMMANDS).contains(&limit) {
        return Err(AppError::field("limit", "err.limit_range").into());
    }
    let rows = bridge_command::Entity::find()
        .filter(bridge_command::Column::BridgeId.eq(b.id))
        .filter(bridge_command::Column::Status.eq("pending"))
        .order_by_asc(bridge_command::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|c| c.account_id).collect();
    let logins: HashMap<i64, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        trading_account::Entity::find()
            .filter(trading_account::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a.login))
            .collect()
    };
    Ok(CommandsOut {
        commands: rows
            .into_iter()
            .map(|c| CommandOut {
                id: c.id,
                kind: c.kind,
                login: logins.get(&c.account_id).cloned().unwrap_or_default(),
                payload: serde_json::from_str(&c.payload).unwrap_or_else(|_| serde_json::json!({})),
                created_at: c.created_at.to_rfc3339(),
            })
            .collect(),
    })
}

/// Marks one of the bridge's commands done. Acknowledging it again changes nothing.
pub async fn ack(
    db: &DatabaseConnection,
    b: &bridge::Model,
    command_id: i64,
    now: DateTime<Utc>,
) -> Result<AckOut, BridgeError> {
    let find = || {
        bridge_command::Entity::find_by_id(command_id)
            .filter(bridge_command::Column::BridgeId.eq(b.id))
            .one(db)
    };
    if find().await?.is_none() {
        return Err(BridgeError::UnknownCommand);
    }
    bridge_command::Entity::update_many()
        .col_expr(bridge_command::Column::Status, Expr::value("acked"))
        .col_expr(bridge_command::Column::AckedAt, Expr::value(now))
        .filter(bridge_command::Column::Id.eq(command_id))
        .filter(bridge_command::Column::BridgeId.eq(b.id))
        .filter(bridge_command::Column::Status.eq("pending"))
        .exec(db)
        .await?;
    let c = find().await?.ok_or(BridgeError::UnknownCommand)?;
    Ok(AckOut {
        id: c.id,
        status: c.status,
        acked_at: c.acked_at.unwrap_or(now).to_rfc3339(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_timestamp_nonce_and_body() {
        let secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let s = sign(secret, "1700000000", "nonce-123", b"{}");
        assert_eq!(s.len(), 64);
        assert_eq!(s, s.to_lowercase());
        assert_ne!(s, sign(secret, "1700000001", "nonce-123", b"{}"));
        assert_ne!(s, sign(secret, "1700000000", "nonce-124", b"{}"));
        assert_ne!(s, sign(secret, "1700000000", "nonce-123", b"{ }"));
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").unwrap();
        m.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(m.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn nonces_and_prices() {
        assert!(nonce_ok("abcDEF12_-"));
        assert!(!nonce_ok("short"));
        assert!(!nonce_ok("has space in it"));
        assert!(!nonce_ok(&"x".repeat(65)));
        let mut e = Errors::default();
        assert_eq!(
            price_of(&mut e, "p", "1.08500"),
            Some(Decimal::from_str("1.085").unwrap())
        );
        assert_eq!(price_of(&mut e, "p", "-1"), None);
        assert_eq!(price_of(&mut e, "p", "1.123456789"), None);
        assert_eq!(e.0.len(), 2);
        assert_eq!(scaled(Decimal::from_str("1.085").unwrap(), 5), 108_500);
    }
}

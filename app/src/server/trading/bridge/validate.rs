//! Checks an update from a platform field by field, before anything is stored.
use super::*;
use crate::domain::trading::{self, Side};
use crate::domain::validation::Errors;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::deal;
use crate::server::trading::platform::Snapshot;
use crate::server::trading::risk::Happened;
use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use sea_orm::ActiveValue::Set;
use std::str::FromStr;

pub(super) fn login_of(e: &mut Errors, login: &str) {
    if login.is_empty() {
        e.add("login", "err.required");
    } else if login.len() > 64 || login.chars().any(|c| c.is_whitespace() || c.is_control()) {
        e.add("login", "err.login_invalid");
    }
}

/// An acknowledgement's optional login, password and error.
pub(super) fn validate_ack(a: &AckIn) -> Result<(), BridgeError> {
    let mut e = Errors::default();
    if let Some(l) = &a.login {
        login_of(&mut e, l);
    }
    if let Some(p) = &a.password
        && (p.is_empty() || p.chars().count() > 64 || p.chars().any(char::is_control))
    {
        e.add("password", "err.password_invalid");
    }
    if let Some(why) = &a.error
        && (why.trim().is_empty() || why.chars().count() > 500)
    {
        e.add("error", "err.ack_error_invalid");
    }
    Ok(e.into_result()?)
}

pub(super) fn seq_of(e: &mut Errors, seq: i64) {
    if seq <= 0 {
        e.add("seq", "err.seq_invalid");
    }
}

pub(super) fn time_of(
    e: &mut Errors,
    field: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
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

pub(super) fn amount_of(e: &mut Errors, field: &str, v: i64, min: i64) {
    if v < min || v > MAX_MINOR {
        e.add(field, "err.amount_range");
    }
}

/// The figures that come with every update.
pub(super) fn figures_of(
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

pub(super) fn price_of(e: &mut Errors, field: &str, text: &str) -> Option<Decimal> {
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
pub(super) fn scaled(d: Decimal, digits: u32) -> i64 {
    (d * Decimal::from(10_i64.pow(digits)))
        .to_i64()
        .unwrap_or(0)
}

pub(super) struct ValidSnapshot {
    pub(super) seq: i64,
    pub(super) at: DateTime<Utc>,
    pub(super) snap: Snapshot,
}

pub(super) fn validate_snapshot(
    s: &SnapshotIn,
    now: DateTime<Utc>,
) -> Result<ValidSnapshot, BridgeError> {
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

pub(super) struct ValidDeal {
    pub(super) seq: i64,
    pub(super) ticket: String,
    pub(super) closing: Option<deal::ActiveModel>,
    pub(super) happened: Happened,
    pub(super) at: DateTime<Utc>,
    pub(super) snap: Snapshot,
}

pub(super) fn validate_deal(d: &DealIn, now: DateTime<Utc>) -> Result<ValidDeal, BridgeError> {
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

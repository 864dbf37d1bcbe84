//! Feeds the rules engine every update of a stage account as it arrives (a price move, a
//! trade, a bridge snapshot, a midnight) and acts on its decision in the same transaction: the
//! account is disabled, the participant passes or fails, the figures are stored and the trader
//! is told. Nothing polls.
use crate::domain::clock;
use crate::domain::rules::{self, Decision, Event, StageRules, StageState, Status};
use crate::error::AppError;
use crate::server::entity::{equity_point, rule_decision, trading_account};
use crate::server::platform::{Platform, Snapshot, TradingPlatform};
use crate::server::{audit, participation, sim};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// What happened to the account along with its new figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happened {
    /// Marked to market.
    Mark,
    /// A trade opened.
    Opened,
    /// A trade closed with this profit (negative: a loss).
    Closed(i64),
}

/// Locks the account's row (so updates of one account queue) and reads it.
pub async fn lock(db: &impl ConnectionTrait, id: i64) -> Result<trading_account::Model, AppError> {
    trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::Version,
            Expr::col(trading_account::Column::Version),
        )
        .filter(trading_account::Column::Id.eq(id))
        .exec(db)
        .await?;
    trading_account::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub fn rules_of(acc: &trading_account::Model) -> Result<StageRules, AppError> {
    serde_json::from_str(&acc.rules).map_err(|_| AppError::Internal)
}

pub fn state_of(acc: &trading_account::Model) -> Result<StageState, AppError> {
    serde_json::from_str(&acc.state).map_err(|_| AppError::Internal)
}

fn tz_of(acc: &trading_account::Model) -> chrono_tz::Tz {
    clock::parse_tz(&acc.time_zone).unwrap_or(chrono_tz::UTC)
}

/// Closes the days that ended before `day`. Nothing changed since the last update, so the
/// account's stored figures are exactly its figures at each midnight.
fn roll(
    r: &StageRules,
    s: &mut StageState,
    day: chrono::NaiveDate,
    acc: &trading_account::Model,
) -> Option<Decision> {
    while s.status == Status::Active && s.day < day {
        let ended = s.day;
        let d = rules::apply(
            r,
            s,
            Event::DayEnd {
                day: ended,
                balance: acc.balance,
                equity: acc.equity,
                open_positions: acc.open_positions.max(0) as u32,
            },
        );
        if d.is_some() {
            return d;
        }
        if s.day <= ended {
            break;
        }
    }
    None
}

/// Applies an update to a locked account: the engine judges it, the account stores the new
/// figures and state, and a decision is acted on. Returns the decision, if any.
pub async fn apply(
    txn: &impl ConnectionTrait,
    acc: &trading_account::Model,
    snap: Snapshot,
    happened: Happened,
    at: DateTime<Utc>,
) -> Result<Option<Decision>, AppError> {
    let active = acc.status == "active";
    let mut state = state_of(acc)?;
    let mut decision = None;
    if active {
        let r = rules_of(acc)?;
        let day = clock::local_day(at, tz_of(acc));
        decision = roll(&r, &mut state, day, acc);
        if decision.is_none() {
            let open_positions = snap.open_positions.max(0) as u32;
            if happened == Happened::Opened {
                rules::apply(&r, &mut state, Event::Opened { day });
            }
            let event = match happened {
                Happened::Closed(profit) => Event::Closed {
                    day,
                    profit,
                    balance: snap.balance,
                    equity: snap.equity,
                    open_positions,
                },
                _ => Event::Equity {
                    day,
                    balance: snap.balance,
                    equity: snap.equity,
                    open_positions,
                },
            };
            decision = rules::apply(&r, &mut state, event);
        }
    }
    trading_account::Entity::update_many()
        .col_expr(trading_account::Column::Balance, Expr::value(snap.balance))
        .col_expr(trading_account::Column::Equity, Expr::value(snap.equity))
        .col_expr(trading_account::Column::Margin, Expr::value(snap.margin))
        .col_expr(
            trading_account::Column::OpenPositions,
            Expr::value(snap.open_positions),
        )
        .col_expr(
            trading_account::Column::State,
            Expr::value(serde_json::to_string(&state).map_err(|_| AppError::Internal)?),
        )
        .col_expr(trading_account::Column::Version, Expr::value(acc.version + 1))
        .col_expr(trading_account::Column::UpdatedAt, Expr::value(at))
        .filter(trading_account::Column::Id.eq(acc.id))
        .exec(txn)
        .await?;
    // The chart keeps one point a minute (and one per trade), not every tick.
    let new_minute = acc.updated_at.timestamp() / 60 != at.timestamp() / 60;
    if new_minute || happened != Happened::Mark || decision.is_some() {
        equity_point::ActiveModel {
            account_id: Set(acc.id),
            at: Set(at),
            balance: Set(snap.balance),
            equity: Set(snap.equity),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    if let Some(d) = decision {
        let fresh = trading_account::Entity::find_by_id(acc.id)
            .one(txn)
            .await?
            .ok_or(AppError::Internal)?;
        act(txn, &fresh, d, None).await?;
    }
    Ok(decision)
}

/// Runs the midnight of every active account whose day has ended without an update since:
/// that is when stages pass at the end of a day or expire at the end of their period.
pub async fn roll_account(
    txn: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Decision>, AppError> {
    let acc = lock(txn, id).await?;
    if acc.status != "active" {
        return Ok(None);
    }
    let r = rules_of(&acc)?;
    let mut state = state_of(&acc)?;
    let day = clock::local_day(now, tz_of(&acc));
    if state.day >= day {
        return Ok(None);
    }
    let decision = roll(&r, &mut state, day, &acc);
    trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::State,
            Expr::value(serde_json::to_string(&state).map_err(|_| AppError::Internal)?),
        )
        .col_expr(trading_account::Column::Version, Expr::value(acc.version + 1))
        .filter(trading_account::Column::Id.eq(acc.id))
        .exec(txn)
        .await?;
    if let Some(d) = decision {
        act(txn, &acc, d, None).await?;
    }
    Ok(decision)
}

pub fn outcome(d: &Decision) -> (&'static str, &rules::Figures) {
    match d {
        Decision::Breach(f) => ("breach", f),
        Decision::Passed(f) => ("passed", f),
        Decision::Expired(f) => ("expired", f),
    }
}

pub fn rule_name(r: rules::Rule) -> &'static str {
    match r {
        rules::Rule::MaxDailyLoss => "max_daily_loss",
        rules::Rule::DailySettlement => "daily_settlement",
        rules::Rule::MaxLoss => "max_loss",
        rules::Rule::MaxLossPerTrade => "max_loss_per_trade",
        rules::Rule::ProfitTarget => "profit_target",
        rules::Rule::TradingPeriod => "trading_period",
    }
}

/// Ends the stage on the account: it is disabled (a breached simulated account has its
/// positions closed), the decision is stored with its figures, and the participant moves on.
pub async fn act(
    txn: &impl ConnectionTrait,
    acc: &trading_account::Model,
    d: Decision,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let (outcome, figures) = outcome(&d);
    let status = if matches!(d, Decision::Passed(_)) {
        "passed"
    } else {
        "failed"
    };
    let figures_json = serde_json::to_string(&d).map_err(|_| AppError::Internal)?;
    trading_account::Entity::update_many()
        .col_expr(trading_account::Column::Status, Expr::value(status))
        .col_expr(trading_account::Column::Decision, Expr::value(&figures_json))
        .filter(trading_account::Column::Id.eq(acc.id))
        .exec(txn)
        .await?;
    if matches!(d, Decision::Breach(_)) && acc.platform == "sim" {
        sim::close_all(txn, acc.id, Utc::now()).await?;
    }
    Platform::of(acc).set_enabled(txn, acc, false).await?;
    rule_decision::ActiveModel {
        account_id: Set(acc.id),
        participant_id: Set(acc.participant_id),
        outcome: Set(outcome.into()),
        rule: Set(rule_name(figures.rule).into()),
        figures: Set(figures_json),
        actor_id: Set(actor),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        &format!("prop.{outcome}"),
        "trading_account",
        Some(acc.id),
        serde_json::json!({"login": acc.login, "rule": rule_name(figures.rule), "value": figures.value}),
        "",
    )
    .await?;
    if let Some(p) = acc.participant_id {
        participation::on_stage_decided(txn, p, acc, &d, actor).await?;
    }
    Ok(())
}

//! Feeds the rules engine every update of a stage account as it arrives (a price move, a
//! trade, a bridge snapshot, a midnight) and acts on its decision in the same transaction: the
//! account is disabled, the participant passes or fails, the figures are stored and the trader
//! is told. Nothing polls.
use crate::domain::clock;
use crate::domain::live::Topic;
use crate::domain::permission::Permission;
use crate::domain::rules::{self, Decision, Event, StageRules, StageState, Status};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{equity_point, rule_decision, trading_account};
use crate::server::infra::live::{self, Audience};
use crate::server::infra::{audit, db::Write, jobs};
use crate::server::trading::platform::{Platform, Snapshot, TradingPlatform};
use crate::server::trading::{alerts, sim};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::future::Future;
use std::pin::Pin;

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
    serde_json::from_str(&acc.rules).or_internal("decoding an account's stored rules")
}

pub fn state_of(acc: &trading_account::Model) -> Result<StageState, AppError> {
    serde_json::from_str(&acc.state).or_internal("decoding an account's stored rule state")
}

/// Where and when the account's trading days turn over.
pub fn zone_of(acc: &trading_account::Model) -> clock::DayZone {
    clock::DayZone::parse(&acc.time_zone).unwrap_or_default()
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

/// One update of an account as it arrives.
#[derive(Clone, Copy, Debug)]
pub struct Update {
    pub account_id: i64,
    pub snap: Snapshot,
    pub happened: Happened,
    pub at: DateTime<Utc>,
}

/// Judges an update of an active account against its rules: the engine's new state and its
/// decision.
fn judge(
    acc: &trading_account::Model,
    r: &StageRules,
    state: &mut StageState,
    snap: Snapshot,
    happened: Happened,
    at: DateTime<Utc>,
) -> Option<Decision> {
    let day = clock::local_day(at, zone_of(acc));
    if let Some(d) = roll(r, state, day, acc) {
        return Some(d);
    }
    let open_positions = snap.open_positions.max(0) as u32;
    if happened == Happened::Opened {
        rules::apply(r, state, Event::Opened { day });
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
    rules::apply(r, state, event)
}

/// Stores the judged figures of many accounts in one statement (a VALUES list joined to the
/// table, the same SQL on SQLite and PostgreSQL), so that a batch of updates costs a few
/// statements rather than a few per account.
async fn store(
    txn: &impl ConnectionTrait,
    rows: &[(trading_account::Model, Snapshot, String, DateTime<Utc>)],
) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let backend = txn.get_database_backend();
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(rows.len() * 10);
    let mut tuples = Vec::with_capacity(rows.len());
    for (acc, snap, state, at) in rows {
        let base = values.len();
        let ph = |i: usize| match backend {
            sea_orm::DbBackend::Postgres => format!("${}", base + i + 1),
            _ => "?".to_string(),
        };
        let cast = |i: usize, ty: &str| match backend {
            sea_orm::DbBackend::Postgres => format!("{}::{ty}", ph(i)),
            _ => ph(i),
        };
        tuples.push(format!(
            "({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
            cast(0, "bigint"),
            cast(1, "bigint"),
            cast(2, "bigint"),
            cast(3, "bigint"),
            cast(4, "integer"),
            cast(5, "text"),
            cast(6, "bigint"),
            cast(7, "timestamptz"),
            cast(8, "bigint"),
            cast(9, "text"),
        ));
        values.extend([
            acc.id.into(),
            snap.balance.into(),
            snap.equity.into(),
            snap.margin.into(),
            snap.open_positions.into(),
            state.clone().into(),
            (acc.version + 1).into(),
            (*at).into(),
            acc.last_seq.into(),
            acc.alerts.clone().into(),
        ]);
    }
    let sql = format!(
        "WITH v(id, balance, equity, margin, open_positions, state, version, updated_at, \
         last_seq, alerts) AS (VALUES {}) \
         UPDATE trading_account SET balance = v.balance, equity = v.equity, margin = v.margin, \
         open_positions = v.open_positions, state = v.state, version = v.version, \
         updated_at = v.updated_at, last_seq = v.last_seq, alerts = v.alerts FROM v \
         WHERE trading_account.id = v.id",
        tuples.join(", ")
    );
    txn.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend, sql, values,
    ))
    .await?;
    Ok(())
}

/// Applies an update to a locked account: the engine judges it, the account stores the new
/// figures and state, and a decision is acted on. Returns the decision, if any.
pub async fn apply(
    txn: &sea_orm::DatabaseTransaction,
    acc: &trading_account::Model,
    snap: Snapshot,
    happened: Happened,
    at: DateTime<Utc>,
) -> Result<Option<Decision>, AppError> {
    let mut accounts = std::collections::HashMap::from([(acc.id, acc.clone())]);
    let update = Update {
        account_id: acc.id,
        snap,
        happened,
        at,
    };
    Ok(judge_and_store(txn, &mut accounts, &[update]).await?[0])
}

/// Locks accounts in id order (so concurrent batches cannot deadlock) and reads them.
pub async fn lock_many(
    txn: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, trading_account::Model>, AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    use trading_account::Column as C;
    let rows = trading_account::Entity::find()
        .filter(C::Id.is_in(ids.clone()))
        .order_by_asc(C::Id);
    let rows = if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // PostgreSQL locks the rows as the sort returns them: in id order, in one statement.
        rows.lock(sea_orm::sea_query::LockType::NoKeyUpdate)
            .all(txn)
            .await?
    } else {
        // SQLite locks the whole database; the no-op write takes the write lock now even in a
        // transaction that did not begin IMMEDIATE.
        trading_account::Entity::update_many()
            .col_expr(C::Version, Expr::col(C::Version))
            .filter(C::Id.is_in(ids))
            .exec(txn)
            .await?;
        rows.all(txn).await?
    };
    Ok(rows.into_iter().map(|a| (a.id, a)).collect())
}

/// Applies a batch of updates (several may concern one account; they apply in order) in the
/// caller's transaction. Returns each update's decision.
pub async fn apply_many(
    txn: &sea_orm::DatabaseTransaction,
    updates: &[Update],
) -> Result<Vec<Option<Decision>>, AppError> {
    let ids: Vec<i64> = updates.iter().map(|u| u.account_id).collect();
    let mut accounts = lock_many(txn, &ids).await?;
    judge_and_store(txn, &mut accounts, updates).await
}

/// Applies updates to accounts already locked with `lock_many` (the caller may have changed
/// them, e.g. their `last_seq`, which is stored with the figures).
pub async fn apply_locked(
    txn: &sea_orm::DatabaseTransaction,
    accounts: &mut std::collections::HashMap<i64, trading_account::Model>,
    updates: &[Update],
) -> Result<Vec<Option<Decision>>, AppError> {
    judge_and_store(txn, accounts, updates).await
}

async fn judge_and_store(
    txn: &sea_orm::DatabaseTransaction,
    accounts: &mut std::collections::HashMap<i64, trading_account::Model>,
    updates: &[Update],
) -> Result<Vec<Option<Decision>>, AppError> {
    let mut out = Vec::with_capacity(updates.len());
    let mut points = Vec::new();
    let mut decided = Vec::new();
    let watch = alerts::watch(txn).await?;
    for u in updates {
        let acc = accounts.get_mut(&u.account_id).ok_or(AppError::NotFound)?;
        let mut state = state_of(acc)?;
        let active = acc.status == "active";
        let r = rules_of(acc)?;
        let decision = if active {
            judge(acc, &r, &mut state, u.snap, u.happened, u.at)
        } else {
            None
        };
        // The chart keeps one point a minute (and one per trade), not every tick.
        let new_minute = acc.updated_at.timestamp() / 60 != u.at.timestamp() / 60;
        if new_minute || u.happened != Happened::Mark || decision.is_some() {
            points.push(equity_point::ActiveModel {
                account_id: Set(acc.id),
                at: Set(u.at),
                balance: Set(u.snap.balance),
                equity: Set(u.snap.equity),
                ..Default::default()
            });
        }
        acc.balance = u.snap.balance;
        acc.equity = u.snap.equity;
        acc.margin = u.snap.margin;
        acc.open_positions = u.snap.open_positions;
        acc.state =
            serde_json::to_string(&state).or_internal("encoding an account's rule state")?;
        acc.updated_at = u.at;
        if active && decision.is_none() {
            let closed = matches!(u.happened, Happened::Closed(_));
            alerts::on_update(txn, &watch, acc, &r, &state, closed).await?;
        }
        if let Some(d) = decision {
            // The stage has ended: later updates in the batch only store figures.
            decided.push((acc.id, d));
            acc.status = "decided".into();
        }
        out.push(decision);
    }
    let rows: Vec<_> = accounts
        .values()
        .map(|a| {
            let snap = Snapshot {
                balance: a.balance,
                equity: a.equity,
                margin: a.margin,
                open_positions: a.open_positions,
            };
            (a.clone(), snap, a.state.clone(), a.updated_at)
        })
        .collect();
    store(txn, &rows).await?;
    if !points.is_empty() {
        equity_point::Entity::insert_many(points).exec(txn).await?;
    }
    let mut touched: Vec<i64> = updates.iter().map(|u| u.account_id).collect();
    touched.sort_unstable();
    touched.dedup();
    let touched: Vec<&trading_account::Model> =
        touched.iter().filter_map(|id| accounts.get(id)).collect();
    for l in inventory::iter::<UpdateListener> {
        (l.0)(txn, &touched).await?;
    }
    // One event an account (a decided one has its own, from `act`).
    let mut seen = std::collections::HashSet::new();
    live::emit_many(
        txn,
        updates
            .iter()
            .filter(|u| {
                seen.insert(u.account_id) && !decided.iter().any(|(id, _)| *id == u.account_id)
            })
            .filter_map(|u| accounts.get(&u.account_id).and_then(changed)),
    )
    .await?;
    for (id, d) in decided {
        let fresh = trading_account::Entity::find_by_id(id)
            .one(txn)
            .await?
            .or_internal("a locked account is not there")?;
        act(txn, &fresh, d, None).await?;
    }
    Ok(out)
}

/// Runs the midnight of every active account whose day has ended without an update since:
/// that is when stages pass at the end of a day or expire at the end of their period.
pub async fn roll_account(
    txn: &sea_orm::DatabaseTransaction,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Decision>, AppError> {
    let mut acc = lock(txn, id).await?;
    if acc.status != "active" {
        return Ok(None);
    }
    let r = rules_of(&acc)?;
    let mut state = state_of(&acc)?;
    let day = clock::local_day(now, zone_of(&acc));
    if state.day >= day {
        return Ok(None);
    }
    let decision = roll(&r, &mut state, day, &acc);
    if decision.is_none() {
        // A new day: the period may now be about to end.
        let watch = alerts::watch(txn).await?;
        alerts::on_update(txn, &watch, &mut acc, &r, &state, false).await?;
    }
    trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::State,
            Expr::value(
                serde_json::to_string(&state).or_internal("encoding an account's rule state")?,
            ),
        )
        .col_expr(trading_account::Column::Alerts, Expr::value(&acc.alerts))
        .col_expr(
            trading_account::Column::Version,
            Expr::value(acc.version + 1),
        )
        .filter(trading_account::Column::Id.eq(acc.id))
        .exec(txn)
        .await?;
    match decision {
        Some(d) => act(txn, &acc, d, None).await?,
        None => live::emit_many(txn, changed(&acc)).await?,
    }
    Ok(decision)
}

/// The live event that tells a participant's trader, and staff watching participants, that the
/// account's figures, progress, warnings or decision changed. None for an account of no
/// participant.
pub fn changed(acc: &trading_account::Model) -> Option<(Audience, Topic, Option<i64>)> {
    let p = acc.participant_id?;
    Some((
        Audience::user_and_staff(acc.user_id, Permission::ParticipantsView),
        Topic::Participant,
        Some(p),
    ))
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

/// What another area does with the accounts whose figures an update (or batch) just stored, in
/// the same transaction, each with its new balance, equity and time (`updated_at`): the
/// competitions rank their accounts by it (`register_update_listener!`).
pub type UpdateListenerFn =
    for<'a> fn(
        &'a sea_orm::DatabaseTransaction,
        &'a [&'a trading_account::Model],
    ) -> Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;

pub struct UpdateListener(pub UpdateListenerFn);

inventory::collect!(UpdateListener);

#[macro_export]
macro_rules! register_update_listener {
    ($f:expr) => {
        inventory::submit! { $crate::server::trading::risk::UpdateListener($f) }
    };
}

/// What the owner of a participant does when a stage of its account is decided (in the same
/// transaction): the prop area registers it with `register_stage_listener!`, so the rules engine
/// does not import the challenge flow that sits on top of it.
pub type StageListenerFn =
    for<'a> fn(
        &'a sea_orm::DatabaseTransaction,
        i64,
        &'a trading_account::Model,
        &'a Decision,
        Option<i64>,
    ) -> Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;

pub struct StageListener(pub StageListenerFn);

inventory::collect!(StageListener);

#[macro_export]
macro_rules! register_stage_listener {
    ($f:expr) => {
        inventory::submit! { $crate::server::trading::risk::StageListener($f) }
    };
}

/// Ends the stage on the account: it is disabled (a breached simulated account has its
/// positions closed), the decision is stored with its figures, and the participant moves on.
pub async fn act(
    txn: &sea_orm::DatabaseTransaction,
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
    let figures_json = serde_json::to_string(&d).or_internal("encoding a decision's figures")?;
    trading_account::Entity::update_many()
        .col_expr(trading_account::Column::Status, Expr::value(status))
        .col_expr(
            trading_account::Column::Decision,
            Expr::value(&figures_json),
        )
        .filter(trading_account::Column::Id.eq(acc.id))
        .exec(txn)
        .await?;
    if matches!(d, Decision::Breach(_)) {
        alerts::on_breach(txn, acc, figures, rule_name(figures.rule)).await?;
    }
    if matches!(d, Decision::Breach(_)) && acc.platform == "sim" {
        let at = sim::feed(txn).await?.now();
        sim::close_all(txn, acc.id, at).await?;
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
        &format!("stage.{outcome}"),
        "trading_account",
        Some(acc.id),
        serde_json::json!({"login": acc.login, "rule": rule_name(figures.rule), "value": figures.value}),
        "",
    )
    .await?;
    if let Some(p) = acc.participant_id {
        for l in inventory::iter::<StageListener> {
            (l.0)(txn, p, acc, &d, actor).await?;
        }
    }
    live::emit_many(txn, changed(acc)).await
}

/// The day-close job: closes the day of every active account whose midnight has passed with no update since
/// (accounts that trade are rolled by their own next update). Returns how many were rolled.
pub async fn roll_days(db: &DatabaseConnection) -> Result<usize, AppError> {
    let accounts: Vec<(i64, String)> = trading_account::Entity::find()
        .select_only()
        .column(trading_account::Column::Id)
        .column(trading_account::Column::Platform)
        .filter(trading_account::Column::Status.eq("active"))
        .into_tuple()
        .all(db)
        .await?;
    let now = Utc::now();
    // Simulated accounts live on the simulator's clock.
    let sim_now = sim::feed(db).await?.now();
    let mut rolled = 0;
    for (id, platform) in accounts {
        let at = if platform == "sim" { sim_now } else { now };
        let txn = db.write().await?;
        if roll_account(&txn, id, at).await?.is_some() {
            rolled += 1;
        }
        txn.commit().await?;
    }
    Ok(rolled)
}

pub const DAY_CLOSE: &str = "day_close";
crate::register_job!(jobs::Schedule::Day, 10, DAY_CLOSE, |db| Box::pin(
    roll_days(db)
));

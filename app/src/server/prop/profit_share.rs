//! Profit-share settlements of funded accounts. A settlement takes the profit above the
//! high-water mark (the stage's initial balance: every payout brings the balance back to it),
//! splits it between its recipients and the firm, and in one transaction:
//!
//! - posts the profit out of the funded account (funded trading → shares payable + firm part),
//! - brings the account's balance back to its base (and moves the engine's reference points
//!   with it, so the payout is never judged a loss),
//! - pays each recipient's share into their wallet (automatic distribution), or files a
//!   `profit_share` request that a person reviews first (manual distribution): approval pays,
//!   rejection gives the share to the firm.
//!
//! A period (in the challenge's time zone) is settled once: the `(account, period)` key is
//! unique, so neither a double click nor two instances of the job can pay it twice.
use crate::domain::approval::RequestKind;
use crate::domain::bps::Bps;
use crate::domain::challenge::{Distribution, Environment, StageDef};
use crate::domain::clock;
use crate::domain::money::{self, Currency};
use crate::domain::profit_share::{self as ps, Claim, Period, Recipient, Split};
use crate::domain::rules;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::{ListQuery, Page, ProfitShareDto, ProfitShareTerms, PropFilter};
use crate::server::approvals::{self, Submission};
use crate::server::entity::{
    bridge_command, equity_point, participant, profit_share, profit_share_part, request,
    trading_account, user,
};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use crate::server::trading::platform::{Platform, TradingPlatform};
use crate::server::{
    infra::audit, infra::jobs, infra::list, infra::notify, prop::fees, prop::participation,
    trading::risk, trading::sim,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::QueryTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::{BTreeMap, HashMap};

pub mod status {
    /// The period ended below the high-water mark: nothing to pay, the loss carries forward.
    pub const NO_PROFIT: &str = "no_profit";
    pub const PENDING_REVIEW: &str = "pending_review";
    pub const PAID: &str = "paid";
    /// A reviewer turned the payout down: the shares went to the firm.
    pub const REJECTED: &str = "rejected";
    pub const ALL: &[&str] = &[NO_PROFIT, PENDING_REVIEW, PAID, REJECTED];
}

/// The key of the settlement made when a funded stage ends (staff advance it).
const FINAL: &str = "final";

/// Which period a settlement takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// The running period, now (staff settle on request).
    Now,
    /// The latest period that has ended (the scheduled run).
    Ended,
    /// Everything up to now, as the stage ends.
    Final,
}

fn cur(code: &str) -> Result<Currency, AppError> {
    money::currency(code).or_internal("a stored currency is unknown")
}

/// The stage's profit-share terms, when the account is on a funded stage that has them.
pub fn terms_of(p: &participant::Model, acc: &trading_account::Model) -> Option<StageDef> {
    let b = participation::bought(p).ok()?;
    b.package
        .stages
        .get(acc.stage as usize)
        .filter(|s| s.environment == Environment::Live && s.profit_share_bps.is_some())
        .cloned()
}

/// Who is owed a share of a settlement's profit besides the firm. The IB rules add the
/// referring IBs here; the settlement pays whatever this list holds.
pub fn claims(p: &participant::Model, stage: &StageDef) -> Vec<Claim> {
    vec![Claim {
        recipient: Recipient::Trader,
        user_id: p.user_id,
        bps: stage.profit_share_bps.unwrap_or(0),
    }]
}

/// The account's "now": simulated accounts live on the simulator's clock.
async fn now_of(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
) -> Result<DateTime<Utc>, AppError> {
    Ok(match Platform::of(acc) {
        Platform::Simulated => sim::feed(db).await?.now(),
        Platform::Bridge(_) => Utc::now(),
    })
}

fn tz_of(acc: &trading_account::Model) -> chrono_tz::Tz {
    clock::parse_tz(&acc.time_zone).unwrap_or(chrono_tz::UTC)
}

/// The period `when` names on `today` (the account's local day), and its key.
fn period_for(
    stage: &StageDef,
    start_day: NaiveDate,
    today: NaiveDate,
    when: When,
) -> Option<(Period, String)> {
    match when {
        When::Now => {
            let p = ps::period_of(stage.settlement, start_day, today);
            Some((p, p.key()))
        }
        When::Ended => ps::last_ended(stage.settlement, start_day, today).map(|p| (p, p.key())),
        When::Final => {
            let p = ps::period_of(stage.settlement, start_day, today);
            Some((
                Period {
                    start: p.start,
                    end: today,
                },
                FINAL.to_string(),
            ))
        }
    }
}

async fn settled(
    db: &impl ConnectionTrait,
    account_id: i64,
    key: &str,
) -> Result<Option<profit_share::Model>, AppError> {
    Ok(profit_share::Entity::find()
        .filter(profit_share::Column::AccountId.eq(account_id))
        .filter(profit_share::Column::PeriodKey.eq(key))
        .one(db)
        .await?)
}

/// A bridge has not yet carried out an earlier balance change: its snapshots still show the
/// old balance, and settling on them could pay the same profit twice.
async fn platform_pending(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
) -> Result<bool, AppError> {
    if !matches!(Platform::of(acc), Platform::Bridge(_)) {
        return Ok(false);
    }
    Ok(bridge_command::Entity::find()
        .filter(bridge_command::Column::AccountId.eq(acc.id))
        .filter(bridge_command::Column::Kind.eq("withdraw"))
        .filter(bridge_command::Column::Status.eq("pending"))
        .count(db)
        .await?
        > 0)
}

/// What a settlement attempt came to.
#[derive(Debug)]
pub enum Outcome {
    Settled(Box<profit_share::Model>),
    /// Nothing is due yet (the scheduled run skips the account for now).
    NotDue,
}

/// Settles the account's period `when` inside the caller's transaction. Staff asking for a
/// settlement that cannot be made get the reason; the scheduled run gets `NotDue` and tries
/// again later (an account with open positions waits until it is flat).
pub async fn settle_in(
    txn: &sea_orm::DatabaseTransaction,
    account_id: i64,
    when: When,
    actor: Option<i64>,
    from: &Origin,
) -> Result<Outcome, AppError> {
    let scheduled = when == When::Ended;
    let refuse = |code: &str| {
        if scheduled {
            Ok(Outcome::NotDue)
        } else {
            Err(AppError::field("settlement", code))
        }
    };
    let acc = risk::lock(txn, account_id).await?;
    let p = participation::find(txn, acc.participant_id.ok_or(AppError::NotFound)?).await?;
    let Some(stage) = terms_of(&p, &acc) else {
        return refuse("err.settlement_no_terms");
    };
    if acc.status != "active" || p.account_id != Some(acc.id) {
        return refuse("err.settlement_not_running");
    }
    let mut state = risk::state_of(&acc)?;
    let at = now_of(txn, &acc).await?;
    let today = clock::local_day(at, tz_of(&acc));
    let Some((period, key)) = period_for(&stage, state.start_day, today, when) else {
        return Ok(Outcome::NotDue);
    };
    if settled(txn, acc.id, &key).await?.is_some() {
        return refuse("err.period_settled");
    }
    if acc.open_positions > 0 {
        return refuse("err.settlement_open_positions");
    }
    if platform_pending(txn, &acc).await? {
        return refuse("err.settlement_platform_pending");
    }
    let base = acc.initial_balance;
    let profit = ps::profit_above(acc.balance, base);
    if profit == 0 && !scheduled {
        return Err(AppError::field("settlement", "err.settlement_no_profit"));
    }
    let split = ps::split(profit, &claims(&p, &stage))
        .map_err(|e| AppError::field("settlement", e.code()))?;
    let now = Utc::now();
    let manual = stage.distribution == Distribution::Manual;
    let share = profit_share::ActiveModel {
        participant_id: Set(p.id),
        account_id: Set(acc.id),
        user_id: Set(p.user_id),
        challenge_id: Set(p.challenge_id),
        currency: Set(acc.currency.clone()),
        period_key: Set(key),
        period_start: Set(period.start),
        period_end: Set(period.end),
        base_minor: Set(base),
        balance_minor: Set(acc.balance),
        profit_minor: Set(profit),
        firm_minor: Set(split.firm),
        distribution: Set(stage.distribution.as_str().into()),
        status: Set(if profit == 0 {
            status::NO_PROFIT
        } else {
            status::PENDING_REVIEW
        }
        .into()),
        request_id: Set(None),
        entry_id: Set(None),
        payout_entry_id: Set(None),
        created_by: Set(actor),
        created_at: Set(now),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if profit == 0 {
        tell(txn, &p, &share, "notice.profit_share_none").await?;
        return Ok(Outcome::Settled(Box::new(share)));
    }
    for part in &split.parts {
        profit_share_part::ActiveModel {
            profit_share_id: Set(share.id),
            recipient: Set(part.claim.recipient.as_str().into()),
            user_id: Set(part.claim.user_id),
            bps: Set(part.claim.bps),
            amount_minor: Set(part.amount),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let entry = take_profit(txn, &share, &split, actor).await?;
    // The balance returns to its base; the engine's day and trailing marks move with it.
    Platform::of(&acc).withdraw(txn, &acc, profit).await?;
    rules::withdraw(&mut state, profit);
    trading_account::Entity::update_many()
        .col_expr(
            trading_account::Column::State,
            Expr::value(
                serde_json::to_string(&state).or_internal("encoding an account's rule state")?,
            ),
        )
        .col_expr(
            trading_account::Column::Version,
            Expr::value(acc.version + 1),
        )
        .filter(trading_account::Column::Id.eq(acc.id))
        .exec(txn)
        .await?;
    equity_point::ActiveModel {
        account_id: Set(acc.id),
        at: Set(at),
        balance: Set(acc.balance - profit),
        equity: Set(acc.equity - profit),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    profit_share::Entity::update_many()
        .col_expr(profit_share::Column::EntryId, Expr::value(Some(entry)))
        .filter(profit_share::Column::Id.eq(share.id))
        .exec(txn)
        .await?;
    audit::record(
        txn,
        actor,
        "profit_share.settled",
        "profit_share",
        Some(share.id),
        serde_json::json!({
            "participant_id": p.id, "login": acc.login, "period": share.period_key,
            "profit_minor": profit, "firm_minor": split.firm, "distribution": share.distribution,
        }),
        &from.ip,
    )
    .await?;
    if manual {
        let paid_out = split.paid_out();
        let b = participation::bought(&p)?;
        let filed = approvals::submit(
            txn,
            Submission {
                idempotency_key: format!("profit-share-{}", share.id),
                kind: Some(RequestKind::ProfitShare),
                user_id: p.user_id,
                created_by: actor.unwrap_or(p.user_id),
                currency: Some(cur(&share.currency)?),
                amount_minor: Some(paid_out),
                reference: format!(
                    "{} · {} · {} – {}",
                    p.challenge_name, b.package.name, share.period_start, share.period_end
                ),
                payload: serde_json::json!({"profit_share_id": share.id, "participant_id": p.id}),
                ..Default::default()
            },
            from,
        )
        .await?;
        profit_share::Entity::update_many()
            .col_expr(
                profit_share::Column::RequestId,
                Expr::value(Some(filed.request.id)),
            )
            .filter(profit_share::Column::Id.eq(share.id))
            .exec(txn)
            .await?;
        tell(txn, &p, &share, "notice.profit_share_review").await?;
    } else {
        release(txn, share.id, Release::Pay, actor).await?;
    }
    let share = profit_share::Entity::find_by_id(share.id)
        .one(txn)
        .await?
        .or_internal("the settlement just locked is not there")?;
    Ok(Outcome::Settled(Box::new(share)))
}

/// The profit leaves the funded account: shares owed to their recipients, the rest the firm's.
async fn take_profit(
    txn: &impl ConnectionTrait,
    share: &profit_share::Model,
    split: &Split,
    actor: Option<i64>,
) -> Result<i64, AppError> {
    let c = cur(&share.currency)?;
    let mut legs = vec![Leg {
        account_id: ledger::firm(txn, AccountKind::FundedTrading, c).await?.id,
        amount_minor: -share.profit_minor,
    }];
    let owed = split.paid_out();
    if owed > 0 {
        legs.push(Leg {
            account_id: ledger::firm(txn, AccountKind::ProfitSharePayable, c)
                .await?
                .id,
            amount_minor: owed,
        });
    }
    if split.firm > 0 {
        legs.push(Leg {
            account_id: ledger::firm(txn, AccountKind::ProfitShareFirm, c).await?.id,
            amount_minor: split.firm,
        });
    }
    let memo = format!("Profit share #{} ({})", share.id, share.period_key);
    let posted = ledger::post_in(
        txn,
        Entry {
            idempotency_key: &format!("profit-share-{}", share.id),
            kind: "profit_share",
            currency: c,
            legs,
            memo: &memo,
            actor_id: actor,
        },
    )
    .await?;
    Ok(posted.entry_id)
}

async fn parts_of(
    db: &impl ConnectionTrait,
    share_id: i64,
) -> Result<Vec<profit_share_part::Model>, AppError> {
    Ok(profit_share_part::Entity::find()
        .filter(profit_share_part::Column::ProfitShareId.eq(share_id))
        .order_by_asc(profit_share_part::Column::Id)
        .all(db)
        .await?)
}

/// Moves a settlement awaiting payment to `to`, exactly once (false: it was not waiting).
async fn decide(
    txn: &impl ConnectionTrait,
    share_id: i64,
    to: &str,
    entry: Option<i64>,
) -> Result<bool, AppError> {
    let r = profit_share::Entity::update_many()
        .col_expr(profit_share::Column::Status, Expr::value(to))
        .col_expr(
            profit_share::Column::DecidedAt,
            Expr::value(Some(Utc::now())),
        )
        .col_expr(profit_share::Column::PayoutEntryId, Expr::value(entry))
        .filter(profit_share::Column::Id.eq(share_id))
        .filter(profit_share::Column::Status.eq(status::PENDING_REVIEW))
        .exec(txn)
        .await?;
    Ok(r.rows_affected == 1)
}

/// Where the shares owed by a settlement go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Release {
    /// Into each recipient's wallet.
    Pay,
    /// To the firm: a reviewer turned the payout down.
    Forfeit,
}

/// Moves a settlement's owed shares out of the payable account, exactly once.
async fn release(
    txn: &impl ConnectionTrait,
    share_id: i64,
    how: Release,
    actor: Option<i64>,
) -> Result<(), AppError> {
    let share = profit_share::Entity::find_by_id(share_id)
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = cur(&share.currency)?;
    let parts = parts_of(txn, share_id).await?;
    let owed: i64 = parts.iter().map(|p| p.amount_minor).sum();
    let mut entry = None;
    if owed > 0 {
        let mut legs = vec![Leg {
            account_id: ledger::firm(txn, AccountKind::ProfitSharePayable, c)
                .await?
                .id,
            amount_minor: -owed,
        }];
        if how == Release::Pay {
            for part in parts.iter().filter(|p| p.amount_minor > 0) {
                legs.push(Leg {
                    account_id: ledger::wallet(txn, part.user_id, c).await?.id,
                    amount_minor: part.amount_minor,
                });
            }
        } else {
            legs.push(Leg {
                account_id: ledger::firm(txn, AccountKind::ProfitShareFirm, c).await?.id,
                amount_minor: owed,
            });
        }
        let (key, kind) = match how {
            Release::Pay => (
                format!("profit-share-pay-{share_id}"),
                "profit_share_payout",
            ),
            Release::Forfeit => (
                format!("profit-share-forfeit-{share_id}"),
                "profit_share_forfeit",
            ),
        };
        let memo = format!("Profit share #{} ({})", share.id, share.period_key);
        let posted = ledger::post_in(
            txn,
            Entry {
                idempotency_key: &key,
                kind,
                currency: c,
                legs,
                memo: &memo,
                actor_id: actor,
            },
        )
        .await?;
        entry = Some(posted.entry_id);
    }
    let to = match how {
        Release::Pay => status::PAID,
        Release::Forfeit => status::REJECTED,
    };
    if !decide(txn, share_id, to, entry).await? {
        return Err(AppError::field("settlement", "err.settlement_decided"));
    }
    if how == Release::Pay {
        let p = participation::find(txn, share.participant_id).await?;
        tell(txn, &p, &share, "notice.profit_share_paid").await?;
    }
    Ok(())
}

fn share_of(req: &request::Model) -> Result<i64, AppError> {
    serde_json::from_str::<serde_json::Value>(&req.payload)
        .ok()
        .and_then(|v| v.get("profit_share_id").and_then(|i| i.as_i64()))
        .or_internal("a payout request without its settlement id")
}

/// The settlement behind a review request, labelled for the review page.
pub async fn describe(
    db: &impl ConnectionTrait,
    req: &request::Model,
) -> Result<Vec<(String, String)>, AppError> {
    let Some(s) = profit_share::Entity::find_by_id(share_of(req)?)
        .one(db)
        .await?
    else {
        return Ok(Vec::new());
    };
    let d = dtos(db, &[s]).await?.remove(0);
    let with = |v: &str| format!("{v} {}", d.currency);
    Ok(vec![
        ("prop.ps_login".into(), d.login.clone()),
        (
            "prop.ps_period".into(),
            format!("{} – {}", d.period_start, d.period_end),
        ),
        ("prop.ps_base".into(), with(&d.base)),
        ("prop.ps_balance".into(), with(&d.balance)),
        ("prop.ps_profit".into(), with(&d.profit)),
        (
            "prop.ps_trader_share".into(),
            format!("{} ({})", with(&d.trader_share), Bps(d.trader_bps)),
        ),
        ("prop.ps_firm_share".into(), with(&d.firm_share)),
        (
            "prop.ps_participant".into(),
            format!("#{}", d.participant_id),
        ),
    ])
}

/// The approval engine approved a reviewed payout.
pub async fn on_approved(
    txn: &impl ConnectionTrait,
    req: &request::Model,
    actor: Option<i64>,
) -> Result<(), AppError> {
    release(txn, share_of(req)?, Release::Pay, actor).await
}

/// The approval engine rejected a reviewed payout (the request's reason is the trader's).
pub async fn on_rejected(txn: &impl ConnectionTrait, req: &request::Model) -> Result<(), AppError> {
    release(txn, share_of(req)?, Release::Forfeit, req.decided_by).await
}

async fn tell(
    txn: &impl ConnectionTrait,
    p: &participant::Model,
    share: &profit_share::Model,
    key: &str,
) -> Result<(), AppError> {
    let c = cur(&share.currency)?;
    let trader: i64 = profit_share_part::Entity::find()
        .filter(profit_share_part::Column::ProfitShareId.eq(share.id))
        .filter(profit_share_part::Column::UserId.eq(p.user_id))
        .all(txn)
        .await?
        .iter()
        .map(|x| x.amount_minor)
        .sum();
    let data = BTreeMap::from([
        ("challenge".to_string(), p.challenge_name.clone()),
        ("id".to_string(), p.id.to_string()),
        (
            "period".to_string(),
            format!("{} – {}", share.period_start, share.period_end),
        ),
        (
            "amount".to_string(),
            format!("{} {}", money::format(trader, c), c.code),
        ),
        (
            "profit".to_string(),
            format!("{} {}", money::format(share.profit_minor, c), c.code),
        ),
    ]);
    notify::push_and_mail(txn, p.user_id, key, data).await
}

/// Staff settle a funded participant's running period now.
pub async fn settle_now(
    db: &DatabaseConnection,
    staff: i64,
    participant_id: i64,
    from: &Origin,
) -> Result<profit_share::Model, AppError> {
    let p = participation::find(db, participant_id).await?;
    let acc = p
        .account_id
        .ok_or_else(|| AppError::field("settlement", "err.settlement_not_running"))?;
    let txn = db.write().await?;
    match settle_in(&txn, acc, When::Now, Some(staff), from).await? {
        Outcome::Settled(s) => {
            txn.commit().await?;
            Ok(*s)
        }
        Outcome::NotDue => Err(AppError::field("settlement", "err.settlement_not_running")),
    }
}

crate::register_job!(jobs::Schedule::Day, 20, "profit_share_settle", |db| {
    Box::pin(settle_due(db))
});

/// The scheduled run: every funded account whose last period has ended unsettled is settled
/// (each in its own transaction). Accounts are sifted in memory from a few bulk reads first,
/// so a run with nothing due locks nothing. Returns how many settlements it made.
pub async fn settle_due(db: &DatabaseConnection) -> Result<usize, AppError> {
    use trading_account::Column as A;
    let accounts = trading_account::Entity::find()
        .filter(A::Environment.eq("live"))
        .filter(A::Status.eq("active"))
        .all(db)
        .await?;
    if accounts.is_empty() {
        return Ok(0);
    }
    let sim_now = sim::feed(db).await?.now();
    let now = Utc::now();
    let mut participants: HashMap<i64, participant::Model> = HashMap::new();
    for chunk in accounts.chunks(1_000) {
        let ids: Vec<i64> = chunk.iter().filter_map(|a| a.participant_id).collect();
        for p in participant::Entity::find()
            .filter(participant::Column::Id.is_in(ids))
            .all(db)
            .await?
        {
            participants.insert(p.id, p);
        }
    }
    // (account, period key) of every account that has a period to settle.
    let mut due: Vec<(i64, String)> = Vec::new();
    for acc in &accounts {
        let Some(p) = acc.participant_id.and_then(|id| participants.get(&id)) else {
            continue;
        };
        let (Some(stage), Ok(state)) = (terms_of(p, acc), risk::state_of(acc)) else {
            continue;
        };
        let at = if acc.platform == "sim" { sim_now } else { now };
        let today = clock::local_day(at, tz_of(acc));
        if acc.open_positions > 0 {
            continue;
        }
        if let Some((_, key)) = period_for(&stage, state.start_day, today, When::Ended) {
            due.push((acc.id, key));
        }
    }
    let mut done: std::collections::HashSet<(i64, String)> = std::collections::HashSet::new();
    for chunk in due.chunks(1_000) {
        let ids: Vec<i64> = chunk.iter().map(|(a, _)| *a).collect();
        let keys: Vec<String> = chunk.iter().map(|(_, k)| k.clone()).collect();
        for s in profit_share::Entity::find()
            .filter(profit_share::Column::AccountId.is_in(ids))
            .filter(profit_share::Column::PeriodKey.is_in(keys))
            .all(db)
            .await?
        {
            done.insert((s.account_id, s.period_key));
        }
    }
    let system = Origin::internal("system");
    let mut made = 0;
    for (id, key) in due {
        if done.contains(&(id, key)) {
            continue;
        }
        let txn = db.write().await?;
        match settle_in(&txn, id, When::Ended, None, &system).await {
            Ok(Outcome::Settled(_)) => {
                txn.commit().await?;
                made += 1;
            }
            Ok(Outcome::NotDue) => txn.rollback().await?,
            // Another instance settled it a moment ago: the unique key refused the second.
            Err(e) => {
                txn.rollback().await?;
                tracing::warn!(account = id, error = %e, "scheduled settlement failed");
            }
        }
    }
    Ok(made)
}

/// The funded stage ends (staff advance the participant): whatever profit stands above the
/// mark is settled first.
pub async fn settle_final(
    txn: &sea_orm::DatabaseTransaction,
    acc: &trading_account::Model,
    actor: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let Some(pid) = acc.participant_id else {
        return Ok(());
    };
    let p = participation::find(txn, pid).await?;
    if terms_of(&p, acc).is_none() || ps::profit_above(acc.balance, acc.initial_balance) == 0 {
        return Ok(());
    }
    settle_in(txn, acc.id, When::Final, Some(actor), from).await?;
    Ok(())
}

fn dto(
    s: &profit_share::Model,
    parts: &[profit_share_part::Model],
    logins: &HashMap<i64, String>,
    users: &HashMap<i64, user::Model>,
    names: &HashMap<i64, String>,
) -> ProfitShareDto {
    let c = money::currency(&s.currency);
    let fmt = |m: i64| c.map_or_else(|| m.to_string(), |c| money::format(m, c));
    let trader: Vec<&profit_share_part::Model> = parts
        .iter()
        .filter(|p| p.profit_share_id == s.id && p.recipient == Recipient::Trader.as_str())
        .collect();
    let trader_minor: i64 = trader.iter().map(|p| p.amount_minor).sum();
    let others: i64 = parts
        .iter()
        .filter(|p| p.profit_share_id == s.id && p.recipient != Recipient::Trader.as_str())
        .map(|p| p.amount_minor)
        .sum();
    let u = users.get(&s.user_id);
    ProfitShareDto {
        id: s.id,
        participant_id: s.participant_id,
        client: u
            .map(|u| format!("{} {}", u.first_name, u.last_name))
            .unwrap_or_default(),
        email: u.map(|u| u.email.clone()).unwrap_or_default(),
        challenge: names.get(&s.participant_id).cloned().unwrap_or_default(),
        login: logins.get(&s.account_id).cloned().unwrap_or_default(),
        period_start: s.period_start.to_string(),
        period_end: s.period_end.to_string(),
        is_final: s.period_key == FINAL,
        balance: fmt(s.balance_minor),
        base: fmt(s.base_minor),
        profit: fmt(s.profit_minor),
        trader_bps: trader.first().map_or(0, |p| p.bps),
        trader_share: fmt(trader_minor),
        other_shares: fmt(others),
        firm_share: fmt(s.firm_minor),
        currency: s.currency.clone(),
        distribution: s.distribution.clone(),
        status: s.status.clone(),
        request_id: s.request_id,
        created_at: s.created_at.format("%Y-%m-%d %H:%M").to_string(),
        decided_at: s
            .decided_at
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
    }
}

async fn dtos(
    db: &impl ConnectionTrait,
    shares: &[profit_share::Model],
) -> Result<Vec<ProfitShareDto>, AppError> {
    let ids: Vec<i64> = shares.iter().map(|s| s.id).collect();
    let parts = profit_share_part::Entity::find()
        .filter(profit_share_part::Column::ProfitShareId.is_in(ids))
        .all(db)
        .await?;
    let logins: HashMap<i64, String> = trading_account::Entity::find()
        .filter(trading_account::Column::Id.is_in(shares.iter().map(|s| s.account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.login))
        .collect();
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(shares.iter().map(|s| s.user_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let names: HashMap<i64, String> = participant::Entity::find()
        .filter(participant::Column::Id.is_in(shares.iter().map(|s| s.participant_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.challenge_name))
        .collect();
    Ok(shares
        .iter()
        .map(|s| dto(s, &parts, &logins, &users, &names))
        .collect())
}

/// A participant's settlements, newest first (the trader's profit-sharing tab and staff's).
pub async fn of_participant(
    db: &impl ConnectionTrait,
    participant_id: i64,
) -> Result<Vec<ProfitShareDto>, AppError> {
    let shares = profit_share::Entity::find()
        .filter(profit_share::Column::ParticipantId.eq(participant_id))
        .order_by_desc(profit_share::Column::Id)
        .all(db)
        .await?;
    dtos(db, &shares).await
}

/// The terms of the participant's funded stage and where the running period stands.
pub async fn terms(
    db: &impl ConnectionTrait,
    p: &participant::Model,
    acc: Option<&trading_account::Model>,
) -> Result<Option<ProfitShareTerms>, AppError> {
    let Some(acc) = acc else { return Ok(None) };
    let Some(stage) = terms_of(p, acc) else {
        return Ok(None);
    };
    let c = money::currency(&acc.currency);
    let fmt = |m: i64| c.map_or_else(|| m.to_string(), |c| money::format(m, c));
    let state = risk::state_of(acc)?;
    let today = clock::local_day(now_of(db, acc).await?, tz_of(acc));
    let period = ps::period_of(stage.settlement, state.start_day, today);
    let running = acc.status == "active" && p.account_id == Some(acc.id);
    Ok(Some(ProfitShareTerms {
        trader_bps: stage.profit_share_bps.unwrap_or(0),
        frequency: stage.settlement.as_str().into(),
        distribution: stage.distribution.as_str().into(),
        period_start: period.start.to_string(),
        period_end: period.end.to_string(),
        next_settlement: period
            .end
            .succ_opt()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        base: fmt(acc.initial_balance),
        unsettled: fmt(ps::profit_above(acc.balance, acc.initial_balance)),
        period_settled: running && settled(db, acc.id, &period.key()).await?.is_some(),
        settleable: running && acc.open_positions == 0,
    }))
}

/// Staff's list of settlements: filter by status (`q.filter`), prop filter, dates, search.
pub async fn list(
    db: &impl ConnectionTrait,
    q: &ListQuery,
    f: &PropFilter,
    paged: bool,
) -> Result<Page<ProfitShareDto>, AppError> {
    use profit_share::Column as C;
    fees::check_filter(f)?;
    let mut select = profit_share::Entity::find();
    if !q.filter.is_empty() {
        if !status::ALL.contains(&q.filter.as_str()) {
            return Err(AppError::field("filter", "err.status_unknown"));
        }
        select = select.filter(C::Status.eq(q.filter.clone()));
    }
    if let Some(kept) = fees::participants_kept(f) {
        select = select.filter(C::ParticipantId.in_subquery(kept.into_query()));
    }
    let (from, to) = list::date_range(q)?;
    if let Some(t) = from {
        select = select.filter(C::CreatedAt.gte(t));
    }
    if let Some(t) = to {
        select = select.filter(C::CreatedAt.lt(t));
    }
    if let Some(ids) = list::users_matching(db, &q.q).await? {
        select = select.filter(C::UserId.is_in(ids));
    }
    select = match (q.sort.as_str(), q.desc) {
        ("profit", true) => select.order_by_desc(C::ProfitMinor),
        ("profit", false) => select.order_by_asc(C::ProfitMinor),
        ("period", true) => select.order_by_desc(C::PeriodStart),
        ("period", false) => select.order_by_asc(C::PeriodStart),
        (_, false) => select.order_by_asc(C::Id),
        (_, true) => select.order_by_desc(C::Id),
    };
    let (shares, total) = list::fetch(db, select, q, paged).await?;
    Ok(list::page(dtos(db, &shares).await?, total, q, paged))
}

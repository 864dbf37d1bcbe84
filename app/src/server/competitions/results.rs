//! The competition clock and its results. A job step (every half minute) opens entrants'
//! accounts when trading starts; when it ends it closes them, fixes the final ranks and each
//! winner's prize from the prize table (`settle`), and pays the prizes at once or when staff
//! release them (`pay`). Each prize is its own transaction: the entry is marked paid by a
//! conditional update and credited by a ledger entry keyed by the entry, so a restart in the
//! middle of a payout pays the rest and nobody twice.
use super::*;
use crate::domain::competition::{EntryStatus, PayoutMode, payouts, rank};
use crate::domain::live::Topic;
use crate::domain::money::AccountKind;
use crate::server::entity::{competition, competition_entry, trading_account};
use crate::server::infra::db::Write;
use crate::server::infra::jobs;
use crate::server::infra::live::{self, Audience};
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, notify};
use crate::server::money::ledger::{self, Entry, Leg};
use crate::server::trading::platform::{Platform, TradingPlatform};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    TransactionTrait,
};

crate::register_job!(jobs::Schedule::Day, 45, "competitions", |db| Box::pin(
    tick(db)
));

/// Opens or closes a competition account for trading.
pub async fn set_trading(
    db: &impl ConnectionTrait,
    acc: &trading_account::Model,
    open: bool,
) -> Result<(), AppError> {
    if acc.enabled != open {
        Platform::of(acc).set_enabled(db, acc, open).await?;
    }
    Ok(())
}

async fn accounts_of(
    db: &impl ConnectionTrait,
    competition: i64,
    only_active: bool,
) -> Result<Vec<trading_account::Model>, AppError> {
    let mut q = competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(competition));
    if only_active {
        q = q.filter(competition_entry::Column::Status.eq(EntryStatus::Active));
    }
    let ids: Vec<i64> = q.all(db).await?.into_iter().map(|e| e.account_id).collect();
    Ok(trading_account::Entity::find()
        .filter(trading_account::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// The job step: what the clock says for each competition that is not finished. Returns how
/// many competitions moved.
pub async fn tick(db: &DatabaseConnection) -> Result<usize, AppError> {
    let now = Utc::now();
    let open = competition::Entity::find()
        .filter(competition::Column::Published.eq(true))
        .filter(competition::Column::PaidAt.is_null())
        .filter(competition::Column::StartAt.lte(now))
        .all(db)
        .await?;
    let mut moved = 0;
    for c in open {
        if c.settled_at.is_none() && now < c.end_at {
            let txn = db.write().await?;
            for acc in accounts_of(&txn, c.id, true).await? {
                if !acc.enabled {
                    set_trading(&txn, &acc, true).await?;
                    moved += 1;
                }
            }
            txn.commit().await?;
        } else if c.settled_at.is_none() {
            moved += usize::from(settle(db, c.id).await?);
        }
        if c.payout == PayoutMode::Auto {
            moved += pay(db, c.id).await?;
        }
    }
    Ok(moved)
}

/// Fixes the final ranks once trading has ended: the accounts close, each active entrant gets
/// their place and the prize of that place. Answers whether this call did it.
pub async fn settle(db: &DatabaseConnection, id: i64) -> Result<bool, AppError> {
    let now = Utc::now();
    let txn = db.write().await?;
    let done = competition::Entity::update_many()
        .col_expr(competition::Column::SettledAt, Expr::value(Some(now)))
        .filter(competition::Column::Id.eq(id))
        .filter(competition::Column::SettledAt.is_null())
        .filter(competition::Column::EndAt.lte(now))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Ok(false);
    }
    let c = competition::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .or_internal("a competition being settled")?;
    for acc in accounts_of(&txn, id, false).await? {
        set_trading(&txn, &acc, false).await?;
    }
    let active: Vec<_> = competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(id))
        .filter(competition_entry::Column::Status.eq(EntryStatus::Active))
        .all(&txn)
        .await?;
    let ranked = rank(active.iter().map(board::standing).collect());
    let prizes = payouts(&ranked, &prizes(&c));
    for (s, place) in ranked.iter().zip(1i32..) {
        let prize = prizes.iter().find(|p| p.0 == s.entry).map(|p| p.2);
        competition_entry::Entity::update_many()
            .col_expr(
                competition_entry::Column::FinalRank,
                Expr::value(Some(place)),
            )
            .col_expr(competition_entry::Column::PrizeMinor, Expr::value(prize))
            .filter(competition_entry::Column::Id.eq(s.entry))
            .exec(&txn)
            .await?;
    }
    if prizes.is_empty() {
        mark_paid(&txn, id).await?;
    }
    live::emit(&txn, Audience::everyone(), Topic::Leaderboard, Some(id)).await?;
    txn.commit().await?;
    Ok(true)
}

async fn mark_paid(db: &impl ConnectionTrait, id: i64) -> Result<(), AppError> {
    competition::Entity::update_many()
        .col_expr(competition::Column::PaidAt, Expr::value(Some(Utc::now())))
        .filter(competition::Column::Id.eq(id))
        .filter(competition::Column::PaidAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Pays every prize of a settled competition not paid yet, each in its own transaction; when
/// none is left, the competition is finished. Returns how many this call paid.
pub async fn pay(db: &DatabaseConnection, id: i64) -> Result<usize, AppError> {
    let due = competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(id))
        .filter(competition_entry::Column::PrizeMinor.gt(0))
        .filter(competition_entry::Column::PaidAt.is_null())
        .order_by_asc(competition_entry::Column::FinalRank)
        .all(db)
        .await?;
    let mut paid = 0;
    for e in &due {
        paid += usize::from(pay_one(db, e.id).await?);
    }
    let left = competition_entry::Entity::find()
        .filter(competition_entry::Column::CompetitionId.eq(id))
        .filter(competition_entry::Column::PrizeMinor.gt(0))
        .filter(competition_entry::Column::PaidAt.is_null())
        .one(db)
        .await?;
    let settled = competition::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some_and(|c| c.settled_at.is_some());
    if left.is_none() && settled {
        let txn = db.begin().await?;
        mark_paid(&txn, id).await?;
        live::emit(&txn, Audience::everyone(), Topic::Leaderboard, Some(id)).await?;
        txn.commit().await?;
    }
    Ok(paid)
}

/// Pays one entry's prize into the winner's wallet, unless it is paid already. Answers whether
/// this call paid it.
pub async fn pay_one(db: &DatabaseConnection, entry: i64) -> Result<bool, AppError> {
    let txn = db.write().await?;
    let e = competition_entry::Entity::find_by_id(entry)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(amount) = e.prize_minor.filter(|a| *a > 0) else {
        return Ok(false);
    };
    let c = competition::Entity::find_by_id(e.competition_id)
        .one(&txn)
        .await?
        .or_internal("an entry's competition")?;
    let cur = money(amount, &c)?.currency();
    let wallet = ledger::wallet(&txn, e.user_id, cur).await?;
    ledger::lock_accounts(&txn, &[wallet.id]).await?;
    let claimed = competition_entry::Entity::update_many()
        .col_expr(
            competition_entry::Column::PaidAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(competition_entry::Column::Id.eq(entry))
        .filter(competition_entry::Column::PaidAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    let prizes = ledger::firm(&txn, AccountKind::CompetitionPrizes, cur).await?;
    ledger::post_in(
        &txn,
        Entry {
            idempotency_key: &format!("competition-prize-{entry}"),
            kind: "competition_prize",
            currency: cur,
            legs: vec![
                Leg {
                    account_id: prizes.id,
                    amount_minor: -amount,
                },
                Leg {
                    account_id: wallet.id,
                    amount_minor: amount,
                },
            ],
            memo: &format!("prize: {}", c.name),
            actor_id: None,
        },
    )
    .await?;
    let data = std::collections::BTreeMap::from([
        ("competition".to_string(), c.name.clone()),
        (
            "rank".to_string(),
            e.final_rank.unwrap_or_default().to_string(),
        ),
        ("amount".to_string(), money(amount, &c)?.to_string()),
    ]);
    notify::push_and_mail(&txn, e.user_id, "notice.competition_prize", data).await?;
    txn.commit().await?;
    Ok(true)
}

/// Staff end trading now (before its set end): the ranks are fixed at once, and prizes paid
/// if the competition pays them automatically.
pub async fn end_now(
    db: &DatabaseConnection,
    staff: i64,
    id: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let now = Utc::now();
    let txn = db.write().await?;
    let c = competition::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if c.settled_at.is_some() {
        return Err(AppError::field("competition", "err.competition_settled"));
    }
    if now < c.start_at {
        return Err(AppError::field(
            "competition",
            "err.competition_not_started",
        ));
    }
    competition::Entity::update_many()
        .col_expr(competition::Column::EndAt, Expr::value(now))
        .col_expr(
            competition::Column::RegistrationEnd,
            Expr::value(c.registration_end.min(now)),
        )
        .filter(competition::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(staff),
        "competition.end",
        "competition",
        Some(id),
        serde_json::json!({"was": c.end_at}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    settle(db, id).await?;
    if c.payout == PayoutMode::Auto {
        pay(db, id).await?;
    }
    Ok(())
}

/// Staff release the prizes of a competition that waits for review.
pub async fn release(
    db: &DatabaseConnection,
    staff: i64,
    id: i64,
    from: &Origin,
) -> Result<usize, AppError> {
    let c = competition::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if c.settled_at.is_none() {
        return Err(AppError::field(
            "competition",
            "err.competition_not_settled",
        ));
    }
    let paid = pay(db, id).await?;
    let txn = db.write().await?;
    audit::record(
        &txn,
        Some(staff),
        "competition.pay",
        "competition",
        Some(id),
        serde_json::json!({"paid": paid}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(paid)
}

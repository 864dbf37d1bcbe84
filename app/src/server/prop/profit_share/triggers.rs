//! Settlements that staff start, that fall due at a period's end, and the final one when an
//! account closes.
use super::*;
use crate::domain::clock;
use crate::domain::profit_share::{self as ps};
use crate::error::AppError;
use crate::server::entity::{participant, profit_share, trading_account};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{infra::jobs, prop::participation, trading::risk, trading::sim};
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;

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
        let today = clock::local_day(at, crate::server::trading::risk::zone_of(acc));
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

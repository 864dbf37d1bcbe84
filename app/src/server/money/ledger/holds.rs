//! Holds: funds reserved for a pending request, resized, released or captured into an entry.
use super::*;
use crate::domain::money::Currency;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{hold, ledger_account};
use crate::server::infra::db::Write;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    TryInsertResult,
};

/// Reserves funds in a wallet (a pending withdrawal): available falls, balance does not.
pub async fn place_hold(
    db: &DatabaseConnection,
    key: &str,
    wallet_id: i64,
    amount_minor: i64,
) -> Result<hold::Model, AppError> {
    let txn = db.write().await?;
    let h = place_hold_in(&txn, key, wallet_id, amount_minor).await?;
    txn.commit().await?;
    Ok(h)
}

/// `place_hold` inside the caller's transaction. A replayed key returns the first hold.
pub async fn place_hold_in(
    txn: &impl ConnectionTrait,
    key: &str,
    wallet_id: i64,
    amount_minor: i64,
) -> Result<hold::Model, AppError> {
    if amount_minor <= 0 {
        return Err(invalid("amount", "err.amount_not_positive"));
    }
    let am = hold::ActiveModel {
        idempotency_key: Set(key.into()),
        account_id: Set(wallet_id),
        amount_minor: Set(amount_minor),
        status: Set("active".into()),
        entry_id: Set(None),
        created_at: Set(Utc::now()),
        resolved_at: Set(None),
        ..Default::default()
    };
    let inserted = hold::Entity::insert(am)
        .on_conflict_do_nothing_on([hold::Column::IdempotencyKey])
        .exec(txn)
        .await?;
    let id = match inserted {
        TryInsertResult::Inserted(r) => r.last_insert_id,
        TryInsertResult::Conflicted | TryInsertResult::Empty => {
            let first = hold::Entity::find()
                .filter(hold::Column::IdempotencyKey.eq(key))
                .one(txn)
                .await?
                .or_internal("the hold its key names is not there")?;
            return if first.account_id == wallet_id && first.amount_minor == amount_minor {
                Ok(first)
            } else {
                Err(mismatch())
            };
        }
    };
    let acc = ledger_account::Entity::find_by_id(wallet_id)
        .one(txn)
        .await?
        .ok_or_else(|| invalid("account", "err.account_unknown"))?;
    if acc.kind != AccountKind::Wallet {
        return Err(invalid("account", "err.account_unknown"));
    }
    lock_accounts(txn, &[wallet_id]).await?;
    apply_to_wallet(txn, wallet_id, 0, amount_minor).await?;
    hold::Entity::find_by_id(id)
        .one(txn)
        .await?
        .or_internal("the hold just made is not there")
}

/// Changes an active hold's amount (staff editing a pending withdrawal); refused when the
/// wallet cannot cover the new amount.
pub async fn resize_hold_in(
    txn: &impl ConnectionTrait,
    hold_id: i64,
    amount_minor: i64,
) -> Result<(), AppError> {
    if amount_minor <= 0 {
        return Err(invalid("amount", "err.amount_not_positive"));
    }
    let h = find_hold(txn, hold_id).await?;
    lock_accounts(txn, &[h.account_id]).await?;
    let r = hold::Entity::update_many()
        .col_expr(hold::Column::AmountMinor, Expr::value(amount_minor))
        .filter(hold::Column::Id.eq(hold_id))
        .filter(hold::Column::Status.eq("active"))
        .filter(hold::Column::AmountMinor.eq(h.amount_minor))
        .exec(txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(invalid("hold", "err.hold_resolved"));
    }
    apply_to_wallet(txn, h.account_id, 0, amount_minor - h.amount_minor).await
}

/// A hold, as it is now.
pub async fn find_hold(db: &impl ConnectionTrait, hold_id: i64) -> Result<hold::Model, AppError> {
    hold::Entity::find_by_id(hold_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Moves a hold (as read, `h`) from active to `to`, exactly once.
pub(super) async fn resolve(
    txn: &impl ConnectionTrait,
    h: &hold::Model,
    to: &str,
) -> Result<(), AppError> {
    let r = hold::Entity::update_many()
        .col_expr(hold::Column::Status, Expr::value(to))
        .col_expr(hold::Column::ResolvedAt, Expr::value(Some(Utc::now())))
        .filter(hold::Column::Id.eq(h.id))
        .filter(hold::Column::Status.eq("active"))
        .filter(hold::Column::AmountMinor.eq(h.amount_minor))
        .exec(txn)
        .await?;
    if r.rows_affected != 1 {
        return Err(invalid("hold", "err.hold_resolved"));
    }
    Ok(())
}

/// Cancels a hold: the funds are available again.
pub async fn release_hold(db: &DatabaseConnection, hold_id: i64) -> Result<(), AppError> {
    let txn = db.write().await?;
    release_hold_in(&txn, hold_id).await?;
    txn.commit().await?;
    Ok(())
}

pub async fn release_hold_in(txn: &impl ConnectionTrait, hold_id: i64) -> Result<(), AppError> {
    let h = find_hold(txn, hold_id).await?;
    lock_accounts(txn, &[h.account_id]).await?;
    resolve(txn, &h, "released").await?;
    apply_to_wallet(txn, h.account_id, 0, -h.amount_minor).await
}

/// Completes a hold: the held funds leave the wallet for `to_account` in one entry.
pub async fn capture_hold(
    db: &DatabaseConnection,
    hold_id: i64,
    kind: &str,
    to_account: i64,
    cur: Currency,
    actor_id: Option<i64>,
) -> Result<Posted, AppError> {
    let txn = db.write().await?;
    let posted = capture_hold_in(
        &txn,
        hold_id,
        kind,
        &[(to_account, i64::MAX)],
        cur,
        actor_id,
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(posted)
}

/// `capture_hold` inside the caller's transaction, splitting the held amount between several
/// accounts: each `(account, amount)` in order, and the last one takes what remains (so a fee
/// and the net payout always add up to the hold).
pub async fn capture_hold_in(
    txn: &impl ConnectionTrait,
    hold_id: i64,
    kind: &str,
    to: &[(i64, i64)],
    cur: Currency,
    actor_id: Option<i64>,
    memo: &str,
) -> Result<Posted, AppError> {
    // The held wallet and every receiving account, in the ledger's order, before either the
    // hold's release or the entry changes one of them (issue 10: releasing the sender's hold
    // first locked it ahead of a recipient with a lower id).
    let h = find_hold(txn, hold_id).await?;
    let mut touched = vec![h.account_id];
    touched.extend(to.iter().map(|(account_id, _)| *account_id));
    lock_accounts(txn, &touched).await?;
    resolve(txn, &h, "captured").await?;
    apply_to_wallet(txn, h.account_id, 0, -h.amount_minor).await?;
    let mut legs = vec![Leg {
        account_id: h.account_id,
        amount_minor: -h.amount_minor,
    }];
    let mut left = h.amount_minor;
    for (i, (account_id, amount)) in to.iter().enumerate() {
        let amount = if i + 1 == to.len() {
            left
        } else {
            std::cmp::min(*amount, left)
        };
        if amount > 0 {
            legs.push(Leg {
                account_id: *account_id,
                amount_minor: amount,
            });
            left -= amount;
        }
    }
    let key = format!("hold-capture-{hold_id}");
    let posted = post_in(
        txn,
        Entry {
            idempotency_key: &key,
            kind,
            currency: cur,
            legs,
            memo,
            actor_id,
        },
    )
    .await?;
    hold::Entity::update_many()
        .col_expr(hold::Column::EntryId, Expr::value(Some(posted.entry_id)))
        .filter(hold::Column::Id.eq(hold_id))
        .exec(txn)
        .await?;
    Ok(posted)
}

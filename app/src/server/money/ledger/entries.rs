//! Posting a balanced entry: its legs, its idempotency key, and the wallets it moves.
use super::*;
use crate::domain::money::Currency;
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{journal_entry, ledger_account, posting};
use crate::server::infra::crypto;
use crate::server::infra::db::Write;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, TryInsertResult,
};

/// One leg of an entry: a signed amount on one account (positive = credit to the account).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leg {
    pub account_id: i64,
    pub amount_minor: i64,
}

pub struct Entry<'a> {
    pub idempotency_key: &'a str,
    pub kind: &'a str,
    pub currency: Currency,
    pub legs: Vec<Leg>,
    pub memo: &'a str,
    pub actor_id: Option<i64>,
}

/// What `post` did: the entry id, and whether this call made it or replayed an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posted {
    pub entry_id: i64,
    pub replayed: bool,
}

pub(super) fn request_hash(e: &Entry<'_>) -> String {
    let mut legs = e.legs.clone();
    legs.sort_by_key(|l| (l.account_id, l.amount_minor));
    let canon = format!(
        "{}|{}|{:?}",
        e.kind,
        e.currency.code,
        legs.iter()
            .map(|l| (l.account_id, l.amount_minor))
            .collect::<Vec<_>>()
    );
    crypto::digest(&canon)
}

pub(super) fn invalid(field: &str, code: &str) -> AppError {
    AppError::field(field, code)
}

/// A key already used for a different movement: nothing moves (409).
pub(super) fn mismatch() -> AppError {
    AppError::Conflict("err.idempotency_mismatch".into())
}

/// Posts an entry inside the caller's transaction. A key seen before returns the first entry
/// (if the request is the same) or an error (if it differs); either way nothing moves twice.
pub async fn post_in(txn: &impl ConnectionTrait, e: Entry<'_>) -> Result<Posted, AppError> {
    if e.idempotency_key.is_empty() || e.idempotency_key.len() > 128 {
        return Err(invalid("idempotency_key", "err.idempotency_key"));
    }
    if e.legs.len() < 2 || e.legs.iter().any(|l| l.amount_minor == 0) {
        return Err(invalid("amount", "err.entry_legs"));
    }
    let sum = e
        .legs
        .iter()
        .try_fold(0i64, |acc, l| acc.checked_add(l.amount_minor));
    if sum != Some(0) {
        return Err(invalid("amount", "err.entry_unbalanced"));
    }
    let hash = request_hash(&e);
    // Claim the key first: the transaction starts with a write (SQLite takes its write lock
    // here rather than failing later), and a concurrent duplicate waits on the unique index.
    let claim = journal_entry::ActiveModel {
        idempotency_key: Set(e.idempotency_key.into()),
        request_hash: Set(hash.clone()),
        kind: Set(e.kind.into()),
        currency: Set(e.currency.code.into()),
        memo: Set(e.memo.chars().take(500).collect()),
        actor_id: Set(e.actor_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    let inserted = journal_entry::Entity::insert(claim)
        .on_conflict_do_nothing_on([journal_entry::Column::IdempotencyKey])
        .exec(txn)
        .await?;
    let entry_id = match inserted {
        TryInsertResult::Inserted(r) => r.last_insert_id,
        TryInsertResult::Conflicted | TryInsertResult::Empty => {
            let first = journal_entry::Entity::find()
                .filter(journal_entry::Column::IdempotencyKey.eq(e.idempotency_key))
                .one(txn)
                .await?
                .or_internal("the journal entry its key names is not there")?;
            return if first.request_hash == hash {
                Ok(Posted {
                    entry_id: first.id,
                    replayed: true,
                })
            } else {
                Err(mismatch())
            };
        }
    };
    // Wallets are locked in id order before any changes, so two entries never wait on each
    // other in a cycle. A wallet leg in the entry's currency with the funds is one statement;
    // anything else (a firm account, or an error to explain) takes one read.
    let mut legs = e.legs.clone();
    legs.sort_by_key(|l| l.account_id);
    lock_accounts(txn, &legs.iter().map(|l| l.account_id).collect::<Vec<_>>()).await?;
    for leg in &legs {
        if update_wallet(
            txn,
            leg.account_id,
            Some(e.currency.code),
            leg.amount_minor,
            0,
        )
        .await?
        {
            continue;
        }
        let acc = ledger_account::Entity::find_by_id(leg.account_id)
            .one(txn)
            .await?
            .ok_or_else(|| invalid("account", "err.account_unknown"))?;
        if acc.currency != e.currency.code {
            return Err(invalid("currency", "err.currency_mismatch"));
        }
        if acc.kind == AccountKind::Wallet {
            return Err(invalid("amount", "err.insufficient_funds"));
        }
    }
    posting::Entity::insert_many(legs.iter().map(|l| posting::ActiveModel {
        entry_id: Set(entry_id),
        account_id: Set(l.account_id),
        amount_minor: Set(l.amount_minor),
        ..Default::default()
    }))
    .exec(txn)
    .await?;
    Ok(Posted {
        entry_id,
        replayed: false,
    })
}

/// Changes a wallet's balance and held amount in one conditional update that refuses to let
/// the available balance (balance − held) go below zero. False when nothing matched: not a
/// wallet (in that currency), or not enough available.
pub(super) async fn update_wallet(
    txn: &impl ConnectionTrait,
    account_id: i64,
    currency: Option<&str>,
    balance_delta: i64,
    held_delta: i64,
) -> Result<bool, AppError> {
    use ledger_account::Column as C;
    let mut q = ledger_account::Entity::update_many()
        .col_expr(
            C::BalanceMinor,
            Expr::col(C::BalanceMinor).add(balance_delta),
        )
        .col_expr(C::HeldMinor, Expr::col(C::HeldMinor).add(held_delta))
        .filter(C::Id.eq(account_id))
        .filter(C::Kind.eq(AccountKind::Wallet))
        .filter(
            Expr::col(C::BalanceMinor)
                .add(balance_delta)
                .sub(Expr::col(C::HeldMinor).add(held_delta))
                .gte(0),
        )
        .filter(Expr::col(C::HeldMinor).add(held_delta).gte(0));
    if let Some(c) = currency {
        q = q.filter(C::Currency.eq(c));
    }
    Ok(q.exec(txn).await?.rows_affected == 1)
}

/// `update_wallet` on a known wallet: no match means not enough available funds.
pub(super) async fn apply_to_wallet(
    txn: &impl ConnectionTrait,
    account_id: i64,
    balance_delta: i64,
    held_delta: i64,
) -> Result<(), AppError> {
    if update_wallet(txn, account_id, None, balance_delta, held_delta).await? {
        Ok(())
    } else {
        Err(invalid("amount", "err.insufficient_funds"))
    }
}

/// Posts an entry in its own transaction.
pub async fn post(db: &DatabaseConnection, e: Entry<'_>) -> Result<Posted, AppError> {
    let txn = db.write().await?;
    let posted = post_in(&txn, e).await?;
    txn.commit().await?;
    Ok(posted)
}

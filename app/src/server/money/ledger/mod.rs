//! The ledger: the only code that moves money. Every movement is one journal entry whose
//! postings sum to zero, claimed by an idempotency key in the same transaction. Wallets keep a
//! cached balance and held amount, changed only by conditional updates, so that no wallet's
//! available balance (balance − holds) can go below zero, however many requests race.
//!
//! Lock order: every path locks the wallets it is about to change with `lock_accounts`, in
//! ascending id order, before the first change, so concurrent transactions sharing wallets
//! queue instead of deadlocking.
use crate::domain::money::{self, Currency};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::ledger_account;
use chrono::Utc;
use sea_orm::sea_query::LockType;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

mod entries;
pub use entries::*;
mod holds;
pub use holds::*;
mod invariants;
pub use invariants::*;

pub use crate::domain::money::AccountKind;

/// The firm's accounts have owner 0.
const FIRM: i64 = 0;

async fn account(
    db: &impl ConnectionTrait,
    kind: AccountKind,
    owner: i64,
    cur: Currency,
) -> Result<ledger_account::Model, AppError> {
    use ledger_account::Column as C;
    let find = || {
        ledger_account::Entity::find()
            .filter(C::Kind.eq(kind.as_str()))
            .filter(C::OwnerId.eq(owner))
            .filter(C::Currency.eq(cur.code))
    };
    if let Some(a) = find().one(db).await? {
        return Ok(a);
    }
    // Created on first use; a concurrent creator wins harmlessly.
    let am = ledger_account::ActiveModel {
        kind: Set(kind),
        owner_id: Set(owner),
        currency: Set(cur.code.into()),
        balance_minor: Set(0),
        held_minor: Set(0),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    ledger_account::Entity::insert(am)
        .on_conflict_do_nothing_on([C::Kind, C::OwnerId, C::Currency])
        .exec(db)
        .await?;
    find()
        .one(db)
        .await?
        .or_internal("the firm account just made is not there")
}

/// Makes every firm account in every currency, once, at start-up (`setup::prepare`). Made on
/// first use instead, inside the transactions that move money, two transactions creating two
/// of them in opposite orders (a USD→EUR and an EUR→USD conversion) deadlock on PostgreSQL,
/// each waiting for the other's uncommitted row; made here, they are only ever read.
pub async fn ensure_firm_accounts(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    use ledger_account::Column as C;
    let now = Utc::now();
    let rows = AccountKind::FIRM.iter().flat_map(|kind| {
        money::CURRENCIES
            .iter()
            .map(move |cur| ledger_account::ActiveModel {
                kind: Set(*kind),
                owner_id: Set(FIRM),
                currency: Set(cur.code.into()),
                balance_minor: Set(0),
                held_minor: Set(0),
                created_at: Set(now),
                ..Default::default()
            })
    });
    ledger_account::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([C::Kind, C::OwnerId, C::Currency])
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A client's wallet in a currency (created on first use).
pub async fn wallet(
    db: &impl ConnectionTrait,
    user_id: i64,
    cur: Currency,
) -> Result<ledger_account::Model, AppError> {
    account(db, AccountKind::Wallet, user_id, cur).await
}

/// One of the firm's accounts in a currency (created on first use).
pub async fn firm(
    db: &impl ConnectionTrait,
    kind: AccountKind,
    cur: Currency,
) -> Result<ledger_account::Model, AppError> {
    debug_assert!(kind != AccountKind::Wallet);
    account(db, kind, FIRM, cur).await
}

/// Locks the wallets among `accounts` until the transaction ends, in ascending id order: the
/// ledger's one lock order.
///
/// Every path that changes wallets calls this with every account it will touch, before its
/// first change. Two transactions that share wallets then queue on the lowest id they share,
/// rather than each holding one wallet while it waits for the other's (a deadlock, which
/// PostgreSQL breaks by failing one of them: issue 10, A→B and B→A transfers approved
/// together). A transaction that moves money in several steps (a hold and its capture, a
/// conversion's two entries) calls it once up front with all of them; the steps' own calls
/// then find their rows already held.
///
/// Firm accounts may be passed but are not locked: their rows never change (their balances
/// are the sums of their postings), and locking them would queue every deposit behind the
/// clearing account. On SQLite there is nothing to do: a write transaction (`db::Write`) holds
/// the database's write lock from `BEGIN`.
pub async fn lock_accounts(txn: &impl ConnectionTrait, accounts: &[i64]) -> Result<(), AppError> {
    if txn.get_database_backend() != DatabaseBackend::Postgres || accounts.is_empty() {
        return Ok(());
    }
    let mut ids = accounts.to_vec();
    ids.sort_unstable();
    ids.dedup();
    use ledger_account::Column as C;
    // PostgreSQL sorts before it locks, so the rows are locked in this order. NO KEY UPDATE is
    // the lock the balance update itself takes; postings referencing the rows are not held up.
    ledger_account::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(C::Id.is_in(ids))
        .filter(C::Kind.eq(AccountKind::Wallet))
        .order_by_asc(C::Id)
        .lock(LockType::NoKeyUpdate)
        .into_tuple::<i64>()
        .all(txn)
        .await?;
    Ok(())
}

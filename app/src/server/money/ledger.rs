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
use crate::server::entity::{hold, journal_entry, ledger_account, posting};
use crate::server::infra::crypto;
use crate::server::infra::db::Write;
use chrono::Utc;
use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr,
    EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect, TryInsertResult,
};

/// Ledger account kinds. Wallets belong to clients; the rest are the firm's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Wallet,
    PspClearing,
    FeeRevenue,
    CommissionExpense,
    PayoutsPayable,
    ManualAdjustments,
    /// One per currency: the other side of a conversion between a client's wallets.
    FxConversion,
    /// Challenge participation and retry fees: revenue kept apart for the prop dashboard.
    ParticipationFees,
    /// The profit taken from funded accounts at settlements (the firm's trading capital).
    FundedTrading,
    /// Profit shares owed to their recipients until paid (or forfeited on review).
    ProfitSharePayable,
    /// The firm's part of the profit settled on funded accounts.
    ProfitShareFirm,
}

impl AccountKind {
    /// The firm's kinds (every kind but wallets).
    pub const FIRM: &[AccountKind] = &[
        AccountKind::PspClearing,
        AccountKind::FeeRevenue,
        AccountKind::CommissionExpense,
        AccountKind::PayoutsPayable,
        AccountKind::ManualAdjustments,
        AccountKind::FxConversion,
        AccountKind::ParticipationFees,
        AccountKind::FundedTrading,
        AccountKind::ProfitSharePayable,
        AccountKind::ProfitShareFirm,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Wallet => "wallet",
            AccountKind::PspClearing => "psp_clearing",
            AccountKind::FeeRevenue => "fee_revenue",
            AccountKind::CommissionExpense => "commission_expense",
            AccountKind::PayoutsPayable => "payouts_payable",
            AccountKind::ManualAdjustments => "manual_adjustments",
            AccountKind::FxConversion => "fx_conversion",
            AccountKind::ParticipationFees => "participation_fees",
            AccountKind::FundedTrading => "funded_trading",
            AccountKind::ProfitSharePayable => "profit_share_payable",
            AccountKind::ProfitShareFirm => "profit_share_firm",
        }
    }
}

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
        kind: Set(kind.as_str().into()),
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
                kind: Set(kind.as_str().into()),
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
        .filter(C::Kind.eq(AccountKind::Wallet.as_str()))
        .order_by_asc(C::Id)
        .lock(LockType::NoKeyUpdate)
        .into_tuple::<i64>()
        .all(txn)
        .await?;
    Ok(())
}

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

fn request_hash(e: &Entry<'_>) -> String {
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

fn invalid(field: &str, code: &str) -> AppError {
    AppError::field(field, code)
}

/// A key already used for a different movement: nothing moves (409).
fn mismatch() -> AppError {
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
        if acc.kind == AccountKind::Wallet.as_str() {
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
async fn update_wallet(
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
        .filter(C::Kind.eq(AccountKind::Wallet.as_str()))
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
async fn apply_to_wallet(
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
    if acc.kind != AccountKind::Wallet.as_str() {
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
async fn resolve(txn: &impl ConnectionTrait, h: &hold::Model, to: &str) -> Result<(), AppError> {
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

/// The ledger's invariants, checked against the rows: every entry sums to zero; each wallet's
/// cached balance equals the sum of its postings and its held amount the sum of its active
/// holds; no wallet's balance or available balance is negative. Returns what is wrong.
pub async fn check_invariants(db: &impl ConnectionTrait) -> Result<Vec<String>, AppError> {
    use std::collections::HashMap;
    let mut problems = Vec::new();
    let postings = posting::Entity::find().all(db).await?;
    let mut per_entry: HashMap<i64, i64> = HashMap::new();
    let mut per_account: HashMap<i64, i64> = HashMap::new();
    for p in &postings {
        *per_entry.entry(p.entry_id).or_default() += p.amount_minor;
        *per_account.entry(p.account_id).or_default() += p.amount_minor;
    }
    for (entry, sum) in per_entry {
        if sum != 0 {
            problems.push(format!("entry {entry} sums to {sum}"));
        }
    }
    let mut held: HashMap<i64, i64> = HashMap::new();
    for h in hold::Entity::find()
        .filter(hold::Column::Status.eq("active"))
        .all(db)
        .await?
    {
        *held.entry(h.account_id).or_default() += h.amount_minor;
    }
    for a in ledger_account::Entity::find()
        .filter(ledger_account::Column::Kind.eq(AccountKind::Wallet.as_str()))
        .all(db)
        .await?
    {
        let posted = per_account.get(&a.id).copied().unwrap_or(0);
        let holds = held.get(&a.id).copied().unwrap_or(0);
        if a.balance_minor != posted {
            problems.push(format!(
                "wallet {} caches {} but its postings sum to {posted}",
                a.id, a.balance_minor
            ));
        }
        if a.held_minor != holds {
            problems.push(format!(
                "wallet {} holds {} but its active holds sum to {holds}",
                a.id, a.held_minor
            ));
        }
        if a.balance_minor < 0 || a.balance_minor - a.held_minor < 0 {
            problems.push(format!(
                "wallet {} is negative: balance {}, held {}",
                a.id, a.balance_minor, a.held_minor
            ));
        }
    }
    Ok(problems)
}

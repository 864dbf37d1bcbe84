//! Fee commissions: what a challenge fee pays up the referral tree, credited to the
//! recipients' wallets in the transaction that records the fee (or by the monthly run), and
//! reversed when the fee is refunded.
//!
//! A reversal takes back what the recipient's wallet can give; the rest becomes a debt
//! (`debt_minor` on the reversal) that the recipient's next commissions repay before anything
//! reaches the wallet (`repaid_minor` on them). The ledger moves only what reaches or leaves a
//! wallet, so every entry stays balanced and no wallet goes below zero.
use super::tiers;
use crate::domain::ib::{self, FeeCommissions, Member};
use crate::domain::live::Topic;
use crate::domain::money::{self, Currency};
use crate::error::{AppError, OrInternal};
use crate::server::entity::{fee_commission, participant, participation_fee};
use crate::server::identity::referrals;
use crate::server::infra::db::Write;
use crate::server::infra::{jobs, live};
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use crate::server::prop::fees::FeeEvent;
use chrono::{Datelike, TimeZone, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

pub mod status {
    pub const PAID: &str = "paid";
    /// A monthly rank commission waiting for its run.
    pub const PENDING: &str = "pending";
    /// A paid commission whose fee was refunded (its reversal is the negative row).
    pub const REVERSED: &str = "reversed";
    /// A pending commission whose fee was refunded before the run: nothing moved.
    pub const CANCELLED: &str = "cancelled";
}

crate::register_fee_listener!(|txn, event, fee, p, plan| Box::pin(on_fee(
    txn, event, fee, p, plan
)));

async fn on_fee(
    txn: &DatabaseTransaction,
    event: FeeEvent,
    fee: &participation_fee::Model,
    p: &participant::Model,
    plan: &FeeCommissions,
) -> Result<(), AppError> {
    match event {
        FeeEvent::Paid => pay(txn, fee, p, plan).await,
        FeeEvent::Refunded => reverse(txn, fee, p).await,
    }
}

fn cur(code: &str) -> Result<Currency, AppError> {
    money::currency(code).or_internal("a stored currency is unknown")
}

/// The buyer and their uplines, each with their tier.
async fn chain(db: &impl ConnectionTrait, buyer: i64) -> Result<Vec<Member>, AppError> {
    let ids: Vec<i64> = std::iter::once(buyer)
        .chain(referrals::upline(db, buyer, None).await?)
        .collect();
    let tiers = tiers::tiers_of(db, &ids).await?;
    Ok(ids
        .into_iter()
        .map(|user_id| Member {
            user_id,
            tier: tiers.get(&user_id).copied(),
        })
        .collect())
}

/// Records and pays the commissions of a participation fee just taken.
async fn pay(
    txn: &DatabaseTransaction,
    fee: &participation_fee::Model,
    p: &participant::Model,
    plan: &FeeCommissions,
) -> Result<(), AppError> {
    if plan.is_empty() || fee.amount_minor <= 0 {
        return Ok(());
    }
    let due = ib::compute(
        plan,
        &chain(txn, p.user_id).await?,
        fee.amount_minor,
        fee.list_minor,
    );
    let currency = cur(&fee.currency)?;
    // Every wallet this fee credits, locked at once in the ledger's order (a wallet purchase
    // has locked them already with the buyer's).
    let mut wallets = Vec::new();
    for c in due.iter().filter(|c| !c.monthly) {
        wallets.push(ledger::wallet(txn, c.recipient, currency).await?.id);
    }
    ledger::lock_accounts(txn, &wallets).await?;
    let now = Utc::now();
    for c in due {
        let row = fee_commission::ActiveModel {
            fee_id: Set(fee.id),
            participant_id: Set(p.id),
            challenge_id: Set(p.challenge_id),
            buyer_id: Set(p.user_id),
            recipient_id: Set(c.recipient),
            structure: Set(c.structure),
            level: Set(c.level),
            tier_id: Set(c.tier_id),
            currency: Set(fee.currency.clone()),
            fee_list_minor: Set(fee.list_minor),
            fee_paid_minor: Set(fee.amount_minor),
            amount_minor: Set(c.amount),
            repaid_minor: Set(0),
            debt_minor: Set(0),
            status: Set(status::PENDING.into()),
            reverses_id: Set(None),
            entry_id: Set(None),
            created_at: Set(now),
            paid_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        if !c.monthly {
            credit(txn, &row, currency).await?;
        }
    }
    Ok(())
}

/// What the recipient still owes from reversals, in the currency.
async fn debt_of(
    db: &impl ConnectionTrait,
    recipient: i64,
    currency: &str,
) -> Result<i64, AppError> {
    use fee_commission::Column as C;
    let (debt, repaid): (Option<i64>, Option<i64>) = fee_commission::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(SUM(debt_minor) AS BIGINT)"), "debt")
        .column_as(Expr::cust("CAST(SUM(repaid_minor) AS BIGINT)"), "repaid")
        .filter(C::RecipientId.eq(recipient))
        .filter(C::Currency.eq(currency))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((None, None));
    Ok(debt.unwrap_or(0) - repaid.unwrap_or(0))
}

/// Pays a pending commission: first what its recipient owes, then the rest to their wallet.
/// The caller holds the recipient's wallet lock (the debt is read under it).
async fn credit(
    txn: &DatabaseTransaction,
    row: &fee_commission::Model,
    currency: Currency,
) -> Result<(), AppError> {
    let repaid = debt_of(txn, row.recipient_id, &row.currency)
        .await?
        .clamp(0, row.amount_minor);
    let to_wallet = row.amount_minor - repaid;
    let mut entry_id = None;
    if to_wallet > 0 {
        let wallet = ledger::wallet(txn, row.recipient_id, currency).await?;
        let expense = ledger::firm(txn, AccountKind::CommissionExpense, currency).await?;
        let posted = ledger::post_in(
            txn,
            Entry {
                idempotency_key: &format!("ib-commission-{}", row.id),
                kind: "fee_commission",
                currency,
                legs: vec![
                    Leg {
                        account_id: expense.id,
                        amount_minor: -to_wallet,
                    },
                    Leg {
                        account_id: wallet.id,
                        amount_minor: to_wallet,
                    },
                ],
                memo: "challenge fee commission",
                actor_id: None,
            },
        )
        .await?;
        entry_id = Some(posted.entry_id);
    }
    fee_commission::Entity::update_many()
        .col_expr(fee_commission::Column::Status, Expr::value(status::PAID))
        .col_expr(fee_commission::Column::RepaidMinor, Expr::value(repaid))
        .col_expr(fee_commission::Column::EntryId, Expr::value(entry_id))
        .col_expr(
            fee_commission::Column::PaidAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(fee_commission::Column::Id.eq(row.id))
        .exec(txn)
        .await?;
    live::emit(
        txn,
        live::Audience::user(row.recipient_id),
        Topic::Commission,
        Some(row.id),
    )
    .await
}

/// Undoes the commissions of the participant's fee: a pending one is cancelled; a paid one
/// gets a negative row that takes back what the wallet can give and records the rest as debt.
async fn reverse(
    txn: &DatabaseTransaction,
    refund: &participation_fee::Model,
    p: &participant::Model,
) -> Result<(), AppError> {
    use fee_commission::Column as C;
    let open = || {
        fee_commission::Entity::find()
            .filter(C::ParticipantId.eq(p.id))
            .filter(C::AmountMinor.gt(0))
            .filter(C::Status.is_in([status::PAID, status::PENDING]))
            .order_by_asc(C::Id)
    };
    let recipients: Vec<i64> = open()
        .select_only()
        .column(C::RecipientId)
        .into_tuple()
        .all(txn)
        .await?;
    if recipients.is_empty() {
        return Ok(());
    }
    // Every recipient's wallet, pending or paid: the monthly run pays a pending commission
    // under its wallet's lock, so once these are held no commission changes state under us.
    let currency = cur(&refund.currency)?;
    let mut wallets = Vec::new();
    for r in &recipients {
        wallets.push(ledger::wallet(txn, *r, currency).await?.id);
    }
    ledger::lock_accounts(txn, &wallets).await?;
    let now = Utc::now();
    for r in open().all(txn).await? {
        if r.status == status::PENDING {
            set_status(txn, r.id, status::CANCELLED).await?;
            continue;
        }
        set_status(txn, r.id, status::REVERSED).await?;
        let wallet = ledger::wallet(txn, r.recipient_id, currency).await?;
        let available = (wallet.balance_minor - wallet.held_minor).max(0);
        let back = r.amount_minor.min(available);
        let mut entry_id = None;
        if back > 0 {
            let expense = ledger::firm(txn, AccountKind::CommissionExpense, currency).await?;
            let posted = ledger::post_in(
                txn,
                Entry {
                    idempotency_key: &format!("ib-reversal-{}", r.id),
                    kind: "fee_commission_reversal",
                    currency,
                    legs: vec![
                        Leg {
                            account_id: wallet.id,
                            amount_minor: -back,
                        },
                        Leg {
                            account_id: expense.id,
                            amount_minor: back,
                        },
                    ],
                    memo: "challenge fee commission reversed (fee refunded)",
                    actor_id: None,
                },
            )
            .await?;
            entry_id = Some(posted.entry_id);
        }
        let reversal = fee_commission::ActiveModel {
            fee_id: Set(refund.id),
            participant_id: Set(r.participant_id),
            challenge_id: Set(r.challenge_id),
            buyer_id: Set(r.buyer_id),
            recipient_id: Set(r.recipient_id),
            structure: Set(r.structure),
            level: Set(r.level),
            tier_id: Set(r.tier_id),
            currency: Set(r.currency.clone()),
            fee_list_minor: Set(r.fee_list_minor),
            fee_paid_minor: Set(r.fee_paid_minor),
            amount_minor: Set(-r.amount_minor),
            repaid_minor: Set(0),
            debt_minor: Set(r.amount_minor - back),
            status: Set(status::PAID.into()),
            reverses_id: Set(Some(r.id)),
            entry_id: Set(entry_id),
            created_at: Set(now),
            paid_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        live::emit(
            txn,
            live::Audience::user(r.recipient_id),
            Topic::Commission,
            Some(reversal.id),
        )
        .await?;
    }
    Ok(())
}

async fn set_status(txn: &DatabaseTransaction, id: i64, to: &str) -> Result<(), AppError> {
    fee_commission::Entity::update_many()
        .col_expr(fee_commission::Column::Status, Expr::value(to))
        .filter(fee_commission::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}

crate::register_job!(jobs::Schedule::Hourly, 20, "ib_monthly_commissions", |db| {
    Box::pin(pay_monthly(db))
});

/// The monthly cycle: every rank commission still pending from a month that has ended is
/// paid, each in its own transaction (a replay finds it paid and skips it).
pub async fn pay_monthly(db: &DatabaseConnection) -> Result<usize, AppError> {
    use fee_commission::Column as C;
    let now = Utc::now();
    let month_start = Utc
        .with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .or_internal("the first of this month")?;
    let due: Vec<i64> = fee_commission::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(C::Status.eq(status::PENDING))
        .filter(C::CreatedAt.lt(month_start))
        .order_by_asc(C::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut paid = 0;
    for id in due {
        let txn = db.write().await?;
        let find = || fee_commission::Entity::find_by_id(id).one(&txn);
        let row = find()
            .await?
            .or_internal("a pending commission just listed")?;
        let currency = cur(&row.currency)?;
        let wallet = ledger::wallet(&txn, row.recipient_id, currency).await?;
        ledger::lock_accounts(&txn, &[wallet.id]).await?;
        // Read again under the lock: a refund may have cancelled it meanwhile.
        let Some(row) = find().await?.filter(|r| r.status == status::PENDING) else {
            continue;
        };
        credit(&txn, &row, currency).await?;
        txn.commit().await?;
        paid += 1;
    }
    Ok(paid)
}

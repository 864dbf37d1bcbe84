//! Fee commissions: what a challenge fee pays up the referral tree, credited to the
//! recipients' wallets in the transaction that records the fee (or by the monthly run), and
//! reversed when the fee is refunded.
//!
//! A reversal takes back what the recipient's wallet can give; the rest becomes a debt
//! (`debt_minor` on the reversal, summed in `ib_debt`) that the recipient's next commissions
//! repay before anything reaches the wallet (`repaid_minor` on them). The ledger moves only what reaches or leaves a
//! wallet, so every entry stays balanced and no wallet goes below zero.
use super::tiers;
use crate::domain::ib::{self, FeeCommissions, Member};
use crate::domain::live::Topic;
use crate::domain::money::{self, Currency};
use crate::error::{AppError, OrInternal};
use crate::server::entity::{
    commission_day, fee_commission, ib_debt, participant, participation_fee,
};
use crate::server::identity::referrals;
use crate::server::infra::db::Write;
use crate::server::infra::{jobs, live, notify};
use crate::server::money::ledger::{self, AccountKind, Entry, Leg};
use crate::server::prop::fees::FeeEvent;
use chrono::{Datelike, TimeZone, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

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
    let mut real_time = Vec::new();
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
            real_time.push(row);
        }
    }
    credit(txn, &real_time, currency).await
}

/// What each of `users` owes from reversals, in the currency.
async fn debts(
    db: &impl ConnectionTrait,
    users: impl IntoIterator<Item = i64>,
    currency: &str,
) -> Result<HashMap<i64, i64>, AppError> {
    Ok(ib_debt::Entity::find()
        .filter(ib_debt::Column::UserId.is_in(users))
        .filter(ib_debt::Column::Currency.eq(currency))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.user_id, d.amount_minor))
        .collect())
}

/// Adds `delta` to what `user` owes in the currency.
async fn owe(
    txn: &DatabaseTransaction,
    user: i64,
    currency: &str,
    delta: i64,
) -> Result<(), AppError> {
    use ib_debt::Column as D;
    ib_debt::Entity::insert(ib_debt::ActiveModel {
        user_id: Set(user),
        currency: Set(currency.into()),
        amount_minor: Set(delta),
    })
    .on_conflict(
        OnConflict::columns([D::UserId, D::Currency])
            .value(
                D::AmountMinor,
                Expr::col((ib_debt::Entity, D::AmountMinor)).add(delta),
            )
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Pays pending commissions in one balanced entry: first what each recipient owes, then the
/// rest to their wallet. The caller holds the recipients' wallet locks (the debts are read
/// under them).
async fn credit(
    txn: &DatabaseTransaction,
    rows: &[fee_commission::Model],
    currency: Currency,
) -> Result<(), AppError> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let mut owed = debts(txn, rows.iter().map(|r| r.recipient_id), currency.code).await?;
    let mut legs = Vec::new();
    let mut repaid = Vec::new();
    for r in rows {
        let debt = owed.entry(r.recipient_id).or_default();
        let rep = (*debt).clamp(0, r.amount_minor);
        *debt -= rep;
        repaid.push(rep);
        if r.amount_minor > rep {
            legs.push(Leg {
                account_id: ledger::wallet(txn, r.recipient_id, currency).await?.id,
                amount_minor: r.amount_minor - rep,
            });
        }
    }
    let mut entry_id = None;
    let to_wallets: i64 = legs.iter().map(|l| l.amount_minor).sum();
    if to_wallets > 0 {
        let expense = ledger::firm(txn, AccountKind::CommissionExpense, currency).await?;
        legs.push(Leg {
            account_id: expense.id,
            amount_minor: -to_wallets,
        });
        let posted = ledger::post_in(
            txn,
            Entry {
                idempotency_key: &format!("ib-commission-{}", first.id),
                kind: "fee_commission",
                currency,
                legs,
                memo: "challenge fee commissions",
                actor_id: None,
            },
        )
        .await?;
        entry_id = Some(posted.entry_id);
    }
    use fee_commission::Column as C;
    fee_commission::Entity::update_many()
        .col_expr(C::Status, Expr::value(status::PAID))
        .col_expr(C::EntryId, Expr::value(entry_id))
        .col_expr(C::PaidAt, Expr::value(Some(Utc::now())))
        .filter(C::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(txn)
        .await?;
    for (r, rep) in rows.iter().zip(&repaid).filter(|(_, rep)| **rep > 0) {
        fee_commission::Entity::update_many()
            .col_expr(C::RepaidMinor, Expr::value(*rep))
            .filter(C::Id.eq(r.id))
            .exec(txn)
            .await?;
        owe(txn, r.recipient_id, currency.code, -rep).await?;
    }
    roll_up(txn, rows).await?;
    tell_credited(txn, rows, &repaid, currency).await?;
    live::emit_many(
        txn,
        rows.iter().map(|r| {
            (
                live::Audience::user(r.recipient_id),
                Topic::Commission,
                Some(r.id),
            )
        }),
    )
    .await
}

/// Tells each recipient (in the portal and by email) what just reached their wallet: one
/// message per recipient per fee, with the total of its commissions less what repaid a debt.
async fn tell_credited(
    txn: &DatabaseTransaction,
    rows: &[fee_commission::Model],
    repaid: &[i64],
    currency: Currency,
) -> Result<(), AppError> {
    let mut credited: std::collections::BTreeMap<i64, i64> = Default::default();
    for (r, rep) in rows.iter().zip(repaid) {
        *credited.entry(r.recipient_id).or_default() += r.amount_minor - rep;
    }
    for (who, amount) in credited.into_iter().filter(|(_, a)| *a > 0) {
        let data = std::collections::BTreeMap::from([(
            "amount".to_string(),
            format!("{} {}", money::format(amount, currency), currency.code),
        )]);
        notify::push_and_mail(txn, who, "notice.commission_credited", data).await?;
    }
    Ok(())
}

/// Adds commissions just paid (or reversed: negative) to the daily sums of their recipients
/// and of everyone, counting a fee once per recipient and once overall.
async fn roll_up(
    txn: &DatabaseTransaction,
    rows: &[fee_commission::Model],
) -> Result<(), AppError> {
    use commission_day::Column as D;
    use fee_commission::Column as C;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // Fees already counted by commissions paid earlier (a monthly rank commission after its
    // fee's level commissions, say). Read by fee alone, so the fee's index is the one used;
    // a fee has a handful of rows.
    let earlier: Vec<(i64, i64)> = fee_commission::Entity::find()
        .filter(C::FeeId.is_in(rows.iter().map(|r| r.fee_id)))
        .all(txn)
        .await?
        .into_iter()
        .filter(|c| {
            !ids.contains(&c.id)
                && c.amount_minor > 0
                && [status::PAID, status::REVERSED].contains(&c.status.as_str())
        })
        .map(|c| (c.fee_id, c.recipient_id))
        .collect();
    let mut counted: std::collections::HashSet<(i64, i64)> = earlier
        .iter()
        .flat_map(|(fee, who)| [(*fee, *who), (*fee, 0)])
        .collect();
    for r in rows {
        let day = r.created_at.format("%Y-%m-%d").to_string();
        for who in [r.recipient_id, 0] {
            let fee_once = r.amount_minor > 0 && counted.insert((r.fee_id, who));
            let (list, paid) = if fee_once {
                (r.fee_list_minor, r.fee_paid_minor)
            } else {
                (0, 0)
            };
            let add = |col: D, v: i64| Expr::col((commission_day::Entity, col)).add(v);
            commission_day::Entity::insert(commission_day::ActiveModel {
                recipient_id: Set(who),
                challenge_id: Set(r.challenge_id),
                day: Set(day.clone()),
                currency: Set(r.currency.clone()),
                amount_minor: Set(r.amount_minor),
                fees_list_minor: Set(list),
                fees_paid_minor: Set(paid),
            })
            .on_conflict(
                OnConflict::columns([D::RecipientId, D::ChallengeId, D::Day, D::Currency])
                    .value(D::AmountMinor, add(D::AmountMinor, r.amount_minor))
                    .value(D::FeesListMinor, add(D::FeesListMinor, list))
                    .value(D::FeesPaidMinor, add(D::FeesPaidMinor, paid))
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
        }
    }
    Ok(())
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
            .filter(C::AmountMinor.gt(0i64))
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
        let available = Ord::max(wallet.balance_minor - wallet.held_minor, 0);
        let back = Ord::min(r.amount_minor, available);
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
        let debt = r.amount_minor - back;
        if debt > 0 {
            owe(txn, r.recipient_id, &r.currency, debt).await?;
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
            debt_minor: Set(debt),
            status: Set(status::PAID.into()),
            reverses_id: Set(Some(r.id)),
            entry_id: Set(entry_id),
            created_at: Set(now),
            paid_at: Set(Some(now)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        roll_up(txn, std::slice::from_ref(&reversal)).await?;
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
        credit(&txn, std::slice::from_ref(&row), currency).await?;
        txn.commit().await?;
        paid += 1;
    }
    Ok(paid)
}

//! The participation-fee record: every challenge fee, retry fee and refund of a participant,
//! written in the transaction of its ledger entry. The fee report lists it; the prop dashboard
//! sums it. The ledger stays the truth of the money; this record says whose fee it was.
use crate::domain::challenge::ChallengeDef;
use crate::domain::ib::FeeCommissions;
use crate::domain::money;
use crate::error::{AppError, OrInternal};
use crate::model::{FeeReport, FeeRow, FeeTotal, ListQuery, PropFilter};
use crate::server::entity::{challenge, participant, participation_fee, user};
use crate::server::identity::referrals;
use crate::server::identity::scope::Scope;
use crate::server::money::ledger;
use crate::server::money::ledger::Posted;
use crate::server::{infra::list, prop::participation};
use chrono::Utc;
use sea_orm::QueryTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;

pub mod kind {
    pub const FEE: &str = "fee";
    pub const RETRY: &str = "retry";
    pub const REFUND: &str = "refund";
    pub const ALL: &[&str] = &[FEE, RETRY, REFUND];
}

/// Records a fee or retry fee of `p` posted as `entry`. A replayed entry was recorded the
/// first time. A participation fee goes on to the fee listeners (the IB programme's
/// commissions) in the same transaction.
pub async fn record(
    txn: &DatabaseTransaction,
    p: &participant::Model,
    kind: &str,
    amount_minor: i64,
    entry: Posted,
) -> Result<(), AppError> {
    if let Some(fee) = insert(txn, p, kind, amount_minor, entry).await?
        && kind == kind::FEE
    {
        let plan = plan_of(txn, p.challenge_id).await?;
        tell_listeners(txn, FeeEvent::Paid, &fee, p, &plan).await?;
    }
    Ok(())
}

/// Records a refund (a negative amount) of `p` posted as `entry`; the refund of the
/// participation fee (`of_fee`, not of a retry fee) goes on to the fee listeners, which undo
/// what the fee paid.
pub async fn record_refund(
    txn: &DatabaseTransaction,
    p: &participant::Model,
    amount_minor: i64,
    entry: Posted,
    of_fee: bool,
) -> Result<(), AppError> {
    if let Some(fee) = insert(txn, p, kind::REFUND, amount_minor, entry).await?
        && of_fee
    {
        let none = FeeCommissions::default();
        tell_listeners(txn, FeeEvent::Refunded, &fee, p, &none).await?;
    }
    Ok(())
}

/// The record of a movement; None when the entry was replayed (recorded the first time).
async fn insert(
    txn: &DatabaseTransaction,
    p: &participant::Model,
    kind: &str,
    amount_minor: i64,
    entry: Posted,
) -> Result<Option<participation_fee::Model>, AppError> {
    if entry.replayed {
        return Ok(None);
    }
    // A fee before its discount: the purchase's offers, or the stage's retry fee (a coupon
    // may cover retries); a refund takes none.
    let list_minor = match kind {
        kind::FEE => amount_minor + crate::server::offers::checkout::discount_of(txn, p.id).await?,
        kind::RETRY => participation::retry_fee(p)?,
        _ => amount_minor,
    };
    let fee = participation_fee::ActiveModel {
        participant_id: Set(p.id),
        user_id: Set(p.user_id),
        challenge_id: Set(p.challenge_id),
        referrer_id: Set(p.referrer_id),
        kind: Set(kind.into()),
        currency: Set(p.currency.clone()),
        amount_minor: Set(amount_minor),
        list_minor: Set(list_minor),
        entry_id: Set(entry.entry_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    super::tree_stats::fee(txn, &fee).await?;
    Ok(Some(fee))
}

async fn tell_listeners(
    txn: &DatabaseTransaction,
    event: FeeEvent,
    fee: &participation_fee::Model,
    p: &participant::Model,
    plan: &FeeCommissions,
) -> Result<(), AppError> {
    for l in inventory::iter::<FeeListener> {
        (l.0)(txn, event, fee, p, plan).await?;
    }
    Ok(())
}

/// What happened to a participation fee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeeEvent {
    Paid,
    /// The participation fee was refunded (a retry fee's refund is not one).
    Refunded,
}

/// What an area does when a participation fee is paid or refunded (in the same transaction):
/// the IB programme registers its commissions with `register_fee_listener!`, so the prop area
/// does not import it. The plan is the challenge's published fee commissions (empty for a
/// refund, which undoes what was paid).
pub type FeeListenerFn =
    for<'a> fn(
        &'a DatabaseTransaction,
        FeeEvent,
        &'a participation_fee::Model,
        &'a participant::Model,
        &'a FeeCommissions,
    ) -> Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;

pub struct FeeListener(pub FeeListenerFn);

inventory::collect!(FeeListener);

#[macro_export]
macro_rules! register_fee_listener {
    ($f:expr) => {
        inventory::submit! { $crate::server::prop::fees::FeeListener($f) }
    };
}

/// The fee commissions the challenge's published version pays.
async fn plan_of(db: &impl ConnectionTrait, challenge_id: i64) -> Result<FeeCommissions, AppError> {
    let published = challenge::Entity::find_by_id(challenge_id)
        .one(db)
        .await?
        .and_then(|c| c.published);
    Ok(match published {
        Some(json) => {
            serde_json::from_str::<ChallengeDef>(&json)
                .or_internal("decoding a published challenge definition")?
                .commissions
        }
        None => FeeCommissions::default(),
    })
}

/// Locks the wallets a fee of `p` in its currency may move, the buyer's and every upline's,
/// in the ledger's one order, before the first of them changes: the fee debits the buyer and
/// its commissions credit the uplines, so two purchases in one tree would otherwise each hold
/// one wallet the other waits for. Nothing to do for a challenge that pays no commissions.
pub async fn lock_payees(
    txn: &DatabaseTransaction,
    p: &participant::Model,
) -> Result<(), AppError> {
    if plan_of(txn, p.challenge_id).await?.is_empty() {
        return Ok(());
    }
    let currency = money::currency(&p.currency).or_internal("a stored currency is unknown")?;
    let mut wallets = Vec::new();
    for user in std::iter::once(p.user_id).chain(referrals::upline(txn, p.user_id, None).await?) {
        wallets.push(ledger::wallet(txn, user, currency).await?.id);
    }
    ledger::lock_accounts(txn, &wallets).await
}

/// The participants a prop filter keeps (challenge, package, stage, data type, referring IB),
/// as a subquery of ids; `None` when it keeps them all.
pub fn participants_kept(f: &PropFilter) -> Option<Select<participant::Entity>> {
    use participant::Column as P;
    let mut c = Condition::all();
    if f.challenge > 0 {
        c = c.add(P::ChallengeId.eq(f.challenge));
    }
    if !f.package.is_empty() {
        c = c.add(P::PackageKey.eq(f.package.clone()));
    }
    if f.stage > 0 {
        c = c.add(P::Stage.eq(f.stage - 1));
    }
    if !f.data_type.is_empty() {
        c = c.add(P::DataType.eq(f.data_type.clone()));
    }
    if f.ib > 0 {
        c = c.add(P::ReferrerId.eq(f.ib));
    }
    (!c.is_empty()).then(|| {
        participant::Entity::find()
            .select_only()
            .column(P::Id)
            .filter(c)
    })
}

/// Refuses a filter naming what cannot exist.
pub fn check_filter(f: &PropFilter) -> Result<(), AppError> {
    if !f.data_type.is_empty() && !["real", "demo"].contains(&f.data_type.as_str()) {
        return Err(AppError::field("data_type", "err.data_type_unknown"));
    }
    if f.stage < 0 || f.challenge < 0 || f.ib < 0 {
        return Err(AppError::field("filter", "err.filter_invalid"));
    }
    Ok(())
}

/// The fee report: each fee movement with its client, challenge and referring IB, and the
/// totals of everything the filter keeps (not only the page shown).
pub async fn report(
    db: &impl ConnectionTrait,
    scope: &Scope,
    q: &ListQuery,
    f: &PropFilter,
    paged: bool,
) -> Result<FeeReport, AppError> {
    use participation_fee::Column as C;
    check_filter(f)?;
    let mut select = scope.restrict(participation_fee::Entity::find(), C::UserId);
    if !q.filter.is_empty() {
        if !kind::ALL.contains(&q.filter.as_str()) {
            return Err(AppError::field("filter", "err.fee_kind_unknown"));
        }
        select = select.filter(C::Kind.eq(q.filter.clone()));
    }
    if let Some(kept) = participants_kept(f) {
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
    let totals: Vec<(String, i64, i64)> = select
        .clone()
        .select_only()
        .column(C::Currency)
        .column_as(
            Expr::cust(
                "CAST(SUM(CASE WHEN amount_minor > 0 THEN amount_minor ELSE 0 END) AS BIGINT)",
            ),
            "taken",
        )
        .column_as(
            Expr::cust(
                "CAST(SUM(CASE WHEN amount_minor < 0 THEN amount_minor ELSE 0 END) AS BIGINT)",
            ),
            "refunded",
        )
        .group_by(C::Currency)
        .order_by_asc(C::Currency)
        .into_tuple()
        .all(db)
        .await?;
    select = match (q.sort.as_str(), q.desc) {
        ("amount", true) => select.order_by_desc(C::AmountMinor),
        ("amount", false) => select.order_by_asc(C::AmountMinor),
        (_, false) => select.order_by_asc(C::Id),
        (_, true) => select.order_by_desc(C::Id),
    };
    let (fees, total) = list::fetch(db, select, q, paged).await?;
    let rows = rows(db, fees).await?;
    Ok(FeeReport {
        page: list::page(rows, total, q, paged),
        totals: totals
            .into_iter()
            .map(|(cur, taken, refunded)| {
                let c = money::currency(&cur);
                let fmt = |m: i64| c.map_or_else(|| m.to_string(), |c| money::format(m, c));
                FeeTotal {
                    fees: fmt(taken),
                    refunds: fmt(refunded),
                    net: fmt(taken + refunded),
                    currency: cur,
                }
            })
            .collect(),
    })
}

async fn rows(
    db: &impl ConnectionTrait,
    fees: Vec<participation_fee::Model>,
) -> Result<Vec<FeeRow>, AppError> {
    let mut user_ids: Vec<i64> = fees.iter().map(|f| f.user_id).collect();
    user_ids.extend(fees.iter().filter_map(|f| f.referrer_id));
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let participants: BTreeMap<i64, participant::Model> = participant::Entity::find()
        .filter(participant::Column::Id.is_in(fees.iter().map(|f| f.participant_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let sources = crate::server::offers::checkout::sources(
        db,
        fees.iter()
            .filter(|f| f.list_minor != f.amount_minor)
            .map(|f| f.participant_id)
            .collect(),
    )
    .await?;
    let name = |id: Option<i64>| {
        id.and_then(|i| users.get(&i))
            .map(|u| format!("{} {}", u.first_name, u.last_name))
            .unwrap_or_default()
    };
    Ok(fees
        .iter()
        .map(|f| {
            let p = participants.get(&f.participant_id);
            let cur = money::currency(&f.currency);
            let text =
                |minor: i64| cur.map_or_else(|| minor.to_string(), |c| money::format(minor, c));
            let discount = f.list_minor - f.amount_minor;
            FeeRow {
                list: text(f.list_minor),
                discount: text(discount),
                source: if discount == 0 {
                    String::new()
                } else {
                    sources.get(&f.participant_id).cloned().unwrap_or_default()
                },
                id: f.id,
                at: f.created_at.format("%Y-%m-%d %H:%M").to_string(),
                participant_id: f.participant_id,
                client: name(Some(f.user_id)),
                email: users
                    .get(&f.user_id)
                    .map(|u| u.email.clone())
                    .unwrap_or_default(),
                challenge: p.map(|p| p.challenge_name.clone()).unwrap_or_default(),
                package: p
                    .and_then(|p| participation::bought(p).ok())
                    .map(|b| b.package.name)
                    .unwrap_or_default(),
                kind: f.kind.clone(),
                amount: text(f.amount_minor),
                currency: f.currency.clone(),
                ib: name(f.referrer_id),
                data_type: p.map(|p| p.data_type.clone()).unwrap_or_default(),
            }
        })
        .collect())
}

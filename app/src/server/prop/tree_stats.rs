//! The prop figures under every client of the referral tree, kept as they change, so an IB's
//! statistics over a tree of 100,000 clients read a few hundred rows rather than every
//! participant and fee in it:
//! - `tree_participant_day`: participants by the UTC day they were bought, status, stage and
//!   whether their account is live;
//! - `tree_fee_day`: fees, retry fees and refunds (negative) by UTC day and currency.
//!
//! A change adds to the rows of every upline of the client in one statement. Rows are taken
//! in one order (the row's key, then the upline), so concurrent changes cannot deadlock on
//! PostgreSQL. A move in the tree takes the subtree's figures from its old uplines and gives
//! them to the new ones (a tree listener); writers hold the tree still meanwhile.
use crate::domain::challenge::Environment;
use crate::domain::participant::ParticipantStatus;
use crate::error::{AppError, OrInternal};
use crate::server::entity::{
    participant, participation_fee, trading_account, tree_fee_day, tree_participant_day,
};
use crate::server::identity::referrals;
use crate::server::infra::db::{statement, utc_day};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::BTreeMap;

crate::register_tree_listener!(|txn, top, sign| Box::pin(subtree_moved(txn, top, sign)));

/// Where a participant is counted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Bucket {
    day: String,
    status: String,
    stage: i32,
    live: bool,
}

async fn bucket(db: &impl ConnectionTrait, p: &participant::Model) -> Result<Bucket, AppError> {
    let live = match p.account_id {
        Some(id) => {
            trading_account::Entity::find_by_id(id)
                .select_only()
                .column(trading_account::Column::Environment)
                .into_tuple::<String>()
                .one(db)
                .await?
                .as_deref()
                == Some(Environment::Live.as_str())
        }
        None => false,
    };
    Ok(Bucket {
        day: day(p.created_at),
        status: p.status.as_str().into(),
        stage: p.stage,
        live,
    })
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// Counts a participant where it now stands (`after`), no longer where it stood (`before`;
/// None for a new one). Called in the transaction that changed it.
pub async fn track(
    db: &impl ConnectionTrait,
    before: Option<&participant::Model>,
    after: &participant::Model,
) -> Result<(), AppError> {
    let mut moves = vec![(bucket(db, after).await?, 1)];
    if let Some(b) = before {
        let from = bucket(db, b).await?;
        if from == moves[0].0 {
            return Ok(());
        }
        moves.push((from, -1));
    }
    moves.sort();
    referrals::hold_tree(db).await?;
    for (b, n) in moves {
        let sql = "INSERT INTO tree_participant_day (ancestor_id, day, status, stage, live, n) \
                   SELECT ancestor_id, ?, ?, ?, ?, ? FROM referral_path WHERE descendant_id = ? \
                   ORDER BY ancestor_id \
                   ON CONFLICT (ancestor_id, day, status, stage, live) \
                   DO UPDATE SET n = tree_participant_day.n + excluded.n";
        let values = vec![
            b.day.into(),
            b.status.into(),
            b.stage.into(),
            b.live.into(),
            n.into(),
            after.user_id.into(),
        ];
        db.execute_raw(statement(db.get_database_backend(), sql, values))
            .await?;
    }
    Ok(())
}

/// Adds a fee, retry fee or refund just recorded to the figures of the payer's uplines.
pub async fn fee(
    db: &impl ConnectionTrait,
    fee: &participation_fee::Model,
) -> Result<(), AppError> {
    referrals::hold_tree(db).await?;
    let sql = "INSERT INTO tree_fee_day (ancestor_id, day, currency, amount_minor) \
               SELECT ancestor_id, ?, ?, ? FROM referral_path WHERE descendant_id = ? \
               ORDER BY ancestor_id \
               ON CONFLICT (ancestor_id, day, currency) \
               DO UPDATE SET amount_minor = tree_fee_day.amount_minor + excluded.amount_minor";
    let values = vec![
        day(fee.created_at).into(),
        fee.currency.clone().into(),
        fee.amount_minor.into(),
        fee.user_id.into(),
    ];
    db.execute_raw(statement(db.get_database_backend(), sql, values))
        .await?;
    Ok(())
}

/// The subtree under `top` (`top` included) leaves its uplines (`sign` -1) or joins them
/// (+1): its participants and fees, counted in SQL as `track` and `fee` count them one by one.
async fn subtree_moved(txn: &DatabaseTransaction, top: i64, sign: i64) -> Result<(), AppError> {
    let backend = txn.get_database_backend();
    let users = "p.user_id = ? OR p.user_id IN \
                 (SELECT descendant_id FROM referral_path WHERE ancestor_id = ?)";
    let participants = format!(
        "INSERT INTO tree_participant_day (ancestor_id, day, status, stage, live, n) \
         SELECT up.ancestor_id, s.day, s.status, s.stage, s.live, s.n * {sign} \
         FROM (SELECT ancestor_id FROM referral_path WHERE descendant_id = ?) up, \
         (SELECT {} AS day, p.status AS status, p.stage AS stage, \
          CASE WHEN a.environment = '{}' THEN TRUE ELSE FALSE END AS live, COUNT(*) AS n \
          FROM participant p LEFT JOIN trading_account a ON a.id = p.account_id \
          WHERE {users} GROUP BY 1, 2, 3, 4) s \
         WHERE TRUE ORDER BY 2, 3, 4, 5, 1 \
         ON CONFLICT (ancestor_id, day, status, stage, live) \
         DO UPDATE SET n = tree_participant_day.n + excluded.n",
        utc_day(backend, "p.created_at"),
        Environment::Live.as_str(),
    );
    let fees = format!(
        "INSERT INTO tree_fee_day (ancestor_id, day, currency, amount_minor) \
         SELECT up.ancestor_id, s.day, s.currency, s.amount * {sign} \
         FROM (SELECT ancestor_id FROM referral_path WHERE descendant_id = ?) up, \
         (SELECT {} AS day, f.currency AS currency, CAST(SUM(f.amount_minor) AS BIGINT) AS amount \
          FROM participation_fee f WHERE f.participant_id IN \
          (SELECT p.id FROM participant p WHERE {users}) GROUP BY 1, 2) s \
         WHERE TRUE ORDER BY 2, 3, 1 \
         ON CONFLICT (ancestor_id, day, currency) \
         DO UPDATE SET amount_minor = tree_fee_day.amount_minor + excluded.amount_minor",
        utc_day(backend, "f.created_at"),
    );
    for sql in [participants, fees] {
        let values = vec![top.into(), top.into(), top.into()];
        txn.execute_raw(statement(backend, &sql, values)).await?;
    }
    Ok(())
}

/// The participants and fees under `ancestor`: participants bought on a day in
/// [`from`, `to`), fees paid on one.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Under {
    /// (status, stage, live account) → participants.
    pub participants: BTreeMap<(ParticipantStatus, i32, bool), u64>,
    /// Currency → fees less refunds, minor units.
    pub fees: BTreeMap<String, i64>,
}

pub async fn under(
    db: &impl ConnectionTrait,
    ancestor: i64,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<Under, AppError> {
    use tree_fee_day::Column as F;
    use tree_participant_day::Column as P;
    let mut ps = tree_participant_day::Entity::find().filter(P::AncestorId.eq(ancestor));
    let mut fs = tree_fee_day::Entity::find().filter(F::AncestorId.eq(ancestor));
    if let Some(t) = from {
        ps = ps.filter(P::Day.gte(day(t)));
        fs = fs.filter(F::Day.gte(day(t)));
    }
    if let Some(t) = to {
        ps = ps.filter(P::Day.lt(day(t)));
        fs = fs.filter(F::Day.lt(day(t)));
    }
    let mut out = Under::default();
    for r in ps.filter(P::N.ne(0i64)).all(db).await? {
        let status = ParticipantStatus::parse(&r.status)
            .or_internal("a counted participant status is unknown")?;
        *out.participants
            .entry((status, r.stage, r.live))
            .or_default() += r.n.max(0) as u64;
    }
    for r in fs.all(db).await? {
        *out.fees.entry(r.currency).or_default() += r.amount_minor;
    }
    out.fees.retain(|_, v| *v != 0);
    Ok(out)
}

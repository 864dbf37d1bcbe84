//! The referral tree: every client has at most one upline (`users.referrer_id`), and
//! `referral_path` holds every (ancestor, descendant, depth) pair, so a downline at any depth
//! or an upline chain is one indexed read. Only this module writes either.
//!
//! Figures other areas keep per ancestor (the prop area's participants and fees under each
//! client) follow a move through `register_tree_listener!`; their writers hold the tree still
//! with `hold_tree` meanwhile.
use crate::error::AppError;
use crate::server::entity::{referral_path, user};
use crate::server::infra::audit;
use crate::server::infra::db::{Write, lock_user, statement};
use crate::server::infra::origin::Origin;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

/// The advisory lock that serialises moves in the tree (PostgreSQL).
const TREE_LOCK: i64 = 7001;

/// Keeps the tree as it is until the transaction ends (PostgreSQL; on SQLite a write
/// transaction holds the database): a move waits for the transactions that read uplines to
/// write figures per ancestor, and they wait for a move, so no figure lands under an upline
/// the move has just taken its subtree's figures from. Any number of them run at once.
pub async fn hold_tree(db: &impl ConnectionTrait) -> Result<(), AppError> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock_shared({TREE_LOCK})"))
            .await?;
    }
    Ok(())
}

/// What an area that keeps figures per ancestor does when a subtree moves (in the move's
/// transaction): called with the subtree's top client and -1 while it is still under its old
/// uplines, then with +1 under its new ones.
pub type TreeListenerFn = for<'a> fn(
    &'a sea_orm::DatabaseTransaction,
    i64,
    i64,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(), AppError>> + Send + 'a>,
>;

pub struct TreeListener(pub TreeListenerFn);

inventory::collect!(TreeListener);

#[macro_export]
macro_rules! register_tree_listener {
    ($f:expr) => {
        inventory::submit! { $crate::server::identity::referrals::TreeListener($f) }
    };
}

async fn tell_listeners(
    txn: &sea_orm::DatabaseTransaction,
    top: i64,
    sign: i64,
) -> Result<(), AppError> {
    for l in inventory::iter::<TreeListener> {
        (l.0)(txn, top, sign).await?;
    }
    Ok(())
}

/// Puts a new client under `referrer` (in the transaction that creates the client).
pub async fn joined(
    db: &impl ConnectionTrait,
    user_id: i64,
    referrer: i64,
) -> Result<(), AppError> {
    hold_tree(db).await?;
    let sql = "INSERT INTO referral_path (ancestor_id, descendant_id, depth) \
               SELECT ancestor_id, ?, depth + 1 FROM referral_path WHERE descendant_id = ? \
               UNION ALL SELECT ?, ?, 1";
    let values = vec![
        user_id.into(),
        referrer.into(),
        referrer.into(),
        user_id.into(),
    ];
    db.execute_raw(statement(db.get_database_backend(), sql, values))
        .await?;
    Ok(())
}

/// The user's uplines, the direct referrer first, at most `max` of them (None: all).
pub async fn upline(
    db: &impl ConnectionTrait,
    user_id: i64,
    max: Option<u64>,
) -> Result<Vec<i64>, AppError> {
    use referral_path::Column as P;
    let mut q = referral_path::Entity::find()
        .select_only()
        .column(P::AncestorId)
        .filter(P::DescendantId.eq(user_id))
        .order_by_asc(P::Depth);
    if let Some(max) = max {
        q = q.limit(max);
    }
    Ok(q.into_tuple::<i64>().all(db).await?)
}

/// How far below `ancestor` `user_id` is (None: not in their tree).
pub async fn depth_below(
    db: &impl ConnectionTrait,
    ancestor: i64,
    user_id: i64,
) -> Result<Option<i32>, AppError> {
    use referral_path::Column as P;
    Ok(referral_path::Entity::find()
        .select_only()
        .column(P::Depth)
        .filter(P::AncestorId.eq(ancestor))
        .filter(P::DescendantId.eq(user_id))
        .into_tuple::<i32>()
        .one(db)
        .await?)
}

/// Moves a client (with everyone under them) to a new upline, or to none. A move that would
/// make a loop (under themselves or one of their downlines) is refused; the audit log keeps
/// the old and new upline. Moves are serialised (on PostgreSQL by a transaction-scoped
/// advisory lock; on SQLite by the write lock), so two concurrent moves cannot make a loop
/// that neither saw.
pub async fn move_upline(
    db: &DatabaseConnection,
    user_id: i64,
    to: Option<i64>,
    actor: i64,
    from: &Origin,
) -> Result<(), AppError> {
    let tx = db.write().await?;
    let txn = &tx;
    // The client's row first: a purchase holds it before it holds the tree (`hold_tree`).
    lock_user(txn, user_id).await?;
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({TREE_LOCK})"))
            .await?;
    }
    let client = user::Entity::find_by_id(user_id)
        .one(txn)
        .await?
        .filter(|u| u.kind.is_client())
        .ok_or(AppError::NotFound)?;
    if let Some(to) = to {
        let upline = user::Entity::find_by_id(to)
            .one(txn)
            .await?
            .filter(|u| u.kind.is_client())
            .ok_or_else(|| AppError::field("referrer", "err.referrer_unknown"))?;
        if upline.id == user_id || depth_below(txn, user_id, to).await?.is_some() {
            return Err(AppError::field("referrer", "err.referral_loop"));
        }
    }
    if client.referrer_id == to {
        return Ok(());
    }
    use referral_path::Column as P;
    // The subtree: the client and their downlines, with their depth below the client.
    let below: Vec<(i64, i32)> = referral_path::Entity::find()
        .select_only()
        .column(P::DescendantId)
        .column(P::Depth)
        .filter(P::AncestorId.eq(user_id))
        .into_tuple()
        .all(txn)
        .await?;
    let subtree: Vec<i64> = std::iter::once(user_id)
        .chain(below.iter().map(|(d, _)| *d))
        .collect();
    tell_listeners(txn, user_id, -1).await?;
    // Cut every path from above the client into the subtree.
    referral_path::Entity::delete_many()
        .filter(P::DescendantId.is_in(subtree.clone()))
        .filter(
            P::AncestorId.in_subquery(
                Query::select()
                    .column(P::AncestorId)
                    .from(referral_path::Entity)
                    .and_where(Expr::col(P::DescendantId).eq(user_id))
                    .to_owned(),
            ),
        )
        .exec(txn)
        .await?;
    if let Some(to) = to {
        let mut above: Vec<(i64, i32)> = vec![(to, 1)];
        for (i, a) in upline(txn, to, None).await?.into_iter().enumerate() {
            above.push((a, i as i32 + 2));
        }
        let rows = above.iter().flat_map(|(a, da)| {
            std::iter::once((user_id, 0))
                .chain(below.iter().copied())
                .map(move |(d, dd)| referral_path::ActiveModel {
                    ancestor_id: sea_orm::ActiveValue::Set(*a),
                    descendant_id: sea_orm::ActiveValue::Set(d),
                    depth: sea_orm::ActiveValue::Set(da + dd),
                })
        });
        let rows: Vec<_> = rows.collect();
        for chunk in rows.chunks(500) {
            referral_path::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(txn)
                .await?;
        }
    }
    tell_listeners(txn, user_id, 1).await?;
    user::Entity::update_many()
        .col_expr(user::Column::ReferrerId, Expr::value(to))
        .filter(user::Column::Id.eq(user_id))
        .exec(txn)
        .await?;
    audit::record(
        txn,
        Some(actor),
        "client.upline_moved",
        "user",
        Some(user_id),
        serde_json::json!({"from": client.referrer_id, "to": to, "downlines": below.len()}),
        &from.ip,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

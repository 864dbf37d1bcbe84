//! The tier each IB holds in a rank set (the sets themselves are the firm's settings:
//! `settings::ranks`).
use crate::domain::access::UserKind;
use crate::domain::ib::Tier;
use crate::error::AppError;
use crate::model::ClientIb;
use crate::server::entity::{rank_tier, user};
use crate::server::infra::audit;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::HashMap;

/// The tiers the users hold, by user.
pub async fn tiers_of(
    db: &impl ConnectionTrait,
    users: &[i64],
) -> Result<HashMap<i64, Tier>, AppError> {
    let held: Vec<(i64, Option<i64>)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::RankTierId)
        .filter(user::Column::Id.is_in(users.iter().copied()))
        .filter(user::Column::RankTierId.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    if held.is_empty() {
        return Ok(HashMap::new());
    }
    let tiers: HashMap<i64, rank_tier::Model> = rank_tier::Entity::find()
        .filter(rank_tier::Column::Id.is_in(held.iter().filter_map(|(_, t)| *t)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    Ok(held
        .into_iter()
        .filter_map(|(u, t)| {
            let t = tiers.get(&t?)?;
            Some((
                u,
                Tier {
                    rank_set_id: t.rank_set_id,
                    tier_id: t.id,
                    position: t.position,
                },
            ))
        })
        .collect())
}

/// Gives an IB a tier (or none).
pub async fn set_tier(
    db: &DatabaseConnection,
    staff: i64,
    client: i64,
    tier: Option<i64>,
    from: &Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let u = user::Entity::find_by_id(client)
        .one(&txn)
        .await?
        .filter(|u| u.kind == UserKind::Ib)
        .ok_or(AppError::NotFound)?;
    if let Some(t) = tier
        && rank_tier::Entity::find_by_id(t).one(&txn).await?.is_none()
    {
        return Err(AppError::field("tier", "err.rank_tier_unknown"));
    }
    user::Entity::update_many()
        .col_expr(user::Column::RankTierId, Expr::value(tier))
        .filter(user::Column::Id.eq(u.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        Some(staff),
        "client.tier_set",
        "user",
        Some(u.id),
        serde_json::json!({"from": u.rank_tier_id, "to": tier}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A client's upline, tier and downline counts.
pub async fn client_ib(db: &impl ConnectionTrait, client: i64) -> Result<ClientIb, AppError> {
    use crate::server::entity::referral_path;
    let u = user::Entity::find_by_id(client)
        .one(db)
        .await?
        .filter(|u| u.kind.is_client())
        .ok_or(AppError::NotFound)?;
    let upline = match u.referrer_id {
        Some(r) => user::Entity::find_by_id(r)
            .one(db)
            .await?
            .map(|r| format!("{} {} ({})", r.first_name, r.last_name, r.email))
            .unwrap_or_default(),
        None => String::new(),
    };
    let below = |depth: Option<i32>| {
        let mut q =
            referral_path::Entity::find().filter(referral_path::Column::AncestorId.eq(client));
        if let Some(d) = depth {
            q = q.filter(referral_path::Column::Depth.eq(d));
        }
        q
    };
    use sea_orm::PaginatorTrait;
    Ok(ClientIb {
        is_ib: u.kind == UserKind::Ib,
        tier_id: u.rank_tier_id,
        upline_id: u.referrer_id,
        upline,
        direct: below(Some(1)).count(db).await?,
        downlines: below(None).count(db).await?,
    })
}

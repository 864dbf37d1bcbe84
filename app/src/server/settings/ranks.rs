//! Rank sets: named ladders of tiers (1 is the lowest) that staff define. A challenge's rank
//! structure names one set and pays by its tiers; each IB holds a tier (`ib::tiers`).
use crate::domain::ib::{FeeCommissions, TIERS_MAX};
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::model::{RankSetForm, RankSetRow, TierRow};
use crate::server::entity::{rank_set, rank_tier, user};
use crate::server::infra::audit;
use crate::server::infra::db::{UniqueOr, Write};
use crate::server::infra::origin::Origin;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, ExprTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// Every rank set with its tiers, lowest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<RankSetRow>, AppError> {
    let sets = rank_set::Entity::find()
        .order_by_asc(rank_set::Column::Name)
        .all(db)
        .await?;
    let mut tiers: HashMap<i64, Vec<TierRow>> = HashMap::new();
    for t in rank_tier::Entity::find()
        .order_by_asc(rank_tier::Column::Position)
        .all(db)
        .await?
    {
        tiers.entry(t.rank_set_id).or_default().push(TierRow {
            id: t.id,
            position: t.position,
            name: t.name,
        });
    }
    Ok(sets
        .into_iter()
        .map(|s| RankSetRow {
            tiers: tiers.remove(&s.id).unwrap_or_default(),
            id: s.id,
            name: s.name,
        })
        .collect())
}

/// Creates a rank set (`id` 0) or renames one and sets its tiers, lowest first. A tier keeps
/// its id (and so the IBs holding it) while its name or place changes; a tier removed must be
/// held by nobody.
pub async fn save(
    db: &DatabaseConnection,
    staff: i64,
    form: RankSetForm,
    from: &Origin,
) -> Result<RankSetRow, AppError> {
    let mut e = Errors::default();
    let name = e.check("name", v::name(&form.name));
    if form.tiers.is_empty() {
        e.add("tiers", "err.rank_tiers_none");
    } else if form.tiers.len() > TIERS_MAX {
        e.add("tiers", "err.rank_tiers_too_many");
    }
    let mut names = std::collections::HashSet::new();
    for (i, t) in form.tiers.iter().enumerate() {
        let field = format!("tiers.{i}");
        match v::name(&t.name) {
            Err(code) => e.add(&field, code),
            Ok(n) if !names.insert(n.to_lowercase()) => e.add(&field, "err.rank_tier_duplicate"),
            Ok(_) => {}
        }
    }
    let name = e.values((name,))?.0;
    let txn = db.write().await?;
    let set = if form.id == 0 {
        rank_set::ActiveModel {
            name: Set(name.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unique_or(|| AppError::field("name", "err.rank_set_taken"))?
    } else {
        let set = rank_set::Entity::find_by_id(form.id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        rank_set::Entity::update_many()
            .col_expr(rank_set::Column::Name, Expr::value(name.clone()))
            .filter(rank_set::Column::Id.eq(set.id))
            .exec(&txn)
            .await
            .unique_or(|| AppError::field("name", "err.rank_set_taken"))?;
        set
    };
    let old: Vec<rank_tier::Model> = rank_tier::Entity::find()
        .filter(rank_tier::Column::RankSetId.eq(set.id))
        .all(&txn)
        .await?;
    for (i, t) in form.tiers.iter().enumerate() {
        if t.id != 0 && !old.iter().any(|o| o.id == t.id) {
            return Err(AppError::field(
                &format!("tiers.{i}"),
                "err.rank_tier_unknown",
            ));
        }
    }
    let removed: Vec<i64> = old
        .iter()
        .filter(|o| !form.tiers.iter().any(|t| t.id == o.id))
        .map(|o| o.id)
        .collect();
    if !removed.is_empty() {
        let held = user::Entity::find()
            .filter(user::Column::RankTierId.is_in(removed.clone()))
            .one(&txn)
            .await?;
        if held.is_some() {
            return Err(AppError::field("tiers", "err.rank_tier_held"));
        }
        rank_tier::Entity::delete_many()
            .filter(rank_tier::Column::Id.is_in(removed))
            .exec(&txn)
            .await?;
    }
    // Positions are unique in a set: park the kept tiers out of the way, then number them.
    rank_tier::Entity::update_many()
        .col_expr(
            rank_tier::Column::Position,
            Expr::col(rank_tier::Column::Position).mul(-1),
        )
        .filter(rank_tier::Column::RankSetId.eq(set.id))
        .exec(&txn)
        .await?;
    for (i, t) in form.tiers.iter().enumerate() {
        let position = i as i32 + 1;
        let tier_name = t.name.trim().to_string();
        if t.id == 0 {
            rank_tier::ActiveModel {
                rank_set_id: Set(set.id),
                position: Set(position),
                name: Set(tier_name),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        } else {
            rank_tier::Entity::update_many()
                .col_expr(rank_tier::Column::Position, Expr::value(position))
                .col_expr(rank_tier::Column::Name, Expr::value(tier_name))
                .filter(rank_tier::Column::Id.eq(t.id))
                .exec(&txn)
                .await?;
        }
    }
    audit::record(
        &txn,
        Some(staff),
        "rank_set.saved",
        "rank_set",
        Some(set.id),
        serde_json::json!({"name": name, "tiers": form.tiers.iter().map(|t| t.name.trim()).collect::<Vec<_>>()}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    list(db)
        .await?
        .into_iter()
        .find(|s| s.id == set.id)
        .ok_or(AppError::NotFound)
}

/// Checks a challenge's rank structure against the stored sets: the set exists and every
/// tier it pays is one of the set's.
pub async fn check_plan(db: &impl ConnectionTrait, plan: &FeeCommissions) -> Result<(), AppError> {
    let Some(rp) = &plan.rank else {
        return Ok(());
    };
    if rank_set::Entity::find_by_id(rp.rank_set_id)
        .one(db)
        .await?
        .is_none()
    {
        return Err(AppError::field(
            "commissions.rank_set",
            "err.rank_set_unknown",
        ));
    }
    let tiers: Vec<i64> = rank_tier::Entity::find()
        .filter(rank_tier::Column::RankSetId.eq(rp.rank_set_id))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    for (i, t) in rp.tiers.iter().enumerate() {
        if !tiers.contains(&t.tier_id) {
            return Err(AppError::field(
                &format!("commissions.tiers.{i}"),
                "err.rank_tier_not_in_set",
            ));
        }
    }
    Ok(())
}

//! Who manages a client: assigning an owner (one client or many) and moving clients between
//! groups in bulk. Every client named must be in the caller's scope, or nothing changes.
use crate::domain::access::UserKind;
use crate::error::AppError;
use crate::server::entity::{client_group, user};
use crate::server::identity::scope::Scope;
use crate::server::infra::audit;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, sea_query::LockType,
};

/// The clients a bulk action names, checked in its write transaction: at least one, at most
/// `BULK_MAX`, each once, every one a client in the caller's scope (otherwise "not found", and
/// nothing changes). On PostgreSQL their rows are locked in id order (the global order), so a
/// client reassigned meanwhile is judged as it now is.
pub async fn checked_clients(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[i64],
) -> Result<Vec<i64>, AppError> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::field("ids", "err.clients_none"));
    }
    if ids.len() > super::BULK_MAX {
        return Err(AppError::field("ids", "err.clients_too_many"));
    }
    let mut select = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.clone()))
        .order_by_asc(user::Column::Id);
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        select = select.lock(LockType::NoKeyUpdate);
    }
    let found: Vec<user::Model> = select.all(txn).await?;
    if found.len() != ids.len()
        || found
            .iter()
            .any(|u| !u.kind.is_client() || !scope.covers(u))
    {
        return Err(AppError::NotFound);
    }
    Ok(ids)
}

/// Gives `clients` the owner `owner` (None: nobody). The owner must be an active staff member.
pub async fn assign(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: i64,
    clients: &[i64],
    owner: Option<i64>,
    from: &Origin,
) -> Result<u64, AppError> {
    let txn = db.write().await?;
    let ids = checked_clients(&txn, scope, clients).await?;
    if let Some(o) = owner {
        let ok = user::Entity::find_by_id(o)
            .one(&txn)
            .await?
            .is_some_and(|u| u.kind == UserKind::Staff && u.status == "active");
        if !ok {
            return Err(AppError::field("owner_id", "err.owner_not_staff"));
        }
    }
    let r = user::Entity::update_many()
        .col_expr(user::Column::OwnerId, Expr::value(owner))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.is_in(ids.clone()))
        .exec(&txn)
        .await?;
    for id in &ids {
        audit::record(
            &txn,
            Some(actor),
            "client.owner",
            "user",
            Some(*id),
            serde_json::json!({"owner_id": owner}),
            &from.ip,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(r.rows_affected)
}

/// Moves `clients` into client group `group`.
pub async fn move_group(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: i64,
    clients: &[i64],
    group: i64,
    from: &Origin,
) -> Result<u64, AppError> {
    let txn = db.write().await?;
    let ids = checked_clients(&txn, scope, clients).await?;
    if client_group::Entity::find_by_id(group)
        .one(&txn)
        .await?
        .is_none()
    {
        return Err(AppError::field("group_id", "err.group_unknown"));
    }
    let r = user::Entity::update_many()
        .col_expr(user::Column::GroupId, Expr::value(Some(group)))
        .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.is_in(ids.clone()))
        .exec(&txn)
        .await?;
    for id in &ids {
        audit::record(
            &txn,
            Some(actor),
            "client.group",
            "user",
            Some(*id),
            serde_json::json!({"group_id": group}),
            &from.ip,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(r.rows_affected)
}

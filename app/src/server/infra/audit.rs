//! The append-only audit log: every staff action and every change to an account's security.
use crate::error::AppError;
use crate::model::{AuditRow, ListQuery, Page};
use crate::server::entity::{audit_log, user};
use crate::server::infra::list;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: Option<i64>,
    action: &str,
    target_type: &str,
    target_id: Option<i64>,
    detail: serde_json::Value,
    ip: &str,
) -> Result<(), AppError> {
    audit_log::ActiveModel {
        actor_id: Set(actor_id),
        action: Set(action.into()),
        target_type: Set(target_type.into()),
        target_id: Set(target_id),
        detail: Set(detail.to_string()),
        ip: Set(ip.into()),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Deletes the row `id` of `E` for a staff member, with the audit record of it, in one
/// transaction. Not found when there is no such row.
pub async fn delete_recorded<E>(
    db: &sea_orm::DatabaseConnection,
    actor: i64,
    id: i64,
    action: &str,
    target_type: &str,
) -> Result<(), AppError>
where
    E: EntityTrait,
    i64: Into<<E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType>,
{
    use crate::server::infra::db::Write;
    let txn = db.write().await?;
    if E::delete_by_id(id).exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    record(
        &txn,
        Some(actor),
        action,
        target_type,
        Some(id),
        serde_json::json!({}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A change users made to their own account (sign-in, password, two-factor).
pub async fn own_account(
    db: &impl ConnectionTrait,
    user_id: i64,
    action: &str,
    ip: &str,
) -> Result<(), AppError> {
    record(
        db,
        Some(user_id),
        action,
        "user",
        Some(user_id),
        serde_json::json!({}),
        ip,
    )
    .await
}

/// The audit trail as staff member `me` sees it: everything when `clients` (their data scope's
/// clients, as a subquery of ids) is `None`; otherwise their own actions and the records about
/// those clients (the client, their requests and their participations).
pub async fn list(
    db: &impl ConnectionTrait,
    me: i64,
    clients: Option<sea_orm::sea_query::SelectStatement>,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<AuditRow>, AppError> {
    use audit_log::Column as C;
    let mut select = audit_log::Entity::find();
    if let Some(clients) = clients {
        use sea_orm::sea_query::ExprTrait;
        let of_clients = |table: &str| {
            sea_orm::sea_query::Query::select()
                .column(sea_orm::sea_query::Alias::new("id"))
                .from(sea_orm::sea_query::Alias::new(table))
                .and_where(
                    sea_orm::sea_query::Expr::col(sea_orm::sea_query::Alias::new("user_id"))
                        .in_subquery(clients.clone()),
                )
                .to_owned()
        };
        let about = |kind: &str, ids: sea_orm::sea_query::SelectStatement| {
            Condition::all()
                .add(C::TargetType.eq(kind))
                .add(C::TargetId.in_subquery(ids))
        };
        select = select.filter(
            Condition::any()
                .add(C::ActorId.eq(me))
                .add(about("user", clients.clone()))
                .add(about("request", of_clients("request")))
                .add(about("participant", of_clients("participant"))),
        );
    }
    if let Some(c) = list::search(&q.q, &[C::Action, C::TargetType, C::Detail]) {
        select = select.filter(c);
    }
    let order = match q.sort.as_str() {
        "action" => C::Action,
        "target" => C::TargetType,
        _ => C::Id,
    };
    select = if q.desc || q.sort.is_empty() {
        select.order_by_desc(order)
    } else {
        select.order_by_asc(order)
    };
    let (rows, total) = list::fetch(db, select, q, paged).await?;
    Ok(list::page(dtos(db, rows).await?, total, q, paged))
}

/// The newest `limit` records about one target (a client's page shows those about them).
pub async fn about(
    db: &impl ConnectionTrait,
    target_type: &str,
    target_id: i64,
    limit: u64,
) -> Result<Vec<AuditRow>, AppError> {
    use audit_log::Column as C;
    let rows = audit_log::Entity::find()
        .filter(C::TargetType.eq(target_type))
        .filter(C::TargetId.eq(target_id))
        .order_by_desc(C::Id)
        .limit(limit)
        .all(db)
        .await?;
    dtos(db, rows).await
}

/// Audit records as staff read them, each actor by email.
async fn dtos(
    db: &impl ConnectionTrait,
    rows: Vec<audit_log::Model>,
) -> Result<Vec<AuditRow>, AppError> {
    let actor_ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
    let actors: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(actor_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.email))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            id: r.id,
            actor: r.actor_id.and_then(|id| actors.get(&id).cloned()),
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            detail: r.detail,
            ip: r.ip,
            at: r.at,
        })
        .collect())
}

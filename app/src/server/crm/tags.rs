//! Custom tags on clients, one client or many at a time.
use crate::domain::crm;
use crate::error::AppError;
use crate::server::entity::client_tag;
use crate::server::identity::scope::Scope;
use crate::server::infra::audit;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// Adds (`on`) or removes tag `raw` on `clients`; adding a tag a client has, or removing one
/// they lack, changes nothing for them.
pub async fn set(
    db: &DatabaseConnection,
    scope: &Scope,
    actor: i64,
    clients: &[i64],
    raw: &str,
    on: bool,
    from: &Origin,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let ids = super::owners::checked_clients(&txn, scope, clients).await?;
    let tag = crm::tag(raw).map_err(|c| AppError::field("tag", c))?;
    if on {
        client_tag::Entity::insert_many(ids.iter().map(|&id| client_tag::ActiveModel {
            client_id: Set(id),
            tag: Set(tag.clone()),
        }))
        .on_conflict_do_nothing_on([client_tag::Column::ClientId, client_tag::Column::Tag])
        .exec(&txn)
        .await?;
    } else {
        client_tag::Entity::delete_many()
            .filter(client_tag::Column::ClientId.is_in(ids.clone()))
            .filter(client_tag::Column::Tag.eq(tag.clone()))
            .exec(&txn)
            .await?;
    }
    for id in &ids {
        audit::record(
            &txn,
            Some(actor),
            if on { "client.tag" } else { "client.untag" },
            "user",
            Some(*id),
            serde_json::json!({"tag": tag}),
            &from.ip,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

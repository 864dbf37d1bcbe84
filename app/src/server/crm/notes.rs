//! Staff's notes on a client: who wrote what, when. Notes are never edited or deleted; a
//! correction is a new note.
use crate::domain::crm;
use crate::error::AppError;
use crate::model::NoteDto;
use crate::server::entity::{client_note, user};
use crate::server::identity::scope::Scope;
use crate::server::infra::db::Write;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

/// A client's notes, newest first.
pub async fn of(db: &impl ConnectionTrait, client: i64) -> Result<Vec<NoteDto>, AppError> {
    let notes = client_note::Entity::find()
        .filter(client_note::Column::ClientId.eq(client))
        .order_by_desc(client_note::Column::Id)
        .all(db)
        .await?;
    let authors: HashMap<i64, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(notes.iter().map(|n| n.author_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, format!("{} {}", u.first_name, u.last_name)))
        .collect();
    Ok(notes
        .into_iter()
        .map(|n| NoteDto {
            id: n.id,
            author: authors.get(&n.author_id).cloned().unwrap_or_default(),
            body: n.body,
            created_at: n.created_at,
        })
        .collect())
}

pub async fn add(
    db: &DatabaseConnection,
    scope: &Scope,
    author: i64,
    client: i64,
    body: &str,
) -> Result<NoteDto, AppError> {
    super::clients::in_scope(db, scope, client).await?;
    let body = crm::note(body).map_err(|c| AppError::field("body", c))?;
    let txn = db.write().await?;
    let n = client_note::ActiveModel {
        client_id: Set(client),
        author_id: Set(author),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(of(db, client)
        .await?
        .into_iter()
        .find(|d| d.id == n.id)
        .unwrap_or(NoteDto {
            id: n.id,
            author: String::new(),
            body: n.body,
            created_at: n.created_at,
        }))
}

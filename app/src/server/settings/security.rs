//! Settings › Security: session lifetimes, the lockout, verified sign-up, the unfamiliar
//! sign-in alert, and the blacklist of emails, addresses and countries (with a CSV import).
use crate::domain::security::{self, BlockKind, SecuritySettings};
use crate::error::AppError;
use crate::model::{BlacklistRow, ImportResult};
use crate::server::entity::{blacklist, setting};
use crate::server::infra::audit;
use crate::server::infra::db::{UniqueOr, Write};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

const SECURITY_KEY: &str = "security";
/// The most rows one CSV import may add.
pub const IMPORT_MAX_ROWS: usize = 10_000;

pub async fn security(db: &impl ConnectionTrait) -> Result<SecuritySettings, AppError> {
    Ok(setting::Entity::find_by_id(SECURITY_KEY)
        .one(db)
        .await?
        .and_then(|s| serde_json::from_str(&s.value).ok())
        .unwrap_or_default())
}

pub async fn save_security(
    db: &DatabaseConnection,
    actor: i64,
    s: SecuritySettings,
) -> Result<(), AppError> {
    s.check().map_err(|bad| {
        AppError::Invalid(
            bad.into_iter()
                .map(|(f, c)| crate::model::FieldError::new(f, c))
                .collect(),
        )
    })?;
    super::save_audited(db, actor, SECURITY_KEY, "firm.security", &s).await
}

pub async fn blacklist(db: &impl ConnectionTrait) -> Result<Vec<BlacklistRow>, AppError> {
    Ok(blacklist::Entity::find()
        .order_by_asc(blacklist::Column::Kind)
        .order_by_asc(blacklist::Column::Value)
        .all(db)
        .await?
        .into_iter()
        .map(|b| BlacklistRow {
            id: b.id,
            kind: b.kind,
            value: b.value,
            note: b.note,
            created_at: b.created_at,
        })
        .collect())
}

/// Adds one entry; an entry already listed answers the field error (nothing changes).
pub async fn block(
    db: &DatabaseConnection,
    actor: i64,
    kind: &str,
    value: &str,
    note: &str,
) -> Result<i64, AppError> {
    let kind =
        BlockKind::parse(kind).ok_or_else(|| AppError::field("kind", "err.blacklist_kind"))?;
    let value = kind
        .normalise(value)
        .map_err(|c| AppError::field("value", c))?;
    let txn = db.write().await?;
    let id = insert(&txn, actor, kind, &value, note)
        .await
        .unique_or(|| AppError::field("value", "err.blacklist_taken"))?;
    audit::record(
        &txn,
        Some(actor),
        "blacklist.add",
        "blacklist",
        Some(id),
        serde_json::json!({"kind": kind.as_str(), "value": value}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

async fn insert(
    db: &impl ConnectionTrait,
    actor: i64,
    kind: BlockKind,
    value: &str,
    note: &str,
) -> Result<i64, sea_orm::DbErr> {
    Ok(blacklist::ActiveModel {
        kind: Set(kind.as_str().into()),
        value: Set(value.into()),
        note: Set(note.trim().chars().take(200).collect()),
        created_by: Set(actor),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

pub async fn unblock(db: &DatabaseConnection, actor: i64, id: i64) -> Result<(), AppError> {
    let found = blacklist::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = db.write().await?;
    blacklist::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        "blacklist.remove",
        "blacklist",
        Some(id),
        serde_json::json!({"kind": found.kind, "value": found.value}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Imports `kind,value[,note]` rows (a header row is skipped). Every row is checked first; the
/// valid new ones are added in one transaction, the rest reported by line.
pub async fn import(
    db: &DatabaseConnection,
    actor: i64,
    csv_text: &str,
) -> Result<ImportResult, AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let mut result = ImportResult::default();
    let mut rows: Vec<(BlockKind, String, String)> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 1;
        let Ok(r) = record else {
            result.refused.push((line, "err.csv_unreadable".into()));
            continue;
        };
        let (kind, value) = (r.get(0).unwrap_or(""), r.get(1).unwrap_or(""));
        if line == 1 && kind.eq_ignore_ascii_case("kind") {
            continue;
        }
        match BlockKind::parse(&kind.to_lowercase()) {
            None => result.refused.push((line, "err.blacklist_kind".into())),
            Some(k) => match k.normalise(value) {
                Ok(v) => rows.push((k, v, r.get(2).unwrap_or("").to_string())),
                Err(c) => result.refused.push((line, c.into())),
            },
        }
        if rows.len() > IMPORT_MAX_ROWS {
            return Err(AppError::field("csv", "err.csv_too_long"));
        }
    }
    let txn = db.write().await?;
    let listed: std::collections::HashSet<(String, String)> = blacklist::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|b| (b.kind, b.value))
        .collect();
    let mut seen = std::collections::HashSet::new();
    for (kind, value, note) in rows {
        let key = (kind.as_str().to_string(), value.clone());
        if listed.contains(&key) || !seen.insert(key) {
            result.existing += 1;
            continue;
        }
        insert(&txn, actor, kind, &value, &note).await?;
        result.added += 1;
    }
    audit::record(
        &txn,
        Some(actor),
        "blacklist.import",
        "blacklist",
        None,
        serde_json::json!({"added": result.added, "existing": result.existing, "refused": result.refused.len()}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(result)
}

/// Whether the blacklist refuses this email (lower case; empty: not known yet), address or
/// country.
pub async fn blocked(
    db: &impl ConnectionTrait,
    email: &str,
    ip: &str,
    country: &str,
) -> Result<bool, AppError> {
    let mut kinds = vec![BlockKind::Ip.as_str()];
    if !email.is_empty() {
        kinds.push(BlockKind::Email.as_str());
    }
    if !country.is_empty() {
        kinds.push(BlockKind::Country.as_str());
    }
    let entries = blacklist::Entity::find()
        .filter(blacklist::Column::Kind.is_in(kinds))
        .all(db)
        .await?;
    Ok(entries.iter().any(|b| {
        BlockKind::parse(&b.kind)
            .is_some_and(|k| security::matches(k, &b.value, email, ip, country))
    }))
}

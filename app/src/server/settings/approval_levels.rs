//! How each request kind is decided: its method and its levels of reviewers.
use crate::domain::access::UserKind;
use crate::domain::approval::{self, Level, Method, RequestKind};
use crate::domain::money::{self, Currency};
use crate::error::AppError;
use crate::model::{ApprovalSettingDto, LevelDto};
use crate::server::entity::{approval_level, approval_setting, role, user};
use crate::server::infra::audit;
use crate::server::infra::db::Write;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// The method and levels that decide requests of a kind. Without a stored setting a kind has
/// its default method and one level open to anyone holding the approvals permission.
pub async fn approval_for(
    db: &impl ConnectionTrait,
    kind: RequestKind,
) -> Result<(Method, Vec<Level>), AppError> {
    let method = approval_setting::Entity::find_by_id(kind.as_str())
        .one(db)
        .await?
        .and_then(|s| Method::from_stored(&s.method, s.threshold_minor))
        .unwrap_or(kind.default_method());
    let levels = approval_level::Entity::find()
        .filter(approval_level::Column::Kind.eq(kind.as_str()))
        .order_by_asc(approval_level::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|l| Level {
            role_ids: approval::parse_ids(&l.role_ids),
            user_ids: approval::parse_ids(&l.user_ids),
        })
        .collect();
    Ok((method, levels))
}

pub async fn approval_settings(
    db: &impl ConnectionTrait,
) -> Result<Vec<ApprovalSettingDto>, AppError> {
    let mut out = Vec::new();
    for kind in RequestKind::ALL {
        let (method, levels) = approval_for(db, *kind).await?;
        let threshold = match method {
            // Thresholds are compared with amounts in each request's own currency; every
            // wallet currency has two decimals, so one display serves them all.
            Method::Partial { threshold_minor } => money::format(threshold_minor, USD_LIKE),
            _ => String::new(),
        };
        out.push(ApprovalSettingDto {
            kind: kind.as_str().into(),
            method: method.as_str().into(),
            threshold,
            levels: levels
                .into_iter()
                .map(|l| LevelDto {
                    role_ids: l.role_ids,
                    user_ids: l.user_ids,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// Thresholds are entered in currency units with two decimals (every wallet currency has two).
pub(super) const USD_LIKE: Currency = Currency {
    code: "USD",
    exponent: 2,
};

/// The most approval levels a kind may have.
pub(super) const MAX_LEVELS: usize = 5;

pub async fn save_approval_setting(
    db: &DatabaseConnection,
    actor: i64,
    kind: &str,
    method: &str,
    threshold: &str,
    levels: Vec<LevelDto>,
) -> Result<(), AppError> {
    let kind =
        RequestKind::parse(kind).ok_or_else(|| AppError::field("kind", "err.kind_unknown"))?;
    let threshold_minor = if method == "partial" {
        money::parse_amount(threshold, USD_LIKE).map_err(|c| AppError::field("threshold", c))?
    } else {
        0
    };
    let m = Method::from_stored(method, threshold_minor)
        .ok_or_else(|| AppError::field("method", "err.method_unknown"))?;
    m.check(kind).map_err(|c| AppError::field("method", c))?;
    if levels.len() > MAX_LEVELS {
        return Err(AppError::field("levels", "err.too_many_levels"));
    }
    // Every named reviewer must exist: a level naming nobody real would strand requests.
    for l in &levels {
        if l.role_ids.is_empty() && l.user_ids.is_empty() {
            return Err(AppError::field("levels", "err.level_empty"));
        }
        let roles = role::Entity::find()
            .filter(role::Column::Id.is_in(l.role_ids.clone()))
            .count(db)
            .await?;
        let users = user::Entity::find()
            .filter(user::Column::Id.is_in(l.user_ids.clone()))
            .filter(user::Column::Kind.eq(UserKind::Staff))
            .count(db)
            .await?;
        if roles as usize != l.role_ids.len() || users as usize != l.user_ids.len() {
            return Err(AppError::field("levels", "err.reviewer_unknown"));
        }
    }
    let txn = db.write().await?;
    approval_setting::Entity::insert(approval_setting::ActiveModel {
        kind: Set(kind.as_str().into()),
        method: Set(m.as_str().into()),
        threshold_minor: Set(threshold_minor),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(approval_setting::Column::Kind)
            .update_columns([
                approval_setting::Column::Method,
                approval_setting::Column::ThresholdMinor,
                approval_setting::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    approval_level::Entity::delete_many()
        .filter(approval_level::Column::Kind.eq(kind.as_str()))
        .exec(&txn)
        .await?;
    for (i, l) in levels.iter().enumerate() {
        approval_level::ActiveModel {
            kind: Set(kind.as_str().into()),
            position: Set(i as i32 + 1),
            role_ids: Set(approval::format_ids(&l.role_ids)),
            user_ids: Set(approval::format_ids(&l.user_ids)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Some(actor),
        "firm.approval",
        "approval_setting",
        None,
        serde_json::json!({"kind": kind.as_str(), "method": m.as_str(), "threshold_minor": threshold_minor, "levels": levels.len()}),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

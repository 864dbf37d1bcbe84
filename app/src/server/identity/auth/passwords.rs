//! Changing a password, and resetting a forgotten one through an emailed link.
use super::*;
use crate::domain::access::UserKind;
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;

use crate::server::entity::{password_reset, user};
use crate::server::identity::session::{self, CurrentSession};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{
    RuntimeConfig, infra::audit, infra::crypto, infra::mail_templates, infra::notify,
    infra::password,
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
};
use std::collections::BTreeMap;

pub async fn change_password(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    cur: &CurrentSession,
    current: &str,
    new: &str,
    from: &Origin,
) -> Result<(), AppError> {
    let mut errs = Errors::default();
    if current.is_empty() {
        errs.add("current_password", "err.required");
    }
    let new = errs.check("new_password", v::password(new));
    let (new,) = errs.values((new,))?;
    let u = &cur.user;
    if !password::verify(
        cfg.argon2,
        current.to_string(),
        Some(u.password_hash.clone()),
    )
    .await?
    {
        return Err(AppError::field("current_password", "err.password_wrong"));
    }
    let hash = password::hash(cfg.argon2, new).await?;
    let txn = db.write().await?;
    let mut am = u.clone().into_active_model();
    am.password_hash = Set(hash);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    // Other devices are signed out: whoever knew the old password is no longer in.
    session::destroy_all_for(&txn, u.id, Some(&cur.id)).await?;
    notify::push(&txn, u.id, "notice.password_changed", BTreeMap::new()).await?;
    audit::own_account(&txn, u.id, "user.password_changed", &from.ip).await?;
    txn.commit().await?;
    Ok(())
}

/// Emails a one-time reset link if the address belongs to an account. The answer is the same
/// either way, so the form cannot be used to find out who has an account.
pub async fn request_reset(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    email: &str,
    from: &Origin,
) -> Result<(), AppError> {
    let email = v::email(email).map_err(|c| AppError::field("email", c))?;
    let Some(u) = find_by_email(db, &email).await? else {
        return Ok(());
    };
    if u.status == "disabled" {
        return Ok(());
    }
    let recent = password_reset::Entity::find()
        .filter(password_reset::Column::UserId.eq(u.id))
        .filter(password_reset::Column::CreatedAt.gt(Utc::now() - Duration::hours(1)))
        .count(db)
        .await?;
    if recent >= RESETS_PER_HOUR {
        return Err(AppError::RateLimited);
    }
    let txn = db.write().await?;
    send_reset_link(&txn, cfg, &u, "mail.reset").await?;
    audit::own_account(&txn, u.id, "user.reset_requested", &from.ip).await?;
    txn.commit().await.map_err(AppError::from)
}

/// Creates a one-time link valid for an hour and queues the email (`template` is `mail.reset`
/// or `mail.invite`).
pub async fn send_reset_link(
    db: &impl ConnectionTrait,
    cfg: &RuntimeConfig,
    u: &user::Model,
    template: &str,
) -> Result<(), AppError> {
    let token = crypto::random_token();
    let now = Utc::now();
    password_reset::ActiveModel {
        user_id: Set(u.id),
        token_hash: Set(crypto::digest(&token)),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(if template == "mail.invite" { 72 } else { 1 })),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let base = if u.kind == UserKind::Staff {
        "/admin/reset-password"
    } else {
        "/reset-password"
    };
    let link = format!(
        "{}{base}?token={token}",
        cfg.public_url.trim_end_matches('/')
    );
    let key = template.trim_start_matches("mail.");
    let vars = BTreeMap::from([("link".to_string(), link)]);
    mail_templates::send(db, u, key, vars).await
}

/// Sets a new password from a reset link. The link works once; every session of the account
/// ends. Returns the account kind, so the page can point to the right sign-in.
pub async fn reset_password(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    token: &str,
    new: &str,
    from: &Origin,
) -> Result<UserKind, AppError> {
    let new = v::password(new).map_err(|c| AppError::field("password", c))?;
    if token.len() != 64 {
        return Err(AppError::InvalidToken);
    }
    let found = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(crypto::digest(token)))
        .one(db)
        .await?;
    let reset = match found {
        Some(r) if r.used_at.is_none() && r.expires_at > Utc::now() => r,
        _ => return Err(AppError::InvalidToken),
    };
    let hash = password::hash(cfg.argon2, new).await?;
    let txn = db.write().await?;
    // Claim the link with a conditional update: two submissions cannot both use it.
    let claimed = password_reset::Entity::update_many()
        .col_expr(
            password_reset::Column::UsedAt,
            sea_orm::sea_query::Expr::value(Some(Utc::now())),
        )
        .filter(password_reset::Column::Id.eq(reset.id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::InvalidToken);
    }
    let u = user::Entity::find_by_id(reset.user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::InvalidToken)?;
    let kind = u.kind;
    let mut am = u.clone().into_active_model();
    am.password_hash = Set(hash);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    session::destroy_all_for(&txn, u.id, None).await?;
    audit::own_account(&txn, u.id, "user.password_reset", &from.ip).await?;
    txn.commit().await?;
    Ok(kind)
}

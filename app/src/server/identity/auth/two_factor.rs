//! Two-factor sign-in with an authenticator app (TOTP): enrolment, codes, and turning it off.
use super::*;
use crate::domain::access::UserKind;
use crate::domain::validation::{self as v};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::model::TotpSetup;
use crate::server::entity::user;
use crate::server::identity::session::{self, CurrentSession, Stage};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{RuntimeConfig, infra::audit, infra::crypto, infra::password};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter,
};
use totp_rs::{Algorithm, Secret, TOTP};

pub(super) fn totp_for(secret_b32: &str, email: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .or_internal("decoding the stored TOTP secret")?;
    // Skew 0: `accept_code` tries the neighbouring steps itself, to know which one matched.
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        30,
        bytes,
        Some("PropDesk".into()),
        email.to_string(),
    )
    .or_internal("building the TOTP from the stored secret")
}

/// Accepts a code from the current 30-second step or either neighbour (clock drift), once: the
/// step is recorded with a conditional update, so a replayed or concurrently reused code fails.
pub(super) async fn accept_code(
    db: &impl ConnectionTrait,
    user_id: i64,
    secret_b32: &str,
    email: &str,
    code: &str,
) -> Result<bool, AppError> {
    let totp = totp_for(secret_b32, email)?;
    let now = Utc::now().timestamp().max(0) as u64 / 30;
    let Some(step) = [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|s| totp.check(code, s * 30))
    else {
        return Ok(false);
    };
    let step = step as i64;
    let claimed = user::Entity::update_many()
        .col_expr(
            user::Column::TotpLastStep,
            sea_orm::sea_query::Expr::value(Some(step)),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(
            sea_orm::Condition::any()
                .add(user::Column::TotpLastStep.is_null())
                .add(user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// The second step of a sign-in: a TOTP code. Success replaces the half-signed-in session.
pub async fn verify_totp(
    db: &DatabaseConnection,
    cur: &CurrentSession,
    code: &str,
    from: &Origin,
) -> Result<String, AppError> {
    if cur.stage != Stage::Mfa {
        return Err(AppError::Unauthorized);
    }
    let code = v::totp_code(code).map_err(|c| AppError::field("code", c))?;
    let u = &cur.user;
    check_throttle(db, &u.email, &from.ip).await?;
    let ok = match &u.totp_secret {
        Some(secret) => accept_code(db, u.id, secret, &u.email, &code).await?,
        None => false,
    };
    record_attempt(db, &u.email, from, ok).await?;
    if !ok {
        return Err(AppError::field("code", "err.totp_wrong"));
    }
    let txn = db.write().await?;
    session::destroy(&txn, &cur.id).await?;
    mark_signed_in(&txn, u, from).await?;
    let token = session::create(&txn, u, Stage::Full, &from.ip, &from.user_agent).await?;
    txn.commit().await?;
    Ok(token)
}

/// Starts two-factor setup: a new secret, kept unconfirmed until a code proves the app has it.
pub async fn totp_begin(
    db: &DatabaseConnection,
    cur: &CurrentSession,
) -> Result<TotpSetup, AppError> {
    if cur.stage == Stage::Mfa {
        return Err(AppError::Unauthorized);
    }
    if cur.user.totp_enabled {
        return Err(AppError::field("code", "err.totp_already"));
    }
    let secret = Secret::Raw(crypto::random_bytes::<20>().to_vec())
        .to_encoded()
        .to_string();
    let totp = totp_for(&secret, &cur.user.email)?;
    let uri = totp.get_url();
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .or_internal("drawing the TOTP QR code")?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    let mut am = cur.user.clone().into_active_model();
    am.totp_secret = Set(Some(secret.clone()));
    am.totp_last_step = Set(None);
    am.updated_at = Set(Utc::now());
    am.update(db).await?;
    Ok(TotpSetup {
        secret,
        otpauth_uri: uri,
        qr_svg,
    })
}

/// Confirms setup with a code. For staff finishing mandatory enrollment this completes the
/// sign-in and returns the new session token.
pub async fn totp_confirm(
    db: &DatabaseConnection,
    cur: &CurrentSession,
    code: &str,
    from: &Origin,
) -> Result<Option<String>, AppError> {
    if cur.stage == Stage::Mfa {
        return Err(AppError::Unauthorized);
    }
    let code = v::totp_code(code).map_err(|c| AppError::field("code", c))?;
    let fresh = user::Entity::find_by_id(cur.user.id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if fresh.totp_enabled {
        return Err(AppError::field("code", "err.totp_already"));
    }
    let Some(secret) = fresh.totp_secret.clone() else {
        return Err(AppError::field("code", "err.totp_not_started"));
    };
    if !accept_code(db, fresh.id, &secret, &fresh.email, &code).await? {
        return Err(AppError::field("code", "err.totp_wrong"));
    }
    let txn = db.write().await?;
    let mut am = fresh.clone().into_active_model();
    am.totp_enabled = Set(true);
    am.updated_at = Set(Utc::now());
    let fresh = am.update(&txn).await?;
    audit::own_account(&txn, fresh.id, "user.totp_enabled", &from.ip).await?;
    let token = if cur.stage == Stage::Enroll {
        session::destroy(&txn, &cur.id).await?;
        mark_signed_in(&txn, &fresh, from).await?;
        Some(session::create(&txn, &fresh, Stage::Full, &from.ip, &from.user_agent).await?)
    } else {
        None
    };
    txn.commit().await?;
    Ok(token)
}

/// Clients may turn two-factor off with their password and a current code; staff may not.
pub async fn totp_disable(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    cur: &CurrentSession,
    pw: &str,
    code: &str,
    from: &Origin,
) -> Result<(), AppError> {
    if cur.kind() == UserKind::Staff {
        return Err(AppError::Forbidden);
    }
    let u = &cur.user;
    let (Some(secret), true) = (&u.totp_secret, u.totp_enabled) else {
        return Err(AppError::field("code", "err.totp_not_enabled"));
    };
    if !password::verify(cfg.argon2, pw.to_string(), Some(u.password_hash.clone())).await? {
        return Err(AppError::field("password", "err.password_wrong"));
    }
    let code = v::totp_code(code).map_err(|c| AppError::field("code", c))?;
    if !accept_code(db, u.id, secret, &u.email, &code).await? {
        return Err(AppError::field("code", "err.totp_wrong"));
    }
    let txn = db.write().await?;
    let mut am = u.clone().into_active_model();
    am.totp_enabled = Set(false);
    am.totp_secret = Set(None);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    audit::own_account(&txn, u.id, "user.totp_disabled", &from.ip).await?;
    txn.commit().await?;
    Ok(())
}

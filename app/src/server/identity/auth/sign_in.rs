//! Signing in: the password check, throttling by account and by address, and lockout.
use super::*;
use crate::domain::access::UserKind;
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::model::LoginStep;
use crate::server::entity::{login_attempt, user};
use crate::server::identity::session::{self, Stage};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{RuntimeConfig, infra::audit, infra::password};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

pub struct SignIn {
    pub token: String,
    pub step: LoginStep,
}

pub(super) async fn record_attempt(
    db: &impl ConnectionTrait,
    email: &str,
    from: &Origin,
    success: bool,
) -> Result<(), AppError> {
    login_attempt::ActiveModel {
        email: Set(email.into()),
        ip: Set(from.ip.chars().take(64).collect()),
        user_agent: Set(from.user_agent.chars().take(255).collect()),
        country: Set(from.country.chars().take(2).collect()),
        success: Set(success),
        at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Refuses when the address is throttled or the email is locked out. The lockout counts
/// attempts on the email, whether or not an account has it, so it reveals nothing.
pub(super) async fn check_throttle(
    db: &impl ConnectionTrait,
    email: &str,
    ip: &str,
) -> Result<(), AppError> {
    use login_attempt::Column as C;
    let limits = crate::server::settings::security::security(db).await?;
    let (failures, minutes) = (
        limits.lockout_failures as usize,
        i64::from(limits.lockout_minutes),
    );
    let since = Utc::now() - Duration::minutes(minutes);
    if !ip.is_empty() {
        let ip_failures = login_attempt::Entity::find()
            .filter(C::Ip.eq(ip))
            .filter(C::Success.eq(false))
            .filter(C::At.gt(since))
            .count(db)
            .await?;
        if ip_failures >= IP_FAILURES {
            return Err(AppError::RateLimited);
        }
    }
    let recent = login_attempt::Entity::find()
        .filter(C::Email.eq(email))
        .filter(C::At.gt(since))
        .order_by_desc(C::Id)
        .limit(failures as u64)
        .all(db)
        .await?;
    if recent.len() == failures && recent.iter().all(|a| !a.success) {
        let until = recent[0].at + Duration::minutes(minutes);
        let minutes = ((until - Utc::now()).num_seconds() + 59) / 60;
        return Err(AppError::Locked {
            minutes: minutes.max(1),
        });
    }
    Ok(())
}

pub async fn login(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    email: &str,
    pw: &str,
    portal: Portal,
    from: &Origin,
) -> Result<SignIn, AppError> {
    let mut errs = Errors::default();
    let email = errs.check("email", v::email(email));
    if pw.is_empty() {
        errs.add("password", "err.required");
    }
    let (email,) = errs.values((email,))?;
    check_throttle(db, &email, &from.ip).await?;
    if crate::server::settings::security::blocked(db, &email, &from.ip, &from.country).await? {
        return Err(AppError::Blocked);
    }
    let found = find_by_email(db, &email).await?;
    let ok = password::verify(
        cfg.argon2,
        pw.to_string(),
        found.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    record_attempt(db, &email, from, ok && found.is_some()).await?;
    let user = match found {
        Some(u) if ok => u,
        _ => return Err(AppError::BadCredentials),
    };
    let kind = user.kind;
    let right_portal = match portal {
        Portal::Staff => kind == UserKind::Staff,
        Portal::Client => kind.is_client(),
    };
    if !right_portal {
        return Err(AppError::WrongPortal);
    }
    match user.status.as_str() {
        "disabled" => return Err(AppError::Disabled),
        "pending" => return Err(AppError::PendingApproval),
        "rejected" => return Err(AppError::RegistrationRejected),
        _ => {}
    }
    if kind.is_client() && crate::server::identity::verification::email_pending(db, &user).await? {
        return Err(AppError::EmailUnverified);
    }
    let step = if user.totp_enabled {
        LoginStep::TotpRequired
    } else if kind == UserKind::Staff {
        LoginStep::TotpEnrollment
    } else {
        LoginStep::Done
    };
    let stage = match step {
        LoginStep::TotpRequired => Stage::Mfa,
        LoginStep::TotpEnrollment => Stage::Enroll,
        LoginStep::Done | LoginStep::AwaitingApproval | LoginStep::VerifyEmail => Stage::Full,
    };
    let txn = db.write().await?;
    if step == LoginStep::Done {
        mark_signed_in(&txn, &user, from).await?;
    }
    let token = session::create(&txn, &user, stage, &from.ip, &from.user_agent).await?;
    txn.commit().await?;
    Ok(SignIn { token, step })
}

pub(super) async fn mark_signed_in(
    db: &sea_orm::DatabaseTransaction,
    user: &user::Model,
    from: &Origin,
) -> Result<(), AppError> {
    let mut am = user.clone().into_active_model();
    am.last_login_at = Set(Some(Utc::now()));
    am.update(db).await?;
    audit::own_account(db, user.id, "user.login", &from.ip).await?;
    if user.kind.is_client() {
        super::unfamiliar::check(db, user, from).await?;
    }
    Ok(())
}

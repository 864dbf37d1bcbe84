//! Registration, sign-in with throttling and lockout, two-factor authentication, password change
//! and reset.
use crate::domain::access::UserKind;
use crate::domain::approval::RequestKind;
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::i18n::{self, Locale};
use crate::model::{LoginStep, Theme, TotpSetup};
use crate::server::entity::{login_attempt, password_reset, user};
use crate::server::identity::session::{self, CurrentSession, Stage};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{
    RuntimeConfig, approvals, identity::accounts, infra::audit, infra::crypto, infra::mail,
    infra::notify, infra::password, settings,
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;
use totp_rs::{Algorithm, Secret, TOTP};

/// Consecutive failures that lock an email, and for how long.
pub const LOCKOUT_FAILURES: usize = 5;
pub const LOCKOUT_MINUTES: i64 = 15;
/// Failures from one address, across all emails, before it is throttled.
pub const IP_FAILURES: u64 = 30;
/// Reset emails per address per hour.
const RESETS_PER_HOUR: u64 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Portal {
    Client,
    Staff,
}

#[derive(Clone, Debug)]
pub struct RegisterInput {
    pub kind: UserKind,
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub country: String,
    pub phone: String,
    pub referral_code: String,
    pub locale: Locale,
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await?)
}

pub async fn register(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    input: RegisterInput,
    from: &Origin,
) -> Result<user::Model, AppError> {
    if !input.kind.is_client() {
        return Err(AppError::Forbidden);
    }
    let mut errs = Errors::default();
    let email = errs.check("email", v::email(&input.email));
    let pw = errs.check("password", v::password(&input.password));
    let first = errs.check("first_name", v::name(&input.first_name));
    let last = errs.check("last_name", v::name(&input.last_name));
    let country = errs.check("country", v::country(&input.country));
    let phone = errs.check("phone", v::phone(&input.phone));
    let referral = errs.check("referral_code", v::referral_code(&input.referral_code));
    if let Some(e) = &email
        && find_by_email(db, e).await?.is_some()
    {
        errs.add("email", "err.email_taken");
    }
    let mut referrer_id = None;
    if let Some(Some(code)) = &referral {
        match user::Entity::find()
            .filter(user::Column::ReferralCode.eq(code.as_str()))
            .one(db)
            .await?
        {
            Some(r) if r.status != "disabled" => referrer_id = Some(r.id),
            _ => errs.add("referral_code", "err.referral_unknown"),
        }
    }
    errs.into_result()?;
    let (email, pw, first, last, country, phone) = (
        email.unwrap(),
        pw.unwrap(),
        first.unwrap(),
        last.unwrap(),
        country.unwrap(),
        phone.unwrap(),
    );
    let hash = password::hash(cfg.argon2, pw).await?;
    let reg_kind = if input.kind == UserKind::Ib {
        RequestKind::IbRegistration
    } else {
        RequestKind::TraderRegistration
    };
    let (method, _) = settings::approval_for(db, reg_kind).await?;
    let pending = !method.approves_itself(reg_kind, false, 0);
    let txn = db.write().await?;
    let created = accounts::insert(
        &txn,
        accounts::NewAccount {
            kind: input.kind,
            email,
            password_hash: hash,
            first_name: first,
            last_name: last,
            country,
            phone,
            role_id: None,
            referrer_id,
            locale: input.locale,
            pending,
            created_at: Utc::now(),
        },
    )
    .await?;
    // Every registration is a request, so the queue shows it (approved at once when automatic).
    approvals::submit(
        &txn,
        approvals::Submission {
            idempotency_key: "registration".into(),
            kind: Some(reg_kind),
            user_id: created.id,
            created_by: created.id,
            payload: serde_json::json!({"Country": created.country, "Phone": created.phone}),
            ..Default::default()
        },
        from,
    )
    .await?;
    notify::push(&txn, created.id, "notice.welcome", BTreeMap::new()).await?;
    if let Some(rid) = referrer_id {
        let data = BTreeMap::from([(
            "name".to_string(),
            format!("{} {}", created.first_name, created.last_name),
        )]);
        notify::push(&txn, rid, "notice.new_referral", data).await?;
    }
    audit::record(
        &txn,
        Some(created.id),
        "user.register",
        "user",
        Some(created.id),
        serde_json::json!({"kind": created.kind, "referrer_id": referrer_id}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub struct SignIn {
    pub token: String,
    pub step: LoginStep,
}

async fn record_attempt(
    db: &impl ConnectionTrait,
    email: &str,
    ip: &str,
    success: bool,
) -> Result<(), AppError> {
    login_attempt::ActiveModel {
        email: Set(email.into()),
        ip: Set(ip.into()),
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
async fn check_throttle(db: &impl ConnectionTrait, email: &str, ip: &str) -> Result<(), AppError> {
    use login_attempt::Column as C;
    let since = Utc::now() - Duration::minutes(LOCKOUT_MINUTES);
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
        .limit(LOCKOUT_FAILURES as u64)
        .all(db)
        .await?;
    if recent.len() == LOCKOUT_FAILURES && recent.iter().all(|a| !a.success) {
        let until = recent[0].at + Duration::minutes(LOCKOUT_MINUTES);
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
    errs.into_result()?;
    let email = email.unwrap();
    check_throttle(db, &email, &from.ip).await?;
    let found = find_by_email(db, &email).await?;
    let ok = password::verify(
        cfg.argon2,
        pw.to_string(),
        found.as_ref().map(|u| u.password_hash.clone()),
    )
    .await?;
    record_attempt(db, &email, &from.ip, ok && found.is_some()).await?;
    let user = match found {
        Some(u) if ok => u,
        _ => return Err(AppError::BadCredentials),
    };
    let kind = UserKind::parse(&user.kind).unwrap_or(UserKind::Trader);
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
        LoginStep::Done | LoginStep::AwaitingApproval => Stage::Full,
    };
    let txn = db.write().await?;
    if step == LoginStep::Done {
        mark_signed_in(&txn, &user, from).await?;
    }
    let token = session::create(&txn, &user, stage, &from.ip, &from.user_agent).await?;
    txn.commit().await?;
    Ok(SignIn { token, step })
}

async fn mark_signed_in(
    db: &impl ConnectionTrait,
    user: &user::Model,
    from: &Origin,
) -> Result<(), AppError> {
    let mut am = user.clone().into_active_model();
    am.last_login_at = Set(Some(Utc::now()));
    am.update(db).await?;
    audit::own_account(db, user.id, "user.login", &from.ip).await
}

fn totp_for(secret_b32: &str, email: &str) -> Result<TOTP, AppError> {
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
async fn accept_code(
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
    record_attempt(db, &u.email, &from.ip, ok).await?;
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
    errs.into_result()?;
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
    let hash = password::hash(cfg.argon2, new.unwrap()).await?;
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
    let base = if u.kind == UserKind::Staff.as_str() {
        "/admin/reset-password"
    } else {
        "/reset-password"
    };
    let link = format!(
        "{}{base}?token={token}",
        cfg.public_url.trim_end_matches('/')
    );
    let locale = Locale::from_code(&u.locale);
    let subject = i18n::tr(locale, &format!("{template}.subject"));
    let body = i18n::tr(locale, &format!("{template}.body"))
        .replace("{name}", &u.first_name)
        .replace("{link}", &link);
    mail::queue(db, &u.email, subject, &body).await
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
    let kind = UserKind::parse(&u.kind).unwrap_or(UserKind::Trader);
    let mut am = u.clone().into_active_model();
    am.password_hash = Set(hash);
    am.updated_at = Set(Utc::now());
    am.update(&txn).await?;
    session::destroy_all_for(&txn, u.id, None).await?;
    audit::own_account(&txn, u.id, "user.password_reset", &from.ip).await?;
    txn.commit().await?;
    Ok(kind)
}

pub async fn set_preferences(
    db: &DatabaseConnection,
    user_id: i64,
    theme: Option<Theme>,
    locale: Option<Locale>,
) -> Result<(), AppError> {
    let u = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let mut am = u.into_active_model();
    if let Some(t) = theme {
        am.theme = Set(t.as_str().into());
    }
    if let Some(l) = locale {
        am.locale = Set(l.code().into());
    }
    am.updated_at = Set(Utc::now());
    am.update(db).await?;
    Ok(())
}

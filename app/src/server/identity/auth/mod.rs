//! Registration, sign-in with throttling and lockout, two-factor authentication, password change
//! and reset.
use crate::domain::access::UserKind;
use crate::domain::approval::RequestKind;
use crate::domain::validation::{self as v, Errors};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::Theme;
use crate::server::entity::user;
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{
    RuntimeConfig, approvals, identity::accounts, infra::audit, infra::notify, infra::password,
    settings,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter,
};
use std::collections::BTreeMap;

mod sign_in;
pub use sign_in::*;
mod two_factor;
pub use two_factor::*;
mod passwords;
pub use passwords::*;
mod unfamiliar;
pub use unfamiliar::{SecurityAlert, SecurityAlertFn};

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
    /// The promotional link's code the visitor came through; empty: none.
    pub link: String,
    pub locale: Locale,
}

/// Where a sign-up came from: the IB programme registers its promotional links with
/// `register_signup_source!`, so registration does not import it. Given a link's code (in the
/// registration's transaction) it answers the link's id and its owner, who becomes the new
/// client's upline; None for a code it does not know or a link no longer in use.
pub type SignupSourceFn = for<'a> fn(
    &'a sea_orm::DatabaseTransaction,
    &'a str,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Option<(i64, Option<i64>)>, AppError>> + Send + 'a>,
>;

pub struct SignupSource(pub SignupSourceFn);

inventory::collect!(SignupSource);

#[macro_export]
macro_rules! register_signup_source {
    ($f:expr) => {
        inventory::submit! { $crate::server::identity::auth::SignupSource($f) }
    };
}

/// Whether a promotional link's code is known to a sign-up source and in use (an offer
/// attached to a link checks it).
pub async fn link_known(txn: &sea_orm::DatabaseTransaction, code: &str) -> Result<bool, AppError> {
    Ok(signup_source(txn, code).await?.is_some())
}

/// What an area does when a client signs up (in the registration's transaction), given the
/// new client and the promotional link's code they came through (empty: none): the offers
/// area grants its new-clients coupons with `register_signup_listener!`.
pub type SignupListenerFn = for<'a> fn(
    &'a sea_orm::DatabaseTransaction,
    i64,
    &'a str,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(), AppError>> + Send + 'a>,
>;

pub struct SignupListener(pub SignupListenerFn);

inventory::collect!(SignupListener);

#[macro_export]
macro_rules! register_signup_listener {
    ($f:expr) => {
        inventory::submit! { $crate::server::identity::auth::SignupListener($f) }
    };
}

/// The link a sign-up came through and its owner, if any source knows the code.
async fn signup_source(
    txn: &sea_orm::DatabaseTransaction,
    code: &str,
) -> Result<Option<(i64, Option<i64>)>, AppError> {
    for s in inventory::iter::<SignupSource> {
        if let Some(found) = (s.0)(txn, code).await? {
            return Ok(Some(found));
        }
    }
    Ok(None)
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
    let link = input.link.trim();
    if link.len() > 32 || !link.chars().all(|c| c.is_ascii_alphanumeric()) {
        errs.add("link", "err.link_invalid");
    }
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
    let (email, pw, first, last, country, phone) =
        errs.values((email, pw, first, last, country, phone))?;
    // The firm's blacklist: a listed email (or its domain) is told so on the field; a listed
    // address or country is refused as a whole.
    if settings::security::blocked(db, &email, "", "").await? {
        return Err(AppError::field("email", "err.email_blocked"));
    }
    if settings::security::blocked(db, "", &from.ip, &from.country).await? {
        return Err(AppError::Blocked);
    }
    let verify_email = settings::security::security(db).await?.verify_email;
    let hash = password::hash(cfg.argon2, pw).await?;
    let reg_kind = if input.kind == UserKind::Ib {
        RequestKind::IbRegistration
    } else {
        RequestKind::TraderRegistration
    };
    let (method, _) = settings::approval_for(db, reg_kind).await?;
    let pending = !method.approves_itself(reg_kind, false, 0);
    let txn = db.write().await?;
    // A link's owner is the upline, whatever code was typed: the visitor came through them.
    let mut promo_link_id = None;
    if !link.is_empty()
        && let Some((id, owner)) = signup_source(&txn, link).await?
    {
        promo_link_id = Some(id);
        referrer_id = owner.or(referrer_id);
    }
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
            promo_link_id,
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
    // Only a link a source knows counts: an unknown code grants nothing.
    let came_through = if promo_link_id.is_some() { link } else { "" };
    for l in inventory::iter::<SignupListener> {
        (l.0)(&txn, created.id, came_through).await?;
    }
    notify::push(&txn, created.id, "notice.welcome", BTreeMap::new()).await?;
    if verify_email {
        super::verification::issue(&txn, cfg, &created, super::verification::Channel::Email)
            .await?;
    }
    let sign_in = format!("{}/login", cfg.public_url.trim_end_matches('/'));
    crate::server::infra::mail_templates::send(
        &txn,
        &created,
        "welcome",
        BTreeMap::from([("link".to_string(), sign_in)]),
    )
    .await?;
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
        serde_json::json!({"kind": created.kind, "referrer_id": referrer_id, "link": promo_link_id}),
        &from.ip,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
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

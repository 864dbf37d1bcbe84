//! Proving an email address or phone number: a six-digit code, sent by email or text message,
//! valid for `CODE_MINUTES`, that allows `MAX_TRIES` wrong guesses. A new code replaces the
//! last; at most `SENDS_PER_HOUR` are sent an hour. Only the code's digest is kept.
use crate::error::AppError;
use crate::server::RuntimeConfig;
use crate::server::entity::{user, verification_code};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::infra::{audit, crypto, mail_templates, sms};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use std::collections::BTreeMap;

pub const CODE_MINUTES: i64 = 30;
pub const MAX_TRIES: i32 = 5;
pub const SENDS_PER_HOUR: u64 = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
}

fn digest(user: i64, code: &str) -> String {
    crypto::digest(&format!("{user}:{code}"))
}

fn new_code() -> String {
    let b = crypto::random_bytes::<4>();
    format!("{:06}", u32::from_le_bytes(b) % 1_000_000)
}

/// Makes a code for `u` on `channel` (the older ones stop working) and sends it, in `txn`.
pub async fn issue(
    txn: &DatabaseTransaction,
    cfg: &RuntimeConfig,
    u: &user::Model,
    channel: Channel,
) -> Result<(), AppError> {
    let since = Utc::now() - Duration::hours(1);
    let sent = verification_code::Entity::find()
        .filter(verification_code::Column::UserId.eq(u.id))
        .filter(verification_code::Column::Channel.eq(channel.as_str()))
        .filter(verification_code::Column::CreatedAt.gt(since))
        .count(txn)
        .await?;
    if sent >= SENDS_PER_HOUR {
        return Err(AppError::field("code", "err.resend_limit"));
    }
    let code = new_code();
    let now = Utc::now();
    verification_code::Entity::update_many()
        .col_expr(verification_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(verification_code::Column::UserId.eq(u.id))
        .filter(verification_code::Column::Channel.eq(channel.as_str()))
        .filter(verification_code::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    verification_code::ActiveModel {
        user_id: Set(u.id),
        channel: Set(channel.as_str().into()),
        code_hash: Set(digest(u.id, &code)),
        attempts: Set(0),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(CODE_MINUTES)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    match channel {
        Channel::Email => {
            let link = format!(
                "{}/verify-email?email={}&code={code}",
                cfg.public_url.trim_end_matches('/'),
                urlencoding(&u.email)
            );
            let vars = BTreeMap::from([("code".to_string(), code), ("link".to_string(), link)]);
            mail_templates::send(txn, u, "verify", vars).await
        }
        Channel::Sms => {
            let text = format!("PropDesk code: {code} (valid {CODE_MINUTES} minutes)");
            sms::sender().send(txn, &u.phone, &text).await
        }
    }
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether `u` still has to verify their email: a code was sent at sign-up (the firm asked for
/// it then) and none was used.
pub async fn email_pending(db: &impl ConnectionTrait, u: &user::Model) -> Result<bool, AppError> {
    if u.email_verified_at.is_some() {
        return Ok(false);
    }
    Ok(verification_code::Entity::find()
        .filter(verification_code::Column::UserId.eq(u.id))
        .filter(verification_code::Column::Channel.eq(Channel::Email.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Checks `code` against `u`'s newest code on `channel`. A wrong code counts a try (kept
/// even though the call fails); the fifth wrong try, or time, ends the code.
async fn check(
    db: &DatabaseConnection,
    u: &user::Model,
    channel: Channel,
    code: &str,
) -> Result<(), AppError> {
    let txn = db.write().await?;
    let newest = verification_code::Entity::find()
        .filter(verification_code::Column::UserId.eq(u.id))
        .filter(verification_code::Column::Channel.eq(channel.as_str()))
        .filter(verification_code::Column::UsedAt.is_null())
        .order_by_desc(verification_code::Column::Id)
        .one(&txn)
        .await?;
    let Some(c) = newest else {
        return Err(AppError::field("code", "err.code_expired"));
    };
    if c.expires_at <= Utc::now() || c.attempts >= MAX_TRIES {
        return Err(AppError::field("code", "err.code_expired"));
    }
    let code = code.trim();
    if code.len() != 6
        || !code.bytes().all(|b| b.is_ascii_digit())
        || digest(u.id, code) != c.code_hash
    {
        let tries = c.attempts + 1;
        let mut am: verification_code::ActiveModel = c.into();
        am.attempts = Set(tries);
        am.update(&txn).await?;
        txn.commit().await?;
        return Err(AppError::field(
            "code",
            if tries >= MAX_TRIES {
                "err.code_expired"
            } else {
                "err.code_wrong"
            },
        ));
    }
    let now = Utc::now();
    let mut am: verification_code::ActiveModel = c.into();
    am.used_at = Set(Some(now));
    am.update(&txn).await?;
    let mut who: user::ActiveModel = u.clone().into();
    match channel {
        Channel::Email => who.email_verified_at = Set(Some(now)),
        Channel::Sms => who.phone_verified_at = Set(Some(now)),
    }
    who.update(&txn).await?;
    audit::own_account(
        &txn,
        u.id,
        &format!("user.verified_{}", channel.as_str()),
        "",
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Verifies the email of the account `email` names with the emailed code. An unknown email
/// answers like a wrong code (it reveals nothing).
pub async fn verify_email(
    db: &DatabaseConnection,
    email: &str,
    code: &str,
    from: &Origin,
) -> Result<(), AppError> {
    let email = email.trim().to_lowercase();
    let Some(u) = super::auth::find_by_email(db, &email).await? else {
        return Err(AppError::field("code", "err.code_wrong"));
    };
    if u.email_verified_at.is_some() {
        return Ok(());
    }
    check(db, &u, Channel::Email, code).await?;
    tracing::info!(user = u.id, ip = %from.ip, "email verified");
    Ok(())
}

/// Sends a new email code to an account still waiting for its verification. Anything else
/// (unknown, verified already) answers the same, sending nothing.
pub async fn resend_email(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    email: &str,
) -> Result<(), AppError> {
    let email = email.trim().to_lowercase();
    let Some(u) = super::auth::find_by_email(db, &email).await? else {
        return Ok(());
    };
    if !email_pending(db, &u).await? {
        return Ok(());
    }
    let txn = db.write().await?;
    issue(&txn, cfg, &u, Channel::Email).await?;
    txn.commit().await?;
    Ok(())
}

/// Texts a code to the signed-in client's phone number.
pub async fn send_phone_code(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    user_id: i64,
) -> Result<(), AppError> {
    let u = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    if u.phone.trim().is_empty() {
        return Err(AppError::field("phone", "err.phone_missing"));
    }
    let txn = db.write().await?;
    issue(&txn, cfg, &u, Channel::Sms).await?;
    txn.commit().await?;
    Ok(())
}

/// Verifies the signed-in client's phone number with the texted code.
pub async fn verify_phone(
    db: &DatabaseConnection,
    user_id: i64,
    code: &str,
) -> Result<(), AppError> {
    let u = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    check(db, &u, Channel::Sms, code).await
}

//! Creating an account row: the one place that decides how every new user starts.
use crate::domain::access::UserKind;
use crate::domain::kyc::KycStatus;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::Theme;
use crate::server::entity::user;
use crate::server::infra::crypto;
use crate::server::infra::db::UniqueOr;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

pub struct NewAccount {
    pub kind: UserKind,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub country: String,
    pub phone: String,
    pub role_id: Option<i64>,
    pub referrer_id: Option<i64>,
    /// The promotional link they signed up through.
    pub promo_link_id: Option<i64>,
    pub locale: Locale,
    /// Clients whose registration awaits approval start pending and cannot sign in.
    pub pending: bool,
    pub created_at: DateTime<Utc>,
}

/// Inserts an account. Clients get a referral code and the default client group; nobody
/// starts with two-factor. An email that another insert took first is reported on the email
/// field, like the pre-check.
pub async fn insert(db: &impl ConnectionTrait, a: NewAccount) -> Result<user::Model, AppError> {
    let group_id = if a.kind.is_client() {
        Some(crate::server::settings::default_group(db).await?)
    } else {
        None
    };
    let referrer = a.referrer_id;
    let created = user::ActiveModel {
        kind: Set(a.kind),
        email: Set(a.email),
        password_hash: Set(a.password_hash),
        first_name: Set(a.first_name),
        last_name: Set(a.last_name),
        country: Set(a.country),
        phone: Set(a.phone),
        status: Set(if a.pending { "pending" } else { "active" }.into()),
        role_id: Set(a.role_id),
        // 32^8 codes: a collision is astronomically unlikely and would surface as a unique error.
        referral_code: Set(a.kind.is_client().then(crypto::referral_code)),
        referrer_id: Set(a.referrer_id),
        promo_link_id: Set(a.promo_link_id),
        rank_tier_id: Set(None),
        totp_secret: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        theme: Set(Theme::Light.as_str().into()),
        locale: Set(a.locale.code().into()),
        group_id: Set(group_id),
        kyc_status: Set(KycStatus::NotSubmitted),
        last_login_at: Set(None),
        created_at: Set(a.created_at),
        updated_at: Set(a.created_at),
        ..Default::default()
    }
    .insert(db)
    .await
    .unique_or(|| AppError::field("email", "err.email_taken"))?;
    if let Some(r) = referrer {
        super::referrals::joined(db, created.id, r).await?;
    }
    Ok(created)
}

/// The users `ids` by id, for lists that show people's names beside their rows.
pub async fn by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, user::Model>, AppError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

/// "First Last".
pub fn full_name(u: &user::Model) -> String {
    format!("{} {}", u.first_name, u.last_name)
}

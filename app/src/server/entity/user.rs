use crate::domain::access::UserKind;
use crate::domain::kyc::KycStatus;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: UserKind,
    pub email: String,
    pub password_hash: String,
    pub first_name: String,
    pub last_name: String,
    pub country: String,
    pub phone: String,
    pub status: String,
    pub role_id: Option<i64>,
    pub referral_code: Option<String>,
    pub referrer_id: Option<i64>,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: Option<i64>,
    pub theme: String,
    pub locale: String,
    pub group_id: Option<i64>,
    pub kyc_status: KycStatus,
    /// An IB's tier in a rank set.
    pub rank_tier_id: Option<i64>,
    /// The promotional link they signed up through.
    pub promo_link_id: Option<i64>,
    /// A client's account manager (a staff member).
    pub owner_id: Option<i64>,
    /// A staff member's supervisor, whose team they are in.
    pub supervisor_id: Option<i64>,
    pub email_verified_at: Option<DateTimeUtc>,
    pub phone_verified_at: Option<DateTimeUtc>,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

use crate::domain::offers::CouponAudience;
use sea_orm::entity::prelude::*;

/// A coupon staff grant to clients (`domain::offers` holds its rules).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "coupon")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    /// `#rrggbb`
    pub colour: String,
    pub body: String,
    /// fixed | percent
    pub discount_kind: String,
    pub discount_value: i64,
    pub currency: Option<String>,
    /// None: unlimited.
    pub total_limit: Option<i32>,
    pub per_client: Option<i32>,
    pub valid_from: Option<DateTimeUtc>,
    pub valid_to: Option<DateTimeUtc>,
    pub audience: CouponAudience,
    /// JSON array of client group ids.
    pub group_ids: String,
    /// JSON array of `domain::offers::Covered`; empty covers every challenge.
    pub scope: String,
    pub on_retry: bool,
    pub link_code: Option<String>,
    pub revoked_at: Option<DateTimeUtc>,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

use crate::domain::offers::PromoState;
use sea_orm::entity::prelude::*;

/// A promo code clients type at checkout (`domain::offers` holds its rules).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "promo_code")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// fixed | percent
    pub discount_kind: String,
    /// Minor units of `currency` (fixed) or basis points (percent).
    pub discount_value: i64,
    pub currency: Option<String>,
    /// None: unlimited within the validity period.
    pub per_client: Option<i32>,
    pub combinable: bool,
    pub valid_from: Option<DateTimeUtc>,
    pub valid_to: Option<DateTimeUtc>,
    pub state: PromoState,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

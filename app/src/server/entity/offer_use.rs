use sea_orm::entity::prelude::*;

/// An offer (a promo code) a purchase used; `returned` once the purchase was refunded.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_use")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// promo_code
    pub kind: String,
    pub offer_id: i64,
    pub user_id: i64,
    pub participant_id: i64,
    pub currency: String,
    pub discount_minor: i64,
    /// used | returned
    pub status: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

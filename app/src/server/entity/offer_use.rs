use sea_orm::entity::prelude::*;

/// An offer (a coupon or a promo code) a purchase (of a challenge, or a competition's entry) used; `returned` once the purchase was refunded.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_use")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// coupon | promo_code
    pub kind: String,
    pub offer_id: i64,
    pub user_id: i64,
    /// The challenge purchase that used it; 0 for a competition entry's fee.
    pub participant_id: i64,
    /// The competition entry whose fee used it.
    pub competition_entry_id: Option<i64>,
    pub currency: String,
    /// What this offer took off.
    pub discount_minor: i64,
    /// The purchase's fee before its discounts and the fee paid.
    pub list_minor: i64,
    pub paid_minor: i64,
    /// used | returned
    pub status: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

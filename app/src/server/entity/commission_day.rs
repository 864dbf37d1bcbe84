use sea_orm::entity::prelude::*;

/// Commissions earned by a recipient (0: everyone) from a challenge on a day (UTC), each fee
/// counted once.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "commission_day")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub recipient_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub challenge_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub currency: String,
    pub amount_minor: i64,
    pub fees_list_minor: i64,
    pub fees_paid_minor: i64,
}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

/// The fees (refunds negative) the clients under an ancestor paid on a day (UTC).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tree_fee_day")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ancestor_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub currency: String,
    pub amount_minor: i64,
}

impl ActiveModelBehavior for ActiveModel {}

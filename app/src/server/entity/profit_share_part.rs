use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profit_share_part")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub profit_share_id: i64,
    pub recipient: String,
    pub user_id: i64,
    pub bps: i64,
    pub amount_minor: i64,
}

impl ActiveModelBehavior for ActiveModel {}

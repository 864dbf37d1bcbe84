use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sim_position")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub symbol: String,
    pub side: String,
    pub volume: i64,
    pub open_price: i64,
    pub stop_loss: Option<i64>,
    pub take_profit: Option<i64>,
    pub opened_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub ticket: String,
    pub symbol: String,
    pub side: String,
    pub volume: i64,
    pub open_price: i64,
    pub close_price: i64,
    pub digits: i32,
    pub profit_minor: i64,
    pub opened_at: DateTimeUtc,
    pub closed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

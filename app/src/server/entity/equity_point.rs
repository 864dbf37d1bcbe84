use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "equity_point")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub at: DateTimeUtc,
    pub balance: i64,
    pub equity: i64,
}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trading_server")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    pub kind: String,
    pub environment: String,
    #[sea_orm(unique)]
    pub bridge_id: Option<i64>,
    pub currencies: String,
    pub leverages: String,
    #[sea_orm(column_type = "Text")]
    pub groups: String,
    pub enabled: bool,
    pub silence_secs: i32,
    pub stale_secs: i32,
    pub command_ttl_secs: i32,
    pub silence_alerted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

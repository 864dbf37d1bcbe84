use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bridge_command")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub bridge_id: i64,
    pub account_id: i64,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub acked_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "alert_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub source: String,
    pub code: String,
    pub rule_id: Option<i64>,
    pub account_id: i64,
    pub participant_id: Option<i64>,
    pub user_id: i64,
    pub login: String,
    pub currency: String,
    pub value_minor: i64,
    pub limit_minor: i64,
    pub level: i32,
    pub data: String,
    pub created_at: DateTimeUtc,
    pub ack_by: Option<i64>,
    pub ack_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}

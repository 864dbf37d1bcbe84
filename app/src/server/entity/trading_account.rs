use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "trading_account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub participant_id: Option<i64>,
    pub user_id: i64,
    pub platform: String,
    pub bridge_id: Option<i64>,
    pub login: String,
    pub password: String,
    pub environment: String,
    pub currency: String,
    pub leverage: i32,
    pub stage: i32,
    pub attempt: i32,
    pub initial_balance: i64,
    pub balance: i64,
    pub equity: i64,
    pub margin: i64,
    pub open_positions: i32,
    pub enabled: bool,
    pub status: String,
    pub time_zone: String,
    pub rules: String,
    pub state: String,
    pub decision: String,
    pub last_seq: i64,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub alerts: String,
    pub account_group: String,
}

impl ActiveModelBehavior for ActiveModel {}

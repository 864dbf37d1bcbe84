use crate::domain::participant::ParticipantStatus;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "participant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub challenge_id: i64,
    pub package_key: String,
    pub definition: String,
    pub challenge_name: String,
    pub currency: String,
    pub fee_minor: i64,
    pub pay_method: String,
    pub status: ParticipantStatus,
    pub stage: i32,
    pub attempt: i32,
    pub request_id: Option<i64>,
    pub account_id: Option<i64>,
    pub data_type: String,
    pub reason: String,
    pub started_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub referrer_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}

use crate::domain::profit_share::SettlementStatus;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "profit_share")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub participant_id: i64,
    pub account_id: i64,
    pub user_id: i64,
    pub challenge_id: i64,
    pub currency: String,
    pub period_key: String,
    pub period_start: Date,
    pub period_end: Date,
    pub base_minor: i64,
    pub balance_minor: i64,
    pub profit_minor: i64,
    pub firm_minor: i64,
    pub distribution: String,
    pub status: SettlementStatus,
    pub request_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub payout_entry_id: Option<i64>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}

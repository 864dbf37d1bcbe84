use crate::domain::competition::EntryStatus;
use sea_orm::entity::prelude::*;

/// A trader in a competition, with their competition account and the figures the board ranks.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub competition_id: i64,
    pub user_id: i64,
    pub account_id: i64,
    pub status: EntryStatus,
    pub suspend_reason: String,
    pub fee_minor: i64,
    pub equity_minor: i64,
    pub score: i64,
    /// When the entry reached its score (ties go to whoever got there first).
    pub reached_at: DateTimeUtc,
    pub final_rank: Option<i32>,
    pub prize_minor: Option<i64>,
    pub paid_at: Option<DateTimeUtc>,
    pub joined_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

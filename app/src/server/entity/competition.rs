use crate::domain::competition::{Measure, PayoutMode};
use sea_orm::entity::prelude::*;

/// A trading competition.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competition")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub banner_url: String,
    /// The rules by language code (JSON object).
    pub rules: String,
    pub registration_start: DateTimeUtc,
    pub registration_end: DateTimeUtc,
    pub start_at: DateTimeUtc,
    pub end_at: DateTimeUtc,
    pub currency: String,
    pub fee_minor: i64,
    pub starting_balance_minor: i64,
    /// The symbols traded, comma-separated (empty: every symbol).
    pub symbols: String,
    /// JSON list of client group ids; empty: every group.
    pub group_ids: String,
    pub measure: Measure,
    pub board_size: i32,
    /// JSON list of `domain::competition::Prize`.
    pub prizes: String,
    pub payout: PayoutMode,
    pub server_id: Option<i64>,
    pub published: bool,
    pub settled_at: Option<DateTimeUtc>,
    pub paid_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

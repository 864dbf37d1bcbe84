use crate::domain::approval::{PaymentStatus, RequestKind, RequestStatus};
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub idempotency_key: String,
    pub kind: RequestKind,
    pub user_id: i64,
    pub created_by: i64,
    pub status: RequestStatus,
    pub level: i32,
    pub levels: i32,
    pub currency: Option<String>,
    pub amount_minor: Option<i64>,
    pub fee_minor: i64,
    pub method_id: Option<i64>,
    pub payment_status: Option<PaymentStatus>,
    pub counterparty_id: Option<i64>,
    pub target_currency: Option<String>,
    pub target_amount_minor: Option<i64>,
    pub destination_id: Option<i64>,
    pub hold_id: Option<i64>,
    pub entry_id: Option<i64>,
    pub reference: String,
    pub payload: String,
    pub reason: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub decided_by: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}

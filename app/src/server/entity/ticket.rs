use crate::domain::support::{TicketCategory, TicketPriority, TicketStatus};
use sea_orm::entity::prelude::*;

/// A client's support ticket.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub client_id: i64,
    pub category: TicketCategory,
    pub subject: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    pub assignee_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Staff's first reply to the client (not an internal note), and who wrote it.
    pub first_reply_at: Option<DateTimeUtc>,
    pub first_reply_by: Option<i64>,
    pub resolved_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}

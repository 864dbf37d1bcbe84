use sea_orm::entity::prelude::*;

/// A staff member's task, due at a time, about a client or a lead (status open | done).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub title: String,
    pub details: String,
    pub due_at: DateTimeUtc,
    /// The reminder reaches the assignee's bell this long before the task is due.
    pub remind_minutes: i32,
    pub assignee_id: i64,
    pub client_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub status: String,
    pub created_by: i64,
    pub reminded_at: Option<DateTimeUtc>,
    pub done_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

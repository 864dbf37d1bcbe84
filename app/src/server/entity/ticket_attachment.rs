use sea_orm::entity::prelude::*;

/// An upload attached to a ticket's message (an upload belongs to one message at most).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_attachment")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub upload_id: i64,
    pub message_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}

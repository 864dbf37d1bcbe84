use sea_orm::entity::prelude::*;

/// A message on a ticket: the client's, staff's reply, or (`internal`) a note only staff see.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ticket_id: i64,
    pub author_id: i64,
    pub from_client: bool,
    pub internal: bool,
    pub body: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}

//! Live events: the outbox every server instance tails to push changes to browsers. A service
//! writes a row in the transaction that makes the change, so the event becomes visible exactly
//! when the change does, on every instance.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("live_event")
                .col(big_pk_auto("id"))
                // participant | alert | queue | request | notification
                .col(string("topic"))
                // The thing that changed (a participant, a request), when there is one.
                .col(big_integer_null("ref_id"))
                // Who may see it: this user, and staff whose role grants this permission.
                .col(big_integer_null("user_id"))
                .col(string_null("permission"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_live_event_created")
                .table("live_event")
                .col("created_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("live_event").to_owned())
            .await
    }
}

//! Support tickets (a client's ticket, its messages and internal notes, their attachments) and
//! the download centre (files and links by category, per language, for chosen client groups,
//! counted). Staff who see clients get the ticket permissions; those who manage the firm's
//! settings get the download centre.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn index(table: &str, name: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

const TABLES: &[&str] = &["ticket", "ticket_message", "ticket_attachment", "download"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // status open | waiting | resolved | closed; priority low | normal | high | urgent.
        m.create_table(
            Table::create()
                .table("ticket")
                .col(big_pk_auto("id"))
                .col(big_integer("client_id"))
                .col(string("category"))
                .col(string("subject"))
                .col(string("status"))
                .col(string("priority"))
                .col(big_integer_null("assignee_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                // The first reply of staff to the client: the response-time figures.
                .col(timestamp_with_time_zone_null("first_reply_at"))
                .col(big_integer_null("first_reply_by"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ticket", "idx_ticket_client", &["client_id", "id"]))
            .await?;
        m.create_index(index("ticket", "idx_ticket_status", &["status", "id"]))
            .await?;
        m.create_index(index(
            "ticket",
            "idx_ticket_assignee",
            &["assignee_id", "id"],
        ))
        .await?;
        // A reply or, `internal`, a note only staff see.
        m.create_table(
            Table::create()
                .table("ticket_message")
                .col(big_pk_auto("id"))
                .col(big_integer("ticket_id"))
                .col(big_integer("author_id"))
                .col(boolean("from_client"))
                .col(boolean("internal"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ticket_message",
            "idx_ticket_message_ticket",
            &["ticket_id", "id"],
        ))
        .await?;
        // An upload belongs to one message at most: the key is the upload.
        m.create_table(
            Table::create()
                .table("ticket_attachment")
                .col(big_integer("upload_id").primary_key())
                .col(big_integer("message_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ticket_attachment",
            "idx_ticket_attachment_message",
            &["message_id"],
        ))
        .await?;
        // A file (an upload) or a link; titles and descriptions as JSON by language; the client
        // groups that see it as a JSON list (empty: every group).
        m.create_table(
            Table::create()
                .table("download")
                .col(big_pk_auto("id"))
                .col(string("category"))
                .col(string("os"))
                .col(text("titles"))
                .col(text("descriptions"))
                .col(string("url"))
                .col(big_integer_null("upload_id"))
                .col(integer("position"))
                .col(text("group_ids"))
                .col(boolean("active"))
                .col(big_integer("download_count").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE role SET permissions = TRIM(permissions || ' tickets.view tickets.manage') \
             WHERE permissions LIKE '%clients.view%'",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE role SET permissions = TRIM(permissions || ' downloads.manage') \
             WHERE permissions LIKE '%firm.settings%'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.drop_table(Table::drop().table(Alias::new(*t)).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! CRM operations: every client may have an owner (the staff member managing them), every staff
//! member a supervisor, and every role a data scope (which clients its staff see). Notes and
//! custom tags on clients. Two new permissions are granted to every existing role so that no
//! one loses what they could do before: `clients.manage` and `clients.contact` (unmasked email,
//! phone and documents).
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

const USER_COLUMNS: &[&str] = &["owner_id", "supervisor_id"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in USER_COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("users"))
                    .add_column(big_integer_null(*col))
                    .to_owned(),
            )
            .await?;
        }
        // A scoped list reads "clients whose owner is one of these": owner first.
        m.create_index(index("users", "idx_users_owner", &["owner_id", "id"]))
            .await?;
        // firm | own | team | unowned
        m.alter_table(
            Table::alter()
                .table(Alias::new("role"))
                .add_column(string("data_scope").default("firm"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("client_note")
                .col(big_pk_auto("id"))
                .col(big_integer("client_id"))
                .col(big_integer("author_id"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "client_note",
            "idx_client_note_client",
            &["client_id", "id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("client_tag")
                .col(big_integer("client_id"))
                .col(string("tag"))
                .primary_key(Index::create().col("client_id").col("tag"))
                .to_owned(),
        )
        .await?;
        // A sign-in's device and country: the client's sign-in history, and the alert on a
        // sign-in from a country or device not seen before.
        for col in ["user_agent", "country"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("login_attempt"))
                    .add_column(string(col).default(""))
                    .to_owned(),
            )
            .await?;
        }
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE role SET permissions = TRIM(permissions || ' clients.manage clients.contact')",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["country", "user_agent"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("login_attempt"))
                    .drop_column(Alias::new(col))
                    .to_owned(),
            )
            .await?;
        }
        for t in ["client_tag", "client_note"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        m.drop_index(
            Index::drop()
                .name("idx_users_owner")
                .table(Alias::new("users"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("role"))
                .drop_column(Alias::new("data_scope"))
                .to_owned(),
        )
        .await?;
        for col in USER_COLUMNS.iter().rev() {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("users"))
                    .drop_column(Alias::new(*col))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

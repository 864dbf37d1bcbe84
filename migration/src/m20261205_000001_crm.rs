//! CRM operations: every client may have an owner (the staff member managing them), every staff
//! member a supervisor, and every role a data scope (which clients its staff see). Notes and
//! custom tags on clients; leads and tasks; the blacklist, one-time verification codes, the
//! development text-message outbox, and when a client verified their email and phone; each
//! sign-in's device and country. Two new permissions are granted to every existing role so that no
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
/// When the client proved the address or number theirs (None: not yet).
const VERIFIED_COLUMNS: &[&str] = &["email_verified_at", "phone_verified_at"];
const TABLES: &[&str] = &[
    "client_tag",
    "client_note",
    "blacklist",
    "verification_code",
    "sms_outbox",
    "lead",
    "task",
];

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
        for col in VERIFIED_COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("users"))
                    .add_column(timestamp_with_time_zone_null(*col))
                    .to_owned(),
            )
            .await?;
        }
        // email | ip | country; a value is stored normalised, once per kind.
        m.create_table(
            Table::create()
                .table("blacklist")
                .col(big_pk_auto("id"))
                .col(string("kind"))
                .col(string("value"))
                .col(string("note").default(""))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("blacklist", "idx_blacklist_kind_value", &["kind", "value"])
                .unique()
                .to_owned(),
        )
        .await?;
        // A one-time code sent to prove an email address or phone number (channel email | sms).
        m.create_table(
            Table::create()
                .table("verification_code")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("channel"))
                .col(string("code_hash"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "verification_code",
            "idx_verification_code_user",
            &["user_id", "channel", "id"],
        ))
        .await?;
        // Text messages the development sender "sent" (a real provider plugs in instead).
        m.create_table(
            Table::create()
                .table("sms_outbox")
                .col(big_pk_auto("id"))
                .col(string("to_number"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        // A prospect before they register: status new | contacted | qualified | converted | lost.
        m.create_table(
            Table::create()
                .table("lead")
                .col(big_pk_auto("id"))
                .col(string("name"))
                .col(string("email"))
                .col(string("phone"))
                .col(string("country"))
                .col(string("source"))
                .col(string("status"))
                .col(big_integer_null("owner_id"))
                .col(text("notes"))
                .col(big_integer_null("client_id"))
                .col(timestamp_with_time_zone_null("converted_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("lead", "idx_lead_email", &["email"]))
            .await?;
        m.create_index(index("lead", "idx_lead_owner", &["owner_id", "id"]))
            .await?;
        // A staff member's task, due at a time, about a client or a lead; status open | done.
        m.create_table(
            Table::create()
                .table("task")
                .col(big_pk_auto("id"))
                .col(string("title"))
                .col(text("details"))
                .col(timestamp_with_time_zone("due_at"))
                .col(integer("remind_minutes"))
                .col(big_integer("assignee_id"))
                .col(big_integer_null("client_id"))
                .col(big_integer_null("lead_id"))
                .col(string("status"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone_null("reminded_at"))
                .col(timestamp_with_time_zone_null("done_at"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "task",
            "idx_task_assignee_due",
            &["assignee_id", "due_at"],
        ))
        .await?;
        m.create_index(index("task", "idx_task_open_due", &["status", "due_at"]))
            .await?;
        // The idle limit a session was given at sign-in (the firm's setting then); 0: the limit
        // of the code before it was a setting.
        m.alter_table(
            Table::alter()
                .table(Alias::new("session"))
                .add_column(integer("idle_secs").default(0))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        db.execute_unprepared(
            "UPDATE role SET permissions = TRIM(permissions || ' clients.manage clients.contact')",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("session"))
                .drop_column(Alias::new("idle_secs"))
                .to_owned(),
        )
        .await?;
        for col in ["country", "user_agent"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("login_attempt"))
                    .drop_column(Alias::new(col))
                    .to_owned(),
            )
            .await?;
        }
        for t in TABLES {
            m.drop_table(Table::drop().table(Alias::new(*t)).to_owned())
                .await?;
        }
        for col in VERIFIED_COLUMNS {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("users"))
                    .drop_column(Alias::new(*col))
                    .to_owned(),
            )
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

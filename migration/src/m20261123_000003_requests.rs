//! Requests and approvals, client groups, firm settings, payment and withdrawal methods,
//! exchange rates, saved payout destinations, KYC forms and uploaded files.
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

const TABLES: &[&str] = &[
    "upload",
    "kyc_form",
    "payout_destination",
    "exchange_rate",
    "payment_method",
    "request_review",
    "request",
    "approval_level",
    "approval_setting",
    "setting",
    "client_group",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("client_group")
                .col(big_pk_auto("id"))
                .col(string_uniq("name"))
                .col(string("description").default(""))
                // New registrations land in the default group (exactly one is).
                .col(boolean("is_default").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        // SQLite alters one column per statement.
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(big_integer_null("group_id"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                // none | pending | approved | rejected | resubmitted
                .add_column(string("kyc_status").default("none"))
                .to_owned(),
        )
        .await?;

        // Firm-wide settings as JSON values under stable keys (KYC policy, limits, switches).
        m.create_table(
            Table::create()
                .table("setting")
                .col(string("key").primary_key())
                .col(text("value"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("approval_setting")
                .col(string("kind").primary_key())
                // automatic | manual | partial
                .col(string("method"))
                // For partial: online deposits below this many minor units approve themselves.
                .col(big_integer("threshold_minor").default(0))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("approval_level")
                .col(big_pk_auto("id"))
                .col(string("kind"))
                .col(integer("position"))
                // Comma-separated ids: the roles and staff users who decide at this level.
                .col(string("role_ids").default(""))
                .col(string("user_ids").default(""))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("approval_level", "idx_level_kind", &["kind", "position"])
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("request")
                .col(big_pk_auto("id"))
                // Chosen by the submitting form: a double submit finds the first request.
                .col(string_uniq("idempotency_key"))
                .col(string("kind"))
                // The client the request is about, and who submitted it (the client or staff).
                .col(big_integer("user_id"))
                .col(big_integer("created_by"))
                // pending | approved | rejected | cancelled
                .col(string("status"))
                // The level awaiting a decision (1-based), and how many the request needs: the
                // count is fixed at submission, so a settings change cannot skip a level.
                .col(integer("level").default(1))
                .col(integer("levels").default(1))
                .col(string_null("currency"))
                .col(big_integer_null("amount_minor"))
                .col(big_integer("fee_minor").default(0))
                .col(big_integer_null("method_id"))
                // pending | success | failed, for money that moves outside the firm.
                .col(string_null("payment_status"))
                // Transfers: the receiving client and the amount credited in its currency.
                .col(big_integer_null("counterparty_id"))
                .col(string_null("target_currency"))
                .col(big_integer_null("target_amount_minor"))
                .col(big_integer_null("destination_id"))
                .col(big_integer_null("hold_id"))
                .col(big_integer_null("entry_id"))
                .col(string("reference").default(""))
                // What else the client entered (KYC fields, registration details), as JSON.
                .col(text("payload"))
                .col(text("reason").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(big_integer_null("decided_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "request",
            "idx_request_kind",
            &["kind", "status", "id"],
        ))
        .await?;
        m.create_index(index(
            "request",
            "idx_request_user",
            &["user_id", "kind", "status"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("request_review")
                .col(big_pk_auto("id"))
                .col(big_integer("request_id"))
                .col(integer("level"))
                .col(big_integer_null("actor_id"))
                // submitted | approved | rejected | cancelled | edited | auto_approved
                .col(string("action"))
                .col(text("comment").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("request_review", "request_id")
                        .to("request", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "request_review",
            "idx_review_request",
            &["request_id", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("payment_method")
                .col(big_pk_auto("id"))
                // deposit | withdrawal
                .col(string("direction"))
                // bank_transfer | test_psp (deposits); bank_card | crypto (withdrawals)
                .col(string("kind"))
                .col(string("name"))
                .col(string("currency"))
                .col(big_integer("min_minor").default(0))
                .col(big_integer("max_minor").default(0))
                .col(big_integer("fee_bps").default(0))
                .col(big_integer("fee_fixed_minor").default(0))
                .col(big_integer("fee_cap_minor").default(0))
                // Comma-separated client groups that see the method; empty means every group.
                .col(string("group_ids").default(""))
                .col(text("instructions").default(""))
                .col(boolean("enabled").default(true))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("exchange_rate")
                .col(big_pk_auto("id"))
                .col(string("from_currency"))
                .col(string("to_currency"))
                // A decimal string: rates are not money, and need more places than cents.
                .col(string("rate"))
                // 0 for every group, else the group it applies to (which wins).
                .col(big_integer("group_id").default(0))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "exchange_rate",
                "uq_rate_pair",
                &["from_currency", "to_currency", "group_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("payout_destination")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                // bank_card | crypto
                .col(string("kind"))
                .col(string("label"))
                // What is shown back: the card's last four digits, or the address and network.
                .col(string("details"))
                .col(boolean("active").default(true))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("payout_destination", "idx_dest_user", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("kyc_form")
                .col(big_pk_auto("id"))
                .col(string("name"))
                .col(text("description").default(""))
                // JSON lists: [{key, label, required}] for fields and for documents.
                .col(text("fields"))
                .col(text("documents"))
                .col(boolean("active").default(true))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("upload")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                // Set when the file is attached to a request (a KYC submission, a deposit).
                .col(big_integer_null("request_id"))
                .col(string("purpose"))
                .col(string("file_name"))
                .col(string("content_type"))
                .col(big_integer("size"))
                // The file's name on disk: random, so it cannot be guessed or collide.
                .col(string_uniq("stored_name"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("upload", "idx_upload_request", &["request_id"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in TABLES {
            m.drop_table(Table::drop().table(Alias::new(*t)).to_owned())
                .await?;
        }
        for c in ["kyc_status", "group_id"] {
            m.alter_table(
                Table::alter()
                    .table("users")
                    .drop_column(Alias::new(c))
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}

//! The double-entry ledger: accounts, journal entries with idempotency keys, postings, holds.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("ledger_account")
                .col(big_pk_auto("id"))
                // wallet | psp_clearing | fee_revenue | commission_expense | payouts_payable | manual_adjustments
                .col(string("kind"))
                // The client for wallets; 0 for the firm's own accounts (so the unique key below
                // holds without NULL semantics differing between databases).
                .col(big_integer("owner_id"))
                .col(string("currency"))
                // Cached for wallets only, updated in the same transaction as the postings and
                // checked against them; firm accounts derive theirs from postings (no hot row).
                .col(big_integer("balance_minor").default(0))
                .col(big_integer("held_minor").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .check(Expr::col("held_minor").gte(0))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_ledger_account_owner")
                .table("ledger_account")
                .col("kind")
                .col("owner_id")
                .col("currency")
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("journal_entry")
                .col(big_pk_auto("id"))
                .col(string_uniq("idempotency_key"))
                // A digest of what was asked, so a key replayed with other legs is refused.
                .col(string("request_hash"))
                .col(string("kind"))
                .col(string("currency"))
                .col(string("memo").default(""))
                .col(big_integer_null("actor_id"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("posting")
                .col(big_pk_auto("id"))
                .col(big_integer("entry_id"))
                .col(big_integer("account_id"))
                .col(big_integer("amount_minor"))
                .foreign_key(
                    ForeignKey::create()
                        .from("posting", "entry_id")
                        .to("journal_entry", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("posting", "account_id")
                        .to("ledger_account", "id"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_posting_account")
                .table("posting")
                .col("account_id")
                .col("id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_posting_entry")
                .table("posting")
                .col("entry_id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("hold")
                .col(big_pk_auto("id"))
                .col(string_uniq("idempotency_key"))
                .col(big_integer("account_id"))
                .col(big_integer("amount_minor"))
                // active | released | captured
                .col(string("status"))
                .col(big_integer_null("entry_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("hold", "account_id")
                        .to("ledger_account", "id"),
                )
                .check(Expr::col("amount_minor").gt(0))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_hold_account")
                .table("hold")
                .col("account_id")
                .col("status")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["hold", "posting", "journal_entry", "ledger_account"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}

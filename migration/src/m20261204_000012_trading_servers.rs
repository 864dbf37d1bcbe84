//! Trading servers: where a challenge stage's accounts live. One is the built-in simulator
//! (created here); the others are external platforms reached through a bridge (demo or live),
//! each with the currencies, leverages and account groups it offers and the limits its health
//! is judged by. The simulator's row, and a demo server for each bridge registered before, are
//! created at start (`trading::servers::ensure`).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("trading_server")
                .col(big_pk_auto("id"))
                .col(string_uniq("name"))
                // simulator | bridge
                .col(string("kind"))
                // demo | live; the simulator serves both and says "demo"
                .col(string("environment"))
                .col(big_integer_null("bridge_id").unique_key())
                // Comma-separated: currency codes, leverages, account groups. Empty: any
                // currency or leverage (the simulator), no groups.
                .col(string("currencies"))
                .col(string("leverages"))
                .col(text("groups"))
                .col(boolean("enabled"))
                // A bridge silent this long raises an alert; equity older than stale_secs is
                // shown as stale; a command not acknowledged within command_ttl_secs expires.
                .col(integer("silence_secs"))
                .col(integer("stale_secs"))
                .col(integer("command_ttl_secs"))
                // When staff were last told the bridge is silent (once per silence).
                .col(timestamp_with_time_zone_null("silence_alerted_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("bridge"))
                .add_column(timestamp_with_time_zone_null("last_snapshot_at"))
                .to_owned(),
        )
        .await?;
        // Why the platform could not carry a command out (status `failed`), or that it expired.
        m.alter_table(
            Table::alter()
                .table(Alias::new("bridge_command"))
                .add_column(text_null("error"))
                .to_owned(),
        )
        .await?;
        // The platform's account group a bridged account is opened in.
        m.alter_table(
            Table::alter()
                .table(Alias::new("trading_account"))
                .add_column(string("account_group").default(""))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("bridge_command"))
                .drop_column(Alias::new("error"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("trading_account"))
                .drop_column(Alias::new("account_group"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("bridge"))
                .drop_column(Alias::new("last_snapshot_at"))
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Alias::new("trading_server")).to_owned())
            .await
    }
}

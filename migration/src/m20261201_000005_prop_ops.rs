//! Prop operations: the participation-fee record behind the fee report and the dashboard,
//! profit-share settlements with their recipients, staff risk-alert rules and the alerts that
//! fired, the alert state each account carries, and the referring IB on each participant.
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
    "alert_event",
    "alert_rule",
    "profit_share_part",
    "profit_share",
    "participation_fee",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per fee movement of a participant, written with its ledger entry.
        m.create_table(
            Table::create()
                .table("participation_fee")
                .col(big_pk_auto("id"))
                .col(big_integer("participant_id"))
                .col(big_integer("user_id"))
                .col(big_integer("challenge_id"))
                .col(big_integer_null("referrer_id"))
                // fee | retry | refund
                .col(string("kind"))
                .col(string("currency"))
                // Signed: a refund is negative.
                .col(big_integer("amount_minor"))
                .col(big_integer("entry_id"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "participation_fee",
            "idx_fee_created",
            &["created_at"],
        ))
        .await?;
        m.create_index(index(
            "participation_fee",
            "idx_fee_participant",
            &["participant_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("profit_share")
                .col(big_pk_auto("id"))
                .col(big_integer("participant_id"))
                .col(big_integer("account_id"))
                .col(big_integer("user_id"))
                .col(big_integer("challenge_id"))
                .col(string("currency"))
                // The period's first day ("2026-11-01"), or "final" when the stage ends.
                .col(string("period_key"))
                .col(date("period_start"))
                .col(date("period_end"))
                // The high-water mark the profit is measured from, and the balance settled.
                .col(big_integer("base_minor"))
                .col(big_integer("balance_minor"))
                .col(big_integer("profit_minor"))
                .col(big_integer("firm_minor"))
                // automatic | manual
                .col(string("distribution"))
                // no_profit | pending_review | paid | rejected
                .col(string("status"))
                .col(big_integer_null("request_id"))
                .col(big_integer_null("entry_id"))
                .col(big_integer_null("payout_entry_id"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .to_owned(),
        )
        .await?;
        // A period is settled once.
        m.create_index(
            index(
                "profit_share",
                "idx_share_period",
                &["account_id", "period_key"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "profit_share",
            "idx_share_participant",
            &["participant_id"],
        ))
        .await?;
        m.create_index(index("profit_share", "idx_share_created", &["created_at"]))
            .await?;
        // Who receives what of a settlement's profit (the firm keeps the rest).
        m.create_table(
            Table::create()
                .table("profit_share_part")
                .col(big_pk_auto("id"))
                .col(big_integer("profit_share_id"))
                // trader | referrer
                .col(string("recipient"))
                .col(big_integer("user_id"))
                .col(big_integer("bps"))
                .col(big_integer("amount_minor"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "profit_share_part",
            "idx_part_share",
            &["profit_share_id"],
        ))
        .await?;
        m.create_index(index("profit_share_part", "idx_part_user", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("alert_rule")
                .col(big_pk_auto("id"))
                .col(string("name"))
                // account_profit | account_profit_pct | symbol_profit
                .col(string("kind"))
                .col(big_integer("threshold_minor").default(0))
                .col(big_integer("threshold_bps").default(0))
                .col(big_integer("min_profit_minor").default(0))
                // In the threshold's unit; 0: fire once a day, else again at every further step.
                .col(big_integer("step").default(0))
                .col(string("symbol").default(""))
                // all | demo | live
                .col(string("environment").default("all"))
                .col(big_integer_null("challenge_id"))
                .col(boolean("enabled").default(true))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("alert_event")
                .col(big_pk_auto("id"))
                // trader (a warning sent to the trader) | risk (a staff rule fired)
                .col(string("source"))
                .col(string("code"))
                .col(big_integer_null("rule_id"))
                .col(big_integer("account_id"))
                .col(big_integer_null("participant_id"))
                .col(big_integer("user_id"))
                .col(string("login"))
                .col(string("currency"))
                .col(big_integer("value_minor"))
                .col(big_integer("limit_minor"))
                .col(integer("level").default(0))
                .col(text("data").default("{}"))
                .col(timestamp_with_time_zone("created_at"))
                .col(big_integer_null("ack_by"))
                .col(timestamp_with_time_zone_null("ack_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("alert_event", "idx_alert_account", &["account_id"]))
            .await?;

        // Which warnings and rule levels an account has already fired (JSON).
        m.alter_table(
            Table::alter()
                .table("trading_account")
                .add_column(text("alerts").default("{}"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("participant")
                .add_column(big_integer_null("referrer_id"))
                .to_owned(),
        )
        .await?;
        // Participants bought before this column existed: their client's referrer then.
        m.get_connection()
            .execute_unprepared(
                "UPDATE participant SET referrer_id = \
                 (SELECT referrer_id FROM users WHERE users.id = participant.user_id)",
            )
            .await?;
        m.create_index(index(
            "participant",
            "idx_participant_challenge",
            &["challenge_id", "created_at"],
        ))
        .await?;
        m.create_index(index(
            "participant",
            "idx_participant_referrer",
            &["referrer_id"],
        ))
        .await?;
        m.create_index(index(
            "trading_account",
            "idx_account_environment",
            &["environment", "status"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, index) in [
            ("trading_account", "idx_account_environment"),
            ("participant", "idx_participant_referrer"),
            ("participant", "idx_participant_challenge"),
        ] {
            m.drop_index(
                Index::drop()
                    .name(index)
                    .table(Alias::new(table))
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("participant")
                .drop_column("referrer_id")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("trading_account")
                .drop_column("alerts")
                .to_owned(),
        )
        .await?;
        for t in TABLES {
            m.drop_table(Table::drop().table(Alias::new(*t)).to_owned())
                .await?;
        }
        Ok(())
    }
}

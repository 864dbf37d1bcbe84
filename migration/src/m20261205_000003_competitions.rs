//! Trading competitions: the competition (dates, fee, starting balance, symbols, client groups,
//! ranking measure, board size, prize table, payout mode), and each entrant's entry with the
//! competition account and the figures the board ranks by. Staff who manage challenges get the
//! competition permissions. Promo codes apply to entry fees.
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("competition")
                .col(big_pk_auto("id"))
                .col(string("name"))
                .col(string("banner_url"))
                // The rules by language code, as a JSON object.
                .col(text("rules"))
                .col(timestamp_with_time_zone("registration_start"))
                .col(timestamp_with_time_zone("registration_end"))
                .col(timestamp_with_time_zone("start_at"))
                .col(timestamp_with_time_zone("end_at"))
                .col(string("currency"))
                .col(big_integer("fee_minor"))
                .col(big_integer("starting_balance_minor"))
                .col(string("symbols"))
                // JSON list of client group ids; empty: every group.
                .col(text("group_ids"))
                // return_pct | profit | equity
                .col(string("measure"))
                .col(integer("board_size"))
                // JSON list of {from, to, amount}.
                .col(text("prizes"))
                // auto | review
                .col(string("payout"))
                .col(big_integer_null("server_id"))
                .col(boolean("published"))
                // When the final ranks were fixed, and when the last prize was paid.
                .col(timestamp_with_time_zone_null("settled_at"))
                .col(timestamp_with_time_zone_null("paid_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("competition_entry")
                .col(big_pk_auto("id"))
                .col(big_integer("competition_id"))
                .col(big_integer("user_id"))
                .col(big_integer("account_id"))
                // active | suspended
                .col(string("status"))
                .col(string("suspend_reason"))
                .col(big_integer("fee_minor"))
                .col(big_integer("equity_minor"))
                .col(big_integer("score"))
                // When the entry reached its score: ties go to whoever got there first.
                .col(timestamp_with_time_zone("reached_at"))
                .col(integer_null("final_rank"))
                .col(big_integer_null("prize_minor"))
                .col(timestamp_with_time_zone_null("paid_at"))
                .col(timestamp_with_time_zone("joined_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "competition_entry",
                "uq_competition_entry_user",
                &["competition_id", "user_id"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        m.create_index(index(
            "competition_entry",
            "idx_competition_entry_account",
            &["account_id"],
        ))
        .await?;
        // The board: an entry's place is a count of the entries above it.
        m.create_index(index(
            "competition_entry",
            "idx_competition_entry_board",
            &["competition_id", "status", "score", "reached_at", "id"],
        ))
        .await?;
        // A promo code used on an entry fee is recorded like one used on a challenge fee, naming
        // the entry instead of a participant (participant_id 0).
        m.alter_table(
            Table::alter()
                .table(Alias::new("offer_use"))
                .add_column(big_integer_null("competition_entry_id"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "UPDATE role SET permissions = TRIM(permissions || ' competitions.manage') \
                 WHERE permissions LIKE '%challenges.manage%'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("offer_use"))
                .drop_column(Alias::new("competition_entry_id"))
                .to_owned(),
        )
        .await?;
        for t in ["competition_entry", "competition"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! The IB programme: the referral tree as a closure table (every ancestor of every client, with
//! the distance), rank sets and their tiers with each IB's tier, the fee commissions paid up the
//! tree, promotional links with their clicks by day, the client groups' limits on what an IB
//! sees, and each fee's amount before discount.
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
    "commission_day",
    "ib_debt",
    "promo_click",
    "promo_link",
    "fee_commission",
    "rank_tier",
    "rank_set",
    "referral_path",
];

/// (table, column) added to existing tables, in order.
const COLUMNS: &[(&str, &str)] = &[
    ("users", "rank_tier_id"),
    ("users", "promo_link_id"),
    ("client_group", "visible_levels"),
    ("client_group", "report_months"),
    ("participation_fee", "list_minor"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per (ancestor, descendant) pair of the referral tree; depth 1 is the
        // direct referrer. A downline at any depth is one indexed read.
        m.create_table(
            Table::create()
                .table("referral_path")
                .col(big_integer("ancestor_id"))
                .col(big_integer("descendant_id"))
                .col(integer("depth"))
                .primary_key(Index::create().col("ancestor_id").col("descendant_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "referral_path",
            "idx_referral_descendant",
            &["descendant_id", "depth"],
        ))
        .await?;
        m.create_index(index(
            "referral_path",
            "idx_referral_ancestor_depth",
            &["ancestor_id", "depth"],
        ))
        .await?;
        // The tree as it stands: depth 1 from the referrer column, then each level from the
        // one below it.
        let db = m.get_connection();
        db.execute_unprepared(
            "INSERT INTO referral_path (ancestor_id, descendant_id, depth) \
             SELECT referrer_id, id, 1 FROM users WHERE referrer_id IS NOT NULL",
        )
        .await?;
        for depth in 2..=64 {
            let added = db
                .execute_unprepared(&format!(
                    "INSERT INTO referral_path (ancestor_id, descendant_id, depth) \
                     SELECT u.referrer_id, p.descendant_id, {depth} FROM referral_path p \
                     JOIN users u ON u.id = p.ancestor_id \
                     WHERE p.depth = {} AND u.referrer_id IS NOT NULL",
                    depth - 1
                ))
                .await?;
            if added.rows_affected() == 0 {
                break;
            }
        }

        m.create_table(
            Table::create()
                .table("rank_set")
                .col(big_pk_auto("id"))
                .col(string("name").unique_key())
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("rank_tier")
                .col(big_pk_auto("id"))
                .col(big_integer("rank_set_id"))
                // 1 is the lowest tier.
                .col(integer("position"))
                .col(string("name"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "rank_tier",
                "idx_rank_tier_position",
                &["rank_set_id", "position"],
            )
            .unique()
            .to_owned(),
        )
        .await?;

        // One row per commission of one fee to one recipient under one structure; a refund
        // adds a negative row per commission it reverses.
        m.create_table(
            Table::create()
                .table("fee_commission")
                .col(big_pk_auto("id"))
                // The participation-fee record (the fee, or the refund that reverses).
                .col(big_integer("fee_id"))
                .col(big_integer("participant_id"))
                .col(big_integer("challenge_id"))
                .col(big_integer("buyer_id"))
                .col(big_integer("recipient_id"))
                // level | rank | override | same_rank
                .col(string("structure"))
                // Distance from the buyer (0: the buyer).
                .col(integer("level"))
                .col(big_integer_null("tier_id"))
                .col(string("currency"))
                .col(big_integer("fee_list_minor"))
                .col(big_integer("fee_paid_minor"))
                // Signed: a reversal is negative.
                .col(big_integer("amount_minor"))
                // Of a commission: the part that repaid the recipient's debt instead of
                // reaching the wallet. Of a reversal: the part the wallet could not cover.
                .col(big_integer("repaid_minor").default(0))
                .col(big_integer("debt_minor").default(0))
                // paid | pending (the monthly run) | reversed | cancelled
                .col(string("status"))
                .col(big_integer_null("reverses_id"))
                .col(big_integer_null("entry_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("paid_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "fee_commission",
                "idx_commission_once",
                &["fee_id", "recipient_id", "structure"],
            )
            .unique()
            .to_owned(),
        )
        .await?;
        for (name, cols) in [
            (
                "idx_commission_recipient",
                &["recipient_id", "created_at"][..],
            ),
            ("idx_commission_challenge", &["challenge_id", "created_at"]),
            ("idx_commission_created", &["created_at"]),
            ("idx_commission_participant", &["participant_id"]),
            ("idx_commission_status", &["status", "created_at"]),
        ] {
            m.create_index(index("fee_commission", name, cols)).await?;
        }

        // What each IB owes from reversals their wallet could not cover, per currency.
        m.create_table(
            Table::create()
                .table("ib_debt")
                .col(big_integer("user_id"))
                .col(string("currency"))
                .col(big_integer("amount_minor"))
                .primary_key(Index::create().col("user_id").col("currency"))
                .to_owned(),
        )
        .await?;
        // Commissions earned per recipient (0: everyone), challenge, day (UTC) and currency,
        // each fee counted once: the reports' totals and daily sums without reading every row.
        m.create_table(
            Table::create()
                .table("commission_day")
                .col(big_integer("recipient_id"))
                .col(big_integer("challenge_id"))
                .col(string("day"))
                .col(string("currency"))
                .col(big_integer("amount_minor"))
                .col(big_integer("fees_list_minor"))
                .col(big_integer("fees_paid_minor"))
                .primary_key(
                    Index::create()
                        .col("recipient_id")
                        .col("challenge_id")
                        .col("day")
                        .col("currency"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("promo_link")
                .col(big_pk_auto("id"))
                // The IB who owns it; none: the firm's.
                .col(big_integer_null("owner_id"))
                .col(string("name"))
                .col(string("code").unique_key())
                // register | challenge
                .col(string("target"))
                .col(big_integer_null("challenge_id"))
                .col(boolean("archived").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("promo_link", "idx_promo_owner", &["owner_id"]))
            .await?;
        // Clicks counted by day: no personal data.
        m.create_table(
            Table::create()
                .table("promo_click")
                .col(big_integer("link_id"))
                .col(string("day"))
                .col(big_integer("clicks"))
                .primary_key(Index::create().col("link_id").col("day"))
                .to_owned(),
        )
        .await?;

        for (table, col) in [
            ("users", big_integer_null("rank_tier_id")),
            ("users", big_integer_null("promo_link_id")),
            // None: every level; the IB sees deeper downlines without personal details.
            ("client_group", integer_null("visible_levels")),
            // None: no limit; else how many months back the IB's reports reach.
            ("client_group", integer_null("report_months")),
            (
                "participation_fee",
                big_integer("list_minor").default(0).to_owned(),
            ),
        ] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(table))
                    .add_column(col)
                    .to_owned(),
            )
            .await?;
        }
        db.execute_unprepared("UPDATE participation_fee SET list_minor = amount_minor")
            .await?;
        m.create_index(index("users", "idx_users_promo_link", &["promo_link_id"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("idx_users_promo_link")
                .table(Alias::new("users"))
                .to_owned(),
        )
        .await?;
        for (table, col) in COLUMNS.iter().rev() {
            m.alter_table(
                Table::alter()
                    .table(Alias::new(*table))
                    .drop_column(Alias::new(*col))
                    .to_owned(),
            )
            .await?;
        }
        for t in TABLES {
            m.drop_table(Table::drop().table(Alias::new(*t)).to_owned())
                .await?;
        }
        Ok(())
    }
}

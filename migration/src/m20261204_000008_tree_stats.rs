//! The referral tree's prop figures, kept per ancestor so an IB's statistics over a tree of
//! 100,000 clients read a few hundred rows: participants by the day they were bought, status,
//! stage and whether their account is live; and fees, refunds included, by day and currency.
//! Both are filled from the rows that exist.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: &[&str] = &["tree_participant_day", "tree_fee_day"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("tree_participant_day")
                .col(big_integer("ancestor_id"))
                .col(string("day"))
                .col(string("status"))
                .col(integer("stage"))
                .col(boolean("live"))
                .col(big_integer("n"))
                .primary_key(
                    Index::create()
                        .col("ancestor_id")
                        .col("day")
                        .col("status")
                        .col("stage")
                        .col("live"),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("tree_fee_day")
                .col(big_integer("ancestor_id"))
                .col(string("day"))
                .col(string("currency"))
                .col(big_integer("amount_minor"))
                .primary_key(
                    Index::create()
                        .col("ancestor_id")
                        .col("day")
                        .col("currency"),
                )
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let day = |col: &str| match db.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD')")
            }
            _ => format!("substr({col}, 1, 10)"),
        };
        db.execute_unprepared(&format!(
            "INSERT INTO tree_participant_day (ancestor_id, day, status, stage, live, n) \
             SELECT r.ancestor_id, {}, p.status, p.stage, \
             CASE WHEN a.environment = 'live' THEN TRUE ELSE FALSE END, COUNT(*) \
             FROM referral_path r JOIN participant p ON p.user_id = r.descendant_id \
             LEFT JOIN trading_account a ON a.id = p.account_id \
             GROUP BY 1, 2, 3, 4, 5",
            day("p.created_at")
        ))
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO tree_fee_day (ancestor_id, day, currency, amount_minor) \
             SELECT r.ancestor_id, {}, f.currency, SUM(f.amount_minor) \
             FROM referral_path r JOIN participation_fee f ON f.user_id = r.descendant_id \
             GROUP BY 1, 2, 3",
            day("f.created_at")
        ))
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

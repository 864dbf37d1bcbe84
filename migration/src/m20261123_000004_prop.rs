//! The prop core: challenge definitions, participants, trading accounts with their rules-engine
//! state and decision log, the simulated platform's prices, positions and deals, bridges for
//! external platforms, and job leases shared by server instances.
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
    "job_lease",
    "bridge_nonce",
    "bridge_command",
    "bridge",
    "sim_price",
    "sim_position",
    "deal",
    "equity_point",
    "rule_decision",
    "trading_account",
    "participant",
    "challenge",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("challenge")
                .col(big_pk_auto("id"))
                .col(string("name"))
                // draft (never published) | published | terminated
                .col(string("status"))
                // The definition being edited (JSON); null when it equals the published one.
                .col(text_null("draft"))
                // The definition clients see and participants buy (JSON).
                .col(text_null("published"))
                .col(integer("version").default(0))
                .col(integer("position").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(timestamp_with_time_zone_null("published_at"))
                .col(timestamp_with_time_zone_null("terminated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("participant")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(big_integer("challenge_id"))
                .col(string("package_key"))
                // The challenge version and package bought (JSON): later edits never change
                // the rules of a running participant.
                .col(text("definition"))
                .col(string("challenge_name"))
                .col(string("currency"))
                .col(big_integer("fee_minor"))
                // wallet | direct
                .col(string("pay_method"))
                .col(string("status"))
                .col(integer("stage").default(0))
                .col(integer("attempt").default(1))
                .col(big_integer_null("request_id"))
                .col(big_integer_null("account_id"))
                // real | demo (demo participants are left out of the firm's figures)
                .col(string("data_type").default("real"))
                .col(text("reason").default(""))
                .col(timestamp_with_time_zone_null("started_at"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("participant", "idx_participant_user", &["user_id"]))
            .await?;
        m.create_index(index(
            "participant",
            "idx_participant_status",
            &["status", "challenge_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("trading_account")
                .col(big_pk_auto("id"))
                .col(big_integer_null("participant_id"))
                .col(big_integer("user_id"))
                // sim | bridge
                .col(string("platform"))
                .col(big_integer_null("bridge_id"))
                .col(string_uniq("login"))
                .col(string("password"))
                // demo | live
                .col(string("environment"))
                .col(string("currency"))
                .col(integer("leverage"))
                .col(integer("stage"))
                .col(integer("attempt"))
                .col(big_integer("initial_balance"))
                .col(big_integer("balance"))
                .col(big_integer("equity"))
                .col(big_integer("margin").default(0))
                .col(integer("open_positions").default(0))
                .col(boolean("enabled").default(true))
                // active | passed | failed | closed
                .col(string("status"))
                .col(string("time_zone"))
                // The stage's rules and the engine's state (JSON).
                .col(text("rules"))
                .col(text("state"))
                // The decision that ended the stage, with its figures (JSON), or empty.
                .col(text("decision").default(""))
                // The last bridge snapshot applied: older ones are refused.
                .col(big_integer("last_seq").default(0))
                // Bumped by every engine update: a writer that read an older version retries.
                .col(big_integer("version").default(0))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "trading_account",
            "idx_account_participant",
            &["participant_id"],
        ))
        .await?;
        m.create_index(index(
            "trading_account",
            "idx_account_status",
            &["status", "open_positions"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("rule_decision")
                .col(big_pk_auto("id"))
                .col(big_integer("account_id"))
                .col(big_integer_null("participant_id"))
                // breach | passed | expired | advanced
                .col(string("outcome"))
                .col(string("rule"))
                .col(text("figures"))
                .col(big_integer_null("actor_id"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "rule_decision",
            "idx_decision_account",
            &["account_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("equity_point")
                .col(big_pk_auto("id"))
                .col(big_integer("account_id"))
                .col(timestamp_with_time_zone("at"))
                .col(big_integer("balance"))
                .col(big_integer("equity"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "equity_point",
            "idx_point_account",
            &["account_id", "at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("deal")
                .col(big_pk_auto("id"))
                .col(big_integer("account_id"))
                // The platform's ticket: a deal pushed twice is stored once.
                .col(string("ticket"))
                .col(string("symbol"))
                // buy | sell
                .col(string("side"))
                // Hundredths of a lot.
                .col(big_integer("volume"))
                .col(big_integer("open_price"))
                .col(big_integer("close_price"))
                .col(integer("digits"))
                .col(big_integer("profit_minor"))
                .col(timestamp_with_time_zone("opened_at"))
                .col(timestamp_with_time_zone("closed_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index("deal", "idx_deal_ticket", &["account_id", "ticket"])
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("sim_position")
                .col(big_pk_auto("id"))
                .col(big_integer("account_id"))
                .col(string("symbol"))
                .col(string("side"))
                .col(big_integer("volume"))
                .col(big_integer("open_price"))
                .col(big_integer_null("stop_loss"))
                .col(big_integer_null("take_profit"))
                .col(timestamp_with_time_zone("opened_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "sim_position",
            "idx_position_account",
            &["account_id"],
        ))
        .await?;
        m.create_index(index("sim_position", "idx_position_symbol", &["symbol"]))
            .await?;

        m.create_table(
            Table::create()
                .table("sim_price")
                .col(string("symbol").primary_key())
                .col(big_integer("price"))
                // The feed's step counter: with the seed it makes the next price.
                .col(big_integer("tick").default(0))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("bridge")
                .col(big_pk_auto("id"))
                .col(string_uniq("name"))
                // The HMAC key (hex). It signs every request body, so it must be kept as is.
                .col(string("secret"))
                .col(boolean("enabled").default(true))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_seen_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("bridge_command")
                .col(big_pk_auto("id"))
                .col(big_integer("bridge_id"))
                .col(big_integer("account_id"))
                // create | enable | disable | set_balance | set_leverage
                .col(string("kind"))
                .col(text("payload"))
                // pending | acked
                .col(string("status"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("acked_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "bridge_command",
            "idx_command_bridge",
            &["bridge_id", "status"],
        ))
        .await?;
        // Signed requests carry a nonce; one seen before is a replay.
        m.create_table(
            Table::create()
                .table("bridge_nonce")
                .col(big_integer("bridge_id"))
                .col(string("nonce"))
                .col(timestamp_with_time_zone("seen_at"))
                .primary_key(Index::create().col("bridge_id").col("nonce"))
                .to_owned(),
        )
        .await?;

        // One row per background job: the instance holding an unexpired lease runs it.
        m.create_table(
            Table::create()
                .table("job_lease")
                .col(string("name").primary_key())
                .col(string("holder"))
                .col(timestamp_with_time_zone("until"))
                .to_owned(),
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

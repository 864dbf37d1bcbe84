//! Competitions demo data: December's sprint running now (free to enter; its entrants hold
//! positions, so the board moves with the simulator's prices), and November's cup over, with
//! its fee paid by each entrant and its prizes paid to the winners. Safe to run again.
use super::money::seed_origin;
use crate::error::AppError;
use crate::model::CompetitionForm;
use crate::server::competitions::{entries, manage, results};
use crate::server::entity::{competition, competition_entry};
use crate::server::trading::sim::{self, Order};
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

pub struct Cast<'a> {
    pub admin: i64,
    pub trader: i64,
    pub clients: &'a [i64],
}

fn at(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

fn form(name: &str, fee: &str, prizes: &str, rules: &str) -> CompetitionForm {
    let now = Utc::now();
    CompetitionForm {
        name: name.into(),
        rules_en: rules.into(),
        registration_start: at(now - Duration::days(3)),
        registration_end: at(now + Duration::days(7)),
        start_at: at(now - Duration::days(2)),
        end_at: at(now + Duration::days(12)),
        currency: "USD".into(),
        fee: fee.into(),
        starting_balance: "10000.00".into(),
        symbols: "EURUSD, GBPUSD".into(),
        measure: "return_pct".into(),
        board_size: 20,
        prizes: prizes.into(),
        payout: "auto".into(),
        published: true,
        ..Default::default()
    }
}

pub async fn seed(db: &DatabaseConnection, c: Cast<'_>) -> Result<(), AppError> {
    if competition::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let from = seed_origin();
    let mut people = vec![c.trader];
    people.extend(c.clients.iter().take(5));

    // November: over, prizes paid. Entered while "open", then moved into last month.
    let cup = manage::save(
        db,
        c.admin,
        form(
            "November cup",
            "0",
            "1 500\n2 250\n3 100",
            "The best return on a 10,000 USD account over November wins.",
        ),
        &from,
    )
    .await?;
    for (i, who) in people.iter().enumerate() {
        if entries::join(db, *who, cup, "", &from).await.is_err() {
            continue;
        }
        // In cents, from 10,000.00.
        let equity = 1_000_000 + [81_240, -12_000, 45_510, 9_675, -31_000, 120_490][i % 6];
        competition_entry::Entity::update_many()
            .col_expr(competition_entry::Column::EquityMinor, Expr::value(equity))
            .col_expr(
                competition_entry::Column::Score,
                Expr::value((equity - 1_000_000) * 10_000 / 1_000_000),
            )
            .filter(competition_entry::Column::CompetitionId.eq(cup))
            .filter(competition_entry::Column::UserId.eq(*who))
            .exec(db)
            .await?;
    }
    let month_ago = Utc::now() - Duration::days(35);
    competition::Entity::update_many()
        .col_expr(
            competition::Column::RegistrationStart,
            Expr::value(month_ago - Duration::days(5)),
        )
        .col_expr(
            competition::Column::RegistrationEnd,
            Expr::value(month_ago + Duration::days(10)),
        )
        .col_expr(competition::Column::StartAt, Expr::value(month_ago))
        .col_expr(
            competition::Column::EndAt,
            Expr::value(month_ago + Duration::days(30)),
        )
        .filter(competition::Column::Id.eq(cup))
        .exec(db)
        .await?;
    results::settle(db, cup).await?;
    results::pay(db, cup).await?;

    // December: running, its entrants trading.
    let sprint = manage::save(
        db,
        c.admin,
        form(
            "December sprint",
            "0",
            "1 1000\n2 500\n3 250\n4-10 50",
            "Two weeks, EURUSD and GBPUSD, no limits: the best return wins. Masked names are shown on the public board.",
        ),
        &from,
    )
    .await?;
    for (i, who) in people.iter().enumerate() {
        let Ok(entry) = entries::join(db, *who, sprint, "", &from).await else {
            continue;
        };
        let account = competition_entry::Entity::find_by_id(entry)
            .one(db)
            .await?
            .map(|e| e.account_id)
            .unwrap_or_default();
        let (side, lots) = [
            ("buy", "1"),
            ("sell", "0.5"),
            ("buy", "0.3"),
            ("sell", "2"),
            ("buy", "0.1"),
            ("buy", "2"),
        ][i % 6];
        let order = Order {
            symbol: "EURUSD".into(),
            side: side.into(),
            volume: lots.into(),
            stop_loss: String::new(),
            take_profit: String::new(),
        };
        sim::open(db, *who, account, order).await?;
    }
    Ok(())
}

//! The prop part of the demo data: two published challenges and participants at every status
//! (pending approval, in progress with trades, failed on the daily loss, advanced to stage 2,
//! waiting for the live step, funded live), made through the same services as real use, so
//! the accounts, decisions and ledger are what real trading would leave. Runs once (when no
//! challenge exists).
use crate::domain::approval::RequestKind;
use crate::domain::challenge::{
    ChallengeDef, Distribution, PackageDef, SettlementFrequency, StageDef,
};
use crate::error::AppError;
use crate::error::OrInternal;
use crate::server::entity::{challenge, participant, request};
use crate::server::infra::origin::Origin;
use crate::server::money::wallets::{self, Adjustment};
use crate::server::prop::participation::{self, ParticipateInput};
use crate::server::trading::alerts::{self, RuleInput};
use crate::server::trading::sim::{self, Feed, Order};
use crate::server::{
    RuntimeConfig, approvals, prop::challenges, prop::participants, prop::profit_share,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

fn origin() -> Origin {
    Origin::internal("seed")
}

fn classic() -> ChallengeDef {
    let phase = |target: i64, days: u32| StageDef {
        period_days: Some(days),
        profit_target_bps: Some(target),
        ..StageDef::demo_default()
    };
    let package = |key: &str, name: &str, size: i64, fee: i64| PackageDef {
        key: key.into(),
        name: name.into(),
        currency: "USD".into(),
        account_size_minor: size,
        fee_minor: fee,
        leverage: 100,
        // The funded stage's payouts are reviewed by staff, weekly.
        stages: vec![
            phase(800, 30),
            phase(500, 60),
            StageDef {
                settlement: SettlementFrequency::Weekly,
                distribution: Distribution::Manual,
                ..StageDef::live_default()
            },
        ],
    };
    let mut def = ChallengeDef::example();
    def.name = "Classic 2-Step".into();
    def.types = vec!["2-step".into(), "Forex".into()];
    def.time_zone = "Europe/London".into();
    def.details = [
        (
            "en".to_string(),
            "Two evaluation phases, then a funded account with an 80% profit split.".to_string(),
        ),
        (
            "es".to_string(),
            "Dos fases de evaluación y después una cuenta financiada con el 80% del beneficio."
                .to_string(),
        ),
    ]
    .into();
    def.packages = vec![
        package("p10k", "Classic 10K", 1_000_000, 9_900),
        package("p25k", "Classic 25K", 2_500_000, 19_900),
        package("p50k", "Classic 50K", 5_000_000, 29_900),
    ];
    def
}

fn instant() -> ChallengeDef {
    let mut def = ChallengeDef::example();
    def.name = "Instant Funding".into();
    def.types = vec!["1-step".into(), "Instant".into()];
    def.time_zone = "America/New_York".into();
    def.details = [(
        "en".to_string(),
        "Trade a funded account from day one.".to_string(),
    )]
    .into();
    def.packages = vec![PackageDef {
        key: "i5k".into(),
        name: "Instant 5K".into(),
        currency: "USD".into(),
        account_size_minor: 500_000,
        fee_minor: 14_900,
        leverage: 50,
        stages: vec![StageDef::live_default()],
    }];
    def
}

/// Who the prop demo data is made for.
pub struct Cast<'a> {
    pub admin: i64,
    /// The demo IB, at the top of the demo tree.
    pub ib: i64,
    pub trader: i64,
    pub clients: &'a [i64],
}

async fn fund(db: &DatabaseConnection, admin: i64, user: i64) -> Result<(), AppError> {
    wallets::adjust(
        db,
        admin,
        Adjustment {
            idempotency_key: format!("seed-prop-fund-{user}"),
            user_id: user,
            currency: "USD".into(),
            direction: "deposit".into(),
            amount: "1000".into(),
            comment: "Demo funds for challenges".into(),
        },
        &origin(),
    )
    .await
}

/// Buys a package and, unless `approve` is false, approves the participation.
async fn join(
    db: &DatabaseConnection,
    admin: i64,
    user: i64,
    challenge: i64,
    package: &str,
    approve: bool,
) -> Result<participant::Model, AppError> {
    let (p, req) = participation::participate(
        db,
        user,
        ParticipateInput {
            coupon: 0,
            promo_code: String::new(),
            challenge_id: challenge,
            package_key: package.into(),
            pay_method: "wallet".into(),
            idempotency_key: format!("seed-join-{user}-{challenge}"),
        },
        &origin(),
    )
    .await?;
    if approve {
        approvals::approve(db, admin, req.id, req.level, "Demo", &origin()).await?;
    }
    participation::find(db, p.id).await
}

async fn order(
    db: &DatabaseConnection,
    p: &participant::Model,
    side: &str,
    lots: &str,
) -> Result<(), AppError> {
    let acc = participation::find(db, p.id)
        .await?
        .account_id
        .or_internal("a seeded participant without an account")?;
    sim::open(
        db,
        p.user_id,
        acc,
        Order {
            symbol: "EURUSD".into(),
            side: side.into(),
            volume: lots.into(),
            stop_loss: String::new(),
            take_profit: String::new(),
        },
    )
    .await
}

/// One lot of EURUSD bought at 1.08500 and closed at `to` (a point is 1.00 USD).
async fn trade_to(
    db: &DatabaseConnection,
    p: &participant::Model,
    to: &str,
) -> Result<(), AppError> {
    sim::set_price(db, "EURUSD", "1.08500").await?;
    order(db, p, "buy", "1").await?;
    sim::set_price(db, "EURUSD", to).await?;
    close_all(db, p).await
}

/// The firm's risk rules, made before the demo trades so that those trades fire them.
async fn rules(db: &DatabaseConnection, admin: i64) -> Result<(), AppError> {
    let rule =
        |name: &str, kind: &str, threshold: &str, step: &str, symbol: &str, env: &str| RuleInput {
            id: 0,
            name: name.into(),
            kind: kind.into(),
            threshold: threshold.into(),
            min_profit: "100".into(),
            step: step.into(),
            symbol: symbol.into(),
            environment: env.into(),
            challenge_id: 0,
            enabled: true,
        };
    alerts::save_rule(
        db,
        admin,
        rule(
            "Big day on a funded account",
            "account_profit",
            "200",
            "200",
            "",
            "live",
        ),
    )
    .await?;
    alerts::save_rule(
        db,
        admin,
        rule("3% in a day", "account_profit_pct", "3", "0", "", "all"),
    )
    .await?;
    alerts::save_rule(
        db,
        admin,
        rule(
            "EURUSD windfall",
            "symbol_profit",
            "250",
            "0",
            "EURUSD",
            "all",
        ),
    )
    .await?;
    Ok(())
}

async fn close_all(db: &DatabaseConnection, p: &participant::Model) -> Result<(), AppError> {
    let p = participation::find(db, p.id).await?;
    let acc = crate::server::entity::trading_account::Entity::find_by_id(
        p.account_id
            .or_internal("a seeded participant without an account")?,
    )
    .one(db)
    .await?
    .or_internal("a seeded participant's account is not there")?;
    for (pos, _, _) in sim::open_positions(db, &acc).await? {
        sim::close(db, p.user_id, pos.id).await?;
    }
    Ok(())
}

pub async fn seed(
    db: &DatabaseConnection,
    cfg: &RuntimeConfig,
    cast: Cast<'_>,
) -> Result<(), AppError> {
    let Cast {
        admin,
        ib,
        trader,
        clients,
    } = cast;
    if challenge::Entity::find().count(db).await? > 0 || clients.len() < 5 {
        return Ok(());
    }
    let o = origin();
    // The IB programme first: the challenges' fees pay its commissions from the first sale.
    let programme = super::ib::seed(db, cfg, admin, ib).await?;
    let mut classic = classic();
    classic.commissions = programme.classic;
    let mut instant = instant();
    instant.commissions = programme.instant;
    // The funded stages give the trader's IB 10% of the profit beside the trader's 80%.
    for stage in classic
        .packages
        .iter_mut()
        .chain(instant.packages.iter_mut())
        .filter_map(|p| p.stages.last_mut())
    {
        stage.referrer_share_bps = vec![1_000];
    }
    let classic_id = challenges::save(db, admin, None, classic, &o).await?;
    challenges::publish(db, admin, classic_id, &o).await?;
    let instant_id = challenges::save(db, admin, None, instant, &o).await?;
    challenges::publish(db, admin, instant_id, &o).await?;
    super::ib::challenge_link(db, cfg, ib, instant_id).await?;
    // The demo's trades happen at set prices; the feed moves again afterwards.
    let feed = sim::feed(db).await?;
    sim::set_feed(
        db,
        Feed {
            running: false,
            ..feed
        },
    )
    .await?;
    for c in clients.iter().chain([&trader]).chain(&programme.buyers) {
        fund(db, admin, *c).await?;
    }
    // The tree's purchases: level and rank commissions up three levels.
    join(db, admin, programme.buyers[0], classic_id, "p25k", true).await?;
    join(db, admin, programme.buyers[1], instant_id, "i5k", true).await?;
    rules(db, admin).await?;
    // Failed: two lots against a 5% daily limit.
    sim::set_price(db, "EURUSD", "1.08500").await?;
    let failed = join(db, admin, clients[0], classic_id, "p10k", true).await?;
    order(db, &failed, "buy", "2").await?;
    sim::set_price(db, "EURUSD", "1.08100").await?;
    sim::set_price(db, "EURUSD", "1.08200").await?;
    sim::set_price(db, "EURUSD", "1.08240").await?;
    // Stage 2, advanced by staff after a flat stage 1.
    let advanced = join(db, admin, clients[1], classic_id, "p25k", true).await?;
    participation::advance(db, admin, advanced.id, "Demo: stage 1 reviewed", &o).await?;
    // Waiting for the live step.
    let live_wait = join(db, admin, clients[4], classic_id, "p10k", true).await?;
    participation::advance(db, admin, live_wait.id, "Demo", &o).await?;
    participation::advance(db, admin, live_wait.id, "Demo", &o).await?;
    // Pending approval, and a funded one-step account.
    join(db, admin, clients[2], classic_id, "p10k", false).await?;
    join(db, admin, clients[3], instant_id, "i5k", true).await?;
    // The demo trader: a winning trade closed and one position open.
    sim::set_price(db, "EURUSD", "1.08300").await?;
    let mine = join(db, admin, trader, classic_id, "p10k", true).await?;
    order(db, &mine, "buy", "1").await?;
    sim::set_price(db, "EURUSD", "1.08620").await?;
    close_all(db, &mine).await?;
    order(db, &mine, "sell", "0.5").await?;
    sim::set_price(db, "EURUSD", "1.08580").await?;
    funded_demo(db, admin, trader, clients, classic_id, instant_id).await?;
    sim::set_feed(
        db,
        Feed {
            running: true,
            ..feed
        },
    )
    .await?;
    // Every participation request is decided except the one left for the queue.
    let pending = request::Entity::find()
        .filter(request::Column::Kind.eq(RequestKind::Participation))
        .filter(request::Column::Status.eq("pending"))
        .count(db)
        .await?;
    debug_assert_eq!(pending, 1);
    Ok(())
}

/// Funded traders and their settlements: paid automatically, waiting for review, a firm's
/// test account tagged demo, profit not yet settled, and a funded account lost; the trades
/// fire the risk rules and the traders' warnings.
async fn funded_demo(
    db: &DatabaseConnection,
    admin: i64,
    trader: i64,
    clients: &[i64],
    classic_id: i64,
    instant_id: i64,
) -> Result<(), AppError> {
    let o = origin();
    // The instant-funded client from above: +250.00 paid out, then +120.00 not yet settled.
    let carlos = participant::Entity::find()
        .filter(participant::Column::UserId.eq(clients[3]))
        .one(db)
        .await?
        .or_internal("the seeded participant is not there")?;
    trade_to(db, &carlos, "1.08750").await?;
    profit_share::settle_now(db, admin, carlos.id, &o).await?;
    trade_to(db, &carlos, "1.08620").await?;
    // The demo trader is funded too, with a paid settlement.
    let mine = join(db, admin, trader, instant_id, "i5k", true).await?;
    trade_to(db, &mine, "1.08900").await?;
    profit_share::settle_now(db, admin, mine.id, &o).await?;
    // A classic trader through both stages and the live step; the payout awaits review.
    let sam = join(db, admin, clients[5], classic_id, "p10k", true).await?;
    participation::advance(db, admin, sam.id, "Demo: stage 1 reviewed", &o).await?;
    participation::advance(db, admin, sam.id, "Demo: stage 2 reviewed", &o).await?;
    let live = request::Entity::find()
        .filter(request::Column::Kind.eq(RequestKind::LiveStep))
        .filter(request::Column::UserId.eq(clients[5]))
        .one(db)
        .await?
        .or_internal("the seeded request is not there")?;
    approvals::approve(db, admin, live.id, live.level, "Demo", &o).await?;
    trade_to(db, &sam, "1.08800").await?;
    profit_share::settle_now(db, admin, sam.id, &o).await?;
    // The firm's own test account: funded and paid, and tagged demo, so the dashboard leaves
    // it out.
    let test = join(db, admin, clients[6], instant_id, "i5k", true).await?;
    trade_to(db, &test, "1.09100").await?;
    profit_share::settle_now(db, admin, test.id, &o).await?;
    participants::set_data_type(db, admin, test.id, "demo", "").await?;
    // A funded account lost: its daily limit breached.
    let lost = join(db, admin, clients[0], instant_id, "i5k", true).await?;
    sim::set_price(db, "EURUSD", "1.08500").await?;
    order(db, &lost, "buy", "1").await?;
    // Warned at half and at 80% of the 250.00 daily limit, then breached.
    for price in ["1.08370", "1.08300", "1.08250"] {
        sim::set_price(db, "EURUSD", price).await?;
    }
    // Where the demo trader's open position was left.
    sim::set_price(db, "EURUSD", "1.08580").await?;
    Ok(())
}

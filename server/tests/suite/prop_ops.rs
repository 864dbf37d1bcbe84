//! Prop operations on SQLite and PostgreSQL: profit-share settlements (automatic and reviewed,
//! the high-water mark, the scheduled run, concurrency), the alerts that fire from the rules
//! engine's stream, the prop dashboard against a hand computation, the fee report, the
//! participant filters, and bad input that changes nothing.
use crate::common;
use app::domain::access::UserKind;
use app::domain::approval::RequestStatus;
use app::domain::challenge::{ChallengeDef, Distribution, SettlementFrequency, StageDef};
use app::domain::participant::ParticipantStatus;
use app::domain::profit_share::SettlementStatus;
use app::error::AppError;
use app::model::{DashboardQuery, ListQuery, PropFilter};
use app::server::entity::{
    alert_event, mail_outbox, notification, participant, profit_share as share, request,
    trading_account,
};
use app::server::money::wallets::{self, Adjustment};
use app::server::prop::participation::{self, ParticipateInput};
use app::server::prop::profit_share;
use app::server::trading::alerts::{self, RuleInput};
use app::server::trading::sim::{self, Order};
use app::server::{
    approvals, money::ledger, prop::challenges, prop::dashboard, prop::fees, prop::participants,
};
use common::make_user;
use common::prop::{admin_with_still_feed, usd_challenge};
use common::{code, here};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

/// A funded stage: 80% to the trader, the given frequency and distribution, 5% daily and 10%
/// total loss limits.
fn funded(freq: SettlementFrequency, dist: Distribution) -> StageDef {
    StageDef {
        settlement: freq,
        distribution: dist,
        ..StageDef::live_default()
    }
}

fn one_step(name: &str, stage: StageDef) -> ChallengeDef {
    usd_challenge(name, vec![stage])
}

/// A two-step challenge whose first stage warns: 5% daily (500.00), 10% total, a 5-day
/// period with 3 trading days.
fn evaluation() -> ChallengeDef {
    let demo = StageDef {
        period_days: Some(5),
        min_trading_days: 3,
        profit_target_bps: Some(1_000),
        ..StageDef::demo_default()
    };
    let mut def = one_step("Evaluation", StageDef::live_default());
    def.packages[0].stages = vec![demo.clone(), demo, StageDef::live_default()];
    def
}

struct Firm {
    admin: i64,
}

async fn firm(db: &DatabaseConnection) -> Firm {
    let admin = admin_with_still_feed(db).await;
    sim::set_price(db, "EURUSD", "1.08500").await.unwrap();
    Firm { admin }
}

async fn publish(db: &DatabaseConnection, f: &Firm, def: ChallengeDef) -> i64 {
    common::prop::publish(db, f.admin, def).await
}

async fn trader(db: &DatabaseConnection, f: &Firm, email: &str, referrer: Option<i64>) -> i64 {
    let t = make_user(db, UserKind::Trader, email, None).await;
    if let Some(r) = referrer {
        app::server::identity::referrals::move_upline(db, t.id, Some(r), f.admin, &here())
            .await
            .unwrap();
    }
    wallets::adjust(
        db,
        f.admin,
        Adjustment {
            idempotency_key: format!("fund-{email}"),
            user_id: t.id,
            currency: "USD".into(),
            direction: "deposit".into(),
            amount: "1000".into(),
            comment: "test funds".into(),
        },
        &here(),
    )
    .await
    .unwrap();
    t.id
}

/// Buys the challenge and approves the participation: the participant and its account.
async fn join(db: &DatabaseConnection, f: &Firm, user: i64, challenge: i64) -> (i64, i64) {
    let (p, req) = participation::participate(
        db,
        user,
        ParticipateInput {
            coupon: 0,
            promo_code: String::new(),
            challenge_id: challenge,
            package_key: "p1".into(),
            pay_method: "wallet".into(),
            idempotency_key: format!("join-{user}-{challenge}"),
        },
        &here(),
    )
    .await
    .unwrap();
    approvals::approve(db, f.admin, req.id, 1, "", &here())
        .await
        .unwrap();
    let p = participation::find(db, p.id).await.unwrap();
    (p.id, p.account_id.unwrap())
}

async fn account(db: &DatabaseConnection, id: i64) -> trading_account::Model {
    trading_account::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

async fn usd(db: &DatabaseConnection, user: i64) -> i64 {
    let cur = app::domain::money::currency("USD").unwrap();
    ledger::wallet(db, user, cur).await.unwrap().balance_minor
}

async fn open(db: &DatabaseConnection, user: i64, acc: i64, side: &str, lots: &str) {
    sim::open(
        db,
        user,
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
    .unwrap();
}

async fn close_all(db: &DatabaseConnection, user: i64, acc: i64) {
    let a = account(db, acc).await;
    for (pos, _, _) in sim::open_positions(db, &a).await.unwrap() {
        sim::close(db, user, pos.id).await.unwrap();
    }
}

/// One lot of EURUSD from 1.08500 to `to` and back flat: 1 point is 1.00 USD.
async fn trade_to(db: &DatabaseConnection, user: i64, acc: i64, to: &str) {
    sim::set_price(db, "EURUSD", "1.08500").await.unwrap();
    open(db, user, acc, "buy", "1").await;
    sim::set_price(db, "EURUSD", to).await.unwrap();
    close_all(db, user, acc).await;
}

async fn shares(db: &DatabaseConnection, pid: i64) -> Vec<share::Model> {
    share::Entity::find()
        .filter(share::Column::ParticipantId.eq(pid))
        .all(db)
        .await
        .unwrap()
}

async fn notices(db: &DatabaseConnection, user: i64, kind: &str) -> u64 {
    notification::Entity::find()
        .filter(notification::Column::UserId.eq(user))
        .filter(notification::Column::Kind.eq(kind))
        .count(db)
        .await
        .unwrap()
}

async fn mails(db: &DatabaseConnection) -> u64 {
    mail_outbox::Entity::find().count(db).await.unwrap()
}

on_both!(
    automatic_settlement_pays_the_share_and_resets_the_balance,
    |db| {
        let f = firm(&db).await;
        let ch = publish(
            &db,
            &f,
            one_step(
                "Instant",
                funded(SettlementFrequency::Monthly, Distribution::Automatic),
            ),
        )
        .await;
        let t = trader(&db, &f, "t@example.com", None).await;
        let (pid, acc) = join(&db, &f, t, ch).await;
        assert_eq!(account(&db, acc).await.environment, "live");
        assert_eq!(usd(&db, t).await, 90_000);
        trade_to(&db, t, acc, "1.08800").await;
        assert_eq!(account(&db, acc).await.balance, 1_030_000);

        let s = profit_share::settle_now(&db, f.admin, pid, &here())
            .await
            .unwrap();
        assert_eq!(
            (s.status, s.profit_minor, s.firm_minor, s.base_minor),
            (SettlementStatus::Paid, 30_000, 6_000, 1_000_000)
        );
        // 80% of 300.00 reached the wallet; the account is back at its base.
        assert_eq!(usd(&db, t).await, 90_000 + 24_000);
        let a = account(&db, acc).await;
        assert_eq!(
            (a.balance, a.equity, a.status.as_str()),
            (1_000_000, 1_000_000, "active")
        );
        // The payout is not a loss to the engine: the day's reference moved with it.
        let state = app::server::trading::risk::state_of(&a).unwrap();
        assert_eq!(state.day_start_equity, 970_000);
        assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
        assert_eq!(notices(&db, t, "notice.profit_share_paid").await, 1);

        // The trader's page shows it.
        let d = participants::detail(&db, pid, Some(t), "en").await.unwrap();
        let row = &d.profit_shares[0];
        assert_eq!(
            (row.trader_share.to_string(), row.status, row.trader_bps),
            ("240.00 USD".to_string(), SettlementStatus::Paid, 8_000)
        );
        let terms = d.profit_terms.unwrap();
        assert!(terms.period_settled);
        assert_eq!(terms.unsettled, "0.00");

        // The same period again: refused, nothing moves.
        let e = profit_share::settle_now(&db, f.admin, pid, &here())
            .await
            .unwrap_err();
        assert_eq!(code(e, "settlement"), "err.period_settled");
        assert_eq!(usd(&db, t).await, 114_000);
        assert_eq!(shares(&db, pid).await.len(), 1);
    }
);

// A stage that gives the direct IB 10% and their upline 5%: the settlement pays them with
// the trader, and the firm keeps the rest.
on_both!(the_settlement_pays_the_referrers_their_share, |db| {
    let f = firm(&db).await;
    let mut stage = funded(SettlementFrequency::Monthly, Distribution::Automatic);
    stage.referrer_share_bps = vec![1_000, 500];
    let ch = publish(&db, &f, one_step("Shared", stage)).await;
    let top = make_user(&db, UserKind::Ib, "top@example.com", None)
        .await
        .id;
    let ib = make_user(&db, UserKind::Ib, "ib@example.com", None)
        .await
        .id;
    app::server::identity::referrals::move_upline(&db, ib, Some(top), f.admin, &here())
        .await
        .unwrap();
    let t = trader(&db, &f, "t@example.com", Some(ib)).await;
    let (pid, acc) = join(&db, &f, t, ch).await;
    trade_to(&db, t, acc, "1.08800").await;
    let s = profit_share::settle_now(&db, f.admin, pid, &here())
        .await
        .unwrap();
    // 300.00: 240.00 to the trader, 30.00 and 15.00 to the IBs, 15.00 to the firm.
    assert_eq!((s.profit_minor, s.firm_minor), (30_000, 1_500));
    assert_eq!(usd(&db, t).await, 90_000 + 24_000);
    assert_eq!(usd(&db, ib).await, 3_000);
    assert_eq!(usd(&db, top).await, 1_500);
    assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
});

on_both!(settlements_refuse_what_cannot_be_settled, |db| {
    let f = firm(&db).await;
    let ch = publish(
        &db,
        &f,
        one_step(
            "Instant",
            funded(SettlementFrequency::Monthly, Distribution::Automatic),
        ),
    )
    .await;
    let eval = publish(&db, &f, evaluation()).await;
    let t = trader(&db, &f, "t@example.com", None).await;
    let (pid, acc) = join(&db, &f, t, ch).await;
    // No profit yet.
    let e = profit_share::settle_now(&db, f.admin, pid, &here())
        .await
        .unwrap_err();
    assert_eq!(code(e, "settlement"), "err.settlement_no_profit");
    // A profit with a position still open: a floating result is not a profit yet.
    trade_to(&db, t, acc, "1.08700").await;
    open(&db, t, acc, "buy", "0.5").await;
    let e = profit_share::settle_now(&db, f.admin, pid, &here())
        .await
        .unwrap_err();
    assert_eq!(code(e, "settlement"), "err.settlement_open_positions");
    // A demo stage has no profit share.
    let other = trader(&db, &f, "o@example.com", None).await;
    let (demo, _) = join(&db, &f, other, eval).await;
    let e = profit_share::settle_now(&db, f.admin, demo, &here())
        .await
        .unwrap_err();
    assert_eq!(code(e, "settlement"), "err.settlement_no_terms");
    // An unknown participant.
    assert!(matches!(
        profit_share::settle_now(&db, f.admin, 999_999, &here()).await,
        Err(AppError::NotFound)
    ));
    assert_eq!(common::count(&db, "profit_share").await, 0);
    assert_eq!(usd(&db, t).await, 90_000);
    // A negative share cannot even be configured.
    let mut bad = one_step(
        "Bad",
        funded(SettlementFrequency::Monthly, Distribution::Automatic),
    );
    bad.packages[0].stages[0].profit_share_bps = Some(-1_000);
    let e = challenges::save(&db, f.admin, None, bad, &here())
        .await
        .unwrap_err();
    assert_eq!(
        code(e, "packages.0.stages.0.profit_share"),
        "err.stage_percent_range"
    );
    assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
});

on_both!(manual_distribution_waits_for_a_review, |db| {
    let f = firm(&db).await;
    let ch = publish(
        &db,
        &f,
        one_step(
            "Reviewed",
            funded(SettlementFrequency::Weekly, Distribution::Manual),
        ),
    )
    .await;
    let t = trader(&db, &f, "t@example.com", None).await;
    let (pid, acc) = join(&db, &f, t, ch).await;
    trade_to(&db, t, acc, "1.09000").await;
    let s = profit_share::settle_now(&db, f.admin, pid, &here())
        .await
        .unwrap();
    assert_eq!(
        (s.status, s.profit_minor),
        (SettlementStatus::PendingReview, 50_000)
    );
    // Not paid yet, but the profit has left the account.
    assert_eq!(usd(&db, t).await, 90_000);
    assert_eq!(account(&db, acc).await.balance, 1_000_000);
    let req = request::Entity::find_by_id(s.request_id.unwrap())
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (req.kind.as_str(), req.status, req.amount_minor),
        ("profit_share", RequestStatus::Pending, Some(40_000))
    );
    // The trader cannot cancel it.
    assert!(approvals::cancel(&db, t, req.id, &here()).await.is_err());
    let details = approvals::detail(
        &db,
        f.admin,
        req.id,
        wallets::client_summary(&db, req.user_id).await.unwrap(),
    )
    .await
    .unwrap();
    assert!(
        details
            .details
            .iter()
            .any(|(k, v)| k == "prop.ps_trader_share" && v.starts_with("400.00"))
    );
    approvals::approve(&db, f.admin, req.id, 1, "checked", &here())
        .await
        .unwrap();
    assert_eq!(usd(&db, t).await, 130_000);
    assert_eq!(shares(&db, pid).await[0].status, SettlementStatus::Paid);
    // A second reviewer is told it was decided; nothing is paid twice.
    assert!(
        approvals::approve(&db, f.admin, req.id, 1, "", &here())
            .await
            .is_err()
    );
    assert_eq!(usd(&db, t).await, 130_000);

    // Turned down: the share stays with the firm.
    let t2 = trader(&db, &f, "t2@example.com", None).await;
    let (p2, acc2) = join(&db, &f, t2, ch).await;
    trade_to(&db, t2, acc2, "1.08600").await;
    let s2 = profit_share::settle_now(&db, f.admin, p2, &here())
        .await
        .unwrap();
    approvals::reject(
        &db,
        f.admin,
        s2.request_id.unwrap(),
        "copy trading",
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(shares(&db, p2).await[0].status, SettlementStatus::Rejected);
    assert_eq!(usd(&db, t2).await, 90_000);
    assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
});

on_both!(the_high_water_mark_pays_no_profit_twice, |db| {
    let f = firm(&db).await;
    let ch = publish(
        &db,
        &f,
        one_step(
            "Daily",
            funded(SettlementFrequency::Daily, Distribution::Automatic),
        ),
    )
    .await;
    let t = trader(&db, &f, "t@example.com", None).await;
    let (pid, acc) = join(&db, &f, t, ch).await;
    // Day 1: +300.00, settled at midnight by the scheduled run.
    trade_to(&db, t, acc, "1.08800").await;
    sim::advance_day(&db).await.unwrap();
    assert_eq!(usd(&db, t).await, 90_000 + 24_000);
    // The run finds nothing more to do.
    assert_eq!(profit_share::settle_due(&db).await.unwrap(), 0);
    // Day 2: −200.00. Nothing to pay; the loss carries forward.
    trade_to(&db, t, acc, "1.08300").await;
    sim::advance_day(&db).await.unwrap();
    let s = shares(&db, pid).await;
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[1].status, s[1].profit_minor),
        (SettlementStatus::NoProfit, 0)
    );
    assert_eq!(account(&db, acc).await.balance, 980_000);
    // Day 3: +500.00 leaves 300.00 above the mark: only that is shared.
    trade_to(&db, t, acc, "1.09000").await;
    sim::advance_day(&db).await.unwrap();
    let s = shares(&db, pid).await;
    assert_eq!(s.len(), 3);
    assert_eq!((s[2].profit_minor, s[2].balance_minor), (30_000, 1_030_000));
    assert_eq!(usd(&db, t).await, 90_000 + 24_000 + 24_000);
    assert_eq!(account(&db, acc).await.balance, 1_000_000);
    // Profit settled plus the balance's move equals what the trades made.
    let traded = 30_000 - 20_000 + 50_000;
    let settled: i64 = s.iter().map(|x| x.profit_minor).sum();
    assert_eq!(
        settled + (account(&db, acc).await.balance - 1_000_000),
        traded
    );
    assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
});

on_both!(the_scheduled_run_waits_for_a_flat_account, |db| {
    let f = firm(&db).await;
    let ch = publish(
        &db,
        &f,
        one_step(
            "Daily",
            funded(SettlementFrequency::Daily, Distribution::Automatic),
        ),
    )
    .await;
    let t = trader(&db, &f, "t@example.com", None).await;
    let (pid, acc) = join(&db, &f, t, ch).await;
    trade_to(&db, t, acc, "1.08800").await;
    open(&db, t, acc, "buy", "0.1").await;
    sim::advance_day(&db).await.unwrap();
    assert!(shares(&db, pid).await.is_empty(), "a position is open");
    close_all(&db, t, acc).await;
    assert_eq!(profit_share::settle_due(&db).await.unwrap(), 1);
    assert_eq!(profit_share::settle_due(&db).await.unwrap(), 0);
    let s = shares(&db, pid).await;
    assert_eq!(s.len(), 1);
    // It settled the day that ended, not today.
    assert_eq!(s[0].period_end, s[0].period_start);
    let utc = app::domain::clock::parse_tz("UTC").unwrap();
    let today = app::domain::clock::local_day(sim::feed(&db).await.unwrap().now(), utc);
    assert!(s[0].period_start < today);
});

/// Twelve staff members settle one account at once: one settlement, one payout.
#[tokio::test]
async fn concurrent_settlements_pay_once_on_postgres() {
    let (db, url) = common::fresh_db_with_url(common::Backend::Postgres).await;
    let f = firm(&db).await;
    let ch = publish(
        &db,
        &f,
        one_step(
            "Instant",
            funded(SettlementFrequency::Monthly, Distribution::Automatic),
        ),
    )
    .await;
    let t = trader(&db, &f, "t@example.com", None).await;
    let (pid, acc) = join(&db, &f, t, ch).await;
    trade_to(&db, t, acc, "1.08800").await;
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let db = db.clone();
            let admin = f.admin;
            tokio::spawn(async move { profit_share::settle_now(&db, admin, pid, &here()).await })
        })
        .collect();
    let mut ok = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(code(e, "settlement"), "err.period_settled"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(usd(&db, t).await, 90_000 + 24_000);
    assert_eq!(account(&db, acc).await.balance, 1_000_000);
    assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
    server::testing::discard(&url).await;
}

on_both!(warnings_fire_before_the_breach_and_the_breach_fails, |db| {
    let f = firm(&db).await;
    let eval = publish(&db, &f, evaluation()).await;
    let t = trader(&db, &f, "t@example.com", None).await;
    let (pid, acc) = join(&db, &f, t, eval).await;
    let mails_before = mails(&db).await;
    open(&db, t, acc, "buy", "1").await;
    // 249.00 down: under half of the 500.00 daily limit.
    sim::set_price(&db, "EURUSD", "1.08251").await.unwrap();
    assert_eq!(notices(&db, t, "notice.alert_daily_loss").await, 0);
    // 250.00: the 50% warning, in the portal and by email, and on the staff's feed.
    sim::set_price(&db, "EURUSD", "1.08250").await.unwrap();
    assert_eq!(notices(&db, t, "notice.alert_daily_loss").await, 1);
    assert_eq!(mails(&db).await, mails_before + 1);
    let feed = alerts::feed(
        &db,
        &app::server::identity::scope::Scope::Firm,
        0,
        "trader",
        50,
    )
    .await
    .unwrap();
    assert_eq!(feed.items[0].code, "daily_loss_50");
    assert_eq!(
        (feed.items[0].value.as_str(), feed.items[0].limit.as_str()),
        ("250.00", "500.00")
    );
    // Moving within the same level warns no more.
    sim::set_price(&db, "EURUSD", "1.08200").await.unwrap();
    assert_eq!(notices(&db, t, "notice.alert_daily_loss").await, 1);
    // 400.00: the 80% warning.
    sim::set_price(&db, "EURUSD", "1.08100").await.unwrap();
    assert_eq!(notices(&db, t, "notice.alert_daily_loss").await, 2);
    assert_eq!(
        participation::find(&db, pid).await.unwrap().status,
        ParticipantStatus::InProgress
    );
    // 500.00: the breach itself fails the stage.
    sim::set_price(&db, "EURUSD", "1.08000").await.unwrap();
    let p = participation::find(&db, pid).await.unwrap();
    assert_eq!(
        (p.status, p.reason.as_str()),
        (ParticipantStatus::Failed, "max_daily_loss")
    );
    assert_eq!(notices(&db, t, "notice.alert_daily_loss").await, 2);
    assert_eq!(notices(&db, t, "notice.prop_failed").await, 1);
    // Every warning and the failure went out by email too.
    assert_eq!(mails(&db).await, mails_before + 3);
});

on_both!(
    the_period_warning_comes_when_trading_days_are_missing,
    |db| {
        let f = firm(&db).await;
        let eval = publish(&db, &f, evaluation()).await;
        let t = trader(&db, &f, "t@example.com", None).await;
        let (_, acc) = join(&db, &f, t, eval).await;
        // One trading day of three; the 5-day period has 3 days left after two midnights.
        open(&db, t, acc, "buy", "0.1").await;
        close_all(&db, t, acc).await;
        sim::advance_day(&db).await.unwrap();
        assert_eq!(notices(&db, t, "notice.alert_period_ending").await, 0);
        sim::advance_day(&db).await.unwrap();
        assert_eq!(notices(&db, t, "notice.alert_period_ending").await, 1);
        sim::advance_day(&db).await.unwrap();
        assert_eq!(
            notices(&db, t, "notice.alert_period_ending").await,
            1,
            "once a stage"
        );
        let _ = acc;
    }
);

fn rule(name: &str, kind: &str, threshold: &str, step: &str) -> RuleInput {
    RuleInput {
        id: 0,
        name: name.into(),
        kind: kind.into(),
        threshold: threshold.into(),
        min_profit: "0".into(),
        step: step.into(),
        symbol: String::new(),
        environment: "all".into(),
        challenge_id: 0,
        enabled: true,
    }
}

async fn risk_events(db: &DatabaseConnection, rule_id: i64) -> Vec<alert_event::Model> {
    alert_event::Entity::find()
        .filter(alert_event::Column::RuleId.eq(rule_id))
        .all(db)
        .await
        .unwrap()
}

on_both!(risk_rules_fire_once_per_level_and_day, |db| {
    let f = firm(&db).await;
    let ch = publish(
        &db,
        &f,
        one_step(
            "Instant",
            funded(SettlementFrequency::Monthly, Distribution::Automatic),
        ),
    )
    .await;
    let t = trader(&db, &f, "t@example.com", None).await;
    let (_, acc) = join(&db, &f, t, ch).await;
    let big = alerts::save_rule(
        &db,
        f.admin,
        rule("Big day", "account_profit", "100", "100"),
    )
    .await
    .unwrap();
    let pct = alerts::save_rule(&db, f.admin, rule("2% day", "account_profit_pct", "2", "0"))
        .await
        .unwrap();
    let mut sym = rule("Gold", "symbol_profit", "50", "0");
    sym.symbol = "eurusd".into();
    let sym = alerts::save_rule(&db, f.admin, sym).await.unwrap();
    let mut demo_only = rule("Demo only", "account_profit", "1", "0");
    demo_only.environment = "demo".into();
    let demo_only = alerts::save_rule(&db, f.admin, demo_only).await.unwrap();

    open(&db, t, acc, "buy", "1").await;
    sim::set_price(&db, "EURUSD", "1.08599").await.unwrap();
    assert!(
        risk_events(&db, big).await.is_empty(),
        "99.00 is below 100.00"
    );
    sim::set_price(&db, "EURUSD", "1.08650").await.unwrap();
    assert_eq!(risk_events(&db, big).await.len(), 1);
    sim::set_price(&db, "EURUSD", "1.08680").await.unwrap();
    assert_eq!(risk_events(&db, big).await.len(), 1, "the same level");
    // 200.00: the next step, 2% of the day's 10,000.00 is 200.00 too.
    sim::set_price(&db, "EURUSD", "1.08700").await.unwrap();
    let fired = risk_events(&db, big).await;
    assert_eq!((fired.len(), fired[1].level), (2, 2));
    assert_eq!(risk_events(&db, pct).await.len(), 1);
    // Closed profit on the symbol: fires when the trade closes.
    assert!(risk_events(&db, sym).await.is_empty());
    close_all(&db, t, acc).await;
    assert_eq!(risk_events(&db, sym).await.len(), 1);
    assert!(
        risk_events(&db, demo_only).await.is_empty(),
        "a live account"
    );
    // A new day starts every rule again.
    sim::advance_day(&db).await.unwrap();
    open(&db, t, acc, "buy", "1").await;
    sim::set_price(&db, "EURUSD", "1.08850").await.unwrap();
    assert_eq!(risk_events(&db, big).await.len(), 3);
    // Staff see them on the feed, newest first, and acknowledge one once.
    let feed = alerts::feed(
        &db,
        &app::server::identity::scope::Scope::Firm,
        0,
        "risk",
        50,
    )
    .await
    .unwrap();
    assert_eq!(feed.open, 5);
    let newest = feed.items[0].id;
    alerts::acknowledge(
        &db,
        f.admin,
        &app::server::identity::scope::Scope::Firm,
        newest,
    )
    .await
    .unwrap();
    alerts::acknowledge(
        &db,
        f.admin,
        &app::server::identity::scope::Scope::Firm,
        newest,
    )
    .await
    .unwrap();
    assert_eq!(
        alerts::feed(
            &db,
            &app::server::identity::scope::Scope::Firm,
            0,
            "risk",
            50
        )
        .await
        .unwrap()
        .open,
        4
    );
    assert!(
        alerts::feed(
            &db,
            &app::server::identity::scope::Scope::Firm,
            newest,
            "",
            50
        )
        .await
        .unwrap()
        .items
        .is_empty()
    );
    assert!(matches!(
        alerts::acknowledge(
            &db,
            f.admin,
            &app::server::identity::scope::Scope::Firm,
            999_999
        )
        .await,
        Err(AppError::NotFound)
    ));
    // A rule deleted is gone, and is audited; deleting it again finds nothing.
    alerts::delete_rule(&db, f.admin, demo_only).await.unwrap();
    assert!(
        alerts::rules(&db)
            .await
            .unwrap()
            .iter()
            .all(|r| r.id != demo_only)
    );
    assert!(matches!(
        alerts::delete_rule(&db, f.admin, demo_only).await,
        Err(AppError::NotFound)
    ));
});

on_both!(impossible_alerts_are_refused_and_change_nothing, |db| {
    let f = firm(&db).await;
    for (input, field, err) in [
        (
            rule("Zero", "account_profit", "0", "0"),
            "threshold",
            "err.amount_not_positive",
        ),
        (
            rule("Negative", "account_profit", "-5", "0"),
            "threshold",
            "err.amount_not_positive",
        ),
        (
            rule("Text", "account_profit", "lots", "0"),
            "threshold",
            "err.amount_invalid",
        ),
        (
            rule("Huge", "account_profit", "99999999999999999", "0"),
            "threshold",
            "err.amount_too_large",
        ),
        (
            rule("Pct", "account_profit_pct", "0", "0"),
            "threshold",
            "err.amount_not_positive",
        ),
        (
            rule("Pct", "account_profit_pct", "20000", "0"),
            "threshold",
            "err.alert_threshold_pct",
        ),
        (
            rule("", "account_profit", "100", "0"),
            "name",
            "err.required",
        ),
        (
            rule("Step", "account_profit", "100", "-1"),
            "step",
            "err.amount_not_positive",
        ),
        (
            rule("Kind", "account_loss", "100", "0"),
            "kind",
            "err.alert_kind_unknown",
        ),
        (
            rule("Symbol", "symbol_profit", "100", "0"),
            "symbol",
            "err.symbol_invalid",
        ),
    ] {
        let e = alerts::save_rule(&db, f.admin, input).await.unwrap_err();
        assert_eq!(code(e, field), err, "{field}");
    }
    let mut other = rule("Elsewhere", "account_profit", "100", "0");
    other.challenge_id = 999_999;
    let e = alerts::save_rule(&db, f.admin, other).await.unwrap_err();
    assert_eq!(code(e, "challenge"), "err.challenge_unknown");
    assert_eq!(common::count(&db, "alert_rule").await, 0);
    for (daily, field) in [
        (vec![0], "daily_loss"),
        (vec![10_000], "daily_loss"),
        (vec![12_000], "daily_loss"),
    ] {
        let s = app::domain::alerts::TraderAlertSettings {
            daily_loss_bps: daily,
            ..Default::default()
        };
        let e = alerts::save_settings(&db, f.admin, s).await.unwrap_err();
        assert_eq!(code(e, field), "err.alert_share_range");
    }
    assert_eq!(alerts::settings(&db).await.unwrap(), Default::default());
    assert!(matches!(
        alerts::feed(
            &db,
            &app::server::identity::scope::Scope::Firm,
            0,
            "nobody",
            10
        )
        .await,
        Err(AppError::Invalid(_))
    ));
});

// The dashboard's figures against the same data summed by hand.
on_both!(the_dashboard_matches_a_hand_computation, |db| {
    let f = firm(&db).await;
    let instant = publish(
        &db,
        &f,
        one_step(
            "Instant",
            funded(SettlementFrequency::Monthly, Distribution::Automatic),
        ),
    )
    .await;
    let eval = publish(&db, &f, evaluation()).await;
    let a = trader(&db, &f, "a@example.com", None).await;
    let b = trader(&db, &f, "b@example.com", None).await;
    let c = trader(&db, &f, "c@example.com", None).await;
    let demo = trader(&db, &f, "demo@example.com", None).await;
    // a: +300.00 settled (240.00 paid, 60.00 the firm's).
    let (pa, acc_a) = join(&db, &f, a, instant).await;
    trade_to(&db, a, acc_a, "1.08800").await;
    profit_share::settle_now(&db, f.admin, pa, &here())
        .await
        .unwrap();
    // b: a funded account that breaches its 500.00 daily limit: 500.00 lost.
    let (_, acc_b) = join(&db, &f, b, instant).await;
    sim::set_price(&db, "EURUSD", "1.08500").await.unwrap();
    open(&db, b, acc_b, "buy", "1").await;
    sim::set_price(&db, "EURUSD", "1.08000").await.unwrap();
    assert_eq!(account(&db, acc_b).await.status, "failed");
    // c: an evaluation that fails too (a stage-1 decision).
    let (_, acc_c) = join(&db, &f, c, eval).await;
    sim::set_price(&db, "EURUSD", "1.08500").await.unwrap();
    open(&db, c, acc_c, "buy", "1").await;
    sim::set_price(&db, "EURUSD", "1.08000").await.unwrap();
    // demo: a test participant with a settlement, tagged demo.
    let (pd, acc_d) = join(&db, &f, demo, instant).await;
    trade_to(&db, demo, acc_d, "1.09500").await;
    profit_share::settle_now(&db, f.admin, pd, &here())
        .await
        .unwrap();
    participants::set_data_type(&db, f.admin, pd, "demo", "")
        .await
        .unwrap();

    let d = dashboard::dashboard(
        &db,
        app::server::identity::scope::Scope::Firm,
        &DashboardQuery::default(),
    )
    .await
    .unwrap();
    let fig = |k: &str| d.figures.iter().find(|x| x.key == k).unwrap().minor;
    // By hand: three real fees of 100.00; a's share; b's loss; two funded accounts of 10,000.
    assert_eq!(fig("prop.dash_fees"), 3 * 10_000);
    assert_eq!(fig("prop.dash_payouts"), 24_000);
    assert_eq!(fig("prop.dash_broker_profit"), 30_000 - 24_000);
    assert_eq!(fig("prop.dash_broker_loss"), -50_000);
    assert_eq!(fig("prop.dash_funded"), 2 * 1_000_000);
    assert_eq!(d.participants, 3);
    let failed = d
        .by_status
        .iter()
        .find(|s| s.status == ParticipantStatus::Failed)
        .unwrap();
    assert_eq!(failed.count, 2);
    let s1 = d.by_stage.iter().find(|s| s.stage == 1).unwrap();
    // Stage 1 holds both challenges' first stages: a is funded there, b and c failed.
    assert_eq!(
        (s1.in_progress, s1.passed, s1.failed, s1.pass_rate_bps),
        (1, 0, 2, Some(0))
    );
    // One challenge only.
    let only = dashboard::dashboard(
        &db,
        app::server::identity::scope::Scope::Firm,
        &DashboardQuery {
            challenge: eval,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let fig = |k: &str| only.figures.iter().find(|x| x.key == k).unwrap().minor;
    assert_eq!(
        (
            fig("prop.dash_fees"),
            fig("prop.dash_payouts"),
            only.participants
        ),
        (10_000, 0, 1)
    );
    // A period before anything happened.
    let empty = dashboard::dashboard(
        &db,
        app::server::identity::scope::Scope::Firm,
        &DashboardQuery {
            from: "2020-01-01".into(),
            to: "2020-01-31".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(empty.figures.iter().all(|x| x.minor == 0));
    // Tagging the demo participant real brings its figures back.
    participants::set_data_type(&db, f.admin, pd, "real", "")
        .await
        .unwrap();
    let all = dashboard::dashboard(
        &db,
        app::server::identity::scope::Scope::Firm,
        &DashboardQuery::default(),
    )
    .await
    .unwrap();
    let fig = |k: &str| all.figures.iter().find(|x| x.key == k).unwrap().minor;
    assert_eq!(fig("prop.dash_payouts"), 24_000 + 80_000);
    // Bad input.
    for (q, field, err) in [
        (
            DashboardQuery {
                from: "2026-13-01".into(),
                ..Default::default()
            },
            "from",
            "err.date_invalid",
        ),
        (
            DashboardQuery {
                from: "2026-02-01".into(),
                to: "2026-01-01".into(),
                ..Default::default()
            },
            "to",
            "err.date_range",
        ),
        (
            DashboardQuery {
                challenge: 999_999,
                ..Default::default()
            },
            "challenge",
            "err.challenge_unknown",
        ),
        (
            DashboardQuery {
                currency: "XXX".into(),
                ..Default::default()
            },
            "currency",
            "err.currency_unknown",
        ),
    ] {
        let e = dashboard::dashboard(&db, app::server::identity::scope::Scope::Firm, &q)
            .await
            .unwrap_err();
        assert_eq!(code(e, field), err);
    }
    assert!(matches!(
        participants::set_data_type(&db, f.admin, pd, "paper", "").await,
        Err(AppError::Invalid(_))
    ));
});

on_both!(the_fee_report_lists_fees_refunds_and_their_totals, |db| {
    let f = firm(&db).await;
    let eval = publish(&db, &f, evaluation()).await;
    let ib = make_user(&db, UserKind::Ib, "ib@example.com", None).await;
    let a = trader(&db, &f, "a@example.com", Some(ib.id)).await;
    let b = trader(&db, &f, "b@example.com", None).await;
    join(&db, &f, a, eval).await;
    // b's participation is turned down: the fee comes back.
    let (_, req) = participation::participate(
        &db,
        b,
        ParticipateInput {
            coupon: 0,
            promo_code: String::new(),
            challenge_id: eval,
            package_key: "p1".into(),
            pay_method: "wallet".into(),
            idempotency_key: "b-1".into(),
        },
        &here(),
    )
    .await
    .unwrap();
    approvals::reject(&db, f.admin, req.id, "no", &here())
        .await
        .unwrap();
    let report = |kind: &str, f: PropFilter| {
        let (db, kind) = (db.clone(), kind.to_string());
        async move {
            let q = ListQuery {
                filter: kind,
                ..Default::default()
            };
            fees::report(
                &db,
                &app::server::identity::scope::Scope::Firm,
                &q,
                &f,
                false,
            )
            .await
        }
    };
    let all = report("", PropFilter::default()).await.unwrap();
    assert_eq!(all.page.rows.len(), 3);
    let t = &all.totals[0];
    assert_eq!(
        (t.fees.as_str(), t.refunds.as_str(), t.net.as_str()),
        ("200.00", "-100.00", "100.00")
    );
    let refunds = report("refund", PropFilter::default()).await.unwrap();
    assert_eq!(refunds.page.rows.len(), 1);
    assert_eq!(refunds.page.rows[0].amount, "-100.00");
    // The referring IB is on the participant and its fees.
    let by_ib = report(
        "",
        PropFilter {
            ib: ib.id,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_ib.page.rows.len(), 1);
    assert_eq!(by_ib.page.rows[0].ib, "Test User");
    let e = report("bonus", PropFilter::default()).await.unwrap_err();
    assert_eq!(code(e, "filter"), "err.fee_kind_unknown");
});

on_both!(
    participants_filter_by_challenge_package_stage_ib_and_data_type,
    |db| {
        let f = firm(&db).await;
        let instant = publish(
            &db,
            &f,
            one_step(
                "Instant",
                funded(SettlementFrequency::Monthly, Distribution::Automatic),
            ),
        )
        .await;
        let eval = publish(&db, &f, evaluation()).await;
        let ib = make_user(&db, UserKind::Ib, "ib@example.com", None).await;
        let a = trader(&db, &f, "a@example.com", Some(ib.id)).await;
        let b = trader(&db, &f, "b@example.com", None).await;
        let (pa, _) = join(&db, &f, a, instant).await;
        let (pb, _) = join(&db, &f, b, eval).await;
        participants::set_data_type(&db, f.admin, pb, "demo", "")
            .await
            .unwrap();
        let ids = |f: PropFilter| {
            let db = db.clone();
            async move {
                participants::list(
                    &db,
                    &app::server::identity::scope::Scope::Firm,
                    &ListQuery::default(),
                    &f,
                    false,
                )
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            ids(PropFilter {
                challenge: instant,
                ..Default::default()
            })
            .await,
            vec![pa]
        );
        assert_eq!(
            ids(PropFilter {
                challenge: eval,
                package: "p1".into(),
                stage: 1,
                ..Default::default()
            })
            .await,
            vec![pb]
        );
        assert!(
            ids(PropFilter {
                stage: 2,
                ..Default::default()
            })
            .await
            .is_empty()
        );
        assert_eq!(
            ids(PropFilter {
                ib: ib.id,
                ..Default::default()
            })
            .await,
            vec![pa]
        );
        assert_eq!(
            ids(PropFilter {
                data_type: "demo".into(),
                ..Default::default()
            })
            .await,
            vec![pb]
        );
        let row = participants::list(
            &db,
            &app::server::identity::scope::Scope::Firm,
            &ListQuery::default(),
            &PropFilter {
                ib: ib.id,
                ..Default::default()
            },
            false,
        )
        .await
        .unwrap()
        .rows
        .remove(0);
        assert_eq!(row.ib, "Test User");
        for (f, field) in [
            (
                PropFilter {
                    data_type: "paper".into(),
                    ..Default::default()
                },
                "data_type",
            ),
            (
                PropFilter {
                    stage: -1,
                    ..Default::default()
                },
                "filter",
            ),
        ] {
            let e = participants::list(
                &db,
                &app::server::identity::scope::Scope::Firm,
                &ListQuery::default(),
                &f,
                true,
            )
            .await
            .unwrap_err();
            assert!(
                matches!(e, AppError::Invalid(ref v) if v[0].field == field),
                "{e:?}"
            );
        }
        let e = participants::list(
            &db,
            &app::server::identity::scope::Scope::Firm,
            &ListQuery {
                from: "yesterday".into(),
                ..Default::default()
            },
            &PropFilter::default(),
            true,
        )
        .await
        .unwrap_err();
        assert_eq!(code(e, "from"), "err.date_invalid");
        let _: Vec<participant::Model> = participant::Entity::find().all(&db).await.unwrap();
    }
);

on_both!(
    demo_data_has_settlements_alerts_and_a_filled_dashboard,
    |db| {
        app::server::identity::roles::ensure_system_roles(&db)
            .await
            .unwrap();
        app::server::seed::seed_demo(&db, &common::cfg())
            .await
            .unwrap();
        let mut statuses: Vec<String> = share::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.status.to_string())
            .collect();
        statuses.sort();
        assert_eq!(statuses, vec!["paid", "paid", "paid", "pending_review"]);
        let demo = participant::Entity::find()
            .filter(participant::Column::DataType.eq("demo"))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(demo, 1);
        assert!(
            alerts::feed(
                &db,
                &app::server::identity::scope::Scope::Firm,
                0,
                "risk",
                100
            )
            .await
            .unwrap()
            .items
            .len()
                >= 4
        );
        let warned = alerts::feed(
            &db,
            &app::server::identity::scope::Scope::Firm,
            0,
            "trader",
            100,
        )
        .await
        .unwrap()
        .items;
        assert!(
            warned.iter().any(|e| e.code == "daily_loss_80"),
            "{warned:?}"
        );
        let d = dashboard::dashboard(
            &db,
            app::server::identity::scope::Scope::Firm,
            &DashboardQuery::default(),
        )
        .await
        .unwrap();
        assert!(d.figures.iter().all(|f| f.minor != 0), "{:?}", d.figures);
        assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
    }
);

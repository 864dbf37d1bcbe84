//! The prop core on SQLite and PostgreSQL: a challenge is published and bought, the stage
//! accounts trade on the simulated platform, the rules engine passes and fails stages as the
//! updates arrive, the live step goes through the approval engine, and bad input changes
//! nothing.
use crate::common;
use app::domain::access::UserKind;
use app::domain::approval::RequestStatus;
use app::domain::challenge::{ChallengeDef, Environment, StageDef};
use app::domain::participant::ParticipantStatus;
use app::error::AppError;
use app::server::entity::{participant, request, trading_account};
use app::server::money::wallets::{self, Adjustment};
use app::server::prop::participation::{self, ParticipateInput};
use app::server::trading::sim::{self, Order};
use app::server::{approvals, infra::jobs, money::ledger, prop::challenges, trading::risk};
use chrono::{Duration, Utc};
use common::make_user;
use common::prop::{admin_with_still_feed, evaluation_stage, publish, usd_challenge};
use common::{code, here};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

/// Two evaluation stages and a live stage.
fn two_step() -> ChallengeDef {
    let (eval, live) = (evaluation_stage(), StageDef::live_default());
    usd_challenge("Two step", vec![eval.clone(), eval, live])
}

struct Firm {
    admin: i64,
    challenge: i64,
}

async fn firm(db: &DatabaseConnection) -> Firm {
    let admin = admin_with_still_feed(db).await;
    let challenge = publish(db, admin, two_step()).await;
    Firm { admin, challenge }
}

async fn funded_trader(db: &DatabaseConnection, f: &Firm, email: &str, usd: &str) -> i64 {
    let t = make_user(db, UserKind::Trader, email, None).await;
    wallets::adjust(
        db,
        f.admin,
        Adjustment {
            idempotency_key: format!("fund-{email}"),
            user_id: t.id,
            currency: "USD".into(),
            direction: "deposit".into(),
            amount: usd.into(),
            comment: "test funds".into(),
        },
        &here(),
    )
    .await
    .unwrap();
    t.id
}

async fn buy(db: &DatabaseConnection, f: &Firm, trader: i64, key: &str) -> Result<i64, AppError> {
    participation::participate(
        db,
        trader,
        ParticipateInput {
            coupon: 0,
            promo_code: String::new(),
            challenge_id: f.challenge,
            package_key: "p1".into(),
            pay_method: "wallet".into(),
            idempotency_key: key.into(),
        },
        &here(),
    )
    .await
    .map(|(p, _)| p.id)
}

async fn usd(db: &DatabaseConnection, user: i64) -> i64 {
    let cur = app::domain::money::currency("USD").unwrap();
    ledger::wallet(db, user, cur).await.unwrap().balance_minor
}

async fn pending_request(db: &DatabaseConnection, kind: &str, user: i64) -> request::Model {
    request::Entity::find()
        .filter(request::Column::Kind.eq(kind))
        .filter(request::Column::UserId.eq(user))
        .filter(request::Column::Status.eq("pending"))
        .one(db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no pending {kind} request"))
}

async fn current(
    db: &DatabaseConnection,
    pid: i64,
) -> (participant::Model, trading_account::Model) {
    let p = participation::find(db, pid).await.unwrap();
    let acc = trading_account::Entity::find_by_id(p.account_id.expect("an account"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    (p, acc)
}

async fn trade(db: &DatabaseConnection, trader: i64, acc: i64, side: &str, lots: &str) {
    sim::open(
        db,
        trader,
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

async fn close_all(db: &DatabaseConnection, trader: i64, acc: i64) {
    let a = trading_account::Entity::find_by_id(acc)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    for (pos, _, _) in sim::open_positions(db, &a).await.unwrap() {
        sim::close(db, trader, pos.id).await.unwrap();
    }
}

/// Earns the stage's 10% with one lot of EURUSD (1,100 points = 1,100.00 USD), closes it, and
/// lets the day end: the stage passes at the end of that day.
async fn pass_stage(db: &DatabaseConnection, trader: i64, acc: i64) {
    sim::set_price(db, "EURUSD", "1.08500").await.unwrap();
    trade(db, trader, acc, "buy", "1").await;
    sim::set_price(db, "EURUSD", "1.09600").await.unwrap();
    close_all(db, trader, acc).await;
    // Not before the day ends.
    let txn = db.begin().await.unwrap();
    assert_eq!(
        risk::roll_account(&txn, acc, Utc::now()).await.unwrap(),
        None
    );
    txn.commit().await.unwrap();
    // The simulator's clock moves to the next day: the stage passes at that midnight.
    assert_eq!(sim::advance_day(db).await.unwrap(), 1);
    let a = trading_account::Entity::find_by_id(acc)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.status, "passed");
}

on_both!(go_live, |db| {
    let f = firm(&db).await;
    let trader = funded_trader(&db, &f, "t1@example.com", "1000").await;
    let pid = buy(&db, &f, trader, "buy-1").await.unwrap();
    // The fee left the wallet before anyone looked at the request.
    assert_eq!(usd(&db, trader).await, 90_000);
    let p = participation::find(&db, pid).await.unwrap();
    assert_eq!(p.status, ParticipantStatus::PendingApproval);
    // A double submit is the same participation.
    assert_eq!(buy(&db, &f, trader, "buy-1").await.unwrap(), pid);
    assert_eq!(usd(&db, trader).await, 90_000);

    let req = pending_request(&db, "participation", trader).await;
    approvals::approve(&db, f.admin, req.id, 1, "", &here())
        .await
        .unwrap();
    let (p, acc) = current(&db, pid).await;
    assert_eq!((p.status, p.stage), (ParticipantStatus::InProgress, 0));
    assert_eq!((acc.balance, acc.environment.as_str()), (1_000_000, "demo"));
    assert_eq!(acc.login.len(), 8);

    pass_stage(&db, trader, acc.id).await;
    let first = acc.id;
    let (p, acc) = current(&db, pid).await;
    assert_eq!((p.status, p.stage), (ParticipantStatus::InProgress, 1));
    assert_ne!(acc.id, first);
    let old = trading_account::Entity::find_by_id(first)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((old.status.as_str(), old.enabled), ("passed", false));

    pass_stage(&db, trader, acc.id).await;
    let p = participation::find(&db, pid).await.unwrap();
    assert_eq!(p.status, ParticipantStatus::PendingLive);
    let live = pending_request(&db, "live_step", trader).await;
    approvals::approve(&db, f.admin, live.id, 1, "", &here())
        .await
        .unwrap();
    let (p, acc) = current(&db, pid).await;
    assert_eq!((p.status, p.stage), (ParticipantStatus::InProgress, 2));
    assert_eq!(acc.environment, "live");
    assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
});

on_both!(daily_loss_breach_fails_at_once, |db| {
    let f = firm(&db).await;
    let trader = funded_trader(&db, &f, "t2@example.com", "500").await;
    let pid = buy(&db, &f, trader, "buy-2").await.unwrap();
    let req = pending_request(&db, "participation", trader).await;
    approvals::approve(&db, f.admin, req.id, 1, "", &here())
        .await
        .unwrap();
    let (_, acc) = current(&db, pid).await;
    sim::set_price(&db, "EURUSD", "1.08500").await.unwrap();
    trade(&db, trader, acc.id, "buy", "1").await;
    // 499.00 down: just inside the 500.00 daily limit.
    sim::set_price(&db, "EURUSD", "1.08001").await.unwrap();
    let (p, acc) = current(&db, pid).await;
    assert_eq!(p.status, ParticipantStatus::InProgress);
    assert_eq!(acc.equity, 1_000_000 - 49_900);
    // 500.00 down: the price update itself fails the stage.
    sim::set_price(&db, "EURUSD", "1.08000").await.unwrap();
    let (p, acc) = current(&db, pid).await;
    assert_eq!(
        (p.status, p.reason.as_str()),
        (ParticipantStatus::Failed, "max_daily_loss")
    );
    assert_eq!((acc.status.as_str(), acc.enabled), ("failed", false));
    assert_eq!((acc.open_positions, acc.balance), (0, 1_000_000 - 50_000));
    let d: app::domain::rules::Decision = serde_json::from_str(&acc.decision).unwrap();
    let app::domain::rules::Decision::Breach(fig) = d else {
        panic!("{d:?}")
    };
    assert_eq!(
        (fig.value, fig.base, fig.bps),
        (50_000, 1_000_000, Some(500))
    );
    // A disabled account takes no orders.
    let e = sim::open(
        &db,
        trader,
        acc.id,
        Order {
            symbol: "EURUSD".into(),
            side: "buy".into(),
            volume: "1".into(),
            stop_loss: String::new(),
            take_profit: String::new(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(code(e, "account"), "err.account_not_tradable");
    // The stage allows retries: a new account for the same stage.
    let r = participation::retry(&db, trader, pid, "retry-1", &here())
        .await
        .unwrap();
    assert_eq!(
        r.status,
        RequestStatus::Approved,
        "free retries approve themselves"
    );
    let (p, again) = current(&db, pid).await;
    assert_eq!(
        (p.status, p.stage, p.attempt),
        (ParticipantStatus::InProgress, 0, 2)
    );
    assert_ne!(again.id, acc.id);
});

on_both!(rejection_refunds_and_bad_input_changes_nothing, |db| {
    let f = firm(&db).await;
    let poor = funded_trader(&db, &f, "poor@example.com", "50").await;
    let e = buy(&db, &f, poor, "poor-1").await.unwrap_err();
    assert_eq!(code(e, "pay_method"), "err.fee_exceeds_wallet");
    assert_eq!(usd(&db, poor).await, 5_000);
    assert_eq!(common::count(&db, "participant").await, 0);
    assert_eq!(common::count(&db, "request").await, 0);

    let bad = |challenge_id: i64, package: &str, pay: &str| ParticipateInput {
        coupon: 0,
        promo_code: String::new(),
        challenge_id,
        package_key: package.into(),
        pay_method: pay.into(),
        idempotency_key: "bad".into(),
    };
    for (input, field, key) in [
        (
            bad(9_999, "p1", "wallet"),
            "challenge",
            "err.challenge_unknown",
        ),
        (
            bad(f.challenge, "nope", "wallet"),
            "package",
            "err.package_unknown",
        ),
        (
            bad(f.challenge, "p1", "cash"),
            "pay_method",
            "err.pay_method_unknown",
        ),
    ] {
        let e = participation::participate(&db, poor, input, &here())
            .await
            .unwrap_err();
        assert_eq!(code(e, field), key);
    }
    assert_eq!(common::count(&db, "participant").await, 0);

    let trader = funded_trader(&db, &f, "t3@example.com", "100").await;
    let pid = buy(&db, &f, trader, "buy-3").await.unwrap();
    assert_eq!(usd(&db, trader).await, 0);
    let req = pending_request(&db, "participation", trader).await;
    approvals::reject(&db, f.admin, req.id, "not this month", &here())
        .await
        .unwrap();
    assert_eq!(usd(&db, trader).await, 10_000, "the fee came back");
    let p = participation::find(&db, pid).await.unwrap();
    assert_eq!(p.status, ParticipantStatus::Rejected);
    assert!(ledger::check_invariants(&db).await.unwrap().is_empty());

    // Terminated: no new participants.
    challenges::terminate(&db, f.admin, f.challenge, &here())
        .await
        .unwrap();
    let e = buy(&db, &f, trader, "buy-4").await.unwrap_err();
    assert_eq!(code(e, "challenge"), "err.challenge_terminated");
});

on_both!(drafts_publish_and_validation, |db| {
    let f = firm(&db).await;
    // An edit is a draft until published, and publishing shows what changed.
    let mut def = two_step();
    def.packages[0].stages[0].profit_target_bps = Some(800);
    challenges::save(&db, f.admin, Some(f.challenge), def, &here())
        .await
        .unwrap();
    let e = challenges::edit(&db, f.challenge).await.unwrap();
    assert_eq!(e.version, 1);
    assert_eq!(e.changes.len(), 1, "{:?}", e.changes);
    assert_eq!(e.changes[0].field, "packages.0.stages.0.profit_target");
    challenges::publish(&db, f.admin, f.challenge, &here())
        .await
        .unwrap();
    let e = challenges::edit(&db, f.challenge).await.unwrap();
    assert_eq!((e.version, e.changes.len()), (2, 0));
    let e = challenges::publish(&db, f.admin, f.challenge, &here())
        .await
        .unwrap_err();
    assert_eq!(code(e, "challenge"), "err.nothing_to_publish");

    // Impossible rules are refused and nothing is saved.
    let mut bad = two_step();
    bad.packages[0].stages[0].max_daily_loss_bps = Some(-5);
    bad.packages[0].stages = {
        let mut s = bad.packages[0].stages.clone();
        s.swap(0, 2);
        s
    };
    let e = challenges::save(&db, f.admin, None, bad, &here())
        .await
        .unwrap_err();
    let AppError::Invalid(fields) = e else {
        panic!()
    };
    assert!(
        fields.iter().any(|x| x.field.ends_with("environment")),
        "{fields:?}"
    );
    assert_eq!(common::count(&db, "challenge").await, 1);

    // A duplicate is a new draft; clients only see published challenges.
    let copy = challenges::duplicate(&db, f.admin, f.challenge, &here())
        .await
        .unwrap();
    let trader = funded_trader(&db, &f, "t4@example.com", "10").await;
    let cards = challenges::for_client(&db, trader, "en").await.unwrap();
    assert_eq!(
        cards.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![f.challenge]
    );
    assert_ne!(copy, f.challenge);
    // One-step: a single live stage is valid.
    let mut one = two_step();
    one.packages[0].stages = vec![StageDef {
        environment: Environment::Live,
        ..StageDef::live_default()
    }];
    challenges::save(&db, f.admin, None, one, &here())
        .await
        .unwrap();
});

on_both!(only_one_holder_runs_a_job, |db| {
    assert!(
        jobs::lease(&db, "day_roll", "a", Duration::seconds(30))
            .await
            .unwrap()
    );
    assert!(
        !jobs::lease(&db, "day_roll", "b", Duration::seconds(30))
            .await
            .unwrap()
    );
    assert!(
        jobs::lease(&db, "day_roll", "a", Duration::seconds(30))
            .await
            .unwrap()
    );
    // An expired lease passes to the next instance.
    assert!(
        jobs::lease(&db, "feed", "a", Duration::seconds(-1))
            .await
            .unwrap()
    );
    assert!(
        jobs::lease(&db, "feed", "b", Duration::seconds(30))
            .await
            .unwrap()
    );
});

on_both!(demo_data_has_participants_at_every_status, |db| {
    app::server::identity::roles::ensure_system_roles(&db)
        .await
        .unwrap();
    app::server::seed::seed_demo(&db, &common::cfg())
        .await
        .unwrap();
    let mut statuses: Vec<String> = participant::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.status.to_string())
        .collect();
    statuses.sort();
    assert_eq!(
        statuses,
        vec![
            "failed",
            "failed",
            "in_progress",
            "in_progress",
            "in_progress",
            "in_progress",
            "in_progress",
            "in_progress",
            // The demo IB's tree: Mei Lin and Jonas Berg.
            "in_progress",
            "in_progress",
            "pending_approval",
            "pending_live"
        ]
    );
    assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
    // The IB programme's demo: commissions of both structures, a referrer's profit share, two
    // links with visits.
    use app::server::entity::{fee_commission, profit_share_part};
    use sea_orm::PaginatorTrait;
    let structures: std::collections::BTreeSet<String> = fee_commission::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.structure.as_str().to_string())
        .collect();
    for s in ["level", "rank", "override"] {
        assert!(
            structures.contains(s),
            "no {s} commission in {structures:?}"
        );
    }
    let referrer_parts = profit_share_part::Entity::find()
        .filter(profit_share_part::Column::Recipient.eq("referrer"))
        .count(&db)
        .await
        .unwrap();
    assert!(referrer_parts > 0);
    assert_eq!(common::count(&db, "promo_link").await, 2);
    assert!(common::count(&db, "promo_click").await >= 20);
    // Seeding again adds nothing.
    app::server::seed::seed_demo(&db, &common::cfg())
        .await
        .unwrap();
    assert_eq!(common::count(&db, "participant").await, 12);
});

on_both!(orders_and_staff_actions_refuse_bad_input, |db| {
    let f = firm(&db).await;
    let trader = funded_trader(&db, &f, "t5@example.com", "500").await;
    let other = funded_trader(&db, &f, "t6@example.com", "500").await;
    let pid = buy(&db, &f, trader, "buy-5").await.unwrap();
    let req = pending_request(&db, "participation", trader).await;
    approvals::approve(&db, f.admin, req.id, 1, "", &here())
        .await
        .unwrap();
    let (_, acc) = current(&db, pid).await;
    sim::set_price(&db, "EURUSD", "1.08500").await.unwrap();
    let order = |symbol: &str, side: &str, volume: &str, sl: &str, tp: &str| Order {
        symbol: symbol.into(),
        side: side.into(),
        volume: volume.into(),
        stop_loss: sl.into(),
        take_profit: tp.into(),
    };
    for (o, field, key) in [
        (
            order("EURUSD", "buy", "0", "", ""),
            "volume",
            "err.volume_invalid",
        ),
        (
            order("EURUSD", "buy", "-1", "", ""),
            "volume",
            "err.volume_invalid",
        ),
        (
            order("EURUSD", "buy", "0.001", "", ""),
            "volume",
            "err.volume_too_precise",
        ),
        (
            order("EURUSD", "buy", "1e9", "", ""),
            "volume",
            "err.volume_too_large",
        ),
        (
            order("EURUSD", "buy", "101", "", ""),
            "volume",
            "err.volume_too_large",
        ),
        (
            order("EURUSD", "buy", "abc", "", ""),
            "volume",
            "err.volume_invalid",
        ),
        (
            order("DOGEUSD", "buy", "1", "", ""),
            "symbol",
            "err.symbol_unknown",
        ),
        (
            order("EURUSD", "hold", "1", "", ""),
            "side",
            "err.side_unknown",
        ),
        (
            order("EURUSD", "buy", "1", "1.09000", ""),
            "stop_loss",
            "err.sl_wrong_side",
        ),
        (
            order("EURUSD", "sell", "1", "", "1.09000"),
            "take_profit",
            "err.tp_wrong_side",
        ),
        (
            order("EURUSD", "buy", "1", "1.0800001", ""),
            "stop_loss",
            "err.price_too_precise",
        ),
        (
            order("EURUSD", "buy", "1", "-1", ""),
            "stop_loss",
            "err.price_invalid",
        ),
        // 100 lots of BTCUSD need far more margin than 10,000.00 at 1:100.
        (
            order("BTCUSD", "buy", "100", "", ""),
            "volume",
            "err.not_enough_margin",
        ),
    ] {
        let e = sim::open(&db, trader, acc.id, o).await.unwrap_err();
        assert_eq!(code(e, field), key);
    }
    // Another client's account is not found, and nothing was opened.
    let e = sim::open(&db, other, acc.id, order("EURUSD", "buy", "1", "", ""))
        .await
        .unwrap_err();
    assert_eq!(e, AppError::NotFound);
    assert_eq!(common::count(&db, "sim_position").await, 0);

    trade(&db, trader, acc.id, "buy", "1").await;
    let a = trading_account::Entity::find_by_id(acc.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let (pos, _, _) = sim::open_positions(&db, &a).await.unwrap().remove(0);
    assert_eq!(
        sim::close(&db, other, pos.id).await.unwrap_err(),
        AppError::NotFound
    );
    assert_eq!(
        sim::close(&db, trader, 9_999).await.unwrap_err(),
        AppError::NotFound
    );
    // Staff cannot advance a participant holding positions, nor without a comment.
    let e = participation::advance(&db, f.admin, pid, "", &here())
        .await
        .unwrap_err();
    assert_eq!(code(e, "comment"), "err.comment_required");
    let e = participation::advance(&db, f.admin, pid, "ok", &here())
        .await
        .unwrap_err();
    assert_eq!(code(e, "participant"), "err.open_positions");
    sim::close(&db, trader, pos.id).await.unwrap();
    assert_eq!(
        code(
            sim::close(&db, trader, pos.id).await.unwrap_err(),
            "position"
        ),
        "err.position_closed"
    );
    participation::advance(&db, f.admin, pid, "reviewed", &here())
        .await
        .unwrap();
    let (p, _) = current(&db, pid).await;
    assert_eq!((p.status, p.stage), (ParticipantStatus::InProgress, 1));
    // A retry needs a failed stage.
    let e = participation::retry(&db, trader, pid, "r-1", &here())
        .await
        .unwrap_err();
    assert_eq!(code(e, "participant"), "err.retry_not_failed");
    // Prices: unknown symbols and impossible prices change nothing.
    assert_eq!(
        code(
            sim::set_price(&db, "NOPE", "1").await.unwrap_err(),
            "symbol"
        ),
        "err.symbol_unknown"
    );
    assert_eq!(
        code(
            sim::set_price(&db, "EURUSD", "0").await.unwrap_err(),
            "price"
        ),
        "err.price_invalid"
    );
    // Challenge actions on the wrong state.
    let draft = challenges::duplicate(&db, f.admin, f.challenge, &here())
        .await
        .unwrap();
    assert_eq!(
        code(
            challenges::terminate(&db, f.admin, draft, &here())
                .await
                .unwrap_err(),
            "challenge"
        ),
        "err.challenge_not_published"
    );
    assert_eq!(
        code(
            challenges::discard_draft(&db, f.admin, draft, &here())
                .await
                .unwrap_err(),
            "challenge"
        ),
        "err.no_draft_to_discard"
    );
    assert_eq!(
        challenges::publish(&db, f.admin, 9_999, &here())
            .await
            .unwrap_err(),
        AppError::NotFound
    );
});

on_both!(direct_purchase_waits_for_the_payment, |db| {
    let f = firm(&db).await;
    let trader = funded_trader(&db, &f, "t7@example.com", "0.01").await;
    let (p, req) = participation::participate(
        &db,
        trader,
        ParticipateInput {
            coupon: 0,
            promo_code: String::new(),
            challenge_id: f.challenge,
            package_key: "p1".into(),
            pay_method: "direct".into(),
            idempotency_key: "direct-1".into(),
        },
        &here(),
    )
    .await
    .unwrap();
    assert_eq!(p.status, ParticipantStatus::AwaitingPayment);
    // Not approvable before the money arrives.
    let e = approvals::approve(&db, f.admin, req.id, 1, "", &here())
        .await
        .unwrap_err();
    assert_eq!(code(e, "request"), "err.payment_not_received");
    app::server::money::funds::test_psp_result(&db, trader, req.id, true, &here())
        .await
        .unwrap();
    let p = participation::find(&db, p.id).await.unwrap();
    assert_eq!(p.status, ParticipantStatus::PendingApproval);
    // The wallet was never touched; a rejection now refunds the fee to it.
    assert_eq!(usd(&db, trader).await, 1);
    approvals::reject(&db, f.admin, req.id, "sold out", &here())
        .await
        .unwrap();
    assert_eq!(usd(&db, trader).await, 1 + 10_000);
    assert_eq!(
        participation::find(&db, p.id).await.unwrap().status,
        ParticipantStatus::Rejected
    );
    assert!(ledger::check_invariants(&db).await.unwrap().is_empty());
});

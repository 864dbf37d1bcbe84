//! The reference bridge as its own process against a PropDesk process on one database.
//! A failure: a trader's stage account is created on the platform and opened in PropDesk by the
//! bridge's acknowledgement; an order placed on the platform reaches PropDesk as a deal; the
//! bridge is killed (SIGKILL) and restarted from its state file without repeating a command or
//! a deal; a price that breaches the daily loss fails the stage, and the platform carries out
//! the disable command and acknowledges it. A pass: the demo stage passes when its day ends,
//! and the approved live step opens a live account on a second platform (a live server).
mod common;

use app::domain::challenge::StageDef;
use app::domain::clock::{self, DayZone};
use app::server::entity::{bridge_command, deal};
use app::server::infra::db::Write;
use app::server::trading::risk;
use chrono::{Duration, Utc};
use common::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::probe::{Server, request};
use std::sync::Arc;

#[tokio::test]
async fn a_challenge_fails_on_the_reference_bridge_through_restarts() {
    let (db, url) = fresh_db().await;
    let admin = admin(&db).await;
    let server = bridge_server(&db, admin, "Demo platform", "demo").await;
    let challenge = on_the_platform(&db, admin, server.0).await;
    let p = participant(&db, admin, "trader@example.com", challenge).await;
    let acc_id = participation(&db, p).await.account_id.unwrap();
    let dbr = &db;
    assert_eq!(account(&db, acc_id).await.status, "opening");

    let dir = scratch("bridge-demo");
    let propdesk = Server::start(&propdesk(), &url, &dir).await;
    let demo = Demo::new(&server, propdesk.port, &dir, 700_001);
    let mut bridge = demo.start();

    // The platform creates the account under its own login; PropDesk opens it.
    until("the account to open", || async move {
        account(dbr, acc_id).await.status == "active"
    })
    .await;
    let acc = account(&db, acc_id).await;
    assert_eq!(
        (acc.login.as_str(), acc.account_group.as_str()),
        ("700001", "demo\\prop")
    );
    let on_platform = demo.call("GET", "/accounts/700001", "").await;
    assert_eq!(on_platform["balance_minor"], 1_000_000);
    // Snapshots follow.
    until("a snapshot", || async move {
        account(dbr, acc_id).await.last_seq > 0
    })
    .await;

    // An order on the platform reaches PropDesk as a deal.
    demo.set_price("1.08500").await;
    let ticket = demo.buy(&acc, "1.00").await;
    until("the position in PropDesk", || async move {
        account(dbr, acc_id).await.open_positions == 1
    })
    .await;

    // Killed and restarted from its state: nothing is carried out or counted twice.
    bridge.start_kill().unwrap();
    bridge.wait().await.unwrap();
    let mut bridge = demo.start();
    demo.set_price("1.08600").await;
    demo.close(&acc, ticket).await;
    until("the closing deal", || async move {
        deal::Entity::find().all(dbr).await.unwrap().len() == 1
    })
    .await;
    let d = &deal::Entity::find().all(&db).await.unwrap()[0];
    assert_eq!(d.profit_minor, 10_000, "100 points of one lot: 100.00 USD");
    until("the balance", || async move {
        account(dbr, acc_id).await.balance == 1_010_000
    })
    .await;
    let creates = bridge_command::Entity::find()
        .filter(bridge_command::Column::Kind.eq("create"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0].status, "acked");

    // A lot bought at 1.08600 and the price at 1.07900: 700.00 lost, over the 500.00 a day.
    demo.buy(&acc, "1.00").await;
    demo.set_price("1.07900").await;
    until("the breach", || async move {
        account(dbr, acc_id).await.status == "failed"
    })
    .await;
    assert_eq!(participation(&db, p).await.status.to_string(), "failed");
    carried_out(&db, acc_id, "disable").await;
    assert_eq!(
        demo.call("GET", "/accounts/700001", "").await["enabled"],
        false
    );
    let order = serde_json::json!({
        "login": "700001", "password": acc.password, "symbol": "EURUSD", "side": "buy", "lots": "1.00",
    });
    let refused = request(
        demo.port,
        "POST",
        "/orders",
        None,
        &[("Content-Type", "application/json".to_string())],
        &order.to_string(),
    )
    .await
    .unwrap();
    assert_eq!(refused.status, 422, "{}", refused.body);
    bridge.start_kill().unwrap();
    propdesk.stop().await;
}

#[tokio::test]
async fn a_challenge_passes_on_the_reference_bridge_and_goes_live_on_another() {
    let (db, url) = fresh_db().await;
    let admin = admin(&db).await;
    let demo_server = bridge_server(&db, admin, "Demo platform", "demo").await;
    let live_server = bridge_server(&db, admin, "Live platform", "live").await;
    let stages = vec![
        StageDef {
            server_id: Some(demo_server.0),
            min_trading_days: 1,
            upgrade_immediately: true,
            ..StageDef::demo_default()
        },
        StageDef {
            server_id: Some(live_server.0),
            ..StageDef::live_default()
        },
    ];
    // Days end at 17:00 in New York, the forex convention.
    let challenge = publish_with(
        &db,
        admin,
        "Demo then live",
        stages,
        "America/New_York",
        "17:00",
    )
    .await;
    let p = participant(&db, admin, "trader@example.com", challenge).await;
    let dir = scratch("bridge-demo-pass");
    let propdesk = Server::start(&propdesk(), &url, &dir).await;
    let demo = Arc::new(Demo::new(&demo_server, propdesk.port, &dir, 700_001));
    let live = Demo::new(&live_server, propdesk.port, &dir, 900_001);
    let (mut demo_bridge, mut live_bridge) = (demo.start(), live.start());
    let dbr = &db;
    let first = participation(&db, p).await.account_id.unwrap();
    until("the demo account to open", || async move {
        account(dbr, first).await.status == "active"
    })
    .await;

    // The 8% target: a lot of EURUSD from 1.08500 to 1.09400 earns 900.00 on 10,000.00.
    let acc = account(&db, first).await;
    demo.set_price("1.08500").await;
    let ticket = demo.buy(&acc, "1.00").await;
    demo.set_price("1.09400").await;
    demo.close(&acc, ticket).await;
    until("the profit in PropDesk", || async move {
        account(dbr, first).await.balance == 1_090_000
    })
    .await;
    assert_eq!(
        participation(&db, p).await.status.to_string(),
        "in_progress"
    );

    // The stage passes when its day ends, at 17:00 New York (the day-close job, run here at
    // that instant), not a minute before.
    let zone = DayZone::parse("America/New_York 17:00").unwrap();
    assert_eq!(account(&db, first).await.time_zone, zone.text());
    let end = clock::day_end(clock::local_day(Utc::now(), zone), zone);
    let txn = db.write().await.unwrap();
    let early = risk::roll_account(&txn, first, end - Duration::minutes(1));
    assert!(early.await.unwrap().is_none());
    assert!(
        risk::roll_account(&txn, first, end)
            .await
            .unwrap()
            .is_some()
    );
    txn.commit().await.unwrap();
    assert_eq!(account(&db, first).await.status, "passed");
    assert_eq!(
        participation(&db, p).await.status.to_string(),
        "pending_live"
    );

    // The live step is approved: the live platform opens the funded account under its login.
    let trader = participation(&db, p).await.user_id;
    approve_pending(&db, admin, trader).await;
    let funded = participation(&db, p).await.account_id.unwrap();
    assert_ne!(funded, first);
    until("the live account to open", || async move {
        account(dbr, funded).await.status == "active"
    })
    .await;
    let acc = account(&db, funded).await;
    assert_eq!(
        (
            acc.login.as_str(),
            acc.environment.as_str(),
            acc.account_group.as_str()
        ),
        ("900001", "live", "live\\prop")
    );
    assert_eq!(
        acc.bridge_id,
        Some(live_server_bridge_id(&db, &live_server.1).await)
    );
    let on_platform = live.call("GET", "/accounts/900001", "").await;
    assert_eq!(on_platform["enabled"], true);
    // The demo platform disabled the passed account.
    carried_out(&db, first, "disable").await;
    demo_bridge.start_kill().unwrap();
    live_bridge.start_kill().unwrap();
    propdesk.stop().await;
}

async fn live_server_bridge_id(db: &sea_orm::DatabaseConnection, name: &str) -> i64 {
    app::server::entity::bridge::Entity::find()
        .filter(app::server::entity::bridge::Column::Name.eq(name))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id
}

//! The bridge as its own process: the reference bridge (`propdesk-bridge-demo`) against a
//! `propdesk` process, both release builds beside this example, on SQLite and, when
//! TEST_DATABASE_URL is set, on PostgreSQL.
//! 1. Command round trip: a decision writes `set_leverage` commands for 20 accounts in its
//!    transaction; the bridge pulls them, carries them out on its platform and acknowledges
//!    them. The figure is each command's acknowledgement time less its creation time (both
//!    PropDesk's clock), with the bridge pulling every 500 ms (its default) and every 50 ms.
//! 2. Ingestion: 10,000 accounts on the bridge, which sends their snapshots without pause, one
//!    batch of 400 after another, over HTTP to the PropDesk process; against the same batches
//!    sent by one task through the router in this process (no network, no second process),
//!    measured in the same run on the same database.
//!
//! Usage:
//! ```text
//! cargo build --release -p propdesk-bridge-demo
//! cargo build --release -p server --features app/ssr --bin propdesk --example bench_bridge_process
//! target/release/examples/bench_bridge_process [accounts] [rounds]
//! ```
use app::server::entity::{bridge_command, trading_account};
use app::server::infra::db::Write;
use app::server::trading::bridge;
use app::server::trading::platform::{Platform, TradingPlatform};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use server::probe::Server;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

mod shared;
use shared::{BATCH, SIZE, Sender, batch, bridged_accounts, percentile};

/// A release binary built beside this example.
fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("exe");
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/release")
        .join(name);
    assert!(
        bin.exists(),
        "build {} first (see this example's usage)",
        bin.display()
    );
    bin
}

/// The bridge's state file: a platform holding these accounts, each numbered up to `seq`.
fn platform_state(logins: &[String], seq: i64) -> String {
    let accounts: serde_json::Map<String, serde_json::Value> = logins
        .iter()
        .map(|l| {
            let a = serde_json::json!({
                "login": l, "password": "x", "currency": "USD", "group": "", "leverage": 100,
                "balance": SIZE, "enabled": true, "seq": seq, "positions": [],
            });
            (l.clone(), a)
        })
        .collect();
    serde_json::json!({
        "next_login": 90_000_000, "next_ticket": 1, "prices": {"EURUSD": 108_500, "XAUUSD": 265_000},
        "held": [], "accounts": accounts, "done": {}, "outbox": [], "rng": 0x9E37_79B9_7F4A_7C15_u64,
    })
    .to_string()
}

fn start_bridge(
    b: &(String, String),
    propdesk: &Server,
    state: &Path,
    poll_ms: u64,
    feed_ms: u64,
) -> Child {
    let listen = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    Command::new(binary("propdesk-bridge-demo"))
        .env("PROPDESK_ADDR", format!("127.0.0.1:{}", propdesk.port))
        .env("BRIDGE_NAME", &b.0)
        .env("BRIDGE_SECRET", &b.1)
        .env("BRIDGE_STATE", state)
        .env("BRIDGE_LISTEN", listen.to_string())
        .env("BRIDGE_POLL_MS", poll_ms.to_string())
        .env("BRIDGE_FEED_MS", feed_ms.to_string())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the bridge")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("propdesk-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Round trips of `rounds` decisions, each writing a command for every one of `n` accounts;
/// milliseconds from each command's creation to its acknowledgement.
async fn round_trips(db: &DatabaseConnection, url: &str, poll_ms: u64, rounds: usize) -> Vec<f64> {
    let n = 20;
    let (b, secret) = bridge::create(db, &format!("rtt-{poll_ms}"))
        .await
        .expect("bridge");
    let logins = bridged_accounts(db, b.id, 60_000_000 + poll_ms as usize * 100, n, |_| {
        (None, 1)
    })
    .await;
    let dir = scratch(&format!("rtt-{poll_ms}"));
    std::fs::write(dir.join("bridge.json"), platform_state(&logins, 0)).expect("state");
    let propdesk = Server::start(&binary("propdesk"), url, &dir).await;
    // Snapshots once a minute: only the commands move.
    let mut bridge = start_bridge(
        &(b.name.clone(), secret),
        &propdesk,
        &dir.join("bridge.json"),
        poll_ms,
        60_000,
    );
    let accounts = trading_account::Entity::find()
        .filter(trading_account::Column::BridgeId.eq(b.id))
        .all(db)
        .await
        .expect("accounts");
    for round in 0..rounds {
        let txn = db.write().await.expect("txn");
        let leverage = if round % 2 == 0 { 50 } else { 100 };
        for acc in &accounts {
            Platform::of(acc)
                .set_leverage(&txn, acc, leverage)
                .await
                .expect("command");
        }
        txn.commit().await.expect("commit");
        let waiting = || async {
            bridge_command::Entity::find()
                .filter(bridge_command::Column::BridgeId.eq(b.id))
                .filter(bridge_command::Column::Status.ne("acked"))
                .count(db)
                .await
                .expect("count")
        };
        while waiting().await > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // The next decision comes at any point of the bridge's pull interval.
        let jitter = (round as u64 * 7_919) % poll_ms.max(1);
        tokio::time::sleep(Duration::from_millis(jitter)).await;
    }
    bridge.start_kill().expect("kill the bridge");
    propdesk.stop().await;
    bridge_command::Entity::find()
        .filter(bridge_command::Column::BridgeId.eq(b.id))
        .all(db)
        .await
        .expect("commands")
        .into_iter()
        .map(|c| {
            (c.acked_at.expect("acked") - c.created_at)
                .num_microseconds()
                .unwrap() as f64
                / 1000.0
        })
        .collect()
}

/// Snapshots a second from the bridge process: the growth of the accounts' `seq` over windows
/// of three seconds (the first, while it starts, not counted).
async fn out_of_process(
    db: &DatabaseConnection,
    url: &str,
    b: &(String, String),
    logins: &[String],
    from_seq: i64,
    rounds: usize,
) -> Vec<f64> {
    let dir = scratch("ingest");
    std::fs::write(dir.join("bridge.json"), platform_state(logins, from_seq)).expect("state");
    let propdesk = Server::start(&binary("propdesk"), url, &dir).await;
    let mut bridge = start_bridge(b, &propdesk, &dir.join("bridge.json"), 500, 0);
    let total = || async {
        let sum: Option<i64> = trading_account::Entity::find()
            .select_only()
            .column_as(
                sea_orm::sea_query::Expr::cust("CAST(SUM(last_seq) AS BIGINT)"),
                "s",
            )
            .into_tuple()
            .one(db)
            .await
            .expect("sum")
            .flatten();
        sum.unwrap_or(0)
    };
    let mut rates = Vec::new();
    tokio::time::sleep(Duration::from_secs(3)).await;
    for _ in 0..rounds {
        let (before, started) = (total().await, Instant::now());
        tokio::time::sleep(Duration::from_secs(3)).await;
        let rate = (total().await - before) as f64 / started.elapsed().as_secs_f64();
        println!("  out of process: {rate:>8.0} updates/s");
        rates.push(rate);
    }
    bridge.start_kill().expect("kill the bridge");
    propdesk.stop().await;
    rates
}

/// The same batches from one task through the router in this process.
async fn in_process(sender: &Sender, logins: &[String], rounds: usize) -> Vec<f64> {
    let mut rates = Vec::new();
    for round in 1..=rounds {
        let started = Instant::now();
        for chunk in logins.chunks(BATCH) {
            sender.send(batch(chunk, round as i64, |_| SIZE)).await;
        }
        let rate = logins.len() as f64 / started.elapsed().as_secs_f64();
        println!("  in process:     {rate:>8.0} updates/s");
        rates.push(rate);
    }
    rates
}

async fn bench(name: &str, db: DatabaseConnection, url: &str, n: usize, rounds: usize) {
    for poll in [500, 50] {
        let mut ms = round_trips(&db, url, poll, 10).await;
        println!(
            "{name}: command round trip, bridge pulling every {poll} ms: p50 {:.1} ms, p99 {:.1} ms over {} commands",
            percentile(&mut ms, 0.5),
            percentile(&mut ms, 0.99),
            ms.len()
        );
    }
    let (b, secret) = bridge::create(&db, "ingest").await.expect("bridge");
    let logins = bridged_accounts(&db, b.id, 50_000_000, n, |_| (None, 1)).await;
    let sender = Sender {
        router: server::router_with(
            server::testing::state(db.clone()),
            server::bridge::Limits {
                per_second: 1_000_000,
                burst: 1_000_000,
            },
        ),
        name: b.name.clone(),
        secret: secret.clone(),
        nonce: AtomicU64::new(0),
    };
    let mut inside = in_process(&sender, &logins, rounds).await;
    let mut outside = out_of_process(
        &db,
        url,
        &(b.name.clone(), secret),
        &logins,
        rounds as i64,
        rounds,
    )
    .await;
    let (i, o) = (percentile(&mut inside, 0.5), percentile(&mut outside, 0.5));
    println!(
        "{name}: {n} accounts, median {o:.0} updates/s from the bridge process, {i:.0} in process, ratio {:.2}",
        o / i
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let (db, url) = server::testing::fresh_db_with_url(None).await;
    bench("SQLite", db, &url, n, rounds).await;
    if let Ok(pg) = std::env::var("TEST_DATABASE_URL") {
        let (db, url) = server::testing::fresh_db_with_url(Some(&pg)).await;
        bench("PostgreSQL", db, &url, n, rounds).await;
    }
}

//! A competition's board at scale: 10,000 entrants on bridged accounts whose equity arrives in
//! signed snapshot batches through the real router, on SQLite and, when TEST_DATABASE_URL is
//! set, on PostgreSQL. Measures:
//!
//! - ingestion with every account in the competition (the engine, then the board's listener
//!   moving each entry) against the same ingestion of 10,000 accounts in no competition, in
//!   the same run;
//! - a trader's board refresh (the top of the board and their own place), idle and while
//!   updates arrive at a paced 5,000 a second, with the rate actually reached.
//!
//! Usage: cargo run --release -p server --example bench_competitions [entrants] [seconds]
use app::model::CompetitionForm;
use app::server::competitions::{board, manage};
use app::server::trading::bridge;
use chrono::{Duration as Days, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

mod shared;
use shared::{BATCH, SIZE, Sender, batch, bridged_accounts, insert, percentile};

fn at(t: chrono::DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M").to_string()
}

async fn max_id(db: &DatabaseConnection, table: &str) -> i64 {
    db.query_one_raw(app::server::infra::db::statement(
        db.get_database_backend(),
        &format!("SELECT COALESCE(MAX(id), 0) AS n FROM {table}"),
        vec![],
    ))
    .await
    .expect("max id")
    .expect("a row")
    .try_get::<i64>("", "n")
    .expect("n")
}

/// Sends one round of batches for `logins` (equity moving with `seq`) from `tasks` tasks;
/// updates a second.
async fn round(sender: &Arc<Sender>, logins: &Arc<Vec<String>>, seq: i64, tasks: usize) -> f64 {
    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (sender, logins, next) = (sender.clone(), logins.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize * BATCH;
                    if i >= logins.len() {
                        break;
                    }
                    let chunk = &logins[i..(i + BATCH).min(logins.len())];
                    sender
                        .send(batch(chunk, seq, |k| {
                            SIZE - ((k as i64 * 37 + seq * 11) % 40_000)
                        }))
                        .await;
                }
            })
        })
        .collect();
    for h in handles {
        h.await.expect("task");
    }
    logins.len() as f64 / started.elapsed().as_secs_f64()
}

async fn time_board(db: &DatabaseConnection, comp: i64, reader: i64, runs: usize) -> Vec<f64> {
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let b = board::board(db, comp, Some(reader)).await.expect("board");
        assert!(b.mine.is_some() && !b.rows.is_empty());
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    ms
}

async fn bench(name: &str, db: DatabaseConnection, n: usize, seconds: u64) {
    let now = Utc::now();
    let admin = 1;
    let (b, secret) = bridge::create(&db, "bench").await.expect("bridge");
    let comp = manage::save(
        &db,
        admin,
        CompetitionForm {
            name: "Bench cup".into(),
            rules_en: "Bench".into(),
            registration_start: at(now - Days::days(2)),
            registration_end: at(now + Days::days(2)),
            start_at: at(now - Days::days(1)),
            end_at: at(now + Days::days(3)),
            currency: "USD".into(),
            fee: "0".into(),
            starting_balance: "10000.00".into(),
            measure: "return_pct".into(),
            board_size: 100,
            prizes: "1 1000\n2-10 100".into(),
            payout: "auto".into(),
            published: true,
            ..Default::default()
        },
        &app::server::infra::origin::Origin {
            ip: "127.0.0.1".into(),
            user_agent: "bench".into(),
            country: String::new(),
        },
    )
    .await
    .expect("competition");
    // The entrants: one user each, an account each, an entry each.
    let first_user = max_id(&db, "users").await + 1;
    let users: Vec<Vec<Value>> = (0..n)
        .map(|i| {
            vec![
                "trader".into(),
                format!("entrant{i}@bench.test").into(),
                "x".into(),
                "Bench".into(),
                format!("Entrant{i}").into(),
                "GB".into(),
                "active".into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    let user_cols = &[
        "kind",
        "email",
        "password_hash",
        "first_name",
        "last_name",
        "country",
        "status",
        "created_at",
        "updated_at",
    ];
    insert(&db, "users", user_cols, users).await;
    let first_account = max_id(&db, "trading_account").await + 1;
    let entered = Arc::new(
        bridged_accounts(&db, b.id, 60_000_000, n, |i| (None, first_user + i as i64)).await,
    );
    let entries: Vec<Vec<Value>> = (0..n)
        .map(|i| {
            vec![
                comp.into(),
                (first_user + i as i64).into(),
                (first_account + i as i64).into(),
                "active".into(),
                "".into(),
                0i64.into(),
                SIZE.into(),
                0i64.into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    insert(
        &db,
        "competition_entry",
        &[
            "competition_id",
            "user_id",
            "account_id",
            "status",
            "suspend_reason",
            "fee_minor",
            "equity_minor",
            "score",
            "reached_at",
            "joined_at",
        ],
        entries,
    )
    .await;
    // The same number of accounts in no competition: the baseline.
    let outside = Arc::new(bridged_accounts(&db, b.id, 70_000_000, n, |_| (None, 1)).await);
    let router = server::router_with(
        server::testing::state(db.clone()),
        server::bridge::Limits {
            per_second: 1_000_000,
            burst: 1_000_000,
        },
    );
    let sender = Arc::new(Sender {
        router,
        name: b.name.clone(),
        secret,
        nonce: AtomicU64::new(0),
    });
    let (mut inside_rates, mut outside_rates) = (Vec::new(), Vec::new());
    for seq in 1..=5 {
        inside_rates.push(round(&sender, &entered, seq, 2).await);
        outside_rates.push(round(&sender, &outside, seq, 2).await);
    }
    let (inside, outside_rate) = (
        percentile(&mut inside_rates, 0.5),
        percentile(&mut outside_rates, 0.5),
    );
    println!(
        "{name}: ingestion {inside:.0} updates/s with the board, {outside_rate:.0} without ({:.2}×)",
        inside / outside_rate
    );

    // The board read by a trader in the middle of it, idle and under a paced 5,000 updates/s.
    let reader = first_user + n as i64 / 2;
    let mut idle = time_board(&db, comp, reader, 51).await;
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let feeder = {
        let (sender, logins, stop, sent) =
            (sender.clone(), entered.clone(), stop.clone(), sent.clone());
        tokio::spawn(async move {
            // 5,000 a second: a batch of BATCH every BATCH/5000 s.
            let every = Duration::from_secs_f64(BATCH as f64 / 5_000.0);
            let mut tick = tokio::time::interval(every);
            let mut seq = 100;
            let mut at = 0;
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                let chunk = &logins[at..(at + BATCH).min(logins.len())];
                sender
                    .send(batch(chunk, seq, |k| {
                        SIZE - ((k as i64 * 53 + seq * 7) % 40_000)
                    }))
                    .await;
                sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                at += BATCH;
                if at >= logins.len() {
                    at = 0;
                    seq += 1;
                }
            }
        })
    };
    let started = Instant::now();
    let mut busy = Vec::new();
    while started.elapsed() < Duration::from_secs(seconds) {
        busy.extend(time_board(&db, comp, reader, 5).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    feeder.await.expect("feeder");
    let reached = sent.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    println!(
        "{name}: board refresh (top 100 + own place among {n}) idle median {:.2} ms, p99 {:.2} ms; under {reached:.0} updates/s median {:.2} ms, p99 {:.2} ms over {} reads",
        percentile(&mut idle.clone(), 0.5),
        percentile(&mut idle, 0.99),
        percentile(&mut busy.clone(), 0.5),
        percentile(&mut busy.clone(), 0.99),
        busy.len(),
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let sqlite = server::testing::fresh_db(None).await;
    bench("SQLite", sqlite, n, seconds).await;
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let pg = server::testing::fresh_db(Some(&url)).await;
        bench("PostgreSQL", pg, n, seconds).await;
    }
}

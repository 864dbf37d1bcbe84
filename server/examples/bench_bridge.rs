//! End-to-end bridge ingestion: signed snapshot batches for 10,000 active accounts sent through
//! the real router (signature, nonce, rate limiter, JSON, rules engine, one transaction per
//! batch), on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL. Reports equity updates
//! per second against the database's own batched write speed measured in the same run (the
//! same batches as bare `UPDATE … WHERE id = ?` statements in one transaction), then the
//! breach-to-disable latency: the time from sending a batch that breaches an account's daily
//! loss until the answer, by which the account is disabled and the participant failed
//! (checked in the database).
//! Usage: cargo run --release -p server --example bench_bridge [accounts] [rounds] [tasks]
use app::server::entity::trading_account;
use app::server::trading::bridge;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Statement, TransactionTrait,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

mod shared;
use shared::{BATCH, SIZE, Sender, batch, bridged_accounts, percentile};

/// The database's batched write speed: the same batches as bare updates, one transaction each.
async fn baseline(db: &DatabaseConnection, ids: &[i64], tasks: usize) -> f64 {
    let started = Instant::now();
    let chunks: Vec<Vec<i64>> = ids.chunks(BATCH).map(<[i64]>::to_vec).collect();
    let next = Arc::new(AtomicU64::new(0));
    let chunks = Arc::new(chunks);
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (db, next, chunks) = (db.clone(), next.clone(), chunks.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let Some(chunk) = chunks.get(i) else { break };
                    let txn = db.begin().await.expect("begin");
                    let backend = txn.get_database_backend();
                    let ph = if backend == sea_orm::DbBackend::Postgres {
                        "$1"
                    } else {
                        "?"
                    };
                    for id in chunk {
                        txn.execute_raw(Statement::from_sql_and_values(
                            backend,
                            format!(
                                "UPDATE trading_account SET version = version + 1 WHERE id = {ph}"
                            ),
                            [(*id).into()],
                        ))
                        .await
                        .expect("update");
                    }
                    txn.commit().await.expect("commit");
                }
            })
        })
        .collect();
    for h in handles {
        h.await.expect("task");
    }
    ids.len() as f64 / started.elapsed().as_secs_f64()
}

async fn bench(name: &str, db: DatabaseConnection, n: usize, rounds: usize, tasks: usize) {
    let (b, secret) = bridge::create(&db, "bench").await.expect("bridge");
    let logins = Arc::new(bridged_accounts(&db, b.id, 50_000_000, n, |_| (None, 1)).await);
    let ids: Vec<i64> = trading_account::Entity::find()
        .all(&db)
        .await
        .expect("ids")
        .into_iter()
        .map(|a| a.id)
        .collect();
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
    let (mut ingest, mut base) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        // Equity wanders inside the limits: every update is judged in full.
        let seq = round as i64;
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
                        let body =
                            batch(chunk, seq, |k| SIZE - ((k as i64 * 37 + seq * 11) % 40_000));
                        sender.send(body).await;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.expect("task");
        }
        let rate = n as f64 / started.elapsed().as_secs_f64();
        let b = baseline(&db, &ids, tasks).await;
        println!("{name} round {round}: {rate:>8.0} updates/s   baseline {b:>8.0} row writes/s");
        ingest.push(rate);
        base.push(b);
    }
    // Breaches: in every batch one account loses 5% of its size; the answer comes back once
    // its account is disabled and its stage failed.
    let seq = rounds as i64 + 1;
    let mut latencies = Vec::new();
    for (c, chunk) in logins.chunks(BATCH).enumerate() {
        let body = batch(chunk, seq, |k| {
            if k == c % chunk.len() {
                SIZE - 50_000
            } else {
                SIZE
            }
        });
        latencies.push(sender.send(body).await.as_secs_f64() * 1000.0);
    }
    let failed = trading_account::Entity::find()
        .filter(trading_account::Column::Status.eq("failed"))
        .filter(trading_account::Column::Enabled.eq(false))
        .count(&db)
        .await
        .expect("count");
    assert_eq!(
        failed as usize,
        logins.chunks(BATCH).count(),
        "every breach disabled"
    );
    let (i, b) = (percentile(&mut ingest, 0.5), percentile(&mut base, 0.5));
    println!(
        "{name}: median {i:.0} updates/s, baseline {b:.0} row writes/s, ratio {:.2}; breach-to-disable p50 {:.1} ms, p99 {:.1} ms over {} breaches",
        i / b,
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99),
        latencies.len(),
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let tasks: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2);
    bench(
        "SQLite",
        server::testing::fresh_db(None).await,
        n,
        rounds,
        tasks,
    )
    .await;
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        bench(
            "PostgreSQL",
            server::testing::fresh_db(Some(&url)).await,
            n,
            rounds,
            tasks,
        )
        .await;
    }
}

//! Ledger throughput: balanced transfers per second between wallets, against the database's own
//! baseline in the same run (single-row updates, each in its own transaction), on SQLite and, when
//! TEST_DATABASE_URL is set, on PostgreSQL.
//! Usage: cargo run --release -p server --example bench_ledger [seconds-per-run] [runs] [tasks]
use app::domain::money::currency;
use app::server::money::ledger::{self, AccountKind, Entry, Leg};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const WALLETS: i64 = 200;

async fn timed<F, Fut>(secs: u64, tasks: usize, op: F) -> f64
where
    F: Fn(u64, usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|t| {
            let (op, done) = (op.clone(), done.clone());
            tokio::spawn(async move {
                let mut i = 0u64;
                while Instant::now() < deadline {
                    if op(i, t).await {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    i += 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.await.expect("task");
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn bench(name: &str, db: DatabaseConnection, secs: u64, runs: usize, tasks: usize) {
    let usd = currency("USD").expect("USD");
    let psp = ledger::firm(&db, AccountKind::PspClearing, usd)
        .await
        .expect("psp");
    let mut wallets = Vec::new();
    for u in 0..WALLETS {
        let w = ledger::wallet(&db, u + 1, usd).await.expect("wallet");
        let legs = vec![
            Leg {
                account_id: psp.id,
                amount_minor: -100_000_000,
            },
            Leg {
                account_id: w.id,
                amount_minor: 100_000_000,
            },
        ];
        ledger::post(
            &db,
            Entry {
                idempotency_key: &format!("seed-{u}"),
                kind: "deposit",
                currency: usd,
                legs,
                memo: "",
                actor_id: None,
            },
        )
        .await
        .expect("seed");
        wallets.push(w.id);
    }
    let backend = db.get_database_backend();
    db.execute_unprepared("CREATE TABLE bench_counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
        .await
        .expect("baseline table");
    for id in 0..WALLETS {
        db.execute_unprepared(&format!("INSERT INTO bench_counter VALUES ({id}, 0)"))
            .await
            .expect("baseline rows");
    }
    let wallets = Arc::new(wallets);
    let run_id = Arc::new(AtomicU64::new(0));
    let (mut base, mut led) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let d = db.clone();
        base.push(
            timed(secs, tasks, move |i, t| {
                let d = d.clone();
                async move {
                    let Ok(txn) = d.begin().await else {
                        return false;
                    };
                    let id = (i * 7 + t as u64 * 13) % WALLETS as u64;
                    let sql = Statement::from_string(
                        backend,
                        format!("UPDATE bench_counter SET n = n + 1 WHERE id = {id}"),
                    );
                    txn.execute_raw(sql).await.is_ok() && txn.commit().await.is_ok()
                }
            })
            .await,
        );
        let (d, w, r) = (
            db.clone(),
            wallets.clone(),
            run_id.fetch_add(1, Ordering::SeqCst),
        );
        led.push(
            timed(secs, tasks, move |i, t| {
                let (d, w) = (d.clone(), w.clone());
                async move {
                    let a = ((i * 7 + t as u64 * 13) % WALLETS as u64) as usize;
                    let b = (a + 1 + (i as usize % (WALLETS as usize - 1))) % WALLETS as usize;
                    let key = format!("bench-{r}-{t}-{i}");
                    let legs = vec![
                        Leg {
                            account_id: w[a],
                            amount_minor: -1,
                        },
                        Leg {
                            account_id: w[b],
                            amount_minor: 1,
                        },
                    ];
                    ledger::post(
                        &d,
                        Entry {
                            idempotency_key: &key,
                            kind: "transfer",
                            currency: usd,
                            legs,
                            memo: "",
                            actor_id: None,
                        },
                    )
                    .await
                    .is_ok()
                }
            })
            .await,
        );
    }
    let problems = ledger::check_invariants(&db).await.expect("invariants");
    let (b, l) = (median(base.clone()), median(led.clone()));
    println!(
        "{name:<10} baseline single-row updates: {b:>8.0}/s   ledger transfers: {l:>8.0}/s   ratio {:.2}   ({} runs of {secs} s, {tasks} tasks; runs: baseline {:?}, ledger {:?}; invariants {})",
        l / b,
        runs,
        base.iter().map(|x| x.round()).collect::<Vec<_>>(),
        led.iter().map(|x| x.round()).collect::<Vec<_>>(),
        if problems.is_empty() {
            "hold".to_string()
        } else {
            format!("BROKEN: {problems:?}")
        }
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let secs = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let runs = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let tasks = args.next().and_then(|s| s.parse().ok()).unwrap_or(4);
    bench(
        "SQLite",
        server::testing::fresh_db(None).await,
        secs,
        runs,
        tasks,
    )
    .await;
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        bench(
            "PostgreSQL",
            server::testing::fresh_db(Some(&url)).await,
            secs,
            runs,
            tasks,
        )
        .await;
    }
}

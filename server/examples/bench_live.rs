//! The live stream under load, against a real server process (the release `propdesk` binary
//! beside this example) on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
//!
//! `subscribers` traders are signed in, each with the live stream open, and own the
//! `accounts` stage accounts between them. Two phases:
//! - tick: one account updated at a time (a signed bridge batch of one), 25 a second: the time
//!   from sending the bridge request to its event arriving at the owner's stream;
//! - load: the bridge updates every account in batches of 100 at `rate` updates a second for
//!   `seconds`, while a staff member approves withdrawals one after another: the share of
//!   updates whose event reached the owner's stream (and none another's), the latency from
//!   bridge request to event (median, p99), the approvals' own time, and the server's CPU and
//!   memory.
//!
//! Usage: cargo build --release -p server --bin propdesk --example bench_live &&
//!        target/release/examples/bench_live [subscribers] [accounts] [rate] [seconds]
use app::domain::access::UserKind;
use app::domain::live::Topic;
use app::model::{FundsSettings, MethodDto};
use app::server::entity::user;
use app::server::identity::session::{self, Stage};
use app::server::infra::origin::Origin;
use app::server::money::{funds, wallets};
use app::server::seed::{self, NewUser};
use app::server::{RuntimeConfig, settings, trading::bridge};
use chrono::Utc;
use sea_orm::DatabaseConnection;
use server::probe::Server;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod shared;
use shared::{SIZE, bridged_accounts, percentile};

const BATCH: usize = 100;

fn origin() -> Origin {
    Origin {
        ip: "127.0.0.1".into(),
        user_agent: "bench".into(),
        country: String::new(),
    }
}

/// `n` traders with a session each: (user id, cookie).
async fn traders(db: &DatabaseConnection, n: usize) -> Vec<(i64, String)> {
    let cfg = RuntimeConfig::for_tests();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let email = format!("live{i}@bench.test");
        let (u, _) = seed::ensure_user(db, &cfg, new_user(UserKind::Trader, &email, None))
            .await
            .expect("trader");
        out.push((u.id, cookie(db, &u).await));
    }
    out
}

fn new_user<'a>(kind: UserKind, email: &'a str, role: Option<&'a str>) -> NewUser<'a> {
    NewUser {
        kind,
        email,
        password: "bench-password-1",
        first_name: "Bench",
        last_name: "User",
        country: "GB",
        phone: "+441632960001",
        role,
        referrer_id: None,
        created_days_ago: 0,
    }
}

async fn cookie(db: &DatabaseConnection, u: &user::Model) -> String {
    let token = session::create(db, u, Stage::Full, "", "")
        .await
        .expect("session");
    format!("{}={token}", session::COOKIE)
}

/// A trader with money, a withdrawal method and a destination, and staff to approve: the
/// withdrawal form and the approver's cookie.
async fn payer(db: &DatabaseConnection) -> (String, String, String) {
    let cfg = RuntimeConfig::for_tests();
    let (staff, _) = seed::ensure_user(
        db,
        &cfg,
        new_user(
            UserKind::Staff,
            "approver@bench.test",
            Some("Administrator"),
        ),
    )
    .await
    .expect("staff");
    let (payer, _) = seed::ensure_user(
        db,
        &cfg,
        new_user(UserKind::Trader, "payer@bench.test", None),
    )
    .await
    .expect("payer");
    let start = wallets::Adjustment {
        idempotency_key: "bench-start".into(),
        user_id: payer.id,
        currency: "USD".into(),
        direction: "deposit".into(),
        amount: "1000000".into(),
        comment: "bench".into(),
    };
    wallets::adjust(db, staff.id, start, &origin())
        .await
        .expect("funds");
    let method = MethodDto {
        direction: "withdrawal".into(),
        kind: "bank_card".into(),
        name: "Bank card".into(),
        currency: "USD".into(),
        enabled: true,
        min: "1".into(),
        ..Default::default()
    };
    let card = settings::save_method(db, staff.id, method)
        .await
        .expect("method");
    let open = FundsSettings {
        kyc_policy: vec![],
        max_pending: 100,
        third_party_transfers: false,
    };
    settings::save_funds_settings(db, staff.id, open)
        .await
        .expect("settings");
    let dest = funds::add_destination(
        db,
        payer.id,
        "bank_card",
        "Visa",
        "4242 4242 4242 4242",
        "",
        &origin(),
    )
    .await
    .expect("destination");
    (
        format!("method_id={card}&destination_id={}&amount=10", dest.id),
        cookie(db, &payer).await,
        cookie(db, &staff).await,
    )
}

struct Bridge {
    name: String,
    secret: String,
    nonce: AtomicU64,
}

impl Bridge {
    fn signed(&self, body: &str) -> Vec<(&'static str, String)> {
        let ts = Utc::now().timestamp().to_string();
        let nonce = format!("live-nonce-{}", self.nonce.fetch_add(1, Ordering::Relaxed));
        let sig = bridge::sign(&self.secret, &ts, &nonce, body.as_bytes());
        vec![
            ("Content-Type", "application/json".into()),
            ("x-bridge", self.name.clone()),
            ("x-timestamp", ts),
            ("x-nonce", nonce),
            ("x-signature", sig),
        ]
    }
}

fn batch(logins: &[(usize, &String)], seq: i64) -> String {
    let at = Utc::now().to_rfc3339();
    let items: Vec<serde_json::Value> = logins
        .iter()
        .map(|(i, login)| {
            serde_json::json!({
                "login": login, "seq": seq, "at": at,
                "balance_minor": SIZE,
                // Wanders inside the limits: every update is judged in full.
                "equity_minor": SIZE - ((*i as i64 * 37 + seq * 11) % 40_000),
                "margin_minor": 0, "open_positions": 1,
            })
        })
        .collect();
    serde_json::json!({ "snapshots": items }).to_string()
}

/// What the subscribers saw.
#[derive(Default)]
struct Seen {
    latencies: Vec<f64>,
    received: u64,
    misdelivered: u64,
}

/// CPU seconds used by a process so far, and its resident and peak memory in MiB.
fn usage(pid: u32) -> (f64, f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line (11 and 12 after the name).
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (cpu, kib("VmRSS:"), kib("VmHWM:"))
}

async fn bench(
    name: &str,
    db: DatabaseConnection,
    url: &str,
    subs: usize,
    n: usize,
    rate: usize,
    seconds: u64,
) {
    let bin: PathBuf = std::env::current_exe()
        .expect("this example")
        .parent()
        .and_then(|examples| examples.parent())
        .expect("target/release")
        .join("propdesk");
    assert!(
        bin.exists(),
        "build the server first: cargo build --release -p server --bin propdesk"
    );
    let owners = traders(&db, subs).await;
    let (b, secret) = bridge::create(&db, "live").await.expect("bridge");
    // Participant `i + 1` (a number only: no participant rows) is trader `i % subs`'s.
    let logins = bridged_accounts(&db, b.id, 60_000_000, n, |i| {
        (Some(i as i64 + 1), owners[i % owners.len()].0)
    })
    .await;
    let (withdraw, payer_cookie, staff_cookie) = payer(&db).await;
    let outbox = std::env::temp_dir().join(format!("propdesk-bench-live-{}", std::process::id()));
    let server = Arc::new(
        Server::start_with(
            &bin,
            url,
            &outbox,
            &[
                ("PROPDESK_BRIDGE_RATE", "1000000"),
                ("PROPDESK_BRIDGE_BURST", "1000000"),
            ],
        )
        .await,
    );
    let bridge = Arc::new(Bridge {
        name: b.name.clone(),
        secret,
        nonce: AtomicU64::new(0),
    });

    // Every subscriber's stream; each event's latency is measured against when its account's
    // last update was sent.
    let epoch = Instant::now();
    let sent_at: Arc<Vec<AtomicU64>> = Arc::new((0..n).map(|_| AtomicU64::new(0)).collect());
    let seen = Arc::new(Mutex::new(Seen::default()));
    let connect = Instant::now();
    let mut streams = Vec::with_capacity(subs);
    for (k, (_, cookie)) in owners.iter().enumerate() {
        let mut s = server.live(cookie, None).await;
        let (sent_at, seen) = (sent_at.clone(), seen.clone());
        streams.push(tokio::spawn(async move {
            while let Some(m) = s.next(Duration::from_secs(3600)).await {
                let Some(e) = m.live() else { continue };
                if e.topic != Topic::Participant {
                    continue;
                }
                let i = e.ref_id.unwrap_or(0) as usize - 1;
                let now = epoch.elapsed().as_micros() as u64;
                let mut seen = seen.lock().unwrap();
                if i % subs != k {
                    seen.misdelivered += 1;
                    continue;
                }
                seen.received += 1;
                let sent = sent_at[i].load(Ordering::SeqCst);
                seen.latencies
                    .push((now.saturating_sub(sent)) as f64 / 1000.0);
            }
        }));
    }
    println!(
        "{name}: {subs} streams open in {:.1} s",
        connect.elapsed().as_secs_f64()
    );

    let send = |ids: Vec<usize>, seq: i64| {
        let (server, bridge, sent_at) = (server.clone(), bridge.clone(), sent_at.clone());
        let logins: Vec<(usize, String)> = ids.iter().map(|i| (*i, logins[*i].clone())).collect();
        async move {
            let refs: Vec<(usize, &String)> = logins.iter().map(|(i, l)| (*i, l)).collect();
            let body = batch(&refs, seq);
            let headers = bridge.signed(&body);
            let now = epoch.elapsed().as_micros() as u64;
            for (i, _) in &logins {
                sent_at[*i].store(now, Ordering::SeqCst);
            }
            let r = server
                .post("/bridge/v1/snapshots/batch", &headers, &body)
                .await
                .expect("the bridge is answered");
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };

    // Tick: one account at a time.
    let mut seq = 1i64;
    for t in 0..250usize {
        send(vec![(t * 7919) % n], seq).await;
        seq += 1;
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let tick = {
        let mut s = seen.lock().unwrap();
        let mut l = std::mem::take(&mut s.latencies);
        let got = std::mem::take(&mut s.received);
        (percentile(&mut l, 0.5), percentile(&mut l, 0.99), got)
    };
    println!(
        "{name} tick → event at {subs} subscribers: median {:.1} ms, p99 {:.1} ms ({} of 250 received)",
        tick.0, tick.1, tick.2
    );

    // Load: every account in turn at `rate`, while staff approve withdrawals.
    let stop = Arc::new(AtomicBool::new(false));
    let approvals = {
        let (server, stop) = (server.clone(), stop.clone());
        tokio::spawn(async move {
            let mut took = Vec::new();
            let mut k = 0;
            while !stop.load(Ordering::SeqCst) {
                k += 1;
                let form = format!("idempotency_key=w{k}&{withdraw}");
                let r = server
                    .call("/api/funds/withdraw", Some(&payer_cookie), &form)
                    .await;
                assert_eq!(r.status, 200, "{}", r.body);
                let id =
                    serde_json::from_str::<serde_json::Value>(&r.body).expect("a request")["id"]
                        .as_i64()
                        .expect("its id");
                let started = Instant::now();
                let r = server
                    .call(
                        "/api/approvals/approve",
                        Some(&staff_cookie),
                        &format!("id={id}&level=1&comment="),
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.body);
                took.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            took
        })
    };
    let (cpu0, _, _) = usage(server.pid());
    let started = Instant::now();
    let every = Duration::from_secs_f64(BATCH as f64 / rate as f64);
    let mut tick = tokio::time::interval(every);
    let mut next = 0usize;
    let mut in_flight = Vec::new();
    let mut sent = 0u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        tick.tick().await;
        let ids: Vec<usize> = (0..BATCH).map(|k| (next + k) % n).collect();
        next = (next + BATCH) % n;
        // One sequence for all: it only has to grow for each account.
        let s = seq;
        seq += 1;
        sent += ids.len() as u64;
        in_flight.push(tokio::spawn(send(ids, s)));
        in_flight.retain(|h| !h.is_finished());
    }
    for h in in_flight {
        h.await.expect("batch");
    }
    let wall = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::SeqCst);
    let (cpu1, rss, peak) = usage(server.pid());
    let mut approve = approvals.await.expect("approvals");
    let (received, misdelivered, mut latencies) = {
        let mut s = seen.lock().unwrap();
        (s.received, s.misdelivered, std::mem::take(&mut s.latencies))
    };
    println!(
        "{name} load: {sent} updates in {wall:.1} s ({:.0}/s) to {n} accounts: {:.2}% of updates reached their owner's stream, {} reached another's; bridge request → event median {:.1} ms, p99 {:.1} ms; {} approvals meanwhile, median {:.1} ms, p99 {:.1} ms; server CPU {:.0}% of one core, memory {rss:.0} MiB (peak {peak:.0} MiB)",
        sent as f64 / wall,
        100.0 * received as f64 / sent as f64,
        misdelivered,
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99),
        approve.len(),
        percentile(&mut approve, 0.5),
        percentile(&mut approve, 0.99),
        100.0 * (cpu1 - cpu0) / (wall + 2.0),
    );
    for h in streams {
        h.abort();
    }
    let _ = std::fs::remove_dir_all(&outbox);
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let subs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rate: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5_000);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(10);
    let (db, url) = server::testing::fresh_db_with_url(None).await;
    bench("SQLite", db, &url, subs, n, rate, seconds).await;
    if let Ok(base) = std::env::var("TEST_DATABASE_URL") {
        let (db, url) = server::testing::fresh_db_with_url(Some(&base)).await;
        bench("PostgreSQL", db, &url, subs, n, rate, seconds).await;
    }
}

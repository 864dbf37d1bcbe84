//! Crash safety: the server is killed with SIGKILL at random points while staff adjust
//! wallets, a trader asks for withdrawals, staff approve them and a bridge sends batches of
//! account updates, 50 times over. After each kill the database must show no
//! half-applied request or batch, every answered operation must be there, and the ledger's
//! invariants must hold; at the end every operation, its lost answers retried with the same
//! key, is there exactly once, and the background jobs run again on the last process. The same
//! runs on SQLite (the embedded default), whose write-ahead log must survive the kills too.
use crate::common;
use app::domain::access::UserKind;
use app::domain::approval::RequestStatus;
use app::model::{FundsSettings, MethodDto};
use app::server::entity::{
    hold, job_lease, journal_entry, request, request_review, trading_account,
};
use app::server::money::{funds, ledger, wallets};
use app::server::settings;
use common::process::{self, Server};
use common::prop::{admin_with_still_feed, evaluation_stage, publish, trader_in, usd_challenge};
use common::{cookie_for, here, make_user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, IsolationLevel, PaginatorTrait,
    QueryFilter, TransactionTrait,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KILLS: usize = 50;

/// What the test sent and what came back: the status, or None when the server died first.
#[derive(Clone, Default)]
struct Book {
    adjusts: BTreeMap<String, Option<u16>>,
    withdrawals: BTreeMap<String, Option<u16>>,
    /// The highest sequence number the bridge was told was applied, per account.
    applied_seq: BTreeMap<String, i64>,
}

/// A small deterministic generator: the kill points differ run to run by the seed printed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

struct Firm {
    db: DatabaseConnection,
    url: String,
    staff: String,
    trader: i64,
    trader_cookie: String,
    card: i64,
    destination: i64,
    bridge: (String, String),
    logins: Vec<String>,
}

async fn firm(postgres: bool) -> Firm {
    let base = postgres.then(|| {
        std::env::var("TEST_DATABASE_URL")
            .expect("TEST_DATABASE_URL must point at a PostgreSQL server")
    });
    let (db, url) = server::testing::fresh_db_with_url(base.as_deref()).await;
    let admin = admin_with_still_feed(&db).await;
    let staff = make_user(
        &db,
        UserKind::Staff,
        "ops@example.com",
        Some("Administrator"),
    )
    .await;
    let challenge = publish(&db, admin, usd_challenge("Crash", vec![evaluation_stage()])).await;
    let (bridge, secret) = app::server::trading::bridge::create(&db, "crash")
        .await
        .unwrap();
    let mut logins = Vec::new();
    for email in ["b1@example.com", "b2@example.com"] {
        let (_, _, acc) = trader_in(&db, admin, challenge, email, "500").await;
        trading_account::Entity::update_many()
            .col_expr(trading_account::Column::Platform, Expr::value("bridge"))
            .col_expr(trading_account::Column::BridgeId, Expr::value(bridge.id))
            .filter(trading_account::Column::Id.eq(acc))
            .exec(&db)
            .await
            .unwrap();
        let a = trading_account::Entity::find_by_id(acc)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        logins.push(a.login);
    }
    let trader = make_user(&db, UserKind::Trader, "w@example.com", None).await;
    let funds_in = wallets::Adjustment {
        idempotency_key: "start".into(),
        user_id: trader.id,
        currency: "USD".into(),
        direction: "deposit".into(),
        amount: "100000".into(),
        comment: "start".into(),
    };
    wallets::adjust(&db, admin, funds_in, &here())
        .await
        .unwrap();
    let card = settings::save_method(
        &db,
        admin,
        MethodDto {
            direction: "withdrawal".into(),
            kind: "bank_card".into(),
            name: "Bank card".into(),
            currency: "USD".into(),
            enabled: true,
            min: "1".into(),
            fee_fixed: "1.00".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let no_cap = FundsSettings {
        kyc_policy: vec![],
        max_pending: 100,
        third_party_transfers: false,
    };
    settings::save_funds_settings(&db, admin, no_cap)
        .await
        .unwrap();
    let destination = funds::add_destination(
        &db,
        trader.id,
        "bank_card",
        "Visa",
        "4242 4242 4242 4242",
        "",
        &here(),
    )
    .await
    .unwrap()
    .id;
    Firm {
        staff: cookie_for(&db, &staff).await,
        trader_cookie: cookie_for(&db, &trader).await,
        trader: trader.id,
        db,
        url,
        card,
        destination,
        bridge: (bridge.name, secret),
        logins,
    }
}

/// A bridge's signed batch: each account's equity is a function of its sequence number, so a
/// batch applied in part would show.
fn batch(f: &Firm, seq: i64) -> (Vec<(&'static str, String)>, String) {
    let snaps: Vec<_> = f
        .logins
        .iter()
        .map(|login| {
            json!({
                "login": login, "seq": seq, "at": chrono::Utc::now().to_rfc3339(),
                "balance_minor": 1_000_000, "equity_minor": equity_at(seq),
                "margin_minor": 0, "open_positions": 0,
            })
        })
        .collect();
    let body = json!({ "snapshots": snaps }).to_string();
    let ts = chrono::Utc::now().timestamp().to_string();
    let nonce = format!(
        "crash-nonce-{seq}-{}",
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    );
    let sig = app::server::trading::bridge::sign(&f.bridge.1, &ts, &nonce, body.as_bytes());
    let headers = vec![
        ("Content-Type", "application/json".to_string()),
        ("x-bridge", f.bridge.0.clone()),
        ("x-timestamp", ts),
        ("x-nonce", nonce),
        ("x-signature", sig),
    ];
    (headers, body)
}

fn equity_at(seq: i64) -> i64 {
    1_000_000 + seq * 100
}

/// One burst of traffic against `server` until `stop`; what was sent goes in `book`.
async fn burst(
    f: Arc<Firm>,
    server: Arc<Server>,
    book: Arc<Mutex<Book>>,
    round: usize,
    stop: Arc<AtomicBool>,
    seq: Arc<AtomicI64>,
) {
    let adjusts = {
        let (f, server, book, stop) = (f.clone(), server.clone(), book.clone(), stop.clone());
        tokio::spawn(async move {
            for n in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let key = format!("adj-{round}-{n}");
                let form = format!(
                    "idempotency_key={key}&user_id={}&currency=USD&direction=deposit&amount=1&comment=c",
                    f.trader
                );
                book.lock().unwrap().adjusts.insert(key.clone(), None);
                let status = server
                    .try_call("/api/wallets/adjust", Some(&f.staff), &form)
                    .await
                    .ok()
                    .map(|r| r.status);
                book.lock().unwrap().adjusts.insert(key, status);
            }
        })
    };
    let withdrawals = {
        let (f, server, book, stop) = (f.clone(), server.clone(), book.clone(), stop.clone());
        tokio::spawn(async move {
            for n in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let key = format!("wd-{round}-{n}");
                let form = format!(
                    "idempotency_key={key}&method_id={}&destination_id={}&amount=10",
                    f.card, f.destination
                );
                book.lock().unwrap().withdrawals.insert(key.clone(), None);
                let status = server
                    .try_call("/api/funds/withdraw", Some(&f.trader_cookie), &form)
                    .await
                    .ok()
                    .map(|r| r.status);
                book.lock().unwrap().withdrawals.insert(key, status);
            }
        })
    };
    let approvals = {
        let (f, server, stop) = (f.clone(), server.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let pending = request::Entity::find()
                    .filter(request::Column::UserId.eq(f.trader))
                    .filter(request::Column::Status.eq(RequestStatus::Pending.as_str()))
                    .one(&f.db)
                    .await
                    .unwrap();
                match pending {
                    Some(r) => {
                        let form = format!("id={}&level={}&comment=", r.id, r.level);
                        if server
                            .try_call("/api/approvals/approve", Some(&f.staff), &form)
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                    None => tokio::time::sleep(Duration::from_millis(5)).await,
                }
            }
        })
    };
    let bridge = {
        let (f, server, book, stop) = (f.clone(), server.clone(), book.clone(), stop.clone());
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let n = seq.fetch_add(1, Ordering::SeqCst);
                let (headers, body) = batch(&f, n);
                let Ok(r) = server
                    .post("/bridge/v1/snapshots/batch", &headers, &body)
                    .await
                else {
                    break;
                };
                if r.status == 200 {
                    let results: serde_json::Value = serde_json::from_str(&r.body).unwrap();
                    let mut book = book.lock().unwrap();
                    for (login, res) in f.logins.iter().zip(results["results"].as_array().unwrap())
                    {
                        if res["status"] == 200 {
                            let best = book.applied_seq.entry(login.clone()).or_insert(0);
                            *best = (*best).max(n);
                        }
                    }
                }
            }
        })
    };
    for t in [adjusts, withdrawals, approvals, bridge] {
        let _ = t.await;
    }
}

fn adjust_form(f: &Firm, key: &str) -> String {
    format!(
        "idempotency_key={key}&user_id={}&currency=USD&direction=deposit&amount=1&comment=c",
        f.trader
    )
}

fn withdraw_form(f: &Firm, key: &str) -> String {
    format!(
        "idempotency_key={key}&method_id={}&destination_id={}&amount=10",
        f.card, f.destination
    )
}

/// Sends again, with the same keys, every operation whose answer was lost; how many.
async fn retry_lost(f: &Firm, server: &Server, b: &mut Book) -> usize {
    let lost = |m: &BTreeMap<String, Option<u16>>| -> Vec<String> {
        m.iter()
            .filter(|(_, s)| s.is_none())
            .map(|(k, _)| k.clone())
            .collect()
    };
    let (adjusts, withdrawals) = (lost(&b.adjusts), lost(&b.withdrawals));
    for key in &adjusts {
        let r = server
            .call("/api/wallets/adjust", Some(&f.staff), &adjust_form(f, key))
            .await;
        b.adjusts.insert(key.clone(), Some(r.status));
    }
    for key in &withdrawals {
        let r = server
            .call(
                "/api/funds/withdraw",
                Some(&f.trader_cookie),
                &withdraw_form(f, key),
            )
            .await;
        b.withdrawals.insert(key.clone(), Some(r.status));
    }
    adjusts.len() + withdrawals.len()
}

/// What must hold after any crash, read in one snapshot: a transaction whose commit the killed
/// server had sent can still land while the checks read.
async fn check(f: &Firm, book: &Book, round: usize) {
    let repeatable = (f.db.get_database_backend() == DatabaseBackend::Postgres)
        .then_some(IsolationLevel::RepeatableRead);
    let snapshot = f.db.begin_with_config(repeatable, None).await.unwrap();
    let db = &snapshot;
    let problems = ledger::check_invariants(db).await.unwrap();
    assert!(problems.is_empty(), "after kill {round}: {problems:?}");
    // Every answered adjustment and withdrawal is there.
    for (key, status) in &book.adjusts {
        if *status == Some(200) {
            let n = journal_entry::Entity::find()
                .filter(journal_entry::Column::IdempotencyKey.starts_with("adjust-"))
                .filter(journal_entry::Column::IdempotencyKey.ends_with(format!("-{key}")))
                .count(db)
                .await
                .unwrap();
            assert_eq!(n, 1, "after kill {round}: adjustment {key}");
        }
    }
    for (key, status) in &book.withdrawals {
        if *status == Some(200) {
            let n = request::Entity::find()
                .filter(request::Column::IdempotencyKey.eq(format!("{}:{key}", f.trader)))
                .count(db)
                .await
                .unwrap();
            assert_eq!(n, 1, "after kill {round}: withdrawal {key}");
        }
    }
    // No request half-applied: its status, its hold and its entry agree, and its history has
    // one submission (and one approval when approved).
    let requests = request::Entity::find()
        .filter(request::Column::UserId.eq(f.trader))
        .all(db)
        .await
        .unwrap();
    for r in &requests {
        let h = hold::Entity::find_by_id(r.hold_id.expect("a withdrawal holds its amount"))
            .one(db)
            .await
            .unwrap()
            .expect("its hold");
        let expected = match r.status {
            RequestStatus::Pending => ("active", false),
            RequestStatus::Approved => ("captured", true),
            other => panic!("after kill {round}: request {} is {other:?}", r.id),
        };
        assert_eq!(
            (h.status.as_str(), h.entry_id.is_some()),
            expected,
            "after kill {round}: request {}",
            r.id
        );
        assert_eq!(
            r.entry_id.is_some(),
            expected.1,
            "after kill {round}: request {}",
            r.id
        );
        let steps = request_review::Entity::find()
            .filter(request_review::Column::RequestId.eq(r.id))
            .all(db)
            .await
            .unwrap();
        let count = |a: &str| steps.iter().filter(|s| s.action == a).count();
        assert_eq!(
            count("submitted"),
            1,
            "after kill {round}: request {}",
            r.id
        );
        assert_eq!(
            count("approved"),
            usize::from(expected.1),
            "after kill {round}: request {}",
            r.id
        );
    }
    // No batch half-applied: each account shows the figures of its last sequence number, and at
    // least the last one the bridge was told about.
    for login in &f.logins {
        let a = trading_account::Entity::find()
            .filter(trading_account::Column::Login.eq(login))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        if a.last_seq > 0 {
            assert_eq!(
                a.equity,
                equity_at(a.last_seq),
                "after kill {round}: account {login}"
            );
        }
        let told = book.applied_seq.get(login).copied().unwrap_or(0);
        assert!(
            a.last_seq >= told,
            "after kill {round}: {login} at {} < {told}",
            a.last_seq
        );
    }
    // The two accounts move together, batch by batch.
    let seqs: Vec<i64> = futures::future::join_all(f.logins.iter().map(|l| async move {
        trading_account::Entity::find()
            .filter(trading_account::Column::Login.eq(l.as_str()))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .last_seq
    }))
    .await;
    assert!(
        seqs.windows(2).all(|w| w[0] == w[1]),
        "after kill {round}: {seqs:?}"
    );
}

#[tokio::test]
async fn killed_fifty_times_it_loses_and_duplicates_nothing_postgres() {
    killed_fifty_times(true).await
}

#[tokio::test]
async fn killed_fifty_times_it_loses_and_duplicates_nothing_sqlite() {
    killed_fifty_times(false).await
}

async fn killed_fifty_times(postgres: bool) {
    common::bounded(async {
        let f = Arc::new(firm(postgres).await);
        let outbox = std::env::temp_dir().join(format!("propdesk-crash-{}", std::process::id()));
        let seed = chrono::Utc::now().timestamp_subsec_nanos() as u64 | 1;
        println!(
            "crash test ({}) seed {seed}",
            if postgres { "PostgreSQL" } else { "SQLite" }
        );
        let mut rng = Rng(seed);
        let book = Arc::new(Mutex::new(Book::default()));
        let seq = Arc::new(AtomicI64::new(1));
        for round in 0..KILLS {
            let server = Arc::new(Server::start(process::bin(), &f.url, &outbox).await);
            let stop = Arc::new(AtomicBool::new(false));
            let traffic = tokio::spawn(burst(
                f.clone(),
                server.clone(),
                book.clone(),
                round,
                stop.clone(),
                seq.clone(),
            ));
            tokio::time::sleep(Duration::from_millis(20 + rng.below(400))).await;
            server.kill();
            stop.store(true, Ordering::SeqCst);
            traffic.await.unwrap();
            let seen = book.lock().unwrap().clone();
            check(&f, &seen, round).await;
        }
        // The lost answers are asked again with the same keys: each is then there exactly once.
        let last = Server::start(process::bin(), &f.url, &outbox).await;
        let mut b = book.lock().unwrap().clone();
        let lost = retry_lost(&f, &last, &mut b).await;
        check(&f, &b, KILLS).await;
        let answered = |m: &BTreeMap<String, Option<u16>>| {
            m.values().filter(|s| **s == Some(200)).count() as u64
        };
        let adjusted = journal_entry::Entity::find()
            .filter(journal_entry::Column::IdempotencyKey.contains("-adj-"))
            .count(&f.db)
            .await
            .unwrap();
        assert_eq!(adjusted, answered(&b.adjusts));
        let asked = request::Entity::find()
            .filter(request::Column::UserId.eq(f.trader))
            .count(&f.db)
            .await
            .unwrap();
        assert_eq!(asked, answered(&b.withdrawals));
        let (adjusts, withdrawals) = (b.adjusts.len(), b.withdrawals.len());
        assert!(
            adjusts > KILLS && withdrawals > KILLS,
            "too little traffic: {adjusts} adjustments, {withdrawals} withdrawals"
        );
        println!(
            "crash test: {KILLS} kills, {adjusts} adjustments ({lost} lost answers retried), \
             {withdrawals} withdrawals, bridge at seq {}",
            seq.load(Ordering::SeqCst)
        );
        // The jobs run again: the last process takes the price feed's lease once the killed
        // holder's has run out.
        let pid = last.pid().to_string();
        let mut resumed = false;
        for _ in 0..100 {
            let feed = job_lease::Entity::find_by_id("sim_feed".to_string())
                .one(&f.db)
                .await
                .unwrap();
            if feed.is_some_and(|l| l.holder.starts_with(&format!("{pid}-"))) {
                resumed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(resumed, "the jobs did not resume on the last process");
        let _ = std::fs::remove_dir_all(&outbox);
        server::testing::discard(&f.url).await;
    })
    .await
}

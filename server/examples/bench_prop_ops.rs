//! Prop operations at scale: 10,000 participants (4,000 funded, 3,000 failed, 2,000 in their
//! evaluations, 1,000 waiting) with 1,000,000 deals, a fee each, their decisions and a past
//! settlement per funded account, on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
//!
//! - The prop dashboard, all time and for one challenge over 30 days, against the cheapest
//!   query over the same participants (`SELECT COUNT(*) FROM participant`) in the same run.
//! - The scheduled settlement run over every funded account (each with a month's profit, one
//!   transaction per settlement: lock, split, ledger entries, balance reset, notification and
//!   email), against the bare ledger moving the same number of amounts (one balanced entry per
//!   account in its own transaction) in the same run.
//!
//! Usage: cargo run --release -p server --example bench_prop_ops [participants] [deals] [runs]
mod shared;
use app::domain::challenge::{
    ChallengeDef, Distribution, PackageDef, SettlementFrequency, StageDef,
};
use app::domain::money;
use app::domain::rules::StageState;
use app::model::DashboardQuery;
use app::server::identity::scope::Scope;
use app::server::infra::origin::Origin;
use app::server::money::ledger::{self, AccountKind, Entry, Leg};
use app::server::prop::participation::Bought;
use app::server::trading::sim::{self, Feed};
use app::server::{infra::db, prop::challenges, prop::dashboard, prop::profit_share};
use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use shared::insert;
use std::time::Instant;

const SIZE: i64 = 1_000_000;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1]
}

fn stage(live: bool, dist: Distribution) -> StageDef {
    let base = if live {
        StageDef::live_default()
    } else {
        StageDef::demo_default()
    };
    StageDef {
        settlement: SettlementFrequency::Monthly,
        distribution: dist,
        ..base
    }
}

fn def(name: &str, stages: Vec<StageDef>) -> ChallengeDef {
    let mut d = ChallengeDef::example();
    d.name = name.into();
    d.time_zone = "UTC".into();
    d.packages = vec![PackageDef {
        key: "p1".into(),
        name: format!("{name} 10K"),
        currency: "USD".into(),
        account_size_minor: SIZE,
        fee_minor: 9_900,
        leverage: 100,
        stages,
    }];
    d
}

/// A funded participant: its id, its account's and its trader's.
#[derive(Clone, Copy)]
struct Funded {
    participant: i64,
    account: i64,
    user: i64,
}

struct Built {
    funded: Vec<Funded>,
}

/// The firm: three challenges, the participants and everything they leave behind.
async fn populate(db: &DatabaseConnection, n: usize, deals: usize) -> Built {
    let origin = Origin::internal("bench");
    sim::set_feed(
        db,
        Feed {
            running: false,
            seed: 1,
            day_offset: 0,
        },
    )
    .await
    .expect("feed");
    let now = Utc::now();
    insert(
        db,
        "users",
        &[
            "kind",
            "email",
            "password_hash",
            "first_name",
            "last_name",
            "status",
            "created_at",
            "updated_at",
        ],
        vec![vec![
            "staff".into(),
            "bench-admin@example.com".into(),
            "x".into(),
            "Bench".into(),
            "Admin".into(),
            "active".into(),
            now.into(),
            now.into(),
        ]],
    )
    .await;
    let admin = 1;
    let defs = [
        def(
            "Classic",
            vec![
                stage(false, Distribution::Automatic),
                stage(false, Distribution::Automatic),
                stage(true, Distribution::Automatic),
            ],
        ),
        def("Instant", vec![stage(true, Distribution::Automatic)]),
        def("Reviewed", vec![stage(true, Distribution::Manual)]),
    ];
    let mut ids = Vec::new();
    for d in &defs {
        let id = challenges::save(db, admin, None, d.clone(), &origin)
            .await
            .expect("challenge");
        challenges::publish(db, admin, id, &origin)
            .await
            .expect("publish");
        ids.push(id);
    }
    let users: Vec<Vec<Value>> = (0..n)
        .map(|i| {
            vec![
                "trader".into(),
                format!("trader{i}@example.com").into(),
                "x".into(),
                "Bench".into(),
                format!("Trader {i}").into(),
                "active".into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    insert(
        db,
        "users",
        &[
            "kind",
            "email",
            "password_hash",
            "first_name",
            "last_name",
            "status",
            "created_at",
            "updated_at",
        ],
        users,
    )
    .await;
    // Users 2..=n+1 are the traders: participant i+1 belongs to user i+2. Accounts are
    // numbered in order among the participants that have one.
    let today = now.date_naive();
    let mut next_account = 0i64;
    let mut parts = Vec::new();
    let mut accounts = Vec::new();
    let mut fees = Vec::new();
    let mut decisions = Vec::new();
    let mut funded = Vec::new();
    for i in 0..n {
        let pid = i as i64 + 1;
        let kind = i % 10;
        // Funded: Classic's live stage, Instant or Reviewed; the others Classic's evaluation.
        let (ch, stage_ix) = match kind {
            0..=3 => (i % 3, if i % 3 == 0 { 2 } else { 0 }),
            _ => (0, (i % 2) as i32),
        };
        let d = &defs[ch];
        let package = d.packages[0].clone();
        let st = &package.stages[stage_ix as usize];
        let bought = Bought {
            version: 1,
            time_zone: "UTC".into(),
            package: package.clone(),
        };
        let (status, has_account, acc_status, balance) = match kind {
            0..=3 => ("in_progress", true, "active", SIZE),
            4..=6 => ("failed", true, "failed", SIZE - 60_000),
            7..=8 => ("in_progress", true, "active", SIZE + 20_000),
            _ => ("pending_approval", false, "", 0),
        };
        let acc = has_account.then(|| {
            next_account += 1;
            next_account
        });
        let created = now - Duration::days((i % 90) as i64);
        parts.push(vec![
            Value::from(i as i64 + 2),
            Value::from(ids[ch]),
            "p1".into(),
            serde_json::to_string(&bought).expect("bought").into(),
            d.name.clone().into(),
            "USD".into(),
            package.fee_minor.into(),
            "wallet".into(),
            status.into(),
            stage_ix.into(),
            1i32.into(),
            acc.into(),
            if i % 50 == 0 { "demo" } else { "real" }.into(),
            created.into(),
            created.into(),
        ]);
        fees.push(vec![
            Value::from(pid),
            Value::from(i as i64 + 2),
            Value::from(ids[ch]),
            "fee".into(),
            "USD".into(),
            package.fee_minor.into(),
            0i64.into(),
            created.into(),
        ]);
        let Some(acc) = acc else {
            continue;
        };
        let rules = st.rules(SIZE);
        let state = StageState::new(&rules, today);
        accounts.push(vec![
            Value::from(pid),
            Value::from(i as i64 + 2),
            "sim".into(),
            format!("{}", 60_000_000 + i).into(),
            "x".into(),
            st.environment.as_str().into(),
            "USD".into(),
            100i32.into(),
            stage_ix.into(),
            1i32.into(),
            SIZE.into(),
            balance.into(),
            balance.into(),
            acc_status.into(),
            "UTC".into(),
            serde_json::to_string(&rules).expect("rules").into(),
            serde_json::to_string(&state).expect("state").into(),
            created.into(),
            created.into(),
        ]);
        if acc_status == "failed" {
            decisions.push(vec![
                Value::from(acc),
                Value::from(pid),
                "breach".into(),
                "max_daily_loss".into(),
                "{}".into(),
                (created + Duration::days(3)).into(),
            ]);
        }
        if kind <= 3 {
            funded.push(Funded {
                participant: pid,
                account: acc,
                user: i as i64 + 2,
            });
        }
    }
    insert(
        db,
        "participant",
        &[
            "user_id",
            "challenge_id",
            "package_key",
            "definition",
            "challenge_name",
            "currency",
            "fee_minor",
            "pay_method",
            "status",
            "stage",
            "attempt",
            "account_id",
            "data_type",
            "created_at",
            "updated_at",
        ],
        parts,
    )
    .await;
    insert(
        db,
        "participation_fee",
        &[
            "participant_id",
            "user_id",
            "challenge_id",
            "kind",
            "currency",
            "amount_minor",
            "entry_id",
            "created_at",
        ],
        fees,
    )
    .await;
    insert(
        db,
        "trading_account",
        &[
            "participant_id",
            "user_id",
            "platform",
            "login",
            "password",
            "environment",
            "currency",
            "leverage",
            "stage",
            "attempt",
            "initial_balance",
            "balance",
            "equity",
            "status",
            "time_zone",
            "rules",
            "state",
            "created_at",
            "updated_at",
        ],
        accounts,
    )
    .await;
    insert(
        db,
        "rule_decision",
        &[
            "account_id",
            "participant_id",
            "outcome",
            "rule",
            "figures",
            "created_at",
        ],
        decisions,
    )
    .await;
    // A past month settled and paid for every funded account.
    let month = (today - Duration::days(40)).format("%Y-%m-01").to_string();
    let start = chrono::NaiveDate::parse_from_str(&month, "%Y-%m-%d").expect("month");
    let shares: Vec<Vec<Value>> = funded
        .iter()
        .map(|f| {
            vec![
                Value::from(f.participant),
                Value::from(f.account),
                Value::from(f.user),
                Value::from(ids[0]),
                "USD".into(),
                month.clone().into(),
                start.into(),
                (start + Duration::days(27)).into(),
                SIZE.into(),
                (SIZE + 50_000).into(),
                50_000i64.into(),
                10_000i64.into(),
                "automatic".into(),
                "paid".into(),
                now.into(),
            ]
        })
        .collect();
    insert(
        db,
        "profit_share",
        &[
            "participant_id",
            "account_id",
            "user_id",
            "challenge_id",
            "currency",
            "period_key",
            "period_start",
            "period_end",
            "base_minor",
            "balance_minor",
            "profit_minor",
            "firm_minor",
            "distribution",
            "status",
            "created_at",
        ],
        shares,
    )
    .await;
    let parts: Vec<Vec<Value>> = funded
        .iter()
        .enumerate()
        .map(|(i, f)| {
            vec![
                Value::from(i as i64 + 1),
                "trader".into(),
                Value::from(f.user),
                8_000i64.into(),
                40_000i64.into(),
            ]
        })
        .collect();
    insert(
        db,
        "profit_share_part",
        &[
            "profit_share_id",
            "recipient",
            "user_id",
            "bps",
            "amount_minor",
        ],
        parts,
    )
    .await;
    let with_accounts = next_account.max(1) as usize;
    let deal_rows: Vec<Vec<Value>> = (0..deals)
        .map(|k| {
            let acc = (k % with_accounts) as i64 + 1;
            let at = now - Duration::minutes((k % 86_400) as i64);
            vec![
                Value::from(acc),
                format!("t{k}").into(),
                ["EURUSD", "XAUUSD", "US500", "BTCUSD"][k % 4].into(),
                if k % 2 == 0 { "buy" } else { "sell" }.into(),
                100i64.into(),
                108_500i64.into(),
                108_600i64.into(),
                5i32.into(),
                ((k % 201) as i64 - 100).into(),
                at.into(),
                at.into(),
            ]
        })
        .collect();
    insert(
        db,
        "deal",
        &[
            "account_id",
            "ticket",
            "symbol",
            "side",
            "volume",
            "open_price",
            "close_price",
            "digits",
            "profit_minor",
            "opened_at",
            "closed_at",
        ],
        deal_rows,
    )
    .await;
    Built { funded }
}

async fn dashboards(db: &DatabaseConnection, label: &str, runs: usize, challenge: i64) {
    let today = Utc::now().date_naive();
    let all = DashboardQuery::default();
    let month = DashboardQuery {
        challenge,
        from: (today - Duration::days(29)).to_string(),
        to: today.to_string(),
        currency: String::new(),
    };
    let count = db::statement(
        db.get_database_backend(),
        "SELECT COUNT(*) AS n FROM participant",
        vec![],
    );
    // Warm the caches once, as a running server would be.
    dashboard::dashboard(db, Scope::Firm, &all)
        .await
        .expect("dashboard");
    let (mut base, mut whole, mut one) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        db.query_one_raw(count.clone()).await.expect("count");
        base.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let d = dashboard::dashboard(db, Scope::Firm, &all)
            .await
            .expect("dashboard");
        whole.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(d.participants > 0);
        let t = Instant::now();
        dashboard::dashboard(db, Scope::Firm, &month)
            .await
            .expect("dashboard");
        one.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let b = median(&mut base);
    let (w, w90) = (median(&mut whole), percentile(&mut whole, 0.9));
    let (o, o90) = (median(&mut one), percentile(&mut one, 0.9));
    println!(
        "{label} dashboard, all time:            median {w:>7.2} ms  p90 {w90:>7.2} ms  ({:.0}× the baseline)",
        w / b
    );
    println!(
        "{label} dashboard, one challenge, 30 d: median {o:>7.2} ms  p90 {o90:>7.2} ms  ({:.0}× the baseline)",
        o / b
    );
    println!("{label} baseline COUNT(*) of participants: median {b:>7.3} ms");
}

async fn settlements(db: &DatabaseConnection, label: &str, b: &Built, runs: usize) {
    let usd = money::currency("USD").expect("USD");
    let mut took = Vec::new();
    let mut base = Vec::new();
    let funded = b.funded.len();
    for run in 0..runs {
        // A month passes on the simulator's clock and every funded trader made 300.00.
        let feed = sim::feed(db).await.expect("feed");
        sim::set_feed(
            db,
            Feed {
                day_offset: feed.day_offset + 31,
                ..feed
            },
        )
        .await
        .expect("clock");
        db.execute_raw(db::statement(
            db.get_database_backend(),
            "UPDATE trading_account SET balance = initial_balance + 30000, \
             equity = initial_balance + 30000 WHERE environment = 'live' AND status = 'active'",
            vec![],
        ))
        .await
        .expect("profits");
        let t = Instant::now();
        let made = profit_share::settle_due(db).await.expect("settle");
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(made, funded, "every funded account settles");
        took.push(secs);
        // Baseline: the ledger alone, one balanced entry per funded account.
        let firm = ledger::firm(db, AccountKind::FundedTrading, usd)
            .await
            .expect("firm");
        let t = Instant::now();
        for f in &b.funded {
            let wallet = ledger::wallet(db, f.user, usd).await.expect("wallet");
            ledger::post(
                db,
                Entry {
                    idempotency_key: &format!("bench-{run}-{}", f.participant),
                    kind: "bench",
                    currency: usd,
                    legs: vec![
                        Leg {
                            account_id: firm.id,
                            amount_minor: -24_000,
                        },
                        Leg {
                            account_id: wallet.id,
                            amount_minor: 24_000,
                        },
                    ],
                    memo: "",
                    actor_id: None,
                },
            )
            .await
            .expect("post");
        }
        base.push(t.elapsed().as_secs_f64());
        println!(
            "{label} run {}: {made} settlements in {secs:.2} s ({:.0}/s); ledger baseline {:.2} s ({:.0}/s)",
            run + 1,
            made as f64 / secs,
            base[run],
            made as f64 / base[run]
        );
    }
    assert!(
        ledger::check_invariants(db)
            .await
            .expect("invariants")
            .is_empty()
    );
    let (t, bl) = (median(&mut took), median(&mut base));
    println!(
        "{label} settlement run: median {t:.2} s for {funded} accounts ({:.0} settlements/s, {:.2} ms each); ledger baseline {bl:.2} s; ratio {:.2}",
        funded as f64 / t,
        t * 1e3 / funded as f64,
        bl / t
    );
}

async fn bench(db: DatabaseConnection, label: &str, n: usize, deals: usize, runs: usize) {
    let t = Instant::now();
    let built = populate(&db, n, deals).await;
    println!(
        "{label}: {n} participants, {} funded, {deals} deals loaded in {:.1} s",
        built.funded.len(),
        t.elapsed().as_secs_f64()
    );
    dashboards(&db, label, 25.max(runs), 2).await;
    settlements(&db, label, &built, runs).await;
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(10_000);
    let deals = args.get(1).copied().unwrap_or(1_000_000);
    let runs = args.get(2).copied().unwrap_or(3);
    bench(
        server::testing::fresh_db(None).await,
        "SQLite",
        n,
        deals,
        runs,
    )
    .await;
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        bench(
            server::testing::fresh_db(Some(&url)).await,
            "PostgreSQL",
            n,
            deals,
            runs,
        )
        .await;
    }
}

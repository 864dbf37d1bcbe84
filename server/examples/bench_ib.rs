//! The IB programme at scale: 100,000 clients in a referral tree ten levels deep under one IB,
//! a participant each, 1,000,000 challenge fees and 1,000,000 fee commissions, on SQLite and,
//! when TEST_DATABASE_URL is set, on PostgreSQL.
//!
//! - The IB's pages for the IB at the top (My Clients, a search in it, Commission, the
//!   Clients' Report, Prop Trading Statistics) and the back office's Fee Commission Report (all
//!   of it, and one challenge over 30 days), each against the cheapest query over the same
//!   clients (`SELECT COUNT(*) FROM users`) in the same run.
//! - A purchase by the deepest client of a challenge paying ten levels of commissions against
//!   the same purchase of a challenge paying none.
//!
//! Usage: cargo run --release -p server --example bench_ib [clients] [fees] [runs]
mod shared;
use app::domain::challenge::{ChallengeDef, StageDef};
use app::domain::ib::{FeeCommissions, LevelPlan, Rebate};
use app::model::ListQuery;
use app::server::ib::reports::{self, Whose};
use app::server::identity::scope::Scope;
use app::server::infra::origin::Origin;
use app::server::money::wallets::{self, Adjustment};
use app::server::prop::challenges;
use app::server::prop::participation::{self, ParticipateInput};
use app::server::trading::sim::{self, Feed};
use chrono::{Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use shared::insert;
use std::time::Instant;

const LEVELS: usize = 10;
/// The participants' statuses, in turn.
const STATUSES: [&str; 3] = ["in_progress", "failed", "completed"];

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

const USER_COLS: &[&str] = &[
    "kind",
    "email",
    "password_hash",
    "first_name",
    "last_name",
    "status",
    "referrer_id",
    "created_at",
    "updated_at",
];

fn user(kind: &str, email: String, last: String, referrer: Option<i64>) -> Vec<Value> {
    let now = Utc::now();
    vec![
        kind.into(),
        email.into(),
        "x".into(),
        "Bench".into(),
        last.into(),
        "active".into(),
        referrer.into(),
        now.into(),
        now.into(),
    ]
}

fn challenge(name: &str, plan: FeeCommissions) -> ChallengeDef {
    let mut d = ChallengeDef::example();
    d.name = name.into();
    d.time_zone = "UTC".into();
    d.packages[0].key = "p1".into();
    d.packages[0].stages = vec![StageDef::demo_default()];
    d.commissions = plan;
    d
}

struct Firm {
    top: i64,
    deepest: i64,
    paying: i64,
    plain: i64,
    challenge: i64,
}

/// User 1 is the administrator, user 2 the IB at the top; clients follow, level by level:
/// 100 on level 1, the rest spread evenly over levels 2 to 10, each under a client of the
/// level above.
async fn populate(db: &DatabaseConnection, clients: usize, fees: usize) -> Firm {
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
    insert(
        db,
        "users",
        USER_COLS,
        vec![
            user(
                "staff",
                "bench-admin@example.com".into(),
                "Admin".into(),
                None,
            ),
            user("ib", "top-ib@example.com".into(), "Top".into(), None),
        ],
    )
    .await;
    let (admin, top) = (1i64, 2i64);
    let first = 100.min(clients);
    let per_level = (clients - first) / (LEVELS - 1);
    // parent[i] and level[i] of client i (user id i + 3).
    let mut parent = Vec::with_capacity(clients);
    let mut level = Vec::with_capacity(clients);
    let mut level_start = [0usize; LEVELS + 1];
    for i in 0..clients {
        let l = if i < first {
            1
        } else {
            (2 + (i - first) / per_level.max(1)).min(LEVELS)
        };
        if level.last() != Some(&l) {
            level_start[l] = i;
        }
        let p = if l == 1 {
            top
        } else {
            let (from, to) = (level_start[l - 1], level_start[l]);
            (from + (i % (to - from).max(1))) as i64 + 3
        };
        parent.push(p);
        level.push(l);
    }
    let rows: Vec<Vec<Value>> = (0..clients)
        .map(|i| {
            let kind = if level[i] < LEVELS { "ib" } else { "trader" };
            user(
                kind,
                format!("client{i}@example.com"),
                format!("Client {i}"),
                Some(parent[i]),
            )
        })
        .collect();
    insert(db, "users", USER_COLS, rows).await;
    // The closure: each client's chain of ancestors up to the top IB.
    let mut paths = Vec::new();
    for i in 0..clients {
        let me = i as i64 + 3;
        let mut up = parent[i];
        let mut depth = 1;
        loop {
            paths.push(vec![up.into(), me.into(), depth.into()]);
            if up == top {
                break;
            }
            up = parent[(up - 3) as usize];
            depth += 1;
        }
    }
    insert(
        db,
        "referral_path",
        &["ancestor_id", "descendant_id", "depth"],
        paths,
    )
    .await;
    let ten = FeeCommissions {
        levels: Some(LevelPlan {
            include_challenger: false,
            levels: vec![Rebate::Percent(100); LEVELS],
        }),
        ..Default::default()
    };
    let mut ids = Vec::new();
    for (name, plan) in [("Paying", ten), ("Plain", FeeCommissions::default())] {
        let id = challenges::save(db, admin, None, challenge(name, plan), &origin)
            .await
            .expect("challenge");
        challenges::publish(db, admin, id, &origin)
            .await
            .expect("publish");
        ids.push(id);
    }
    let now = Utc::now();
    let participants: Vec<Vec<Value>> = (0..clients)
        .map(|i| {
            vec![
                (i as i64 + 3).into(),
                ids[0].into(),
                "p1".into(),
                "{}".into(),
                "Paying".into(),
                "USD".into(),
                9_900i64.into(),
                "wallet".into(),
                STATUSES[i % 3].into(),
                0i32.into(),
                1i32.into(),
                "real".into(),
                Some(parent[i]).into(),
                "".into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
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
            "data_type",
            "referrer_id",
            "reason",
            "created_at",
            "updated_at",
        ],
        participants,
    )
    .await;
    // Fees spread over the last 90 days; each pays one commission, to the buyer's referrer
    // (one in ten to the top IB).
    let mut fee_rows = Vec::with_capacity(fees);
    let mut commission_rows = Vec::with_capacity(fees);
    // The daily sums the service keeps as it pays: per recipient and for everyone (0).
    let mut days: std::collections::BTreeMap<(i64, String), i64> = Default::default();
    for k in 0..fees {
        let i = k % clients;
        let at = now - Duration::minutes((k % (90 * 24 * 60)) as i64);
        let (buyer, pid) = (i as i64 + 3, i as i64 + 1);
        fee_rows.push(vec![
            pid.into(),
            buyer.into(),
            ids[0].into(),
            Some(parent[i]).into(),
            "fee".into(),
            "USD".into(),
            9_900i64.into(),
            9_900i64.into(),
            (k as i64 + 1).into(),
            at.into(),
        ]);
        let recipient = if k % 10 == 0 { top } else { parent[i] };
        let day = at.format("%Y-%m-%d").to_string();
        *days.entry((recipient, day.clone())).or_default() += 1;
        *days.entry((0, day)).or_default() += 1;
        commission_rows.push(vec![
            (k as i64 + 1).into(),
            pid.into(),
            ids[0].into(),
            buyer.into(),
            recipient.into(),
            "level".into(),
            1i32.into(),
            "USD".into(),
            9_900i64.into(),
            9_900i64.into(),
            99i64.into(),
            "paid".into(),
            at.into(),
        ]);
    }
    insert(
        db,
        "participation_fee",
        &[
            "participant_id",
            "user_id",
            "challenge_id",
            "referrer_id",
            "kind",
            "currency",
            "amount_minor",
            "list_minor",
            "entry_id",
            "created_at",
        ],
        fee_rows,
    )
    .await;
    insert(
        db,
        "fee_commission",
        &[
            "fee_id",
            "participant_id",
            "challenge_id",
            "buyer_id",
            "recipient_id",
            "structure",
            "level",
            "currency",
            "fee_list_minor",
            "fee_paid_minor",
            "amount_minor",
            "status",
            "created_at",
        ],
        commission_rows,
    )
    .await;
    let rollup: Vec<Vec<Value>> = days
        .iter()
        .map(|((who, day), n)| {
            vec![
                (*who).into(),
                ids[0].into(),
                day.clone().into(),
                "USD".into(),
                (n * 99).into(),
                (n * 9_900).into(),
                (n * 9_900).into(),
            ]
        })
        .collect();
    insert(
        db,
        "commission_day",
        &[
            "recipient_id",
            "challenge_id",
            "day",
            "currency",
            "amount_minor",
            "fees_list_minor",
            "fees_paid_minor",
        ],
        rollup,
    )
    .await;
    // The prop figures the prop area keeps per upline, for the IB measured (every client is
    // under them): participants by day, status and stage, and fees by day.
    let today = now.format("%Y-%m-%d").to_string();
    let mut by_status: std::collections::BTreeMap<&str, i64> = Default::default();
    for i in 0..clients {
        *by_status.entry(STATUSES[i % 3]).or_default() += 1;
    }
    let participant_days = by_status
        .into_iter()
        .map(|(st, n)| {
            vec![
                top.into(),
                today.clone().into(),
                st.into(),
                0i32.into(),
                false.into(),
                n.into(),
            ]
        })
        .collect();
    insert(
        db,
        "tree_participant_day",
        &["ancestor_id", "day", "status", "stage", "live", "n"],
        participant_days,
    )
    .await;
    let fee_days = days
        .iter()
        .filter(|((who, _), _)| *who == 0)
        .map(|((_, day), n)| {
            vec![
                top.into(),
                day.clone().into(),
                "USD".into(),
                (n * 9_900).into(),
            ]
        })
        .collect();
    insert(
        db,
        "tree_fee_day",
        &["ancestor_id", "day", "currency", "amount_minor"],
        fee_days,
    )
    .await;
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    Firm {
        top,
        deepest: clients as i64 + 2,
        paying: ids[0],
        plain: ids[1],
        challenge: ids[0],
    }
}

/// The median time of `f`, which must succeed (a query that fails fast is no figure).
async fn time<F, Fut, T, E>(what: &str, runs: usize, mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
    E: std::fmt::Debug,
{
    let mut v = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f().await.unwrap_or_else(|e| panic!("{what}: {e:?}")));
        v.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    median(&mut v)
}

async fn run(label: &str, db: DatabaseConnection, clients: usize, fees: usize, runs: usize) {
    let t = Instant::now();
    let f = populate(&db, clients, fees).await;
    println!(
        "{label}: {clients} clients ten levels deep, {fees} fees and commissions, populated in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let page = ListQuery {
        per_page: 20,
        ..Default::default()
    };
    let s = reports::scope(&db, f.top).await.expect("scope");
    let baseline = time("baseline", runs, || {
        db.execute_unprepared("SELECT COUNT(*) FROM users")
    })
    .await;
    let search = ListQuery {
        q: "client9999@".into(),
        ..page.clone()
    };
    let month = ListQuery {
        from: (Utc::now() - Duration::days(30))
            .format("%Y-%m-%d")
            .to_string(),
        ..page.clone()
    };
    let cases: Vec<(&str, f64)> = vec![
        (
            "My Clients (first page)",
            time("My Clients (first page)", runs, || {
                reports::downlines(&db, &s, &page, None, true)
            })
            .await,
        ),
        (
            "My Clients (search)",
            time("My Clients (search)", runs, || {
                reports::downlines(&db, &s, &search, None, true)
            })
            .await,
        ),
        (
            "Commission (with totals by day and month)",
            time("Commission (with totals by day and month)", runs, || {
                reports::commissions(&db, Whose::Ib(&s), &page, true)
            })
            .await,
        ),
        (
            "Clients' Report",
            time("Clients' Report", runs, || {
                reports::client_report(&db, &s, &page, true)
            })
            .await,
        ),
        (
            "Prop Trading Statistics",
            time("Prop Trading Statistics", runs, || {
                reports::prop_stats(&db, &s, &page)
            })
            .await,
        ),
        (
            "Fee Commission Report (all)",
            time("Fee Commission Report (all)", runs, || {
                reports::commissions(
                    &db,
                    Whose::All {
                        challenge: 0,
                        clients: &Scope::Firm,
                    },
                    &page,
                    true,
                )
            })
            .await,
        ),
        (
            "Fee Commission Report (one challenge, 30 days)",
            time(
                "Fee Commission Report (one challenge, 30 days)",
                runs,
                || {
                    reports::commissions(
                        &db,
                        Whose::All {
                            challenge: f.challenge,
                            clients: &Scope::Firm,
                        },
                        &month,
                        true,
                    )
                },
            )
            .await,
        ),
    ];
    println!("  baseline SELECT COUNT(*) FROM users: {baseline:.1} ms");
    for (name, ms) in cases {
        println!(
            "  {name}: median {ms:.1} ms ({:.0}× the baseline)",
            ms / baseline.max(0.001)
        );
    }
    // Purchases by the deepest client: ten commissions each, against none.
    let origin = Origin::internal("bench");
    wallets::adjust(
        &db,
        1,
        Adjustment {
            idempotency_key: "bench-fund".into(),
            user_id: f.deepest,
            currency: "USD".into(),
            direction: "deposit".into(),
            amount: "1000000".into(),
            comment: "bench".into(),
        },
        &origin,
    )
    .await
    .expect("fund");
    let mut n = 0;
    let mut buy = |challenge: i64| {
        n += 1;
        let db = db.clone();
        let origin = origin.clone();
        let key = format!("bench-buy-{n}");
        async move {
            participation::participate(
                &db,
                f.deepest,
                ParticipateInput {
                    coupon: 0,
                    promo_code: String::new(),
                    challenge_id: challenge,
                    package_key: "p1".into(),
                    pay_method: "wallet".into(),
                    idempotency_key: key,
                },
                &origin,
            )
            .await
        }
    };
    let plain = time("purchase without commissions", runs * 4, || buy(f.plain)).await;
    let paying = time("purchase with ten levels", runs * 4, || buy(f.paying)).await;
    println!(
        "  purchase without commissions: median {plain:.1} ms; with ten levels: median {paying:.1} ms ({:.2}×)",
        paying / plain
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let clients = args.first().copied().unwrap_or(100_000);
    let fees = args.get(1).copied().unwrap_or(1_000_000);
    let runs = args.get(2).copied().unwrap_or(7);
    let sqlite = server::testing::fresh_db(None).await;
    run("SQLite", sqlite, clients, fees, runs).await;
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let pg = server::testing::fresh_db(Some(&url)).await;
        run("PostgreSQL", pg, clients, fees, runs).await;
    }
}

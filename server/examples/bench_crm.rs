//! The CRM at scale: 100,000 clients owned by 20 agents in two teams (and 10,000 in the unowned
//! pool), each with a sign-in and an audit record, on SQLite and, when TEST_DATABASE_URL is
//! set, on PostgreSQL. Measures, against the cheapest query over the same clients
//! (`SELECT COUNT(*) FROM users`) in the same run:
//!
//! - the client list's first page for an agent who sees their own clients, a team lead who sees
//!   their team's, the whole firm, and a search within the agent's scope;
//! - the client's page (details, tags, notes, sign-ins, audit records) as the agent.
//!
//! Usage: cargo run --release -p server --example bench_crm [clients] [runs]
mod shared;
use app::domain::access::{DataScope, Principal, UserKind};
use app::domain::permission::PermissionSet;
use app::model::ListQuery;
use app::server::crm::clients as crm_clients;
use app::server::identity::clients;
use app::server::identity::scope::Scope;
use chrono::Utc;
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use shared::{insert, percentile};
use std::time::Instant;

const AGENTS: i64 = 20;

struct Firm {
    agent: i64,
    lead: i64,
    /// A client the agent owns.
    client: i64,
}

async fn populate(db: &DatabaseConnection, n: usize) -> Firm {
    let now = Utc::now();
    let staff_cols = &[
        "kind",
        "email",
        "password_hash",
        "first_name",
        "last_name",
        "status",
        "supervisor_id",
        "created_at",
        "updated_at",
    ];
    // Two team leads (ids 1 and 2 of the staff inserted), then the agents, half under each.
    let first_staff = next_id(db, "users").await;
    let leads = (0..2).map(|i| staff_row(format!("lead{i}@bench.test"), None, now));
    insert(db, "users", staff_cols, leads.collect()).await;
    let agents = (0..AGENTS).map(|i| {
        staff_row(
            format!("agent{i}@bench.test"),
            Some(first_staff + i % 2),
            now,
        )
    });
    insert(db, "users", staff_cols, agents.collect()).await;
    let first_agent = first_staff + 2;
    let client_cols = &[
        "kind",
        "email",
        "password_hash",
        "first_name",
        "last_name",
        "country",
        "status",
        "owner_id",
        "created_at",
        "updated_at",
    ];
    let first_client = next_id(db, "users").await;
    let rows: Vec<Vec<Value>> = (0..n)
        .map(|i| {
            // One client in ten waits in the unowned pool.
            let owner = (i % 10 != 9).then(|| first_agent + (i as i64 % AGENTS));
            vec![
                "trader".into(),
                format!("client{i}@bench.test").into(),
                "x".into(),
                "Bench".into(),
                format!("Client{i}").into(),
                "GB".into(),
                "active".into(),
                owner.into(),
                now.into(),
                now.into(),
            ]
        })
        .collect();
    insert(db, "users", client_cols, rows).await;
    let attempts: Vec<Vec<Value>> = (0..n)
        .map(|i| {
            vec![
                format!("client{i}@bench.test").into(),
                "203.0.113.7".into(),
                true.into(),
                "Firefox".into(),
                "GB".into(),
                now.into(),
            ]
        })
        .collect();
    insert(
        db,
        "login_attempt",
        &["email", "ip", "success", "user_agent", "country", "at"],
        attempts,
    )
    .await;
    let audits: Vec<Vec<Value>> = (0..n)
        .map(|i| {
            vec![
                Some(first_agent).into(),
                "client.owner".into(),
                "user".into(),
                Some(first_client + i as i64).into(),
                "{}".into(),
                "".into(),
                now.into(),
            ]
        })
        .collect();
    insert(
        db,
        "audit_log",
        &[
            "actor_id",
            "action",
            "target_type",
            "target_id",
            "detail",
            "ip",
            "at",
        ],
        audits,
    )
    .await;
    Firm {
        agent: first_agent,
        lead: first_staff,
        client: first_client,
    }
}

fn staff_row(email: String, supervisor: Option<i64>, now: chrono::DateTime<Utc>) -> Vec<Value> {
    vec![
        UserKind::Staff.as_str().into(),
        email.into(),
        "x".into(),
        "Bench".into(),
        "Staff".into(),
        "active".into(),
        supervisor.into(),
        now.into(),
        now.into(),
    ]
}

async fn next_id(db: &DatabaseConnection, table: &str) -> i64 {
    let r = db
        .query_one_raw(app::server::infra::db::statement(
            db.get_database_backend(),
            &format!("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM {table}"),
            vec![],
        ))
        .await
        .expect("max id")
        .expect("a row");
    r.try_get::<i64>("", "n").expect("n")
}

fn staff(id: i64, scope: DataScope) -> Principal {
    Principal {
        user_id: id,
        kind: UserKind::Staff,
        permissions: PermissionSet::all(),
        scope,
    }
}

async fn time<F, Fut, T>(runs: usize, mut f: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    f().await;
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await;
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    (percentile(&mut ms.clone(), 0.5), percentile(&mut ms, 0.9))
}

async fn run(name: &str, db: DatabaseConnection, n: usize, runs: usize) {
    let t = Instant::now();
    let f = populate(&db, n).await;
    println!(
        "{name}: {n} clients ready in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let count = app::server::infra::db::statement(
        db.get_database_backend(),
        "SELECT COUNT(*) AS n FROM users",
        vec![],
    );
    let page = ListQuery {
        per_page: 20,
        sort: "id".into(),
        desc: true,
        ..Default::default()
    };
    let search = ListQuery {
        q: "client1234".into(),
        ..page.clone()
    };
    let own = Scope::of(&db, &staff(f.agent, DataScope::Own))
        .await
        .expect("scope");
    let team = Scope::of(&db, &staff(f.lead, DataScope::Team))
        .await
        .expect("scope");
    let firm = Scope::Firm;
    let base = time(runs, || async {
        db.query_one_raw(count.clone()).await.expect("count")
    })
    .await;
    let rows = [
        (
            "Client list, own clients (an agent's 4,500)",
            time(runs, || clients::list(&db, &own, &page, true)).await,
        ),
        (
            "Client list, a team's (10 agents, 45,000)",
            time(runs, || clients::list(&db, &team, &page, true)).await,
        ),
        (
            "Client list, whole firm",
            time(runs, || clients::list(&db, &firm, &page, true)).await,
        ),
        (
            "Client list, search in own clients",
            time(runs, || clients::list(&db, &own, &search, true)).await,
        ),
        (
            "Client's page, as the agent",
            time(runs, || crm_clients::page(&db, &own, f.client, false)).await,
        ),
    ];
    println!(
        "{name}: median / p90 ms, and the median against COUNT(*) over users ({:.2} ms)",
        base.0
    );
    for (what, (med, p90)) in rows {
        println!(
            "  {what:<48} {med:>8.2} / {p90:>8.2}   {:>6.1}×",
            med / base.0
        );
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(100_000);
    let runs = args.get(1).copied().unwrap_or(21);
    let sqlite = server::testing::fresh_db(None).await;
    run("SQLite", sqlite, n, runs).await;
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let pg = server::testing::fresh_db(Some(&url)).await;
        run("PostgreSQL", pg, n, runs).await;
    }
}

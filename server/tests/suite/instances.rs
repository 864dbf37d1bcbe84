//! Two server processes on one PostgreSQL database, behind no balancer: a session made on one
//! works on the other, each scheduled job runs on one of them, an event produced on one reaches
//! a browser connected to the other, and a rolling restart of one loses nothing.
use crate::common;
use app::domain::access::UserKind;
use app::domain::live::Topic;
use app::server::entity::job_lease;
use common::process::{self, Server};
use common::{cookie_for, make_user};
use sea_orm::EntityTrait;
use std::time::Duration;

const SOON: Duration = Duration::from_millis(1500);

/// The holder of each job lease (`name` → the pid its holder name starts with).
async fn holders(db: &sea_orm::DatabaseConnection) -> Vec<(String, String)> {
    let mut rows: Vec<_> = job_lease::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| {
            (
                l.name,
                l.holder.split('-').next().unwrap_or_default().to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn mails_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn two_instances_share_sessions_jobs_and_events() {
    common::bounded(async {
        let base = std::env::var("TEST_DATABASE_URL")
            .expect("TEST_DATABASE_URL must point at a PostgreSQL server");
        let (db, url) = server::testing::fresh_db_with_url(Some(&base)).await;
        let trader = make_user(&db, UserKind::Trader, "ann@example.com", None).await;
        let admin = make_user(&db, UserKind::Staff, "boss@example.com", Some("Administrator")).await;
        let staff_cookie = cookie_for(&db, &admin).await;
        let outbox = std::env::temp_dir().join(format!("propdesk-two-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&outbox);
        let (a, b) = (
            Server::start(process::bin(), &url, &outbox).await,
            Server::start(process::bin(), &url, &outbox).await,
        );

        // A sign-in on A is a session on B.
        let signed = a
            .call(
                "/api/auth/login",
                None,
                "email=ann%40example.com&password=correct+horse+battery",
            )
            .await;
        assert_eq!(signed.status, 200, "{}", signed.body);
        let cookie = signed.cookie().expect("a session cookie");
        let me = b.call("/api/auth/me", Some(&cookie), "").await;
        assert_eq!(me.status, 200, "{}", me.body);
        assert!(me.body.contains("ann@example.com"), "{}", me.body);

        // Each schedule is held by one of the two, and stays with it.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let first = holders(&db).await;
        let pids = [a.pid().to_string(), b.pid().to_string()];
        assert_eq!(first.len(), 3, "{first:?}");
        assert!(first.iter().all(|(_, pid)| pids.contains(pid)), "{first:?} {pids:?}");
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(holders(&db).await, first);
        // A mail queued on A is sent once, by whichever instance claims it.
        let forgot = a.call("/api/auth/forgot-password", None, "email=ann%40example.com").await;
        assert_eq!(forgot.status, 200, "{}", forgot.body);
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(mails_in(&outbox), 1);

        // Ann's browser is connected to B; staff adjust her wallet on A.
        let mut ann = b.live(&cookie, None).await;
        let adjust = |key: &str| {
            format!(
                "idempotency_key={key}&user_id={}&currency=USD&direction=deposit&amount=10&comment=bonus",
                trader.id
            )
        };
        let r = a.call("/api/wallets/adjust", Some(&staff_cookie), &adjust("k1")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let got = ann.events(SOON).await;
        assert!(got.iter().any(|e| e.topic == Topic::Notification), "{got:?}");
        let last = got.last().unwrap().id;

        // Rolling restart of B: it stops cleanly (the open stream does not hold it), A keeps
        // serving, and what happens meanwhile reaches Ann when her browser reconnects to B.
        let b = b.restart_after(|| async {
            let r = a.call("/api/wallets/adjust", Some(&staff_cookie), &adjust("k2")).await;
            assert_eq!(r.status, 200, "{}", r.body);
            let me = a.call("/api/auth/me", Some(&cookie), "").await;
            assert_eq!(me.status, 200);
        })
        .await;
        assert!(ann.events(Duration::from_millis(200)).await.is_empty());
        let mut back = b.live(&cookie, Some(last)).await;
        let missed = back.events(SOON).await;
        assert_eq!(
            missed.iter().filter(|e| e.topic == Topic::Notification).count(),
            1,
            "{missed:?}"
        );
        assert!(missed.iter().all(|e| e.id > last));
        let me = b.call("/api/auth/me", Some(&cookie), "").await;
        assert_eq!(me.status, 200, "the session survives the restart");
        assert!(app::server::money::ledger::check_invariants(&db).await.unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&outbox);
        server::testing::discard(&url).await;
    })
    .await
}

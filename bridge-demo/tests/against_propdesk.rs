//! The reference bridge as its own process against a PropDesk process on one database: a
//! trader's stage account is created on the platform and opened in PropDesk by the bridge's
//! acknowledgement; an order placed on the platform reaches PropDesk as a deal; the bridge is
//! killed (SIGKILL) and restarted from its state file without repeating a command or a deal; a
//! price that breaches the daily loss fails the stage, and the platform carries out the disable
//! command and acknowledges it.
use app::domain::access::UserKind;
use app::domain::challenge::{ChallengeDef, StageDef};
use app::model::ServerForm;
use app::server::entity::{bridge_command, deal, participant, trading_account};
use app::server::money::wallets::{self, Adjustment};
use app::server::prop::participation::{self, ParticipateInput};
use app::server::seed::{self, NewUser};
use app::server::trading::servers;
use app::server::{RuntimeConfig, approvals, infra::origin::Origin, prop::challenges};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use server::probe::{Server, request};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::process::{Child, Command};

fn here() -> Origin {
    Origin {
        ip: "127.0.0.1".into(),
        user_agent: "test".into(),
    }
}

async fn user(db: &DatabaseConnection, kind: UserKind, email: &str, role: Option<&str>) -> i64 {
    let new = NewUser {
        kind,
        email,
        password: "correct horse battery",
        first_name: "Test",
        last_name: "User",
        country: "GB",
        phone: "+441632960001",
        role,
        referrer_id: None,
        created_days_ago: 0,
    };
    seed::ensure_user(db, &RuntimeConfig::for_tests(), new)
        .await
        .unwrap()
        .0
        .id
}

/// `propdesk`, which cargo built beside this test for the server package's own tests.
fn propdesk() -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let bin = deps
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("propdesk");
    assert!(
        bin.exists(),
        "build the server first: cargo build -p server ({})",
        bin.display()
    );
    bin
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Demo {
    port: u16,
    env: Vec<(&'static str, String)>,
}

impl Demo {
    fn start(&self) -> Child {
        Command::new(env!("CARGO_BIN_EXE_propdesk-bridge-demo"))
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start the bridge")
    }

    async fn call(&self, method: &str, path: &str, body: &str) -> serde_json::Value {
        let headers = [("Content-Type", "application/json".to_string())];
        for _ in 0..50 {
            if let Ok(r) = request(self.port, method, path, None, &headers, body).await {
                assert_eq!(r.status, 200, "{method} {path}: {}", r.body);
                return serde_json::from_str(&r.body).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the bridge does not answer on {}", self.port);
    }
}

/// Waits up to 30 s for `check` to hold.
async fn until<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..300 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("waited 30 s for {what}");
}

async fn account(db: &DatabaseConnection, id: i64) -> trading_account::Model {
    trading_account::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_challenge_runs_on_the_reference_bridge_through_restarts() {
    let (db, url) = server::testing::fresh_db_with_url(None).await;
    let admin = user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    let trader = user(&db, UserKind::Trader, "trader@example.com", None).await;
    let form = ServerForm {
        name: "Demo platform".into(),
        environment: "demo".into(),
        currencies: "USD".into(),
        leverages: "100".into(),
        groups: "demo\\prop".into(),
        enabled: true,
        silence_secs: "120".into(),
        stale_secs: "300".into(),
        command_ttl_secs: "3600".into(),
        ..Default::default()
    };
    let saved = servers::save(&db, admin, form, &here()).await.unwrap();
    // One demo stage on the platform, then the live stage on the simulator.
    let mut def = ChallengeDef::example();
    def.name = "On the platform".into();
    def.packages[0].stages = vec![
        StageDef {
            server_id: Some(saved.id),
            min_trading_days: 1,
            ..StageDef::demo_default()
        },
        StageDef::live_default(),
    ];
    let challenge = challenges::save(&db, admin, None, def, &here())
        .await
        .unwrap();
    challenges::publish(&db, admin, challenge, &here())
        .await
        .unwrap();
    let funds = Adjustment {
        idempotency_key: "fund".into(),
        user_id: trader,
        currency: "USD".into(),
        direction: "deposit".into(),
        amount: "500.00".into(),
        comment: "test funds".into(),
    };
    wallets::adjust(&db, admin, funds, &here()).await.unwrap();
    let bought = ParticipateInput {
        coupon: 0,
        promo_code: String::new(),
        challenge_id: challenge,
        package_key: "p1".into(),
        pay_method: "wallet".into(),
        idempotency_key: "buy".into(),
    };
    let (p, _) = participation::participate(&db, trader, bought, &here())
        .await
        .unwrap();
    let req = app::server::entity::request::Entity::find()
        .filter(app::server::entity::request::Column::UserId.eq(trader))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    approvals::approve(&db, admin, req.id, 1, "", &here())
        .await
        .unwrap();
    let acc_id = participation::find(&db, p.id)
        .await
        .unwrap()
        .account_id
        .unwrap();
    let dbr = &db;
    assert_eq!(account(&db, acc_id).await.status, "opening");

    let outbox = std::env::temp_dir().join(format!("propdesk-bridge-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&outbox);
    std::fs::create_dir_all(&outbox).unwrap();
    let propdesk = Server::start(&propdesk(), &url, &outbox).await;
    let port = free_port();
    let demo = Demo {
        port,
        env: vec![
            ("PROPDESK_ADDR", format!("127.0.0.1:{}", propdesk.port)),
            ("BRIDGE_NAME", saved.bridge_name.clone()),
            ("BRIDGE_SECRET", saved.secret.clone().unwrap()),
            (
                "BRIDGE_STATE",
                outbox.join("bridge.json").display().to_string(),
            ),
            ("BRIDGE_LISTEN", format!("127.0.0.1:{port}")),
        ],
    };
    let mut bridge = demo.start();

    // The platform creates the account under its own login; PropDesk opens it.
    until("the account to open", || async move {
        account(dbr, acc_id).await.status == "active"
    })
    .await;
    let acc = account(&db, acc_id).await;
    assert_eq!(
        (acc.login.as_str(), acc.account_group.as_str()),
        ("700001", "demo\\prop")
    );
    let on_platform = demo.call("GET", "/accounts/700001", "").await;
    assert_eq!(on_platform["balance_minor"], 1_000_000);
    // Snapshots follow.
    until("a snapshot", || async move {
        account(dbr, acc_id).await.last_seq > 0
    })
    .await;

    // An order on the platform reaches PropDesk as a deal.
    let order = serde_json::json!({
        "login": "700001", "password": acc.password, "symbol": "EURUSD", "side": "buy", "lots": "1.00",
    });
    demo.call(
        "POST",
        "/prices",
        r#"{"symbol":"EURUSD","price":"1.08500"}"#,
    )
    .await;
    let ticket = demo.call("POST", "/orders", &order.to_string()).await["ticket"].clone();
    until("the position in PropDesk", || async move {
        account(dbr, acc_id).await.open_positions == 1
    })
    .await;

    // Killed and restarted from its state: nothing is carried out or counted twice.
    bridge.start_kill().unwrap();
    bridge.wait().await.unwrap();
    let mut bridge = demo.start();
    let close = serde_json::json!({"login": "700001", "password": acc.password});
    demo.call(
        "POST",
        "/prices",
        r#"{"symbol":"EURUSD","price":"1.08600"}"#,
    )
    .await;
    demo.call(
        "POST",
        &format!("/orders/{ticket}/close"),
        &close.to_string(),
    )
    .await;
    until("the closing deal", || async move {
        deal::Entity::find().all(dbr).await.unwrap().len() == 1
    })
    .await;
    let d = &deal::Entity::find().all(&db).await.unwrap()[0];
    assert_eq!(d.profit_minor, 10_000, "100 points of one lot: 100.00 USD");
    until("the balance", || async move {
        account(dbr, acc_id).await.balance == 1_010_000
    })
    .await;
    let creates = bridge_command::Entity::find()
        .filter(bridge_command::Column::Kind.eq("create"))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(creates.len(), 1);
    assert_eq!(creates[0].status, "acked");

    // A lot bought at 1.08600 and the price at 1.07900: 700.00 lost, over the 500.00 a day.
    demo.call("POST", "/orders", &order.to_string()).await;
    demo.call(
        "POST",
        "/prices",
        r#"{"symbol":"EURUSD","price":"1.07900"}"#,
    )
    .await;
    until("the breach", || async move {
        account(dbr, acc_id).await.status == "failed"
    })
    .await;
    let p = participant::Entity::find_by_id(p.id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status.to_string(), "failed");
    until("the disable command carried out", || async move {
        bridge_command::Entity::find()
            .filter(bridge_command::Column::Kind.eq("disable"))
            .one(dbr)
            .await
            .unwrap()
            .is_some_and(|c| c.status == "acked")
    })
    .await;
    assert_eq!(
        demo.call("GET", "/accounts/700001", "").await["enabled"],
        false
    );
    let refused = request(
        demo.port,
        "POST",
        "/orders",
        None,
        &[("Content-Type", "application/json".to_string())],
        &order.to_string(),
    )
    .await
    .unwrap();
    assert_eq!(refused.status, 422, "{}", refused.body);
    bridge.start_kill().unwrap();
    propdesk.stop().await;
}
